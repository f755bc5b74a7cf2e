// Issue 10 journey in the Agents Playground: Isaiah Langer, an incident contact who never opened
// the app, is reached through proactive install (Graph, the emulator) in the 1:1 chat Graph
// created; Patti Fernandez, whom the app permission policy blocks, gets the email fallback; and
// the SOC channel card lists who was notified and how. The Playground signs in as Isaiah, and the
// page opens only once his card was sent, so the bot never had an activity from him before.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { RunningPlayground } from '../../scripts/start-playground.ts';
import { DEMO_TENANTS_FILE } from '../../src/defender-setup.ts';
import { DEMO_BOT_APP_ID, DEMO_DIRECTORY } from '../../src/emulator/demo-directory.ts';
import { DEMO_TENANT_ID } from '../../src/emulator/demo-data.ts';
import {
  emulatorCall,
  freePort,
  keepLogOnFailure,
  openPlayground,
  screenshot,
  startStack,
  type RunningBot,
} from './harness.ts';

const C = DEMO_DIRECTORY.contoso;
const ISAIAH = C.contacts.neverOpenedApp;
const PATTI = C.contacts.emailOnly;
const ALEX = C.installed.alexWilber;
/** The 1:1 chat the emulator's Graph gives our app and Isaiah (its chat id format). */
const ISAIAH_CHAT = `19:${DEMO_BOT_APP_ID}_${ISAIAH.userId}@unq.gbl.spaces`;

/** customer.yml with Isaiah signed in (and his chat the Playground's personal chat). */
async function isaiahPlaygroundConfig(dir: string): Promise<string> {
  const base = await readFile('scripts/playground/customer.yml', 'utf8');
  const person = (id: string, name: string, upn: string, oid: string, given: string, sur: string) =>
    [
      `  id: ${id}`,
      `  name: ${name}`,
      `  userPrincipleName: ${upn}`,
      `  aadObjectId: ${oid}`,
      `  givenName: ${given}`,
      `  surname: ${sur}`,
      `  email: ${upn}`,
    ].join('\n');
  const alex = person(
    '29:contoso-alex',
    'Alex Wilber',
    'alexw@contoso.example',
    ALEX,
    'Alex',
    'Wilber',
  );
  const isaiah = person(
    '29:contoso-isaiah',
    'Isaiah Langer',
    ISAIAH.mail,
    ISAIAH.userId,
    'Isaiah',
    'Langer',
  );
  const swapped = base
    .replace(/currentUser:\n(?: {2}.*\n)+/, `currentUser:\n${isaiah}\n`)
    .replace(
      / {2}- id: 29:contoso-isaiah\n(?: {4}.*\n)+/,
      `${alex.replace(/^ {2}/gm, '    ').replace(/^ {4}id/, '  - id')}\n`,
    )
    .replace(/personalChat:\n {2}id: .*\n/, `personalChat:\n  id: '${ISAIAH_CHAT}'\n`);
  assert.match(swapped, /currentUser:\n {2}id: 29:contoso-isaiah/);
  assert.match(swapped, /- id: 29:contoso-alex/);
  const file = path.join(dir, 'isaiah.yml');
  await writeFile(file, swapped);
  return file;
}

/** The demo tenants with Isaiah and Patti as Contoso's primary contacts, email at once. */
async function tenantsFile(dir: string): Promise<string> {
  const demo = JSON.parse(await readFile(DEMO_TENANTS_FILE, 'utf8')) as {
    tenants: Array<Record<string, unknown> & { tenantId: string }>;
  };
  for (const t of demo.tenants) {
    if (t.tenantId !== DEMO_TENANT_ID) continue;
    t.contacts = {
      primary: [
        { userId: ISAIAH.userId, name: ISAIAH.name },
        { userId: PATTI.userId, name: PATTI.name },
      ],
      secondary: [],
    };
    t.email = { from: C.serviceMailbox.mail, afterMinutes: 0 };
  }
  const file = path.join(dir, 'tenants.json');
  await writeFile(file, JSON.stringify(demo, null, 2));
  return file;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 45_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('e2e: every contact reached (proactive install, email, who was reached)', function () {
  this.timeout(120_000);
  let bot: RunningBot;
  let playground: RunningPlayground;
  let browser: Browser;
  let page: Page;

  before(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mrb-reach-'));
    const playgroundPort = await freePort();
    ({
      bot,
      browser,
      playgrounds: [playground],
    } = await startStack(
      {
        EMULATOR: 'on',
        TENANTS_FILE: await tenantsFile(dir),
        EMULATOR_DEMO_AWAITING_SECONDS: '3',
        POLL_INTERVAL_SECONDS: '1',
        // No activity from the tenant yet: a chat made by proactive install is reached here.
        TEAMS_SERVICE_URL: `http://localhost:${playgroundPort}/_connector/`,
      },
      [{ configPath: await isaiahPlaygroundConfig(dir), port: playgroundPort }],
    ));
  });

  afterEach(async function () {
    await keepLogOnFailure(this.currentTest, bot);
    if (this.currentTest?.state === 'failed' && page)
      await screenshot(page, 'contact-reach-failed');
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    await bot?.stop();
  });

  it('installs the app for a contact who never opened it and delivers the card into the chat Graph made', async () => {
    await until('the proactive install', async () =>
      bot.output().includes('contact reached by proactive install') ? true : undefined,
    );
    await until('the card in Isaiah’s chat', async () =>
      /unq\.gbl\.spaces[^\n]*"msg":"delivered"/.test(bot.output()) ? true : undefined,
    );
    const installs = await emulatorCall(
      bot,
      'GET',
      `/_emulator/tenants/${DEMO_TENANT_ID}/users/${ISAIAH.userId}/installedApps`,
    );
    assert.equal(installs.status, 200);
    assert.match(JSON.stringify(installs.body), new RegExp(C.teamsApp.catalogId));
    // The Playground's Bot Connector accepted the card into that chat (the log line names it),
    // before Isaiah ever opened Teams. (The Playground clears a chat's view when its page loads,
    // so the screenshot below shows the chat, not that earlier card.)
    assert.match(
      bot.output(),
      new RegExp(`"conversationId":"${ISAIAH_CHAT}"[^\n]*"msg":"delivered"`),
    );
    page = await openPlayground(browser, playground);
    await page.getByRole('treeitem', { name: /Personal Chat/ }).click();
    await screenshot(page, 'contact-reach-personal');
  });

  it('emails the contact Teams cannot reach, and the SOC card lists who was notified and how', async () => {
    const mail = await until('the email to Patti', async () => {
      const sent = await emulatorCall(bot, 'GET', `/_emulator/tenants/${DEMO_TENANT_ID}/sentMail`);
      const list = (
        sent.body as { value?: Array<{ toRecipients: string[]; htmlBody: string | null }> }
      ).value;
      return list?.find((m) => m.toRecipients.includes(PATTI.mail));
    });
    assert.match(mail.htmlBody ?? '', /Open in Microsoft Defender/);

    // The page load added the app to the team (install events): the SOC cards go out now,
    // rendered from the current state, with the contacts' list.
    await page.getByRole('treeitem', { name: /Incidents/ }).click();
    await page.getByText('Incident contacts').first().waitFor({ timeout: 30_000 });
    await page.getByText('Teams (app installed for them)').first().waitFor({ timeout: 30_000 });
    await page
      .getByText(/^Email/)
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'contact-reach-soc-card');
  });
});
