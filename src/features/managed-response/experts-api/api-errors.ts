// Failures of Experts API requests as HTTP answers: `{ error: { code, message, details? } }`,
// with a status the experts' tooling can act on. Defender failures while checking an incident
// are 502 (the bot is fine, Defender is not), except throttling, ours or Graph's: 503 with
// Retry-After; anything unexpected is a 500 that says nothing more.
import { ZodError } from 'zod';
import { DefenderError, DefenderThrottledError } from '../../../defender/errors.ts';
import { DomainError } from '../../../domain/errors.ts';
import { ResponseConflictError } from '../response-errors.ts';
import { fieldPath } from './api-schemas.ts';
import { AuthError } from './expert-auth.ts';

export interface ApiErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function toApiError(err: unknown): {
  status: number;
  body: ApiErrorBody;
  /** For 503: when to try again. */
  retryAfterSeconds?: number;
} {
  const answer = (status: number, code: string, message: string) => ({
    status,
    body: { error: { code, message } },
  });
  if (err instanceof ApiError) return answer(err.status, err.code, err.message);
  if (err instanceof AuthError) {
    return answer(err.status, err.status === 401 ? 'Unauthorized' : 'Forbidden', err.message);
  }
  if (err instanceof ZodError) {
    const details = err.issues.map((i) => ({
      path: fieldPath(i.path) || '(body)',
      message: i.message,
    }));
    const message = details.map((d) => `${d.path}: ${d.message}`).join('; ');
    return { status: 400, body: { error: { code: 'InvalidRequest', message, details } } };
  }
  if (err instanceof ResponseConflictError) return answer(409, err.code, err.message);
  if (err instanceof DomainError) {
    switch (err.code) {
      case 'NOT_FOUND':
        return answer(404, 'NotFound', err.message);
      case 'NOT_PERMITTED':
      case 'FOREIGN_TENANT':
        return answer(403, 'Forbidden', err.message);
      case 'INVALID_INPUT':
        return answer(400, 'InvalidRequest', err.message);
      default:
        return answer(409, err.code, err.message);
    }
  }
  if (err instanceof DefenderThrottledError) {
    return {
      ...answer(503, 'DefenderBusy', err.message),
      retryAfterSeconds: err.retryAfterSeconds ?? 60,
    };
  }
  if (err instanceof DefenderError) return answer(502, 'DefenderUnavailable', err.message);
  return answer(500, 'InternalError', 'Internal error');
}
