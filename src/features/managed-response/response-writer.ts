// Every change to a stored managed response goes through here: compare-and-set on the record
// (only the writer that wins a version makes the change, which is what makes clicks exactly-once),
// and in the same store batch the audit entries, the edits of every card copy, and, when the
// change finishes the last customer action, the hand-back to the experts (incident task, SOC
// thread reply). After the batch the delivery engine is woken and the hand-back started.
import type { Delivery } from '../../shared/delivery.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { WriteOp } from '../../store/store.ts';
import { StoreConflictError } from '../../store/store.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { ConversationRegistry } from '../../shared/conversation-registry.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { isHandedBack } from '../../domain/managed-response.ts';
import type { AuditTrail, NewAuditEntry } from './audit-trail.ts';
import type { CardCopies } from './card-copies.ts';
import type { DeviceActionIndex } from './device-action-index.ts';
import { updateCopyJobs, type CardsToSend } from './copy-jobs.ts';
import { handBackComment, handBackSocText, socReplyJobs } from './incident-messages.ts';
import type { IncidentTasks } from './incident-tasks.ts';
import type { DefenderPort } from './ports.ts';
import type { DeviceFactsSource } from './device-facts.ts';
import { refreshAudience } from './refresh-audience.ts';

export interface StoredResponse {
  response: ManagedResponse;
  version: number;
}

export type Decision<R> =
  | {
      write: true;
      response: ManagedResponse;
      audit: NewAuditEntry[];
      cards: CardsToSend;
      result: R;
      /** More writes of the same batch (e.g. closing the clicker's confirmation step). */
      ops?: WriteOp[];
    }
  | { write: false; result: R };

export interface WriterDeps {
  repository: ManagedResponseRepository;
  store: { batch(ops: WriteOp[]): Promise<void> };
  delivery: Delivery;
  copies: CardCopies;
  conversations: Pick<ConversationRegistry, 'list'>;
  incidents: Pick<IncidentDirectory, 'get'>;
  defender: DefenderPort;
  tasks: IncidentTasks;
  /** Kept in step in the same batch (device conflicts read it, not the whole tenant). */
  deviceActions: Pick<DeviceActionIndex, 'opsFor'>;
  audit: AuditTrail;
  now: Clock;
  logger: Logger;
  /** Device facts on the copies' task cards, as on the clicker's own (absent: none shown). */
  deviceFacts?: DeviceFactsSource;
  /** Work started after a write (hand-back); the feature awaits it on stop. */
  background: (work: Promise<unknown>) => void;
}

export interface WriteOutcome<R> {
  result: R;
  stored: StoredResponse;
  written: boolean;
}

const MAX_ATTEMPTS = 20;

export class ResponseWriter {
  constructor(private readonly deps: WriterDeps) {}

  async load(tenantId: string, incidentId: string): Promise<StoredResponse> {
    const record = await this.deps.repository.get(tenantId, incidentId);
    if (!record) throw new NotFoundError('managed response', incidentId);
    return { response: record.value, version: record.version };
  }

  /** Reads, decides, writes; a lost race re-reads and decides again. */
  async change<R>(
    tenantId: string,
    incidentId: string,
    decide: (current: StoredResponse) => Decision<R> | Promise<Decision<R>>,
  ): Promise<WriteOutcome<R>> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.load(tenantId, incidentId);
      const decision = await decide(current);
      if (!decision.write) return { result: decision.result, stored: current, written: false };
      try {
        const stored = await this.commit(current, decision, decision.ops);
        return { result: decision.result, stored, written: true };
      } catch (err) {
        if (!(err instanceof StoreConflictError) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  /** Writes `next` at `current.version` (or creates it when current is undefined). */
  async commit(
    current: StoredResponse | undefined,
    decision: { response: ManagedResponse; audit: NewAuditEntry[]; cards: CardsToSend },
    extraOps: WriteOp[] = [],
  ): Promise<StoredResponse> {
    const { deps } = this;
    const next = decision.response;
    const version = (current?.version ?? 0) + 1;
    const ops: WriteOp[] = [
      deps.repository.putOp(next, current?.version ?? 0),
      ...decision.audit.map((entry) => deps.audit.entryOp(entry)),
      ...extraOps,
      ...(await deps.deviceActions.opsFor(current?.response, next)),
    ];
    const tenant = deps.defender.forTenant(next.tenantId).tenant;
    const incident = await deps.incidents.get(next.tenantId, next.incidentId);
    const now = deps.now().toISOString();
    const copies = await deps.copies.list(next.tenantId, next.incidentId);
    if (copies.length > 0) {
      const audience = await refreshAudience(deps.conversations, tenant);
      const devices = await deps.deviceFacts?.forResponse(next);
      const ctx = {
        tenant,
        response: next,
        incident,
        audience,
        stamp: `v${version}`,
        now,
        ...(devices && { devices }),
      };
      ops.push(...deps.delivery.enqueueOps(updateCopyJobs(copies, ctx, decision.cards)));
    }
    let handBackTask: string | undefined;
    const handingBack =
      current !== undefined &&
      !isHandedBack(current.response, incident) &&
      isHandedBack(next, incident);
    if (handingBack) {
      const { task, op } = deps.tasks.create({
        tenantId: next.tenantId,
        incidentId: next.incidentId,
        kind: 'handBack',
        comment: handBackComment(next),
      });
      handBackTask = task.id;
      const notes = socReplyJobs(
        tenant,
        next.incidentId,
        handBackSocText(next),
        `v${version}`,
        now,
      );
      ops.push(op, ...deps.delivery.enqueueOps(notes));
      ops.push(
        deps.audit.entryOp({
          kind: 'handBack',
          actor: { userId: 'system', name: 'Managed response bot', via: 'system' },
          tenantId: next.tenantId,
          incidentId: next.incidentId,
          result: 'handedBack',
        }),
      );
    }
    await deps.store.batch(ops);
    deps.delivery.wake();
    if (handBackTask) {
      deps.logger.info({ tenantId: next.tenantId, incidentId: next.incidentId }, 'hand-back');
      deps.background(deps.tasks.run(handBackTask));
    }
    return { response: next, version };
  }
}
