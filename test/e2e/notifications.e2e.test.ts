// Issue 4 journeys in the Agents Playground: the demo incident reaches the contact's personal
// chat, and the SOC channel card updates in place when the experts resolve an incident.
import assert from 'node:assert/strict';
import { DEMO_INCIDENT_IDS, DEMO_TENANT_ID } from '../../src/emulator/demo-data.ts';
import { customerJourney, emulatorCall, screenshot } from './harness.ts';

describe('e2e: incident notifications in the Agents Playground', function () {
  this.timeout(90_000);
  const journey = customerJourney('notifications', {
    EMULATOR_DEMO_AWAITING_SECONDS: '4',
    POLL_INTERVAL_SECONDS: '1',
  });

  // Card titles render as headings and other TextBlocks as paragraphs: match any text.
  const paragraph = (text: string | RegExp) => journey.page.getByText(text);

  it('shows the Awaiting Customer Action card in the contact’s personal chat', async () => {
    await journey.page.getByRole('treeitem', { name: /Personal Chat/ }).click();
    // The incident the experts hand over a few seconds after start.
    await paragraph(/Defense evasion & Lateral movement/)
      .first()
      .waitFor({ timeout: 45_000 });
    await paragraph('You receive this because you are a designated incident contact for Contoso.')
      .first()
      .waitFor();
    // Counted from the awaiting index the poll keeps: this one and the incident that already
    // awaited Contoso at start.
    await paragraph('2 incidents await your action').first().waitFor();
    await screenshot(journey.page, 'notifications-personal');
  });

  it('updates the SOC channel card in place when the experts resolve an incident', async () => {
    await journey.page.getByRole('treeitem', { name: /Incidents/ }).click();
    const title = /Execution & Credential access on one endpoint/;
    await paragraph(title).first().waitFor({ timeout: 20_000 });
    const before = await paragraph(title).count();
    const id = DEMO_INCIDENT_IDS.expertsInvestigating;
    const base = `/_emulator/tenants/${DEMO_TENANT_ID}/incidents/${id}`;
    const comment = await emulatorCall(journey.bot, 'POST', `${base}/comments`, {
      comment: 'Benign admin script confirmed with the IT team.',
    });
    assert.equal(comment.status, 200);
    const patch = await emulatorCall(journey.bot, 'PATCH', base, {
      status: 'resolved',
      assignedTo: null,
      classification: 'falsePositive',
      determination: 'notMalicious',
    });
    assert.equal(patch.status, 200);
    await paragraph('Benign admin script confirmed with the IT team.')
      .first()
      .waitFor({ timeout: 20_000 });
    await paragraph(/Resolved as False positive \(Not malicious\)/)
      .first()
      .waitFor({ timeout: 10_000 });
    assert.equal(await paragraph(title).count(), before, 'the card was edited, not posted again');
    await screenshot(journey.page, 'notifications-channel-resolved');
  });
});
