import assert from 'node:assert/strict';
import { CHAT_AUDIT, type ChatAuditEntry } from '../../../src/features/chat/chat-audit.ts';
import {
  ALEX,
  CONTOSO,
  CONTOSO_INCIDENT,
  chatFixture,
  EXPERTS_CHANNEL,
  expertSender,
  expertsTarget,
  FABRIKAM,
  FABRIKAM_INCIDENT,
  FABRIKAM_USER,
  message,
  OTHER_CONTOSO_INCIDENT,
  personalSender,
  SOC_CHANNEL,
  socThreadSender,
  STRANGER,
} from './chat-fixture.ts';

const alex = personalSender();
const alexTarget = { kind: 'personal' as const, tenantId: CONTOSO, userId: ALEX };

async function auditEntries(f: ReturnType<typeof chatFixture>): Promise<ChatAuditEntry[]> {
  return (await f.store.list<ChatAuditEntry>(CHAT_AUDIT)).map((r) => r.value);
}

describe('ChatRelay: customers and experts', () => {
  it('asks a personal chat with no incident picked which incident it is about', async () => {
    const f = chatFixture();
    const outcome = await f.relay.handleMessage(message(alex, 'Is the server safe?'));
    assert.equal(outcome.kind, 'reply');
    assert.match(outcome.kind === 'reply' ? outcome.text : '', /Which incident is this about\?/);
    await f.settle();
    assert.equal(f.messenger.calls.length, 0);
  });

  it('relays a bound customer message into a new thread opened by the header card, then confirms', async () => {
    const f = chatFixture();
    const bound = await f.relay.bind(alex, CONTOSO_INCIDENT);
    assert.match(
      bound.kind === 'reply' ? bound.text : '',
      /talking with the Defender Experts about incident 2972403: Ransomware/,
    );

    const outcome = await f.relay.handleMessage(
      message(alex, 'Is prod-server-01 <b>safe</b> to reboot?'),
    );
    assert.deepEqual(outcome, { kind: 'relayed', tenantId: CONTOSO, incidentId: CONTOSO_INCIDENT });
    await f.settle();

    const [header, relayed] = f.messenger.delivered(expertsTarget);
    assert.ok(header && relayed);
    assert.equal(header.replyTo, undefined, 'the header opens a new thread');
    assert.deepEqual(relayed.replyTo, header.location, 'the message is a reply under the header');
    assert.equal(
      relayed.text,
      '**Alex Wilber (Contoso):** Is prod-server-01 <b>safe</b> to reboot?',
    );
    assert.deepEqual(
      f.messenger.delivered(alexTarget).map((c) => c.text),
      ['✓ Delivered to the Defender Experts.'],
    );
    assert.deepEqual((await f.relay.store.listPending()).length, 0);
  });

  it('relays an expert reply in the thread to the bound customer chat, with the first name', async () => {
    const f = chatFixture();
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    await f.relay.handleMessage(message(alex, 'Question'));
    await f.settle();
    const root = await f.threadRoot();

    const outcome = await f.relay.handleMessage(
      message(expertSender(root), 'Yes, <i>reboot</i> it after isolation.'),
    );
    assert.equal(outcome.kind, 'relayed');
    await f.settle();

    const toAlex = f.messenger.delivered(alexTarget).map((c) => c.text);
    assert.deepEqual(toAlex, [
      '✓ Delivered to the Defender Experts.',
      '**Dana (Defender Experts), incident 2972403:** Yes, <i>reboot</i> it after isolation.',
    ]);
    const transcript = await f.relay.store.transcript(CONTOSO, CONTOSO_INCIDENT);
    assert.deepEqual(
      transcript.map((e) => [e.seq, e.kind, e.author, e.text]),
      [
        [1, 'customer', 'Alex Wilber (Contoso)', 'Question'],
        [2, 'expert', 'Dana (Defender Experts)', 'Yes, <i>reboot</i> it after isolation.'],
      ],
    );
  });

  it('relays a redelivered Teams activity once', async () => {
    const f = chatFixture();
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    const first = await f.relay.handleMessage(message(alex, 'Hello', { activityId: 'same' }));
    const again = await f.relay.handleMessage(message(alex, 'Hello', { activityId: 'same' }));
    await f.settle();
    assert.equal(first.kind, 'relayed');
    assert.deepEqual(again, { kind: 'duplicate' });
    assert.equal(f.messenger.delivered(expertsTarget).length, 2, 'header + one message');
    assert.equal((await f.relay.store.transcript(CONTOSO, CONTOSO_INCIDENT)).length, 1);
  });

  it('keeps reading a binding and a seen marker written before their keys named the tenant', async () => {
    const f = chatFixture();
    const boundAt = '2026-03-01T07:00:00.000Z';
    const legacy = encodeURIComponent;
    await f.store.put('chatBindings', legacy(alex.conversationId), {
      tenantId: CONTOSO,
      incidentId: CONTOSO_INCIDENT,
      boundAt,
    });
    await f.store.put('chatSeen', legacy(`message|${alex.conversationId}|before`), { at: boundAt });

    const again = await f.relay.handleMessage(message(alex, 'Hello', { activityId: 'before' }));
    assert.deepEqual(again, { kind: 'duplicate' });
    const outcome = await f.relay.handleMessage(message(alex, 'Still there?'));
    assert.deepEqual(outcome, { kind: 'relayed', tenantId: CONTOSO, incidentId: CONTOSO_INCIDENT });
    await f.settle();
    assert.deepEqual(
      (await f.relay.store.transcript(CONTOSO, CONTOSO_INCIDENT)).map((e) => e.text),
      ['Still there?'],
    );
    // The relay wrote the binding again under the tenant's key, which is read first from now on.
    const current = await f.store.get<{ incidentId: string }>(
      'chatBindings',
      `${CONTOSO}:${legacy(alex.conversationId)}`,
    );
    assert.equal(current?.value.incidentId, CONTOSO_INCIDENT);
  });

  it("refuses and audits a customer binding another tenant's incident", async () => {
    const f = chatFixture();
    const fabrikamUser = personalSender(FABRIKAM_USER, 'Eve Fabrikam', FABRIKAM);
    const outcome = await f.relay.bind(fabrikamUser, CONTOSO_INCIDENT);
    assert.equal(outcome.kind === 'reply' && outcome.refused, 'notYourIncident');
    assert.match(
      outcome.kind === 'reply' ? outcome.text : '',
      /Incident 2972403 isn't one of Fabrikam's incidents.*recorded/,
    );
    assert.doesNotMatch(outcome.kind === 'reply' ? outcome.text : '', /Contoso/);
    const [entry] = await auditEntries(f);
    assert.equal(entry?.kind, 'refused');
    assert.equal(entry?.code, 'notYourIncident');
    assert.equal(entry?.tenantId, FABRIKAM);
    assert.equal(entry?.incidentId, CONTOSO_INCIDENT);
    for (const tenantId of [FABRIKAM, CONTOSO]) {
      assert.equal(
        await f.relay.store.getBinding(tenantId, fabrikamUser.conversationId),
        undefined,
      );
    }
    // Their own incident works.
    const own = await f.relay.bind(fabrikamUser, FABRIKAM_INCIDENT);
    assert.equal(own.kind === 'reply' && own.refused, undefined);
  });

  it('refuses and audits a sender from a tenant that is not onboarded', async () => {
    const f = chatFixture();
    const outcome = await f.relay.handleMessage(
      message(personalSender('x', 'Mallory', STRANGER), 'let me in'),
    );
    assert.equal(outcome.kind === 'reply' && outcome.refused, 'unknownTenant');
    const [entry] = await auditEntries(f);
    assert.equal(entry?.code, 'unknownTenant');
    assert.equal(entry?.tenantId, STRANGER);
  });

  it('refuses and audits an expert reply in a thread that is not an incident thread', async () => {
    const f = chatFixture();
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    await f.relay.handleMessage(message(alex, 'Question'));
    await f.settle();
    const before = f.messenger.calls.length;
    const outcome = await f.relay.handleMessage(message(expertSender('999'), 'to whom?'));
    assert.equal(outcome.kind === 'reply' && outcome.refused, 'unboundThread');
    await f.settle();
    assert.equal(f.messenger.calls.length, before, 'nothing relayed');
    assert.equal((await auditEntries(f)).at(-1)?.code, 'unboundThread');
  });

  it('points an expert writing outside the channel to the incident threads', async () => {
    const f = chatFixture();
    const outcome = await f.relay.handleMessage(
      message({ ...expertSender(undefined), kind: 'personal', conversationId: 'a:dana' }, 'hi'),
    );
    assert.match(outcome.kind === 'reply' ? outcome.text : '', /Customer conversations channel/);
  });

  it('refuses attachments and oversized messages on both sides, with a clear message', async () => {
    const f = chatFixture({ maxChars: 50 });
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    const file = await f.relay.handleMessage(
      message(alex, 'see log', {
        attachments: [
          { contentType: 'text/html' },
          { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'log.zip' },
        ],
      }),
    );
    assert.equal(file.kind === 'reply' && file.refused, 'attachment');
    assert.match(file.kind === 'reply' ? file.text : '', /only text.*not sent: log\.zip/);
    const long = await f.relay.handleMessage(message(alex, 'x'.repeat(51)));
    assert.match(long.kind === 'reply' ? long.text : '', /51 characters; the limit is 50/);

    await f.relay.handleMessage(message(alex, 'ok'));
    await f.settle();
    const root = await f.threadRoot();
    const image = await f.relay.handleMessage(
      message(expertSender(root), 'look', { attachments: [{ contentType: 'image/png' }] }),
    );
    assert.match(image.kind === 'reply' ? image.text : '', /only text to the customer.*an image/);
    await f.settle();
    assert.equal(f.messenger.delivered(alexTarget).length, 1, 'only the ack of "ok"');
    const codes = (await auditEntries(f)).filter((e) => e.kind === 'refused').map((e) => e.code);
    assert.deepEqual(codes, ['attachment', 'tooLong', 'attachment']);
  });

  it('switches a personal chat to another incident with a new bind', async () => {
    const f = chatFixture();
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    await f.relay.bind(alex, OTHER_CONTOSO_INCIDENT);
    const outcome = await f.relay.handleMessage(message(alex, 'about the other one'));
    assert.equal(outcome.kind === 'relayed' && outcome.incidentId, OTHER_CONTOSO_INCIDENT);
  });

  it('reaches every customer conversation bound to the incident, and only those', async () => {
    const f = chatFixture();
    const megan = personalSender('5c9a1d2f-7b3e-4f4a-9cad-1e2f3a4b5c6d', 'Megan Bowen');
    const other = personalSender('7ebc3f4b-9d5a-4b6c-becf-3a4b5c6d7e8f', 'Isaiah Langer');
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    await f.relay.handleMessage(message(alex, 'first'));
    await f.relay.bind(megan, CONTOSO_INCIDENT);
    await f.relay.bind(other, OTHER_CONTOSO_INCIDENT);
    await f.relay.handleMessage(message(other, 'other incident'));
    await f.settle();
    const root = await f.threadRoot();
    await f.relay.handleMessage(message(expertSender(root), 'reply'));
    await f.settle();
    const got = (userId: string) =>
      f.messenger
        .delivered({ kind: 'personal', tenantId: CONTOSO, userId })
        .map((c) => c.text)
        .filter((t) => t?.includes('reply'));
    assert.equal(got(ALEX).length, 1);
    assert.equal(got(megan.userId!).length, 1);
    assert.equal(got(other.userId!).length, 0);
  });

  it('keeps the order of a burst of messages about one incident', async () => {
    const f = chatFixture();
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    const texts = Array.from({ length: 20 }, (_, i) => `message ${i}`);
    await Promise.all(texts.map((t) => f.relay.handleMessage(message(alex, t))));
    await f.settle();
    const relayed = f.messenger
      .delivered(expertsTarget)
      .slice(1)
      .map((c) => c.text?.replace('**Alex Wilber (Contoso):** ', ''));
    const transcript = (await f.relay.store.transcript(CONTOSO, CONTOSO_INCIDENT)).map(
      (e) => e.text,
    );
    assert.deepEqual(relayed, transcript, 'delivered in transcript order');
    assert.deepEqual([...transcript].sort(), [...texts].sort());
  });

  it('reports an expert reply that cannot be delivered in the thread (failed, and parked once)', async () => {
    const f = chatFixture();
    const megan = personalSender('5c9a1d2f-7b3e-4f4a-9cad-1e2f3a4b5c6d', 'Megan Bowen');
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    await f.relay.bind(megan, CONTOSO_INCIDENT);
    await f.relay.handleMessage(message(alex, 'q'));
    await f.settle();
    const root = await f.threadRoot();
    f.messenger.fail({ status: 404, code: 'ConversationNotFound' }, { target: alexTarget });
    f.messenger.fail(
      { status: 403, code: 'ConversationBlockedByUser' },
      { target: { kind: 'personal', tenantId: CONTOSO, userId: megan.userId! }, count: 10 },
    );
    await f.relay.handleMessage(message(expertSender(root), 'answer'));
    await f.settle();
    await f.settle(); // a second look must not report the parked reply again

    const notices = f.messenger
      .delivered(expertsTarget)
      .map((c) => c.text ?? '')
      .filter((t) => t.startsWith('⚠️'));
    assert.deepEqual(notices.sort(), [
      "⚠️ Dana's reply could not be delivered to Alex Wilber's chat at Contoso (that conversation no longer exists).",
      "⚠️ Dana's reply is waiting: Megan Bowen's chat at Contoso can't be reached right now (the app was removed or blocked there). It will be delivered once the app is back.",
    ]);
    const noticeCalls = f.messenger
      .delivered(expertsTarget)
      .filter((c) => c.text?.startsWith('⚠️'));
    for (const call of noticeCalls) assert.equal(call.replyTo?.activityId, root, 'in the thread');
  });

  it('tells the customer when their message cannot reach the experts', async () => {
    const f = chatFixture();
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    f.messenger.fail({ status: 400, code: 'BadArgument' }, { target: expertsTarget, count: 2 });
    await f.relay.handleMessage(message(alex, 'q'));
    await f.settle();
    const toAlex = f.messenger.delivered(alexTarget).map((c) => c.text ?? '');
    assert.equal(toAlex.length, 1);
    assert.match(
      toAlex[0]!,
      /could not be delivered to the Defender Experts \(Teams refused it \(HTTP 400\)\)/,
    );
  });

  it('shows the transcript to both sides, and refuses another tenant asking for it', async () => {
    const f = chatFixture();
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    await f.relay.handleMessage(message(alex, 'first question'));
    await f.settle();
    const root = await f.threadRoot();
    await f.relay.handleMessage(message(expertSender(root), 'first answer'));
    await f.settle();

    for (const sender of [alex, expertSender(root)]) {
      const outcome = await f.relay.history(sender, '');
      const card = JSON.stringify(outcome.kind === 'reply' ? outcome.card : undefined);
      assert.match(card, /Conversation about incident 2972403/);
      assert.ok(card.indexOf('first question') < card.indexOf('first answer'));
      assert.match(card, /Alex Wilber \(Contoso\)/);
    }
    const fabrikam = await f.relay.history(
      personalSender(FABRIKAM_USER, 'Eve', FABRIKAM),
      CONTOSO_INCIDENT,
    );
    assert.equal(fabrikam.kind === 'reply' && fabrikam.refused, 'notYourIncident');
    assert.equal(fabrikam.kind === 'reply' && fabrikam.card, undefined);
  });

  it('posts an expert comment to the incident once, attributed, and keeps it in the transcript', async () => {
    let fail = true;
    const f = chatFixture({ commentFails: () => fail });
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    await f.relay.handleMessage(message(alex, 'q'));
    await f.settle();
    const root = await f.threadRoot();
    const comment = message(expertSender(root), 'Device <b>clean</b> after the scan.', {
      activityId: 'c1',
    });
    const failed = await f.relay.comment(comment);
    assert.match(failed.kind === 'reply' ? failed.text : '', /could not be posted/);
    fail = false;
    const posted = await f.relay.comment(comment);
    const again = await f.relay.comment(comment);
    assert.match(posted.kind === 'reply' ? posted.text : '', /Comments and history/);
    assert.deepEqual(again, { kind: 'duplicate' });
    assert.deepEqual(f.comments, [
      {
        tenantId: CONTOSO,
        incidentId: CONTOSO_INCIDENT,
        comment: 'Dana (Defender Experts): Device clean after the scan.',
      },
    ]);
    const last = (await f.relay.store.transcript(CONTOSO, CONTOSO_INCIDENT)).at(-1);
    assert.equal(last?.kind, 'comment');
    // A customer cannot post comments through the bot.
    const byCustomer = await f.relay.comment(message(alex, 'sneaky'));
    assert.match(
      byCustomer.kind === 'reply' ? byCustomer.text : '',
      /Customer conversations channel/,
    );
    assert.equal(f.comments.length, 1);
  });

  it('does not relay a message in the experts channel from another tenant', async () => {
    const f = chatFixture();
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    await f.relay.handleMessage(message(alex, 'q'));
    await f.settle();
    const root = await f.threadRoot();
    const intruder = {
      ...expertSender(root),
      tenantId: FABRIKAM,
      conversationId: `${EXPERTS_CHANNEL};messageid=${root}`,
    };
    const outcome = await f.relay.handleMessage(message(intruder, 'hi Contoso'));
    assert.notEqual(outcome.kind, 'relayed');
    await f.settle();
    assert.equal(
      f.messenger.delivered(alexTarget).filter((c) => c.text?.includes('hi Contoso')).length,
      0,
    );
  });
});

describe('ChatRelay: SOC channel threads', () => {
  it("relays a reply in an incident's SOC thread without a prior pick, and answers there", async () => {
    const f = chatFixture();
    // The notification service posted the incident's SOC card: its id is the thread root.
    const socKey = `soc:${CONTOSO.toLowerCase()}:${CONTOSO_INCIDENT}:${SOC_CHANNEL}`;
    await f.engine.enqueue([
      {
        id: 'soc-card',
        orderingKey: socKey,
        target: { kind: 'conversation', tenantId: CONTOSO, conversationId: SOC_CHANNEL },
        operation: { kind: 'send', activity: { text: 'SOC card' } },
        messageKey: socKey,
        createdAt: new Date().toISOString(),
      },
    ]);
    await f.engine.drain();
    const socRoot = (await f.engine.findDelivery(socKey))!.activityId;
    const megan = socThreadSender(socRoot);

    const outcome = await f.relay.handleMessage(message(megan, 'Who is looking at this?'));
    assert.deepEqual(outcome, { kind: 'relayed', tenantId: CONTOSO, incidentId: CONTOSO_INCIDENT });
    await f.settle();
    const root = await f.threadRoot();
    await f.relay.handleMessage(message(expertSender(root), 'Dana here.'));
    await f.settle();
    const inThread = f.messenger
      .delivered({ kind: 'conversation', tenantId: CONTOSO, conversationId: megan.conversationId })
      .map((c) => [c.target.kind === 'conversation' && c.target.conversationId, c.text])
      .filter(([, text]) => text !== 'SOC card');
    assert.deepEqual(inThread, [
      [megan.conversationId, '✓ Delivered to the Defender Experts.'],
      [megan.conversationId, '**Dana (Defender Experts):** Dana here.'],
    ]);
  });

  it('gives a hint for a channel message outside any incident thread', async () => {
    const f = chatFixture();
    const outcome = await f.relay.handleMessage(message(socThreadSender('12345'), 'hello?'));
    assert.match(outcome.kind === 'reply' ? outcome.text : '', /reply in the incident's thread/);
  });
});

describe('ChatRelay: the experts channel out of reach', () => {
  it('tells the customer once that the message waits, and confirms when it is delivered', async () => {
    const f = chatFixture();
    await f.relay.bind(alex, CONTOSO_INCIDENT);
    f.messenger.fail({ status: 403, code: 'NotInstalled' }, { target: expertsTarget, count: 1 });
    await f.relay.handleMessage(message(alex, 'anyone there?'));
    await f.settle();
    await f.settle();
    assert.deepEqual(
      f.messenger.delivered(alexTarget).map((c) => c.text),
      [
        "Your message is waiting: the Defender Experts can't be reached right now. It will be delivered as soon as they can be.",
      ],
    );
    await f.engine.markReachable(expertsTarget);
    await f.settle();
    assert.deepEqual(
      f.messenger
        .delivered(alexTarget)
        .map((c) => c.text)
        .slice(1),
      ['✓ Delivered to the Defender Experts.'],
    );
    assert.equal(f.messenger.delivered(expertsTarget).length, 2, 'header and message, once each');
  });
});
