// The experts' side of a managed response: publish it (summary and actions), add actions, post
// updates. Publishing stores the response first, so that the notification the watcher triggers
// can already show its headline and pending count, then hands the incident to the customer
// (see incident-tasks.ts) and posts the SOC channel's copy under its incident card.
import type { AudienceSource } from './refresh-audience.ts';
import type { Delivery } from '../../shared/delivery.ts';
import type { Clock } from '../../platform/clock.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import { pendingActionsCount } from '../../domain/actions-summary.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { WriteOp } from '../../store/store.ts';
import { StoreConflictError } from '../../store/store.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import type { AuditTrail, NewAuditEntry } from './audit-trail.ts';
import type { CardCopies } from './card-copies.ts';
import { expertUpdateSocText, publishComment, socReplyJobs } from './incident-messages.ts';
import type { IncidentTasks } from './incident-tasks.ts';
import type { DefenderPort } from './ports.ts';
import { mergeActions, newAction, type ActionInput, type PublishInput } from './publish-input.ts';
import {
  assertUniqueIds,
  expertEntry,
  findIncident,
  runTaskNow,
  versionConflict,
  type ExpertActor,
} from './publish-helpers.ts';
import { ResponseConflictError } from './response-errors.ts';
import type { ResponseWriter, StoredResponse } from './response-writer.ts';
import type { DeviceFactsSource } from './device-facts.ts';
import { socCopyOps } from './soc-copies.ts';

export type { ExpertActor } from './publish-helpers.ts';

export interface PublishDeps {
  writer: ResponseWriter;
  repository: ManagedResponseRepository;
  defender: DefenderPort;
  incidents: Pick<IncidentDirectory, 'get'>;
  copies: CardCopies;
  conversations: AudienceSource;
  delivery: Delivery;
  tasks: IncidentTasks;
  audit: AuditTrail;
  store: { batch(ops: WriteOp[]): Promise<void> };
  now: Clock;
  /** Device facts on the SOC copies' task cards (absent: none shown). */
  deviceFacts?: DeviceFactsSource;
  /** How long a request waits for Graph before answering "queued" (default 8000 ms). */
  incidentUpdateWaitMs?: number;
}

export interface PublishResult {
  stored: StoredResponse;
  created: boolean;
  /** done: Graph took the incident update; queued: it is retried in the background. */
  incidentUpdate: 'done' | 'queued';
}

type Build = (current: StoredResponse | undefined) => {
  response: ManagedResponse;
  audit: NewAuditEntry;
  comment: string;
};

export class PublishService {
  constructor(private readonly deps: PublishDeps) {}

  async get(tenantId: string, incidentId: string): Promise<StoredResponse> {
    this.deps.defender.forTenant(tenantId);
    return this.deps.writer.load(tenantId, incidentId);
  }

  async publish(
    tenantId: string,
    incidentId: string,
    input: PublishInput,
    expert: ExpertActor,
    expectedVersion?: number,
  ): Promise<PublishResult> {
    assertUniqueIds(input.actions);
    return this.#write(tenantId, incidentId, expectedVersion, (tenant, current, at) => {
      const actions = current
        ? mergeActions(current.response.actions, input.actions, tenant, at)
        : input.actions.map((a) => newAction(a, tenant, at));
      const response: ManagedResponse = {
        tenantId: tenant.tenantId,
        incidentId,
        summary: input.summary,
        actions,
        publishedAt: current?.response.publishedAt ?? at,
        updatedAt: at,
      };
      return {
        response,
        audit: expertEntry(tenant, incidentId, expert, 'publish', `${actions.length} actions`),
        comment: publishComment(response),
      };
    });
  }

  async addActions(
    tenantId: string,
    incidentId: string,
    inputs: ActionInput[],
    expert: ExpertActor,
    expectedVersion?: number,
  ): Promise<PublishResult> {
    assertUniqueIds(inputs);
    return this.#write(tenantId, incidentId, expectedVersion, (tenant, current, at) => {
      if (!current)
        throw new InvalidInputError('Publish the managed response before adding actions.');
      for (const input of inputs) {
        if (current.response.actions.some((a) => a.id === input.id)) {
          throw new ResponseConflictError('ACTION_EXISTS', `Action "${input.id}" already exists.`);
        }
      }
      const added = inputs.map((a) => newAction(a, tenant, at));
      const response = {
        ...current.response,
        actions: [...current.response.actions, ...added],
        updatedAt: at,
      };
      return {
        response,
        audit: expertEntry(
          tenant,
          incidentId,
          expert,
          'addActions',
          inputs.map((a) => a.id).join(', '),
        ),
        comment: publishComment({ ...response, actions: added }, true),
      };
    });
  }

  /** An update from the experts: an incident comment and a reply in the SOC channel's thread. */
  async postUpdate(tenantId: string, incidentId: string, text: string, expert: ExpertActor) {
    const { deps } = this;
    const tenant = deps.defender.forTenant(tenantId).tenant;
    await findIncident(this.deps, tenant, incidentId);
    const now = deps.now().toISOString();
    const { task, op } = deps.tasks.create({
      tenantId: tenant.tenantId,
      incidentId,
      kind: 'comment',
      comment: `${expert.name}: ${text}`,
    });
    const notes = socReplyJobs(
      tenant,
      incidentId,
      expertUpdateSocText(text, expert.name),
      task.id,
      now,
    );
    await deps.store.batch([
      op,
      ...deps.delivery.enqueueOps(notes),
      deps.audit.entryOp(
        expertEntry(tenant, incidentId, expert, 'expertUpdate', text.slice(0, 200)),
      ),
    ]);
    deps.delivery.wake();
    return { incidentUpdate: await runTaskNow(this.deps, task.id) };
  }

  async #write(
    tenantId: string,
    incidentId: string,
    expectedVersion: number | undefined,
    build: (
      tenant: CustomerTenant,
      current: StoredResponse | undefined,
      at: string,
    ) => ReturnType<Build>,
  ): Promise<PublishResult> {
    const { deps } = this;
    const tenant = deps.defender.forTenant(tenantId).tenant;
    const incident = await findIncident(this.deps, tenant, incidentId);
    for (let attempt = 1; ; attempt++) {
      const record = await deps.repository.get(tenant.tenantId, incidentId);
      const current = record && { response: record.value, version: record.version };
      if (expectedVersion !== undefined && (current?.version ?? 0) !== expectedVersion) {
        throw versionConflict(expectedVersion, current?.version ?? 0);
      }
      const at = deps.now().toISOString();
      const next = build(tenant, current, at);
      // The customer's own undo is not an action the experts hand over (actions-summary.ts).
      const pending = pendingActionsCount(next.response.actions).open > 0;
      const { task, op } = deps.tasks.create({
        tenantId: tenant.tenantId,
        incidentId,
        kind: pending ? 'handToCustomer' : 'comment',
        comment: next.comment,
      });
      const extra: WriteOp[] = [
        op,
        ...(await socCopyOps(
          deps,
          tenant,
          next.response,
          incident,
          `v${(current?.version ?? 0) + 1}`,
          at,
        )),
      ];
      try {
        const stored = await deps.writer.commit(
          current,
          { response: next.response, audit: [next.audit], cards: 'both' },
          extra,
        );
        return { stored, created: !current, incidentUpdate: await runTaskNow(this.deps, task.id) };
      } catch (err) {
        if (!(err instanceof StoreConflictError)) throw err;
        if (expectedVersion !== undefined || attempt >= 10) {
          throw versionConflict(expectedVersion ?? current?.version ?? 0, undefined);
        }
      }
    }
  }
}
