// Issue 11 journey in the Agents Playground: the contact claims the incident the experts handed
// over ("I'm on it"), the card says so with Release claim, and releasing gives the button back.
import type { Locator } from 'playwright-core';
import { customerJourney, screenshot } from './harness.ts';

describe("e2e: I'm on it on the Awaiting Customer Action card (Agents Playground)", function () {
  this.timeout(120_000);
  const journey = customerJourney('claim', {
    EMULATOR_DEMO_AWAITING_SECONDS: '4',
    POLL_INTERVAL_SECONDS: '1',
  });

  /** The newest Awaiting Customer Action card of the handed-over incident. */
  const card = (): Locator =>
    journey.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: /Defense evasion & Lateral movement/ })
      .filter({ hasText: 'designated incident contact' })
      .last();

  it('claims the incident: the card says you are on it and offers Release claim', async () => {
    await journey.page.getByRole('treeitem', { name: /Personal Chat/ }).click();
    await card().waitFor({ timeout: 45_000 });
    await card().locator(`button[title="I'm on it"]`).click();
    await card()
      .getByText(/You are on it/)
      .first()
      .waitFor({ timeout: 10_000 });
    await card().locator('button[title="Release claim"]').waitFor();
    await card().scrollIntoViewIfNeeded();
    await screenshot(journey.page, 'claim-on-it');
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
    await screenshot(journey.page, 'claim-released');
  });
});
