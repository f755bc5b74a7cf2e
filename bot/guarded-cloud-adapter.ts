// CloudAdapter with the HTTP step done here: the request is authenticated by botbuilder's
// BotFrameworkAuthentication, then the turn runs through CloudAdapterBase.processActivity, as in
// CloudAdapter.process. The difference is what a failure looks like: CloudAdapter.process
// answers any error thrown while authenticating with its message (a 500 with the OpenID
// metadata fetch's network error, issue 14) and console.errors it; here every authentication
// failure is a 401 with a fixed body and one JSON log line, and botbuilder's console output goes
// to the logger. Errors of the turn itself propagate to the server (500 with a fixed body).
import {
  CloudAdapter,
  type Activity,
  type Request,
  type Response,
  type TurnContext,
} from 'botbuilder';
import type { AuthenticateRequestResult, BotFrameworkAuthentication } from 'botframework-connector';
import type { Logger } from '../src/platform/logger.ts';
import { UNAUTHORIZED_BODY } from './bot-auth.ts';
import { withConsoleTo, type ConsoleSink } from './botbuilder-console.ts';

type Logic = (context: TurnContext) => Promise<void>;

export class GuardedCloudAdapter extends CloudAdapter {
  readonly #logger: Logger;
  readonly #authConsole: ConsoleSink;
  readonly #turnConsole: ConsoleSink;

  constructor(auth: BotFrameworkAuthentication, logger: Logger) {
    super(auth);
    this.#logger = logger;
    // While authenticating, botbuilder prints what the 401's log line already says.
    this.#authConsole = {
      logger,
      levels: { error: 'debug', warn: 'debug', other: 'debug' },
    };
    this.#turnConsole = { logger, levels: { error: 'error', warn: 'warn', other: 'info' } };
  }

  // One signature wide enough for CloudAdapter's overloads; only the HTTP form is ours.
  override async process(
    req: Request,
    resOrSocket: unknown,
    logicOrHead: unknown,
    maybeLogic?: unknown,
  ): Promise<void> {
    if (maybeLogic !== undefined) {
      return super.process(req, resOrSocket as never, logicOrHead as never, maybeLogic as never);
    }
    const res = resOrSocket as Response;
    const logic = logicOrHead as Logic;
    const end = (status: number, body?: unknown) => {
      res.status(status);
      if (body !== undefined) res.send(body);
      res.end();
    };
    if (req.method !== 'POST') return end(405);
    const activity = activityOf(req.body);
    if (!activity) {
      return end(400, { error: { code: 'BadRequest', message: 'Not a Bot Framework activity.' } });
    }
    const header = req.headers.authorization ?? req.headers.Authorization ?? '';
    let authenticated: AuthenticateRequestResult;
    try {
      authenticated = await withConsoleTo(this.#authConsole, () =>
        this.botFrameworkAuthentication.authenticateRequest(
          activity,
          typeof header === 'string' ? header : '',
        ),
      );
    } catch (err) {
      this.#logger.warn(
        {
          reason: err instanceof Error ? err.message : String(err),
          activityId: activity.id,
          channelId: activity.channelId,
        },
        'refused an activity that is not authenticated',
      );
      res.header('WWW-Authenticate', 'Bearer');
      return end(401, UNAUTHORIZED_BODY);
    }
    if (!hasCardAction(activity)) {
      // botbuilder would read value.action.type of it and fail the turn (501 with no answer).
      return end(400, {
        statusCode: 400,
        type: 'application/vnd.microsoft.error',
        value: { code: 'BadRequest', message: 'The card action is missing or malformed.' },
      });
    }
    const invokeResponse = await withConsoleTo(this.#turnConsole, () =>
      this.processActivity(authenticated, activity, logic),
    );
    return end(invokeResponse?.status ?? 200, invokeResponse?.body);
  }
}

/** The activity as CloudAdapter.process takes it (timestamps as Dates), or undefined. */
function activityOf(body: unknown): Activity | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const fields = body as Record<string, unknown>;
  if (typeof fields.type !== 'string') return undefined;
  // As botbuilder's validateAndFixActivity, which it does not export.
  for (const [field, rawField] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = fields[field];
    if (typeof value === 'string') {
      fields[rawField] = value;
      fields[field] = new Date(value);
    }
  }
  return body as Activity;
}

/** False for an Action.Execute invoke whose value is not `{ action: { type, ... } }`. */
function hasCardAction(activity: Activity): boolean {
  if (activity.type !== 'invoke' || activity.name !== 'adaptiveCard/action') return true;
  const value: unknown = activity.value;
  if (typeof value !== 'object' || value === null) return false;
  const action: unknown = (value as { action?: unknown }).action;
  return (
    typeof action === 'object' &&
    action !== null &&
    typeof (action as { type?: unknown }).type === 'string'
  );
}
