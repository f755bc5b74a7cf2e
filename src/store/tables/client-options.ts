// The Azure Tables client's transport settings, in one place: bounded retries of transient
// failures (429 with Retry-After, 408, 5xx, connection errors) and a per-attempt timeout that
// the retry policy counts as a transient failure (the SDK's own timeout aborts without retry).
import { RestError, type TableServiceClientOptions } from '@azure/data-tables';

/** TableClient's options (the package exports the type under its service client's name). */
export type TableClientOptions = TableServiceClientOptions;

type PipelinePolicy = NonNullable<TableClientOptions['additionalPolicies']>[number]['policy'];

export interface TablesTransportOptions {
  /** Retries after the first attempt (default 4: about 3 s of back-off in all). */
  maxRetries?: number;
  /** Per attempt (default 10 s). */
  attemptTimeoutMs?: number;
  /** Plain HTTP (Azurite on localhost). */
  allowInsecureConnection?: boolean;
}

export function tablesClientOptions(options: TablesTransportOptions = {}): TableClientOptions {
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
  return {
    retryOptions: {
      maxRetries: options.maxRetries ?? 4,
      retryDelayInMs: 200,
      maxRetryDelayInMs: 2_000,
    },
    additionalPolicies: [{ policy: attemptTimeout(attemptTimeoutMs), position: 'perRetry' }],
    ...(options.allowInsecureConnection && { allowInsecureConnection: true }),
  };
}

function attemptTimeout(ms: number): PipelinePolicy {
  return {
    name: 'mrbAttemptTimeout',
    async sendRequest(request, next) {
      if (!request.timeout) request.timeout = ms;
      try {
        return await next(request);
      } catch (error) {
        const abortedByCaller = request.abortSignal?.aborted === true;
        if ((error as Error | undefined)?.name === 'AbortError' && !abortedByCaller) {
          // ETIMEDOUT is what the SDK's exponential retry strategy retries.
          throw new RestError(`Azure Tables did not answer within ${ms} ms.`, {
            code: 'ETIMEDOUT',
            request,
          });
        }
        throw error;
      }
    },
  };
}
