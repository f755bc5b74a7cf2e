// Issue 11 journey in the Agents Playground: the contact claims the incident the experts handed
// over ("I'm on it"), the card says so with Release claim, and releasing gives the button back.
import type { Browser, Locator, Page } from 'playwright-core';
import type { RunningPlayground } from '../../scripts/start-playground.ts';
import {
  keepLogOnFailure,
  launchBrowser,
  openPlayground,
  screenshot,
  startBot,
  startCustomerPlayground,
  type RunningBot,
} from './harness.ts';

describe("e2e: I'm on it on the Awaiting Customer Action card (Agents Playground)", function () {
  this.timeout(120_000);
  let bot: RunningBot;
  let playground: RunningPlayground;
  let browser: Browser;
  let page: Page;

  before(async () => {
    bot = await startBot({ EMULATOR_DEMO_AWAITING_SECONDS: '4', POLL_INTERVAL_SECONDS: '1' });
    playground = await startCustomerPlayground(bot);
    browser = await launchBrowser();
    page = await openPlayground(browser, playground);
  });

  afterEach(async function () {
    await keepLogOnFailure(this.currentTest, bot);
    if (this.currentTest?.state === 'failed') await screenshot(page, 'claim-failed');
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    await bot?.stop();
  });

  /** The newest Awaiting Customer Action card of the handed-over incident. */
  const card = (): Locator =>
    page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: /Defense evasion & Lateral movement/ })
      .filter({ hasText: 'designated incident contact' })
      .last();

  it('claims the incident: the card says you are on it and offers Release claim', async () => {
    await page.getByRole('treeitem', { name: /Personal Chat/ }).click();
    await card().waitFor({ timeout: 45_000 });
    await card().locator(`button[title="I'm on it"]`).click();
    await card()
      .getByText(/You are on it/)
      .first()
      .waitFor({ timeout: 10_000 });
    await card().locator('button[title="Release claim"]').waitFor();
    await card().scrollIntoViewIfNeeded();
    await screenshot(page, 'claim-on-it');
  });

  it("releases the claim: I'm on it is back", async () => {
    await card().locator('button[title="Release claim"]').click();
    await card()
      .getByText(/Released: the reminders to the incident contacts resume/)
      .waitFor({
        timeout: 10_000,
      });
    await card().locator(`button[title="I'm on it"]`).waitFor();
    await card().scrollIntoViewIfNeeded();
    await screenshot(page, 'claim-released');
  });
});
