// Issue 5 journeys in the Agents Playground: the managed response opened from the notification,
// a one-click action going In progress → Completed, a manual action completed and one skipped
// through their confirmation steps, the hand-back, and a Security Reader's disabled buttons.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { RunningPlayground } from '../../scripts/start-playground.ts';
import {
  CUSTOMER_PLAYGROUND_CONFIG,
  keepLogOnFailure,
  openPlayground,
  screenshot,
  startStack,
  type RunningBot,
} from './harness.ts';

const READER_CONFIG = path.resolve('scripts/playground/customer-reader.yml');
const INCIDENT_TITLE = /Initial access & Ransomware/;

describe('e2e: managed response in the Agents Playground', function () {
  this.timeout(120_000);
  let bot: RunningBot;
  let operatorPlayground: RunningPlayground;
  let readerPlayground: RunningPlayground;
  let browser: Browser;
  let page: Page;
  let readerPage: Page;

  before(async () => {
    // The handover incident stays with the experts during this journey.
    ({
      bot,
      browser,
      playgrounds: [operatorPlayground, readerPlayground],
    } = await startStack(
      {
        EMULATOR_DEMO_AWAITING_SECONDS: '3600',
        EMULATOR_ACTION_MS: '1500',
        POLL_INTERVAL_SECONDS: '1',
      },
      [CUSTOMER_PLAYGROUND_CONFIG, READER_CONFIG],
    ));
    page = await openPlayground(browser, operatorPlayground);
    // Open from the start, as the operator's: the reader's chat exists once her client is up, and
    // a notification tried before that waits for its next retry (seconds, then tens of seconds).
    readerPage = await openPlayground(browser, readerPlayground);
  });

  afterEach(async function () {
    await keepLogOnFailure(this.currentTest, bot);
    if (this.currentTest?.state === 'failed') await screenshot(page, 'managed-response-failed');
  });

  after(async () => {
    await browser?.close();
    await readerPlayground?.stop();
    await operatorPlayground?.stop();
    await bot?.stop();
  });

  /** The newest copy of the actions card: the Container holding "Pending actions". */
  const actionsCard = (p: Page = page): Locator =>
    p.locator('.ac-adaptiveCard').filter({ hasText: 'Pending actions' }).last();
  /** A card button by its exact title (task rows are clickable containers named like them). */
  const button = (title: string, p: Page = page): Locator =>
    actionsCard(p).locator(`button[title="${title}"]`);

  /**
   * Opens a task's confirmation step and confirms it, asking once: the step is stored, so an edit
   * of every copy still on its way from the previous click keeps it on this chat's card.
   */
  async function throughConfirmation(
    open: string,
    yes: string,
    whileShown?: () => Promise<unknown>,
  ): Promise<void> {
    await button(open).first().click();
    await button(yes).waitFor({ timeout: 10_000 });
    await whileShown?.();
    await button(yes).click({ timeout: 5_000 });
  }

  it('opens the managed response from the notification', async () => {
    await page.getByText(INCIDENT_TITLE).first().waitFor({ timeout: 45_000 });
    await page.getByRole('button', { name: 'View managed response' }).last().click();
    await actionsCard().waitFor({ timeout: 15_000 });
    await page.getByText('Investigation summary').first().waitFor();
    await screenshot(page, 'mr-opened');
  });

  it('isolates a device: In progress, then Completed', async () => {
    await button('Isolate prod-server-01 (full)').click();
    await actionsCard()
      .getByText(/Started by Alex Wilber/)
      .waitFor({ timeout: 5_000 });
    await screenshot(page, 'mr-isolate-in-progress');
    await actionsCard()
      .getByText(/Completed · started by Alex Wilber/)
      .waitFor({ timeout: 20_000 });
    assert.equal(
      await button('Isolate prod-server-01 (full)').count(),
      0,
      'a finished action has no live button',
    );
    await screenshot(page, 'mr-isolate-completed');
  });

  it('completes a manual action through its confirmation step', async () => {
    // The first manual task is "Reset the svc-backup password".
    await throughConfirmation("I've completed this action", "Yes, I've done it", () =>
      screenshot(page, 'mr-manual-confirm'),
    );
    await actionsCard()
      .getByText(/Completed by Alex Wilber/)
      .first()
      .waitFor({ timeout: 10_000 });
  });

  it('skips a manual action through its confirmation step', async () => {
    // Only "Block update-check[.]net at the proxy" is still pending among the manual tasks.
    await throughConfirmation('Skip', 'Yes, skip this action');
    await actionsCard()
      .getByText(/Skipped by Alex Wilber/)
      .first()
      .waitFor({ timeout: 10_000 });
    await screenshot(page, 'mr-manual-skipped');
  });

  it('shows a Security Reader the buttons disabled, with the reason', async () => {
    try {
      await readerPage.getByText(INCIDENT_TITLE).first().waitFor({ timeout: 45_000 });
      await readerPage.getByRole('button', { name: 'View managed response' }).last().click();
      const card = actionsCard(readerPage);
      await card.waitFor({ timeout: 15_000 });
      await card
        .getByText(/Security Reader/)
        .first()
        .waitFor();
      const quarantine = button('Quarantine file', readerPage);
      assert.equal(await quarantine.isDisabled(), true, 'the reader cannot run actions');
      await screenshot(readerPage, 'mr-reader-disabled');
    } finally {
      await readerPage.context().close();
    }
  });

  it('hands the incident back to the experts when the last action is done', async () => {
    await button('Quarantine file').click();
    await page
      .getByText(/back with the experts/i)
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'mr-handed-back');
  });
});
