// Issue 11 journey in the Agents Playground: the experts publish an isolation of Contoso's domain
// controller (tagged HighValue in Defender, a high-value tag of Contoso's); the contact's task card
// asks for the device's name, a wrong name is refused on the card, the right one starts it.
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import {
  DEMO_DEVICE_IDS,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import { customerJourney, screenshot } from './harness.ts';

const API_KEY = 'e2e-experts-key';
const INCIDENT = DEMO_INCIDENT_IDS.expertsInvestigating;
const INCIDENT_TITLE = /Execution & Credential access on one endpoint/;

describe('e2e: a high-value device asks for its name (Agents Playground)', function () {
  this.timeout(120_000);
  const journey = customerJourney('high-value', {
    EMULATOR_DEMO_AWAITING_SECONDS: '3600',
    EMULATOR_ACTION_MS: '1500',
    POLL_INTERVAL_SECONDS: '1',
    EXPERTS_API_KEY: API_KEY,
  });

  const actionsCard = (): Locator =>
    journey.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: 'Pending actions' })
      .filter({ hasText: 'contoso-dc-01' })
      .last();
  const isolate = () => actionsCard().locator('button[title="Isolate contoso-dc-01 (full)"]');
  const nameBox = () => actionsCard().locator('input[type="text"]');

  it('shows the task card with the reason and a box for the device name', async () => {
    const res = await fetch(
      `http://127.0.0.1:${journey.bot.port}/api/v1/tenants/${DEMO_TENANT_ID}/incidents/${INCIDENT}/managed-response`,
      {
        method: 'PUT',
        headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({
          summary: {
            headline:
              'Credentials dumped on fin-laptop-07 were used against the domain controller.',
            narrative: 'DCSync from fin-laptop-07 against contoso-dc-01 at 06:40 UTC.',
            severity: 'high',
            potentialImpact: 'Domain compromise.',
          },
          actions: [
            {
              id: 'act-dc',
              kind: 'isolateDevice',
              title: 'Isolate contoso-dc-01',
              description: 'Cut the domain controller off the network until the krbtgt reset.',
              impact: 'Sign-ins fall back to the other domain controllers.',
              device: { id: DEMO_DEVICE_IDS.domainController01, name: 'contoso-dc-01' },
            },
          ],
        }),
      },
    );
    assert.equal(res.status, 201, await res.text());
    await journey.page.getByRole('treeitem', { name: /Personal Chat/ }).click();
    const notification = journey.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: INCIDENT_TITLE })
      .filter({ hasText: 'View managed response' })
      .last();
    await notification.waitFor({ timeout: 45_000 });
    await notification.locator('button[title="View managed response"]').click();
    await actionsCard().waitFor({ timeout: 15_000 });
    await actionsCard()
      .getByText(/contoso-dc-01 is a high-value device for your organisation \(HighValue, Tier 0\)/)
      .waitFor({ timeout: 10_000 });
    await nameBox().waitFor();
    await screenshot(journey.page, 'high-value-asks-name');
  });

  it('refuses a wrong name on the card and starts nothing', async () => {
    await nameBox().fill('contoso-dc-02');
    await isolate().click();
    await actionsCard()
      .getByText(/the name you typed is not contoso-dc-01/)
      .waitFor({ timeout: 10_000 });
    assert.equal(
      await actionsCard()
        .getByText(/Started by/)
        .count(),
      0,
    );
    await screenshot(journey.page, 'high-value-wrong-name');
  });

  it('starts the isolation with the right name', async () => {
    await nameBox().fill('Contoso-DC-01');
    await isolate().click();
    await journey.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: 'Pending actions' })
      .getByText(/Started by Alex Wilber/)
      .last()
      .waitFor({ timeout: 10_000 });
    await screenshot(journey.page, 'high-value-started');
  });
});
