// The OpenID metadata settings default to Microsoft's real endpoints (production never depends on
// a test setting), and a bad value is a configuration error naming the variable.
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('Bot Framework authentication settings', () => {
  it("default to the Bot Framework's and Entra ID's published OpenID metadata", () => {
    const { bot } = loadConfig({
      MicrosoftAppId: 'app',
      NODE_ENV: 'production',
      TENANTS_FILE: 'x',
    });
    assert.equal(
      bot.openIdMetadataUrl,
      'https://login.botframework.com/v1/.well-known/openidconfiguration',
    );
    assert.equal(
      bot.emulatorOpenIdMetadataUrl,
      'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    );
    assert.equal(bot.openIdTimeoutMs, 5000);
  });

  it('names the variable of a bad value', () => {
    assert.throws(
      () => loadConfig({ BOT_OPENID_METADATA_URL: 'not a url', BOT_OPENID_TIMEOUT_MS: '5' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) => p.startsWith('BOT_OPENID_METADATA_URL')) &&
        err.problems.some((p) => p.startsWith('BOT_OPENID_TIMEOUT_MS')),
    );
  });
});
