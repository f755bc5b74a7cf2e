// Error answers in the envelope of the service a route imitates (Entra ID, Graph, MDE), and the
// answers of injected 429/503 faults, so clients meet the same shapes as in production.
import { HttpError, type Area } from './http-kit.ts';
import type { ErrorFault } from './faults.ts';
import { ODataQueryError } from './odata-filter.ts';

export function areaOfPath(pathname: string): Area {
  const first = pathname.split('/')[1]?.toLowerCase();
  if (first === 'login') return 'aad';
  if (first === 'graph') return 'graph';
  if (first === 'mde') return 'mde';
  return 'control';
}

export function faultError(fault: ErrorFault, area: Area): HttpError {
  if (fault.kind === '429') {
    const headers = { 'Retry-After': String(fault.retryAfterSeconds) };
    return area === 'aad'
      ? new HttpError(
          429,
          'temporarily_unavailable',
          'AADSTS90055: TenantThrottlingThreshold.',
          headers,
        )
      : new HttpError(
          429,
          'TooManyRequests',
          'Too many requests; retry after the Retry-After interval.',
          headers,
        );
  }
  const code = {
    aad: 'temporarily_unavailable',
    graph: 'serviceNotAvailable',
    mde: 'ServiceUnavailable',
    control: '',
  }[area];
  return new HttpError(503, code, 'The service is temporarily unavailable. Retry later.');
}

/** Renders an error in the envelope of the service the route imitates. */
export function errorBody(
  err: HttpError,
  area: Area,
  requestId: string,
  clientRequestId: string,
  now: Date,
): unknown {
  const date = now.toISOString();
  switch (area) {
    case 'graph':
      return {
        error: {
          code: err.code,
          message: err.message,
          innerError: {
            ...(err.innerCode ? { code: err.innerCode, message: err.message } : {}),
            date,
            'request-id': requestId,
            'client-request-id': clientRequestId,
          },
        },
      };
    case 'mde':
      return { error: { code: err.code, message: err.message, target: requestId } };
    case 'aad': {
      const aadsts = /AADSTS(\d+)/.exec(err.message)?.[1];
      return {
        error: err.code,
        error_description: `${err.message}\r\nTrace ID: ${requestId}\r\nCorrelation ID: ${clientRequestId}\r\nTimestamp: ${date}`,
        error_codes: aadsts ? [Number(aadsts)] : [],
        timestamp: date,
        trace_id: requestId,
        correlation_id: clientRequestId,
        ...(aadsts ? { error_uri: `https://login.microsoftonline.com/error?code=${aadsts}` } : {}),
      };
    }
    case 'control':
      return { error: { code: err.code, message: err.message } };
  }
}

export function toHttpError(err: unknown, area: Area): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof ODataQueryError) {
    return new HttpError(400, area === 'mde' ? 'ODataError' : 'BadRequest', err.message);
  }
  return undefined;
}
