// The Bot Framework clients are made once per app and service URL, not once per turn; a failed
// creation is not kept; and a client kept from one turn still reaches the Bot Connector on the next.
import assert from 'node:assert/strict';
import { ActivityTypes, ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import {
  BotFrameworkAuthentication,
  ClaimsIdentity,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import { ReusedClientsAuthentication } from '../../bot/reused-clients.ts';
import { FakeBotConnector } from '../fakes/fake-bot-connector.ts';

const activity = (serviceUrl: string): Activity =>
  ({
    type: ActivityTypes.Message,
    id: 'a1',
    channelId: 'msteams',
    serviceUrl,
    conversation: { id: 'a:reused', conversationType: 'personal' },
    from: { id: '29:u' },
    recipient: { id: '28:bot' },
  }) as Activity;

describe('ReusedClientsAuthentication', () => {
  // Local mode (no app id): botbuilder's own authentication, anonymous claims.
  const local = () =>
    new ReusedClientsAuthentication(
      new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '' }),
    );

  it('gives every turn on one service URL the same connector client, another URL its own', async () => {
    const auth = local();
    const first = await auth.authenticateRequest(activity('https://smba.example/amer/'), '');
    const second = await auth.authenticateRequest(activity('https://smba.example/amer/'), '');
    const a = await first.connectorFactory!.create('https://smba.example/amer/', first.audience);
    const b = await second.connectorFactory!.create('https://smba.example/amer/', second.audience);
    assert.equal(a, b);
    const emea = await second.connectorFactory!.create('https://smba.example/emea/');
    assert.notEqual(emea, a);
    // The factory a turn's code asks for (proactive sends) reuses them too.
    const proactive = auth.createConnectorFactory(first.claimsIdentity);
    assert.equal(await proactive.create('https://smba.example/amer/', first.audience), a);
  });

  it('keeps one user token client per app', async () => {
    const auth = local();
    const { claimsIdentity } = await auth.authenticateRequest(activity('https://s.example/'), '');
    const one = await auth.createUserTokenClient(claimsIdentity);
    assert.equal(await auth.createUserTokenClient(claimsIdentity), one);
    const other = new ClaimsIdentity(
      [
        { type: 'ver', value: '1.0' },
        { type: 'appid', value: 'another-app' },
      ],
      true,
    );
    assert.notEqual(await auth.createUserTokenClient(other), one);
  });

  it('does not keep a creation that failed: the next turn tries again', async () => {
    let calls = 0;
    const made = { made: true } as unknown as ConnectorClient;
    class Flaky extends ConnectorFactory {
      create(): Promise<ConnectorClient> {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('no token')) : Promise.resolve(made);
      }
    }
    class Inner extends BotFrameworkAuthentication {
      authenticateRequest(): Promise<AuthenticateRequestResult> {
        return Promise.resolve({
          claimsIdentity: new ClaimsIdentity([], true),
          connectorFactory: new Flaky(),
          audience: 'aud',
          callerId: '',
        });
      }
      authenticateStreamingRequest(): Promise<AuthenticateRequestResult> {
        return this.authenticateRequest();
      }
      createConnectorFactory(): ConnectorFactory {
        return new Flaky();
      }
      createUserTokenClient(): Promise<UserTokenClient> {
        return Promise.reject(new Error('unused'));
      }
    }
    const auth = new ReusedClientsAuthentication(new Inner());
    const turn = () => auth.authenticateRequest(activity('https://s.example/'), '');
    await assert.rejects((await turn()).connectorFactory!.create('https://s.example/'), /no token/);
    assert.equal(await (await turn()).connectorFactory!.create('https://s.example/'), made);
    assert.equal(await (await turn()).connectorFactory!.create('https://s.example/'), made);
    assert.equal(calls, 2);
  });

  it('sends through a kept client on a later turn', async () => {
    const connector = await FakeBotConnector.start({ limits: false });
    try {
      const { id } = connector.addConversation({
        id: 'a:reused',
        tenantId: 't1',
        kind: 'personal',
        memberIds: ['u1'],
      });
      const auth = local();
      for (const text of ['first turn', 'second turn']) {
        const result = await auth.authenticateRequest(activity(connector.serviceUrl), '');
        const client = await result.connectorFactory!.create(connector.serviceUrl);
        await client.conversations.sendToConversation(id, { type: 'message', text });
      }
      const texts = connector.messages(id).map((m) => m.text);
      assert.deepEqual(texts, ['first turn', 'second turn']);
    } finally {
      await connector.close();
    }
  });
});
