import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig, partitionsFrom, strictBatchesFrom } from '../../src/config.ts';
import { defaultBudgets } from '../../src/platform/budgets.ts';

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

  it('keeps Azure Tables’ batch limit on lowdb only with STORE_STRICT_BATCHES', () => {
    assert.equal(loadConfig({}).store.strictBatches, false);
    assert.equal(loadConfig({ STORE_STRICT_BATCHES: '1' }).store.strictBatches, true);
    assert.equal(strictBatchesFrom({}), false);
    assert.equal(strictBatchesFrom({ STORE_STRICT_BATCHES: 'true' }), true);
    assert.equal(strictBatchesFrom({ STORE_STRICT_BATCHES: 'no' }), false);
    assert.throws(() => loadConfig({ STORE_STRICT_BATCHES: 'maybe' }), /STORE_STRICT_BATCHES/);
  });

  it('keeps a partition per tenant unless STORE_PARTITIONS=single', () => {
    assert.equal(loadConfig({}).store.partitions, 'tenant');
    assert.equal(loadConfig({ STORE_PARTITIONS: 'single' }).store.partitions, 'single');
    assert.equal(loadConfig({ STORE_PARTITIONS: 'tenant' }).store.partitions, 'tenant');
    assert.throws(() => loadConfig({ STORE_PARTITIONS: 'main' }), /STORE_PARTITIONS/);
    assert.equal(partitionsFrom({}), 'tenant');
    assert.equal(partitionsFrom({ STORE_PARTITIONS: '' }), 'tenant');
    assert.equal(partitionsFrom({ STORE_PARTITIONS: 'single' }), 'single');
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

  it('reads the budgets and the bounds on Defender waits, with the documented defaults', () => {
    const defaults = loadConfig({});
    assert.deepEqual(defaults.budgets, defaultBudgets);
    assert.deepEqual(defaults.defenderLimits, {
      interactiveMaxWaitMs: 2_000,
      backgroundMaxWaitMs: 60_000,
      graphUserCallsPerMinute: 50,
    });
    const set = loadConfig({
      BUDGET_MESSAGES_PER_USER: '5',
      BUDGET_MESSAGES_PER_TENANT: '50',
      BUDGET_MESSAGES_WINDOW_SECONDS: '10',
      BUDGET_CARD_ACTIONS_PER_USER: '6',
      BUDGET_CARD_ACTIONS_PER_TENANT: '60',
      BUDGET_CARD_ACTIONS_WINDOW_SECONDS: '20',
      BUDGET_LOOKUPS_PER_USER: '2',
      BUDGET_LOOKUPS_PER_TENANT: '20',
      BUDGET_LOOKUPS_WINDOW_SECONDS: '300',
      DEFENDER_INTERACTIVE_MAX_WAIT_MS: '500',
      DEFENDER_BACKGROUND_MAX_WAIT_MS: '30000',
      GRAPH_USER_CALLS_PER_MINUTE: '30',
    });
    assert.deepEqual(set.budgets, {
      message: { perUser: 5, perTenant: 50, windowSeconds: 10 },
      cardAction: { perUser: 6, perTenant: 60, windowSeconds: 20 },
      lookup: { perUser: 2, perTenant: 20, windowSeconds: 300 },
    });
    assert.deepEqual(set.defenderLimits, {
      interactiveMaxWaitMs: 500,
      backgroundMaxWaitMs: 30_000,
      graphUserCallsPerMinute: 30,
    });
  });

  it("refuses budgets below 1 and a users' Graph share that leaves the watcher no room", () => {
    try {
      loadConfig({ BUDGET_LOOKUPS_PER_USER: '0', GRAPH_USER_CALLS_PER_MINUTE: '150' });
      assert.fail('expected ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /BUDGET_LOOKUPS_PER_USER/);
      assert.match(err.message, /GRAPH_USER_CALLS_PER_MINUTE: must leave room/);
    }
  });

  it('reminds of a still-contained device after 24 h unless told otherwise (hours, decimals allowed)', () => {
    assert.equal(loadConfig({}).containment.reminderHours, 24);
    assert.equal(loadConfig({ CONTAINMENT_REMINDER_HOURS: '0.5' }).containment.reminderHours, 0.5);
    for (const bad of ['0', '-1', '721', 'a day']) {
      assert.throws(
        () => loadConfig({ CONTAINMENT_REMINDER_HOURS: bad }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.problems.some((p) => p.includes('CONTAINMENT_REMINDER_HOURS')),
        bad,
      );
    }
  });

  it('trims trailing slashes from endpoint URLs', () => {
    const config = loadConfig({ MDE_BASE_URL: 'https://127.0.0.1:3980/mde/' });
    assert.equal(config.defender.mdeBaseUrl, 'https://127.0.0.1:3980/mde');
  });
});

describe('the start command in production', () => {
  it('exits with a message naming MicrosoftAppId when it is missing', function () {
    // Loading the bot takes about 4 s of CPU: on a machine busy with other lanes that was more
    // than 15 s at times. The limit only stops a start command that would hang.
    this.timeout(70_000);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/start.ts'], {
      env: { ...process.env, NODE_ENV: 'production', MicrosoftAppId: '', PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /MicrosoftAppId: required when NODE_ENV=production/);
  });
});
