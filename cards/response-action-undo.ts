// The undo part of a task card: the Release from isolation / Remove app restriction button on a
// completed containment (or one Defender reports already in force), its confirmation step, and on
// the original task a line saying where its undo stands. The server decides again on the click.
import type { DeviceLookup } from '../src/domain/device-facts.ts';
import type { ManagedResponse } from '../src/domain/managed-response.ts';
import type { ResponseAction } from '../src/domain/response-action.ts';
import { isOneClick } from '../src/domain/response-action.ts';
import {
  undoBasis,
  undoKindOf,
  undoLabel,
  undoOf,
  type UndoAction,
} from '../src/domain/undo-action.ts';
import type { ZeroOrOne } from './card-parts.ts';

export interface UndoView {
  /** "Release from isolation" / "Remove app restriction", opens the confirmation step. */
  undo: ZeroOrOne<{ actionId: string; enabled: boolean; label: string }>;
  /** "Release prod-server-01 from isolation? …" with "Yes, release it" and "Cancel". */
  confirmUndo: ZeroOrOne<{ actionId: string; enabled: boolean; question: string; yes: string }>;
  /** On the original: "Release from isolation in progress (requested by Alex Wilber)". */
  undoLine: ZeroOrOne<{ text: string }>;
}

export function undoView(
  action: ResponseAction,
  input: {
    response?: ManagedResponse;
    viewer: 'operator' | 'reader' | 'shared';
    confirming: boolean;
    devices?: { lookups: ReadonlyMap<string, DeviceLookup> } | undefined;
  },
): UndoView {
  const none: UndoView = { undo: [], confirmUndo: [], undoLine: [] };
  const { response } = input;
  if (!response || !isOneClick(action) || action.target.kind === 'none') return none;
  const existing = undoOf(response, action.id);
  if (existing) return { ...none, undoLine: [{ text: undoLineOf(existing) }] };
  if (!undoKindOf(action.kind)) return none;
  // The server checked Defender before it asked for the confirmation: the step is shown as asked.
  if (!input.confirming) {
    const lookup = input.devices?.lookups.get(action.target.deviceId);
    const containment = lookup?.kind === 'facts' ? lookup.containment : undefined;
    if (!undoBasis(response, action, containment)) return none;
    const enabled = input.viewer === 'operator';
    const label = undoLabel(action.kind);
    return { ...none, undo: [{ actionId: action.id, enabled, label }] };
  }
  const device = action.target.deviceName;
  const release = action.kind === 'isolateDevice';
  const question = release
    ? `Release ${device} from isolation? It gets its network connections back.`
    : `Remove the app restriction on ${device}? Every app may run on it again.`;
  const yes = release ? 'Yes, release it' : 'Yes, remove it';
  return { ...none, confirmUndo: [{ actionId: action.id, enabled: true, question, yes }] };
}

function undoLineOf(undo: UndoAction): string {
  const release = undo.kind === 'releaseFromIsolation';
  const by = undo.requestedBy ? ` (requested by ${undo.requestedBy.name})` : '';
  switch (undo.status) {
    case 'completed':
      return `${release ? 'Released from isolation' : 'App restriction removed'}${by}.`;
    case 'failed':
      return `${undoLabel(release ? 'isolateDevice' : 'restrictAppExecution')} failed${by}: retry it on its own task.`;
    default:
      return `${undoLabel(release ? 'isolateDevice' : 'restrictAppExecution')} in progress${by}.`;
  }
}
