import assert from 'node:assert/strict';
import {
  awaitingPeriodsFromAudit,
  noticesFromDeliveries,
} from '../../../src/domain/report/history-from-store.ts';
import type { ReportAuditEntry } from '../../../src/domain/report/report-history.ts';
import { hoursAgo, TENANT } from './history-builders.ts';

const system = { userId: 'system', name: 'Managed response bot', via: 'system' };

function handOver(incidentId: string, at: string, result = 'done'): ReportAuditEntry {
  return {
    at,
    kind: 'incidentUpdate',
    actor: system,
    incidentId,
    operation: 'handToCustomer',
    result,
  };
}

function handBack(incidentId: string, at: string): ReportAuditEntry {
  return { at, kind: 'handBack', actor: system, incidentId, result: 'handedBack' };
}

describe('history derived from today’s store', () => {
  describe('awaitingPeriodsFromAudit', () => {
    it('pairs each hand-over with the hand-back that follows it, per incident', () => {
      const audit = [
        handBack('1', hoursAgo(30)),
        handOver('1', hoursAgo(40)),
        handOver('1', hoursAgo(35)), // more actions added while awaiting: same period
        handOver('1', hoursAgo(20)),
        handBack('1', hoursAgo(10)),
        handOver('2', hoursAgo(15), 'failed'),
        handBack('3', hoursAgo(5)), // handed over in Defender: no start recorded
      ];
      assert.deepEqual(awaitingPeriodsFromAudit(audit, []), [
        { incidentId: '1', start: hoursAgo(40), end: hoursAgo(30) },
        { incidentId: '1', start: hoursAgo(20), end: hoursAgo(10) },
      ]);
    });

    it('takes the open awaiting records as the periods in progress, and drops other open starts', () => {
      const audit = [handOver('1', hoursAgo(9)), handOver('2', hoursAgo(8))];
      const open = [
        { incidentId: '1', since: hoursAgo(8.9) },
        { incidentId: '4', since: hoursAgo(3) },
      ];
      assert.deepEqual(awaitingPeriodsFromAudit(audit, open), [
        { incidentId: '1', start: hoursAgo(8.9) },
        { incidentId: '4', start: hoursAgo(3) },
      ]);
    });
  });

  describe('noticesFromDeliveries', () => {
    const tenant = TENANT.toLowerCase();
    const period = String(Date.parse(hoursAgo(30)));

    it('makes one notice per reminder or escalation, at its first delivery, with its recipients', () => {
      const deliveries = [
        { jobId: `reminder:${tenant}:1001:${period}:1:u-adele`, deliveredAt: hoursAgo(25.9) },
        { jobId: `reminder:${tenant}:1001:${period}:1:u-alex`, deliveredAt: hoursAgo(26) },
        { jobId: `escalation:${tenant}:1001:${period}:u-megan`, deliveredAt: hoursAgo(6) },
        { jobId: `reminder:other-tenant:1001:${period}:1:u-x`, deliveredAt: hoursAgo(6) },
        { jobId: `soc:${tenant}:1001:channel`, deliveredAt: hoursAgo(6) },
        {
          jobId: `${tenant}:1001:2026-03-01T10:00:00Z:awaitingCustomer:contact:u-adele`,
          deliveredAt: hoursAgo(6),
        },
      ];
      assert.deepEqual(noticesFromDeliveries(deliveries, TENANT.toUpperCase()), [
        { kind: 'reminder', incidentId: '1001', at: hoursAgo(26), recipients: 2 },
        { kind: 'escalation', incidentId: '1001', at: hoursAgo(6), recipients: 1 },
      ]);
    });
  });
});
