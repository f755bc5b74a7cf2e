// Issue 11 journeys in the Agents Playground: isolate a device, get the still-isolated reminder in
// the personal chat and keep it isolated, then undo the isolation from the task card through its
// confirmation step, which also settles the reminder. The reminder period is 12 s here
// (CONTAINMENT_REMINDER_HOURS takes hours). Screenshots: artifacts/screenshots/containment-*.png.
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { customerJourney, screenshot } from './harness.ts';

const INCIDENT_TITLE = /Initial access & Ransomware/;

describe('e2e: containment in the Agents Playground (undo, still-isolated reminder)', function () {
  this.timeout(150_000);
  const journey = customerJourney('containment', {
    EMULATOR_DEMO_AWAITING_SECONDS: '3600',
    EMULATOR_ACTION_MS: '1500',
    POLL_INTERVAL_SECONDS: '1',
    CONTAINMENT_REMINDER_HOURS: String(12 / 3600),
  });

  const actionsCard = (): Locator =>
    journey.page.locator('.ac-adaptiveCard').filter({ hasText: 'Pending actions' }).last();
  const reminderCard = (): Locator =>
    journey.page.locator('.ac-adaptiveCard').filter({ hasText: 'Still contained' }).last();
  const button = (card: Locator, title: string): Locator =>
    card.locator(`button[title="${title}"]`);

  it('isolates prod-server-01 from the managed response', async () => {
    await journey.page.getByText(INCIDENT_TITLE).first().waitFor({ timeout: 45_000 });
    await journey.page.getByRole('button', { name: 'View managed response' }).last().click();
    await actionsCard().waitFor({ timeout: 15_000 });
    await button(actionsCard(), 'Isolate prod-server-01 (full)').click();
    await actionsCard()
      .getByText(/Completed · started by Alex Wilber/)
      .waitFor({ timeout: 25_000 });
    await actionsCard().locator('button[title="Release from isolation"]').waitFor();
    await screenshot(journey.page, 'containment-isolated');
  });

  it('reminds that prod-server-01 is still isolated, and Keep isolated keeps it so', async () => {
    const card = reminderCard();
    await card.getByText(/prod-server-01 has been isolated for/).waitFor({ timeout: 45_000 });
    await card.getByText(/Isolated by Alex Wilber since/).waitFor();
    await screenshot(journey.page, 'containment-reminder');
    await button(card, 'Keep isolated').click();
    await reminderCard()
      .getByText(/Kept isolated by Alex Wilber at .*; asked again/)
      .first()
      .waitFor({ timeout: 10_000 });
    assert.equal(await button(reminderCard(), 'Keep isolated').count(), 0, 'once per round');
    await button(reminderCard(), 'Release from isolation').waitFor();
    await screenshot(journey.page, 'containment-kept');
  });

  it('asks "Release … from isolation?" inside the reminder card, and Cancel changes nothing', async () => {
    await button(reminderCard(), 'Release from isolation').click();
    await reminderCard()
      .getByText(/Release prod-server-01 from isolation\? It gets its network connections back/)
      .waitFor({ timeout: 10_000 });
    await button(reminderCard(), 'Yes, release').waitFor();
    await screenshot(journey.page, 'containment-release-confirm');
    await button(reminderCard(), 'Cancel').click();
    await button(reminderCard(), 'Release from isolation').waitFor({ timeout: 10_000 });
    assert.equal(await button(reminderCard(), 'Yes, release').count(), 0);
  });

  it('undoes the isolation from the task card after confirmation', async () => {
    await button(actionsCard(), 'Release from isolation').click();
    const yes = button(actionsCard(), 'Yes, release it');
    await yes.waitFor({ timeout: 10_000 });
    await actionsCard()
      .getByText(/Release prod-server-01 from isolation\?/)
      .waitFor();
    await screenshot(journey.page, 'containment-undo-confirm');
    await yes.click();
    await actionsCard()
      .getByText(/Released from isolation \(requested by Alex Wilber\)/)
      .waitFor({ timeout: 25_000 });
    assert.equal(
      await button(actionsCard(), 'Release from isolation').count(),
      0,
      'not offered twice',
    );
    // The reminder already sent says so at the scheduler's next look, and loses its buttons.
    await reminderCard()
      .getByText(/Released from isolation by Alex Wilber/)
      .waitFor({ timeout: 15_000 });
    assert.equal(await button(reminderCard(), 'Keep isolated').count(), 0);
    await screenshot(journey.page, 'containment-released');
  });
});
