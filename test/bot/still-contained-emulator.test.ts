// Still contained end to end: a Security Operator isolates fin-laptop-07 through the real bot,
// Defender for Endpoint (the emulator) isolates it, and once the period has passed the demo
// tenant's primary contacts and SOC channel get the card. Keep isolated through the bot re-arms
// it; a release in the Defender portal stops it; Release from isolation on the card goes through
// the undo path. The scheduler is ticked by hand, and the app's clock is moved past the period
// instead of waiting for it (the emulator keeps real time; the period stays short so that the app
// and Defender's timestamps stay close).
import assert from 'node:assert/strict';
import type { AdaptiveCard } from '../../cards/adaptive-card.ts';
import {
  DEMO_DEVICE_IDS,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import { executeButtons, visibleTexts } from '../cards/card-nodes.ts';
import { usePublishedStack } from './managed-response-stack.ts';

const INCIDENT = DEMO_INCIDENT_IDS.expertsInvestigating;
const DEVICE = DEMO_DEVICE_IDS.financeLaptop07;
const PERIOD_MS = 1_500;
const SOC = '19:contoso-soc-alerts@thread.tacv2';

/** The system clock, ahead by what the test moved it. */
class AheadClock {
  aheadMs = 0;
  now = (): Date => new Date(Date.now() + this.aheadMs);
}

describe('still-contained reminders against the Defender XDR emulator', function () {
  this.timeout(30_000);
  const clock = new AheadClock();
  beforeEach(() => (clock.aheadMs = 0));
  const stack = usePublishedStack(
    INCIDENT,
    {
      headline: 'Credentials were dumped from LSASS on fin-laptop-07.',
      narrative: 'A renamed procdump read lsass.exe memory.',
      potentialImpact: 'Lateral movement.',
      actions: [
        {
          id: 'act-isolate',
          kind: 'isolateDevice',
          title: 'Isolate fin-laptop-07',
          description: 'Cut the laptop off the network.',
          device: { id: DEVICE, name: 'fin-laptop-07' },
        },
      ],
    },
    { containmentPeriodMs: PERIOD_MS, clock: clock.now },
  );
  beforeEach(async () => {
    await stack().invoke('runAction', { incidentId: INCIDENT, actionId: 'act-isolate' });
    await stack().feature.settle();
  });

  const reminders = () =>
    stack()
      .messenger.messages.filter((m) => JSON.stringify(m.activity).includes('Still contained'))
      .map((m) => ({
        to: m.target.kind === 'conversation' ? m.target.conversationId : m.target.userId,
        card: m.activity.attachments?.[0]?.content as AdaptiveCard,
      }));
  const pastPeriod = () => (clock.aheadMs += PERIOD_MS + 50);
  const tick = async () => {
    const outcome = await stack().containment.tick();
    await stack().delivery.drain();
    return outcome;
  };
  /** The data of the card's button with `verb`, as Teams would send it back. */
  const buttonData = (card: AdaptiveCard, verb: string) =>
    executeButtons(card).find((b) => b['verb'] === verb)?.['data'] as Record<string, string>;

  it('asks the contacts and the SOC channel once per period; Keep isolated through the bot re-arms it', async () => {
    assert.deepEqual(await tick(), { sent: 0, stopped: 0 }, 'not before the period');
    pastPeriod();
    assert.deepEqual(await tick(), { sent: 1, stopped: 0 });
    assert.deepEqual(await tick(), { sent: 0, stopped: 0 }, 'once per period');
    const sent = reminders();
    assert.deepEqual(
      sent.map((r) => r.to).sort(),
      ['4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c', '5c9a1d2f-7b3e-4f4a-9cad-1e2f3a4b5c6d', SOC].sort(),
    );
    assert.match(visibleTexts(sent[0]!.card).join('\n'), /fin-laptop-07 has been isolated for/);

    const keep = buttonData(sent[0]!.card, 'keepContained');
    const kept = await stack().invoke('keepContained', keep);
    assert.match(visibleTexts(kept.body.value).join('\n'), /Kept isolated by Alex Wilber/);
    await stack().delivery.drain();
    assert.deepEqual(await tick(), { sent: 0, stopped: 0 }, 're-armed from the click');
    pastPeriod();
    assert.deepEqual(await tick(), { sent: 1, stopped: 0 });
    assert.equal(reminders().length, 6);
  });

  it('stops when someone releases the device in the Defender portal', async () => {
    stack().emulator.control.addMachineAction(DEMO_TENANT_ID, {
      machineId: DEVICE,
      type: 'Unisolate',
      status: 'Succeeded',
      requestor: 'soc-lead@contoso.com',
      requestorComment: 'Released after the scan came back clean.',
      creationDateTimeUtc: new Date().toISOString(),
      lastUpdateDateTimeUtc: new Date(Date.now() + 1000).toISOString(),
    });
    pastPeriod();
    assert.deepEqual(await tick(), { sent: 0, stopped: 1 });
    pastPeriod();
    assert.deepEqual(await tick(), { sent: 0, stopped: 0 });
    assert.equal(reminders().length, 0);
  });

  it("releases through the card's Release from isolation, confirmed in the card, then stops", async () => {
    pastPeriod();
    await tick();
    const release = buttonData(reminders()[0]!.card, 'requestRelease');
    const confirm = await stack().invoke('requestRelease', release);
    assert.match(
      visibleTexts(confirm.body.value).join('\n'),
      /Release fin-laptop-07 from isolation\?/,
    );
    assert.match(
      JSON.stringify(confirm.body.value),
      /Still contained/,
      'in the reminder card itself',
    );
    const yes = buttonData(confirm.body.value as AdaptiveCard, 'confirmRelease');
    const started = await stack().invoke('confirmRelease', yes);
    assert.match(
      visibleTexts(started.body.value).join('\n'),
      /Release requested by Alex Wilber at .*: in progress/,
    );
    await stack().feature.settle();
    const unisolate = stack()
      .emulator.control.listMachineActions(DEMO_TENANT_ID)
      .filter((a) => a.type === 'Unisolate' && a.machineId === DEVICE && a.status === 'Succeeded');
    assert.equal(unisolate.length, 1);
    pastPeriod();
    assert.deepEqual(await tick(), { sent: 0, stopped: 0 });
    assert.equal(reminders().length, 3, 'only the first round');
  });
});
