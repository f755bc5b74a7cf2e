import assert from 'node:assert/strict';
import { DomainError } from '../../../src/domain/errors.ts';
import { buildReport } from '../../../src/domain/report/build-report.ts';
import { resolveReportPeriod } from '../../../src/domain/report/report-period.ts';
import type { ReportHistory } from '../../../src/domain/report/report-history.ts';
import {
  action,
  awaitingIncident,
  customerClick,
  DAY,
  daysAgo,
  expertsEntry,
  history,
  HOUR,
  hoursAgo,
  lastWeek,
  notice,
  NOW,
  period,
  reportIncident,
  TENANT,
} from './history-builders.ts';

describe('buildReport', () => {
  describe('an empty period', () => {
    const report = buildReport(history(), lastWeek());

    it('has every figure at zero, no median, and the four trend periods', () => {
      assert.equal(report.investigated.total, 0);
      assert.deepEqual(report.investigated.byClassification, []);
      assert.deepEqual(
        report.investigated.bySeverity.map((row) => [row.severity, row.count]),
        [
          ['high', 0],
          ['medium', 0],
          ['low', 0],
          ['informational', 0],
          ['unknown', 0],
        ],
      );
      assert.deepEqual(
        report.awaiting.byAge.map((row) => row.count),
        [0, 0, 0, 0],
      );
      assert.deepEqual(report.awaiting.incidents, []);
      assert.deepEqual(report.handBack.current, {
        from: daysAgo(7),
        to: NOW,
        handBacks: 0,
        medianMs: null,
        p90Ms: null,
        openAtEnd: 0,
      });
      assert.equal(report.handBack.previous.length, 4);
      assert.deepEqual(report.actions, {
        total: { completed: 0, skipped: 0, failed: 0 },
        byKind: [],
      });
      assert.deepEqual(report.containedDevices, []);
      assert.deepEqual(report.contacts, []);
      assert.deepEqual(report.notices, {
        reminders: 0,
        reminderRecipients: 0,
        escalations: 0,
        escalationRecipients: 0,
      });
    });

    it('says which period and tenant it is about, in UTC by default', () => {
      assert.deepEqual(report.period, { from: daysAgo(7), to: NOW, timeZone: 'UTC' });
      assert.equal(report.tenantName, 'Contoso');
      assert.equal(report.tenantId, TENANT);
      assert.equal(report.generatedAt, NOW);
    });
  });

  describe('one incident through its whole life in the period', () => {
    const report = buildReport(
      history({
        incidents: [reportIncident({ createdAt: daysAgo(3), lastUpdatedAt: daysAgo(1) })],
        awaitingPeriods: [period('1001', hoursAgo(60), hoursAgo(54))],
        actions: [action({ history: [{ at: hoursAgo(55), to: 'completed' }] })],
        audit: [expertsEntry(hoursAgo(60)), customerClick(hoursAgo(55))],
        notices: [notice('reminder', hoursAgo(56), 2)],
      }),
      lastWeek(),
    );

    it('counts it as investigated, by classification and severity', () => {
      assert.equal(report.investigated.total, 1);
      assert.deepEqual(report.investigated.byClassification, [
        { classification: 'truePositive', determination: 'malware', count: 1 },
      ]);
      assert.equal(report.investigated.bySeverity.find((r) => r.severity === 'high')?.count, 1);
    });

    it('measures its hand-back', () => {
      assert.equal(report.handBack.current.handBacks, 1);
      assert.equal(report.handBack.current.medianMs, 6 * HOUR);
      assert.equal(report.handBack.current.p90Ms, 6 * HOUR);
      assert.equal(report.handBack.current.openAtEnd, 0);
    });

    it('counts its action, the device it contains, who acted and the reminder', () => {
      assert.deepEqual(report.actions.byKind, [
        { kind: 'isolateDevice', completed: 1, skipped: 0, failed: 0 },
      ]);
      assert.deepEqual(report.containedDevices, [
        {
          deviceId: 'dev-1',
          deviceName: 'WS-0142',
          containments: ['isolated'],
          since: hoursAgo(55),
          incidentId: '1001',
        },
      ]);
      assert.deepEqual(report.contacts, [{ userId: 'u-adele', name: 'Adele Vance', actions: 1 }]);
      assert.deepEqual(report.notices, {
        reminders: 1,
        reminderRecipients: 2,
        escalations: 0,
        escalationRecipients: 0,
      });
    });

    it('leaves out incidents the experts do not handle', () => {
      const own = reportIncident({ id: '2002', handledByExperts: false });
      const withOwn = buildReport(history({ incidents: [own] }), lastWeek());
      assert.equal(withOwn.investigated.total, 0);
    });
  });

  describe('incidents that span the period’s edges', () => {
    const options = lastWeek();

    it('counts an incident created before the period and resolved within it', () => {
      const incident = reportIncident({ createdAt: daysAgo(20), lastUpdatedAt: daysAgo(2) });
      assert.equal(buildReport(history({ incidents: [incident] }), options).investigated.total, 1);
    });

    it('does not count one created and resolved before the period', () => {
      const incident = reportIncident({ createdAt: daysAgo(20), lastUpdatedAt: daysAgo(8) });
      assert.equal(buildReport(history({ incidents: [incident] }), options).investigated.total, 0);
    });

    it('does not count one created within the period but after its end', () => {
      const incident = reportIncident({ createdAt: hoursAgo(-1), lastUpdatedAt: hoursAgo(-2) });
      const before = { from: daysAgo(14), to: daysAgo(7), now: NOW };
      assert.equal(buildReport(history({ incidents: [incident] }), before).investigated.total, 0);
    });

    it('counts an older open incident once the experts act on it within the period', () => {
      const incident = awaitingIncident({ createdAt: daysAgo(30), lastUpdatedAt: daysAgo(25) });
      const quiet = history({ incidents: [incident] });
      assert.equal(buildReport(quiet, options).investigated.total, 0);
      const updated = history({ incidents: [incident], audit: [expertsEntry(daysAgo(3))] });
      assert.equal(buildReport(updated, options).investigated.total, 1);
      const handedOver = history({
        incidents: [incident],
        awaitingPeriods: [period('1001', daysAgo(2))],
      });
      assert.equal(buildReport(handedOver, options).investigated.total, 1);
    });

    it('counts a hand-back in the period in which it happened, with its whole duration', () => {
      const spanning = history({
        incidents: [reportIncident()],
        awaitingPeriods: [period('1001', daysAgo(9), daysAgo(6))],
      });
      const report = buildReport(spanning, options);
      assert.equal(report.handBack.current.handBacks, 1);
      assert.equal(report.handBack.current.medianMs, 3 * DAY);
      // The week before saw it begin, not end: open at that week's end, not measured.
      const before = report.handBack.previous.at(-1);
      assert.deepEqual([before?.handBacks, before?.openAtEnd], [0, 1]);
    });

    it('ignores a hand-back after `now` and an awaiting period begun after the period', () => {
      const future = history({
        incidents: [reportIncident()],
        awaitingPeriods: [period('1001', hoursAgo(2), hoursAgo(-1))],
      });
      const report = buildReport(future, options);
      assert.equal(report.handBack.current.handBacks, 0);
      assert.equal(report.handBack.current.openAtEnd, 1);
      assert.equal(report.handBack.previous.at(-1)?.openAtEnd, 0);
    });
  });

  describe('a hand-back that never came', () => {
    const waiting = awaitingIncident({
      id: '3003',
      title: 'Phishing campaign',
      severity: 'medium',
      webUrl: '',
    });
    const report = buildReport(
      history({
        incidents: [reportIncident(), waiting],
        awaitingPeriods: [period('1001', hoursAgo(30), hoursAgo(20)), period('3003', hoursAgo(50))],
      }),
      lastWeek(),
    );

    it('is not in the median, and is reported as open', () => {
      assert.equal(report.handBack.current.handBacks, 1);
      assert.equal(report.handBack.current.medianMs, 10 * HOUR);
      assert.equal(report.handBack.current.openAtEnd, 1);
    });

    it('is listed as awaiting now, aged from the start of its awaiting period, with its link', () => {
      assert.deepEqual(report.awaiting.incidents, [
        {
          id: '3003',
          title: 'Phishing campaign',
          severity: 'medium',
          since: hoursAgo(50),
          waitedMs: 50 * HOUR,
          bucket: 'days1To3',
          webUrl: `https://security.microsoft.com/incidents/3003?tid=${TENANT}`,
        },
      ]);
    });

    it('stops counting as open once its incident was closed without a hand-back', () => {
      const resolved = reportIncident({ id: '3003', lastUpdatedAt: hoursAgo(10) });
      const closed = buildReport(
        history({ incidents: [resolved], awaitingPeriods: [period('3003', hoursAgo(50))] }),
        lastWeek(),
      );
      assert.equal(closed.handBack.current.openAtEnd, 0);
      assert.equal(closed.handBack.current.handBacks, 0);
      assert.equal(closed.awaiting.total, 0);
    });
  });

  describe('awaiting now', () => {
    it('sorts by age into under 4 hours, 4–24 hours, 1–3 days and over 3 days', () => {
      const ages = [0, 3.99, 4, 23.99, 24, 71.99, 72, 500];
      const incidents = ages.map((_, i) => awaitingIncident({ id: String(100 + i) }));
      const awaitingPeriods = ages.map((hours, i) => period(String(100 + i), hoursAgo(hours)));
      const report = buildReport(history({ incidents, awaitingPeriods }), lastWeek());
      assert.deepEqual(
        report.awaiting.byAge.map((row) => [row.bucket, row.count]),
        [
          ['under4Hours', 2],
          ['hours4To24', 2],
          ['days1To3', 2],
          ['over3Days', 2],
        ],
      );
      assert.deepEqual(
        report.awaiting.incidents.map((i) => i.id),
        ['107', '106', '105', '104', '103', '102', '101', '100'],
      );
    });

    it('ages an incident without a recorded period from its last update, and links the portal', () => {
      const incident = awaitingIncident({ id: '42', lastUpdatedAt: hoursAgo(5), webUrl: '' });
      const [row] = buildReport(history({ incidents: [incident] }), lastWeek()).awaiting.incidents;
      assert.equal(row?.waitedMs, 5 * HOUR);
      assert.equal(row?.webUrl, `https://security.microsoft.com/incidents/42?tid=${TENANT}`);
    });
  });

  it('gives the median and 90th percentile by interpolation between ranks', () => {
    const hours = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    const incidents = hours.map((_, i) => reportIncident({ id: String(i) }));
    const awaitingPeriods = hours.map((h, i) => period(String(i), hoursAgo(24 + h), hoursAgo(24)));
    const { current } = buildReport(history({ incidents, awaitingPeriods }), lastWeek()).handBack;
    assert.equal(current.handBacks, 10);
    assert.equal(current.medianMs, 5.5 * HOUR);
    assert.equal(current.p90Ms, 9.1 * HOUR);
  });

  describe('the four-period trend', () => {
    it('steps back by the period’s length for rolling periods, oldest first', () => {
      const awaitingPeriods = [1, 2, 3, 4].map((week) =>
        period(`w${week}`, daysAgo(7 * week + 1), daysAgo(7 * week + 1 - week / 24)),
      );
      const incidents = awaitingPeriods.map((p) => reportIncident({ id: p.incidentId }));
      const report = buildReport(history({ incidents, awaitingPeriods }), lastWeek());
      assert.deepEqual(
        report.handBack.previous.map((p) => [p.from, p.to, p.handBacks, p.medianMs]),
        [
          [daysAgo(35), daysAgo(28), 1, 4 * HOUR],
          [daysAgo(28), daysAgo(21), 1, 3 * HOUR],
          [daysAgo(21), daysAgo(14), 1, 2 * HOUR],
          [daysAgo(14), daysAgo(7), 1, 1 * HOUR],
        ],
      );
      assert.equal(report.handBack.current.handBacks, 0);
    });

    it('uses the previous calendar months for a calendar month', () => {
      const now = new Date('2026-03-10T08:00:00Z');
      const month = resolveReportPeriod(
        { kind: 'calendar', unit: 'month', which: 'previous' },
        now,
      );
      const report = buildReport(history(), { ...month, now: now.toISOString() });
      assert.deepEqual(
        [report.period.from, report.period.to],
        ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      );
      assert.deepEqual(
        report.handBack.previous.map((p) => p.from.slice(0, 10)),
        ['2025-10-01', '2025-11-01', '2025-12-01', '2026-01-01'],
      );
      assert.equal(report.handBack.previous.at(-1)?.to, '2026-02-01T00:00:00.000Z');
    });
  });

  describe('time zones', () => {
    // 23:30 UTC on Sunday 1 March is 00:30 on Monday 2 March in Berlin (UTC+1 in winter).
    const handBackAt = '2026-03-01T23:30:00.000Z';
    const data = history({
      incidents: [reportIncident()],
      awaitingPeriods: [period('1001', '2026-03-01T20:30:00.000Z', handBackAt)],
      audit: [customerClick(handBackAt)],
    });
    const now = new Date('2026-03-03T09:00:00Z');
    const yesterday = { kind: 'calendar', unit: 'day', which: 'previous' } as const;
    const dayBefore = (timeZone: string) => {
      const p = resolveReportPeriod(yesterday, new Date(now.getTime() - DAY), timeZone);
      return buildReport(data, { ...p, now: now.toISOString() });
    };
    const day = (timeZone: string) =>
      buildReport(data, {
        ...resolveReportPeriod(yesterday, now, timeZone),
        now: now.toISOString(),
      });

    it('puts a hand-back at 23:30 UTC on the next day in Europe/Berlin', () => {
      const berlin = day('Europe/Berlin');
      assert.deepEqual(
        [berlin.period.from, berlin.period.to],
        ['2026-03-01T23:00:00.000Z', '2026-03-02T23:00:00.000Z'],
      );
      assert.equal(berlin.handBack.current.handBacks, 1);
      assert.equal(berlin.contacts.length, 1);
      assert.equal(dayBefore('Europe/Berlin').handBack.current.handBacks, 0);
    });

    it('keeps it on 1 March in UTC', () => {
      assert.equal(day('UTC').handBack.current.handBacks, 0);
      const utc = dayBefore('UTC');
      assert.equal(utc.period.from, '2026-03-01T00:00:00.000Z');
      assert.equal(utc.handBack.current.handBacks, 1);
      assert.equal(utc.handBack.current.medianMs, 3 * HOUR);
    });

    it('steps the trend back by local days across a daylight-saving change', () => {
      const now2 = new Date('2026-03-31T10:00:00Z');
      const p = resolveReportPeriod(yesterday, now2, 'Europe/Berlin');
      const report = buildReport(history(), { ...p, now: now2.toISOString() });
      // 29 March 2026 has 23 hours in Berlin (clocks go forward at 02:00).
      assert.deepEqual(
        report.handBack.previous.map((q) => [q.from, q.to]),
        [
          ['2026-03-25T23:00:00.000Z', '2026-03-26T23:00:00.000Z'],
          ['2026-03-26T23:00:00.000Z', '2026-03-27T23:00:00.000Z'],
          ['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z'],
          ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
        ],
      );
    });
  });

  describe('response actions', () => {
    const options = lastWeek();

    it('counts each action once, by its last outcome in the period, one-click kinds first', () => {
      const actions = [
        action({
          id: 'retried',
          history: [
            { at: daysAgo(3), to: 'inProgress' },
            { at: daysAgo(3), to: 'failed' },
            { at: daysAgo(2), to: 'inProgress' },
            { at: daysAgo(2), to: 'completed' },
          ],
        }),
        action({ id: 'failed', history: [{ at: daysAgo(1), to: 'failed' }], status: 'failed' }),
        action({ id: 'skip', kind: 'manual', history: [{ at: daysAgo(1), to: 'skipped' }] }),
        action({ id: 'done', kind: 'manual', history: [{ at: daysAgo(1), to: 'completed' }] }),
        action({
          id: 'file',
          kind: 'quarantineFile',
          history: [{ at: daysAgo(4), to: 'completed' }],
        }),
        action({ id: 'pending', history: [], status: 'pending' }),
        action({ id: 'old', history: [{ at: daysAgo(9), to: 'completed' }] }),
      ];
      const report = buildReport(history({ actions }), options);
      assert.deepEqual(report.actions.byKind, [
        { kind: 'isolateDevice', completed: 1, skipped: 0, failed: 1 },
        { kind: 'quarantineFile', completed: 1, skipped: 0, failed: 0 },
        { kind: 'manual', completed: 1, skipped: 1, failed: 0 },
      ]);
      assert.deepEqual(report.actions.total, { completed: 3, skipped: 1, failed: 1 });
    });

    it('counts a failure in the period even when the retry succeeded after it', () => {
      const actions = [
        action({
          history: [
            { at: daysAgo(8), to: 'failed' },
            { at: daysAgo(6), to: 'completed' },
          ],
        }),
      ];
      const report = buildReport(history({ actions }), {
        from: daysAgo(14),
        to: daysAgo(7),
        now: NOW,
      });
      assert.deepEqual(report.actions.total, { completed: 0, skipped: 0, failed: 1 });
    });

    it('keeps a device contained until a later release, per device and containment', () => {
      const device = (id: string) => ({ deviceId: id, deviceName: id.toUpperCase() });
      const done = (hours: number) => [{ at: hoursAgo(hours), to: 'completed' as const }];
      const actions = [
        action({ id: 'i1', device: device('released'), history: done(30) }),
        action({
          id: 'r1',
          kind: 'releaseFromIsolation',
          device: device('RELEASED'),
          history: done(20),
        }),
        action({ id: 'i2', device: device('again'), history: done(10) }),
        action({
          id: 'r2',
          kind: 'releaseFromIsolation',
          device: device('again'),
          history: done(40),
        }),
        action({
          id: 'x1',
          kind: 'restrictAppExecution',
          device: device('both'),
          history: done(50),
        }),
        action({ id: 'i3', device: device('both'), history: done(45) }),
        action({
          id: 'f1',
          device: device('failed'),
          history: [{ at: hoursAgo(5), to: 'failed' }],
        }),
      ];
      const devices = buildReport(history({ actions }), options).containedDevices;
      assert.deepEqual(
        devices.map((d) => [d.deviceId, d.containments, d.since]),
        [
          ['both', ['isolated', 'restricted'], hoursAgo(50)],
          ['again', ['isolated'], hoursAgo(10)],
        ],
      );
    });
  });

  describe('people who acted, reminders and escalations', () => {
    it('lists each person once with their count, leaving out refusals and the service', () => {
      const audit = [
        customerClick(daysAgo(1)),
        customerClick(daysAgo(2), 'U-ADELE', 'Adele Vance-Smith', { kind: 'confirmation' }),
        customerClick(daysAgo(2), 'u-alex', 'Alex Wilber'),
        customerClick(daysAgo(2), 'u-megan', 'Megan Bowen', { kind: 'refusal', result: 'refused' }),
        customerClick(daysAgo(2), 'defender', 'Defender', {
          actor: { userId: 'defender', name: 'Defender', via: 'system' },
        }),
        customerClick(daysAgo(9), 'u-old', 'Before the period'),
      ];
      assert.deepEqual(buildReport(history({ audit }), lastWeek()).contacts, [
        { userId: 'u-adele', name: 'Adele Vance', actions: 2 },
        { userId: 'u-alex', name: 'Alex Wilber', actions: 1 },
      ]);
    });

    it('counts the reminders and escalations sent in the period and their recipients', () => {
      const notices = [
        notice('reminder', daysAgo(1), 2),
        notice('reminder', daysAgo(3), 1),
        notice('escalation', daysAgo(2), 3),
        notice('reminder', daysAgo(8), 5),
      ];
      assert.deepEqual(buildReport(history({ notices }), lastWeek()).notices, {
        reminders: 2,
        reminderRecipients: 3,
        escalations: 1,
        escalationRecipients: 3,
      });
    });
  });

  it('handles thousands of incidents', () => {
    const count = 5_000;
    const data: ReportHistory = history({
      incidents: Array.from({ length: count }, (_, i) =>
        i % 5 === 0
          ? awaitingIncident({ id: String(i), createdAt: hoursAgo(i % 400) })
          : reportIncident({
              id: String(i),
              severity: (['high', 'medium', 'low', 'informational'] as const)[i % 4] ?? 'low',
              classification: i % 3 === 0 ? 'falsePositive' : 'truePositive',
              determination: i % 3 === 0 ? 'notMalicious' : 'malware',
              createdAt: hoursAgo(i % 900),
              lastUpdatedAt: hoursAgo((i % 900) - 1),
            }),
      ),
      awaitingPeriods: Array.from({ length: count }, (_, i) =>
        i % 5 === 0
          ? period(String(i), hoursAgo((i % 400) + 1))
          : period(String(i), hoursAgo((i % 900) + 10), hoursAgo(i % 900)),
      ),
      actions: Array.from({ length: 2 * count }, (_, i) =>
        action({
          id: `a${i}`,
          incidentId: String(i % count),
          history: [{ at: hoursAgo(i % 700), to: 'completed' }],
        }),
      ),
      audit: Array.from({ length: 4 * count }, (_, i) =>
        customerClick(hoursAgo(i % 800), `u-${i % 37}`, `Person ${i % 37}`),
      ),
      notices: Array.from({ length: count }, (_, i) => notice('reminder', hoursAgo(i % 300))),
    });
    const report = buildReport(data, { from: daysAgo(30), to: NOW, now: NOW });
    const { investigated, awaiting, handBack } = report;
    assert.ok(investigated.total > 1000 && investigated.total <= count);
    assert.equal(
      investigated.bySeverity.reduce((n, row) => n + row.count, 0),
      investigated.total,
    );
    assert.equal(
      investigated.byClassification.reduce((n, row) => n + row.count, 0),
      investigated.total,
    );
    assert.equal(awaiting.total, count / 5);
    assert.equal(
      awaiting.byAge.reduce((n, row) => n + row.count, 0),
      awaiting.total,
    );
    assert.ok(handBack.current.handBacks > 1000);
    assert.equal(handBack.current.openAtEnd, count / 5);
    assert.equal(report.contacts.length, 37);
  });

  describe('refuses options it cannot honour', () => {
    const bad = (options: Partial<Parameters<typeof buildReport>[1]>) => () =>
      buildReport(history(), { ...lastWeek(), ...options });

    it('an unknown time zone', () => {
      assert.throws(
        bad({ timeZone: 'Mars/Olympus' }),
        (e) => e instanceof DomainError && e.code === 'INVALID_INPUT',
      );
    });

    it('a period that ends before it begins, or dates that are not dates', () => {
      assert.throws(bad({ from: NOW, to: daysAgo(1) }), { code: 'INVALID_INPUT' });
      assert.throws(bad({ from: 'last tuesday' }), { code: 'INVALID_INPUT', message: /"from"/ });
      assert.throws(bad({ now: '' }), { code: 'INVALID_INPUT', message: /"now"/ });
    });
  });
});
