// The demo data's promises, checked on the data itself: ids that other files (the Teams manifest,
// the Playground's mock users, the demo tenants file, the managed responses) must share, and
// the facts each demo contact and device stands for.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  CONTOSO_GRANTED_ROLES,
  DEMO_DEVICE_IDS,
  DEMO_DIRECTORY,
  DEMO_TENANT_ID,
  demoTenants,
  FABRIKAM_GRANTED_ROLES,
  FABRIKAM_TENANT_ID,
  TEAMS_APP_MANIFEST_ID,
} from '../../src/emulator/demo-data.ts';
import { demoManagedResponses } from '../../src/emulator/demo-managed-responses.ts';
import { tenantSeedSchema } from '../../src/emulator/seed-schema.ts';

const now = new Date('2025-03-10T09:00:00Z');
const seeds = demoTenants(now).map((t) => tenantSeedSchema.parse(t));
const contoso = seeds.find((t) => t.tenantId === DEMO_TENANT_ID)!;
const fabrikam = seeds.find((t) => t.tenantId === FABRIKAM_TENANT_ID)!;
const userOf = (tenant: typeof contoso, id: string) => {
  const user = tenant.users.find((u) => u.id === id);
  assert.ok(user, `user ${id}`);
  return user;
};

describe('emulator: demo data', () => {
  const C = DEMO_DIRECTORY.contoso;

  it("uses the Teams manifest's id as our app's externalId in both catalogs", async () => {
    const manifest = JSON.parse(await readFile('manifest/manifest.template.json', 'utf8')) as {
      id: string;
    };
    assert.equal(TEAMS_APP_MANIFEST_ID, manifest.id);
    for (const [tenant, catalogId] of [
      [contoso, C.teamsApp.catalogId],
      [fabrikam, DEMO_DIRECTORY.fabrikam.teamsApp.catalogId],
    ] as const) {
      const app = tenant.teamsApps.find((a) => a.id === catalogId);
      assert.equal(app?.externalId, TEAMS_APP_MANIFEST_ID);
      assert.equal(app?.inCatalog, true);
      assert.notEqual(app?.id, TEAMS_APP_MANIFEST_ID);
    }
  });

  it("matches the Agents Playground's mock users and the demo tenants file", async () => {
    const playground = await readFile('scripts/playground/customer.yml', 'utf8');
    for (const user of contoso.users.filter((u) => u.mail?.endsWith('@contoso.example'))) {
      if (user.id === C.serviceMailbox.userId) continue;
      assert.match(playground, new RegExp(`name: ${user.displayName}\\n`), user.displayName);
      assert.match(playground, new RegExp(`aadObjectId: ${user.id}`), user.displayName);
    }
    const file = JSON.parse(await readFile('src/emulator/demo-tenants.json', 'utf8')) as {
      tenants: { tenantId: string; contacts: Record<string, { userId: string }[]> }[];
    };
    const contacts = file.tenants.find((t) => t.tenantId === DEMO_TENANT_ID)!.contacts;
    const listed = [...(contacts.primary ?? []), ...(contacts.secondary ?? [])].map(
      (c) => c.userId,
    );
    // The two contacts who never opened the app are listed: one reached by proactive install,
    // one only by email. Every other contact has the app.
    const unreached: string[] = [C.contacts.neverOpenedApp.userId, C.contacts.emailOnly.userId];
    for (const id of unreached) assert.ok(listed.includes(id), id);
    for (const id of listed.filter((l) => !unreached.includes(l))) {
      const user = userOf(contoso, id);
      assert.ok(user.installedTeamsApps.includes(C.teamsApp.catalogId), user.displayName);
    }
  });

  it('has a contact reachable only by proactive install and one reachable only by email', () => {
    const never = userOf(contoso, C.contacts.neverOpenedApp.userId);
    assert.equal(never.installedTeamsApps.includes(C.teamsApp.catalogId), false);
    assert.equal(never.teamsLicensed, true);
    assert.equal(never.appInstallBlockedByPolicy, false);
    assert.ok(CONTOSO_GRANTED_ROLES.includes('TeamsAppInstallation.ReadWriteSelfForUser.All'));
    assert.ok(CONTOSO_GRANTED_ROLES.includes('AppCatalog.Read.All'));
    const emailOnly = userOf(contoso, C.contacts.emailOnly.userId);
    assert.equal(emailOnly.appInstallBlockedByPolicy, true);
    assert.equal(emailOnly.mail, C.contacts.emailOnly.mail);
    assert.equal(emailOnly.mailboxEnabled, true);
    const sender = userOf(contoso, C.serviceMailbox.userId);
    assert.equal(sender.mail, C.serviceMailbox.mail);
    assert.ok(CONTOSO_GRANTED_ROLES.includes('Mail.Send'));
  });

  it("leaves TeamsAppInstallation.ReadWriteSelfForUser.All out of Fabrikam's grants only", () => {
    assert.deepEqual(contoso.grantedRoles, CONTOSO_GRANTED_ROLES);
    assert.deepEqual(fabrikam.grantedRoles, FABRIKAM_GRANTED_ROLES);
    assert.deepEqual(
      CONTOSO_GRANTED_ROLES.filter((r) => !FABRIKAM_GRANTED_ROLES.includes(r)),
      ['TeamsAppInstallation.ReadWriteSelfForUser.All'],
    );
  });

  it('gives every device the managed responses and incidents name a machine', () => {
    const machineIds = new Set(contoso.devices.map((d) => d.id));
    for (const response of demoManagedResponses(now)) {
      for (const action of response.actions) {
        if ('target' in action && action.target.kind !== 'none') {
          assert.ok(machineIds.has(action.target.deviceId), action.title);
        }
      }
    }
    for (const incident of contoso.incidents) {
      for (const alert of incident.alerts) {
        for (const evidence of (alert as { evidence?: { mdeDeviceId?: string }[] }).evidence ??
          []) {
          if (evidence.mdeDeviceId) assert.ok(machineIds.has(evidence.mdeDeviceId), incident.id);
        }
      }
    }
    assert.equal(new Set(Object.values(DEMO_DEVICE_IDS)).size, Object.keys(DEMO_DEVICE_IDS).length);
    assert.ok(Object.values(DEMO_DEVICE_IDS).every((id) => /^[0-9a-f]{40}$/.test(id)));
  });
});
