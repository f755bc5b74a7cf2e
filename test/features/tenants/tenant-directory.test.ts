import { silentLogger } from '../../../src/platform/logger.ts';
import assert from 'node:assert/strict';
import { isDomainError } from '../../../src/domain/errors.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import { TENANT_AUDIT } from '../../../src/features/tenants/tenant-audit.ts';
import { TenantDirectory } from '../../../src/features/tenants/tenant-directory.ts';
import { TENANT_OVERRIDES } from '../../../src/features/tenants/tenant-overrides.ts';
import type { WriteOp } from '../../../src/store/store.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';

const TENANT = '7d1c5f54-2b7e-4c35-9a51-0c5b8f3e2a10';
const ADMIN = { userId: 'ad000000-0000-4000-8000-000000000001', name: 'Adele Vance' };
const OUTSIDER = { userId: '0b000000-0000-4000-8000-000000000002', name: 'Otto' };
const PAT = { userId: 'aa000000-0000-4000-8000-000000000010', name: 'Pat Primary' };
const MEGAN = { userId: 'bb000000-0000-4000-8000-000000000011', name: 'Megan Bowen' };
const SAM = { userId: 'cc000000-0000-4000-8000-000000000012', name: 'Sam Second' };
const SOC = { channelId: '19:soc@thread.tacv2', teamId: '19:team@thread.tacv2', name: 'SOC' };

function contoso(overrides: Partial<CustomerTenant> = {}): CustomerTenant {
  return {
    tenantId: TENANT,
    name: 'Contoso',
    expertsAccess: 'reader',
    roles: { operators: [], readers: [] },
    contacts: { primary: [PAT], secondary: [] },
    admins: [ADMIN.userId.toUpperCase()],
    socChannels: [SOC],
    ...overrides,
  };
}

function setup(configured: CustomerTenant[] = [contoso()], store = new MemoryStore()) {
  let ms = Date.parse('2026-11-29T10:00:00.000Z');
  let n = 0;
  const warnings: string[] = [];
  const open = (tenants = configured) =>
    TenantDirectory.open({
      store,
      configured: tenants,
      now: () => new Date(ms),
      newId: () => `id${++n}`,
      logger: {
        ...silentLogger,
        warn: (_details: object, message?: string) => void warnings.push(message ?? ''),
      },
    });
  return { store, open, warnings, tick: (minutes = 1) => (ms += minutes * 60_000) };
}

/** Runs a competing write right before the next batch, once. */
class RacingStore extends MemoryStore {
  beforeNextBatch: (() => Promise<unknown>) | undefined;

  override async batch(ops: WriteOp[]): Promise<void> {
    const race = this.beforeNextBatch;
    this.beforeNextBatch = undefined;
    await race?.();
    return super.batch(ops);
  }
}

const ids = (list: readonly { userId: string }[]) => list.map((c) => c.userId);

async function rejects(promise: Promise<unknown>, code: string, pattern: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isDomainError(err), `expected a DomainError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('TenantDirectory', () => {
  it('serves the configured tenants synchronously, case-insensitively by tenant id', async () => {
    const { open } = setup();
    const directory = await open();
    assert.deepEqual(
      directory.list().map((t) => t.name),
      ['Contoso'],
    );
    assert.equal(directory.get(TENANT.toUpperCase())?.name, 'Contoso');
    assert.equal(directory.get('11111111-1111-4111-8111-111111111111'), undefined);
  });

  it('lets an admin add a primary contact and audits who, what, before, after and when', async () => {
    const { open, store } = setup();
    const directory = await open();
    const result = await directory.addContact(TENANT, MEGAN, {}, ADMIN);

    assert.equal(result.changed, true);
    assert.deepEqual(ids(directory.get(TENANT)!.contacts.primary), [PAT.userId, MEGAN.userId]);
    const trail = await directory.auditTrail(TENANT);
    assert.equal(trail.length, 1);
    assert.deepEqual(trail[0], {
      tenantId: TENANT,
      at: '2026-11-29T10:00:00.000Z',
      actor: ADMIN,
      action: 'contactAdded',
      subject: MEGAN.userId,
      subjectName: MEGAN.name,
      detail: 'primary',
      before: { contacts: { primary: [PAT], secondary: [] }, socChannels: [SOC] },
      after: { contacts: { primary: [PAT, MEGAN], secondary: [] }, socChannels: [SOC] },
    });
    const keys = (await store.list(TENANT_AUDIT)).map((r) => r.key);
    assert.deepEqual(keys, [`${TENANT}:2026-11-29T10:00:00.000Z:id1`]);
  });

  it('refuses a non-admin with a clear message and writes nothing', async () => {
    const { open, store } = setup();
    const directory = await open();
    await rejects(
      directory.addContact(TENANT, MEGAN, {}, OUTSIDER),
      'NOT_PERMITTED',
      /Only the admins of Contoso/,
    );
    await rejects(
      directory.removeSocChannel(TENANT, SOC.channelId, OUTSIDER),
      'NOT_PERMITTED',
      /admins/,
    );
    await rejects(
      directory.addContact(TENANT, MEGAN, {}, { userId: '' }),
      'NOT_PERMITTED',
      /admins/,
    );
    assert.deepEqual(ids(directory.get(TENANT)!.contacts.primary), [PAT.userId]);
    assert.deepEqual(await store.list(TENANT_AUDIT), []);
    assert.deepEqual(await store.list(TENANT_OVERRIDES), []);
  });

  it('rejects ids that are not Entra object ids, and tenants that are not onboarded', async () => {
    const { open } = setup();
    const directory = await open();
    await rejects(
      directory.addContact(TENANT, { userId: '29:1abc' }, {}, ADMIN),
      'INVALID_INPUT',
      /not an Entra object id/,
    );
    await rejects(
      directory.addContact('11111111-1111-4111-8111-111111111111', MEGAN, {}, ADMIN),
      'NOT_FOUND',
      /not onboarded/,
    );
  });

  it('changes nothing and audits nothing when the contact is already there', async () => {
    const { open } = setup();
    const directory = await open();
    const result = await directory.addContact(
      TENANT,
      { userId: PAT.userId.toUpperCase() },
      {},
      ADMIN,
    );
    assert.equal(result.changed, false);
    assert.equal(result.audit, undefined);
    assert.deepEqual(await directory.auditTrail(TENANT), []);
  });

  it('moves a primary contact to the secondary list, and removes from whichever list', async () => {
    const { open, tick } = setup();
    const directory = await open();
    const moved = await directory.addContact(
      TENANT,
      { userId: PAT.userId },
      { secondary: true },
      ADMIN,
    );
    assert.equal(moved.audit?.action, 'contactMoved');
    assert.equal(moved.audit?.detail, 'primary → secondary');
    assert.equal(moved.audit?.subjectName, 'Pat Primary', 'the known name is kept');
    assert.deepEqual(ids(directory.get(TENANT)!.contacts.primary), []);
    assert.deepEqual(directory.get(TENANT)!.contacts.secondary, [PAT]);

    tick();
    const removed = await directory.removeContact(TENANT, PAT.userId.toUpperCase(), ADMIN);
    assert.equal(removed.changed, true);
    assert.equal(removed.audit?.detail, 'secondary');
    assert.deepEqual(directory.get(TENANT)!.contacts, { primary: [], secondary: [] });
    const absent = await directory.removeContact(TENANT, MEGAN.userId, ADMIN);
    assert.equal(absent.changed, false);
    assert.deepEqual(
      (await directory.auditTrail(TENANT)).map((r) => r.action),
      ['contactMoved', 'contactRemoved'],
    );
  });

  it('keeps runtime changes across a restart on the same store', async () => {
    const { open, tick } = setup();
    const first = await open();
    await first.addContact(TENANT, SAM, { secondary: true }, ADMIN);
    tick();
    await first.removeContact(TENANT, PAT.userId, ADMIN);
    tick();
    await first.addSocChannel(
      TENANT,
      { channelId: '19:night@thread.tacv2', name: 'Night shift' },
      ADMIN,
    );

    const second = await open();
    const tenant = second.get(TENANT)!;
    assert.deepEqual(tenant.contacts, { primary: [], secondary: [SAM] });
    assert.deepEqual(
      tenant.socChannels.map((c) => c.channelId),
      [SOC.channelId, '19:night@thread.tacv2'],
    );
    assert.equal((await second.auditTrail(TENANT)).length, 3);
  });

  it('still shows later edits of the tenant configuration that admins did not override', async () => {
    const { open } = setup();
    const first = await open();
    await first.removeContact(TENANT, PAT.userId, ADMIN);
    // The operator adds Megan in the tenants file and restarts.
    const reconfigured = contoso({ contacts: { primary: [PAT, MEGAN], secondary: [] } });
    const second = await open([reconfigured]);
    assert.deepEqual(second.get(TENANT)!.contacts.primary, [MEGAN]);
    // Re-adding a configured contact just lifts the removal.
    await second.addContact(TENANT, { userId: PAT.userId }, {}, ADMIN);
    assert.deepEqual(second.get(TENANT)!.contacts.primary, [PAT, MEGAN]);
  });

  it('adds a SOC channel from a thread id once, and removes it', async () => {
    const { open } = setup([contoso({ socChannels: [] })]);
    const directory = await open();
    const added = await directory.addSocChannel(
      TENANT,
      { channelId: '19:soc@thread.tacv2;messageid=1700000000000', name: 'Contoso SOC › Alerts' },
      ADMIN,
    );
    assert.equal(added.changed, true);
    assert.deepEqual(directory.get(TENANT)!.socChannels, [
      { channelId: '19:soc@thread.tacv2', name: 'Contoso SOC › Alerts' },
    ]);
    assert.equal(
      (await directory.addSocChannel(TENANT, { channelId: '19:soc@thread.tacv2' }, ADMIN)).changed,
      false,
    );
    const removed = await directory.removeSocChannel(TENANT, '19:soc@thread.tacv2', ADMIN);
    assert.equal(removed.audit?.action, 'socChannelRemoved');
    assert.equal(removed.audit?.subjectName, 'Contoso SOC › Alerts');
    assert.deepEqual(directory.get(TENANT)!.socChannels, []);
  });

  it('does not lose a change made meanwhile by another instance (compare-and-set)', async () => {
    const { open } = setup();
    const a = await open();
    const b = await open();
    await a.addContact(TENANT, MEGAN, {}, ADMIN);
    await b.addContact(TENANT, SAM, { secondary: true }, ADMIN); // b's cache is stale
    assert.deepEqual(ids(b.get(TENANT)!.contacts.primary), [PAT.userId, MEGAN.userId]);
    assert.deepEqual(ids(b.get(TENANT)!.contacts.secondary), [SAM.userId]);
    await a.refresh();
    assert.deepEqual(a.get(TENANT)!.contacts, b.get(TENANT)!.contacts);
  });

  it('plans again when another admin wins the race between its read and its write', async () => {
    const store = new RacingStore();
    const { open } = setup([contoso()], store);
    const a = await open();
    const b = await open();
    store.beforeNextBatch = () => b.addContact(TENANT, SAM, {}, ADMIN);
    const result = await a.addContact(TENANT, MEGAN, {}, ADMIN);
    assert.equal(result.changed, true);
    assert.deepEqual(ids(a.get(TENANT)!.contacts.primary), [PAT.userId, SAM.userId, MEGAN.userId]);
    assert.deepEqual(
      (await a.auditTrail(TENANT)).map((r) => r.subject),
      [SAM.userId, MEGAN.userId],
    );
  });

  it('falls back to the configuration when the stored changes cannot be read', async () => {
    const { open, store, warnings } = setup();
    await store.put(TENANT_OVERRIDES, TENANT, { tenantId: 42 });
    const directory = await open();
    assert.deepEqual(directory.get(TENANT)!.contacts.primary, [PAT]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /unreadable/);
  });
});
