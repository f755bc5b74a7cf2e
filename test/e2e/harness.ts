// End-to-end harness: the real start command (built once per run, test/fakes/bot-command.ts), the
// Agents Playground and Debian Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startPlayground, type RunningPlayground } from '../../scripts/start-playground.ts';
import { botCommand } from '../fakes/bot-command.ts';

export const SCREENSHOT_DIR = path.resolve('artifacts/screenshots');
export const CUSTOMER_PLAYGROUND_CONFIG = path.resolve('scripts/playground/customer.yml');

/**
 * A port for a child process to listen on, free on 127.0.0.1 when asked. Drawn below the kernel's
 * ephemeral range, where `listen(0)` and every outgoing connection take their ports: a port
 * handed out from there can be taken by a connection of another lane before the child binds it
 * (EADDRINUSE), the likelier the more lanes run at once.
 */
export async function freePort(): Promise<number> {
  const below = ephemeralFloor();
  const from = Math.max(1024, below - 12_000);
  for (;;) {
    const port = from + Math.floor(Math.random() * (below - from));
    if (await canListen(port)) return port;
  }
}

/** The lowest ephemeral port (Linux: net.ipv4.ip_local_port_range; IANA's 49152 elsewhere). */
function ephemeralFloor(): number {
  try {
    const low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    );
    return low > 2048 ? low : 49_152;
  } catch {
    return 49_152;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export interface RunningBot {
  port: number;
  /** The embedded Defender XDR emulator (control API under /_emulator). */
  emulatorUrl: string;
  endpoint: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

/** Runs `npm start`'s entry point (botCommand()) as a child process and waits for /healthz. */
// Bots still running when mocha exits: a `before` hook that times out while startBot waits never
// gets a RunningBot to stop, and its bot would outlive the test run. Each bot runs in its own
// process group (the launcher re-runs itself as the bot), so both are killed together.
const running = new Set<ChildProcess>();
const killGroup = (child: ChildProcess) => {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
};
process.once('exit', () => {
  for (const child of running) killGroup(child);
});

export async function startBot(
  env: Record<string, string> = {},
  port?: number,
): Promise<RunningBot> {
  port ??= await freePort();
  const dataDir = env.DATA_DIR ?? (await mkdtemp(path.join(tmpdir(), 'mrb-e2e-')));
  const emulatorPort = env.EMULATOR_PORT ?? String(await freePort());
  const child: ChildProcess = spawn(process.execPath, botCommand(), {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      EMULATOR_PORT: emulatorPort,
      ...env,
    },
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  // A guard against a start that hangs: the bot, a Playground and Chromium start at once, and
  // other lanes with them.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error(`bot did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    endpoint: botEndpoint(port),
    emulatorUrl: `https://127.0.0.1:${emulatorPort}`,
    dataDir,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The messaging endpoint of a bot listening on `port`. */
export const botEndpoint = (port: number): string => `http://127.0.0.1:${port}/api/messages`;

/** A Playground's config file, and the port it must listen on when that is known beforehand. */
export type PlaygroundSpec = string | { configPath: string; port: number };

export interface RunningStack<Configs extends readonly PlaygroundSpec[]> {
  bot: RunningBot;
  /** One per config given, in that order. */
  playgrounds: { -readonly [K in keyof Configs]: RunningPlayground };
  browser: Browser;
}

/**
 * Starts the bot, a Playground per config and Chromium at once: a Playground needs only the bot's
 * endpoint until a page opens on it, and pages are opened once all are up. Each part takes
 * seconds, mostly waiting (module loading, a port to answer), so together they take the longest
 * one's time. If one fails, those that started are stopped and its error thrown.
 */
export async function startStack<const Configs extends readonly PlaygroundSpec[]>(
  env: Record<string, string>,
  playgroundConfigs: Configs,
): Promise<RunningStack<Configs>> {
  const port = await freePort();
  const [bot, browser, ...playgrounds] = await Promise.allSettled([
    startBot(env, port),
    launchBrowser(),
    ...playgroundConfigs.map(async (spec) =>
      startPlayground({
        botEndpoint: botEndpoint(port),
        ...(typeof spec === 'string' ? { configPath: spec, port: await freePort() } : spec),
      }),
    ),
  ]);
  if (
    bot.status === 'fulfilled' &&
    browser.status === 'fulfilled' &&
    playgrounds.every((p) => p.status === 'fulfilled')
  ) {
    const running = playgrounds.map((p) => p.value);
    return {
      bot: bot.value,
      browser: browser.value,
      playgrounds: running as RunningStack<Configs>['playgrounds'],
    };
  }
  if (browser.status === 'fulfilled') await browser.value.close();
  for (const p of playgrounds) if (p.status === 'fulfilled') await p.value.stop();
  if (bot.status === 'fulfilled') await bot.value.stop();
  const failed = [bot, browser, ...playgrounds].find((r) => r.status === 'rejected');
  throw failed?.reason;
}

export async function startCustomerPlayground(
  bot: RunningBot,
  configPath = CUSTOMER_PLAYGROUND_CONFIG,
): Promise<RunningPlayground> {
  return startPlayground({ botEndpoint: bot.endpoint, port: await freePort(), configPath });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page on the Playground with every non-local request (CDN fonts) blocked. */
export async function openPlayground(
  browser: Browser,
  playground: RunningPlayground,
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === 'localhost' || host === '127.0.0.1' ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  await page.goto(playground.url);
  return page;
}

/**
 * A JSON call to the bot's embedded emulator (its control API plays the experts). The emulator's
 * certificate is the bot's own, under DATA_DIR/tls; this process trusts it for this call only.
 */
export async function emulatorCall(
  bot: RunningBot,
  method: string,
  pathname: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const ca = await readFile(path.join(bot.dataDir, 'tls', 'emulator-cert.pem'), 'utf8');
  const url = new URL(pathname, bot.emulatorUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method, ca, headers: payload ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text ? (JSON.parse(text) as unknown) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** On a failed test, keeps the bot's log beside the screenshots for diagnosis. */
export async function keepLogOnFailure(
  test: Mocha.Context['currentTest'],
  bot: RunningBot | undefined,
): Promise<void> {
  if (test?.state !== 'failed' || !bot) return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const name = test
    .fullTitle()
    .replace(/[^a-z0-9]+/gi, '-')
    .slice(0, 80);
  await writeFile(path.join(SCREENSHOT_DIR, `${name}.log`), bot.output());
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** One customer's journey: the bot, its Playground, and one Chromium page on it. */
export interface CustomerJourney {
  bot: RunningBot;
  playground: RunningPlayground;
  browser: Browser;
  page: Page;
}

/**
 * Registers the hooks of a journey in one customer Playground: starts the bot on `env`, the
 * Playground and a Chromium page before the tests; after a failed test keeps the bot's log and a
 * screenshot `<name>-failed`; stops everything after. The fields are set once `before` has run.
 */
export function customerJourney(name: string, env: Record<string, string>): CustomerJourney {
  const journey = {} as CustomerJourney;
  before(async () => {
    const stack = await startStack(env, [CUSTOMER_PLAYGROUND_CONFIG]);
    journey.bot = stack.bot;
    journey.playground = stack.playgrounds[0]!;
    journey.browser = stack.browser;
    journey.page = await openPlayground(journey.browser, journey.playground);
  });
  afterEach(async function () {
    await keepLogOnFailure(this.currentTest, journey.bot);
    if (this.currentTest?.state === 'failed' && journey.page)
      await screenshot(journey.page, `${name}-failed`);
  });
  after(async () => {
    await journey.browser?.close();
    await journey.playground?.stop();
    await journey.bot?.stop();
  });
  return journey;
}
