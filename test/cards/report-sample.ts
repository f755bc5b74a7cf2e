// A month of synthetic history for one tenant, shaped like the demo's (Contoso): incidents the
// experts resolved, some handed to the customer and back, some still awaiting, with actions,
// clicks and reminders. `awaitingCount` scales the awaiting list for the size checks.
import { buildReport } from '../../src/domain/report/build-report.ts';
import type { Report } from '../../src/domain/report/report.ts';
import type {
  AwaitingPeriod,
  ReportAction,
  ReportAuditEntry,
  ReportHistory,
  ReportIncident,
} from '../../src/domain/report/report-history.ts';

export const SAMPLE_TENANT = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
export const SAMPLE_NOW = '2026-03-02T09:00:00.000Z';
const HOUR = 3_600_000;
const at = (hoursBefore: number) =>
  new Date(Date.parse(SAMPLE_NOW) - hoursBefore * HOUR).toISOString();

const titles = [
  'Multi-stage incident involving Initial access & Ransomware on WS-0142',
  'Suspicious PowerShell download [Invoke-WebRequest] on SRV-DB01',
  'Phishing campaign targeting finance (12 mailboxes)',
  'Credential theft attempt via LSASS access on WS-0217',
  'Unusual sign-in activity from an anonymous IP address',
];

export function sampleHistory(awaitingCount = 3): ReportHistory {
  const incidents: ReportIncident[] = [];
  const awaitingPeriods: AwaitingPeriod[] = [];
  const actions: ReportAction[] = [];
  const audit: ReportAuditEntry[] = [];
  const outcomes = [
    ['truePositive', 'malware'],
    ['truePositive', 'malware'],
    ['truePositive', 'phishing'],
    ['falsePositive', 'notMalicious'],
    ['falsePositive', 'notMalicious'],
    ['informationalExpectedActivity', 'securityTesting'],
    ['truePositive', 'compromisedAccount'],
  ] as const;
  const severities = ['high', 'medium', 'low', 'medium', 'informational'] as const;
  for (let i = 0; i < 14; i++) {
    const id = String(2972400 + i);
    const [classification, determination] = outcomes[i % outcomes.length] ?? ['unknown', 'unknown'];
    const created = 24 * (i + 1) + 5;
    incidents.push({
      id,
      title: titles[i % titles.length] ?? 'Incident',
      severity: severities[i % severities.length] ?? 'low',
      status: 'resolved',
      assignedTo: null,
      classification,
      determination,
      createdAt: at(created),
      lastUpdatedAt: at(created - 20),
      handledByExperts: true,
      webUrl: `https://security.microsoft.com/incidents/${id}?tid=${SAMPLE_TENANT}`,
    });
    audit.push(expert(id, at(created - 1)));
    if (classification === 'truePositive') {
      const waited = 2 + ((i * 7) % 19);
      awaitingPeriods.push({
        incidentId: id,
        start: at(created - 2),
        end: at(created - 2 - waited),
      });
      const done = at(created - 2 - waited);
      actions.push(
        action(
          id,
          `${id}-isolate`,
          'isolateDevice',
          [{ at: done, to: 'completed' }],
          `WS-0${140 + i}`,
        ),
        action(id, `${id}-manual`, 'manual', [
          { at: done, to: i % 4 === 0 ? 'skipped' : 'completed' },
        ]),
      );
      if (i % 3 === 0) {
        actions.push(
          action(
            id,
            `${id}-release`,
            'releaseFromIsolation',
            [{ at: at(created - 25 - waited), to: 'completed' }],
            `WS-0${140 + i}`,
          ),
        );
      }
      if (i % 5 === 1) {
        actions.push(
          action(
            id,
            `${id}-file`,
            'quarantineFile',
            [{ at: done, to: 'failed' }],
            `WS-0${140 + i}`,
          ),
        );
      }
      const people = [
        ['u-adele', 'Adele Vance'],
        ['u-alex', 'Alex Wilber'],
        ['u-megan', 'Megan Bowen'],
      ] as const;
      const [userId, name] = people[i % people.length] ?? ['u-adele', 'Adele Vance'];
      audit.push(click(id, done, userId, name), click(id, done, userId, name, 'confirmation'));
    }
  }
  for (let k = 0; k < awaitingCount; k++) {
    const id = String(2973000 + k);
    const waited = [2, 9, 30, 100][k % 4] ?? 2;
    incidents.push({
      id,
      title: titles[k % titles.length] ?? 'Incident',
      severity: severities[k % severities.length] ?? 'high',
      status: 'active',
      assignedTo: 'Customer',
      classification: 'unknown',
      determination: 'unknown',
      createdAt: at(waited + 3),
      lastUpdatedAt: at(waited),
      handledByExperts: true,
      webUrl: `https://security.microsoft.com/incidents/${id}?tid=${SAMPLE_TENANT}`,
    });
    awaitingPeriods.push({ incidentId: id, start: at(waited + 0.25 * (k % 3)) });
  }
  return {
    tenantId: SAMPLE_TENANT,
    tenantName: 'Contoso',
    incidents,
    awaitingPeriods,
    actions,
    audit,
    notices: [
      { kind: 'reminder', incidentId: '2973001', at: at(5), recipients: 2 },
      { kind: 'reminder', incidentId: '2973002', at: at(26), recipients: 2 },
      { kind: 'escalation', incidentId: '2973002', at: at(6), recipients: 1 },
    ],
  };
}

/** The report of the last 7 days of `sampleHistory(awaitingCount)`, Berlin time. */
export function sampleReport(awaitingCount = 3): Report {
  return buildReport(sampleHistory(awaitingCount), {
    from: at(7 * 24),
    to: SAMPLE_NOW,
    now: SAMPLE_NOW,
    timeZone: 'Europe/Berlin',
  });
}

function expert(incidentId: string, when: string): ReportAuditEntry {
  return {
    at: when,
    kind: 'publish',
    actor: { userId: 'expert-1', name: 'Experts analyst', via: 'expertsApi' },
    incidentId,
    operation: 'publish',
    result: 'published',
  };
}

function click(
  incidentId: string,
  when: string,
  userId: string,
  name: string,
  kind = 'attempt',
): ReportAuditEntry {
  return { at: when, kind, actor: { userId, name, via: 'teams' }, incidentId, result: 'completed' };
}

function action(
  incidentId: string,
  id: string,
  kind: ReportAction['kind'],
  history: ReportAction['history'],
  deviceName?: string,
): ReportAction {
  return {
    incidentId,
    id,
    kind,
    status: history.at(-1)?.to ?? 'pending',
    history,
    ...(deviceName ? { device: { deviceId: deviceName.toLowerCase(), deviceName } } : {}),
  };
}
