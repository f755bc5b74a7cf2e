// A local Defender XDR and Microsoft 365: an Entra-like token endpoint; Graph security incidents,
// users, the Teams app catalog and per-user app installations (proactive install, 1:1 chat) and
// sendMail; Defender for Endpoint machines and machine actions; all on one HTTPS listener,
// speaking the documented shapes so the real clients (ClientSecretCredential + fetch) run
// against it unchanged: only the base URLs differ. Each tenant grants its apps a set of
// application roles (seed `grantedRoles`), checked on every Graph and MDE route.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RoleCheck } from './app-roles.ts';
import { controlRoutes, createControl, type EmulatorControl } from './control-api.ts';
import { DEMO_HANDOVER, demoTenants } from './demo-data.ts';
import { EmulatorState } from './emulator-state.ts';
import { areaOfPath, errorBody, faultError, toHttpError } from './error-envelopes.ts';
import { FaultInjector } from './faults.ts';
import { graphIncidentRoutes } from './graph-incidents.ts';
import { graphSendMailRoutes } from './graph-send-mail.ts';
import { graphInstalledAppRoutes } from './graph-installed-apps.ts';
import { graphTeamsCatalogRoutes } from './graph-teams-catalog.ts';
import { graphUserRoutes } from './graph-users.ts';
import {
  HttpError,
  Router,
  readRequestText,
  type Area,
  type RouteContext,
  type RouteResult,
} from './http-kit.ts';
import { MachineActionBook, type ActionTimings } from './machine-actions.ts';
import { mdeRoutes } from './mde-machine-actions.ts';
import { mdeMachineRoutes } from './mde-machines.ts';
import { RequestStats } from './request-stats.ts';
import type { EmulatorTenantSeed } from './seed-schema.ts';
import { TokenService, tokenRoutes } from './token-endpoint.ts';

export type { EmulatorControl, IncidentPatchInput } from './control-api.ts';
export type { EmulatorInstallation, EmulatorUserView } from './control-directory.ts';
export type { GraphIncident, SentMail } from './emulator-state.ts';
export type { ActiveFault, EmulatorFault } from './faults.ts';
export type { EmulatedMachineAction, MachineAction } from './machine-actions.ts';
export type { EmulatorStats } from './request-stats.ts';
export type {
  EmulatorDeviceSeed,
  EmulatorIncidentSeed,
  EmulatorMachineActionSeed,
  EmulatorTeamsAppSeed,
  EmulatorTenantSeed,
  EmulatorUserSeed,
} from './seed-schema.ts';

export interface EmulatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface EmulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** 0 = any free port (default). */
  port?: number;
  /** PEM certificate and key, from ensureDevCertificate(). */
  tls: { cert: string; key: string };
  /** Default: demoTenants() (Contoso and Fabrikam). */
  tenants?: EmulatorTenantSeed[];
  /**
   * Machine action schedule from creation; default 1500 ms to InProgress, 4000 ms to final, and
   * TimeOut after 3 days for a device that does not check in.
   */
  actionTimings?: ActionTimings;
  /** Demo handover to Awaiting Customer Action after this long (default 20000; null = never). */
  demoAwaitingAfterMs?: number | null;
  /**
   * What Graph and MDE routes check application roles against: the tenant's grants at the time
   * of the request (default; grants and revocations apply at once) or, as Entra ID and the real
   * services do, the `roles` the token carried when it was issued ('tokenRoles').
   */
  roleCheck?: RoleCheck;
  /** Clock for timestamps, token lifetimes and action progress. */
  now?: () => Date;
  logger?: EmulatorLogger;
}

export interface RunningEmulator {
  /** https://127.0.0.1:PORT */
  url: string;
  /** `${url}/login`: the authorityHost for @azure/identity (tenant id follows as a segment). */
  authorityHost: string;
  /** `${url}/graph`: clients call `${graphBaseUrl}/v1.0/security/incidents`, `/v1.0/users/…`. */
  graphBaseUrl: string;
  /** `${url}/mde`: clients call `${mdeBaseUrl}/api/machines/{id}/isolate`. */
  mdeBaseUrl: string;
  control: EmulatorControl;
  close(): Promise<void>;
}

const defaultTimings: ActionTimings = { toInProgressMs: 1500, toFinalMs: 4000 };

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const now = options.now ?? (() => new Date());
  const logger = options.logger;
  const state = new EmulatorState(options.tenants ?? demoTenants(now()), now, options.roleCheck);
  const faults = new FaultInjector();
  const stats = new RequestStats();
  const actions = new MachineActionBook(options.actionTimings ?? defaultTimings, now);
  actions.reset(state.actionSeeds());
  const tokens = new TokenService(state, now);
  const control = createControl({ state, faults, actions, stats, now });
  const timers = new Set<NodeJS.Timeout>();
  let url = '';

  const router = new Router().add(
    ...tokenRoutes({ state, tokens, authorityHost: () => `${url}/login` }),
    ...graphIncidentRoutes({ state, graphBaseUrl: () => `${url}/graph` }),
    ...graphUserRoutes({ state, graphBaseUrl: () => `${url}/graph` }),
    ...graphTeamsCatalogRoutes({ state, graphBaseUrl: () => `${url}/graph` }),
    ...graphInstalledAppRoutes({ state, graphBaseUrl: () => `${url}/graph`, now }),
    ...graphSendMailRoutes({ state, now }),
    ...mdeRoutes({
      state,
      actions,
      faults,
      mdeBaseUrl: () => `${url}/mde`,
      ...(logger ? { logger } : {}),
    }),
    ...mdeMachineRoutes({ state, actions, mdeBaseUrl: () => `${url}/mde` }),
    ...controlRoutes(control),
    {
      method: 'GET',
      pattern: '/',
      area: 'control',
      handle: () => ({
        status: 200,
        body: {
          name: 'Defender XDR emulator',
          authorityHost: `${url}/login`,
          graphBaseUrl: `${url}/graph`,
          mdeBaseUrl: `${url}/mde`,
          tenants: state.listTenants(),
        },
      }),
    },
  );

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function route(
    req: IncomingMessage,
    requestId: string,
  ): Promise<{ result: RouteResult; area: Area; name: string }> {
    const method = req.method ?? 'GET';
    const requestUrl = new URL(req.url ?? '/', url);
    const matched = router.match(method, requestUrl.pathname);
    const area = typeof matched === 'object' ? matched.route.area : areaOfPath(requestUrl.pathname);
    const name =
      typeof matched === 'object' ? `${method} ${matched.route.pattern}` : `${method} (unmatched)`;
    try {
      const applied = faults.forRequest(requestUrl.pathname, area);
      if (applied.delayMs > 0) await delay(applied.delayMs);
      if (applied.error) throw faultError(applied.error, area);
      if (matched === undefined) {
        const code = area === 'mde' ? 'ResourceNotFound' : 'NotFound';
        throw new HttpError(404, code, `No resource at ${requestUrl.pathname}.`);
      }
      if (matched === 'method') {
        throw new HttpError(405, 'MethodNotAllowed', `${method} is not allowed here.`);
      }
      let text: Promise<string> | undefined;
      const ctx: RouteContext = {
        req,
        url: requestUrl,
        params: matched.params,
        requestId,
        readText: () => (text ??= readRequestText(req)),
      };
      if (area === 'graph' || area === 'mde') {
        ctx.caller = await tokens.verify(req.headers.authorization, area);
      }
      return { result: await matched.route.handle(ctx), area, name };
    } catch (err) {
      const httpError = toHttpError(err, area);
      if (!httpError) {
        logger?.warn({ err, method, path: requestUrl.pathname }, 'emulator: request failed');
        throw err;
      }
      const clientRequestId = String(req.headers['client-request-id'] ?? requestId);
      return {
        result: {
          status: httpError.status,
          body: errorBody(httpError, area, requestId, clientRequestId, now()),
          headers: httpError.headers,
        },
        area,
        name,
      };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let outcome: { result: RouteResult; area: Area; name: string };
    try {
      outcome = await route(req, requestId);
    } catch {
      outcome = {
        result: {
          status: 500,
          body: { error: { code: 'InternalServerError', message: 'Unexpected emulator error.' } },
        },
        area: areaOfPath(req.url ?? '/'),
        name: `${req.method ?? 'GET'} (error)`,
      };
    }
    const { result, area, name } = outcome;
    if (area !== 'control') stats.record(name, result.status);
    if (res.destroyed) return;
    const headers: Record<string, string> = {
      'request-id': requestId,
      'client-request-id': String(req.headers['client-request-id'] ?? requestId),
      ...result.headers,
    };
    if (result.body === undefined) {
      // Not chained: restify, loaded in the same process by the bot, patches writeHead to return
      // undefined instead of the response.
      res.writeHead(result.status, headers);
      res.end();
    } else {
      headers['Content-Type'] = 'application/json; charset=utf-8';
      res.writeHead(result.status, headers);
      res.end(JSON.stringify(result.body));
    }
  }

  const server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    void handle(req, res);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const publicHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  url = `https://${publicHost}:${port}`;

  scheduleDemoHandover(
    options.demoAwaitingAfterMs === undefined ? 20_000 : options.demoAwaitingAfterMs,
  );
  logger?.info({ url }, 'Defender XDR emulator listening');

  function scheduleDemoHandover(afterMs: number | null): void {
    const { tenantId, incidentId } = DEMO_HANDOVER;
    if (afterMs === null || !state.getIncident(tenantId, incidentId)) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const incident = state.getIncident(tenantId, incidentId);
      // Leave it alone if a test or a person already moved it on.
      if (incident?.status !== 'inProgress') return;
      control.patchIncident(tenantId, incidentId, DEMO_HANDOVER.patch);
      control.addComment(tenantId, incidentId, DEMO_HANDOVER.comment);
      logger?.info({ tenantId, incidentId }, 'emulator: demo incident now awaits customer action');
    }, afterMs);
    timer.unref();
    timers.add(timer);
  }

  return {
    url,
    authorityHost: `${url}/login`,
    graphBaseUrl: `${url}/graph`,
    mdeBaseUrl: `${url}/mde`,
    control,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
