// Production authentication proven offline: the whole app (startApp) with MicrosoftAppId set, so
// botbuilder's real CloudAdapter authentication runs, against a local OpenID metadata + signing
// key endpoint (BOT_OPENID_METADATA_URL). A correctly signed channel token is accepted and the
// activity answered; every forged or mismatched token is a 401 with a fixed body, nothing stored,
// nothing sent; an unreachable or hanging metadata endpoint is a quick 401, logged once.
//
// Only the inbound side is proven: an answer that goes out through the Bot Connector needs a
// token for the bot from Entra ID (login.microsoftonline.com), which botbuilder's MSAL client
// cannot be pointed at a local endpoint without the internet (instance discovery), so the
// accepted activity is an invoke, answered in the HTTP response.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { UNAUTHORIZED_BODY } from '../../bot/bot-auth.ts';
import { DEMO_TENANT_ID } from '../../src/emulator/demo-data.ts';
import { FakeBotConnector } from '../fakes/fake-bot-connector.ts';
import { FakeBotFrameworkAuth } from '../fakes/fake-bot-framework-auth.ts';
import { startInProcessApp, type InProcessApp } from '../fakes/in-process-app.ts';

const APP_ID = 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff';
const ALEX = { id: '29:alex', aadObjectId: '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c', name: 'Alex' };

function productionEnv(auth: FakeBotFrameworkAuth, timeoutMs = 1000): Record<string, string> {
  return {
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'not-used-offline',
    BOT_OPENID_METADATA_URL: auth.metadataUrl,
    BOT_EMULATOR_OPENID_METADATA_URL: auth.metadataUrl,
    BOT_OPENID_TIMEOUT_MS: String(timeoutMs),
  };
}

function activity(kind: 'message' | 'invoke', serviceUrl: string, conversationId: string) {
  const base = {
    id: `act-${randomUUID()}`,
    channelId: 'msteams',
    serviceUrl,
    conversation: { id: conversationId, conversationType: 'personal', tenantId: DEMO_TENANT_ID },
    from: ALEX,
    recipient: { id: `28:${APP_ID}`, name: 'Managed Response' },
    channelData: { tenant: { id: DEMO_TENANT_ID } },
  };
  return kind === 'message'
    ? { ...base, type: 'message', text: 'help' }
    : {
        ...base,
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: {
          action: { type: 'Action.Execute', verb: 'showHelp', data: {} },
          trigger: 'manual',
        },
      };
}

async function post(app: InProcessApp, body: unknown, authorization?: string) {
  const started = Date.now();
  const res = await fetch(`${app.base}/api/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, ms: Date.now() - started };
}

/** Whatever reaches stdout/stderr while `fn` runs (botbuilder's console output would). */
async function consoleOutputOf(fn: () => Promise<void>): Promise<string> {
  let written = '';
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  const capture = ((chunk: unknown) => {
    written += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    await fn();
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
  return written;
}

describe('production authentication, offline (MicrosoftAppId set)', function () {
  this.timeout(30_000);
  let auth: FakeBotFrameworkAuth;
  let connector: FakeBotConnector;
  let app: InProcessApp;

  before(async () => {
    auth = await FakeBotFrameworkAuth.start(APP_ID);
    connector = await FakeBotConnector.start();
    app = await startInProcessApp(productionEnv(auth));
  });
  after(async () => {
    await app.dispose();
    await connector.close();
    await auth.close();
  });

  it('accepts a correctly signed channel token and answers the activity', async () => {
    const conversationId = `a:accepted-${randomUUID()}`;
    const token = await auth.token({ serviceUrl: connector.serviceUrl });
    const res = await post(
      app,
      activity('invoke', connector.serviceUrl, conversationId),
      `Bearer ${token}`,
    );
    assert.equal(res.status, 200, res.text);
    const answer = JSON.parse(res.text) as { statusCode: number; type: string };
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.type, 'application/vnd.microsoft.card.adaptive');
    assert.ok(auth.hitCount() >= 2, 'the keys came from the local metadata endpoint');
  });

  it('refuses every forged or mismatched token with a fixed 401; nothing stored, nothing sent', async () => {
    const serviceUrl = connector.serviceUrl;
    const good = (options = {}) => auth.token({ serviceUrl, ...options });
    const cases: [string, () => Promise<string | undefined>][] = [
      ['no token', async () => undefined],
      ['an empty bearer', async () => 'Bearer '],
      ['a garbage token', async () => 'Bearer not.a.jwt'],
      ['another scheme', async () => `Basic ${await good()}`],
      ['a token signed by another key', async () => `Bearer ${await good({ foreignKey: true })}`],
      ['alg: none', async () => `Bearer ${auth.unsignedToken(serviceUrl)}`],
      ['an expired token', async () => `Bearer ${await good({ expiresIn: -3600 })}`],
      ['another audience', async () => `Bearer ${await good({ aud: randomUUID() })}`],
      ['another issuer', async () => `Bearer ${await good({ iss: 'https://evil.example' })}`],
      [
        'a serviceurl claim that differs from the activity',
        async () => `Bearer ${await auth.token({ serviceUrl: 'https://smba.evil.example/' })}`,
      ],
      ['no serviceurl claim', async () => `Bearer ${await auth.token({ serviceUrl: null })}`],
    ];
    const refusedConversations: string[] = [];
    const output = await consoleOutputOf(async () => {
      for (const [name, header] of cases) {
        for (const kind of ['message', 'invoke'] as const) {
          const conversationId = `a:refused-${refusedConversations.length}-${randomUUID()}`;
          refusedConversations.push(conversationId);
          const res = await post(app, activity(kind, serviceUrl, conversationId), await header());
          assert.equal(res.status, 401, `${name} (${kind}): ${res.status} ${res.text}`);
          assert.deepEqual(JSON.parse(res.text), UNAUTHORIZED_BODY, `${name} (${kind})`);
        }
      }
    });
    assert.equal(output, '', 'botbuilder printed outside the JSON logs');
    assert.equal(connector.requests.length, 0, 'nothing sent to the Bot Connector');
    const refusals = app.logs.filter(
      (l) => l.msg === 'refused an activity that is not authenticated',
    );
    assert.equal(refusals.length, cases.length * 2);
    await app.close();
    const stored = await app.storeText();
    for (const id of refusedConversations) assert.equal(stored.includes(id), false, id);
  });
});

describe('production authentication when the OpenID metadata endpoint is unavailable', function () {
  this.timeout(30_000);
  let auth: FakeBotFrameworkAuth;
  let connector: FakeBotConnector;
  let app: InProcessApp | undefined;

  beforeEach(async () => {
    auth = await FakeBotFrameworkAuth.start(APP_ID);
    connector = await FakeBotConnector.start();
  });
  afterEach(async () => {
    await app?.dispose();
    app = undefined;
    await connector.close();
    await auth.close();
  });

  for (const mode of ['hang', 'down'] as const) {
    it(`answers a valid token 401 quickly when it ${mode === 'hang' ? 'hangs' : 'is down'}, logging it once`, async () => {
      auth.mode = mode;
      app = await startInProcessApp(productionEnv(auth, 300));
      const serviceUrl = connector.serviceUrl;
      const token = await auth.token({ serviceUrl });
      const first = await post(app, activity('message', serviceUrl, 'a:down-1'), `Bearer ${token}`);
      assert.equal(first.status, 401, first.text);
      assert.deepEqual(JSON.parse(first.text), UNAUTHORIZED_BODY);
      assert.ok(first.ms < 2_000, `took ${first.ms} ms`);
      const fetched = auth.hitCount();
      // During the outage the next requests are refused at once, without fetching again.
      for (let i = 0; i < 5; i++) {
        const again = await post(
          app,
          activity('invoke', serviceUrl, `a:down-${i + 2}`),
          `Bearer ${token}`,
        );
        assert.equal(again.status, 401);
        assert.ok(again.ms < 500, `took ${again.ms} ms`);
      }
      assert.equal(auth.hitCount(), fetched);
      const errors = app.logs.filter((l) => l.level === 50);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.match(String(errors[0]?.msg), /cannot fetch the Bot Framework signing keys/);
      assert.equal(errors[0]?.url, auth.metadataUrl);
      assert.equal(connector.requests.length, 0);
    });
  }
});
