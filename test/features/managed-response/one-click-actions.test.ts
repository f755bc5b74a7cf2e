import assert from 'node:assert/strict';
import { DefenderRequestError, DefenderThrottledError } from '../../../src/defender/errors.ts';
import { caller } from './fixtures.ts';
import { isolate, release, resetPassword } from './fixtures.ts';
import { action, actionsCards, oneClick, buttons, cardOf, publish, texts } from './card-helpers.ts';
import { harness, type Harness } from './harness.ts';

const ids = (actionId: string) => ({ incidentId: '2972403', actionId });

describe('managed response: one-click actions', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.postSocCard();
    await publish(h, [isolate, release, resetPassword]);
    // Two copies besides the SOC one: the operator's chat and a reader's chat.
    await h.feature.cards.view(caller(), {
      tenantId: h.defender.tenant.tenantId,
      incidentId: '2972403',
    });
    await h.delivery.drain();
  });

  it('answers In progress with who started it, then completes on every copy', async () => {
    h.defender.machineActions.autoFinish = undefined;
    const card = cardOf(await h.feature.cards.act('runAction', caller(), ids('act-isolate')));
    const shown = texts(card);
    assert.match(shown, /Started "Isolate prod-server-01"/);
    assert.match(shown, /Started by Alex Wilber/);
    assert.ok(!buttons(card).includes('runAction(act-isolate)'), 'no Run button while in progress');

    await waitFor(() => h.defender.machineActions.runs.length === 1);
    const run = h.defender.machineActions.runs[0]!;
    assert.match(run.comment, /2972403\/act-isolate attempt 1/);
    assert.equal(run.isolationType, 'full');
    await waitFor(async () => (await oneClick(h, 'act-isolate')).machineActionId === 'ma-1');

    h.defender.machineActions.finish('ma-1', 'completed');
    await h.settle();
    const done = await action(h, 'act-isolate');
    assert.equal(done.status, 'completed');
    const copies = actionsCards(h);
    assert.equal(copies.length, 2, 'the SOC copy and the chat copy');
    for (const copy of copies) {
      assert.match(copy, /Completed · started by Alex Wilber/);
      assert.doesNotMatch(
        copy,
        /"verb":"runAction","data":\{"incidentId":"2972403","actionId":"act-isolate"/,
      );
    }
  });

  it('starts one Defender action for concurrent and repeated clicks', async () => {
    h.defender.machineActions.autoFinish = undefined;
    const clicks = await Promise.all(
      Array.from({ length: 25 }, () =>
        h.feature.cards.act('runAction', caller(), ids('act-isolate')),
      ),
    );
    await waitFor(() => h.defender.machineActions.runs.length === 1);
    await h.feature.executor.stop();
    assert.equal(h.defender.machineActions.runs.length, 1);
    const outcomes = clicks.map((r) => texts(cardOf(r)));
    assert.equal(outcomes.filter((t) => /Started "Isolate/.test(t)).length, 1);
    assert.equal(
      outcomes.filter((t) => /is already in progress \(started by Alex Wilber\)/.test(t)).length,
      24,
    );
    const audit = await h.feature.audit.list({ incidentId: '2972403' });
    assert.equal(audit.filter((e) => e.kind === 'attempt' && e.result === 'started').length, 1);
    assert.equal(audit.filter((e) => e.code === 'IN_PROGRESS').length, 24);
  });

  it("shows Defender's failure reason and offers Retry, which starts attempt 2", async () => {
    h.defender.machineActions.autoFinish = {
      status: 'failed',
      failureReason: 'The device is offline.',
    };
    await h.feature.cards.act('runAction', caller(), ids('act-isolate'));
    await h.settle();
    const failed = await action(h, 'act-isolate');
    assert.equal(failed.status, 'failed');
    const view = cardOf(await h.feature.cards.refresh(caller(), '2972403'));
    assert.match(texts(view), /Defender: The device is offline\./);
    assert.ok(buttons(view).includes('retryAction(act-isolate)'));
    assert.ok(!buttons(view).includes('runAction(act-isolate)'));

    h.defender.machineActions.autoFinish = { status: 'completed' };
    await h.feature.cards.act('retryAction', caller(), ids('act-isolate'));
    await h.settle();
    assert.equal(h.defender.machineActions.runs.length, 2);
    assert.match(h.defender.machineActions.runs[1]!.comment, /attempt 2/);
    assert.equal((await action(h, 'act-isolate')).status, 'completed');
    const outcome = (await h.feature.audit.list()).filter((e) => e.kind === 'outcome');
    assert.deepEqual(
      outcome.map((e) => [e.result, e.machineActionId]),
      [
        ['failed', 'ma-1'],
        ['completed', 'ma-2'],
      ],
    );
  });

  it("fails the attempt with Defender's message when Defender refuses the request", async () => {
    h.defender.machineActions.runFailures.push(
      new DefenderRequestError(
        'mde',
        400,
        'OsPlatformNotSupported',
        'The device OS is not supported.',
      ),
    );
    await h.feature.cards.act('runAction', caller(), ids('act-isolate'));
    await h.settle();
    const failed = await oneClick(h, 'act-isolate');
    assert.equal(failed.status, 'failed');
    assert.match(failed.failureReason ?? '', /not supported/);
  });

  // Throttling and outages are retried once, by the Defender HTTP client (see the emulator test
  // "retries a throttled start in the Defender client"); the executor does not retry on top.
  it('fails the attempt once the Defender client gave up, without retrying on top of it', async () => {
    h.defender.machineActions.runFailures.push(
      new DefenderThrottledError('mde', 30),
      new DefenderRequestError('mde', 503, 'ServiceUnavailable', 'busy'),
    );
    await h.feature.cards.act('runAction', caller(), ids('act-isolate'));
    await h.settle();
    assert.equal(h.defender.machineActions.runFailures.length, 1, 'asked Defender once');
    assert.equal(h.defender.machineActions.runs.length, 0);
    const failed = await oneClick(h, 'act-isolate');
    assert.equal(failed.status, 'failed');
    assert.match(failed.failureReason ?? '', /throttl/i);
  });

  it('follows an action Defender already runs on the device and says so', async () => {
    h.defender.machineActions.autoFinish = undefined;
    const foreign = h.defender.machineActions.addForeign('isolateDevice');
    await h.feature.cards.act('runAction', caller(), ids('act-isolate'));
    await waitFor(async () => (await oneClick(h, 'act-isolate')).machineActionId === foreign.id);
    assert.equal(h.defender.machineActions.runs.length, 0, 'no second isolation');
    const view = texts(cardOf(await h.feature.cards.refresh(caller(), '2972403')));
    assert.match(
      view,
      /Defender already has an isolation pending on prod-server-01 \(started by Automated investigation\)/,
    );
    h.defender.machineActions.finish(foreign.id, 'completed');
    await h.settle();
    assert.equal((await action(h, 'act-isolate')).status, 'completed');
  });

  it('refuses to release a device while its isolation is in progress', async () => {
    h.defender.machineActions.autoFinish = undefined;
    await h.feature.cards.act('runAction', caller(), ids('act-isolate'));
    const card = cardOf(await h.feature.cards.act('runAction', caller(), ids('act-release')));
    assert.match(
      texts(card),
      /Refused: "Release prod-server-01" cannot start while "Isolate prod-server-01" is in progress on prod-server-01/,
    );
    await waitFor(() => h.defender.machineActions.runs.length === 1);
    await h.feature.executor.stop();
    assert.deepEqual(
      h.defender.machineActions.runs.map((r) => r.kind),
      ['isolateDevice'],
    );
    const refusal = (await h.feature.audit.list()).find((e) => e.kind === 'refusal');
    assert.equal(refusal?.code, 'CONFLICTING_ACTION');
    assert.equal((await action(h, 'act-release')).status, 'pending');
  });

  it('refuses a replayed click on a finished action and shows no live button for it', async () => {
    await h.feature.cards.act('runAction', caller(), ids('act-isolate'));
    await h.settle();
    const card = cardOf(await h.feature.cards.act('runAction', caller(), ids('act-isolate')));
    assert.match(texts(card), /Refused: "Isolate prod-server-01" is already completed/);
    // Only the way back is offered on it (undo.test.ts): Release from isolation.
    const live = buttons(card).filter((b) => b.includes('act-isolate'));
    assert.deepEqual(live, ['requestUndo(act-isolate)']);
    assert.equal(h.defender.machineActions.runs.length, 1);
    const refusal = (await h.feature.audit.list()).find((e) => e.kind === 'refusal');
    assert.equal(refusal?.code, 'ACTION_FINISHED');
  });

  it('refuses Retry on an action that has not failed, and manual verbs on one-click actions', async () => {
    const retry = cardOf(await h.feature.cards.act('retryAction', caller(), ids('act-isolate')));
    assert.match(texts(retry), /has not failed; there is nothing to retry/);
    const manual = cardOf(
      await h.feature.cards.act('confirmComplete', caller(), ids('act-isolate')),
    );
    assert.match(texts(manual), /is a one-click action; this button does not apply to it/);
    assert.equal((await action(h, 'act-isolate')).status, 'pending');
  });
});

export async function waitFor(check: () => boolean | Promise<boolean>, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}
