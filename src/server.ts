// createServer(deps): the HTTP transport. No listen here, so tests drive the real pipeline.
import restify, { type Request, type Response, type Server } from 'restify';
import { z } from 'zod';
import { jsonBodyParser } from './json-body-parser.ts';
import type { Logger } from './platform/logger.ts';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
  /** This instance and the customer tenants it owns (src/app/tenant-work.ts). */
  instance?: { id: string; owned: { tenantId: string; name: string }[] };
}

export interface ServerDeps {
  logger: Logger;
  /** Hands a validated activity request to the bot adapter (bot/ owns botbuilder). */
  processActivity: (req: Request, res: Response) => Promise<void>;
  readiness: () => Promise<ReadinessReport>;
  /** Extra route registrars (e.g. the Experts API under /api/v1). */
  registrars?: ((server: Server) => void)[];
  /** Largest accepted request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Smaller limits for paths under a prefix (default: the Experts API, 256 KiB). */
  bodyLimits?: { pathPrefix: string; maxBytes: number }[];
}

const defaultBodyLimits = [{ pathPrefix: '/api/v1/', maxBytes: 256 * 1024 }];

// The minimum every Bot Framework activity carries; the adapter checks the rest.
const activityEnvelope = z.object({
  type: z.string().min(1),
  channelId: z.string().min(1),
  serviceUrl: z.string().min(1),
  conversation: z.object({ id: z.string().min(1) }).loose(),
  from: z
    .object({ id: z.string().min(1) })
    .loose()
    .optional(),
});

export function createServer(deps: ServerDeps): Server {
  const server = restify.createServer({
    name: 'managed-response-bot',
    handleUncaughtExceptions: false,
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  const maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;
  const bodyLimits = deps.bodyLimits ?? defaultBodyLimits;
  server.use(
    jsonBodyParser({
      limitFor: (path) =>
        Math.min(
          maxBodyBytes,
          ...bodyLimits.filter((l) => path.startsWith(l.pathPrefix)).map((l) => l.maxBytes),
        ),
    }),
  );

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    try {
      const report = await deps.readiness();
      res.send(report.ready ? 200 : 503, report);
    } catch (err) {
      deps.logger.error({ err }, 'readiness check failed');
      res.send(503, { ready: false, checks: { readiness: { ok: false, detail: 'check failed' } } });
    }
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    const parsed = activityEnvelope.safeParse(req.body);
    if (!parsed.success) {
      res.send(400, {
        error: {
          code: 'BadRequest',
          message: `Not a Bot Framework activity: ${parsed.error.issues
            .map((i) => `${i.path.join('.') || 'body'} ${i.message}`)
            .join('; ')}`,
        },
      });
      return;
    }
    try {
      await deps.processActivity(req, res);
    } catch (err) {
      deps.logger.error({ err, activityId: (req.body as { id?: string }).id }, 'activity failed');
      if (!res.headersSent) {
        res.send(500, {
          error: { code: 'InternalError', message: 'The activity could not be processed.' },
        });
      }
    }
  });

  for (const register of deps.registrars ?? []) register(server);

  // Body parser and routing errors (malformed JSON, too large, unknown route) answer JSON.
  server.on(
    'restifyError',
    (
      req: Request,
      res: Response,
      err: Error & { statusCode?: number; toJSON?: () => unknown },
      cb: () => void,
    ) => {
      const status = err.statusCode ?? 500;
      if (status >= 500) deps.logger.error({ err, path: req.path() }, 'request failed');
      err.toJSON = () => ({
        error: {
          code: err.name.replace(/Error$/, '') || 'Error',
          message: status >= 500 ? 'Internal error' : err.message,
        },
      });
      cb();
    },
  );
  return server;
}

/** Starts listening; resolves with the bound port (useful with port 0). */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve();
    });
  });
  const address: unknown = server.address();
  return (address as { port: number }).port;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}
