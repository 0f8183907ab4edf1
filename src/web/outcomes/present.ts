// How outcome values read on a page: numbers with their unit, comparisons as a word, a symbol and a colour
// (never the colour alone), and the data behind each chart as rows for an HTML table.
import {
  type ChartTable,
  type IndicatorDefinition,
  type IndicatorValue,
  NCL_SYSTEM_ID,
  type TableCell,
} from '../../modules/outcomes/index.ts';
import type { Bar } from '../charts.ts';

type ComparisonWord = 'better' | 'similar' | 'worse' | 'higher' | 'lower' | 'not-compared';

/** The legend: each comparison's word, symbol, tag colour and chart tone. */
export const COMPARISON_KEY: readonly {
  key: ComparisonWord;
  word: string;
  symbol: string;
  tagClass: string;
  tone: NonNullable<Bar['tone']>;
  meaning: string;
}[] = [
  {
    key: 'better',
    word: 'Better',
    symbol: '✓',
    tagClass: 'nhsuk-tag--green',
    tone: 'good',
    meaning: 'Statistically significantly better than North Central London',
  },
  {
    key: 'similar',
    word: 'Similar',
    symbol: '=',
    tagClass: 'nhsuk-tag--orange',
    tone: 'warning',
    meaning: 'Not significantly different from North Central London',
  },
  {
    key: 'worse',
    word: 'Worse',
    symbol: '✗',
    tagClass: 'nhsuk-tag--red',
    tone: 'bad',
    meaning: 'Statistically significantly worse than North Central London',
  },
  {
    key: 'higher',
    word: 'Higher',
    symbol: '▲',
    tagClass: 'nhsuk-tag--blue',
    tone: 'highlight',
    meaning: 'Significantly higher, where neither higher nor lower is better',
  },
  {
    key: 'lower',
    word: 'Lower',
    symbol: '▼',
    tagClass: 'nhsuk-tag--purple',
    tone: 'highlight',
    meaning: 'Significantly lower, where neither higher nor lower is better',
  },
  {
    key: 'not-compared',
    word: 'Not compared',
    symbol: '–',
    tagClass: 'nhsuk-tag--grey',
    tone: 'neutral',
    meaning: 'No interval, a suppressed value, or no NCL value to compare with',
  },
];

export function comparisonKey(comparison: string | null | undefined) {
  return COMPARISON_KEY.find((k) => k.key === comparison) ?? COMPARISON_KEY[COMPARISON_KEY.length - 1]!;
}

function digitsFor(value: number | null | undefined): number {
  return value !== null && value !== undefined && Math.abs(value) >= 1000 ? 0 : 1;
}

export function formatNumber(value: number | null | undefined, digits = digitsFor(value)): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** '75.3%', '£123.4 per resident', '245.3 per 100,000', '27.0 days'. */
export function formatValue(value: number | null | undefined, definition: IndicatorDefinition): string {
  if (value === null || value === undefined) return '';
  const n = formatNumber(value);
  if (definition.unit === '%') return `${n}%`;
  if (definition.unit.startsWith('£ ')) return `£${n} ${definition.unit.slice(2)}`;
  return `${n} ${definition.unit}`;
}

/** The suffix a chart puts after each number. */
export function chartUnit(definition: IndicatorDefinition): string {
  return definition.unit === '%' ? '%' : '';
}

export type Cell = {
  text: string;
  interval: string;
  comparison: ReturnType<typeof comparisonKey> | null;
  note: string | null;
};

const DISCLOSURE_REASONS: readonly string[] = ['small-count', 'complement', 'small-denominator', 'secondary'];

/** Why a value is not shown, in two or three words (the indicator page's tables give the full reason). */
function missingNote(v: IndicatorValue | undefined): string {
  if (!v) return 'No value';
  if (v.suppressed && DISCLOSURE_REASONS.includes(v.suppressed.reason)) return 'Suppressed (small numbers)';
  return v.suppressed ? 'Not available' : 'No value';
}

/** A number with its unit when the unit is short ('75.3%'); otherwise the number (the unit is in the heading). */
function formatCompact(value: number, definition: IndicatorDefinition): string {
  return definition.unit === '%' ? `${formatNumber(value)}%` : formatNumber(value);
}

/** One value as the overview and tables show it. */
export function presentValue(v: IndicatorValue | undefined, definition: IndicatorDefinition): Cell {
  if (!v || v.value === null) return { text: '', interval: '', comparison: null, note: missingNote(v) };
  const interval =
    v.lower95 !== null && v.upper95 !== null ? `${formatNumber(v.lower95)} to ${formatNumber(v.upper95)}` : '';
  const comparison = v.area === NCL_SYSTEM_ID && v.breakdown === 'total' ? null : comparisonKey(v.comparison?.at95);
  return { text: formatCompact(v.value, definition), interval, comparison, note: v.intervalNote };
}

/** A bar for the borough comparison or inequality chart, toned and labelled by its comparison at 95%. */
export function barFor(v: IndicatorValue, label: string): Bar {
  if (v.value === null) return { label, value: null, note: missingNote(v) };
  const key = comparisonKey(v.comparison?.at95);
  const isBenchmark = v.area === NCL_SYSTEM_ID && v.breakdown === 'total';
  return {
    label,
    value: v.value,
    lower: v.lower95,
    upper: v.upper95,
    tone: isBenchmark ? 'neutral' : key.tone,
    note: isBenchmark ? '(NCL)' : `${key.symbol} ${key.word}`,
  };
}

export const GROUP_NAMES: Readonly<Record<string, string>> = {
  '1': '1 (most deprived)',
  '2': '2',
  '3': '3',
  '4': '4',
  '5': '5 (least deprived)',
};

/** A chart table cut down to the columns a page has room for; the download keeps every column. */
export function pageTable(table: ChartTable, keys: readonly string[], definition: IndicatorDefinition) {
  const columns = keys
    .map((k) => table.columns.find((c) => c.key === k))
    .filter((c): c is ChartTable['columns'][number] => !!c);
  const numeric = new Set([
    'numerator',
    'denominator',
    'value',
    'lower95',
    'upper95',
    'lower998',
    'upper998',
    'target',
  ]);
  const show = (key: string, v: TableCell) => {
    if (v === null || v === undefined || v === '') return '';
    if (typeof v !== 'number') {
      // The column heading names the confidence level; the cell need not repeat it.
      return /^(comparison|position)(95|998)$/.test(key)
        ? String(v)
            .replace(/ \((95|99\.8)%\)$/, '')
            .replace('North Central London', 'NCL')
        : String(v);
    }
    if (key === 'numerator' || key === 'denominator') return formatNumber(v, Number.isInteger(v) ? 0 : 1);
    return formatNumber(v, key === 'denominator' ? 0 : digitsFor(v));
  };
  return {
    title: table.title,
    unit: definition.unit,
    columns: columns.map((c) => ({ ...c, numeric: numeric.has(c.key) })),
    rows: table.rows.map((row) =>
      columns.map((c) => ({ text: show(c.key, row[c.key] ?? null), numeric: numeric.has(c.key) })),
    ),
  };
}
