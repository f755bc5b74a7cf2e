// The emulator's tiny HTTP toolkit: a route table with `{param}` patterns, typed errors that the
// pipeline renders in the envelope of the API that was called (Entra, Graph, MDE), and body
// readers. No framework: the emulator must stay a drop-in local stand-in with no extra setup.
import type { IncomingMessage } from 'node:http';

/** Which real service a route imitates; decides the error envelope, auth and fault rules. */
export type Area = 'aad' | 'graph' | 'mde' | 'control';

export interface Caller {
  tenantId: string;
  clientId: string;
  appDisplayName: string;
  /** The token's `roles` claim (what the tenant granted when the token was issued). */
  roles: string[];
}

export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  requestId: string;
  /** Set for graph and mde routes once the pipeline has checked the bearer token. */
  caller?: Caller;
  readText(): Promise<string>;
}

/** The authenticated caller of a graph or mde route. */
export function callerOf(ctx: RouteContext): Caller {
  if (!ctx.caller) throw new Error(`route ${ctx.url.pathname} needs an authenticated caller`);
  return ctx.caller;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** e.g. `/graph/v1.0/security/incidents/{id}`; also the route's name in the statistics. */
  pattern: string;
  area: Area;
  handle(ctx: RouteContext): Promise<RouteResult> | RouteResult;
}

/** An error answered to the client as `status` with `code` in the area's error envelope. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Graph only: `innerError.code`, which some Graph services add (e.g. `AccessDenied`). */
    readonly innerCode?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Matches paths case-insensitively, as Graph and MDE do (`StopAndQuarantineFile` vs camelCase). */
export class Router {
  private readonly compiled: CompiledRoute[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.pattern
        .split(/(\{[a-zA-Z]+\})/)
        .map((part) => {
          const name = /^\{([a-zA-Z]+)\}$/.exec(part)?.[1];
          if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(name);
          return '([^/]+)';
        })
        .join('');
      this.compiled.push({ route, regex: new RegExp(`^${source}/?$`, 'i'), names });
    }
    return this;
  }

  /** The matching route, `'method'` when only the method differs, or undefined. */
  match(method: string, path: string): RouteMatch | 'method' | undefined {
    let pathMatched = false;
    for (const { route, regex, names } of this.compiled) {
      const m = regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => (params[name] = safeDecode(m[i + 1] ?? '')));
      return { route, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape simply matches nothing
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function readRequestText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'RequestEntityTooLarge', 'Body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body; a malformed one is a 400 with the caller's error code. */
export async function readJsonBody(ctx: RouteContext, badRequestCode: string): Promise<unknown> {
  const text = await ctx.readText();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, badRequestCode, 'The request body is not valid JSON.');
  }
}
