import assert from 'node:assert/strict';
import { DEMO_DIRECTORY, DEMO_TENANT_ID } from '../../src/emulator/demo-data.ts';
import type { RunningEmulator } from '../../src/emulator/emulator.ts';
import { call, getToken, GRAPH_SCOPE, startTestEmulator, TestClock } from './emulator-harness.ts';

const C = DEMO_DIRECTORY.contoso;
const SENDER = C.serviceMailbox.userId;
const PATTI = C.contacts.emailOnly.mail;

const message = (overrides: Record<string, unknown> = {}) => ({
  message: {
    subject: 'Incident 2972403 awaits your action',
    body: { contentType: 'HTML', content: '<p>Ransomware on <b>prod-server-01</b></p>' },
    toRecipients: [{ emailAddress: { address: PATTI, name: 'Patti Fernandez' } }],
    ...overrides,
  },
  saveToSentItems: false,
});

/** A multipart/alternative message with a plain-text and an HTML part, as clients build it. */
function mime(to = PATTI): string {
  return [
    `From: Contoso Security Notifications <${C.serviceMailbox.mail}>`,
    `To: Patti Fernandez <${to}>, isaiahl@contoso.example`,
    'Subject: =?utf-8?B?SW5jaWRlbnQgMjk3MjQwMyDigJMgYWN0aW9uIG5lZWRlZA==?=',
    'X-MDR-Incident: 2972403',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Isolate prod-server-01 =E2=80=93 see the portal.',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('<p>Isolate <b>prod-server-01</b></p>').toString('base64'),
    '--b1--',
    '',
  ].join('\r\n');
}

describe('emulator: Graph user sendMail', () => {
  let emulator: RunningEmulator;
  let token: string;
  const clock = new TestClock();
  const sendMail = (user: string = SENDER) =>
    `${emulator.graphBaseUrl}/v1.0/users/${user}/sendMail`;
  const post = (body: unknown, user: string = SENDER, headers: Record<string, string> = {}) =>
    call(sendMail(user), { token, method: 'POST', body, headers });
  const sent = () => emulator.control.listSentMail(DEMO_TENANT_ID);

  beforeEach(async () => {
    emulator = await startTestEmulator({ now: clock.now });
    token = await getToken(emulator, GRAPH_SCOPE);
  });
  afterEach(() => emulator.close());

  it('accepts a JSON message with 202 and no body, and records it', async () => {
    const res = await post(
      message({ ccRecipients: [{ emailAddress: { address: 'a@b.example' } }] }),
    );
    assert.equal(res.status, 202);
    assert.equal(res.body, undefined);
    const [mail] = sent();
    assert.deepEqual(
      {
        format: mail?.format,
        sender: mail?.sender,
        toRecipients: mail?.toRecipients,
        ccRecipients: mail?.ccRecipients,
        subject: mail?.subject,
        htmlBody: mail?.htmlBody,
        textBody: mail?.textBody,
        saveToSentItems: mail?.saveToSentItems,
        sentDateTime: mail?.sentDateTime,
      },
      {
        format: 'json',
        sender: {
          id: SENDER,
          userPrincipalName: C.serviceMailbox.mail,
          mail: C.serviceMailbox.mail,
        },
        toRecipients: [PATTI],
        ccRecipients: ['a@b.example'],
        subject: 'Incident 2972403 awaits your action',
        htmlBody: '<p>Ransomware on <b>prod-server-01</b></p>',
        textBody: null,
        saveToSentItems: false,
        sentDateTime: clock.now().toISOString(),
      },
    );
  });

  it('takes a text body, the sender by user principal name, and saveToSentItems as a string', async () => {
    const res = await post(
      {
        ...message({ body: { contentType: 'text', content: 'Plain words' } }),
        saveToSentItems: 'true',
      },
      C.serviceMailbox.mail,
    );
    assert.equal(res.status, 202);
    assert.equal(sent()[0]?.textBody, 'Plain words');
    assert.equal(sent()[0]?.htmlBody, null);
    assert.equal(sent()[0]?.saveToSentItems, true);
  });

  it('accepts base64 MIME (text/plain) and records both bodies and the raw message', async () => {
    const raw = mime();
    const res = await post(
      Buffer.from(raw)
        .toString('base64')
        .replace(/(.{76})/g, '$1\n'),
      SENDER,
      {
        'Content-Type': 'text/plain',
      },
    );
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const [mail] = sent();
    assert.equal(mail?.format, 'mime');
    assert.deepEqual(mail?.toRecipients, [PATTI, 'isaiahl@contoso.example']);
    assert.equal(mail?.from, C.serviceMailbox.mail);
    assert.equal(mail?.subject, 'Incident 2972403 – action needed');
    assert.equal(mail?.textBody, 'Isolate prod-server-01 – see the portal.');
    assert.equal(mail?.htmlBody, '<p>Isolate <b>prod-server-01</b></p>');
    assert.equal(mail?.rawMime, raw);
    assert.deepEqual(mail?.internetMessageHeaders, [{ name: 'X-MDR-Incident', value: '2972403' }]);
  });

  it('answers 400 ErrorMimeContentInvalidBase64String for MIME that is not base64', async () => {
    const res = await post('This is not base64!', SENDER, { 'Content-Type': 'text/plain' });
    assert.equal(res.status, 400);
    assert.deepEqual(
      { code: res.body.error.code, message: res.body.error.message },
      {
        code: 'ErrorMimeContentInvalidBase64String',
        message: 'Invalid base64 string for MIME content.',
      },
    );
    const noRecipients = await post(
      Buffer.from('Subject: hi\r\n\r\nbody').toString('base64'),
      SENDER,
      { 'Content-Type': 'text/plain' },
    );
    assert.equal(noRecipients.status, 400);
    assert.equal(noRecipients.body.error.code, 'ErrorInvalidRecipients');
    assert.deepEqual(sent(), []);
  });

  it('answers 403 ErrorAccessDenied without Mail.Send', async () => {
    emulator.control.revokeRole(DEMO_TENANT_ID, 'Mail.Send');
    const res = await post(message());
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'ErrorAccessDenied');
    assert.equal(res.body.error.message, 'Access is denied. Check credentials and try again.');
    assert.deepEqual(sent(), []);
  });

  it('answers 404 ErrorInvalidUser for an unknown sender and MailboxNotEnabledForRESTAPI without a mailbox', async () => {
    const unknown = await post(message(), 'nobody@contoso.example');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'ErrorInvalidUser');
    assert.equal(
      unknown.body.error.message,
      "The requested user 'nobody@contoso.example' is invalid.",
    );
    emulator.control.upsertUser(DEMO_TENANT_ID, {
      id: '11111111-2222-4333-8444-555555555555',
      displayName: 'Unlicensed',
      userPrincipalName: 'unlicensed@contoso.example',
      mail: 'unlicensed@contoso.example',
      mailboxEnabled: false,
    });
    const noMailbox = await post(message(), 'unlicensed@contoso.example');
    assert.equal(noMailbox.status, 404);
    assert.equal(noMailbox.body.error.code, 'MailboxNotEnabledForRESTAPI');
    assert.deepEqual(sent(), []);
  });

  it('answers 400 for a malformed message', async () => {
    const cases: [unknown, string][] = [
      ['{not json', 'BadRequest'],
      ['', 'BadRequest'],
      [{ saveToSentItems: true }, 'ErrorInvalidRequest'],
      [{ message: { subject: 'x' } }, 'ErrorInvalidRecipients'],
      [message({ toRecipients: [] }), 'ErrorInvalidRecipients'],
      [
        message({ toRecipients: [{ emailAddress: { address: 'not-an-address' } }] }),
        'ErrorInvalidRecipients',
      ],
      [message({ bodyHtml: '<p>x</p>' }), 'RequestBodyRead'],
      [message({ body: { contentType: 'markdown', content: '*x*' } }), 'RequestBodyRead'],
      [{ ...message(), attachmentsToo: true }, 'RequestBodyRead'],
      [
        message({ internetMessageHeaders: [{ name: 'Reply-By', value: 'now' }] }),
        'InvalidInternetMessageHeader',
      ],
      [message({ toRecipients: 'pattif@contoso.example' }), 'RequestBodyRead'],
    ];
    for (const [body, code] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, code, JSON.stringify(body));
      assert.equal(typeof res.body.error.innerError.date, 'string');
    }
    assert.deepEqual(sent(), []);
  });

  it('refuses /me/sendMail for an app-only token', async () => {
    const res = await call(`${emulator.graphBaseUrl}/v1.0/me/sendMail`, {
      token,
      method: 'POST',
      body: message(),
    });
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /delegated authentication flow/);
  });
});
