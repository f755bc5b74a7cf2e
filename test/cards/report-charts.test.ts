// The report card's charts in the two hosts that matter: Teams, which renders Adaptive Card charts,
// and hosts without them (Agents Playground, older clients), which render each chart's fallback.
// The official parser knows no chart element: it reports each as UnknownElementType and parses the
// fallback in its place. So the card is validated twice: with the charts taught to the parser
// (teams-charts.ts, from the Teams card schema) as Teams gets it, and as the parser's own fallback
// path leaves it, which must be a clean card without any chart.
import assert from 'node:assert/strict';
import type { AdaptiveCard } from '../../cards/adaptive-card.ts';
import { renderCard } from '../../cards/render-card.ts';
import { reportCardData } from '../../cards/report.ts';
import { nodesOfType, typedNodes, type CardNode } from './card-nodes.ts';
import { loadCardFixture } from './fixtures.ts';
import { assertMatchesGolden } from './golden-file.ts';
import { sampleReport } from './report-sample.ts';
import { teamsCharts } from './teams-charts.ts';
import { assertValidCard, fallbackView, validateCard } from './validate-card.ts';

const chartTypes = teamsCharts.map((chart) => chart.type);

/** The card with every chart replaced by its fallback, as a host without charts should see it. */
function withFallbacks(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withFallbacks);
  if (typeof node !== 'object' || node === null) return node;
  const record = node as CardNode;
  if (String(record['type']).startsWith('Chart.')) return withFallbacks(record['fallback']);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withFallbacks(v)]));
}

function factsOf(chart: CardNode): { title: string; value: string }[] {
  const [facts] = nodesOfType(chart['fallback'], 'FactSet');
  return (facts?.['facts'] ?? []) as { title: string; value: string }[];
}

describe('report card charts', () => {
  let card: AdaptiveCard;
  before(async () => {
    card = renderCard('report', await loadCardFixture('report'));
  });

  it('has the four Teams charts, each with a fallback table of the same numbers', () => {
    const charts = typedNodes(card).filter((node) => String(node['type']).startsWith('Chart.'));
    assert.deepEqual(
      charts.map((chart) => chart['type']),
      chartTypes,
    );
    for (const chart of charts) {
      const fallback = chart['fallback'] as CardNode;
      assert.equal(fallback['type'], 'Container', `${String(chart['type'])} falls back to a table`);
      assert.ok(factsOf(chart).length > 0);
    }
    const [donut, bars, line, stacked] = charts as [CardNode, CardNode, CardNode, CardNode];

    const slices = donut['data'] as { legend: string; value: number }[];
    assert.deepEqual(
      factsOf(donut).slice(0, slices.length),
      slices.map((s) => ({ title: s.legend, value: String(s.value) })),
    );

    const columns = bars['data'] as { y: number }[];
    assert.deepEqual(
      factsOf(bars).map((f) => Number(f.value)),
      columns.map((b) => b.y),
    );

    // The line's points are the measured periods; the table lists all five, the same hours.
    const [median, p90] = line['data'] as { values: { y: number }[] }[];
    const measured = factsOf(line).filter((f) => f.value.startsWith('median'));
    assert.deepEqual(
      measured.map((f) =>
        /median ([\d.]+) h · 90th percentile ([\d.]+) h/.exec(f.value)?.slice(1).map(Number),
      ),
      median?.values.map((point, i) => [point.y, p90?.values[i]?.y]),
    );
    assert.equal(factsOf(line).length, 5);

    const rows = stacked['data'] as { title: string; data: { value: number }[] }[];
    assert.deepEqual(
      factsOf(stacked).map((f) => [f.title, f.value.match(/\d+/g)?.map(Number)]),
      rows.map((row) => [row.title, row.data.map((d) => d.value)]),
    );
  });

  it('is a valid card as Teams gets it, charts included', () => {
    assertValidCard(card);
  });

  it('is checked chart by chart: a misspelt property or a data point of the wrong shape is reported', () => {
    const broken = structuredClone(card) as { body: CardNode[] };
    const [donut, bars, line, stacked] = broken.body.filter((n) =>
      String(n['type']).startsWith('Chart.'),
    );
    assert.ok(donut && bars && line && stacked);
    donut['colour'] = 'good';
    (donut['data'] as CardNode[])[0]!['value'] = '3';
    (bars['data'] as CardNode[])[0]!['lengend'] = 'x';
    (line['data'] as CardNode[])[0]!['values'] = [{ x: 'a' }];
    (stacked['data'] as CardNode[])[0]!['data'] = 'none';
    stacked['colorSet'] = 'rainbow';
    assert.deepEqual(validateCard(broken as AdaptiveCard).problems.sort(), [
      'Parse InvalidPropertyValue: Invalid value "rainbow" for property "colorSet".',
      'Unknown property "colour" on Chart.Donut at $.body[5]',
      'Validation InvalidPropertyValue: Chart.Donut: data[0].value must be a number, not "3"',
      'Validation InvalidPropertyValue: Chart.HorizontalBar.Stacked: data[0].data must be an array',
      'Validation InvalidPropertyValue: Chart.Line: data[0].values[0].y is required',
      "Validation InvalidPropertyValue: Chart.VerticalBar: data[0].lengend is not a property of this chart's data",
    ]);
  });

  describe('in a host without charts', () => {
    it('falls back on exactly the four charts, with no other problem', () => {
      const view = fallbackView(card);
      assert.deepEqual(view.unknownTypes, chartTypes);
      assert.deepEqual(view.problems, []);
      assert.deepEqual(nodesOfType(view.card, 'Chart.Donut'), []);
      assert.equal(
        typedNodes(view.card).filter((n) => String(n['type']).startsWith('Chart.')).length,
        0,
      );
      assert.equal(nodesOfType(view.card, 'FactSet').length, 4);
    });

    it('shows what the fallbacks say: the card with each chart replaced by its fallback', () => {
      const replaced = withFallbacks(card) as AdaptiveCard;
      assertValidCard(replaced);
      const view = fallbackView(replaced);
      assert.deepEqual([view.unknownTypes, view.problems], [[], []]);
      assert.deepEqual(fallbackView(card).card, view.card);
    });

    it('matches the golden file of the card as such a host shows it', async () => {
      await assertMatchesGolden('cards/report.fallback.json', fallbackView(card).card);
    });
  });

  it('keeps the charts valid for every report the sample can make', () => {
    for (const count of [0, 1, 10, 1000]) {
      const rendered = renderCard('report', reportCardData(sampleReport(count)));
      assertValidCard(rendered);
      assert.deepEqual(fallbackView(rendered).problems, [], `${count} awaiting`);
    }
  });
});
