// The proactive-install Graph client over real HTTPS against the emulator: every documented
// answer of "install your app for users" (installed, already installed / 409, 404 not in the
// catalog, 403 permission missing, 403 app policy) becomes its outcome, and the chat id is real.
import assert from 'node:assert/strict';
import { DefenderClientFactory } from '../../src/defender/defender-client-factory.ts';
import { parseTenantsConfig } from '../../src/defender/tenant-config.ts';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_DIRECTORY,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_ID,
  FABRIKAM_CLIENT_SECRET,
  FABRIKAM_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import type { RunningEmulator } from '../../src/emulator/emulator.ts';
import { startTestEmulator } from '../emulator/emulator-harness.ts';

const C = DEMO_DIRECTORY.contoso;
const ISAIAH = C.contacts.neverOpenedApp.userId;
const PATTI = C.contacts.emailOnly.userId;

describe('GraphTeamsAppsClient against the emulator', function () {
  this.timeout(20_000);
  let emulator: RunningEmulator;
  let factory: DefenderClientFactory;

  beforeEach(async () => {
    emulator = await startTestEmulator({ port: 0 });
    const tenants = parseTenantsConfig(
      [
        {
          tenantId: DEMO_TENANT_ID,
          name: 'Contoso',
          defender: {
            credential: { kind: 'clientSecret', clientId: DEMO_CLIENT_ID, secretEnv: 'C' },
          },
        },
        {
          tenantId: FABRIKAM_TENANT_ID,
          name: 'Fabrikam',
          defender: {
            credential: { kind: 'clientSecret', clientId: FABRIKAM_CLIENT_ID, secretEnv: 'F' },
          },
        },
      ],
      { source: 'tenants.json' },
    );
    factory = new DefenderClientFactory(tenants, {
      graphBaseUrl: emulator.graphBaseUrl,
      mdeBaseUrl: emulator.mdeBaseUrl,
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
      env: { C: DEMO_CLIENT_SECRET, F: FABRIKAM_CLIENT_SECRET },
      retry: { retries: 1, minTimeoutMs: 5, maxTimeoutMs: 20, requestTimeoutMs: 3_000 },
    });
  });
  afterEach(() => emulator.close());

  const installsOf = (userId: string) =>
    emulator.control
      .listInstallations(DEMO_TENANT_ID, userId)
      .filter((i) => i.teamsAppId === C.teamsApp.catalogId);

  it('installs the app for a contact who never opened it, then reads their 1:1 chat', async () => {
    const client = factory.forTenant(DEMO_TENANT_ID).teamsApps;
    const first = await client.ensureInstalled(ISAIAH);
    assert.equal(first.kind, 'installed');
    assert.ok('chatId' in first);
    assert.match(first.chatId, /^19:.+@unq\.gbl\.spaces$/);
    assert.equal(installsOf(ISAIAH).length, 1);

    const again = await client.ensureInstalled(ISAIAH);
    assert.deepEqual(again, { kind: 'alreadyInstalled', chatId: first.chatId });
    assert.equal(installsOf(ISAIAH).length, 1, 'never installed twice');
  });

  it('403 app permission policy: blockedByPolicy, nothing installed', async () => {
    const outcome = await factory.forTenant(DEMO_TENANT_ID).teamsApps.ensureInstalled(PATTI);
    assert.equal(outcome.kind, 'blockedByPolicy');
    assert.equal(installsOf(PATTI).length, 0);
  });

  it('403 missing role (Fabrikam withholds it): permissionMissing names what to grant', async () => {
    const fabrikamUser = DEMO_DIRECTORY.fabrikam.contact.userId;
    const outcome = await factory
      .forTenant(FABRIKAM_TENANT_ID)
      .teamsApps.ensureInstalled(fabrikamUser);
    assert.equal(outcome.kind, 'permissionMissing');
    assert.ok('permission' in outcome);
    assert.equal(outcome.permission, 'TeamsAppInstallation.ReadWriteSelfForUser.All');
  });

  it('404: an app the catalog does not hold is notInCatalog', async () => {
    emulator.control.setInCatalog(DEMO_TENANT_ID, C.teamsApp.catalogId, false);
    const outcome = await factory.forTenant(DEMO_TENANT_ID).teamsApps.ensureInstalled(ISAIAH);
    assert.equal(outcome.kind, 'notInCatalog');
    assert.equal(installsOf(ISAIAH).length, 0);
  });
});
