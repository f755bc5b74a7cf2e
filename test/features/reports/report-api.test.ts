// GET /api/v1/tenants/{t}/report on the real app's server (buildApp): the figures the report card
// shows, as JSON, with the Experts API's authentication and error shapes.
import assert from 'node:assert/strict';
import type { Report } from '../../../src/domain/report/report.ts';
import { closeServer, listen } from '../../../src/server.ts';
import { botFixture, TENANT } from '../../bot/bot-fixture.ts';
import { storeHistory } from './stored-history.ts';

const API_KEY = 'report-test-key';

describe('Experts API: GET /api/v1/tenants/{t}/report', () => {
  let base: string;
  let close: () => Promise<void>;

  beforeEach(async () => {
    const { app, store } = await botFixture([], { env: { EXPERTS_API_KEY: API_KEY } });
    await storeHistory(store, TENANT);
    base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
    close = () => closeServer(app.server);
  });
  afterEach(() => close());

  async function get(path: string, headers: Record<string, string> = { 'x-api-key': API_KEY }) {
    const res = await fetch(`${base}${path}`, { headers });
    return {
      status: res.status,
      apiVersion: res.headers.get('api-version'),
      body: (await res.json()) as { report: Report } & { error: { code: string; message: string } },
    };
  }

  it('answers the last 7 days by default, with the figures of the report card', async () => {
    const { status, apiVersion, body } = await get(`/api/v1/tenants/${TENANT}/report`);
    assert.equal(status, 200);
    assert.equal(apiVersion, '1');
    const { report } = body;
    assert.equal(report.tenantId, TENANT);
    assert.equal(report.tenantName, 'Contoso');
    assert.deepEqual(report.period, {
      from: '2026-11-22T10:00:00.000Z',
      to: '2026-11-29T10:00:00.000Z',
      timeZone: 'UTC',
    });
    assert.equal(report.investigated.total, 2);
    assert.equal(report.awaiting.total, 1);
    assert.deepEqual(
      report.awaiting.incidents.map((i) => [i.id, i.waitedMs, i.bucket]),
      [['101', 86_400_000, 'days1To3']],
    );
    assert.equal(report.handBack.current.handBacks, 1);
    assert.equal(report.handBack.current.medianMs, 6 * 3_600_000);
    assert.equal(report.handBack.previous.length, 4);
    assert.deepEqual(report.notices, {
      reminders: 1,
      reminderRecipients: 2,
      escalations: 0,
      escalationRecipients: 0,
    });
  });

  it('takes from and to', async () => {
    const month = await get(
      `/api/v1/tenants/${TENANT}/report?from=2026-10-30T10:00:00Z&to=2026-11-29T10:00:00Z`,
    );
    assert.equal(month.status, 200);
    assert.equal(month.body.report.investigated.total, 3);
    const before = await get(
      `/api/v1/tenants/${TENANT}/report?from=2026-11-01T00:00:00Z&to=2026-11-20T00:00:00Z`,
    );
    assert.equal(before.status, 200);
    assert.equal(before.body.report.investigated.total, 1);
    assert.equal(before.body.report.handBack.current.handBacks, 0);
  });

  for (const [label, query, message] of [
    ['a date that is not one', '?from=last-tuesday', /from/],
    ['from after to', '?from=2026-11-28T00:00:00Z&to=2026-11-27T00:00:00Z', /before/],
    ['more than 366 days', '?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', /366 days/],
    ['an unknown parameter', '?period=30d', /period|Unrecognized/i],
  ] as const) {
    it(`is 400 on ${label}`, async () => {
      const { status, body } = await get(`/api/v1/tenants/${TENANT}/report${query}`);
      assert.equal(status, 400);
      assert.equal(body.error.code, 'InvalidRequest');
      assert.match(body.error.message, message);
    });
  }

  it('is 404 for a tenant the service does not protect', async () => {
    const { status, body } = await get(
      '/api/v1/tenants/99999999-9999-4999-8999-999999999999/report',
    );
    assert.equal(status, 404);
    assert.equal(body.error.code, 'NotFound');
  });

  it('is 401 without credentials or with a wrong key', async () => {
    const none = await get(`/api/v1/tenants/${TENANT}/report`, {});
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'Unauthorized');
    assert.equal(none.body.report, undefined);
    const wrong = await get(`/api/v1/tenants/${TENANT}/report`, { 'x-api-key': 'nope' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.report, undefined);
  });
});
