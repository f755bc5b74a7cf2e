import assert from 'node:assert/strict';
import sinon from 'sinon';
import { TeamsRateGate } from '../../src/delivery/teams-rate-gate.ts';

/** Largest number of grants inside any window of `windowMs` (sliding, like Teams is assumed to). */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('TeamsRateGate', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-03-01T08:00:00Z') });
  });
  afterEach(() => clock.restore());

  async function grants(
    gate: TeamsRateGate,
    scopes: { tenantId: string; conversationKey: string }[],
  ): Promise<number[]> {
    const times: number[] = [];
    let done = false;
    const all = Promise.all(
      scopes.map((scope) => gate.acquire(scope).then(() => void times.push(Date.now()))),
    ).then(() => {
      done = true;
    });
    while (!done) await clock.tickAsync(5);
    await all;
    return times;
  }

  it('keeps one conversation under 7/1 s, 8/2 s and 60/30 s, even as sliding windows', async () => {
    const start = Date.now();
    const times = await grants(
      new TeamsRateGate(),
      Array.from({ length: 70 }, () => ({ tenantId: 't', conversationKey: 'chat-1' })),
    );
    assert.ok(busiestWindow(times, 1_000) <= 7, `1 s: ${busiestWindow(times, 1_000)}`);
    assert.ok(busiestWindow(times, 2_000) <= 8, `2 s: ${busiestWindow(times, 2_000)}`);
    assert.ok(busiestWindow(times, 30_000) <= 60, `30 s: ${busiestWindow(times, 30_000)}`);
    // The first calls go out at once, and the gate does not crawl either (≥ 1.5/s).
    assert.equal(times[0], start);
    assert.ok(Math.max(...times) - start <= 47_000, `took ${Math.max(...times) - start} ms`);
  });

  it('keeps a tenant under 50 calls in any second, at about 45 per second', async () => {
    const start = Date.now();
    const times = await grants(
      new TeamsRateGate(),
      Array.from({ length: 225 }, (_, i) => ({ tenantId: 't', conversationKey: `chat-${i}` })),
    );
    assert.ok(busiestWindow(times, 1_000) <= 50, `1 s: ${busiestWindow(times, 1_000)}`);
    const seconds = (Math.max(...times) - start) / 1000;
    assert.ok(seconds <= 5.2, `225 calls took ${seconds} s`);
  });

  it('does not let one tenant slow down another', async () => {
    const start = Date.now();
    const gate = new TeamsRateGate();
    const busy = Array.from({ length: 200 }, (_, i) => ({
      tenantId: 'a',
      conversationKey: `a-${i}`,
    }));
    const other = { tenantId: 'b', conversationKey: 'b-1' };
    const [, otherTimes] = await Promise.all([grants(gate, busy), grants(gate, [other])]);
    assert.equal(otherTimes[0], start);
  });

  it('waits out a block after a 429', async () => {
    const gate = new TeamsRateGate();
    await gate.block('chat-1', 3_000);
    const start = Date.now();
    const [blocked] = await grants(gate, [{ tenantId: 't', conversationKey: 'chat-1' }]);
    const [free] = await grants(gate, [{ tenantId: 't', conversationKey: 'chat-2' }]);
    assert.ok((blocked ?? 0) - start >= 3_000);
    assert.ok((free ?? 0) - start >= 3_000); // chat-2 asked after chat-1 was served
    assert.ok((free ?? 0) - (blocked ?? 0) < 100);
  });

  describe('after a takeover (warmUp)', () => {
    const scope = (conversationKey: string, tenantId = 't') => ({ tenantId, conversationKey });
    const many = (n: number, s: { tenantId: string; conversationKey: string }) =>
      Array.from({ length: n }, () => s);
    const since = (start: number, times: number[]) => times.map((t) => t - start);

    it('holds every conversation of the tenant for 2 s, then paces it as usual', async () => {
      let start = Date.now();
      const usual = since(start, await grants(new TeamsRateGate(), many(20, scope('chat-1'))));
      const gate = new TeamsRateGate();
      start = Date.now();
      gate.warmUp((tenantId) => tenantId === 't');
      const [one, two] = await Promise.all([
        grants(gate, many(20, scope('chat-1'))),
        grants(gate, many(3, scope('chat-2'))),
      ]);
      assert.deepEqual(
        since(start, one),
        usual.map((t) => t + 2_000),
      );
      assert.equal(Math.min(...two) - start, 2_000, 'chat-2 too');
    });

    it('leaves other tenants alone, holds every tenant the predicate picks, and ends', async () => {
      const gate = new TeamsRateGate();
      const start = Date.now();
      gate.warmUp((tenantId) => tenantId === 'a' || tenantId === 'experts');
      const [other, experts] = await Promise.all([
        grants(gate, many(3, scope('b-1', 'b'))),
        grants(gate, [scope('experts-channel', 'experts')]),
      ]);
      assert.equal(other[0], start, 'a tenant not warmed up goes at once');
      assert.equal((experts[0] ?? 0) - start, 2_000, 'the experts channel of the tenant waits');
      const later = Date.now();
      const [free] = await grants(gate, [scope('a-1', 'a')]);
      assert.equal(free, later, 'no hold once the quiet is over');
    });
  });

  describe('handed over with the tenant (snapshot, seed)', () => {
    const chat = (n: number, tenantId = 't') => ({ tenantId, conversationKey: `chat-${n}` });
    // The default windows with 10 per 5 min instead of 128 (reached quickly), and no hold.
    const limits = {
      perConversation: [
        { points: 1, durationMs: 300 },
        { points: 3, durationMs: 2_000 },
        { points: 10, durationMs: 300_000 },
      ],
      perTenant: [{ points: 2, durationMs: 44 }],
      quietAfterTakeoverMs: 0,
    };
    const ofTenant = (tenant: string) => (tenantId: string) => tenantId === tenant;
    /** Ms from now until the next call in `scope` is let through. */
    const waitFor = async (
      gate: TeamsRateGate,
      scope: { tenantId: string; conversationKey: string },
    ) => {
      const start = Date.now();
      const [at] = await grants(gate, [scope]);
      return (at ?? 0) - start;
    };

    it('carries a conversation at N of its 5-min budget to the next gate, and its end', async () => {
      const a = new TeamsRateGate(limits);
      const opened = Date.now();
      await grants(
        a,
        Array.from({ length: 7 }, () => chat(1)),
      );
      await grants(a, [chat(2)]);
      await grants(a, [chat(9, 'other')]);
      const snapshot = await a.snapshot(ofTenant('t'));
      const handed = snapshot.conversations.find((c) => c.key === 'chat-1');
      const fiveMin = handed?.windows.find(([ms]) => ms === 300_000);
      assert.equal(fiveMin?.[1], 7, 'seven of ten used');
      assert.deepEqual(
        snapshot.conversations.map((c) => c.key),
        ['chat-1', 'chat-2'],
        'the busiest first, only the tenant asked for',
      );

      await clock.tickAsync(30_000); // the next owner reads it a while later
      const b = new TeamsRateGate(limits);
      assert.equal(await b.seed(snapshot), 2);
      const seeded = await b.snapshot(ofTenant('t'));
      const there = seeded.conversations.find((c) => c.key === 'chat-1');
      assert.equal(there?.windows.find(([ms]) => ms === 300_000)?.[1], 7, 'at 7 on B too');
      assert.equal(seeded.lastCallAt, 0, 'no call of its own yet');
      // Three more go, then the eleventh waits for the window A opened to end.
      await grants(
        b,
        Array.from({ length: 3 }, () => chat(1)),
      );
      const wait = await waitFor(b, chat(1));
      assert.ok(Date.now() >= opened + 300_000, `went ${opened + 300_000 - Date.now()} ms early`);
      assert.ok(Date.now() - (opened + 300_000) < 100, `waited ${wait} ms`);
      // Only that conversation is held.
      assert.equal(await waitFor(b, chat(3)), 0);
    });

    it('keeps the larger count and the later end of what it has and what is handed over', async () => {
      const a = new TeamsRateGate(limits);
      await grants(
        a,
        Array.from({ length: 4 }, () => chat(1)),
      );
      const b = new TeamsRateGate(limits);
      await grants(
        b,
        Array.from({ length: 6 }, () => chat(1)),
      );
      await b.seed(await a.snapshot(ofTenant('t')));
      const after = await b.snapshot(ofTenant('t'));
      assert.equal(after.conversations[0]?.windows.find(([ms]) => ms === 300_000)?.[1], 6);
      const c = new TeamsRateGate(limits);
      await c.seed(after);
      await c.seed(await a.snapshot(ofTenant('t')));
      const merged = await c.snapshot(ofTenant('t'));
      assert.equal(merged.conversations[0]?.windows.find(([ms]) => ms === 300_000)?.[1], 6);
    });

    it('hands over a block after a 429 that is still running', async () => {
      const a = new TeamsRateGate(limits);
      await grants(a, [chat(1)]);
      await a.block('chat-1', 20_000);
      const b = new TeamsRateGate(limits);
      await b.seed(await a.snapshot(ofTenant('t')));
      const wait = await waitFor(b, chat(1));
      assert.ok(wait >= 19_900 && wait <= 20_100, `waited ${wait} ms`);
    });

    it('ignores a snapshot older than an hour, whatever its windows say', async () => {
      const long = { ...limits, perConversation: [{ points: 1, durationMs: 3 * 3_600_000 }] };
      const a = new TeamsRateGate(long);
      await grants(a, [chat(1)]);
      const snapshot = await a.snapshot(ofTenant('t'));
      await clock.tickAsync(3_600_000 + 1_000);
      const b = new TeamsRateGate(long);
      assert.equal(await b.seed(snapshot), 0);
      assert.equal(await waitFor(b, chat(1)), 0);
      const fresh = new TeamsRateGate(long);
      assert.equal(await fresh.seed(await a.snapshot(ofTenant('t'))), 1, 'a fresh one is seeded');
    });

    it('keeps the busiest conversations up to its cap, on both sides', async () => {
      const capped = { ...limits, snapshotConversations: 3 };
      const a = new TeamsRateGate({ ...limits, snapshotConversations: 10 });
      for (let n = 1; n <= 6; n += 1) {
        await grants(
          a,
          Array.from({ length: n }, () => chat(n)),
        );
      }
      const all = await a.snapshot(ofTenant('t'));
      assert.equal(all.conversations.length, 6);
      assert.deepEqual(
        (await new TeamsRateGate(capped).snapshot(ofTenant('t'))).conversations,
        [],
        'an unused gate hands over nothing',
      );
      const b = new TeamsRateGate(capped);
      assert.equal(await b.seed(all), 3, 'seeds at most its cap');
      const kept = await b.snapshot(ofTenant('t'));
      assert.deepEqual(
        kept.conversations.map((c) => c.key),
        ['chat-6', 'chat-5', 'chat-4'],
      );
    });
  });

  it('gives up waiting when aborted', async () => {
    const gate = new TeamsRateGate();
    const scope = { tenantId: 't', conversationKey: 'chat-1' };
    await gate.acquire(scope);
    const controller = new AbortController();
    const waiting = gate.acquire(scope, controller.signal);
    await clock.tickAsync(10);
    controller.abort(new Error('stopping'));
    await assert.rejects(waiting, /stopping/);
  });
});
