import assert from 'node:assert/strict';
import { DomainError } from '../../src/domain/errors.ts';
import { incidentStatuses, isAwaitingCustomer, parseEnum } from '../../src/domain/incident.ts';
import type {
  Classification,
  Determination,
  Incident,
  IncidentComment,
  IncidentStatus,
} from '../../src/domain/incident.ts';
import {
  AWAITING_CUSTOMER_TAG,
  detectIncidentChanges,
  incidentStage,
  sentinelView,
} from '../../src/domain/incident-lifecycle.ts';
import type { IncidentStage } from '../../src/domain/incident-lifecycle.ts';
import { incident, T0, T1 } from './builders.ts';

const comment = (text: string, at = T1, by = 'Defender Experts'): IncidentComment => ({
  comment: text,
  createdBy: by,
  createdAt: at,
});

// Graph enum casing varies between samples; these stand for values the edge passed through raw.
const raw = <T extends string>(value: string) => value as T;

// The reference life cycle, one snapshot per step.
const newIncident = incident();
const investigating = incident({ status: 'inProgress', assignedTo: 'Defender Experts' });
const concludedTruePositive = {
  classification: 'truePositive',
  determination: 'multiStagedAttack',
} as const;
const awaiting = incident({
  ...concludedTruePositive,
  status: 'awaitingAction',
  assignedTo: 'Customer',
});
const backWithExperts = incident({
  ...concludedTruePositive,
  status: 'inProgress',
  assignedTo: 'Defender Experts',
});
const resolvedTruePositive = incident({
  ...concludedTruePositive,
  status: 'resolved',
  assignedTo: null,
  comments: [comment('All actions completed; closing.')],
});

describe('incident life cycle', () => {
  describe('the reference journey, step by step', () => {
    it('Active, unassigned: nothing to tell on first sight', () => {
      assert.deepEqual(detectIncidentChanges(undefined, newIncident), []);
    });

    it('Active → In progress / Defender Experts: experts started (one change, not three)', () => {
      assert.deepEqual(detectIncidentChanges(newIncident, investigating), [
        { type: 'expertsStarted' },
      ]);
    });

    it('→ Awaiting Customer Action / Customer with a true positive: classification + handover', () => {
      assert.deepEqual(detectIncidentChanges(investigating, awaiting), [
        {
          type: 'classificationChanged',
          classification: 'truePositive',
          determination: 'multiStagedAttack',
        },
        { type: 'awaitingCustomer' },
      ]);
    });

    it('Awaiting Customer Action → In progress / Defender Experts: handed back to experts', () => {
      assert.deepEqual(detectIncidentChanges(awaiting, backWithExperts), [
        { type: 'handedBackToExperts' },
      ]);
    });

    it('→ Resolved / Unassigned: resolved with the closing comment, reported once', () => {
      assert.deepEqual(detectIncidentChanges(backWithExperts, resolvedTruePositive), [
        {
          type: 'resolved',
          classification: 'truePositive',
          determination: 'multiStagedAttack',
          closingComment: 'All actions completed; closing.',
        },
      ]);
    });
  });

  describe('resolutions', () => {
    const fpCases: [Classification, Determination][] = [
      ['falsePositive', 'notMalicious'],
      ['informationalExpectedActivity', 'securityTesting'],
    ];
    for (const [classification, determination] of fpCases) {
      it(`${classification}: classificationChanged and resolved with the comment`, () => {
        const next = incident({
          status: 'resolved',
          assignedTo: null,
          classification,
          determination,
          comments: [comment('Expected activity of the red team.')],
        });
        assert.deepEqual(detectIncidentChanges(investigating, next), [
          { type: 'classificationChanged', classification, determination },
          {
            type: 'resolved',
            classification,
            determination,
            closingComment: 'Expected activity of the red team.',
          },
        ]);
      });
    }

    it('keeps earlier new comments as commentAdded and uses the last as the closing comment', () => {
      const update = comment('We checked the sign-ins.', T0);
      const conclusion = comment('Benign: known admin tool.', T1);
      const next = incident({
        status: 'resolved',
        classification: 'informationalExpectedActivity',
        determination: 'lineOfBusinessApplication',
        comments: [update, conclusion],
      });
      const changes = detectIncidentChanges(investigating, next);
      assert.deepEqual(changes.slice(1), [
        {
          type: 'resolved',
          classification: 'informationalExpectedActivity',
          determination: 'lineOfBusinessApplication',
          closingComment: 'Benign: known admin tool.',
        },
        { type: 'commentAdded', comment: update },
      ]);
    });

    it('a resolution without a new comment has no closing comment', () => {
      const next = incident({ ...concludedTruePositive, status: 'resolved' });
      const [change] = detectIncidentChanges(backWithExperts, next);
      assert.equal(change?.type, 'resolved');
      assert.equal(change && 'closingComment' in change, false);
    });

    it('experts with Security Operator: classified while investigating, then resolved', () => {
      const classified = incident({ ...investigating, ...concludedTruePositive });
      assert.deepEqual(detectIncidentChanges(investigating, classified), [
        {
          type: 'classificationChanged',
          classification: 'truePositive',
          determination: 'multiStagedAttack',
        },
      ]);
      assert.equal(detectIncidentChanges(classified, resolvedTruePositive)[0]?.type, 'resolved');
    });

    it('does not invent skipped steps: Active straight to Resolved is only resolved', () => {
      const types = detectIncidentChanges(newIncident, resolvedTruePositive).map((c) => c.type);
      assert.deepEqual(types, ['classificationChanged', 'resolved']);
    });
  });

  describe('redirected (merged) incidents', () => {
    it('reports the incident it was merged into', () => {
      const merged = incident({ status: 'redirected', redirectIncidentId: '2972400' });
      assert.deepEqual(detectIncidentChanges(investigating, merged), [
        { type: 'redirected', redirectIncidentId: '2972400' },
      ]);
    });

    it('reports a new target when the target is merged in turn, and nothing when unchanged', () => {
      const merged = incident({ status: 'redirected', redirectIncidentId: '2972400' });
      const remerged = incident({ status: 'redirected', redirectIncidentId: '2972500' });
      assert.deepEqual(detectIncidentChanges(merged, remerged), [
        { type: 'redirected', redirectIncidentId: '2972500' },
      ]);
      assert.deepEqual(detectIncidentChanges(merged, merged), []);
    });

    it('still reports a redirection without a target id', () => {
      assert.deepEqual(detectIncidentChanges(newIncident, incident({ status: 'redirected' })), [
        { type: 'redirected' },
      ]);
    });
  });

  describe('changes outside the life-cycle steps', () => {
    it('the SOC taking an incident itself: raw status and assignment changes', () => {
      const taken = incident({ status: 'inProgress', assignedTo: 'ana@contoso.com' });
      assert.deepEqual(detectIncidentChanges(newIncident, taken), [
        { type: 'statusChanged', from: 'active', to: 'inProgress' },
        { type: 'assignmentChanged', from: null, to: 'ana@contoso.com' },
      ]);
    });

    it('a reopened incident: raw status change', () => {
      const reopened = incident({ ...concludedTruePositive, status: 'active' });
      const resolved = incident({ ...concludedTruePositive, status: 'resolved' });
      assert.deepEqual(detectIncidentChanges(resolved, reopened), [
        { type: 'statusChanged', from: 'resolved', to: 'active' },
      ]);
    });

    it('a status change within Awaiting Customer Action is reported raw', () => {
      const byAssignment = incident({ status: 'inProgress', assignedTo: 'Customer' });
      assert.deepEqual(detectIncidentChanges(byAssignment, awaiting).slice(1), [
        { type: 'statusChanged', from: 'inProgress', to: 'awaitingAction' },
      ]);
    });

    it('reports each new comment once, including a repeated text', () => {
      const first = comment('Please confirm the password reset.', T0);
      const before = incident({ ...awaiting, comments: [first] });
      const repeat = comment('Please confirm the password reset.', T1);
      const after = incident({ ...awaiting, comments: [first, repeat] });
      assert.deepEqual(detectIncidentChanges(before, after), [
        { type: 'commentAdded', comment: repeat },
      ]);
      assert.deepEqual(detectIncidentChanges(after, after), []);
    });

    it('counts identical comments (same text, author and second) one by one', () => {
      const ok = comment('OK', T1, 'Customer');
      const before = incident({ ...awaiting, comments: [ok] });
      const after = incident({ ...awaiting, comments: [ok, ok] });
      assert.deepEqual(detectIncidentChanges(before, after), [
        { type: 'commentAdded', comment: ok },
      ]);
    });
  });

  describe('first sight (no previous snapshot)', () => {
    const cases: [string, Incident, string[]][] = [
      ['already with the experts', investigating, ['expertsStarted']],
      ['already awaiting the customer', awaiting, ['awaitingCustomer']],
      ['already resolved', resolvedTruePositive, ['resolved']],
      [
        'already merged',
        incident({ status: 'redirected', redirectIncidentId: '9' }),
        ['redirected'],
      ],
      ['worked on by the SOC', incident({ status: 'inProgress', assignedTo: 'ana' }), []],
    ];
    for (const [name, snapshot, types] of cases) {
      it(`${name}: ${types.join(', ') || 'nothing'}`, () => {
        assert.deepEqual(
          detectIncidentChanges(undefined, snapshot).map((c) => c.type),
          types,
        );
      });
    }

    it('a resolved incident takes its last comment as the closing comment', () => {
      const seen = incident({
        status: 'resolved',
        classification: 'falsePositive',
        determination: 'notMalicious',
        comments: [comment('Looking into it.', T0), comment('False positive: backup job.', T1)],
      });
      assert.deepEqual(detectIncidentChanges(undefined, seen), [
        {
          type: 'resolved',
          classification: 'falsePositive',
          determination: 'notMalicious',
          closingComment: 'False positive: backup job.',
        },
      ]);
    });
  });

  describe('case-insensitive Graph values', () => {
    it('parses "AwaitingAction" at the edge', () => {
      assert.equal(
        parseEnum(incidentStatuses, 'AwaitingAction', 'unknownFutureValue'),
        'awaitingAction',
      );
    });

    it('sees "AwaitingAction" / "CUSTOMER" as Awaiting Customer Action', () => {
      const shouting = incident({
        status: raw<IncidentStatus>('AwaitingAction'),
        assignedTo: 'CUSTOMER',
      });
      assert.equal(isAwaitingCustomer(shouting), true);
      // The status alone must suffice, whatever its case.
      const unassigned = incident({
        status: raw<IncidentStatus>('AWAITINGACTION'),
        assignedTo: null,
      });
      assert.equal(isAwaitingCustomer(unassigned), true);
      assert.equal(incidentStage(unassigned), 'awaitingCustomer');
      assert.deepEqual(detectIncidentChanges(investigating, shouting), [
        { type: 'awaitingCustomer' },
      ]);
    });

    it('sees "InProgress" / "DEFENDER EXPERTS" as the experts investigating', () => {
      const shouting = incident({
        status: raw<IncidentStatus>('InProgress'),
        assignedTo: 'DEFENDER EXPERTS',
      });
      assert.equal(incidentStage(shouting), 'expertsInvestigating');
      assert.deepEqual(detectIncidentChanges(newIncident, shouting), [{ type: 'expertsStarted' }]);
    });

    it('reports no change when only the casing moved', () => {
      const recased = incident({
        status: raw<IncidentStatus>('INPROGRESS'),
        assignedTo: 'defender experts',
        classification: raw<Classification>('TruePositive'),
        determination: raw<Determination>('MultiStagedAttack'),
      });
      assert.deepEqual(detectIncidentChanges(backWithExperts, recased), []);
    });

    it('reports normalised values in changes', () => {
      const next = incident({
        status: raw<IncidentStatus>('Resolved'),
        classification: raw<Classification>('FALSEPOSITIVE'),
        determination: raw<Determination>('NotMalicious'),
      });
      const [classificationChange] = detectIncidentChanges(investigating, next);
      assert.deepEqual(classificationChange, {
        type: 'classificationChanged',
        classification: 'falsePositive',
        determination: 'notMalicious',
      });
    });
  });

  describe('guards', () => {
    it('refuses to compare two different incidents', () => {
      assert.throws(
        () => detectIncidentChanges(incident({ id: '1' }), incident({ id: '2' })),
        (e: unknown) => e instanceof DomainError && e.code === 'INVALID_INPUT',
      );
    });

    it('refuses snapshots of two tenants', () => {
      const other = incident({ tenantId: '00000000-0000-4000-8000-000000000000' });
      assert.throws(
        () => detectIncidentChanges(incident(), other),
        (e: unknown) => e instanceof DomainError && e.code === 'FOREIGN_TENANT',
      );
    });
  });

  describe('incidentStage', () => {
    const cases: [Partial<Incident>, IncidentStage][] = [
      [{ status: 'active', assignedTo: null }, 'new'],
      [{ status: 'unknownFutureValue', assignedTo: null }, 'new'],
      [{ status: 'inProgress', assignedTo: 'ana@contoso.com' }, 'inProgress'],
      [{ status: 'inProgress', assignedTo: 'Defender Experts' }, 'expertsInvestigating'],
      [{ status: 'active', assignedTo: 'Defender Experts' }, 'expertsInvestigating'],
      [{ status: 'awaitingAction', assignedTo: 'Customer' }, 'awaitingCustomer'],
      [{ status: 'awaitingAction', assignedTo: null }, 'awaitingCustomer'],
      [{ status: 'active', assignedTo: 'Customer' }, 'awaitingCustomer'],
      [{ status: 'resolved', assignedTo: 'Customer' }, 'resolved'],
      [{ status: 'redirected', assignedTo: 'Defender Experts' }, 'redirected'],
    ];
    for (const [fields, stage] of cases) {
      it(`${fields.status} / ${String(fields.assignedTo)} → ${stage}`, () => {
        assert.equal(incidentStage(incident(fields)), stage);
      });
    }
  });

  describe('sentinelView (reference, Microsoft Sentinel section)', () => {
    it('investigated by the experts: Active, owner Defender Experts', () => {
      assert.deepEqual(sentinelView(investigating), {
        status: 'Active',
        owner: 'Defender Experts',
        tags: ['Defender Experts'],
      });
    });

    it('awaiting the customer: an Active incident tagged Awaiting Customer Action, owner Customer', () => {
      assert.deepEqual(sentinelView(awaiting), {
        status: 'Active',
        owner: 'Customer',
        tags: ['Defender Experts', AWAITING_CUSTOMER_TAG],
      });
      const byAssignment = sentinelView(incident({ status: 'active', assignedTo: 'Customer' }));
      assert.equal(byAssignment.status, 'Active');
      assert.ok(byAssignment.tags.includes(AWAITING_CUSTOMER_TAG));
    });

    it('resolved: Resolved, owner Unassigned, no awaiting tag', () => {
      assert.deepEqual(sentinelView(resolvedTruePositive), {
        status: 'Resolved',
        owner: 'Unassigned',
        tags: ['Defender Experts'],
      });
    });

    it('new: New; merged: Resolved', () => {
      assert.equal(sentinelView(newIncident).status, 'New');
      assert.equal(sentinelView(incident({ status: 'redirected' })).status, 'Resolved');
    });

    it('merges custom and system tags once, ignoring case', () => {
      const tagged = incident({
        customTags: ['VIP', 'defender experts'],
        systemTags: ['Defender Experts'],
      });
      assert.deepEqual(sentinelView(tagged).tags, ['VIP', 'defender experts']);
    });
  });
});
