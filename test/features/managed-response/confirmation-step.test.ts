// The confirmation step stays on the clicker's copy while edits of every copy that were already
// on their way land (the race the Playground journey showed), and goes once confirmed,
// cancelled or expired.
import assert from 'node:assert/strict';
import type { AdaptiveCard } from '../../../cards/adaptive-card.ts';
import {
  OPEN_STEPS_COLLECTION,
  OpenSteps,
} from '../../../src/features/managed-response/open-steps.ts';
import { blockDomain, caller, isolate, readerCaller, resetPassword } from './fixtures.ts';
import { action, buttons, cardOf, publish } from './card-helpers.ts';
import {
  harness,
  OPERATOR,
  RecordingMessenger,
  SOC_CHANNEL,
  TENANT,
  type Harness,
} from './harness.ts';
import type { DeliveryTarget, OutgoingActivity } from '../../../src/delivery/delivery-job.ts';

/** Holds the next edit of a 1:1 chat after it was drawn, as Teams' pacing does before the call. */
class PacedMessenger extends RecordingMessenger {
  #held: { drawn: () => void; go: Promise<void> } | undefined;

  /** Resolves once the next 1:1 edit is drawn and waiting; `release` lets it go. */
  holdNextEdit(): { drawn: Promise<void>; release: () => void } {
    let release = () => {};
    let drawn = () => {};
    const go = new Promise<void>((resolve) => (release = resolve));
    const reached = new Promise<void>((resolve) => (drawn = resolve));
    this.#held = { drawn, go };
    return { drawn: reached, release };
  }

  override async update(
    target: DeliveryTarget,
    conversationId: string,
    activityId: string,
    activity: OutgoingActivity,
  ) {
    const held = this.#held;
    if (held && target.kind === 'personal') {
      this.#held = undefined;
      held.drawn();
      await held.go;
    }
    return super.update(target, conversationId, activityId, activity);
  }
}

const INCIDENT = '2972403';
const ids = (actionId: string) => ({ incidentId: INCIDENT, actionId });

describe('managed response: a confirmation step under in-flight copy edits', () => {
  let h: Harness;
  let messenger: PacedMessenger;
  beforeEach(async () => {
    messenger = new PacedMessenger();
    h = await harness({ messenger });
    await h.postSocCard();
    await publish(h, [isolate, resetPassword, blockDomain]);
    await h.feature.cards.view(caller(), { tenantId: TENANT, incidentId: INCIDENT });
    await h.settle();
  });

  /** The latest Actions card in a conversation, as Teams shows it now. */
  function actionsCardIn(where: 'alex' | 'soc'): AdaptiveCard {
    const found = h.messenger.messages.filter((m) => {
      const json = JSON.stringify(m.activity.attachments?.[0]?.content ?? '');
      if (!json.includes('Pending actions')) return false;
      return where === 'alex'
        ? m.target.kind === 'personal' && m.target.userId === OPERATOR
        : m.location.conversationId === SOC_CHANNEL;
    });
    assert.equal(found.length, 1, `one Actions card in ${where}`);
    return found[0]!.activity.attachments![0]!.content as AdaptiveCard;
  }

  /** The previous step's commit: edits of every copy, queued and not sent yet. */
  async function editsOnTheirWay() {
    await h.feature.cards.act('confirmComplete', caller(), ids('act-reset'));
  }

  it("keeps the step on the clicker's 1:1 copy when an edit queued before it lands after", async () => {
    await editsOnTheirWay();
    const answer = cardOf(await h.feature.cards.act('requestSkip', caller(), ids('act-block')));
    assert.ok(buttons(answer).includes('confirmSkip(act-block)'));
    await h.settle(); // the edit queued before the step lands now
    const chat = buttons(actionsCardIn('alex'));
    assert.ok(chat.includes('confirmSkip(act-block)'), 'the step is still there');
    assert.ok(chat.includes('cancelConfirmation(act-block)'));
    assert.ok(!chat.includes('requestSkip(act-block)'));
    assert.ok(!chat.some((b) => b.includes('act-reset')), 'and it shows the latest state');
    assert.ok(
      !buttons(actionsCardIn('soc')).includes('confirmSkip(act-block)'),
      'a shared copy shows no step',
    );
  });

  it('keeps the step when an edit drawn before it was opened is sent after it', async () => {
    await editsOnTheirWay();
    const held = messenger.holdNextEdit();
    const sending = h.delivery.drain();
    await held.drawn; // drawn without the step, waiting for its turn
    await h.feature.cards.act('requestSkip', caller(), ids('act-block'));
    held.release();
    await sending;
    await h.settle();
    assert.ok(buttons(actionsCardIn('alex')).includes('confirmSkip(act-block)'));
    const cancelHeld = messenger.holdNextEdit();
    await h.feature.refreshCopies(TENANT, INCIDENT); // drawn with the step this time
    const again = h.delivery.drain();
    await cancelHeld.drawn;
    await h.feature.cards.act('cancelConfirmation', caller(), ids('act-block'));
    cancelHeld.release();
    await again;
    await h.settle();
    assert.ok(!buttons(actionsCardIn('alex')).some((b) => b.startsWith('confirm')));
  });

  it('keeps the Release from isolation step the same way, until it is confirmed', async () => {
    await h.feature.cards.act('runAction', caller(), ids('act-isolate'));
    await h.feature.settle(); // completed: the edits of every copy are on their way
    assert.equal((await action(h, 'act-isolate')).status, 'completed');
    await h.feature.cards.undo('requestUndo', caller(), ids('act-isolate'));
    await h.delivery.drain();
    assert.ok(buttons(actionsCardIn('alex')).includes('confirmUndo(act-isolate)'));
    await h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate'));
    await h.settle();
    assert.ok(!buttons(actionsCardIn('alex')).some((b) => b.startsWith('confirm')));
    assert.deepEqual(await h.store.list(OPEN_STEPS_COLLECTION), []);
  });

  it('shows no step in edits after the step is confirmed', async () => {
    await editsOnTheirWay();
    await h.feature.cards.act('requestSkip', caller(), ids('act-block'));
    await h.feature.cards.act('confirmSkip', caller(), ids('act-block'));
    await h.settle();
    assert.equal((await action(h, 'act-block')).status, 'skipped');
    assert.ok(!buttons(actionsCardIn('alex')).some((b) => b.startsWith('confirm')));
    assert.deepEqual(await h.store.list(OPEN_STEPS_COLLECTION), [], 'closed with the change');
  });

  it('shows no step in edits queued while it was open once it is cancelled', async () => {
    await h.feature.cards.act('requestSkip', caller(), ids('act-block'));
    await editsOnTheirWay(); // another button: closes the step too, so open it again
    await h.feature.cards.act('requestSkip', caller(), ids('act-block'));
    await h.feature.refreshCopies(TENANT, INCIDENT); // an incident event while it is open
    await h.feature.cards.act('cancelConfirmation', caller(), ids('act-block'));
    await h.settle();
    const chat = buttons(actionsCardIn('alex'));
    assert.ok(chat.includes('requestSkip(act-block)'));
    assert.ok(!chat.some((b) => b.startsWith('confirm')));
    assert.equal((await action(h, 'act-block')).status, 'pending', 'Cancel changes nothing');
  });

  it('closes the step on another click: its answer shows none', async () => {
    await h.feature.cards.act('requestSkip', caller(), ids('act-block'));
    await h.feature.cards.act('requestComplete', caller(), ids('act-reset'));
    await h.feature.refreshCopies(TENANT, INCIDENT);
    await h.settle();
    const chat = buttons(actionsCardIn('alex'));
    assert.ok(chat.includes('confirmComplete(act-reset)'), 'the newest step is the one shown');
    assert.ok(chat.includes('requestSkip(act-block)'));
    await h.feature.cards.act('runAction', caller(), ids('act-isolate'));
    await h.settle();
    assert.ok(!buttons(actionsCardIn('alex')).some((b) => b.startsWith('confirm')));
  });

  it("the clicker's refresh view shows the step where it was opened, until it expires", async () => {
    const channel = caller({ kind: 'channel', conversationId: SOC_CHANNEL });
    await h.feature.cards.act('requestSkip', channel, ids('act-block'));
    const there = buttons(cardOf(await h.feature.cards.refresh(channel, INCIDENT)));
    assert.ok(there.includes('confirmSkip(act-block)'));
    const chat = buttons(cardOf(await h.feature.cards.refresh(caller(), INCIDENT)));
    assert.ok(!chat.includes('confirmSkip(act-block)'), 'not in another conversation');
    await h.feature.refreshCopies(TENANT, INCIDENT);
    await h.settle();
    assert.ok(!buttons(actionsCardIn('alex')).includes('confirmSkip(act-block)'));
    assert.ok(!buttons(actionsCardIn('soc')).includes('confirmSkip(act-block)'));

    h.advance(10 * 60_000);
    const later = buttons(cardOf(await h.feature.cards.refresh(channel, INCIDENT)));
    assert.ok(!later.includes('confirmSkip(act-block)'), 'expired after 10 minutes');
    assert.ok(later.includes('requestSkip(act-block)'));
  });

  it('an expired step is not drawn on the copy, and pruning deletes it', async () => {
    await editsOnTheirWay();
    await h.feature.cards.act('requestSkip', caller(), ids('act-block'));
    const steps = new OpenSteps(h.store, h.now);
    assert.equal(await steps.prune(), 0, 'an open step is kept');
    h.advance(10 * 60_000);
    await h.settle();
    assert.ok(buttons(actionsCardIn('alex')).includes('requestSkip(act-block)'));
    assert.equal(await steps.prune((tenantId) => tenantId !== TENANT), 0, 'owned elsewhere');
    assert.equal(await steps.prune(), 1);
    assert.deepEqual(await h.store.list(OPEN_STEPS_COLLECTION), []);
  });

  it('opens no step for a Security Reader, nor for a forged action id', async () => {
    await h.feature.cards.act('requestSkip', readerCaller(), ids('act-block'));
    await h.feature.cards.act('requestSkip', caller(), ids('act-elsewhere'));
    assert.deepEqual(await h.store.list(OPEN_STEPS_COLLECTION), []);
  });
});
