// Issue 12 journey in the Agents Playground: `report` in the contact's personal chat shows the
// report card with the demo's figures (the two incidents awaiting Contoso a few seconds after
// start). Seen on this Playground version: it renders the Chart.* elements themselves, so the
// FactSet fallbacks do not show here (test/cards/report-charts.test.ts checks those).
import type { Browser, Page } from 'playwright-core';
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

describe('e2e: the report in the Agents Playground', function () {
  this.timeout(90_000);
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
    if (this.currentTest?.state === 'failed') await screenshot(page, 'report-failed');
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    await bot?.stop();
  });

  it('shows the report card with the demo figures', async () => {
    await page.getByRole('treeitem', { name: /Personal Chat/ }).click();
    // Wait for the demo hand-over, so the report has incidents awaiting Contoso.
    await page
      .getByText(/Defense evasion & Lateral movement/)
      .first()
      .waitFor({ timeout: 45_000 });
    const box = page.getByRole('textbox').first();
    await box.fill('report');
    await page.getByRole('button', { name: 'Send Message' }).click();
    await page.getByText('Managed response report · Contoso').first().waitFor({ timeout: 30_000 });
    await page
      .getByText("2 incidents await Contoso's action, by time waited: under 4 hours: 2.")
      .first()
      .waitFor();
    await page
      .getByText(/No hand-back in this period\. 2 hand-overs still open/)
      .first()
      .waitFor();
    await page.getByText('No reminder or escalation was sent in this period.').first().waitFor();
    await screenshot(page, 'report-personal');
  });
});
