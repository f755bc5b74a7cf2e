import assert from 'node:assert/strict';
import { reportActions, reportIncident } from '../../../src/domain/report/report-history.ts';
import { incident, manual, oneClick, T0, T1 } from '../builders.ts';

describe('report history from domain records', () => {
  it('reads an incident as the report needs it, deciding whether the experts handle it', () => {
    const handled = reportIncident(incident({ systemTags: ['Defender Experts'] }));
    assert.equal(handled.handledByExperts, true);
    assert.equal(
      reportIncident(incident({ systemTags: [], assignedTo: 'SOC analyst' })).handledByExperts,
      false,
    );
  });

  it('keeps each action’s status history and the device a one-click action targets', () => {
    const history = [
      {
        at: T1,
        by: { userId: 'u', name: 'U' },
        from: 'pending' as const,
        to: 'completed' as const,
      },
    ];
    const response = {
      tenantId: 't',
      incidentId: '9',
      summary: {} as never,
      actions: [oneClick({ history }), manual({ history })],
      publishedAt: T0,
      updatedAt: T1,
    };
    assert.deepEqual(reportActions(response), [
      {
        incidentId: '9',
        id: 'act-1',
        kind: 'isolateDevice',
        status: 'pending',
        history: [{ at: T1, to: 'completed' }],
        device: { deviceId: 'dev-1', deviceName: 'PROD-SRV-01' },
      },
      {
        incidentId: '9',
        id: 'man-1',
        kind: 'manual',
        status: 'pending',
        history: [{ at: T1, to: 'completed' }],
      },
    ]);
  });
});
