// How incoming Bot Framework requests are authenticated: botbuilder's own validation
// (ConfigurationBotFrameworkAuthentication), with the OpenID metadata URLs from the config and
// their keys fetched through BoundedOpenIdMetadata (a time limit, one fetch at a time, a cache).
import { CallerIdConstants, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import type { Config } from '../src/config.ts';
import type { Logger } from '../src/platform/logger.ts';
import { BoundedOpenIdMetadata, installOpenIdMetadata } from './openid-metadata.ts';

/** The body of every refused request, whatever botbuilder found wrong (that is logged). */
export const UNAUTHORIZED_BODY = Object.freeze({
  error: Object.freeze({ code: 'Unauthorized', message: 'The request is not authorized.' }),
});

export function createBotAuthentication(
  config: Config,
  logger: Logger,
): ConfigurationBotFrameworkAuthentication {
  const { bot } = config;
  const authLogger = logger.child({ component: 'bot-auth' });
  for (const url of new Set([bot.openIdMetadataUrl, bot.emulatorOpenIdMetadataUrl])) {
    installOpenIdMetadata(
      new BoundedOpenIdMetadata(url, { timeoutMs: bot.openIdTimeoutMs, logger: authLogger }),
    );
  }
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appPassword,
    MicrosoftAppType: bot.appType,
    MicrosoftAppTenantId: bot.appTenantId,
    CertificateThumbprint: bot.certificateThumbprint || undefined,
    CertificatePrivateKey: bot.certificatePrivateKey || undefined,
    // Once one of these is set botbuilder takes all of them as given (unset ones stay unset,
    // see BotFrameworkAuthenticationFactory.create), so each has the public cloud's value.
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
    ToBotFromChannelOpenIdMetadataUrl: bot.openIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: bot.emulatorOpenIdMetadataUrl,
  });
}
