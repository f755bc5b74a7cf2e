// Device facts on the task cards, end to end: the experts publish actions on the emulator's demo
// devices, a Security Operator refreshes the card through the real bot, and the card shows what
// Defender for Endpoint's GET /api/machines/{id} says, with the warnings and the Run labels.
import assert from 'node:assert/strict';
import { DEMO_DEVICE_IDS, DEMO_INCIDENT_IDS } from '../../src/emulator/demo-data.ts';
import { visibleTexts } from '../cards/card-nodes.ts';
import { usePublishedStack } from './managed-response-stack.ts';

const INCIDENT = DEMO_INCIDENT_IDS.expertsInvestigating;

function action(id: string, kind: string, device: keyof typeof DEMO_DEVICE_IDS, name: string) {
  return {
    id,
    kind,
    title: `${kind} on ${name}`,
    description: 'Contain the device.',
    device: { id: DEMO_DEVICE_IDS[device], name },
  };
}

const actions = [
  action('act-prod', 'isolateDevice', 'prodServer01', 'prod-server-01'),
  action('act-stale', 'isolateDevice', 'marketingLaptop22', 'mkt-laptop-22'),
  action('act-old-os', 'restrictAppExecution', 'labHmi01', 'lab-hmi-01'),
  {
    ...action('act-linux', 'isolateDevice', 'webLinux02', 'web-linux-02'),
    isolationType: 'selective',
  },
  action('act-room', 'isolateDevice', 'meetingRoomPc04', 'meetingroom-pc-04'),
  action('act-sales', 'isolateDevice', 'salesLaptop12', 'sales-laptop-12'),
  action('act-sales-apps', 'restrictAppExecution', 'salesLaptop12', 'sales-laptop-12'),
];

describe('device facts on the task cards (Defender XDR emulator)', function () {
  this.timeout(30_000);
  const stack = usePublishedStack(INCIDENT, {
    headline: 'Ransomware staging on several devices.',
    narrative: 'Cobalt Strike beacons on five devices.',
    potentialImpact: 'Encryption of file shares.',
    actions,
  });

  async function cardText(): Promise<string> {
    const { status, body } = await stack().invoke('refreshManagedResponse', {
      incidentId: INCIDENT,
    });
    assert.equal(status, 200);
    return visibleTexts(body.value).join('\n');
  }

  it("shows each device's OS, last seen, health, risk, exposure, tags and onboarding", async () => {
    const text = await cardText();
    assert.match(
      text,
      /WindowsServer2022 21H2 · Health Active · Risk High · Exposure \w+ · Onboarded · Tags: Production, File server/,
    );
    assert.match(text, /Last seen \d+ min ago · \{\{DATE\(\d{4}-\d\d-\d\dT[\d:]+Z, SHORT\)\}\}/);
    assert.match(text, /Isolate prod-server-01 \(full\)/);
  });

  it('warns about a device not seen for 12 days and says the isolation waits for it', async () => {
    const text = await cardText();
    assert.match(text, /Last seen 12 days ago/);
    assert.match(text, /mkt-laptop-22 has not been seen for more than 7 days/);
    assert.match(text, /Isolate mkt-laptop-22 \(full\) when it is back online/);
  });

  it('warns that Windows 10 1607 cannot restrict apps and Linux cannot isolate selectively', async () => {
    const text = await cardText();
    assert.match(text, /Windows10 1607 does not support app restriction: Defender will refuse it/);
    assert.match(text, /Linux Ubuntu 22.04 does not support selective isolation/);
    assert.doesNotMatch(text, /WindowsServer2022 21H2 does not support/);
  });

  it('warns that a device found by discovery is not onboarded', async () => {
    const text = await cardText();
    assert.match(
      text,
      /meetingroom-pc-04 is not onboarded to Defender for Endpoint \(CanBeOnboarded\)/,
    );
  });

  it('shows "Device details unavailable" when Defender fails, and the card still works', async () => {
    stack().emulator.control.injectFault({ kind: '503', count: 50, path: '/api/machines/' });
    const text = await cardText();
    assert.match(text, /Device details unavailable/);
    assert.doesNotMatch(text, /Last seen/);
    assert.match(text, /Isolate device/, 'the plain Run label');
  });

  it('asks Defender once per device for repeated refreshes (60 s cache)', async () => {
    const machineReads = /"GET \/mde\/api\/machines\/\{id\}"/;
    stack().emulator.control.resetStats();
    await cardText();
    assert.match(JSON.stringify(stack().emulator.control.stats()), machineReads);
    stack().emulator.control.resetStats();
    await cardText();
    await cardText();
    assert.doesNotMatch(JSON.stringify(stack().emulator.control.stats()), machineReads);
  });

  it('shows a device automated investigation already isolated, by whom and since when, without Run', async () => {
    const { body } = await stack().invoke('refreshManagedResponse', { incidentId: INCIDENT });
    const text = visibleTexts(body.value).join('\n');
    assert.match(
      text,
      /Already isolated \(full\) by Automated investigation since \{\{DATE\(\d{4}-[\d-]+T[\d:]+Z, SHORT\)\}\} \{\{TIME\([^)]+\)\}\}: Defender is not asked to do it again\./,
    );
    assert.doesNotMatch(text, /Isolate sales-laptop-12/);
    assert.match(text, /Restrict apps on sales-laptop-12/, 'its apps are not restricted');
    const runs = JSON.stringify(body.value).match(/"verb":"runAction"[^}]*"actionId":"act-sales"/g);
    assert.equal(runs, null, 'no Run button for the isolation');
  });
});
