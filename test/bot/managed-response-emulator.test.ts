// The managed response end to end against the Defender XDR emulator: the experts publish over
// the Experts API, a Security Operator clicks through the real bot (HTTP → CloudAdapter →
// handlers), Defender for Endpoint runs the machine action. Run with scripts/run-mocha.ts (TLS).
import assert from 'node:assert/strict';
import {
  DEMO_DEVICE_IDS,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import { visibleTexts } from '../cards/card-nodes.ts';
import { OPERATOR, READER, usePublishedStack } from './managed-response-stack.ts';

const INCIDENT = DEMO_INCIDENT_IDS.expertsInvestigating;
const DEVICE = DEMO_DEVICE_IDS.financeLaptop07;

const isolate = {
  id: 'act-isolate',
  kind: 'isolateDevice',
  title: 'Isolate fin-laptop-07',
  description: 'Cut the laptop off the network.',
  device: { id: DEVICE, name: 'fin-laptop-07' },
};
const restrict = {
  id: 'act-restrict',
  kind: 'restrictAppExecution',
  title: 'Restrict app execution on fin-laptop-07',
  description: 'Only Microsoft-signed binaries may run.',
  device: { id: DEVICE, name: 'fin-laptop-07' },
};

describe('managed response against the Defender XDR emulator', function () {
  this.timeout(30_000);
  const stack = usePublishedStack(INCIDENT, {
    headline: 'Credentials were dumped from LSASS on fin-laptop-07.',
    narrative: 'A renamed procdump read lsass.exe memory at 06:12 UTC.',
    potentialImpact: 'Use of the stolen credentials for lateral movement.',
    actions: [isolate, restrict],
  });

  const ids = (actionId: string) => ({ incidentId: INCIDENT, actionId });
  const text = (value: unknown) => visibleTexts(value).join('\n');
  const machineActions = () => stack().emulator.control.listMachineActions(DEMO_TENANT_ID);

  async function actionStatus(actionId: string): Promise<string | undefined> {
    const { response } = await stack().feature.publishing.get(DEMO_TENANT_ID, INCIDENT);
    return response.actions.find((a) => a.id === actionId)?.status;
  }

  it('hands the incident to the Customer in Graph when the response is published', () => {
    const incident = stack().emulator.control.getIncident(DEMO_TENANT_ID, INCIDENT)!;
    assert.equal(incident.assignedTo, 'Customer');
    assert.equal(incident.status, 'active');
    assert.match(
      incident.comments.at(-1)?.comment ?? '',
      /^Managed response: Defender Experts published/,
    );
  });

  it('retries a throttled start in the Defender client: one machine action, Completed', async () => {
    stack().emulator.control.injectFault({
      kind: '429',
      retryAfterSeconds: 1,
      count: 1,
      path: 'isolate',
    });
    stack().emulator.control.injectFault({ kind: '503', count: 1, path: 'isolate' });
    const { body: answer } = await stack().invoke('runAction', ids('act-isolate'));
    assert.match(text(answer.value), /Started by Alex Wilber/);
    await stack().feature.settle();
    assert.equal(await actionStatus('act-isolate'), 'completed');
    assert.equal(machineActions().length, 1, 'one machine action, not one per try');
    assert.deepEqual(stack().emulator.control.listFaults(), [], 'both faults were hit');
  });

  it('runs a one-click action: In progress at once, then Completed in Defender and on the card', async () => {
    const started = Date.now();
    const { status, body: answer } = await stack().invoke('runAction', ids('act-isolate'));
    assert.equal(status, 200);
    assert.ok(Date.now() - started < 1_000, 'answered within a second');
    assert.equal(answer.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(text(answer.value), /Started by Alex Wilber/);
    await stack().feature.settle();
    assert.equal(await actionStatus('act-isolate'), 'completed');
    const [machineAction] = machineActions();
    assert.equal(machineAction?.type, 'Isolate');
    assert.equal(machineAction?.status, 'Succeeded');
    assert.match(
      machineAction?.requestorComment ?? '',
      new RegExp(`${INCIDENT}/act-isolate attempt 1`),
    );
    const refreshed = await stack().invoke('refreshManagedResponse', { incidentId: INCIDENT });
    assert.match(text(refreshed.body.value), /Completed · started by Alex Wilber/);
  });

  it("shows Defender's failure (failActions) and lets the operator retry", async () => {
    stack().emulator.control.injectFault({
      kind: 'failActions',
      reason: 'Device unreachable',
      count: 1,
    });
    await stack().invoke('runAction', ids('act-isolate'));
    await stack().feature.settle();
    assert.equal(await actionStatus('act-isolate'), 'failed');
    const view = await stack().invoke('refreshManagedResponse', { incidentId: INCIDENT });
    assert.match(
      text(view.body.value),
      /Defender: Defender for Endpoint reported that the action failed on the device \(error 0x80004005\)/,
    );
    await stack().invoke('retryAction', ids('act-isolate'));
    await stack().feature.settle();
    assert.equal(await actionStatus('act-isolate'), 'completed');
    assert.equal(machineActions().length, 2);
  });

  it('gets through throttling (429 with Retry-After) during the action', async () => {
    stack().emulator.control.resetStats();
    stack().emulator.control.injectFault({
      kind: '429',
      retryAfterSeconds: 1,
      count: 3,
      path: '/mde/',
    });
    await stack().invoke('runAction', ids('act-restrict'));
    await stack().feature.settle();
    assert.equal(await actionStatus('act-restrict'), 'completed');
    const throttled = Object.values(stack().emulator.control.stats().routes).reduce(
      (sum, byStatus) => sum + (byStatus['429'] ?? 0),
      0,
    );
    assert.equal(throttled, 3);
    assert.equal(machineActions().length, 1);
  });

  it('starts ONE machine action for 100 concurrent clicks', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => stack().invoke('runAction', ids('act-isolate'))),
    );
    assert.ok(answers.every((a) => a.status === 200));
    await stack().feature.settle();
    assert.equal(machineActions().length, 1);
    const texts = answers.map((a) => text(a.body.value));
    assert.equal(texts.filter((t) => /Started "Isolate fin-laptop-07"/.test(t)).length, 1);
    assert.equal(await actionStatus('act-isolate'), 'completed');
  });

  it('refuses a Security Reader through the bot and starts nothing', async () => {
    const { body: answer } = await stack().invoke('runAction', ids('act-isolate'), READER);
    assert.match(text(answer.value), /Refused: Only Security Operators/);
    await stack().feature.settle();
    assert.equal(machineActions().length, 0);
  });

  it('sends the summary and actions cards to the chat on "View managed response"', async () => {
    const { body: answer } = await stack().invoke('viewManagedResponse', {
      tenantId: DEMO_TENANT_ID,
      incidentId: INCIDENT,
    });
    assert.equal(answer.type, 'application/vnd.microsoft.activity.message');
    await stack().delivery.drain();
    const posted = stack().messenger.messages.filter(
      (m) => m.target.kind === 'personal' && m.target.userId === OPERATOR.aadObjectId,
    );
    assert.equal(posted.length, 2);
  });
});
