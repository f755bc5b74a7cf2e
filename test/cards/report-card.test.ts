import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { cardSizeBytes, maxCardBytes, renderCard } from '../../cards/render-card.ts';
import { reportCardData } from '../../cards/report.ts';
import { buildReport } from '../../src/domain/report/build-report.ts';
import type { Report } from '../../src/domain/report/report.ts';
import { loadCardFixture } from './fixtures.ts';
import { nodesOfType, visibleTexts } from './card-nodes.ts';
import { sampleHistory, sampleReport, SAMPLE_NOW, SAMPLE_TENANT } from './report-sample.ts';
import { assertValidCard } from './validate-card.ts';

describe('report card data', () => {
  const fixtures = { report: () => sampleReport(12), 'report.empty': emptyReport };
  for (const [label, report] of Object.entries(fixtures)) {
    it(`is what test/fixtures/cards/${label}.json holds (UPDATE_GOLDEN=1 rewrites it)`, async () => {
      const data = reportCardData(report());
      if (process.env['UPDATE_GOLDEN'] === '1') {
        const file = new URL(`../fixtures/cards/${label}.json`, import.meta.url);
        await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
      }
      const [name, variant] = label.split('.');
      assert.equal(name, 'report');
      assert.deepEqual(data, await loadCardFixture('report', variant));
    });
  }

  describe('every figure in words', () => {
    const report = sampleReport(12);
    const data = reportCardData(report);

    it('incidents investigated, by classification and severity', () => {
      const { total, byClassification, bySeverity } = report.investigated;
      assert.match(
        data.investigated.text,
        new RegExp(`^The experts investigated ${total} incidents`),
      );
      for (const group of byClassification)
        assert.match(data.investigated.text, new RegExp(`${group.count} `));
      for (const { severity, count } of bySeverity.filter((s) => s.count > 0)) {
        assert.ok(data.investigated.text.includes(`${count} ${severity}`), severity);
      }
    });

    it('what awaits, by age', () => {
      assert.equal(
        data.awaiting.text,
        "12 incidents await Contoso's action, by time waited: under 4 hours: 3; 4 to 24 hours: 3; 1 to 3 days: 3; over 3 days: 3.",
      );
    });

    it('hand-back times now and in the four periods before', () => {
      assert.match(
        data.handBack.text,
        /^Median 7\.5 hours, 90th percentile 13\.9 hours over 4 hand-backs in this period\. 12 hand-overs still open, not counted until handed back\. The four periods before: 26 Jan – 2 Feb 2026: no hand-back; .*16 Feb – 23 Feb 2026: median 15 hours, 90th percentile 19\.1 hours over 4 hand-backs\.$/,
      );
    });

    it('actions by type and outcome, devices still contained, people and reminders', () => {
      assert.equal(
        data.actions.text,
        '12 response actions ended in this period: 9 completed, 1 skipped and 2 failed. Isolate device: 4 completed; Quarantine file: 2 failed; Release from isolation: 2 completed; Manual action: 3 completed, 1 skipped.',
      );
      assert.match(
        data.actions.devicesText,
        /^5 devices are still contained: WS-0153 \(isolated since 17 Feb 2026\), /,
      );
      assert.equal(
        data.people.text,
        '3 people acted on response actions: Adele Vance (4), Alex Wilber (2) and Megan Bowen (2).',
      );
      assert.equal(
        data.people.noticesText,
        'Reminders sent: 2 (to 4 people). Escalations sent: 1 (to 1 person).',
      );
    });

    it('the period in the tenant’s time zone', () => {
      assert.equal(
        data.periodLabel,
        'Last 7 days: 23 Feb, 10:00 – 2 Mar, 10:00 · times in Europe/Berlin',
      );
      const month = buildReport(sampleHistory(), {
        from: '2026-01-31T23:00:00.000Z',
        to: '2026-02-28T23:00:00.000Z',
        now: SAMPLE_NOW,
        timeZone: 'Europe/Berlin',
        calendar: 'month',
      });
      assert.equal(reportCardData(month).periodLabel, 'February 2026 · times in Europe/Berlin');
    });
  });

  describe('awaiting incidents', () => {
    it('links each to the Defender portal, longest waiting first, capped with the rest counted', () => {
      const data = reportCardData(sampleReport(1000));
      assert.equal(data.awaiting.links.length, 10);
      assert.match(
        data.awaiting.links[0]?.text ?? '',
        new RegExp(
          `^\\[Incident 2973\\d{3}: .+\\]\\(https://security\\.microsoft\\.com/incidents/2973\\d{3}\\?tid=${SAMPLE_TENANT}\\) · \\w+ · waiting 4\\.\\d days$`,
        ),
      );
      assert.deepEqual(data.awaiting.more, [
        { text: '…and 990 more: the **awaiting** command lists them all.' },
      ]);
    });

    it('keeps a title or an address from breaking its markdown link', () => {
      const report = sampleReport(1);
      const [first] = report.awaiting.incidents;
      assert.ok(first);
      const tricky: Report = {
        ...report,
        awaiting: {
          ...report.awaiting,
          incidents: [
            {
              ...first,
              title: 'Alert [x](javascript:alert) on host',
              webUrl: 'https://security.microsoft.com/incidents/1 (a)?tid=t',
            },
          ],
        },
      };
      const [link] = reportCardData(tricky).awaiting.links;
      assert.equal(
        link?.text.split(' · ')[0],
        `[Incident ${first.id}: Alert (x)(javascript:alert) on host](https://security.microsoft.com/incidents/1%20%28a%29?tid=t)`,
      );
    });
  });

  describe('size', () => {
    const sizes = (count: number) =>
      cardSizeBytes(renderCard('report', reportCardData(sampleReport(count))));

    it('stays within the Teams budget with 0, 10 and 1,000 awaiting incidents', () => {
      for (const count of [0, 10, 1000]) {
        assert.ok(sizes(count) < maxCardBytes, `${count} incidents: ${sizes(count)} bytes`);
      }
      assert.equal(sizes(1000) - sizes(10) < 1000, true, 'the list is capped, not the budget');
    });

    it('stays within it when every list is as long and every name as wide as allowed', () => {
      const card = renderCard('report', reportCardData(worstCase()));
      assertValidCard(card);
      assert.ok(cardSizeBytes(card) < maxCardBytes, `${cardSizeBytes(card)} bytes`);
    });
  });

  describe('with nothing to report', () => {
    it('shows sentences and no chart', async () => {
      const data = await loadCardFixture('report', 'empty');
      const card = renderCard('report', data);
      assert.deepEqual(
        nodesOfType(card, 'Chart.Donut').length + nodesOfType(card, 'Chart.Line').length,
        0,
      );
      assert.ok(visibleTexts(card).includes("Nothing awaits Contoso's action now."));
    });
  });

  it('gives the charts numbers, not text', () => {
    const card = renderCard('report', reportCardData(sampleReport(12)));
    const [donut] = nodesOfType(card, 'Chart.Donut');
    const [bars] = nodesOfType(card, 'Chart.VerticalBar');
    const values = [
      ...(donut?.['data'] as { value: unknown }[]).map((d) => d.value),
      ...(bars?.['data'] as { y: unknown }[]).map((d) => d.y),
    ];
    assert.ok(values.length > 5);
    for (const value of values) assert.equal(typeof value, 'number');
  });
});

function emptyReport(): Report {
  return buildReport(
    {
      tenantId: 't',
      tenantName: 'Contoso',
      incidents: [],
      awaitingPeriods: [],
      actions: [],
      audit: [],
      notices: [],
    },
    {
      from: '2026-01-31T23:00:00.000Z',
      to: '2026-02-28T23:00:00.000Z',
      now: SAMPLE_NOW,
      timeZone: 'Europe/Berlin',
      calendar: 'month',
    },
  );
}

/** The longest card the builder can make: every cap reached, every text at its limit. */
function worstCase(): Report {
  const report = sampleReport(1000);
  const wide = (n: number) => 'Ŵ'.repeat(n);
  const classifications = [
    'truePositive',
    'falsePositive',
    'informationalExpectedActivity',
    'unknown',
  ] as const;
  const determinations = [
    'multiStagedAttack',
    'lineOfBusinessApplication',
    'notEnoughDataToValidate',
    'maliciousUserActivity',
  ] as const;
  const kinds = [
    'isolateDevice',
    'quarantineFile',
    'restrictAppExecution',
    'releaseFromIsolation',
    'removeAppRestriction',
    'manual',
  ] as const;
  return {
    ...report,
    tenantName: wide(60),
    investigated: {
      ...report.investigated,
      byClassification: classifications.flatMap((classification) =>
        determinations.map((determination, i) => ({
          classification,
          determination,
          count: 100 + i,
        })),
      ),
    },
    awaiting: {
      ...report.awaiting,
      incidents: report.awaiting.incidents.map((incident) => ({ ...incident, title: wide(300) })),
    },
    actions: {
      total: { completed: 600, skipped: 600, failed: 600 },
      byKind: kinds.map((kind) => ({ kind, completed: 100, skipped: 100, failed: 100 })),
    },
    containedDevices: Array.from({ length: 50 }, (_, i) => ({
      deviceId: `device-${i}`,
      deviceName: wide(80),
      containments: ['isolated', 'restricted'],
      since: SAMPLE_NOW,
      incidentId: '1',
    })),
    contacts: Array.from({ length: 50 }, (_, i) => ({
      userId: `u-${i}`,
      name: wide(80),
      actions: 1000,
    })),
  };
}
