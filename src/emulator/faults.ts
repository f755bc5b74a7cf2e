// Injected faults: throttling (429 + Retry-After), outages (503), slow answers and failing
// machine actions, each for `count` requests (or until cleared) and optionally only for paths
// containing `path`. Faults never touch the control API, and reach the token endpoint only when
// `path` names it, so a test of Graph retries does not also break sign-in.
import { z } from 'zod';
import type { Area } from './http-kit.ts';

const count = z.number().int().positive().optional();
const path = z.string().min(1).optional();

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('429'), retryAfterSeconds: z.number().int().min(0), count, path }),
  z.object({ kind: z.literal('503'), count, path }),
  z.object({ kind: z.literal('slow'), delayMs: z.number().int().min(0).max(120_000), count, path }),
  z.object({ kind: z.literal('failActions'), reason: z.string().min(1), count }),
]);
export type EmulatorFault = z.infer<typeof faultSchema>;

export interface ActiveFault {
  fault: EmulatorFault;
  /** Requests (or actions) still to be hit; undefined = until cleared. */
  remaining: number | undefined;
}

export type ErrorFault = { kind: '429'; retryAfterSeconds: number } | { kind: '503' };

export interface RequestFaults {
  delayMs: number;
  error: ErrorFault | undefined;
}

export class FaultInjector {
  private active: ActiveFault[] = [];

  /** Parses and adds a fault; throws a ZodError for an invalid one. */
  inject(raw: unknown): EmulatorFault {
    const fault = faultSchema.parse(raw);
    this.active.push({ fault, remaining: fault.count });
    return fault;
  }

  clear(): void {
    this.active = [];
  }

  list(): ActiveFault[] {
    return this.active.map((a) => ({ ...a }));
  }

  /** Consumes at most one delay fault and one error fault that apply to this request. */
  forRequest(pathname: string, area: Area): RequestFaults {
    const applies = (fault: EmulatorFault): boolean => {
      if (area === 'control' || fault.kind === 'failActions') return false;
      const wanted = fault.path?.toLowerCase();
      if (wanted === undefined) return area !== 'aad';
      return pathname.toLowerCase().includes(wanted);
    };
    const slow = this.take((f) => f.kind === 'slow' && applies(f));
    const error = this.take((f) => (f.kind === '429' || f.kind === '503') && applies(f));
    return {
      delayMs: slow?.kind === 'slow' ? slow.delayMs : 0,
      error:
        error?.kind === '429'
          ? { kind: '429', retryAfterSeconds: error.retryAfterSeconds }
          : error?.kind === '503'
            ? { kind: '503' }
            : undefined,
    };
  }

  /** The reason a new machine action must fail, consuming one failActions fault; else null. */
  takeActionFailure(): string | null {
    const fault = this.take((f) => f.kind === 'failActions');
    return fault?.kind === 'failActions' ? fault.reason : null;
  }

  private take(predicate: (fault: EmulatorFault) => boolean): EmulatorFault | undefined {
    const entry = this.active.find((a) => predicate(a.fault));
    if (!entry) return undefined;
    if (entry.remaining !== undefined) {
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.active = this.active.filter((a) => a !== entry);
    }
    return entry.fault;
  }
}
