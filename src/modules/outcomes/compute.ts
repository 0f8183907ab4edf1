// From counts to published values: sums across providers, the NCL total, confidence intervals from
// src/stats, small-number disclosure control, and comparison of each area with its benchmark (a borough
// with the NCL value; a group such as a deprivation quintile with its own area's total). Counts are kept,
// intervals are always computed from them, never stored.

import {
  type Comparison,
  compareWithBenchmark,
  type Confidence,
  dsr,
  ESP2013,
  type Esp2013Band,
  type Estimate,
  meanFromSummary,
  type Method,
  Polarity,
  proportion,
  rate,
} from '../../stats/index.ts';
import {
  type AreaCode,
  areaName,
  BOROUGH_CODES,
  type DisclosureRule,
  type IndicatorDefinition,
  type IndicatorPolarity,
  NCL_SYSTEM_ID,
} from './framework.ts';
import { comparePeriods as comparePeriodLabels } from './periods.ts';
import type { Breakdown, ReturnRow } from './returns.ts';

/** Counts for one indicator, period, area and group, as a provider returned them or the system computed them. */
export type IndicatorCount = {
  readonly indicatorCode: string;
  readonly period: string;
  /** A borough, or 'QMJ' for a figure given for the whole system (used instead of the sum of boroughs). */
  readonly area: AreaCode;
  readonly breakdown: Breakdown;
  readonly breakdownValue: string;
  readonly numerator: number;
  readonly denominator: number;
  /** For means: the sample standard deviation, which gives a t interval. */
  readonly standardDeviation?: number;
  readonly provider?: string;
};

export const VALUE_SUPPRESSIONS = [
  'small-count',
  'complement',
  'small-denominator',
  'secondary',
  'incomplete',
  'not-combinable',
  'zero-denominator',
  'too-few-values',
  'zero-population',
  'zero-expected',
  'too-few-groups',
  'non-positive-fitted-value',
  'value-at-limit',
  'too-few-bands',
  'count-above-population',
  'small-population',
  'wide-interval',
] as const;
export type ValueSuppression = (typeof VALUE_SUPPRESSIONS)[number];

export type AreaComparison = {
  /** The area compared against: 'QMJ' for boroughs, the area itself for its groups. */
  readonly benchmarkArea: AreaCode;
  readonly benchmarkValue: number | null;
  readonly at95: Comparison;
  readonly at998: Comparison;
};

export type IndicatorValue = {
  readonly indicatorCode: string;
  readonly period: string;
  readonly area: AreaCode;
  readonly areaName: string;
  readonly breakdown: Breakdown;
  readonly breakdownValue: string;
  /** Null when suppressed: publishing the counts would undo the suppression. */
  readonly numerator: number | null;
  readonly denominator: number | null;
  /** In the indicator's unit (a proportion of 0.75 with multiplier 100 is 75). */
  readonly value: number | null;
  readonly lower95: number | null;
  readonly upper95: number | null;
  readonly lower998: number | null;
  readonly upper998: number | null;
  readonly method: Method | null;
  readonly suppressed: null | { readonly reason: ValueSuppression; readonly message: string };
  /** Why a published value has no interval (a median, a whole-population figure). */
  readonly intervalNote: string | null;
  readonly comparison: AreaComparison | null;
};

export function statsPolarity(polarity: IndicatorPolarity): Polarity {
  if (polarity === 'higher-is-better') return Polarity.higherIsBetter;
  if (polarity === 'lower-is-better') return Polarity.lowerIsBetter;
  return Polarity.noJudgement;
}

/** Counts from validated return rows (the submitting provider is kept for audit). */
export function countsFromReturnRows(rows: readonly ReturnRow[], provider?: string): IndicatorCount[] {
  return rows.map((r) => ({
    indicatorCode: r.indicatorCode,
    period: r.period,
    area: r.borough,
    breakdown: r.breakdown,
    breakdownValue: r.breakdownValue,
    numerator: r.numerator,
    denominator: r.denominator,
    ...(provider ? { provider } : {}),
  }));
}

const ESP2013_ORDER = (band: string) => Object.keys(ESP2013).indexOf(band);

// ---- Aggregation ----

type Cell = {
  period: string;
  area: AreaCode;
  breakdown: Breakdown;
  breakdownValue: string;
  numerator: number;
  denominator: number;
  rows: number;
  /** Means: per-row summaries, for a pooled standard deviation. */
  parts: { n: number; sum: number; sd?: number }[];
  /** Standardised rates: counts and populations by age band. */
  bands: Map<string, { count: number; population: number }>;
  problem?: { reason: ValueSuppression; message: string };
};

const cellKey = (period: string, area: string, breakdown: string, value: string) =>
  `${period}|${area}|${breakdown}|${value}`;

function emptyCell(period: string, area: AreaCode, breakdown: Breakdown, breakdownValue: string): Cell {
  return {
    period,
    area,
    breakdown,
    breakdownValue,
    numerator: 0,
    denominator: 0,
    rows: 0,
    parts: [],
    bands: new Map(),
  };
}

function add(cell: Cell, count: IndicatorCount, definition: IndicatorDefinition): void {
  cell.rows += 1;
  cell.numerator += count.numerator;
  cell.denominator += count.denominator;
  if (definition.type === 'mean') {
    cell.parts.push({ n: count.denominator, sum: count.numerator, sd: count.standardDeviation });
  }
  if (definition.type === 'standardised-rate') {
    const band = cell.bands.get(count.breakdownValue) ?? { count: 0, population: 0 };
    cell.bands.set(count.breakdownValue, {
      count: band.count + count.numerator,
      population: band.population + count.denominator,
    });
  }
}

function merge(target: Cell, source: Cell, definition: IndicatorDefinition): void {
  target.rows += source.rows;
  target.numerator += source.numerator;
  target.denominator += source.denominator;
  target.parts.push(...source.parts);
  for (const [band, v] of source.bands) {
    const t = target.bands.get(band) ?? { count: 0, population: 0 };
    target.bands.set(band, { count: t.count + v.count, population: t.population + v.population });
  }
  if (definition.type === 'median-time' && target.rows > 1) {
    target.problem = {
      reason: 'not-combinable',
      message: 'Medians from several sources cannot be added together; the system computes this from records',
    };
  }
  if (source.problem && !target.problem) target.problem = source.problem;
}

/** Pooled mean and standard deviation of groups given as n, sum and sd (sd for every group, or none). */
function pooledMean(parts: Cell['parts']): { count: number; mean: number; standardDeviation?: number } {
  const count = parts.reduce((s, p) => s + p.n, 0);
  const mean = count === 0 ? 0 : parts.reduce((s, p) => s + p.sum, 0) / count;
  if (parts.some((p) => p.sd === undefined) || count < 2) return { count, mean };
  // Total sum of squares = within-group + between-group.
  const ss = parts.reduce((s, p) => {
    const m = p.n === 0 ? 0 : p.sum / p.n;
    return s + (p.n - 1) * (p.sd as number) ** 2 + p.n * (m - mean) ** 2;
  }, 0);
  return { count, mean, standardDeviation: Math.sqrt(ss / (count - 1)) };
}

// ---- Estimation ----

type Computed = {
  value: number | null;
  at: Partial<Record<Confidence, Estimate>>;
  method: Method | null;
  intervalNote: string | null;
  problem?: { reason: ValueSuppression; message: string };
};

function estimate(cell: Cell, definition: IndicatorDefinition, bands: readonly string[]): Computed {
  const { multiplier } = definition;
  if (cell.problem) return { value: null, at: {}, method: null, intervalNote: null, problem: cell.problem };
  if (definition.computedFrom?.source === 'baseline') {
    if (cell.denominator === 0) {
      return {
        value: null,
        at: {},
        method: null,
        intervalNote: null,
        problem: { reason: 'zero-denominator', message: 'No population in the denominator' },
      };
    }
    return {
      value: (cell.numerator / cell.denominator) * multiplier,
      at: {},
      method: null,
      intervalNote: 'A whole-population figure from the baseline, not a sample: it has no confidence interval',
    };
  }
  if (definition.type === 'median-time') {
    return {
      value: cell.numerator,
      at: {},
      method: null,
      intervalNote: 'A median from records: its interval needs the individual times (see medianWithInterval)',
    };
  }
  const at: Partial<Record<Confidence, Estimate>> = {};
  for (const confidence of [0.95, 0.998] as const) {
    switch (definition.type) {
      case 'proportion':
        at[confidence] = proportion(cell.numerator, cell.denominator, { confidence });
        break;
      case 'rate':
        at[confidence] = rate(cell.numerator, cell.denominator, { confidence, multiplier });
        break;
      case 'standardised-rate':
        at[confidence] = dsr(
          bands.map((band) => {
            const b = cell.bands.get(band) ?? { count: 0, population: 0 };
            return { count: b.count, population: b.population, standardPopulation: ESP2013[band as Esp2013Band] };
          }),
          { confidence, multiplier },
        );
        break;
      case 'mean': {
        const pooled = pooledMean(cell.parts);
        if (pooled.standardDeviation === undefined) {
          if (pooled.count === 0) {
            return {
              value: null,
              at: {},
              method: null,
              intervalNote: null,
              problem: { reason: 'zero-denominator', message: 'No one in the denominator' },
            };
          }
          return {
            value: pooled.mean * multiplier,
            at: {},
            method: null,
            intervalNote: 'No standard deviation was given, so there is no interval',
          };
        }
        const m = meanFromSummary(
          { count: pooled.count, mean: pooled.mean, standardDeviation: pooled.standardDeviation },
          { confidence },
        );
        at[confidence] = m.suppressed === false ? scale(m, multiplier) : m;
        break;
      }
    }
  }
  const e95 = at[0.95] as Estimate;
  if (e95.suppressed !== false) {
    return {
      value: null,
      at,
      method: null,
      intervalNote: null,
      problem: { reason: e95.suppressed, message: e95.message },
    };
  }
  const scaleProportion = definition.type === 'proportion' ? multiplier : 1;
  const scaled = Object.fromEntries(
    (Object.entries(at) as [string, Estimate][]).map(([k, v]) => [
      k,
      v.suppressed === false ? scale(v, scaleProportion) : v,
    ]),
  ) as Partial<Record<Confidence, Estimate>>;
  return { value: (scaled[0.95] as Estimate).value, at: scaled, method: e95.method, intervalNote: null };
}

function scale<T extends Estimate>(e: T, by: number): T {
  if (e.suppressed !== false || by === 1) return e;
  return { ...e, value: e.value * by, lower: e.lower * by, upper: e.upper * by };
}

// ---- Disclosure control ----

/**
 * The framework's default disclosure rule, as in data/ncl/outcomes/framework.json `defaultDisclosure`
 * (compute.test.ts checks they agree), for other modules' counts of people published outside an indicator.
 */
export const DEFAULT_DISCLOSURE: DisclosureRule = {
  minimumCount: 5,
  suppressComplement: true,
  secondarySuppression: true,
};

/** A count that would identify people: 1 to minimumCount − 1 (zero is shown). */
export function isSmallCount(n: number, rule: Pick<DisclosureRule, 'minimumCount'> = DEFAULT_DISCLOSURE): boolean {
  return n > 0 && n < rule.minimumCount;
}

/**
 * Disclosure control for a table of counts of people with its totals: `table` has the row totals as its last
 * column and the column totals as its last row. Returns which cells to hide: the small counts, then (with
 * secondary suppression) the smallest other cell of any row or column where a single hidden cell could be
 * worked out from a published total, until nothing changes. The same rule and method as the indicators'.
 */
export function suppressCountTable(table: readonly (readonly number[])[], rule: DisclosureRule = DEFAULT_DISCLOSURE) {
  const hidden = table.map((row) => row.map((n) => isSmallCount(n, rule)));
  if (!rule.secondarySuppression || table.length < 2) return hidden;
  const rows = table.length;
  const cols = table[0]?.length ?? 0;
  const sets: { cells: [number, number][]; total: [number, number] }[] = [];
  for (let i = 0; i < rows; i++)
    sets.push({ cells: [...Array(cols - 1).keys()].map((j) => [i, j]), total: [i, cols - 1] });
  for (let j = 0; j < cols; j++)
    sets.push({ cells: [...Array(rows - 1).keys()].map((i) => [i, j]), total: [rows - 1, j] });
  const at = ([i, j]: [number, number]) => table[i]?.[j] ?? 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (const set of sets) {
      if (hidden[set.total[0]]?.[set.total[1]]) continue;
      if (set.cells.filter(([i, j]) => hidden[i]?.[j]).length !== 1) continue;
      const next = set.cells.filter(([i, j]) => !hidden[i]?.[j]).sort((a, b) => at(a) - at(b))[0];
      if (next) {
        (hidden[next[0]] as boolean[])[next[1]] = true;
        changed = true;
      }
    }
  }
  return hidden;
}

/** Primary suppression: the published counts would identify people. */
function primary(
  cell: Cell,
  definition: IndicatorDefinition,
): { reason: ValueSuppression; message: string } | undefined {
  if (definition.computedFrom?.source === 'baseline') return undefined; // money and staff, not people
  const { minimumCount, suppressComplement, minimumDenominator } = definition.disclosure;
  const small = (n: number) => isSmallCount(n, definition.disclosure);
  const peopleCount =
    definition.type === 'median-time' || definition.type === 'mean' ? cell.denominator : cell.numerator;
  if (small(peopleCount)) {
    return { reason: 'small-count', message: `Fewer than ${minimumCount} people or events, so not published` };
  }
  if (suppressComplement && definition.type === 'proportion' && small(cell.denominator - cell.numerator)) {
    return {
      reason: 'complement',
      message: `Fewer than ${minimumCount} people outside the numerator could be worked out, so not published`,
    };
  }
  if (minimumDenominator !== undefined && cell.denominator > 0 && cell.denominator < minimumDenominator) {
    return { reason: 'small-denominator', message: `A denominator under ${minimumDenominator} is not published` };
  }
  return undefined;
}

/**
 * Secondary suppression: in a set of cells adding up to a published total, one hidden cell could be
 * found by subtraction, so the smallest other published cell is hidden too.
 */
function secondary(sets: Cell[][], hidden: Set<Cell>, total: (set: Cell[]) => Cell | undefined): boolean {
  let changed = false;
  for (const set of sets) {
    const t = total(set);
    if (!t || hidden.has(t)) continue;
    const hiddenHere = set.filter((c) => hidden.has(c));
    if (hiddenHere.length !== 1) continue;
    const candidates = set
      .filter((c) => !hidden.has(c))
      .sort((a, b) => a.numerator - b.numerator || a.denominator - b.denominator);
    if (candidates[0]) {
      hidden.add(candidates[0]);
      changed = true;
    }
  }
  return changed;
}

// ---- The public function ----

export type ComputeOptions = {
  /** Add the NCL ('QMJ') value by summing the five boroughs (default true). */
  readonly includeNcl?: boolean;
};

/** Values with 95% and 99.8% intervals, disclosure control and comparisons, for one indicator. */
export function computeIndicatorValues(
  definition: IndicatorDefinition,
  counts: readonly IndicatorCount[],
  options: ComputeOptions = {},
): IndicatorValue[] {
  const includeNcl = options.includeNcl ?? true;
  const mine = counts.filter((c) => c.indicatorCode === definition.code);
  const standardised = definition.type === 'standardised-rate';
  const bands = standardised
    ? [...new Set(mine.map((c) => c.breakdownValue))]
        .filter((b) => b in ESP2013)
        .sort((a, b) => ESP2013_ORDER(a) - ESP2013_ORDER(b))
    : [];

  // 1. Sum rows for the same cell (several providers can serve one borough).
  const cells = new Map<string, Cell>();
  const given = new Map<string, Cell>(); // figures given for the whole system
  for (const c of mine) {
    const breakdown: Breakdown = standardised ? 'total' : c.breakdown;
    const value = standardised ? '' : c.breakdownValue;
    const key = cellKey(c.period, c.area, breakdown, value);
    const target = c.area === NCL_SYSTEM_ID ? given : cells;
    const single = emptyCell(c.period, c.area, breakdown, value);
    add(single, c, definition);
    const existing = target.get(key);
    if (existing) merge(existing, single, definition);
    else target.set(key, single);
  }

  // 2. The NCL value: given, or the sum of all five boroughs (a partial sum would mislead).
  if (includeNcl) {
    const groups = new Map<string, Cell[]>();
    for (const cell of cells.values()) {
      const k = cellKey(cell.period, NCL_SYSTEM_ID, cell.breakdown, cell.breakdownValue);
      groups.set(k, [...(groups.get(k) ?? []), cell]);
    }
    for (const [k, parts] of groups) {
      if (given.has(k)) continue;
      const first = parts[0];
      const ncl = emptyCell(first.period, NCL_SYSTEM_ID, first.breakdown, first.breakdownValue);
      for (const p of parts) merge(ncl, p, definition);
      if (definition.type === 'median-time') {
        ncl.problem = {
          reason: 'not-combinable',
          message: 'Borough medians cannot be combined into an NCL median; the system computes it from records',
        };
      } else if (new Set(parts.map((p) => p.area)).size < BOROUGH_CODES.length) {
        const have = parts.map((p) => areaName(p.area)).join(', ');
        ncl.problem = { reason: 'incomplete', message: `Only ${have} have figures, so there is no NCL total` };
      }
      given.set(k, ncl);
    }
  }
  const all = [...cells.values(), ...given.values()];
  const byKey = new Map(all.map((c) => [cellKey(c.period, c.area, c.breakdown, c.breakdownValue), c]));

  // 3. Disclosure control: primary, then secondary until nothing changes.
  const hidden = new Map<Cell, { reason: ValueSuppression; message: string }>();
  for (const cell of all) {
    const p = primary(cell, definition);
    if (p) hidden.set(cell, p);
  }
  if (definition.disclosure.secondarySuppression && definition.computedFrom?.source !== 'baseline') {
    const set = new Set(hidden.keys());
    const boroughSets = new Map<string, Cell[]>();
    const groupSets = new Map<string, Cell[]>();
    for (const cell of all) {
      if (cell.area !== NCL_SYSTEM_ID) {
        const k = cellKey(cell.period, NCL_SYSTEM_ID, cell.breakdown, cell.breakdownValue);
        boroughSets.set(k, [...(boroughSets.get(k) ?? []), cell]);
      }
      if (cell.breakdown !== 'total') {
        const k = `${cell.period}|${cell.area}|${cell.breakdown}`;
        groupSets.set(k, [...(groupSets.get(k) ?? []), cell]);
      }
    }
    const nclTotal = (s: Cell[]) => byKey.get(cellKey(s[0].period, NCL_SYSTEM_ID, s[0].breakdown, s[0].breakdownValue));
    const areaTotal = (s: Cell[]) => byKey.get(cellKey(s[0].period, s[0].area, 'total', ''));
    for (let i = 0; i < 10; i++) {
      const a = secondary([...boroughSets.values()], set, nclTotal);
      const b = secondary([...groupSets.values()], set, areaTotal);
      if (!a && !b) break;
    }
    for (const cell of set) {
      if (!hidden.has(cell)) {
        hidden.set(cell, {
          reason: 'secondary',
          message: 'Not published so that a smaller suppressed figure cannot be worked out from the total',
        });
      }
    }
  }

  // 4. Estimates.
  const computed = new Map<Cell, Computed>();
  for (const cell of all) computed.set(cell, estimate(cell, definition, bands));

  // 5. Comparison with the benchmark: boroughs against NCL, groups against their own area's total.
  const polarity = statsPolarity(definition.polarity);
  const publishedValue = (cell: Cell | undefined) =>
    cell && !hidden.has(cell) ? (computed.get(cell)?.value ?? null) : null;
  const out = all.map((cell): IndicatorValue => {
    const c = computed.get(cell) as Computed;
    const suppression = hidden.get(cell) ?? c.problem ?? null;
    const show = suppression === null;
    let comparison: AreaComparison | null = null;
    const benchmarkArea: AreaCode | null =
      cell.breakdown !== 'total' ? cell.area : cell.area !== NCL_SYSTEM_ID ? NCL_SYSTEM_ID : null;
    if (benchmarkArea) {
      const benchmarkValue = publishedValue(byKey.get(cellKey(cell.period, benchmarkArea, 'total', '')));
      const versus = (confidence: Confidence) => {
        const e = c.at[confidence];
        return show && e ? compareWithBenchmark(e, benchmarkValue, polarity) : ('not-compared' as Comparison);
      };
      comparison = { benchmarkArea, benchmarkValue, at95: versus(0.95), at998: versus(0.998) };
    }
    const limit = (confidence: Confidence, end: 'lower' | 'upper') => {
      const e = c.at[confidence];
      return show && e && e.suppressed === false ? e[end] : null;
    };
    return {
      indicatorCode: definition.code,
      period: cell.period,
      area: cell.area,
      areaName: areaName(cell.area),
      breakdown: cell.breakdown,
      breakdownValue: cell.breakdownValue,
      numerator: show ? cell.numerator : null,
      denominator: show ? cell.denominator : null,
      value: show ? c.value : null,
      lower95: limit(0.95, 'lower'),
      upper95: limit(0.95, 'upper'),
      lower998: limit(0.998, 'lower'),
      upper998: limit(0.998, 'upper'),
      method: show ? c.method : null,
      suppressed: suppression,
      intervalNote: show ? c.intervalNote : null,
      comparison,
    };
  });
  return out.sort(compareValues);
}

const AREA_ORDER: readonly string[] = [NCL_SYSTEM_ID, ...BOROUGH_CODES];

/** Period, then NCL before boroughs in alphabetical order, totals before groups. */
export function compareValues(a: IndicatorValue, b: IndicatorValue): number {
  return (
    comparePeriodLabels(a.period, b.period) ||
    AREA_ORDER.indexOf(a.area) - AREA_ORDER.indexOf(b.area) ||
    (a.breakdown === 'total' ? 0 : 1) - (b.breakdown === 'total' ? 0 : 1) ||
    a.breakdown.localeCompare(b.breakdown) ||
    a.breakdownValue.localeCompare(b.breakdownValue, 'en', { numeric: true })
  );
}
