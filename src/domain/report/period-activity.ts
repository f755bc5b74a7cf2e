// What happened within the period besides the incidents themselves: response action outcomes by
// kind, the people who acted on the cards, and the reminders and escalations that went out.
import { oneClickKinds, type ActionKind } from '../response-action.ts';
import type { ReportHistory } from './report-history.ts';
import type { ActingContact, ActionOutcomes, Report } from './report.ts';

type InPeriod = (at: string) => boolean;
type Outcome = 'completed' | 'skipped' | 'failed';

const outcomes: ReadonlySet<string> = new Set<Outcome>(['completed', 'skipped', 'failed']);
const kindOrder: readonly ActionKind[] = [...oneClickKinds, 'manual'];
/** Audit actor ids of the service's own steps (audit-trail.ts), never a customer contact. */
const serviceActors = new Set(['experts', 'defender', 'system', 'unknown']);

/** Each action once, by its last outcome within the period (a failure retried to success counts as completed). */
export function actionOutcomes(
  history: Pick<ReportHistory, 'actions'>,
  inPeriod: InPeriod,
): Report['actions'] {
  const byKind = new Map<ActionKind, ActionOutcomes>();
  for (const action of history.actions) {
    const last = action.history.filter((h) => outcomes.has(h.to) && inPeriod(h.at)).at(-1);
    if (!last) continue;
    const row = byKind.get(action.kind) ?? {
      kind: action.kind,
      completed: 0,
      skipped: 0,
      failed: 0,
    };
    row[last.to as Outcome] += 1;
    byKind.set(action.kind, row);
  }
  const byKindRows = kindOrder.flatMap((kind) => byKind.get(kind) ?? []);
  const total = (key: Outcome) => byKindRows.reduce((n, row) => n + row[key], 0);
  return {
    total: { completed: total('completed'), skipped: total('skipped'), failed: total('failed') },
    byKind: byKindRows,
  };
}

/** The customer's own clicks in Teams: running or retrying an action, confirming it done or skipped. */
export function actingContacts(
  history: Pick<ReportHistory, 'audit'>,
  inPeriod: InPeriod,
): ActingContact[] {
  const people = new Map<string, ActingContact & { lastMs: number }>();
  for (const entry of history.audit) {
    if (entry.kind !== 'attempt' && entry.kind !== 'confirmation') continue;
    if (entry.actor.via !== 'teams' || entry.result === 'refused' || !inPeriod(entry.at)) continue;
    const key = entry.actor.userId.toLowerCase();
    if (serviceActors.has(key)) continue;
    const person = people.get(key) ?? {
      userId: entry.actor.userId,
      name: '',
      actions: 0,
      lastMs: -Infinity,
    };
    person.actions += 1;
    // The newest name wins: people get renamed.
    const ms = Date.parse(entry.at);
    if (ms >= person.lastMs) {
      person.name = entry.actor.name;
      person.lastMs = ms;
    }
    people.set(key, person);
  }
  return [...people.values()]
    .map(({ lastMs: _lastMs, ...person }) => person)
    .sort((a, b) => b.actions - a.actions || a.name.localeCompare(b.name));
}

export function noticesSent(
  history: Pick<ReportHistory, 'notices'>,
  inPeriod: InPeriod,
): Report['notices'] {
  const of = (kind: 'reminder' | 'escalation') =>
    history.notices.filter((notice) => notice.kind === kind && inPeriod(notice.at));
  const reminders = of('reminder');
  const escalations = of('escalation');
  const recipients = (list: readonly { recipients: number }[]) =>
    list.reduce((n, notice) => n + notice.recipients, 0);
  return {
    reminders: reminders.length,
    reminderRecipients: recipients(reminders),
    escalations: escalations.length,
    escalationRecipients: recipients(escalations),
  };
}
