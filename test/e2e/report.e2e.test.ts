// Issue 12 journey in the Agents Playground: `report` in the contact's personal chat shows the
// report card with the demo's figures (the two incidents awaiting Contoso a few seconds after
// start). Seen on this Playground version: it renders the Chart.* elements themselves, so the
// FactSet fallbacks do not show here (test/cards/report-charts.test.ts checks those).
import { customerJourney, screenshot } from './harness.ts';

describe('e2e: the report in the Agents Playground', function () {
  this.timeout(90_000);
  const journey = customerJourney('report', {
    EMULATOR_DEMO_AWAITING_SECONDS: '4',
    POLL_INTERVAL_SECONDS: '1',
  });

  it('shows the report card with the demo figures', async () => {
    await journey.page.getByRole('treeitem', { name: /Personal Chat/ }).click();
    // Wait for the demo hand-over, so the report has incidents awaiting Contoso.
    await journey.page
      .getByText(/Defense evasion & Lateral movement/)
      .first()
      .waitFor({ timeout: 45_000 });
    const box = journey.page.getByRole('textbox').first();
    await box.fill('report');
    await journey.page.getByRole('button', { name: 'Send Message' }).click();
    await journey.page
      .getByText('Managed response report · Contoso')
      .first()
      .waitFor({ timeout: 30_000 });
    await journey.page
      .getByText("2 incidents await Contoso's action, by time waited: under 4 hours: 2.")
      .first()
      .waitFor();
    await journey.page
      .getByText(/No hand-back in this period\. 2 hand-overs still open/)
      .first()
      .waitFor();
    await journey.page
      .getByText('No reminder or escalation was sent in this period.')
      .first()
      .waitFor();
    await screenshot(journey.page, 'report-personal');
  });
});
