// Starts an emulator on a free port for one test file, with the development certificate that
// scripts/run-mocha.ts makes the test process trust, and a settable clock.
import { ensureDevCertificate } from '../../src/emulator/dev-certificate.ts';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_ID,
  FABRIKAM_CLIENT_SECRET,
  FABRIKAM_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../src/emulator/emulator.ts';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
export const MDE_SCOPE = 'https://api.securitycenter.microsoft.com/.default';

/** A clock tests move by hand. */
export class TestClock {
  constructor(public ms = Date.parse('2025-03-10T09:00:00.000Z')) {}
  readonly now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export async function startTestEmulator(
  options: Partial<Omit<EmulatorOptions, 'tls'>> = {},
): Promise<RunningEmulator> {
  const tls = await ensureDevCertificate('artifacts/tls');
  return startEmulator({ demoAwaitingAfterMs: null, ...options, tls });
}

/** Fabrikam's credentials, for tests that need the other demo tenant. */
export const FABRIKAM = {
  tenantId: FABRIKAM_TENANT_ID,
  clientId: FABRIKAM_CLIENT_ID,
  clientSecret: FABRIKAM_CLIENT_SECRET,
};

/** A token straight from the token endpoint (the @azure/identity flow is tested separately). */
export async function getToken(
  emulator: RunningEmulator,
  scope: string,
  tenantId = DEMO_TENANT_ID,
  clientId = DEMO_CLIENT_ID,
  clientSecret = DEMO_CLIENT_SECRET,
): Promise<string> {
  const res = await fetch(`${emulator.authorityHost}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope,
    }),
  });
  if (res.status !== 200)
    throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
}

/** fetch + JSON with a bearer token; `body` objects are sent as JSON. */
export async function call(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  const typed = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  if (init.body !== undefined && !typed) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}
