// Teams pacing goes along with a tenant (the top of src/delivery/teams-rate-gate.ts): its owner
// writes the tenant's snapshot (src/delivery/pacing-record.ts) every 30 s if a call went out since
// the last write, and once more when it loses or releases the tenant, after its calls in flight;
// the next owner seeds its gate with it on `gained`, before the tenant's jobs are adopted. For a
// released tenant the lease is held until `lost` resolves, so the next owner reads the final
// counts; after a crash it reads those of the last write, at most 30 s old.
import { readPacing, writePacing } from '../delivery/pacing-record.ts';
import type { TeamsRateGate } from '../delivery/teams-rate-gate.ts';
import type { Logger } from '../platform/logger.ts';
import type { Store } from '../store/store.ts';

export type PacingGate = Pick<TeamsRateGate, 'snapshot' | 'seed'>;

/** Which tenants a customer tenant's work covers (its own, the experts' channel with the first). */
type Matches = (tenantId: string) => boolean;

export interface PacingHandover {
  /** On `gained`, before delivery starts: seeds the gate with what the last owner handed over. */
  take(tenantId: string): Promise<void>;
  /** Writes the tenant's snapshot if a call went out since the last write (or the gain). */
  save(tenantId: string, matches: Matches): Promise<void>;
  /** On `lost`, once its calls in flight are done: the last save. */
  hand(tenantId: string, matches: Matches): Promise<void>;
}

export function pacingHandover(options: {
  store: Store;
  gate: PacingGate;
  logger: Logger;
}): PacingHandover {
  const { store, gate, logger } = options;
  // Per tenant (lower-cased): the newest call the last write counted. Date.now(), as in the gate.
  const savedUpTo = new Map<string, number>();
  const save = async (tenantId: string, matches: Matches) => {
    const key = tenantId.toLowerCase();
    try {
      const snapshot = await gate.snapshot(matches);
      if (snapshot.lastCallAt <= (savedUpTo.get(key) ?? 0)) return;
      await writePacing(store, tenantId, snapshot);
      savedUpTo.set(key, snapshot.lastCallAt);
    } catch (err) {
      logger.warn({ err, tenantId }, 'Teams pacing not written for the next owner');
    }
  };
  return {
    async take(tenantId) {
      savedUpTo.set(tenantId.toLowerCase(), Date.now());
      try {
        const snapshot = await readPacing(store, tenantId);
        if (!snapshot) return;
        const conversations = await gate.seed(snapshot);
        logger.info(
          { tenantId, conversations, ageMs: Date.now() - snapshot.takenAt },
          'Teams pacing taken over from the last owner',
        );
      } catch (err) {
        logger.warn({ err, tenantId }, 'Teams pacing not taken over: paced from empty counts');
      }
    },
    save,
    async hand(tenantId, matches) {
      await save(tenantId, matches);
      savedUpTo.delete(tenantId.toLowerCase());
    },
  };
}
