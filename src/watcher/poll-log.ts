// One log line per poll: info when it wrote events (or is the tenant's first poll since start,
// so an operator sees every tenant being watched), debug otherwise; failures at warn, or error
// with the fix when Defender refused the credentials.
import { DefenderBusyError } from '../defender/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { CustomerTenant } from '../domain/tenant.ts';
import type { PollFailure } from './describe-poll-failure.ts';
import type { TenantPollResult } from './poll-tenant.ts';

const MAX_LISTED_CHANGES = 20;

export function logPollSuccess(
  logger: Logger,
  args: { tenant: CustomerTenant; result: TenantPollResult; durationMs: number; first: boolean },
): void {
  const { tenant, result, durationMs, first } = args;
  const details: Record<string, unknown> = {
    tenantId: tenant.tenantId,
    tenant: tenant.name,
    incidents: result.incidents,
    events: result.events.length,
    watermark: result.watermark,
    durationMs,
  };
  if (result.events.length > 0) {
    details.changes = result.events
      .slice(0, MAX_LISTED_CHANGES)
      .map((e) => `${e.incidentId}:${e.change.type}`);
  }
  if (result.coldStart) details.coldStart = true;
  if (result.attempts > 1) details.commitAttempts = result.attempts;
  const message = `incident poll of ${tenant.name}: ${result.incidents} incident(s) seen, ${result.events.length} event(s) written`;
  if (result.events.length > 0 || first) logger.info(details, message);
  else logger.debug(details, message);
  if (result.unreadableSnapshots.length > 0) {
    logger.warn(
      { tenantId: tenant.tenantId, incidents: result.unreadableSnapshots },
      'unreadable incident snapshots were replaced; these incidents were treated as first seen',
    );
  }
}

export function logPollFailure(
  logger: Logger,
  args: {
    tenant: CustomerTenant;
    failure: PollFailure;
    error: unknown;
    state: { consecutiveFailures: number; nextDelayMs: number };
  },
): void {
  const { tenant, failure, error, state } = args;
  const details: Record<string, unknown> = {
    tenantId: tenant.tenantId,
    tenant: tenant.name,
    failure: failure.kind,
    consecutiveFailures: state.consecutiveFailures,
    retryInMs: state.nextDelayMs,
    err: error,
  };
  switch (failure.kind) {
    case 'auth':
      logger.error(
        { ...details, hint: failure.hint },
        `incident poll of ${tenant.name} failed: Defender refused access. ${failure.hint ?? ''}`,
      );
      return;
    case 'throttled':
      if (failure.retryAfterSeconds !== undefined) {
        details.retryAfterSeconds = failure.retryAfterSeconds;
      }
      logger.warn(
        details,
        error instanceof DefenderBusyError
          ? `incident poll of ${tenant.name} not sent: the tenant's Graph quota is in use (the bot's own rate limit); backing off`
          : `incident poll of ${tenant.name} throttled by Graph; backing off`,
      );
      return;
    case 'other':
      logger.warn(details, `incident poll of ${tenant.name} failed: ${failure.message}`);
      return;
  }
}
