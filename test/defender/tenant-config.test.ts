import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  TenantConfigError,
  loadTenantsFile,
  parseTenantsConfig,
} from '../../src/defender/tenant-config.ts';

const CONTOSO = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
const FABRIKAM = '0b7e4d2c-9a81-4c3f-b6d5-7e8f9a0b1c2d';
const APP = 'c0a1b2c3-d4e5-4f60-8a71-9b2c3d4e5f60';

function contoso(overrides: Record<string, unknown> = {}) {
  return {
    tenantId: CONTOSO,
    name: 'Contoso',
    expertsAccess: 'reader',
    roles: { operators: ['op-group'], readers: [] },
    contacts: { primary: [{ userId: 'u1', name: 'Ann' }], secondary: [] },
    admins: ['u1'],
    socChannels: [{ teamId: 't1', channelId: '19:abc@thread.tacv2', name: 'SOC' }],
    defender: { credential: { kind: 'clientSecret', clientId: APP, secretEnv: 'CONTOSO_SECRET' } },
    ...overrides,
  };
}

function fabrikam(credential: Record<string, unknown>) {
  return { tenantId: FABRIKAM, name: 'Fabrikam', defender: { credential } };
}

function issuesOf(raw: unknown): string[] {
  try {
    parseTenantsConfig(raw, { source: 'tenants.json' });
  } catch (error) {
    assert.ok(error instanceof TenantConfigError);
    return error.issues;
  }
  assert.fail('expected a TenantConfigError');
}

describe('tenants file', () => {
  it('parses tenants into the domain CustomerTenant plus the credential, with defaults', () => {
    const [first, second] = parseTenantsConfig(
      { tenants: [contoso(), fabrikam({ kind: 'managedIdentity' })] },
      { source: 'tenants.json' },
    );
    assert.deepEqual(first, {
      tenant: {
        tenantId: CONTOSO,
        name: 'Contoso',
        expertsAccess: 'reader',
        roles: { operators: ['op-group'], readers: [] },
        contacts: { primary: [{ userId: 'u1', name: 'Ann' }], secondary: [] },
        admins: ['u1'],
        socChannels: [{ teamId: 't1', channelId: '19:abc@thread.tacv2', name: 'SOC' }],
      },
      defender: {
        credential: { kind: 'clientSecret', clientId: APP, secretEnv: 'CONTOSO_SECRET' },
      },
    });
    assert.deepEqual(second, {
      tenant: {
        tenantId: FABRIKAM,
        name: 'Fabrikam',
        expertsAccess: 'reader',
        roles: { operators: [], readers: [] },
        contacts: { primary: [], secondary: [] },
        admins: [],
        socChannels: [],
      },
      defender: { credential: { kind: 'managedIdentity' } },
    });
  });

  it('accepts a bare array and every credential kind', () => {
    const parsed = parseTenantsConfig(
      [
        contoso(),
        fabrikam({ kind: 'clientCertificate', clientId: APP, certificatePath: '/etc/bot/f.pem' }),
        {
          ...fabrikam({ kind: 'default' }),
          tenantId: '11111111-2222-4333-8444-555555555555',
          name: 'Northwind',
        },
        {
          ...fabrikam({ kind: 'managedIdentity', clientId: APP }),
          tenantId: '21111111-2222-4333-8444-555555555555',
          name: 'Tailspin',
        },
      ],
      { source: 'tenants.json' },
    );
    assert.deepEqual(
      parsed.map((t) => t.defender.credential.kind),
      ['clientSecret', 'clientCertificate', 'default', 'managedIdentity'],
    );
  });

  it('names the tenant (index and name) and the field of a missing value', () => {
    const issues = issuesOf([contoso(), fabrikam({ kind: 'clientSecret', clientId: APP })]);
    assert.deepEqual(issues, [
      'tenants.json: tenant #2 "Fabrikam": defender.credential.secretEnv: Required',
    ]);
  });

  it('names nested fields with array indexes and the tenant id when the name is missing', () => {
    const entry = contoso({
      name: undefined,
      contacts: { primary: [{ name: 'x' }], secondary: [] },
    });
    const issues = issuesOf([entry]);
    assert.deepEqual(issues, [
      `tenants.json: tenant #1 (${CONTOSO}): name: Required`,
      `tenants.json: tenant #1 (${CONTOSO}): contacts.primary[0].userId: Required`,
    ]);
  });

  for (const key of ['clientSecret', 'secret', 'password']) {
    it(`rejects a "${key}" field and says to use secretEnv`, () => {
      const issues = issuesOf([
        contoso({
          defender: { credential: { kind: 'clientSecret', clientId: APP, [key]: 'hunter2' } },
        }),
      ]);
      assert.equal(issues.length, 1);
      assert.match(issues[0]!, new RegExp(`tenant #1 "Contoso": defender\\.credential\\.${key}:`));
      assert.match(issues[0]!, /secretEnv/);
      assert.doesNotMatch(issues[0]!, /hunter2/);
    });
  }

  it("takes the tenant's IANA time zone for reports, and names a bad one", () => {
    const [parsed] = parseTenantsConfig([contoso({ timeZone: 'Europe/Paris' })], {
      source: 'tenants.json',
    });
    assert.equal(parsed?.tenant.timeZone, 'Europe/Paris');
    assert.deepEqual(issuesOf([contoso({ timeZone: 'Mars/Olympus' })]), [
      'tenants.json: tenant #1 "Contoso": timeZone: must be an IANA time zone, such as "Europe/Paris" or "UTC"',
    ]);
  });

  it('takes an opt-in weekly report day and hour, and names a bad one', () => {
    const [parsed] = parseTenantsConfig([contoso({ weeklyReport: { day: 'monday', hour: 9 } })], {
      source: 'tenants.json',
    });
    assert.deepEqual(parsed?.tenant.weeklyReport, { day: 'monday', hour: 9 });
    const issues = issuesOf([contoso({ weeklyReport: { day: 'funday', hour: 24 } })]);
    assert.equal(issues.length, 2);
    assert.match(issues[0] ?? '', /^tenants.json: tenant #1 "Contoso": weeklyReport.day: /);
    assert.match(issues[1] ?? '', /^tenants.json: tenant #1 "Contoso": weeklyReport.hour: /);
  });

  it('takes a still-contained period in hours per tenant, and names a bad one', () => {
    const [parsed] = parseTenantsConfig([contoso({ containmentReminderHours: 12 })], {
      source: 'tenants.json',
    });
    assert.equal(parsed?.tenant.containmentReminderHours, 12);
    const issues = issuesOf([contoso({ containmentReminderHours: 1000 })]);
    assert.equal(issues.length, 1);
    assert.match(issues[0] ?? '', /^tenants.json: tenant #1 "Contoso": containmentReminderHours: /);
  });

  it('rejects duplicate tenant ids, whatever their case', () => {
    const issues = issuesOf([
      contoso(),
      contoso({ name: 'Contoso again', tenantId: CONTOSO.toUpperCase() }),
    ]);
    assert.deepEqual(issues, [
      'tenants.json: tenant #2 "Contoso again": tenantId: duplicate of tenant #1 "Contoso"',
    ]);
  });

  it('rejects an unknown credential kind, a bad GUID or env name, unknown and missing fields', () => {
    const issues = issuesOf([
      contoso({ defender: { credential: { kind: 'password' } } }),
      contoso({
        tenantId: 'contoso.onmicrosoft.com',
        name: 'Bad id',
        defender: { credential: { kind: 'clientSecret', clientId: APP, secretEnv: '1-bad' } },
      }),
      contoso({ tenantId: FABRIKAM, name: 'Typo', expertAccess: 'operator' }),
      { name: 'Empty', defender: {} },
    ]);
    assert.deepEqual(issues, [
      'tenants.json: tenant #1 "Contoso": defender.credential.kind: kind must be one of "clientSecret", "clientCertificate", "managedIdentity", "default"',
      'tenants.json: tenant #2 "Bad id": tenantId: must be a GUID',
      'tenants.json: tenant #2 "Bad id": defender.credential.secretEnv: must be an environment variable name, e.g. CONTOSO_SECRET',
      'tenants.json: tenant #3 "Typo": expertAccess: unknown field',
      'tenants.json: tenant #4 "Empty": tenantId: Required',
      'tenants.json: tenant #4 "Empty": defender.credential: Required',
    ]);
  });

  it('rejects a file that is not a list of tenants', () => {
    assert.deepEqual(issuesOf({ customers: [] }), [
      'tenants.json: expected an array of tenants or {"tenants": [...]}',
    ]);
  });

  describe('loadTenantsFile', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'tenants-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('reads the file and resolves a relative certificate path against its folder', async () => {
      const file = path.join(dir, 'tenants.json');
      await writeFile(
        file,
        JSON.stringify({
          tenants: [
            fabrikam({ kind: 'clientCertificate', clientId: APP, certificatePath: 'certs/f.pem' }),
          ],
        }),
      );
      const [tenant] = await loadTenantsFile(file);
      assert.deepEqual(tenant!.defender.credential, {
        kind: 'clientCertificate',
        clientId: APP,
        certificatePath: path.join(dir, 'certs/f.pem'),
      });
    });

    it('reports unreadable files and invalid JSON with the file name', async () => {
      await assert.rejects(
        loadTenantsFile(path.join(dir, 'missing.json')),
        /missing\.json: cannot read .*ENOENT/,
      );
      const file = path.join(dir, 'broken.json');
      await writeFile(file, '{ "tenants": [');
      await assert.rejects(loadTenantsFile(file), /broken\.json: not valid JSON/);
    });
  });
});

describe('tenants file: proactiveInstall (opt-in)', () => {
  it('is absent unless the tenant opts in, and must be a boolean', () => {
    const [plain] = parseTenantsConfig([contoso()], { source: 'tenants.json' });
    assert.equal(plain!.tenant.proactiveInstall, undefined);
    const [opted] = parseTenantsConfig([contoso({ proactiveInstall: true })], {
      source: 'tenants.json',
    });
    assert.equal(opted!.tenant.proactiveInstall, true);
    assert.deepEqual(issuesOf([contoso({ proactiveInstall: 'yes' })]), [
      'tenants.json: tenant #1 "Contoso": proactiveInstall: Invalid input: expected boolean, received string',
    ]);
  });
});

describe('tenants file: highValueTags', () => {
  it('is absent by default, trims each tag and refuses empty ones', () => {
    const [plain] = parseTenantsConfig([contoso()], { source: 'tenants.json' });
    assert.equal(plain!.tenant.highValueTags, undefined);
    const [tagged] = parseTenantsConfig([contoso({ highValueTags: [' HighValue', 'Tier 0'] })], {
      source: 'tenants.json',
    });
    assert.deepEqual(tagged!.tenant.highValueTags, ['HighValue', 'Tier 0']);
    assert.deepEqual(issuesOf([contoso({ highValueTags: ['  '] })]), [
      'tenants.json: tenant #1 "Contoso": highValueTags[0]: Too small: expected string to have >=1 characters',
    ]);
  });
});
