// `highvalue list|add|remove <tag>` through the real bot: the tenants file's tags, admins'
// changes stored as differences from it, audited, and refusals for everyone else.
import assert from 'node:assert/strict';
import type { CustomerTenant } from '../../src/domain/tenant.ts';
import { botFixture, cardText, personal, TENANT, USER_AAD } from './bot-fixture.ts';

const contoso: CustomerTenant = {
  tenantId: TENANT,
  name: 'Contoso',
  expertsAccess: 'reader',
  roles: { operators: [USER_AAD], readers: [] },
  contacts: { primary: [], secondary: [] },
  admins: [USER_AAD],
  socChannels: [],
  highValueTags: ['HighValue'],
};
const READER = {
  id: '29:megan',
  name: 'Megan Bowen',
  aadObjectId: 'bb000000-0000-4000-8000-000000000011',
};

const says = (text: string, from?: typeof READER) =>
  personal({ type: 'message', text, ...(from ? { from } : {}) });

describe('highvalue command', () => {
  it('lists the tenants file tags for anyone of the tenant', async () => {
    const { adapter } = await botFixture([], { tenants: [contoso] });
    await adapter.send(says('highvalue', READER)).assertReply((reply) => {
      const text = cardText(reply);
      assert.match(text, /High-value devices of Contoso/);
      assert.match(text, /"title":"Machine tag","value":"HighValue"/);
      assert.match(text, /needs its name typed on the card to confirm/);
    });
  });

  it('lets an admin add a tag with spaces and remove a configured one, audited, case-insensitive', async () => {
    const { adapter, app } = await botFixture([], { tenants: [contoso] });
    await adapter.send(says('highvalue add "Tier 0"')).assertReply((reply) => {
      const text = cardText(reply);
      assert.match(text, /High-value tag added/);
      assert.match(
        text,
        /Devices tagged \*\*Tier 0\*\* in Defender are now high-value for Contoso/,
      );
      assert.match(text, /"value":"HighValue, Tier 0"/);
    });
    await adapter.send(says('highvalue add tier 0')).assertReply((reply) => {
      assert.match(cardText(reply), /Nothing changed.*already marks high-value devices/);
    });
    await adapter.send(says('highvalue remove HIGHVALUE')).assertReply((reply) => {
      assert.match(cardText(reply), /High-value tag removed/);
    });
    assert.deepEqual(app.directory.get(TENANT)?.highValueTags, ['Tier 0']);
    // The fixture's clock stands still: records of one instant come in any order.
    const trail = (await app.directory.auditTrail(TENANT)).sort((a, b) =>
      a.action.localeCompare(b.action),
    );
    assert.deepEqual(
      trail.map((r) => [
        r.action,
        r.subject,
        r.actor.userId,
        r.before.highValueTags,
        r.after.highValueTags,
      ]),
      [
        ['highValueTagAdded', 'Tier 0', USER_AAD, ['HighValue'], ['HighValue', 'Tier 0']],
        ['highValueTagRemoved', 'HighValue', USER_AAD, ['HighValue', 'Tier 0'], ['Tier 0']],
      ],
    );
  });

  it('keeps the changes across a restart (stored as differences from the tenants file)', async () => {
    const { adapter, app, store } = await botFixture([], { tenants: [contoso] });
    await adapter.send(says('highvalue add Tier 0')).assertReply(() => undefined);
    await adapter.send(says('highvalue remove HighValue')).assertReply(() => undefined);
    const { TenantDirectory } = await import('../../src/features/tenants/index.ts');
    const reopened = await TenantDirectory.open({
      store,
      configured: [contoso],
      now: () => new Date(),
    });
    assert.deepEqual(reopened.get(TENANT)?.highValueTags, ['Tier 0']);
    assert.deepEqual(app.directory.get(TENANT)?.highValueTags, ['Tier 0']);
  });

  it('refuses anyone but an admin, and changes nothing', async () => {
    const { adapter, app } = await botFixture([], { tenants: [contoso] });
    await adapter.send(says('highvalue remove HighValue', READER)).assertReply((reply) => {
      assert.match(cardText(reply), /Only admins can change this/);
      assert.match(cardText(reply), /can change its high-value tags/);
    });
    assert.deepEqual(app.directory.get(TENANT)?.highValueTags, ['HighValue']);
    assert.deepEqual(await app.directory.auditTrail(TENANT), []);
  });

  it('says how to use it for an unknown word or a missing tag', async () => {
    const { adapter } = await botFixture([], { tenants: [contoso] });
    await adapter.send(says('highvalue frobnicate')).assertReply((reply) => {
      assert.match(cardText(reply), /I don't know \\"highvalue frobnicate\\"/);
    });
    await adapter.send(says('highvalue add')).assertReply((reply) => {
      assert.match(cardText(reply), /Which machine tag\?/);
    });
  });
});
