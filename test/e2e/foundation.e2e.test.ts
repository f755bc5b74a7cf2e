// Journeys in the Agents Playground (a real Teams-like client) driven in Debian Chromium.
import assert from 'node:assert/strict';
import { customerJourney, screenshot } from './harness.ts';

describe('e2e: foundation journeys in the Agents Playground', function () {
  this.timeout(60_000);
  const journey = customerJourney('foundation', { EMULATOR: 'off' });

  const paragraph = (text: string | RegExp) =>
    journey.page.getByRole('paragraph').filter({ hasText: text });

  it('shows a welcome card when the app is installed', async () => {
    await paragraph(/connect your organisation with the security experts/)
      .first()
      .waitFor();
    await screenshot(journey.page, 'foundation-welcome');
  });

  it('answers help with the help card', async () => {
    await journey.page.getByRole('textbox').fill('help');
    await journey.page.getByRole('button', { name: 'Send Message' }).click();
    await paragraph('Type a command in this chat. In a channel, mention me first.')
      .first()
      .waitFor();
    await screenshot(journey.page, 'foundation-help');
  });

  it('answers unknown text with a friendly hint', async () => {
    await journey.page.getByRole('textbox').fill('what is going on');
    await journey.page.getByRole('button', { name: 'Send Message' }).click();
    await paragraph(/I didn't understand "what is going on"/)
      .first()
      .waitFor();
  });

  it('opens the commands from the welcome card button', async () => {
    await journey.page.getByRole('button', { name: 'Show commands' }).first().click();
    await journey.page.waitForFunction(
      () => document.body.innerText.split('Type a command in this chat').length >= 3,
      undefined,
      { timeout: 10_000 },
    );
  });

  it('answers an @mention in a channel', async () => {
    await journey.page.getByRole('treeitem', { name: /General/ }).click();
    await screenshot(journey.page, 'foundation-channel');
    const box = journey.page.getByRole('textbox').first();
    await box.click();
    await box.pressSequentially('@Manag');
    await journey.page.getByRole('menuitem').first().click();
    await box.pressSequentially(' help');
    await journey.page.getByRole('button', { name: 'Post' }).click();
    await paragraph('Type a command in this chat. In a channel, mention me first.')
      .first()
      .waitFor();
    await screenshot(journey.page, 'foundation-channel-mention');
    assert.match(journey.bot.output(), /"command":"help"/);
  });
});
