import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import type { MemberInfo } from '../../src/app/feature.ts';
import type { MemberLookup } from '../../src/features/tenants/index.ts';
import type { CustomerTenant } from '../../src/domain/tenant.ts';
import { botFixture, cardText, channel, personal, TENANT, USER_AAD } from './bot-fixture.ts';

const PAT = { userId: 'aa000000-0000-4000-8000-000000000010', name: 'Pat Primary' };
const MEGAN = 'bb000000-0000-4000-8000-000000000011';
const SAM = 'cc000000-0000-4000-8000-000000000012';
const OUTSIDER = '0b000000-0000-4000-8000-000000000002';

const contoso: CustomerTenant = {
  tenantId: TENANT,
  name: 'Contoso',
  expertsAccess: 'reader',
  roles: { operators: [], readers: [] },
  contacts: { primary: [PAT], secondary: [] },
  admins: [USER_AAD],
  socChannels: [],
};

/** The roster as TeamsInfo.getMember would answer, by Teams id, UPN or object id. */
const roster: Record<string, MemberInfo> = {
  '29:megan': { aadObjectId: MEGAN, name: 'Megan Bowen', tenantId: TENANT },
  'megan@contoso.com': { aadObjectId: MEGAN, name: 'Megan Bowen', tenantId: TENANT },
  '29:guest': {
    aadObjectId: SAM,
    name: 'Gus Guest',
    tenantId: '99999999-9999-4999-8999-999999999999',
  },
};

async function setup(
  options: { installApp?: (tenantId: string, userId: string) => Promise<boolean> } = {},
) {
  const lookups: string[] = [];
  const lookupMember: MemberLookup = async (_turn, id) => {
    lookups.push(id);
    return roster[id];
  };
  const fixture = await botFixture([], {
    tenants: [contoso],
    tenantAdmin: { lookupMember, ...options },
  });
  return { ...fixture, directory: fixture.app.directory, lookups };
}

function mention(id: string, name: string) {
  return { type: 'mention', text: `<at>${name}</at>`, mentioned: { id, name } };
}

function says(activity: Partial<Activity>) {
  return personal({ type: 'message', ...activity });
}

describe('contacts command', () => {
  it('lists primary and secondary contacts with whether each has the app', async () => {
    const { adapter, directory, conversations } = await setup();
    await directory.addContact(
      TENANT,
      { userId: SAM, name: 'Sam Second' },
      { secondary: true },
      {
        userId: USER_AAD,
      },
    );
    await conversations.record({
      conversationId: 'a:pat',
      kind: 'personal',
      tenantId: TENANT,
      userId: PAT.userId.toUpperCase(),
      reference: {},
      updatedAt: '2026-11-29T09:00:00Z',
    });
    await adapter.send(says({ text: 'contacts' })).assertReply((reply) => {
      const text = cardText(reply);
      assert.match(text, /Incident contacts for Contoso/);
      assert.match(text, /"title":"Pat Primary","value":"Primary · has the app"/);
      assert.match(
        text,
        /"title":"Sam Second","value":"Secondary · not installed yet: ask them to add the app"/,
      );
      assert.match(text, /1 contact has not installed the app yet/);
    });
  });

  it('adds an @mentioned person by their Entra object id and says they lack the app', async () => {
    const { adapter, directory, lookups } = await setup();
    await adapter
      .send(
        says({
          text: 'contacts add <at>Megan Bowen</at>',
          entities: [mention('29:megan', 'Megan Bowen')],
        }),
      )
      .assertReply((reply) => {
        const text = cardText(reply);
        assert.match(
          text,
          /Added Megan Bowen \(bb000000-0000-4000-8000-000000000011\) as a primary contact/,
        );
        assert.match(text, /has not installed the Managed Response app yet/);
        assert.match(text, /Apps › Managed Response › Add/);
      });
    assert.deepEqual(lookups, ['29:megan']);
    assert.deepEqual(directory.get(TENANT)!.contacts.primary, [
      PAT,
      { userId: MEGAN, name: 'Megan Bowen' },
    ]);
    const [audit] = await directory.auditTrail(TENANT);
    assert.deepEqual(audit?.actor, { userId: USER_AAD, name: 'Alex Wilber' });
  });

  it('ignores the mention of the bot itself in a channel', async () => {
    const { adapter, directory } = await setup();
    await adapter
      .send(
        channel({
          type: 'message',
          text: '<at>Managed Response</at> contacts add secondary megan@contoso.com',
          entities: [mention('28:bot', 'Managed Response')],
        }),
      )
      .assertReply((reply) => {
        const text = cardText(reply);
        assert.match(text, /Added Megan Bowen .* as a secondary contact/);
        assert.doesNotMatch(text, /Managed Response in this conversation/);
      });
    assert.deepEqual(directory.get(TENANT)!.contacts.secondary, [
      { userId: MEGAN, name: 'Megan Bowen' },
    ]);
  });

  it('accepts an object id the roster does not know, as a secondary contact', async () => {
    const { adapter, directory } = await setup();
    await adapter
      .send(says({ text: `contacts add secondary ${SAM}` }))
      .assertReply((reply) => assert.match(cardText(reply), /as a secondary contact/));
    assert.deepEqual(directory.get(TENANT)!.contacts.secondary, [{ userId: SAM }]);
  });

  it('uses the proactive install when the operator enabled it', async () => {
    const installs: string[] = [];
    const { adapter } = await setup({
      installApp: async (_tenantId, userId) => {
        installs.push(userId);
        return true;
      },
    });
    await adapter
      .send(says({ text: `contacts add ${SAM}` }))
      .assertReply((reply) => assert.match(cardText(reply), /has installed it for them/));
    assert.deepEqual(installs, [SAM]);
  });

  it('refuses people it cannot identify, from other organisations, or by bad ids', async () => {
    const { adapter, directory } = await setup();
    await adapter
      .send(
        says({
          text: 'contacts add <at>Nobody</at> <at>Gus Guest</at> bob',
          entities: [mention('29:nobody', 'Nobody'), mention('29:guest', 'Gus Guest')],
        }),
      )
      .assertReply((reply) => {
        const text = cardText(reply);
        assert.match(text, /I could not find Nobody in this conversation/);
        assert.match(text, /Gus Guest belongs to another organisation/);
        assert.match(
          text,
          /\\"bob\\" is neither an @mention, an Entra object id nor a user principal name/,
        );
        assert.match(text, /"style":"warning"/);
      });
    await adapter
      .send(says({ text: 'contacts add' }))
      .assertReply((reply) => assert.match(cardText(reply), /Whom should I add/));
    assert.deepEqual(directory.get(TENANT)!.contacts.primary, [PAT]);
    assert.deepEqual(await directory.auditTrail(TENANT), []);
  });

  it('gives a non-admin a friendly refusal and changes nothing', async () => {
    const { adapter, directory } = await setup();
    await adapter
      .send(
        says({
          text: `contacts add ${MEGAN}`,
          from: { id: '29:otto', name: 'Otto', aadObjectId: OUTSIDER },
        }),
      )
      .assertReply((reply) => {
        const text = cardText(reply);
        assert.match(text, /Only admins can change this/);
        assert.match(text, /Only the admins of Contoso/);
      });
    assert.deepEqual(directory.get(TENANT)!.contacts.primary, [PAT]);
  });

  it('removes a contact named by a mention the roster cannot resolve, by their name', async () => {
    const { adapter, directory } = await setup();
    await adapter
      .send(
        says({
          text: 'contacts remove <at>Pat Primary</at>',
          entities: [mention('29:pat', 'Pat Primary')],
        }),
      )
      .assertReply((reply) => {
        const text = cardText(reply);
        assert.match(text, /Removed Pat Primary .* from the primary contacts/);
        assert.match(text, /There is no primary contact left/);
      });
    assert.deepEqual(directory.get(TENANT)!.contacts.primary, []);
    await adapter
      .send(says({ text: `contacts remove ${MEGAN}` }))
      .assertReply((reply) => assert.match(cardText(reply), /is not an incident contact/));
  });

  it('tells users of a tenant that is not onboarded', async () => {
    const { adapter } = await setup();
    await adapter
      .send(
        says({
          text: 'contacts',
          channelData: { tenant: { id: '11111111-1111-4111-8111-111111111111' } },
        }),
      )
      .assertReply((reply) => assert.match(cardText(reply), /not onboarded/));
  });

  it('explains its sub-commands when given an unknown one', async () => {
    const { adapter } = await setup();
    await adapter
      .send(says({ text: 'contacts frobnicate' }))
      .assertReply((reply) =>
        assert.match(cardText(reply), /I don't know \\"contacts frobnicate\\"/),
      );
  });
});

describe('soc command', () => {
  it('makes the channel it runs in a SOC channel of the caller’s tenant, once', async () => {
    const { adapter, directory } = await setup();
    await adapter
      .send(
        channel({
          type: 'message',
          text: '<at>Managed Response</at> soc here',
          entities: [mention('28:bot', 'Managed Response')],
        }),
      )
      .assertReply((reply) => assert.match(cardText(reply), /This is now a SOC channel/));
    assert.deepEqual(directory.get(TENANT)!.socChannels, [
      { channelId: '19:soc@thread.tacv2', teamId: '19:team@thread.tacv2', name: 'Contoso SOC' },
    ]);
    const [audit] = await directory.auditTrail(TENANT);
    assert.equal(audit?.action, 'socChannelAdded');
    assert.equal(audit?.actor.userId, USER_AAD);
    await adapter
      .send(channel({ type: 'message', text: 'soc here' }))
      .assertReply((reply) => assert.match(cardText(reply), /Already a SOC channel/));
  });

  it('asks to run soc here in the channel itself when typed in a personal chat', async () => {
    const { adapter, directory } = await setup();
    await adapter
      .send(says({ text: 'soc here' }))
      .assertReply((reply) => assert.match(cardText(reply), /Run this in the channel/));
    assert.deepEqual(directory.get(TENANT)!.socChannels, []);
  });

  it('lists the SOC channels to anyone and lets an admin remove one from the channel', async () => {
    const { adapter, directory } = await setup();
    await adapter.send(channel({ type: 'message', text: 'soc here' })).assertReply(() => undefined);
    await adapter
      .send(
        says({ text: 'soc list', from: { id: '29:otto', name: 'Otto', aadObjectId: OUTSIDER } }),
      )
      .assertReply((reply) =>
        assert.match(cardText(reply), /"title":"Contoso SOC","value":"19:soc@thread.tacv2"/),
      );
    await adapter
      .send(
        channel({
          type: 'message',
          text: 'soc remove',
          from: { id: '29:otto', name: 'Otto', aadObjectId: OUTSIDER },
        }),
      )
      .assertReply((reply) => assert.match(cardText(reply), /Only admins can change this/));
    assert.equal(directory.get(TENANT)!.socChannels.length, 1);
    await adapter.send(channel({ type: 'message', text: 'soc remove' })).assertReply((reply) => {
      const text = cardText(reply);
      assert.match(text, /SOC channel removed/);
      assert.match(text, /There is no SOC channel left/);
    });
    assert.deepEqual(directory.get(TENANT)!.socChannels, []);
  });
});
