import assert from 'node:assert/strict';
import { DEMO_INCIDENT_IDS, DEMO_TENANT_ID, DEMO_APP_NAME } from '../../src/emulator/demo-data.ts';
import type { EmulatorIncidentSeed, RunningEmulator } from '../../src/emulator/emulator.ts';
import { GRAPH_PAGE_SIZE } from '../../src/emulator/graph-incidents.ts';
import { call, getToken, GRAPH_SCOPE, startTestEmulator, TestClock } from './emulator-harness.ts';

const TENANT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const PREFER = { Prefer: 'include-unknown-enum-members' };

/** 7 incidents an hour apart, ids 1001..1007; odd ones handled by the experts. */
function seedIncidents(base: number): EmulatorIncidentSeed[] {
  return Array.from({ length: 7 }, (_, i) => ({
    id: String(1001 + i),
    displayName: `Incident ${i + 1}`,
    status: i % 2 === 0 ? 'inProgress' : 'active',
    assignedTo: i % 2 === 0 ? 'Defender Experts' : null,
    createdDateTime: new Date(base + i * 3_600_000).toISOString(),
    lastUpdateDateTime: new Date(base + i * 3_600_000 + 60_000).toISOString(),
    alerts: [{ id: `da${1001 + i}_1`, title: `Alert of incident ${i + 1}`, severity: 'high' }],
  }));
}

describe('emulator: Graph security incidents', () => {
  let emulator: RunningEmulator;
  let token: string;
  const clock = new TestClock();
  const base = Date.parse('2025-03-01T00:00:00.000Z');
  const incidents = () => `${emulator.graphBaseUrl}/v1.0/security/incidents`;

  before(async () => {
    emulator = await startTestEmulator({
      now: clock.now,
      tenants: [
        {
          tenantId: TENANT,
          name: 'Paging Ltd',
          apps: [{ clientId: 'app-1', clientSecret: 's3cret', displayName: 'Paging bot' }],
          incidents: seedIncidents(base),
        },
      ],
    });
    token = await getToken(emulator, GRAPH_SCOPE, TENANT, 'app-1', 's3cret');
  });
  after(() => emulator.close());

  /** Follows @odata.nextLink from `url`, returning the ids page by page. */
  async function pages(url: string, headers: Record<string, string> = {}): Promise<string[][]> {
    const out: string[][] = [];
    let next: string | undefined = url;
    while (next) {
      const res = await call(next, { token, headers });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      out.push(res.body.value.map((i: { id: string }) => i.id));
      next = res.body['@odata.nextLink'];
      if (next)
        assert.ok(next.startsWith(`${emulator.graphBaseUrl}/v1.0/security/incidents?`), next);
    }
    return out;
  }

  it('pages with $top and an absolute @odata.nextLink, in $orderby order', async () => {
    const result = await pages(`${incidents()}?$orderby=lastUpdateDateTime asc&$top=3`);
    assert.deepEqual(result, [['1001', '1002', '1003'], ['1004', '1005', '1006'], ['1007']]);
    const desc = await pages(`${incidents()}?$orderby=createdDateTime desc&$top=5`);
    assert.deepEqual(desc, [
      ['1007', '1006', '1005', '1004', '1003'],
      ['1002', '1001'],
    ]);
  });

  it('filters on lastUpdateDateTime ge / gt combined with status and assignedTo', async () => {
    const watermark = new Date(base + 3 * 3_600_000 + 60_000).toISOString(); // incident 1004's update
    const ge = await pages(
      `${incidents()}?$filter=lastUpdateDateTime ge ${watermark}&$orderby=lastUpdateDateTime asc`,
    );
    assert.deepEqual(ge.flat(), ['1004', '1005', '1006', '1007']);
    const gt = await pages(
      `${incidents()}?$filter=lastUpdateDateTime gt ${watermark}&$orderby=lastUpdateDateTime asc`,
    );
    assert.deepEqual(gt.flat(), ['1005', '1006', '1007']);
    const combined = await pages(
      `${incidents()}?$filter=${encodeURIComponent(`lastUpdateDateTime ge ${watermark} and status eq 'inProgress' and assignedTo eq 'Defender Experts'`)}&$orderby=lastUpdateDateTime asc&$top=1`,
    );
    assert.deepEqual(combined, [['1005'], ['1007']]);
    const none = await pages(`${incidents()}?$filter=assignedTo eq 'Customer'`);
    assert.deepEqual(none, [[]]);
  });

  it('answers 400 in the Graph envelope for a filter or orderby it cannot apply', async () => {
    for (const query of [
      "$filter=colour eq 'red'",
      '$filter=status eq',
      '$orderby=severity asc',
      '$top=-1',
    ]) {
      const res = await call(`${incidents()}?${query}`, { token });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 'BadRequest');
    }
  });

  it(`uses pages of at most ${GRAPH_PAGE_SIZE}, with or without a larger $top`, async () => {
    for (let i = 0; i < 2 * GRAPH_PAGE_SIZE; i++) {
      emulator.control.upsertIncident(TENANT, { id: String(5000 + i), displayName: `Bulk ${i}` });
    }
    const sizes = (await pages(incidents())).map((p) => p.length);
    assert.deepEqual(sizes, [GRAPH_PAGE_SIZE, GRAPH_PAGE_SIZE, 7]);
    const withTop = (await pages(`${incidents()}?$top=500`)).map((p) => p.length);
    assert.deepEqual(withTop, [GRAPH_PAGE_SIZE, GRAPH_PAGE_SIZE, 7]);
    const counted = await call(`${incidents()}?$count=true&$top=1`, { token });
    assert.equal(counted.body['@odata.count'], 2 * GRAPH_PAGE_SIZE + 7);
  });

  it('shows awaitingAction only to callers that send Prefer: include-unknown-enum-members', async () => {
    emulator.control.patchIncident(TENANT, '1002', {
      status: 'awaitingAction',
      assignedTo: 'Customer',
    });
    const url = `${incidents()}/1002`;
    const plain = await call(url, { token });
    assert.equal(plain.body.status, 'unknownFutureValue');
    assert.equal(plain.headers.get('preference-applied'), null);
    const preferring = await call(url, { token, headers: PREFER });
    assert.equal(preferring.body.status, 'awaitingAction');
    assert.equal(preferring.headers.get('preference-applied'), 'include-unknown-enum-members');
    const listed = await call(`${incidents()}?$filter=assignedTo eq 'Customer'`, { token });
    assert.deepEqual(
      listed.body.value.map((i: { status: string }) => i.status),
      ['unknownFutureValue'],
    );
    const listedPreferring = await call(`${incidents()}?$filter=assignedTo eq 'Customer'`, {
      token,
      headers: PREFER,
    });
    assert.deepEqual(
      listedPreferring.body.value.map((i: { status: string }) => i.status),
      ['awaitingAction'],
    );
  });

  it('includes alerts only with $expand=alerts', async () => {
    const plain = await call(`${incidents()}/1001`, { token });
    assert.equal(plain.status, 200);
    assert.equal(plain.body.alerts, undefined);
    assert.equal(
      plain.body.incidentWebUrl,
      `https://security.microsoft.com/incidents/1001?tid=${TENANT}`,
    );
    const expanded = await call(`${incidents()}/1001?$expand=alerts`, { token });
    assert.equal(expanded.body.alerts.length, 1);
    assert.equal(expanded.body.alerts[0].title, 'Alert of incident 1');
    assert.equal(expanded.body.alerts[0].incidentId, '1001');
    const listed = await call(`${incidents()}?$expand=alerts&$top=1`, { token });
    assert.ok(Array.isArray(listed.body.value[0].alerts));
  });

  it('answers 404 with the Graph error envelope for an unknown incident', async () => {
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['PATCH', '', { status: 'resolved' }],
      ['POST', '/comments', { comment: 'hello' }],
    ] as const) {
      const res = await call(`${incidents()}/999999${suffix}`, { token, method, body });
      assert.equal(res.status, 404, `${method} ${suffix}`);
      assert.equal(res.body.error.code, 'NotFound');
      assert.equal(typeof res.body.error.message, 'string');
    }
  });

  it('PATCHes with case-insensitive enums, returns 200 with the incident and bumps lastUpdateDateTime', async () => {
    clock.advance(5 * 60_000);
    const res = await call(`${incidents()}/1003`, {
      token,
      method: 'PATCH',
      body: {
        classification: 'TruePositive',
        determination: 'MultiStagedAttack',
        status: 'Resolved',
        assignedTo: null,
        customTags: ['Demo'],
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.classification, 'truePositive');
    assert.equal(res.body.determination, 'multiStagedAttack');
    assert.equal(res.body.status, 'resolved');
    assert.equal(res.body.assignedTo, null);
    assert.deepEqual(res.body.customTags, ['Demo']);
    assert.equal(res.body.lastUpdateDateTime, clock.now().toISOString());
    assert.equal(emulator.control.getIncident(TENANT, '1003')?.status, 'resolved');
  });

  it('rejects invalid PATCH values, unknown properties and awaitingAction from an app with 400', async () => {
    const before = emulator.control.getIncident(TENANT, '1005');
    for (const body of [
      { status: 'closed' },
      { classification: 'maybe' },
      { determination: 'compromisedUser' }, // an older doc name, not in Graph's enum
      { severity: 'low' },
      { status: 'awaitingAction' },
    ]) {
      const res = await call(`${incidents()}/1005`, { token, method: 'PATCH', body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'BadRequest');
    }
    const malformed = await call(`${incidents()}/1005`, {
      token,
      method: 'PATCH',
      body: '{not json',
    });
    assert.equal(malformed.status, 400);
    assert.deepEqual(emulator.control.getIncident(TENANT, '1005'), before);
  });

  it('adds comments: 200 with the full list, authored by the app, and bumps lastUpdateDateTime', async () => {
    clock.advance(60_000);
    const url = `${incidents()}/1006/comments`;
    const body = { '@odata.type': 'microsoft.graph.security.alertComment', comment: 'First note' };
    const first = await call(url, { token, method: 'POST', body });
    assert.equal(first.status, 200);
    assert.match(first.body['@odata.context'], /alertComment/);
    clock.advance(60_000);
    const second = await call(url, {
      token,
      method: 'POST',
      body: { ...body, comment: 'Second note' },
    });
    assert.deepEqual(
      second.body.value.map((c: { comment: string; createdByDisplayName: string }) => [
        c.comment,
        c.createdByDisplayName,
      ]),
      [
        ['First note', 'Paging bot'],
        ['Second note', 'Paging bot'],
      ],
    );
    assert.equal(second.body.value[1].createdDateTime, clock.now().toISOString());
    const incident = await call(`${incidents()}/1006`, { token });
    assert.equal(incident.body.lastUpdateDateTime, clock.now().toISOString());
    assert.equal(incident.body.comments.length, 2);
    const empty = await call(url, { token, method: 'POST', body: { comment: '  ' } });
    assert.equal(empty.status, 400);
  });
});

describe('emulator: demo tenant incidents', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startTestEmulator();
  });
  after(() => emulator.close());

  it('has an incident in every state the service meets, with experts tags and comments', async () => {
    const token = await getToken(emulator, GRAPH_SCOPE);
    const res = await call(`${emulator.graphBaseUrl}/v1.0/security/incidents?$expand=alerts`, {
      token,
      headers: PREFER,
    });
    const byId = new Map<string, any>(res.body.value.map((i: { id: string }) => [i.id, i])); // eslint-disable-line @typescript-eslint/no-explicit-any
    const ids = DEMO_INCIDENT_IDS;
    assert.equal(byId.get(ids.active).status, 'active');
    assert.equal(byId.get(ids.expertsInvestigating).status, 'inProgress');
    assert.equal(byId.get(ids.expertsInvestigating).assignedTo, 'Defender Experts');
    assert.deepEqual(byId.get(ids.expertsInvestigating).systemTags, ['Defender Experts']);
    assert.equal(byId.get(ids.awaitingCustomer).status, 'awaitingAction');
    assert.equal(byId.get(ids.awaitingCustomer).assignedTo, 'Customer');
    const evidence = byId
      .get(ids.awaitingCustomer)
      .alerts.flatMap((a: { evidence: unknown[] }) => a.evidence);
    assert.ok(evidence.some((e: any) => e.deviceDnsName === 'prod-server-01')); // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.ok(evidence.some((e: any) => /^[0-9a-f]{40}$/.test(e.fileDetails?.sha1 ?? ''))); // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(
      [ids.resolvedTruePositive, ids.resolvedFalsePositive, ids.resolvedInformational].map(
        (id): unknown[] => [byId.get(id).status, byId.get(id).classification],
      ),
      [
        ['resolved', 'truePositive'],
        ['resolved', 'falsePositive'],
        ['resolved', 'informationalExpectedActivity'],
      ],
    );
    assert.ok(byId.get(ids.resolvedFalsePositive).comments.length > 0);
    assert.equal(byId.get(ids.redirected).status, 'redirected');
    assert.equal(byId.get(ids.redirected).redirectIncidentId, ids.awaitingCustomer);
    assert.equal(byId.get(ids.handover).status, 'inProgress');
    assert.equal(
      emulator.control.getIncident(DEMO_TENANT_ID, ids.handover)?.tenantId,
      DEMO_TENANT_ID,
    );
    const comment = await call(
      `${emulator.graphBaseUrl}/v1.0/security/incidents/${ids.active}/comments`,
      {
        token,
        method: 'POST',
        body: { comment: 'Looking into it' },
      },
    );
    assert.equal(comment.body.value.at(-1).createdByDisplayName, DEMO_APP_NAME);
  });
});
