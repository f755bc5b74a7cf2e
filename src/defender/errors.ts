// Typed failures of the Defender XDR clients. Messages never hold tokens or secrets; auth errors
// carry a hint an operator can act on (which app registration needs which permission).
import { NotFoundError } from '../domain/errors.ts';

export type DefenderApi = 'graph' | 'mde';

/** Base of every failure of a call to Graph security or Defender for Endpoint. */
export class DefenderError extends Error {
  readonly api: DefenderApi;

  constructor(api: DefenderApi, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DefenderError';
    this.api = api;
  }
}

/** Throttled (429) and not retried further: too many retries, or a Retry-After too long to wait. */
export class DefenderThrottledError extends DefenderError {
  readonly retryAfterSeconds: number | undefined;

  constructor(api: DefenderApi, retryAfterSeconds: number | undefined) {
    const wait = retryAfterSeconds === undefined ? '' : ` Retry after ${retryAfterSeconds} s.`;
    super(api, `${apiName(api)} is throttling this tenant's requests.${wait}`);
    this.name = 'DefenderThrottledError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The bot's own rate limit for this tenant (rate-limit-gate.ts) would make the call wait longer
 * than its caller allows, so it was not sent: someone is waiting (a Teams user, the Experts API)
 * or the quota is spent for a long while. A kind of throttling: answered the same way (503 with
 * Retry-After, "Defender is busy" on a card, the watcher's backoff).
 */
export class DefenderBusyError extends DefenderThrottledError {
  constructor(api: DefenderApi, retryAfterSeconds: number) {
    super(api, retryAfterSeconds);
    this.name = 'DefenderBusyError';
    this.message =
      `${apiName(api)}: this tenant's request quota is in use for now, so the request was not ` +
      `sent (the bot's own rate limit). Retry after ${retryAfterSeconds} s.`;
  }
}

/** The token could not be obtained (401/400 from Entra ID) or the API refused it (401/403). */
export class DefenderAuthError extends DefenderError {
  readonly status: number | undefined;
  readonly tenantId: string;
  readonly clientId: string | undefined;
  readonly permission: string;
  /** What the operator should do, e.g. which permission to grant to which app registration. */
  readonly hint: string;
  /** The service's own error message, when it sent one (e.g. Graph's app-policy refusal). */
  readonly serviceMessage: string | undefined;

  constructor(args: {
    api: DefenderApi;
    status: number | undefined;
    tenantId: string;
    clientId: string | undefined;
    permission: string;
    reason: string;
    serviceMessage?: string;
    cause?: unknown;
  }) {
    const app =
      args.clientId === undefined
        ? 'the identity the bot uses for this tenant'
        : `the app registration ${args.clientId}`;
    const hint =
      `Check that ${app} exists in tenant ${args.tenantId}, that its credential is valid, and that it ` +
      `holds the ${apiPermissionHost(args.api)} application permission ${args.permission} with admin consent.`;
    super(args.api, `${apiName(args.api)} refused access: ${args.reason} ${hint}`, {
      cause: args.cause,
    });
    this.name = 'DefenderAuthError';
    this.status = args.status;
    this.tenantId = args.tenantId;
    this.clientId = args.clientId;
    this.permission = args.permission;
    this.hint = hint;
    this.serviceMessage = args.serviceMessage;
  }
}

/** A response action of the same type is already pending or in progress on the device. */
export class ActionAlreadyPendingError extends DefenderError {
  readonly deviceId: string;
  /** Defender's id of the pending action, when it could be found. */
  readonly pendingActionId: string | undefined;

  constructor(deviceId: string, message: string, pendingActionId?: string) {
    super('mde', message);
    this.name = 'ActionAlreadyPendingError';
    this.deviceId = deviceId;
    this.pendingActionId = pendingActionId;
  }
}

/**
 * Any other non-success answer, or no answer at all (status undefined: network error, timeout).
 * `code` is Defender's error code (e.g. "InvalidInput") or ours ("Timeout", "NetworkError",
 * "InvalidResponse").
 */
export class DefenderRequestError extends DefenderError {
  readonly status: number | undefined;
  readonly code: string;

  constructor(
    api: DefenderApi,
    status: number | undefined,
    code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(api, `${apiName(api)} request failed (${status ?? code}): ${message}`, options);
    this.name = 'DefenderRequestError';
    this.status = status;
    this.code = code;
  }
}

/** The request did not complete within the configured timeout, on every attempt. */
export class DefenderTimeoutError extends DefenderRequestError {
  readonly timeoutMs: number;

  constructor(api: DefenderApi, timeoutMs: number) {
    super(api, undefined, 'Timeout', `no response within ${timeoutMs} ms`);
    this.name = 'DefenderTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The device or incident does not exist (404). Extends the domain's NotFoundError so services can
 * handle "not found" without knowing it came from Defender.
 */
export class DefenderNotFoundError extends NotFoundError {
  readonly api: DefenderApi;

  constructor(api: DefenderApi, entity: 'device' | 'incident' | 'response action', id: string) {
    super(entity, id);
    this.name = 'DefenderNotFoundError';
    this.api = api;
  }
}

export { DefenderNotFoundError as NotFoundError };

function apiName(api: DefenderApi): string {
  return api === 'graph' ? 'Microsoft Graph security API' : 'Defender for Endpoint API';
}

function apiPermissionHost(api: DefenderApi): string {
  return api === 'graph' ? 'Microsoft Graph' : 'WindowsDefenderATP';
}
