// Undo end to end (issue 11 item 4): the experts publish, a Security Operator isolates a device
// through the real bot (HTTP → CloudAdapter → handlers), then releases it with the confirmation
// step; Defender for Endpoint (the emulator) runs Isolate then Unisolate. Also the device that
// automated investigation isolated before anyone clicked, and the server's refusals.
import assert from 'node:assert/strict';
import {
  DEMO_DEVICE_IDS,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import type { AdaptiveCard } from '../../cards/adaptive-card.ts';
import { executeButtons, visibleTexts } from '../cards/card-nodes.ts';
import { API_KEY, READER, usePublishedStack } from './managed-response-stack.ts';

const INCIDENT = DEMO_INCIDENT_IDS.expertsInvestigating;

const device = (id: string, kind: string, key: keyof typeof DEMO_DEVICE_IDS, name: string) => ({
  id,
  kind,
  title: `${kind === 'isolateDevice' ? 'Isolate' : 'Restrict apps on'} ${name}`,
  description: 'Contain the device.',
  device: { id: DEMO_DEVICE_IDS[key], name },
});

describe('undo against the Defender XDR emulator (Release from isolation)', function () {
  this.timeout(30_000);
  const stack = usePublishedStack(INCIDENT, {
    headline: 'Credentials were dumped from LSASS on fin-laptop-07.',
    narrative: 'A renamed procdump read lsass.exe memory.',
    potentialImpact: 'Lateral movement.',
    actions: [
      device('act-isolate', 'isolateDevice', 'financeLaptop07', 'fin-laptop-07'),
      device('act-restrict', 'restrictAppExecution', 'financeLaptop07', 'fin-laptop-07'),
      device('act-sales', 'isolateDevice', 'salesLaptop12', 'sales-laptop-12'),
    ],
  });

  const ids = (actionId: string) => ({ incidentId: INCIDENT, actionId });
  const text = (value: unknown) => visibleTexts(value).join('\n');
  const verbs = (value: unknown) =>
    executeButtons(value as AdaptiveCard).map(
      (b) => `${String(b['verb'])}(${(b['data'] as { actionId?: string }).actionId ?? ''})`,
    );
  const machineActions = () => stack().emulator.control.listMachineActions(DEMO_TENANT_ID);
  const refresh = async () =>
    (await stack().invoke('refreshManagedResponse', { incidentId: INCIDENT })).body.value;

  it('isolates, then releases after confirmation: its own action, Unisolate in Defender, on every copy and in the audit', async () => {
    await stack().invoke('viewManagedResponse', { tenantId: DEMO_TENANT_ID, incidentId: INCIDENT });
    await stack().invoke('runAction', ids('act-isolate'));
    await stack().feature.settle();
    assert.ok(verbs(await refresh()).includes('requestUndo(act-isolate)'));

    const confirm = await stack().invoke('requestUndo', ids('act-isolate'));
    assert.match(text(confirm.body.value), /Release fin-laptop-07 from isolation\?/);
    assert.ok(verbs(confirm.body.value).includes('confirmUndo(act-isolate)'));
    assert.equal(machineActions().filter((a) => a.type === 'Unisolate').length, 0);

    const started = await stack().invoke('confirmUndo', ids('act-isolate'));
    assert.match(text(started.body.value), /Started "Release fin-laptop-07 from isolation"/);
    await stack().feature.settle();
    await stack().delivery.drain();

    const unisolate = machineActions().filter(
      (a) => a.type === 'Unisolate' && a.machineId === DEMO_DEVICE_IDS.financeLaptop07,
    );
    assert.equal(unisolate.length, 1);
    assert.equal(unisolate[0]?.status, 'Succeeded');
    assert.match(
      unisolate[0]?.requestorComment ?? '',
      new RegExp(`${INCIDENT}/undo-act-isolate attempt 1`),
    );
    const { response } = await stack().feature.publishing.get(DEMO_TENANT_ID, INCIDENT);
    const undo = response.actions.find((a) => a.id === 'undo-act-isolate') as
      { status: string; reverses?: string } | undefined;
    assert.equal(undo?.status, 'completed');
    assert.equal(undo?.reverses, 'act-isolate');

    const after = await refresh();
    assert.match(text(after), /Released from isolation \(requested by Alex Wilber\)/);
    assert.ok(!verbs(after).includes('requestUndo(act-isolate)'), 'not offered twice');
    const copy = stack()
      .messenger.cards()
      .filter((c) => c.includes('Pending actions'))
      .at(-1);
    assert.match(copy ?? '', /Released from isolation/, 'the chat copy follows');

    const audit = await fetch(`${stack().base}/api/v1/audit?incidentId=${INCIDENT}`, {
      headers: { 'x-api-key': API_KEY },
    });
    const entries = ((await audit.json()) as { value: Record<string, unknown>[] }).value;
    assert.ok(
      entries.some((e) => e['operation'] === 'confirmUndo' && e['reverses'] === 'act-isolate'),
      JSON.stringify(entries.map((e) => e['operation'])),
    );
  });

  it('offers the undo for a device automated investigation isolated, and releases it', async () => {
    const card = await refresh();
    assert.match(text(card), /Already isolated \(full\) by Automated investigation/);
    assert.ok(verbs(card).includes('requestUndo(act-sales)'), verbs(card).join());
    await stack().invoke('confirmUndo', ids('act-sales'));
    await stack().feature.settle();
    const released = machineActions().filter(
      (a) => a.type === 'Unisolate' && a.machineId === DEMO_DEVICE_IDS.salesLaptop12,
    );
    assert.equal(released[0]?.status, 'Succeeded');
    const after = text(await refresh());
    assert.doesNotMatch(after, /Already isolated \(full\) by Automated investigation/);
    assert.match(after, /Isolate sales-laptop-12 \(full\)/, 'the recommendation can run again');
  });

  it('refuses an undo of an action that is not completed, a reader and a forged id, through the bot', async () => {
    const pending = await stack().invoke('confirmUndo', ids('act-restrict'));
    assert.match(text(pending.body.value), /has not completed: there is nothing to undo/);
    await stack().invoke('runAction', ids('act-isolate'));
    await stack().feature.settle();
    const reader = await stack().invoke('confirmUndo', ids('act-isolate'), READER);
    assert.match(text(reader.body.value), /Refused: Only Security Operators/);
    const forged = await stack().invoke('confirmUndo', ids('act-from-elsewhere'));
    assert.match(text(forged.body.value), /Refused/);
    await stack().feature.settle();
    assert.equal(machineActions().filter((a) => a.type === 'Unisolate').length, 0);
  });
});
