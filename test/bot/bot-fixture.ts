// Drives the real bot, as buildApp assembles it, through botbuilder's TestAdapter with a memory
// store and a Defender that is never called.
import { TestAdapter, type Activity } from 'botbuilder';
import { buildApp, type AppDeps } from '../../src/app/build-app.ts';
import type { Command } from '../../src/app/feature.ts';
import { loadConfig } from '../../src/config.ts';
import type { CustomerTenant } from '../../src/domain/tenant.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { FakeMessenger } from '../delivery/fake-messenger.ts';
import { fakeDefender } from '../fakes/fake-defender.ts';
import { MemoryStore } from '../fakes/memory-store.ts';

export const TENANT = '7d1c5f54-2b7e-4c35-9a51-0c5b8f3e2a10';
export const USER_AAD = '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c';

export const CONTOSO: CustomerTenant = {
  tenantId: TENANT,
  name: 'Contoso',
  expertsAccess: 'reader',
  roles: { operators: [], readers: [] },
  contacts: { primary: [], secondary: [] },
  admins: [],
  socChannels: [],
};

export async function botFixture(
  extraCommands: Command[] = [],
  options: {
    tenants?: CustomerTenant[];
    tenantAdmin?: AppDeps['tenantAdmin'];
    /** Environment for loadConfig (e.g. smaller budgets). */
    env?: Record<string, string>;
  } = {},
) {
  const store = new MemoryStore();
  const app = await buildApp(loadConfig(options.env ?? {}), store, {
    logger: silentLogger,
    defender: fakeDefender(options.tenants ?? [CONTOSO]),
    clock: () => new Date('2026-11-29T10:00:00Z'),
    messenger: new FakeMessenger(),
    extraFeatures: extraCommands.length > 0 ? [{ name: 'test', commands: extraCommands }] : [],
    ...(options.tenantAdmin ? { tenantAdmin: options.tenantAdmin } : {}),
  });
  const adapter = new TestAdapter(async (context) => {
    await app.bot.run(context);
  });
  return { adapter, conversations: app.conversations, store, bot: app.bot, app };
}

export function personal(overrides: Partial<Activity> = {}): Partial<Activity> {
  return {
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/teams/',
    conversation: { id: 'a:personal-1', conversationType: 'personal', isGroup: false, name: '' },
    from: { id: '29:alex', name: 'Alex Wilber', aadObjectId: USER_AAD },
    recipient: { id: '28:bot', name: 'Managed Response' },
    channelData: { tenant: { id: TENANT } },
    ...overrides,
  };
}
export function channel(overrides: Partial<Activity> = {}): Partial<Activity> {
  return personal({
    conversation: {
      id: '19:soc@thread.tacv2;messageid=1700000000000',
      conversationType: 'channel',
      isGroup: true,
      name: '',
    },
    channelData: {
      tenant: { id: TENANT },
      team: { id: '19:team@thread.tacv2', name: 'Contoso SOC' },
      channel: { id: '19:soc@thread.tacv2' },
    },
    ...overrides,
  });
}

/** The first Adaptive Card of an activity, as JSON text (for assertions on its content). */
export function cardText(activity: Partial<Activity> | undefined): string {
  const card = activity?.attachments?.find(
    (a) => a.contentType === 'application/vnd.microsoft.card.adaptive',
  );
  if (!card) throw new Error(`no Adaptive Card in ${JSON.stringify(activity)}`);
  return JSON.stringify(card.content);
}
