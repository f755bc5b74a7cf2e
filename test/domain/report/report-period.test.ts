import assert from 'node:assert/strict';
import {
  parseReportPeriod,
  previousPeriods,
  resolveReportPeriod,
} from '../../../src/domain/report/report-period.ts';
import { startOfLocalDay } from '../../../src/domain/report/zoned-time.ts';

describe('report periods', () => {
  describe('parseReportPeriod', () => {
    it('reads rolling days and calendar words, 7 days by default', () => {
      assert.deepEqual(parseReportPeriod(''), { kind: 'rolling', days: 7 });
      assert.deepEqual(parseReportPeriod(' 30d '), { kind: 'rolling', days: 30 });
      assert.deepEqual(parseReportPeriod('14 days'), { kind: 'rolling', days: 14 });
      assert.deepEqual(parseReportPeriod('Last  Month'), {
        kind: 'calendar',
        unit: 'month',
        which: 'previous',
      });
      assert.deepEqual(parseReportPeriod('week'), {
        kind: 'calendar',
        unit: 'week',
        which: 'current',
      });
      assert.deepEqual(parseReportPeriod('yesterday'), {
        kind: 'calendar',
        unit: 'day',
        which: 'previous',
      });
    });

    it('refuses what it does not know, and more than a year', () => {
      for (const text of ['0d', '367d', '7w', 'fortnight', 'd', '-3d']) {
        assert.equal(parseReportPeriod(text), undefined, text);
      }
    });
  });

  describe('resolveReportPeriod', () => {
    const now = new Date('2026-03-04T10:15:00Z'); // a Wednesday

    it('ends a rolling period now', () => {
      assert.deepEqual(resolveReportPeriod({ kind: 'rolling', days: 7 }, now), {
        from: '2026-02-25T10:15:00.000Z',
        to: '2026-03-04T10:15:00.000Z',
        timeZone: 'UTC',
      });
    });

    it('starts weeks on Monday at local midnight in the tenant’s time zone', () => {
      const week = { kind: 'calendar', unit: 'week' } as const;
      assert.deepEqual(
        resolveReportPeriod({ ...week, which: 'current' }, now, 'America/New_York'),
        {
          from: '2026-03-02T05:00:00.000Z',
          to: '2026-03-04T10:15:00.000Z',
          timeZone: 'America/New_York',
          calendar: 'week',
        },
      );
      assert.deepEqual(resolveReportPeriod({ ...week, which: 'previous' }, now, 'Asia/Tokyo'), {
        from: '2026-02-22T15:00:00.000Z',
        to: '2026-03-01T15:00:00.000Z',
        timeZone: 'Asia/Tokyo',
        calendar: 'week',
      });
    });

    it('takes the date from the tenant’s clock: 23:30 UTC is already tomorrow in Berlin', () => {
      const lateEvening = new Date('2026-03-31T23:30:00Z');
      const month = { kind: 'calendar', unit: 'month', which: 'current' } as const;
      assert.equal(
        resolveReportPeriod(month, lateEvening, 'Europe/Berlin').from,
        '2026-03-31T22:00:00.000Z',
      );
      assert.equal(resolveReportPeriod(month, lateEvening).from, '2026-03-01T00:00:00.000Z');
    });

    it('refuses an unknown time zone and an out-of-range rolling period', () => {
      assert.throws(() => resolveReportPeriod({ kind: 'rolling', days: 7 }, now, 'Nowhere/City'), {
        code: 'INVALID_INPUT',
        message: /IANA time zone/,
      });
      assert.throws(() => resolveReportPeriod({ kind: 'rolling', days: 0 }, now), {
        code: 'INVALID_INPUT',
      });
    });
  });

  describe('previousPeriods', () => {
    it('are whole calendar weeks for a week to date, oldest first', () => {
      const week = resolveReportPeriod(
        { kind: 'calendar', unit: 'week', which: 'current' },
        new Date('2026-03-04T10:15:00Z'),
      );
      assert.deepEqual(previousPeriods(week, 2), [
        { from: '2026-02-16T00:00:00.000Z', to: '2026-02-23T00:00:00.000Z' },
        { from: '2026-02-23T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' },
      ]);
    });
  });

  describe('startOfLocalDay', () => {
    it('follows daylight saving and half-hour offsets', () => {
      assert.equal(iso('Europe/Berlin', 2026, 3, 29), '2026-03-28T23:00:00.000Z');
      assert.equal(iso('Europe/Berlin', 2026, 3, 30), '2026-03-29T22:00:00.000Z');
      assert.equal(iso('Asia/Kolkata', 2026, 1, 1), '2025-12-31T18:30:00.000Z');
    });

    it('begins a day whose midnight the clocks skip when they resume (Santiago, 2022-09-11)', () => {
      assert.equal(iso('America/Santiago', 2022, 9, 11), '2022-09-11T04:00:00.000Z');
    });

    function iso(timeZone: string, year: number, month: number, day: number): string {
      return new Date(startOfLocalDay({ year, month, day }, timeZone)).toISOString();
    }
  });
});
