// "I'm on it" and "Release claim" on the Awaiting Customer Action card. The claim is stored on the
// incident's awaiting record (so it ends with the awaiting period, and the reminder scheduler reads
// it in the same compare-and-set), audited, and every delivered copy of the card is edited in the
// same store batch. Who and where come from the turn; the card carries the incident id only.
import type { CardVerb } from '../../../cards/card-verbs.ts';
import type { Caller, CardActionResult } from '../../app/feature.ts';
import { isClaimActive, isClaimer, type IncidentClaim } from '../../domain/incident-claim.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Delivery } from '../../shared/delivery.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { StoreConflictError, type Store, type WriteOp } from '../../store/store.ts';
import {
  AWAITING,
  awaitingKey,
  type AwaitingRecord,
  type AwaitingTracker,
} from './awaiting-tracker.ts';
import { claimAuditOp, type ClaimAuditRecord } from './claim-audit.ts';
import { claimCard, claimCopyJobs, viewerOf, type ClaimCardState } from './claim-copies.ts';

export interface IncidentClaimsDeps {
  store: Pick<Store, 'batch'>;
  delivery: Pick<Delivery, 'enqueueOps' | 'wake' | 'findDelivery'>;
  awaiting: Pick<AwaitingTracker, 'list' | 'record'>;
  responses: Pick<ManagedResponseRepository, 'get'>;
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  now: Clock;
  logger: Logger;
  /** A claim lapses after the claimer did nothing on the incident for this long. */
  lapseAfterMs: number;
}

type Decision =
  | { write: false; kicker?: { text: string; color: 'warning' | 'attention' }; refusal?: string }
  | {
      write: true;
      claim: IncidentClaim | undefined;
      audit: Omit<ClaimAuditRecord, 'tenantId' | 'incidentId' | 'at'>;
      kicker: { text: string; color: 'good' | 'default' };
    };

const MAX_ATTEMPTS = 5;

export class IncidentClaims {
  constructor(private readonly deps: IncidentClaimsDeps) {}

  /** The incident's claim if it holds now (not released, not lapsed), for cards rendered now. */
  async activeClaim(tenantId: string, incidentId: string): Promise<IncidentClaim | undefined> {
    const stored = (await this.deps.awaiting.record(tenantId, incidentId))?.claim;
    if (!stored) return undefined;
    const response = (await this.deps.responses.get(tenantId, incidentId))?.value;
    return isClaimActive(stored, response, this.deps.now().getTime(), this.deps.lapseAfterMs)
      ? stored
      : undefined;
  }

  /** "I'm on it": Security Operators only; one claimer at a time. */
  claim(from: Caller, incidentId: string): Promise<CardActionResult> {
    return this.#change(from, incidentId, 'claimIncident', (tenant, active, at) => {
      const me = { userId: from.userId ?? '', name: from.userName ?? 'Unknown user' };
      if (active && isClaimer(active, me.userId)) return { write: false };
      if (active) {
        return {
          write: false,
          refusal: `${active.name} is already on it`,
          kicker: {
            text: `${active.name} is already on it: no need to take it.`,
            color: 'warning',
          },
        };
      }
      if (!me.userId || !viewerOf(tenant, me.userId).operator) {
        return {
          write: false,
          refusal: 'not a Security Operator',
          kicker: {
            text: "Refused: claiming holds back the other contacts' reminders, so it needs the Security Operator role.",
            color: 'attention',
          },
        };
      }
      return {
        write: true,
        claim: { ...me, at },
        audit: { action: 'claimed', actor: me },
        kicker: {
          text: "You are on it. The other contacts' reminders are paused while you work on it.",
          color: 'good',
        },
      };
    });
  }

  /** "Release claim": the claimer only; reminders resume. */
  release(from: Caller, incidentId: string): Promise<CardActionResult> {
    return this.#change(from, incidentId, 'releaseClaim', (_tenant, active) => {
      const me = { userId: from.userId ?? '', ...(from.userName ? { name: from.userName } : {}) };
      if (!active)
        return { write: false, kicker: { text: 'Nobody is on it now.', color: 'warning' } };
      if (!isClaimer(active, me.userId)) {
        return {
          write: false,
          refusal: `claimed by ${active.name}`,
          kicker: {
            text: `Refused: only ${active.name}, who is on it, can release it.`,
            color: 'attention',
          },
        };
      }
      return {
        write: true,
        claim: undefined,
        audit: {
          action: 'released',
          actor: me,
          claimer: { userId: active.userId, name: active.name },
        },
        kicker: {
          text: 'Released: the reminders to the incident contacts resume.',
          color: 'default',
        },
      };
    });
  }

  async #change(
    from: Caller,
    incidentId: string,
    verb: CardVerb,
    decide: (tenant: CustomerTenant, active: IncidentClaim | undefined, at: string) => Decision,
  ): Promise<CardActionResult> {
    const { deps } = this;
    const tenant = deps.tenantOf(from.tenantId);
    if (!tenant) {
      return {
        kind: 'notice',
        title: 'Not available',
        text: 'Your organisation is not protected by this managed response service.',
        style: 'attention',
      };
    }
    for (let attempt = 1; ; attempt++) {
      const now = deps.now();
      const at = now.toISOString();
      const rows = await deps.awaiting.list(tenant.tenantId);
      const entry = rows.find((r) => r.incident.id === incidentId);
      if (!entry) {
        return {
          kind: 'notice',
          title: 'Nothing to claim',
          text: `Incident ${incidentId} does not await your organisation's action (any more).`,
          style: 'default',
        };
      }
      const response = (await deps.responses.get(tenant.tenantId, incidentId))?.value;
      const stored = entry.record.claim;
      const active = isClaimActive(stored, response, now.getTime(), deps.lapseAfterMs)
        ? stored
        : undefined;
      const decision = decide(tenant, active, at);
      const state: ClaimCardState = {
        tenant,
        incident: entry.incident,
        response,
        claim: decision.write ? decision.claim : active,
        awaitingCount: rows.length,
      };
      const answer = (kicker: Decision['kicker']): CardActionResult => ({
        kind: 'card',
        card: claimCard({ ...state, ...(kicker ? { kicker } : {}) }, from.userId ?? ''),
      });
      const base = { tenantId: tenant.tenantId, incidentId, at };
      if (!decision.write) {
        if (decision.refusal) {
          const actor = {
            userId: from.userId || 'unknown',
            ...(from.userName ? { name: from.userName } : {}),
          };
          await deps.store.batch([
            claimAuditOp({
              ...base,
              action: 'refused',
              actor,
              detail: `${verb}: ${decision.refusal}`,
            }),
          ]);
        }
        return answer(decision.kicker);
      }
      const record: AwaitingRecord = { ...entry.record };
      if (decision.claim) record.claim = decision.claim;
      else delete record.claim;
      const lapsed =
        stored && !active
          ? { detail: `took over from ${stored.name}, whose claim had lapsed` }
          : {};
      const clicker = { userId: from.userId ?? '', kicker: decision.kicker };
      const change = `${verb}-${Date.parse(at)}`;
      const jobs = await claimCopyJobs(deps.delivery, state, change, at, clicker);
      const ops: WriteOp[] = [
        {
          kind: 'put',
          collection: AWAITING,
          key: awaitingKey(tenant.tenantId, incidentId),
          value: record,
          expectedVersion: entry.version,
        },
        claimAuditOp({ ...base, ...lapsed, ...decision.audit }),
        ...deps.delivery.enqueueOps(jobs),
      ];
      try {
        await deps.store.batch(ops);
      } catch (err) {
        // A reminder pass or another click changed the record meanwhile: decide again on it.
        if (err instanceof StoreConflictError && attempt < MAX_ATTEMPTS) continue;
        throw err;
      }
      deps.delivery.wake();
      deps.logger.info(
        { tenantId: tenant.tenantId, incidentId, verb, copies: jobs.length },
        'incident claim changed',
      );
      return answer(decision.kicker);
    }
  }
}
