// The Adaptive Card chart elements Teams renders (Chart.Donut, Chart.VerticalBar, Chart.Line,
// Chart.HorizontalBar.Stacked), taught to the official parser so a card can be checked as Teams
// gets it. The parser itself (adaptivecards 3.0.6) does not know them: it reports each as an
// UnknownElementType and parses its `fallback` in its place, which is what hosts without charts
// (the Agents Playground, older clients) show. Properties and data shapes follow the Teams card
// schema (microsoft/teams.ts packages/cards/src/core.ts, "Adaptive Card features available in
// Teams"): a misspelt property or a data point of the wrong shape is a validation failure here.
import { createRequire } from 'node:module';
import type * as AdaptiveCards from 'adaptivecards';

const AC = createRequire(import.meta.url)(
  'adaptivecards/dist/adaptivecards.js',
) as typeof AdaptiveCards;

const v1_5 = AC.Versions.v1_5;

export const chartColors = [
  'good',
  'warning',
  'attention',
  'neutral',
  ...['Red', 'Purple', 'Lavender', 'Blue', 'LightBlue', 'Teal', 'Green', 'Lime', 'Marigold'].map(
    (c) => `categorical${c}`,
  ),
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `sequential${n}`),
  ...[
    'Blue',
    'LightBlue',
    'Cyan',
    'Teal',
    'Yellow',
    'Peach',
    'LightRed',
    'Red',
    'Maroon',
    'Gray',
  ].map((c) => `diverging${c}`),
];

type Kind = 'string' | 'number' | 'string|number' | 'color';
/** A data item's properties: their kind, whether required, and for lists the item's shape. */
type Shape = Record<string, { kind: Kind; required?: true } | { kind: 'list'; item: Shape }>;

const req = (kind: Kind) => ({ kind, required: true as const });
const opt = (kind: Kind) => ({ kind });

interface ChartSpec {
  type: string;
  /** xAxisTitle, yAxisTitle and color, beside title, colorSet and data. */
  axes: boolean;
  /** The shape of one item of `data`. */
  item: Shape;
}

const donutPoint: Shape = { legend: opt('string'), value: req('number'), color: opt('color') };

export const teamsCharts: readonly ChartSpec[] = [
  { type: 'Chart.Donut', axes: false, item: donutPoint },
  {
    type: 'Chart.VerticalBar',
    axes: true,
    item: { x: req('string|number'), y: req('number'), color: opt('color') },
  },
  {
    type: 'Chart.Line',
    axes: true,
    item: {
      legend: opt('string'),
      color: opt('color'),
      values: { kind: 'list', item: { x: req('string|number'), y: req('number') } },
    },
  },
  {
    type: 'Chart.HorizontalBar.Stacked',
    axes: true,
    item: { title: opt('string'), data: { kind: 'list', item: donutPoint } },
  },
];

/** A registry with the default elements plus the Teams charts. */
export function registryWithTeamsCharts(): AdaptiveCards.CardObjectRegistry<AdaptiveCards.CardElement> {
  const registry = new AC.CardObjectRegistry<AdaptiveCards.CardElement>();
  AC.GlobalRegistry.populateWithDefaultElements(registry);
  for (const spec of teamsCharts) registry.register(spec.type, chartClass(spec), v1_5);
  return registry;
}

function chartClass(spec: ChartSpec): new () => AdaptiveCards.CardElement {
  class TeamsChart extends AC.CardElement {
    static readonly titleProperty = new AC.StringProperty(v1_5, 'title');
    static readonly colorSetProperty = new AC.ValueSetProperty(
      v1_5,
      'colorSet',
      ['categorical', 'sequential', 'diverging'].map((value) => ({ value })),
    );
    static readonly dataProperty = new AC.PropertyDefinition(v1_5, 'data');

    override getJsonTypeName(): string {
      return spec.type;
    }

    protected override internalRender(): HTMLElement | undefined {
      return undefined; // validated, never rendered in Node
    }

    override internalValidateProperties(context: AdaptiveCards.ValidationResults): void {
      super.internalValidateProperties(context);
      const data: unknown = this.getValue(TeamsChart.dataProperty);
      const problems = Array.isArray(data)
        ? data.flatMap((item, i) => shapeProblems(item, spec.item, `data[${i}]`))
        : ['data must be an array'];
      for (const problem of problems) {
        context.addFailure(
          this,
          AC.ValidationEvent.InvalidPropertyValue,
          `${spec.type}: ${problem}`,
        );
      }
    }
  }
  const statics = TeamsChart as unknown as Record<string, unknown>;
  if (spec.axes) {
    statics['xAxisTitleProperty'] = new AC.StringProperty(v1_5, 'xAxisTitle');
    statics['yAxisTitleProperty'] = new AC.StringProperty(v1_5, 'yAxisTitle');
    statics['colorProperty'] = new AC.ValueSetProperty(
      v1_5,
      'color',
      chartColors.map((value) => ({ value })),
    );
  }
  if (spec.type === 'Chart.VerticalBar') {
    statics['showBarValuesProperty'] = new AC.BoolProperty(v1_5, 'showBarValues');
  }
  return TeamsChart;
}

function shapeProblems(value: unknown, shape: Shape, path: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${path} must be an object`];
  }
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const [key, field] of Object.entries(shape)) {
    const required = field.kind === 'list' || field.required === true;
    if (required && record[key] === undefined) problems.push(`${path}.${key} is required`);
  }
  for (const [key, item] of Object.entries(record)) {
    const field = shape[key];
    if (field === undefined) {
      problems.push(`${path}.${key} is not a property of this chart's data`);
    } else if (field.kind === 'list') {
      if (!Array.isArray(item)) problems.push(`${path}.${key} must be an array`);
      else
        problems.push(
          ...item.flatMap((x, i) => shapeProblems(x, field.item, `${path}.${key}[${i}]`)),
        );
    } else if (!matches(item, field.kind)) {
      problems.push(`${path}.${key} must be a ${field.kind}, not ${JSON.stringify(item)}`);
    }
  }
  return problems;
}

function matches(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string|number':
      return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
    case 'color':
      return typeof value === 'string' && chartColors.includes(value);
  }
}
