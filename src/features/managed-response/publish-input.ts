// What the experts publish, and how it becomes (or updates) the stored response actions. A
// republication may reword actions and add or withdraw pending ones; it never rewrites the
// history of an action someone has acted on.
import { NotPermittedError } from '../../domain/errors.ts';
import type { InvestigationSummary } from '../../domain/managed-response.ts';
import type {
  ActionKind,
  ActionTarget,
  IsolationType,
  ResponseAction,
} from '../../domain/response-action.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import { EXPERTS_ACTOR } from '../../domain/actors.ts';
import { isUndo } from '../../domain/undo-action.ts';
import { ResponseConflictError } from './response-errors.ts';

export interface ActionInput {
  /** Unique within the incident; letters, digits, '-' and '_' (it names card elements). */
  id: string;
  kind: ActionKind;
  title: string;
  description: string;
  impact?: string;
  /** One-click actions: the Defender device. */
  device?: { id: string; name: string };
  /** quarantineFile: the file (SHA-1) on that device. */
  file?: { sha1: string; name: string };
  isolationType?: IsolationType;
  /** The experts did it themselves (only with Security Operator access to the tenant). */
  completedByExperts?: boolean;
}

export interface PublishInput {
  summary: InvestigationSummary;
  actions: ActionInput[];
}

export function newAction(input: ActionInput, tenant: CustomerTenant, at: string): ResponseAction {
  const base = {
    id: input.id,
    title: input.title,
    description: input.description,
    ...(input.impact ? { impact: input.impact } : {}),
    createdAt: at,
    history: [],
  };
  const action: ResponseAction =
    input.kind === 'manual'
      ? { ...base, kind: 'manual', status: 'pending' }
      : {
          ...base,
          kind: input.kind,
          status: 'pending',
          target: targetOf(input),
          attempts: 0,
          ...(input.kind === 'isolateDevice'
            ? { isolationType: input.isolationType ?? 'full' }
            : {}),
        };
  return input.completedByExperts ? completedByExperts(action, tenant, at) : action;
}

/** Merges a republication into the stored actions (in the order the experts give). */
export function mergeActions(
  existing: readonly ResponseAction[],
  inputs: readonly ActionInput[],
  tenant: CustomerTenant,
  at: string,
): ResponseAction[] {
  const wanted = new Set(inputs.map((i) => i.id));
  // The customer's undos (Release from isolation…) are theirs: kept whatever the experts send.
  const undos = existing.filter(isUndo);
  const taken = undos.find((u) => wanted.has(u.id));
  if (taken) {
    throw new ResponseConflictError(
      'ACTION_STARTED',
      `Action id "${taken.id}" is the customer's "${taken.title}"; choose another id.`,
    );
  }
  for (const action of existing) {
    if (!wanted.has(action.id) && !isUndo(action) && action.status !== 'pending') {
      throw new ResponseConflictError(
        'ACTION_STARTED',
        `Action "${action.id}" is ${action.status}; it cannot be withdrawn. Keep it in the list.`,
      );
    }
  }
  const merged = inputs.map((input) => {
    const old = existing.find((a) => a.id === input.id);
    if (!old) return newAction(input, tenant, at);
    if (old.status === 'pending') {
      const fresh = newAction(input, tenant, at);
      return fresh.status === 'pending' ? { ...fresh, createdAt: old.createdAt } : fresh;
    }
    if (old.kind !== input.kind || !sameTarget(old, input)) {
      throw new ResponseConflictError(
        'ACTION_STARTED',
        `Action "${old.id}" is ${old.status}; its kind and target cannot change.`,
      );
    }
    const reworded = { ...old, title: input.title, description: input.description };
    if (input.impact) return { ...reworded, impact: input.impact };
    Reflect.deleteProperty(reworded, 'impact');
    return reworded;
  });
  return [...merged, ...undos];
}

function completedByExperts(
  action: ResponseAction,
  tenant: CustomerTenant,
  at: string,
): ResponseAction {
  if (tenant.expertsAccess !== 'operator') {
    throw new NotPermittedError(
      `The experts hold Security Reader access to ${tenant.name}: actions must go to the customer, ` +
        'not be recorded as completed by the experts.',
    );
  }
  const by = { ...EXPERTS_ACTOR };
  const entry = { at, by, from: action.status, to: 'completed' as const };
  return { ...action, status: 'completed', history: [entry], updatedBy: by, updatedAt: at };
}

function targetOf(input: ActionInput): ActionTarget {
  if (!input.device) return { kind: 'none' };
  const device = { deviceId: input.device.id, deviceName: input.device.name };
  return input.file
    ? { kind: 'file', sha1: input.file.sha1, fileName: input.file.name, ...device }
    : { kind: 'device', ...device };
}

function sameTarget(action: ResponseAction, input: ActionInput): boolean {
  if (action.kind === 'manual') return input.kind === 'manual';
  const target = targetOf(input);
  if (action.target.kind !== target.kind) return false;
  if (action.target.kind === 'none' || target.kind === 'none') return true;
  return action.target.deviceId.toLowerCase() === target.deviceId.toLowerCase();
}
