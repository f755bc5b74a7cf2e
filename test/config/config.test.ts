import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('gives the embedded defaults with no environment', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3978);
    assert.equal(config.dataDir, './data');
    assert.equal(config.emulator.enabled, true);
    assert.equal(config.defender.graphBaseUrl, 'https://graph.microsoft.com');
    assert.equal(config.defender.mdeBaseUrl, 'https://api.securitycenter.microsoft.com');
    assert.equal(config.bot.appId, '');
  });

  it('is frozen, deeply', () => {
    const config = loadConfig({});
    assert.throws(() => {
      (config as { port: number }).port = 1;
    }, TypeError);
    assert.throws(() => {
      (config.defender as { graphBaseUrl: string }).graphBaseUrl = 'x';
    }, TypeError);
  });

  it('names every bad variable', () => {
    try {
      loadConfig({ PORT: 'eighty', GRAPH_BASE_URL: 'not a url', LOG_LEVEL: 'loud' });
      assert.fail('expected ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /PORT/);
      assert.match(err.message, /GRAPH_BASE_URL/);
      assert.match(err.message, /LOG_LEVEL/);
      assert.equal(err.problems.length, 3);
    }
  });

  it('refuses production without MicrosoftAppId, naming the variable', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /MicrosoftAppId/);
    assert.doesNotThrow(() =>
      loadConfig({ NODE_ENV: 'production', MicrosoftAppId: 'a', TENANTS_FILE: 'x.json' }),
    );
  });

  it('does not embed the emulator when a tenants file is configured or in production', () => {
    assert.equal(loadConfig({ TENANTS_FILE: 't.json' }).emulator.enabled, false);
    assert.equal(loadConfig({ EMULATOR: 'on', TENANTS_FILE: 't.json' }).emulator.enabled, true);
    assert.equal(
      loadConfig({ NODE_ENV: 'production', MicrosoftAppId: 'a' }).emulator.enabled,
      false,
    );
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', MicrosoftAppId: 'a', EMULATOR: 'on' }),
      /EMULATOR/,
    );
  });

  it('trims trailing slashes from endpoint URLs', () => {
    const config = loadConfig({ MDE_BASE_URL: 'https://127.0.0.1:3980/mde/' });
    assert.equal(config.defender.mdeBaseUrl, 'https://127.0.0.1:3980/mde');
  });
});

describe('the start command in production', () => {
  it('exits with a message naming MicrosoftAppId when it is missing', function () {
    this.timeout(20_000);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/start.ts'], {
      env: { ...process.env, NODE_ENV: 'production', MicrosoftAppId: '', PORT: '0' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /MicrosoftAppId: required when NODE_ENV=production/);
  });
});
