// The data behind each indicator chart, computed from published values: the borough comparison, the
// trend, the funnel plot and the inequality breakdown with its slope index. Every chart also comes as a
// table (rows for an HTML table, CSV or XLSX), so nothing is shown only as a picture or only by colour.

import { csvField } from '../offer/index.ts';
import {
  Comparison,
  compareWithFunnel,
  type Confidence,
  type FunnelLimits,
  funnelDenominators,
  normalQuantile,
  proportionFunnelLimits,
  rateFunnelLimits,
  type SiiEstimate,
  slopeIndexOfInequality,
  SuppressionReason,
  standardErrorFromInterval,
  suppressed,
} from '../../stats/index.ts';
import { type AreaCode, areaName, BOROUGH_CODES, type IndicatorDefinition, NCL_SYSTEM_ID } from './framework.ts';
import { type IndicatorValue, statsPolarity } from './compute.ts';
import { comparePeriods } from './periods.ts';
import { DEPRIVATION_QUINTILES } from './returns.ts';

// ---- Words for comparisons (the legend must not rely on colour) ----

const COMPARISON_WORDS: Readonly<Record<Comparison, string>> = {
  better: 'Better',
  similar: 'Similar',
  worse: 'Worse',
  higher: 'Higher',
  lower: 'Lower',
  'not-compared': 'Not compared',
};

/** E.g. 'Better than North Central London (95%)'. */
export function describeComparison(comparison: Comparison, benchmark: AreaCode, level: '95%' | '99.8%'): string {
  if (comparison === Comparison.notCompared) return 'Not compared';
  const against = benchmark === NCL_SYSTEM_ID ? 'North Central London' : `the ${areaName(benchmark)} total`;
  const word = COMPARISON_WORDS[comparison];
  return comparison === Comparison.similar ? `Similar to ${against} (${level})` : `${word} than ${against} (${level})`;
}

// ---- Selections ----

const isTotal = (v: IndicatorValue) => v.breakdown === 'total';

/** The periods with values, oldest first. */
export function periodsOf(values: readonly IndicatorValue[]): string[] {
  return [...new Set(values.map((v) => v.period))].sort(comparePeriods);
}

export function latestPeriod(values: readonly IndicatorValue[]): string | undefined {
  return periodsOf(values).at(-1);
}

/** NCL and each borough for one period (the borough comparison chart). */
export function boroughComparison(values: readonly IndicatorValue[], period: string): IndicatorValue[] {
  const order: readonly string[] = [NCL_SYSTEM_ID, ...BOROUGH_CODES];
  return values
    .filter((v) => isTotal(v) && v.period === period)
    .sort((a, b) => order.indexOf(a.area) - order.indexOf(b.area));
}

export type TrendSelection = {
  readonly area: AreaCode;
  readonly breakdown?: IndicatorValue['breakdown'];
  readonly breakdownValue?: string;
};

/** One area's (or group's) values over time, oldest first. Suppressed periods stay in, with their reason. */
export function trendSeries(values: readonly IndicatorValue[], selection: TrendSelection): IndicatorValue[] {
  const breakdown = selection.breakdown ?? 'total';
  const value = selection.breakdownValue ?? '';
  return values
    .filter((v) => v.area === selection.area && v.breakdown === breakdown && v.breakdownValue === value)
    .sort((a, b) => comparePeriods(a.period, b.period));
}

// ---- Funnel plot ----

export type FunnelPoint = {
  readonly area: AreaCode;
  readonly areaName: string;
  readonly denominator: number;
  readonly value: number;
  readonly at95: Comparison;
  readonly at998: Comparison;
};

export type FunnelPlot =
  | {
      readonly available: true;
      readonly period: string;
      /** The NCL value the funnel is centred on, in the indicator's unit. */
      readonly target: number;
      readonly points: FunnelPoint[];
      /** Control limits along the denominator axis, in the indicator's unit. */
      readonly limits: FunnelLimits[];
    }
  | { readonly available: false; readonly period: string; readonly reason: string };

function limitsFor(definition: IndicatorDefinition, target: number, denominator: number): FunnelLimits {
  if (definition.type === 'proportion') {
    const m = definition.multiplier;
    const l = proportionFunnelLimits(target / m, denominator);
    return {
      denominator,
      target,
      lower95: l.lower95 * m,
      upper95: l.upper95 * m,
      lower998: l.lower998 * m,
      upper998: l.upper998 * m,
    };
  }
  return rateFunnelLimits(target, denominator, { multiplier: definition.multiplier });
}

/** Boroughs against control limits around the NCL value (proportions and crude rates only). */
export function funnelPlot(
  definition: IndicatorDefinition,
  values: readonly IndicatorValue[],
  period: string,
  options: { readonly points?: number } = {},
): FunnelPlot {
  if (definition.type !== 'proportion' && definition.type !== 'rate') {
    return {
      available: false,
      period,
      reason: `A funnel plot needs a proportion or a crude rate, not a ${definition.type.replaceAll('-', ' ')}`,
    };
  }
  if (definition.computedFrom?.source === 'baseline') {
    return { available: false, period, reason: 'Whole-population figures have no sampling variation to plot' };
  }
  const shown = boroughComparison(values, period);
  const ncl = shown.find((v) => v.area === NCL_SYSTEM_ID);
  if (!ncl || ncl.value === null) {
    return { available: false, period, reason: ncl?.suppressed?.message ?? 'There is no NCL value for this period' };
  }
  const target = ncl.value;
  const polarity = statsPolarity(definition.polarity);
  const points = shown
    .filter((v) => v.area !== NCL_SYSTEM_ID && v.value !== null && v.denominator !== null && v.denominator > 0)
    .map((v): FunnelPoint => {
      const s = compareWithFunnel(v.value, limitsFor(definition, target, v.denominator as number), polarity);
      return {
        area: v.area,
        areaName: v.areaName,
        denominator: v.denominator as number,
        value: v.value as number,
        at95: s.at95,
        at998: s.at998,
      };
    });
  if (points.length === 0) return { available: false, period, reason: 'No borough has a published value' };
  const denominators = points.map((p) => p.denominator);
  const low = Math.max(1, Math.min(...denominators) / 2);
  const high = Math.max(...denominators) * 1.5;
  const limits = funnelDenominators(low, high, options.points ?? 50).map((n) => limitsFor(definition, target, n));
  return { available: true, period, target, points, limits };
}

// ---- Inequality across deprivation quintiles ----

export type InequalityBreakdown = {
  readonly period: string;
  readonly area: AreaCode;
  /** Quintiles 1 (most deprived) to 5 (least deprived), as published (suppressed ones included). */
  readonly quintiles: IndicatorValue[];
  /**
   * Slope index of inequality in the indicator's unit: fitted value in the least deprived minus the most
   * deprived. Suppressed (with a reason) unless all five quintiles have a value and an interval.
   */
  readonly sii95: SiiEstimate;
  readonly sii998: SiiEstimate;
};

/** Repetitions of the SII simulation on the indicator page (the package's default is 100,000). */
export const PAGE_SII_REPETITIONS = 20_000;
/** The seed of that simulation, so the page shows the same interval every time for the same figures. */
export const PAGE_SII_SEED = 2004;

/**
 * The deprivation breakdown and its slope and relative index of inequality (PHE method, via src/stats).
 * With the indicator's definition the SII follows phe_sii's value types: proportions on the logit scale
 * and rates on the log scale for the interval (simulated, seeded), in the indicator's unit; medians
 * computed here have no interval, so no SII.
 */
export function inequalityBreakdown(
  values: readonly IndicatorValue[],
  selection: { readonly period: string; readonly area: AreaCode },
  definition?: IndicatorDefinition,
): InequalityBreakdown {
  const quintiles = DEPRIVATION_QUINTILES.map((q) =>
    values.find(
      (v) =>
        v.period === selection.period &&
        v.area === selection.area &&
        v.breakdown === 'deprivation-quintile' &&
        v.breakdownValue === q,
    ),
  );
  const usable = quintiles.filter(
    (v): v is IndicatorValue =>
      v !== undefined && v.value !== null && v.lower95 !== null && v.upper95 !== null && (v.denominator ?? 0) > 0,
  );
  const type = definition?.type;
  const sii = (confidence: Confidence): SiiEstimate => {
    if (type === 'median-time') {
      const s = suppressed(
        SuppressionReason.tooFewValues,
        confidence,
        'the medians here are computed without confidence intervals, and a slope index needs each quintile’s interval',
      );
      return { ...s, rii: s };
    }
    if (type === 'proportion' && definition) {
      // Published proportions are in the indicator's unit (e.g. %): back to fractions for the logit.
      const m = definition.multiplier;
      return slopeIndexOfInequality(
        usable.map((v) => ({
          population: v.denominator as number,
          value: (v.value as number) / m,
          lower: (v.lower95 as number) / m,
          upper: (v.upper95 as number) / m,
        })),
        { confidence, valueType: 'proportion', multiplier: m, repetitions: PAGE_SII_REPETITIONS, seed: PAGE_SII_SEED },
      );
    }
    if ((type === 'rate' || type === 'standardised-rate') && definition) {
      return slopeIndexOfInequality(
        usable.map((v) => ({
          population: v.denominator as number,
          value: v.value as number,
          lower: v.lower95 as number,
          upper: v.upper95 as number,
        })),
        { confidence, valueType: 'rate', repetitions: PAGE_SII_REPETITIONS, seed: PAGE_SII_SEED },
      );
    }
    // Fewer than five usable quintiles: stats returns 'too-few-groups' with its own message.
    const groups = usable.map((v) => ({
      population: v.denominator as number,
      value: v.value as number,
      standardError: standardErrorFromInterval(v.lower95 as number, v.upper95 as number, 0.95),
    }));
    return slopeIndexOfInequality(groups, { confidence });
  };
  return {
    period: selection.period,
    area: selection.area,
    quintiles: quintiles.filter((v): v is IndicatorValue => v !== undefined),
    sii95: sii(0.95),
    sii998: sii(0.998),
  };
}

/** The published values of one breakdown (e.g. age band) for an area and period, in the order given. */
export function breakdownValues(
  values: readonly IndicatorValue[],
  selection: { readonly period: string; readonly area: AreaCode; readonly breakdown: string },
  order: readonly string[] = [],
): IndicatorValue[] {
  const rank = (g: string) => (order.includes(g) ? order.indexOf(g) : order.length);
  return values
    .filter((v) => v.period === selection.period && v.area === selection.area && v.breakdown === selection.breakdown)
    .sort(
      (a, b) => rank(a.breakdownValue) - rank(b.breakdownValue) || a.breakdownValue.localeCompare(b.breakdownValue),
    );
}

/** The table behind a breakdown chart. */
export function breakdownTable(
  definition: IndicatorDefinition,
  rows: readonly IndicatorValue[],
  label: string,
  selection: { readonly period: string; readonly area: AreaCode },
): ChartTable {
  return {
    title: titled(definition, `by ${label}, ${areaName(selection.area)}, ${selection.period}`),
    columns: VALUE_COLUMNS,
    rows: rows.map(valueRow),
  };
}

// ---- Medians computed from records (central point of access) ----

/**
 * Median of individual times with a distribution-free interval from order statistics (Campbell & Gardner,
 * BMJ 1988;296:1454: ranks n/2 ± z√n/2, rounded outwards). Null with a reason below 2 values.
 */
export function medianWithInterval(
  times: readonly number[],
  confidence: Confidence = 0.95,
): { value: number; lower: number; upper: number; count: number } | { value: null; count: number; reason: string } {
  for (const t of times) if (!Number.isFinite(t) || t < 0) throw new RangeError(`times must be >= 0, got ${t}`);
  const n = times.length;
  if (n < 2) return { value: null, count: n, reason: 'A median needs at least 2 times' };
  const sorted = [...times].sort((a, b) => a - b);
  const value = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const half = (z * Math.sqrt(n)) / 2;
  const lowRank = Math.max(1, Math.floor(n / 2 - half));
  const highRank = Math.min(n, Math.ceil(1 + n / 2 + half));
  return { value, lower: sorted[lowRank - 1], upper: sorted[highRank - 1], count: n };
}

// ---- Tables ----

export type TableCell = string | number | null;
export type ChartTable = {
  readonly title: string;
  readonly columns: readonly { readonly key: string; readonly label: string }[];
  readonly rows: readonly Readonly<Record<string, TableCell>>[];
};

const VALUE_COLUMNS = [
  { key: 'period', label: 'Period' },
  { key: 'area', label: 'Area' },
  { key: 'areaName', label: 'Area name' },
  { key: 'breakdown', label: 'Breakdown' },
  { key: 'breakdownValue', label: 'Group' },
  { key: 'numerator', label: 'Numerator' },
  { key: 'denominator', label: 'Denominator' },
  { key: 'value', label: 'Value' },
  { key: 'lower95', label: 'Lower 95% limit' },
  { key: 'upper95', label: 'Upper 95% limit' },
  { key: 'lower998', label: 'Lower 99.8% limit' },
  { key: 'upper998', label: 'Upper 99.8% limit' },
  { key: 'comparison95', label: 'Compared with benchmark (95%)' },
  { key: 'comparison998', label: 'Compared with benchmark (99.8%)' },
  { key: 'note', label: 'Note' },
] as const;

function valueRow(v: IndicatorValue): Record<string, TableCell> {
  const c = v.comparison;
  return {
    period: v.period,
    area: v.area,
    areaName: v.areaName,
    breakdown: v.breakdown,
    breakdownValue: v.breakdownValue,
    numerator: v.numerator,
    denominator: v.denominator,
    value: v.value,
    lower95: v.lower95,
    upper95: v.upper95,
    lower998: v.lower998,
    upper998: v.upper998,
    comparison95: c ? describeComparison(c.at95, c.benchmarkArea, '95%') : null,
    comparison998: c ? describeComparison(c.at998, c.benchmarkArea, '99.8%') : null,
    note: v.suppressed?.message ?? v.intervalNote ?? null,
  };
}

const titled = (definition: IndicatorDefinition, what: string) =>
  `${definition.code} ${definition.title} (${definition.unit}): ${what}`;

/** Every value of an indicator: the 'download the data' table. */
export function valuesTable(definition: IndicatorDefinition, values: readonly IndicatorValue[]): ChartTable {
  return { title: titled(definition, 'all values'), columns: VALUE_COLUMNS, rows: values.map(valueRow) };
}

export function comparisonTable(
  definition: IndicatorDefinition,
  values: readonly IndicatorValue[],
  period: string,
): ChartTable {
  return {
    title: titled(definition, `boroughs compared with North Central London, ${period}`),
    columns: VALUE_COLUMNS,
    rows: boroughComparison(values, period).map(valueRow),
  };
}

export function trendTable(
  definition: IndicatorDefinition,
  values: readonly IndicatorValue[],
  selection: TrendSelection,
): ChartTable {
  return {
    title: titled(definition, `trend for ${areaName(selection.area)}`),
    columns: VALUE_COLUMNS,
    rows: trendSeries(values, selection).map(valueRow),
  };
}

export function funnelTable(definition: IndicatorDefinition, funnel: FunnelPlot): ChartTable {
  const columns = [
    { key: 'area', label: 'Area' },
    { key: 'areaName', label: 'Area name' },
    { key: 'denominator', label: 'Denominator' },
    { key: 'value', label: 'Value' },
    { key: 'target', label: 'NCL value' },
    { key: 'lower998', label: 'Lower 99.8% control limit' },
    { key: 'lower95', label: 'Lower 95% control limit' },
    { key: 'upper95', label: 'Upper 95% control limit' },
    { key: 'upper998', label: 'Upper 99.8% control limit' },
    { key: 'position95', label: 'Position (95%)' },
    { key: 'position998', label: 'Position (99.8%)' },
  ];
  if (!funnel.available) {
    return { title: titled(definition, `funnel plot, ${funnel.period}: ${funnel.reason}`), columns, rows: [] };
  }
  const rows = funnel.points.map((p) => {
    const l = limitsFor(definition, funnel.target, p.denominator);
    return {
      area: p.area,
      areaName: p.areaName,
      denominator: p.denominator,
      value: p.value,
      target: funnel.target,
      lower998: l.lower998,
      lower95: l.lower95,
      upper95: l.upper95,
      upper998: l.upper998,
      position95: describeComparison(p.at95, NCL_SYSTEM_ID, '95%'),
      position998: describeComparison(p.at998, NCL_SYSTEM_ID, '99.8%'),
    };
  });
  return { title: titled(definition, `funnel plot, ${funnel.period}`), columns, rows };
}

export function inequalityTable(definition: IndicatorDefinition, breakdown: InequalityBreakdown): ChartTable {
  const rows: Record<string, TableCell>[] = breakdown.quintiles.map(valueRow);
  const s = breakdown.sii95;
  rows.push({
    period: breakdown.period,
    area: breakdown.area,
    areaName: areaName(breakdown.area),
    breakdown: 'slope-index-of-inequality',
    breakdownValue: 'least minus most deprived',
    numerator: null,
    denominator: null,
    value: s.value,
    lower95: s.lower,
    upper95: s.upper,
    lower998: breakdown.sii998.lower,
    upper998: breakdown.sii998.upper,
    comparison95: null,
    comparison998: null,
    note: s.suppressed === false ? null : s.message,
  });
  const r95 = s.rii;
  const r998 = breakdown.sii998.rii;
  rows.push({
    period: breakdown.period,
    area: breakdown.area,
    areaName: areaName(breakdown.area),
    breakdown: 'relative-index-of-inequality',
    breakdownValue: 'least divided by most deprived',
    numerator: null,
    denominator: null,
    value: r95.value,
    lower95: r95.lower,
    upper95: r95.upper,
    lower998: r998.lower,
    upper998: r998.upper,
    comparison95: null,
    comparison998: null,
    note: r95.suppressed === false ? null : r95.message,
  });
  return {
    title: titled(
      definition,
      `by deprivation quintile (1 = most deprived), ${areaName(breakdown.area)}, ${breakdown.period}`,
    ),
    columns: VALUE_COLUMNS,
    rows,
  };
}

/**
 * CSV text for a table: a header of labels, then rows, CRLF line ends; empty cells for nulls. Text cells
 * are guarded against spreadsheet formulas; numbers are written as they are, so -1.5 stays a number.
 */
export function tableToCsv(table: ChartTable): string {
  const line = (cells: TableCell[]) =>
    cells
      .map((v) =>
        v === null || v === undefined ? '' : csvField(String(v), { neutraliseFormulas: typeof v !== 'number' }),
      )
      .join(',') + '\r\n';
  return [
    line(table.columns.map((c) => c.label)),
    ...table.rows.map((row) => line(table.columns.map((c) => row[c.key]))),
  ].join('');
}
