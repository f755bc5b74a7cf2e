import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import yauzl from 'yauzl';
import { demoBotId, packageApp } from '../../manifest/package-app.ts';
import { testBotDomain, testBotId } from './manifest-fixture.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Reads every entry of a zip into memory (the package is a few KB). */
async function readZip(file: string): Promise<Map<string, Buffer>> {
  const zip = await promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open)(file, {
    lazyEntries: true,
  });
  const entries = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

describe('packageApp', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'managed-response-package-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a zip with exactly manifest.json, color.png and outline.png at its root', async () => {
    const outFile = join(dir, 'nested', 'app.zip');
    const written = await packageApp({ botId: testBotId, botDomain: testBotDomain, outFile });
    assert.equal(written, outFile);
    const entries = await readZip(written);
    assert.deepEqual([...entries.keys()].sort(), ['color.png', 'manifest.json', 'outline.png']);

    const manifestText = entries.get('manifest.json')!.toString('utf8');
    assert.doesNotMatch(manifestText, /\{\{/);
    const manifest = JSON.parse(manifestText);
    assert.equal(manifest.bots[0].botId, testBotId);
    assert.equal(manifest.webApplicationInfo.id, testBotId);
    assert.ok(manifest.validDomains.includes(testBotDomain));
    for (const icon of ['color.png', 'outline.png']) {
      const original = await readFile(new URL(`../../manifest/${icon}`, import.meta.url));
      assert.ok(entries.get(icon)!.equals(original), `${icon} is packaged unchanged`);
    }
  });

  it('produces the same bytes for the same inputs', async () => {
    const options = { botId: testBotId, botDomain: testBotDomain };
    const first = await packageApp({ ...options, outFile: join(dir, 'a.zip') });
    const second = await packageApp({ ...options, outFile: join(dir, 'b.zip') });
    assert.ok((await readFile(first)).equals(await readFile(second)));
  });

  it('refuses a bot id that is not a GUID or a domain with a scheme, and writes nothing', async () => {
    const outFile = join(dir, 'app.zip');
    await assert.rejects(packageApp({ botId: 'my-bot', botDomain: testBotDomain, outFile }), {
      message: /MicrosoftAppId.*GUID/,
    });
    await assert.rejects(
      packageApp({ botId: testBotId, botDomain: 'https://bot.contoso.example/api', outFile }),
      { message: /BOT_DOMAIN.*host name/ },
    );
    assert.deepEqual(await readdir(dir), []);
  });
});

describe('npm run package (scripts/package-app.ts)', () => {
  it('falls back to the demo bot id with a warning when MicrosoftAppId is empty', async function () {
    this.timeout(60_000); // a child process that loads tsx and compiles the schema: slow on CI
    const dir = await mkdtemp(join(tmpdir(), 'managed-response-cli-'));
    try {
      const outFile = join(dir, 'app.zip');
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'scripts/package-app.ts', '--out', outFile],
        { cwd: repoRoot, env: { ...process.env, MicrosoftAppId: '', BOT_DOMAIN: '' } },
      );
      assert.equal(stdout.trim(), outFile);
      assert.match(stderr, /warning: MicrosoftAppId is not set.*demo bot id/);
      const manifest = JSON.parse((await readZip(outFile)).get('manifest.json')!.toString('utf8'));
      assert.equal(manifest.bots[0].botId, demoBotId);
      assert.deepEqual(manifest.validDomains, ['localhost']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
