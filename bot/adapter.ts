// CloudAdapter wiring and the last-resort turn error handler.
import type { CloudAdapter } from 'botbuilder';
import type { Config } from '../src/config.ts';
import type { Logger } from '../src/platform/logger.ts';
import { createBotAuthentication } from './bot-auth.ts';
import { GuardedCloudAdapter } from './guarded-cloud-adapter.ts';
import { ReusedClientsAuthentication } from './reused-clients.ts';
import { turnLogger } from './turn-logger.ts';

export function createAdapter(config: Config, logger: Logger): CloudAdapter {
  const auth = new ReusedClientsAuthentication(createBotAuthentication(config, logger));
  const adapter = new GuardedCloudAdapter(auth, logger);
  adapter.onTurnError = async (context, error) => {
    turnLogger(context, logger).error({ err: error }, 'unhandled error in turn');
    if (context.activity.type === 'invoke') return; // the invoke answer says it (501/500)
    try {
      await context.sendActivity('Sorry, something went wrong on my side. Please try again.');
    } catch (sendError) {
      turnLogger(context, logger).warn(
        { err: sendError },
        'could not tell the user about the error',
      );
    }
  };
  return adapter;
}
