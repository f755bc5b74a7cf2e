import assert from 'node:assert/strict';
import type { Server } from 'restify';
import { createLogger } from '../../../../src/platform/logger.ts';
import { closeServer, createServer, listen } from '../../../../src/server.ts';
import { harness, TENANT, type Harness } from '../harness.ts';
import { publication } from '../fixtures.ts';
import { AUDIENCE, EXPERTS_TENANT, startTokenIssuer, type TokenIssuer } from './token-issuer.ts';

describe('Experts API routes (v1)', () => {
  let issuer: TokenIssuer;
  let h: Harness;
  let server: Server;
  let base: string;
  let token: string;
  const path = `/api/v1/tenants/${TENANT}/incidents/2972403`;

  before(async () => {
    issuer = await startTokenIssuer();
    token = await issuer.sign();
  });
  after(() => issuer.close());
  beforeEach(async () => {
    h = await harness({
      expertsApi: {
        tenantId: EXPERTS_TENANT,
        audience: AUDIENCE,
        jwksUrl: issuer.jwksUrl,
        maxBodyBytes: 64 * 1024,
      },
    });
    server = createServer({
      logger: createLogger({ level: 'silent' }),
      processActivity: async () => undefined,
      readiness: async () => ({ ready: true, checks: {} }),
      registrars: [(s) => h.feature.routes(s)],
    });
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  afterEach(() => closeServer(server));

  async function call(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      headers: res.headers,
      body: type.includes('json') && !type.includes('ndjson') ? JSON.parse(text) : text,
    };
  }

  it('publishes (201, ETag), reads it back (200) and republishes with If-Match (200)', async () => {
    const created = await call('PUT', `${path}/managed-response`, publication());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.get('etag'), '"1"');
    assert.equal(created.body.incidentUpdate, 'done');
    assert.equal(created.body.managedResponse.actions.length, 2);
    const read = await call('GET', `${path}/managed-response`);
    assert.equal(read.status, 200);
    assert.equal(read.body.version, 1);
    const again = await call('PUT', `${path}/managed-response`, publication(), {
      'if-match': '"1"',
    });
    assert.equal(again.status, 200);
    const stale = await call('PUT', `${path}/managed-response`, publication(), {
      'if-match': '"1"',
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'VERSION_CONFLICT');
  });

  it('answers 400 with the path of every invalid field', async () => {
    const body = publication();
    const bad = {
      ...body,
      actions: [
        { ...body.actions[0], device: undefined, id: 'bad id!' },
        body.actions[1],
        body.actions[1],
      ],
    };
    const res = await call('PUT', `${path}/managed-response`, bad);
    assert.equal(res.status, 400);
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path);
    assert.deepEqual(paths.sort(), ['actions[0].device', 'actions[0].id', 'actions[2].id']);
    const unknown = await call('PUT', `${path}/managed-response`, { ...body, extra: 1 });
    assert.equal(unknown.status, 400);
    const notJson = await call('PUT', `${path}/managed-response`, '{not json');
    assert.equal(notJson.status, 400);
  });

  it('answers 401 without a valid token and 403 for a token lacking the role (audited)', async () => {
    assert.equal(
      (await call('GET', `${path}/managed-response`, undefined, { authorization: '' })).status,
      401,
    );
    assert.equal(
      (await call('GET', `${path}/managed-response`, undefined, { authorization: 'Bearer x.y.z' }))
        .status,
      401,
    );
    const weak = await issuer.sign({ roles: [] });
    const res = await call('PUT', `${path}/managed-response`, publication(), {
      authorization: `Bearer ${weak}`,
    });
    assert.equal(res.status, 403);
    const refusal = (await h.feature.audit.list()).find((e) => e.kind === 'refusal');
    assert.equal(refusal?.code, 'FORBIDDEN');
    assert.equal(refusal?.tenantId, TENANT);
  });

  it('answers 404 for an unknown tenant, incident or response', async () => {
    const otherTenant = `/api/v1/tenants/00000000-0000-4000-8000-000000000000/incidents/2972403/managed-response`;
    assert.equal((await call('PUT', otherTenant, publication())).status, 404);
    assert.equal(
      (
        await call(
          'PUT',
          `/api/v1/tenants/${TENANT}/incidents/404404/managed-response`,
          publication(),
        )
      ).status,
      404,
    );
    assert.equal((await call('GET', `${path}/managed-response`)).status, 404);
  });

  it('answers 413 for a body over the limit', async () => {
    const body = publication();
    body.summary.narrative = 'x'.repeat(19_000);
    body.actions = Array.from({ length: 20 }, (_, i) => ({
      ...body.actions[1]!,
      id: `a${i}`,
      description: 'd'.repeat(3_900),
    }));
    const res = await call('PUT', `${path}/managed-response`, body);
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'PayloadTooLarge');
  });

  it('adds actions (201, 409 on a duplicate id) and posts updates (202)', async () => {
    await call('PUT', `${path}/managed-response`, publication());
    const extra = {
      id: 'act-new',
      kind: 'manual',
      title: 'Rotate keys',
      description: 'Rotate the API keys.',
    };
    const added = await call('POST', `${path}/managed-response/actions`, { actions: [extra] });
    assert.equal(added.status, 201);
    assert.equal(added.body.version, 2);
    assert.equal(
      (await call('POST', `${path}/managed-response/actions`, { actions: [extra] })).status,
      409,
    );
    const update = await call('POST', `${path}/updates`, { text: 'No more C2 traffic.' });
    assert.equal(update.status, 202);
    assert.match(
      h.defender.incidents.comments.at(-1)!.comment,
      /Dana Expert: No more C2 traffic\./,
    );
  });

  it('exports the audit trail as JSON and as JSON lines', async () => {
    await call('PUT', `${path}/managed-response`, publication());
    const json = await call('GET', `/api/v1/audit?tenantId=${TENANT}&incidentId=2972403`);
    assert.equal(json.status, 200);
    const kinds = (json.body.value as { kind: string }[]).map((e) => e.kind);
    assert.deepEqual(kinds, ['publish', 'incidentUpdate']);
    const lines = await call('GET', `/api/v1/audit.jsonl?incidentId=2972403`);
    assert.equal(lines.status, 200);
    assert.match(lines.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const parsed = (lines.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { actor: { name: string } });
    assert.equal(parsed.length, 2);
    assert.equal(parsed[0]!.actor.name, 'Dana Expert');
    assert.equal((await call('GET', '/api/v1/audit?limit=0')).status, 400);
  });
});
