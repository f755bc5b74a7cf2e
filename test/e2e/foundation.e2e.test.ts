// Journeys in the Agents Playground (a real Teams-like client) driven in Debian Chromium.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { RunningPlayground } from '../../scripts/start-playground.ts';
import {
  launchBrowser,
  openPlayground,
  screenshot,
  startBot,
  startCustomerPlayground,
  type RunningBot,
} from './harness.ts';

describe('e2e: foundation journeys in the Agents Playground', function () {
  this.timeout(60_000);
  let bot: RunningBot;
  let playground: RunningPlayground;
  let browser: Browser;
  let page: Page;

  before(async () => {
    bot = await startBot({ EMULATOR: 'off' });
    playground = await startCustomerPlayground(bot);
    browser = await launchBrowser();
    page = await openPlayground(browser, playground);
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    await bot?.stop();
  });

  const paragraph = (text: string | RegExp) =>
    page.getByRole('paragraph').filter({ hasText: text });

  it('shows a welcome card when the app is installed', async () => {
    await paragraph(/connect your organisation with the security experts/)
      .first()
      .waitFor();
    await screenshot(page, 'foundation-welcome');
  });

  it('answers help with the help card', async () => {
    await page.getByRole('textbox').fill('help');
    await page.getByRole('button', { name: 'Send Message' }).click();
    await paragraph('Type a command in this chat. In a channel, mention me first.')
      .first()
      .waitFor();
    await screenshot(page, 'foundation-help');
  });

  it('answers unknown text with a friendly hint', async () => {
    await page.getByRole('textbox').fill('what is going on');
    await page.getByRole('button', { name: 'Send Message' }).click();
    await paragraph(/I didn't understand "what is going on"/)
      .first()
      .waitFor();
  });

  it('opens the commands from the welcome card button', async () => {
    await page.getByRole('button', { name: 'Show commands' }).first().click();
    await page.waitForFunction(
      () => document.body.innerText.split('Type a command in this chat').length >= 3,
      undefined,
      { timeout: 10_000 },
    );
  });

  it('answers an @mention in a channel', async () => {
    await page.getByRole('treeitem', { name: /General/ }).click();
    await screenshot(page, 'foundation-channel');
    const box = page.getByRole('textbox').first();
    await box.click();
    await box.pressSequentially('@Manag');
    await page.getByRole('menuitem').first().click();
    await box.pressSequentially(' help');
    await page.getByRole('button', { name: 'Post' }).click();
    await paragraph('Type a command in this chat. In a channel, mention me first.')
      .first()
      .waitFor();
    await screenshot(page, 'foundation-channel-mention');
    assert.match(bot.output(), /"command":"help"/);
  });
});
