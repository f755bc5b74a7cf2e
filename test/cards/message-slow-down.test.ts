// The slow-down and Defender-busy views on the message card: valid cards, and words that say
// nothing was done or kept and when to try again.
import assert from 'node:assert/strict';
import { messageCard } from '../../cards/message.ts';
import {
  defenderBusyCardData,
  defenderBusyText,
  inHowLong,
  slowDownCardData,
  slowDownText,
} from '../../cards/message-slow-down.ts';
import { visibleTexts } from './card-nodes.ts';
import { assertValidCard } from './validate-card.ts';

describe('slow-down and Defender-busy cards', () => {
  it('say when to try again, in seconds or whole minutes', () => {
    assert.equal(inHowLong(0.2), 'in a second');
    assert.equal(inHowLong(40), 'in 40 seconds');
    assert.equal(inHowLong(89), 'in 89 seconds');
    assert.equal(inHowLong(90), 'in 2 minutes');
    assert.equal(inHowLong(541), 'in 10 minutes');
  });

  it('name whose budget ran out and what to do', () => {
    const user = slowDownCardData({ retryAfterSeconds: 40, scope: 'user', budget: 'message' });
    assert.equal(user.title, "You're going fast");
    assert.equal(
      user.text,
      "You've sent me a lot in a short time, so I didn't act on your last message and didn't keep it. Try again in 40 seconds.",
    );
    const lookups = slowDownCardData({ retryAfterSeconds: 300, scope: 'user', budget: 'lookup' });
    assert.match(lookups.text, /^You've asked about many incidents I haven't seen yet/);
    assert.match(lookups.text, /in 5 minutes\.$/);
    const tenant = slowDownCardData({
      retryAfterSeconds: 5,
      scope: 'tenant',
      budget: 'cardAction',
    });
    assert.match(tenant.text, /^Your organisation has sent me a lot in a short time/);
    assert.equal(
      slowDownText({ retryAfterSeconds: 5, scope: 'user', budget: 'cardAction' }),
      "You're going fast: I didn't act on that. Try again in 5 seconds.",
    );
  });

  it('say Defender is busy for the organisation, "in a minute" unless it is longer', () => {
    assert.equal(
      defenderBusyCardData(30).text,
      "Defender is busy for your organisation right now, so I didn't act on your last message and didn't keep it. Try again in a minute.",
    );
    assert.match(defenderBusyText(undefined), /Try again in a minute\.$/);
    assert.match(defenderBusyText(600), /Try again in 10 minutes\.$/);
  });

  it('are valid Adaptive Cards that show the title and the text', () => {
    for (const data of [
      slowDownCardData({ retryAfterSeconds: 40, scope: 'user', budget: 'message' }),
      defenderBusyCardData(42),
    ]) {
      const card = messageCard(data);
      assertValidCard(card);
      const texts = visibleTexts(card);
      assert.ok(texts.includes(data.title));
      assert.ok(texts.includes(data.text));
    }
  });
});
