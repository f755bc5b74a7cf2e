import assert from 'node:assert/strict';
import { fillManifest } from '../../manifest/fill-manifest.ts';
import { manifestSchemaUrl, validateManifest } from '../../manifest/validate-manifest.ts';
import {
  filledManifest,
  readManifestTemplate,
  testBotDomain,
  testBotId,
} from './manifest-fixture.ts';

describe('Teams app manifest', () => {
  it('validates against the official schema bundled in @microsoft/app-manifest', async () => {
    assert.deepEqual(await validateManifest(await filledManifest()), []);
  });

  it('uses manifest v1.19 or newer with the standard $schema URL', async () => {
    const manifest = await filledManifest();
    const [major, minor] = String(manifest.manifestVersion).split('.').map(Number);
    assert.ok(
      major! > 1 || (major === 1 && minor! >= 19),
      `manifestVersion ${manifest.manifestVersion}`,
    );
    assert.equal(manifest.$schema, manifestSchemaUrl(manifest.manifestVersion));
  });

  it('describes the bot: scopes, no files, command lists for personal and team scopes', async () => {
    const manifest = await filledManifest();
    assert.equal(manifest.name.short, 'Managed Response');
    const [bot] = manifest.bots;
    assert.equal(bot.botId, testBotId);
    assert.deepEqual([...bot.scopes].sort(), ['groupChat', 'personal', 'team']);
    assert.equal(bot.supportsFiles, false);
    const scopes = bot.commandLists.flatMap((list: { scopes: string[] }) => list.scopes);
    assert.ok(scopes.includes('personal') && scopes.includes('team'));
    const lists = bot.commandLists as { scopes: string[]; commands: { title: string }[] }[];
    const titles = (scope: string): string[] =>
      lists.find((list) => list.scopes.includes(scope))?.commands.map((c) => c.title) ?? [];
    assert.deepEqual(titles('personal'), [
      'help',
      'awaiting',
      'report',
      'contacts',
      'highvalue',
      'history',
      'chat',
    ]);
    // Channel-only commands: SOC channel management and the experts' comments.
    assert.deepEqual(titles('team'), [
      'help',
      'awaiting',
      'report',
      'contacts',
      'highvalue',
      'history',
      'chat',
      'soc',
      'comment',
    ]);
  });

  it('fills the bot id and domain everywhere and leaves no placeholder', async () => {
    const manifest = await filledManifest();
    assert.equal(manifest.webApplicationInfo.id, testBotId);
    assert.ok(manifest.validDomains.includes(testBotDomain));
    assert.doesNotMatch(JSON.stringify(manifest), /\{\{/);
    assert.match(
      JSON.stringify(await readManifestTemplate()),
      /\{\{BOT_ID\}\}.*\{\{BOT_DOMAIN\}\}/s,
    );
  });

  it('keeps developer links on https placeholders of example.com', async () => {
    const { developer } = await filledManifest();
    for (const url of [developer.websiteUrl, developer.privacyUrl, developer.termsOfUseUrl]) {
      assert.match(url, /^https:\/\/[a-z.]*example\.com(\/|$)/);
    }
  });

  it('refuses a template placeholder that has no value', () => {
    assert.throws(
      () => fillManifest({ a: ['x {{TENANT}}'] }, { BOT_ID: 'id', BOT_DOMAIN: 'd' }),
      /\{\{TENANT\}\} has no value/,
    );
  });
});

describe('validateManifest', () => {
  it('reports a command title longer than Teams allows', async () => {
    const manifest = await filledManifest();
    manifest.bots[0].commandLists[0].commands[0].title = 'x'.repeat(33);
    const problems = await validateManifest(manifest);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(
      problems[0]!,
      /^\/bots\/0\/commandLists\/0\/commands\/0\/title must NOT have more than 32/,
    );
  });

  it('reports a missing required property', async () => {
    const manifest = await filledManifest();
    delete manifest.developer;
    assert.match((await validateManifest(manifest)).join('\n'), /required property 'developer'/);
  });

  it('reports an unfilled bot id', async () => {
    const problems = await validateManifest(await readManifestTemplate());
    assert.match(problems.join('\n'), /\/bots\/0\/botId must match pattern/);
  });

  it('reports a $schema that does not match manifestVersion', async () => {
    const manifest = await filledManifest();
    manifest.$schema = manifestSchemaUrl('1.17');
    assert.deepEqual(await validateManifest(manifest), [
      `/$schema must be ${manifestSchemaUrl(manifest.manifestVersion)} for manifestVersion ${manifest.manifestVersion}`,
    ]);
  });

  it('reports a manifest version without a bundled schema instead of going online', async () => {
    const manifest = { ...(await filledManifest()), manifestVersion: '1.18' };
    manifest.$schema = manifestSchemaUrl('1.18');
    assert.deepEqual(await validateManifest(manifest), [
      '/manifestVersion 1.18 has no schema in @microsoft/app-manifest',
    ]);
  });

  it('reports input that is not a manifest at all', async () => {
    assert.match((await validateManifest('manifest')).join('\n'), /expected object/);
  });
});
