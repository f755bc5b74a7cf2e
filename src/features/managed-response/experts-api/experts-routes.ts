// The Experts API, v1, on the bot's own server: the experts' tooling publishes a managed response
// (investigation summary and response actions), adds actions, posts updates, and reads the
// audit trail. Every request is authenticated (expert-auth.ts); bodies are parsed with zod;
// versions travel as ETag / If-Match (409 on a stale one).
//
//   PUT  /api/v1/tenants/{tenantId}/incidents/{incidentId}/managed-response
//   GET  /api/v1/tenants/{tenantId}/incidents/{incidentId}/managed-response
//   POST /api/v1/tenants/{tenantId}/incidents/{incidentId}/managed-response/actions
//   POST /api/v1/tenants/{tenantId}/incidents/{incidentId}/updates
//   GET  /api/v1/audit?tenantId=&incidentId=&since=&limit=      (JSON)
//   GET  /api/v1/audit.jsonl?...                                (JSON lines)
//   GET  /api/v1/tenants/{tenantId}/report?from=&to=            (the report's figures, JSON)
import type { Request, Response, Server } from 'restify';
import type { Report } from '../../../domain/report/report.ts';
import type { AuditTrail } from '../audit-trail.ts';
import type { PublishResult, PublishService } from '../publish-service.ts';
import { ApiError, toApiError } from './api-errors.ts';
import {
  addActionsBodySchema,
  auditQuerySchema,
  incidentIdSchema,
  publishBodySchema,
  reportQuerySchema,
  updateBodySchema,
} from './api-schemas.ts';
import type { Logger } from '../../../platform/logger.ts';
import type { ExpertAuthenticator, ExpertPrincipal } from './expert-auth.ts';
import { AuthError } from './expert-auth.ts';

/** One incident contact and how they were reached (or why not), in words and as a flag. */
export interface NotifiedContact {
  userId: string;
  name: string;
  how: string;
  reached: boolean;
}

export interface ExpertsRoutesDeps {
  auth: Pick<ExpertAuthenticator, 'authenticate'>;
  publishing: PublishService;
  audit: AuditTrail;
  logger: Logger;
  /** Largest accepted body (default 256 KiB); larger is 413. */
  maxBodyBytes?: number;
  /** The reports feature's figures over [from, to) (default: the 7 days before now). */
  report?: (tenantId: string, range: { from?: string; to?: string }) => Promise<Report>;
  /** Who was notified of the incident and how (the notifications feature), on GET managed-response. */
  notified?: (tenantId: string, incidentId: string) => Promise<readonly NotifiedContact[]>;
}

const BASE = '/api/v1/tenants/:tenantId/incidents/:incidentId';

type Handler = (req: Request, res: Response, expert: ExpertPrincipal) => Promise<void>;

export function registerExpertsApi(server: Server, deps: ExpertsRoutesDeps): void {
  const route = (handler: Handler) => async (req: Request, res: Response) => {
    try {
      const expert = await authenticated(req, deps);
      checkSize(req, deps.maxBodyBytes ?? 256 * 1024);
      await handler(req, res, expert);
    } catch (err) {
      const { status, body, retryAfterSeconds } = toApiError(err);
      if (status === 503) deps.logger.warn({ err, path: req.path() }, 'Experts API: Defender busy');
      else if (status >= 500) {
        deps.logger.error({ err, path: req.path() }, 'Experts API request failed');
      }
      if (retryAfterSeconds !== undefined) res.header('retry-after', String(retryAfterSeconds));
      res.header('api-version', '1');
      res.send(status, body);
    }
  };

  server.put(
    `${BASE}/managed-response`,
    route(async (req, res, expert) => {
      const { tenantId, incidentId } = pathIds(req);
      const body = publishBodySchema.parse(req.body);
      const result = await deps.publishing.publish(
        tenantId,
        incidentId,
        body,
        expert,
        ifMatch(req),
      );
      sendResult(res, result.created ? 201 : 200, result);
    }),
  );

  server.get(
    `${BASE}/managed-response`,
    route(async (req, res) => {
      const { tenantId, incidentId } = pathIds(req);
      const stored = await deps.publishing.get(tenantId, incidentId);
      res.header('etag', `"${stored.version}"`);
      res.header('api-version', '1');
      const notified = deps.notified && (await deps.notified(tenantId, incidentId));
      res.send(200, {
        version: stored.version,
        managedResponse: stored.response,
        ...(notified ? { notified } : {}),
      });
    }),
  );

  server.post(
    `${BASE}/managed-response/actions`,
    route(async (req, res, expert) => {
      const { tenantId, incidentId } = pathIds(req);
      const body = addActionsBodySchema.parse(req.body);
      const result = await deps.publishing.addActions(
        tenantId,
        incidentId,
        body.actions,
        expert,
        ifMatch(req),
      );
      sendResult(res, 201, result);
    }),
  );

  server.post(
    `${BASE}/updates`,
    route(async (req, res, expert) => {
      const { tenantId, incidentId } = pathIds(req);
      const body = updateBodySchema.parse(req.body);
      const result = await deps.publishing.postUpdate(tenantId, incidentId, body.text, expert);
      res.header('api-version', '1');
      res.send(202, { incidentUpdate: result.incidentUpdate });
    }),
  );

  const { report } = deps;
  if (report) {
    server.get(
      '/api/v1/tenants/:tenantId/report',
      route(async (req, res) => {
        const params = (req.params ?? {}) as Record<string, string | undefined>;
        const query = reportQuerySchema.parse(req.query ?? {});
        const figures = await report(params.tenantId ?? '', {
          ...(query.from !== undefined ? { from: query.from } : {}),
          ...(query.to !== undefined ? { to: query.to } : {}),
        });
        res.header('api-version', '1');
        res.send(200, { report: figures });
      }),
    );
  }

  server.get(
    '/api/v1/audit',
    route(async (req, res) => {
      const entries = await deps.audit.list(auditQuerySchema.parse(req.query ?? {}));
      res.header('api-version', '1');
      res.send(200, { value: entries });
    }),
  );

  server.get(
    '/api/v1/audit.jsonl',
    route(async (req, res) => {
      const entries = await deps.audit.list(auditQuerySchema.parse(req.query ?? {}));
      const lines = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
      res.sendRaw(200, lines, {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'api-version': '1',
      });
    }),
  );
}

async function authenticated(req: Request, deps: ExpertsRoutesDeps): Promise<ExpertPrincipal> {
  try {
    return await deps.auth.authenticate(req.headers);
  } catch (err) {
    if (err instanceof AuthError && err.principal) {
      // A known caller refused (other tenant, missing role): worth an audit line.
      const params = (req.params ?? {}) as Record<string, string | undefined>;
      await deps.audit.append({
        kind: 'refusal',
        actor: { userId: err.principal.userId, name: err.principal.name, via: 'expertsApi' },
        tenantId: params.tenantId ?? 'n/a',
        ...(params.incidentId ? { incidentId: params.incidentId } : {}),
        operation: `${req.method} ${req.path()}`,
        result: 'refused',
        code: 'FORBIDDEN',
        detail: err.message,
      });
    } else {
      deps.logger.warn(
        { path: req.path(), reason: (err as Error).message },
        'Experts API: unauthenticated',
      );
    }
    throw err;
  }
}

function pathIds(req: Request): { tenantId: string; incidentId: string } {
  const params = (req.params ?? {}) as Record<string, string | undefined>;
  return { tenantId: params.tenantId ?? '', incidentId: incidentIdSchema.parse(params.incidentId) };
}

function ifMatch(req: Request): number | undefined {
  const raw = req.header('if-match');
  if (!raw) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(raw.trim());
  if (!match) throw new ApiError(400, 'InvalidRequest', 'If-Match must be a version such as "3".');
  return Number(match[1]);
}

function checkSize(req: Request, max: number): void {
  const length = Number(req.header('content-length') ?? 0);
  const parsed = req.body === undefined ? 0 : Buffer.byteLength(JSON.stringify(req.body));
  if (length > max || parsed > max) {
    throw new ApiError(413, 'PayloadTooLarge', `The body is larger than ${max} bytes.`);
  }
}

function sendResult(res: Response, status: number, result: PublishResult): void {
  res.header('etag', `"${result.stored.version}"`);
  res.header('api-version', '1');
  res.send(status, {
    version: result.stored.version,
    incidentUpdate: result.incidentUpdate,
    managedResponse: result.stored.response,
  });
}
