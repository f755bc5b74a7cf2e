// Device facts (and the high-value name box) on every copy of the task cards, not only on the
// clicker's answer: the copies the response writer edits after each change, the copy "View
// managed response" posts in a chat, and the SOC channel's copy. Real bot, Defender XDR emulator.
import assert from 'node:assert/strict';
import {
  DEMO_DEVICE_IDS,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import { OPERATOR, usePublishedStack, type Stack } from './managed-response-stack.ts';

const INCIDENT = DEMO_INCIDENT_IDS.expertsInvestigating;
const SOC_CHANNEL = '19:contoso-soc-alerts@thread.tacv2';

function action(id: string, deviceId: string, name: string) {
  return {
    id,
    kind: 'isolateDevice',
    title: `Isolate ${name}`,
    description: 'Contain it.',
    device: { id: deviceId, name },
  };
}

describe('device facts on every copy of the task cards (Defender XDR emulator)', function () {
  this.timeout(30_000);
  const stack = usePublishedStack(INCIDENT, {
    headline: 'DCSync from a laptop.',
    narrative: 'n',
    potentialImpact: 'Domain compromise.',
    actions: [
      action('act-dc', DEMO_DEVICE_IDS.domainController01, 'contoso-dc-01'),
      action('act-laptop', DEMO_DEVICE_IDS.financeLaptop07, 'fin-laptop-07'),
    ],
  });

  /** The latest content of the actions card posted to `where` (a user's chat or a channel). */
  function actionsCardIn(where: (m: Stack['messenger']['messages'][number]) => boolean): string {
    const cards = stack()
      .messenger.messages.filter(where)
      .map((m) => JSON.stringify(m.activity.attachments?.[0]?.content ?? ''))
      .filter((c) => c.includes('Pending actions'));
    assert.equal(cards.length, 1, 'one actions card there');
    return cards[0]!;
  }
  const operatorChat = (m: Stack['messenger']['messages'][number]) =>
    m.target.kind === 'personal' && m.target.userId === OPERATOR.aadObjectId;
  const socChannel = (m: Stack['messenger']['messages'][number]) =>
    m.target.kind === 'conversation' && m.target.conversationId === SOC_CHANNEL;

  it('keeps facts and the name box on the chat copy after the writer edits it', async () => {
    await stack().invoke('viewManagedResponse', { tenantId: DEMO_TENANT_ID, incidentId: INCIDENT });
    await stack().delivery.drain();
    const posted = actionsCardIn(operatorChat);
    assert.match(posted, /WindowsServer2019 1809 · .*Tags: HighValue, Domain Controller, Tier 0/);
    assert.match(posted, /"id":"deviceName-act-dc"/);

    await stack().invoke('runAction', { incidentId: INCIDENT, actionId: 'act-laptop' });
    await stack().feature.settle();
    await stack().delivery.drain();
    const edited = actionsCardIn(operatorChat);
    assert.match(edited, /Completed · started by Alex Wilber/, 'the copy was edited');
    assert.match(edited, /Tags: HighValue, Domain Controller, Tier 0/);
    assert.match(edited, /"id":"deviceName-act-dc"/);
    assert.match(edited, /Isolate contoso-dc-01 \(full\)/);
  });

  it("shows the facts on the SOC channel's copy, with the reason but no box (shared card)", async () => {
    await stack().feature.refreshCopies(DEMO_TENANT_ID, INCIDENT);
    await stack().delivery.drain();
    const soc = actionsCardIn(socChannel);
    assert.match(soc, /Windows11 23H2 · Health Active/);
    assert.match(
      soc,
      /contoso-dc-01 is a high-value device for your organisation \(HighValue, Tier 0\): to isolate it, a Security Operator must type its name/,
    );
    assert.doesNotMatch(soc, /Input\.Text/);
  });
});
