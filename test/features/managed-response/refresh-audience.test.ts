// Who the Actions card refreshes for: from the tenant's personal-chat index, Security Operators
// and incident contacts first, at most 60, never another tenant's users, and without reading
// every conversation the store holds (a click answers with this list).
import assert from 'node:assert/strict';
import {
  MAX_REFRESH_USERS,
  refreshAudience,
} from '../../../src/features/managed-response/refresh-audience.ts';
import { ConversationRegistry } from '../../../src/shared/conversation-registry.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';
import { contoso, OTHER_TENANT, TENANT } from './harness.ts';

const user = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function personal(
  registry: ConversationRegistry,
  tenantId: string,
  userId: string,
  mri = `29:${userId}`,
) {
  await registry.record({
    conversationId: `a:${tenantId}:${userId}`,
    kind: 'personal',
    tenantId,
    userId,
    reference: { user: { id: mri, aadObjectId: userId } },
    updatedAt: '2026-03-02T09:00:00Z',
  });
}

describe('managed response: the refresh audience', () => {
  it('takes operators and contacts first, at most 60, of this tenant only', async () => {
    const store = new MemoryStore();
    const registry = new ConversationRegistry(store);
    for (let n = 1; n <= 80; n += 1) await personal(registry, TENANT, user(n));
    for (let n = 1; n <= 10; n += 1) await personal(registry, OTHER_TENANT, user(500 + n));
    // A reference the bot made itself before the user wrote: no Teams id to refresh for.
    await personal(registry, TENANT, user(99), user(99));
    const operator = user(77);
    const contact = user(78);
    const tenant = contoso({
      roles: { operators: [operator], readers: [] },
      contacts: { primary: [{ userId: contact, name: 'Contact' }], secondary: [] },
    });

    const audience = await refreshAudience(registry, tenant);
    assert.equal(audience.length, MAX_REFRESH_USERS);
    assert.deepEqual(audience.slice(0, 2).sort(), [`29:${operator}`, `29:${contact}`].sort());
    assert.ok(audience.every((mri) => /^29:00000000-0000-4000-8000-0000000000\d\d$/.test(mri)));
    assert.equal(new Set(audience).size, audience.length);
    assert.ok(!audience.includes(user(99)) && !audience.includes(`29:${user(99)}`));
  });

  it('does not read the conversations of the whole store', async () => {
    const store = new MemoryStore();
    const registry = new ConversationRegistry(store);
    for (let n = 1; n <= 5; n += 1) await personal(registry, TENANT, user(n));
    const listed: string[] = [];
    const list = store.list.bind(store);
    store.list = (collection, options) => {
      listed.push(collection);
      return list(collection, options);
    };
    assert.equal((await refreshAudience(registry, contoso())).length, 5);
    assert.deepEqual(listed, ['personalChats']);
  });
});
