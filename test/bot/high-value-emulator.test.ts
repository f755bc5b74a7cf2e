// The high-value guardrail end to end: Contoso's tenants file marks devices tagged HighValue or
// "Tier 0" high-value, the emulator's contoso-dc-01 carries both tags. A Security Operator clicks
// through the real bot (HTTP → CloudAdapter → handlers); Defender for Endpoint is the emulator.
import assert from 'node:assert/strict';
import {
  DEMO_DEVICE_IDS,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import { nodesOfType, visibleTexts } from '../cards/card-nodes.ts';
import { OPERATOR, READER, usePublishedStack } from './managed-response-stack.ts';

const INCIDENT = DEMO_INCIDENT_IDS.expertsInvestigating;
const DC = DEMO_DEVICE_IDS.domainController01;

function action(id: string, kind: string, deviceId: string, name: string) {
  return {
    id,
    kind,
    title: `${kind} ${name}`,
    description: 'Contain it.',
    device: { id: deviceId, name },
  };
}

const actions = [
  action('act-dc', 'isolateDevice', DC, 'contoso-dc-01'),
  action('act-dc-apps', 'restrictAppExecution', DC, 'contoso-dc-01'),
  action('act-laptop', 'isolateDevice', DEMO_DEVICE_IDS.financeLaptop07, 'fin-laptop-07'),
];

describe('high-value devices: typed confirmation (Defender XDR emulator)', function () {
  this.timeout(30_000);
  const stack = usePublishedStack(INCIDENT, {
    headline: 'Credential theft reached the domain controller.',
    narrative: 'DCSync from fin-laptop-07 against contoso-dc-01.',
    potentialImpact: 'Domain compromise.',
    actions,
  });

  const ids = (actionId: string) => ({ incidentId: INCIDENT, actionId });
  const text = (value: unknown) => visibleTexts(value).join('\n');
  const dcActions = () =>
    stack()
      .emulator.control.listMachineActions(DEMO_TENANT_ID)
      .filter((a) => a.machineId.toLowerCase() === DC.toLowerCase());
  const audit = () => stack().feature.audit.list({ tenantId: DEMO_TENANT_ID });
  async function status(actionId: string) {
    const { response } = await stack().feature.publishing.get(DEMO_TENANT_ID, INCIDENT);
    return response.actions.find((a) => a.id === actionId)?.status;
  }

  it("asks an operator for the device's name, says why, and only for the high-value device", async () => {
    const { body } = await stack().invoke('refreshManagedResponse', { incidentId: INCIDENT });
    const inputs = nodesOfType(body.value, 'Input.Text').map((n) => n.id);
    assert.deepEqual(inputs, ['deviceName-act-dc', 'deviceName-act-dc-apps']);
    assert.match(
      text(body.value),
      /contoso-dc-01 is a high-value device for your organisation \(HighValue, Tier 0\): to isolate it, type its name below to confirm/,
    );
    assert.match(text(body.value), /to restrict its apps, type its name below/);
    assert.doesNotMatch(text(body.value), /fin-laptop-07 is a high-value/);
  });

  it('shows a Security Reader why, with greyed buttons and no box to type in', async () => {
    const { body } = await stack().invoke(
      'refreshManagedResponse',
      { incidentId: INCIDENT },
      READER,
    );
    assert.deepEqual(nodesOfType(body.value, 'Input.Text'), []);
    assert.match(text(body.value), /to isolate it, a Security Operator must type its name/);
    const runs = nodesOfType(body.value, 'Action.Execute').filter((n) => n.verb === 'runAction');
    assert.ok(runs.length >= 3);
    assert.ok(runs.every((n) => n.isEnabled === false));
  });

  it('refuses a forged click without the name, audits it, and calls Defender for nothing', async () => {
    const { body } = await stack().invoke('runAction', ids('act-dc'));
    assert.match(
      text(body.value),
      /Refused: contoso-dc-01 is a high-value device \(HighValue, Tier 0\), so its name must be typed/,
    );
    await stack().feature.settle();
    assert.equal(await status('act-dc'), 'pending');
    assert.deepEqual(dcActions(), []);
    const refusal = (await audit()).find((e) => e.kind === 'refusal' && e.actionId === 'act-dc');
    assert.equal(refusal?.code, 'DEVICE_NAME_MISSING');
    assert.equal(refusal?.actor.userId, OPERATOR.aadObjectId);
    assert.equal(refusal?.operation, 'runAction');
  });

  it('refuses a wrong name in a friendly way, audited, nothing sent to Defender', async () => {
    const { body } = await stack().invoke('runAction', {
      ...ids('act-dc'),
      'deviceName-act-dc': 'contoso-dc-02',
    });
    assert.match(text(body.value), /Refused: the name you typed is not contoso-dc-01\./);
    assert.match(text(body.value), /Nothing was sent to Defender/);
    assert.equal(nodesOfType(body.value, 'Input.Text').length, 2, 'the box is there to try again');
    await stack().feature.settle();
    assert.equal(await status('act-dc'), 'pending');
    assert.deepEqual(dcActions(), []);
    const codes = (await audit()).filter((e) => e.kind === 'refusal').map((e) => e.code);
    assert.deepEqual(codes, ['DEVICE_NAME_MISMATCH']);
  });

  it('does not take the name typed for another action', async () => {
    const { body } = await stack().invoke('runAction', {
      ...ids('act-dc'),
      'deviceName-act-dc-apps': 'contoso-dc-01',
    });
    assert.match(text(body.value), /so its name must be typed/);
    assert.deepEqual(dcActions(), []);
  });

  it('runs with the right name (any case, spaces trimmed): Defender isolates, the card completes', async () => {
    const { body } = await stack().invoke('runAction', {
      ...ids('act-dc'),
      'deviceName-act-dc': '  CONTOSO-DC-01 ',
    });
    assert.match(text(body.value), /Started by Alex Wilber/);
    await stack().feature.settle();
    assert.equal(await status('act-dc'), 'completed');
    const [isolation] = dcActions();
    assert.equal(isolation?.type, 'Isolate');
    assert.equal(isolation?.status, 'Succeeded');
    const confirmed = (await audit()).find((e) => e.result === 'deviceNameConfirmed');
    assert.equal(confirmed?.kind, 'confirmation');
    assert.match(confirmed?.detail ?? '', /contoso-dc-01 \(high-value tags HighValue, Tier 0\)/);
  });

  it('runs an ordinary device with one click, no name asked', async () => {
    await stack().invoke('runAction', ids('act-laptop'));
    await stack().feature.settle();
    assert.equal(await status('act-laptop'), 'completed');
  });

  it('follows the admins: once the tags are removed in Teams, one click isolates the device', async () => {
    const admin = { userId: OPERATOR.aadObjectId, name: OPERATOR.name };
    await stack().directory.removeHighValueTag(DEMO_TENANT_ID, 'highvalue', admin);
    await stack().directory.removeHighValueTag(DEMO_TENANT_ID, 'TIER 0', admin);
    const { body } = await stack().invoke('refreshManagedResponse', { incidentId: INCIDENT });
    assert.deepEqual(nodesOfType(body.value, 'Input.Text'), []);
    await stack().invoke('runAction', ids('act-dc-apps'));
    await stack().feature.settle();
    assert.equal(await status('act-dc-apps'), 'completed');
    assert.equal(dcActions()[0]?.type, 'RestrictCodeExecution');
  });

  it('asks the name (the published one) when Defender cannot say whether the device is high-value', async () => {
    stack().emulator.control.injectFault({ kind: '503', count: 50, path: '/api/machines/' });
    const { body } = await stack().invoke('refreshManagedResponse', { incidentId: INCIDENT });
    assert.match(
      text(body.value),
      /Defender could not say whether contoso-dc-01 is a high-value device/,
    );
    // The laptop too: without Defender's tags no device can be told apart.
    assert.equal(nodesOfType(body.value, 'Input.Text').length, 3);
    const refused = await stack().invoke('runAction', ids('act-laptop'));
    assert.match(text(refused.body.value), /Refused: Defender could not say whether fin-laptop-07/);
  });
});
