// Provider returns: every provider submits the same indicators for a period as CSV, XLSX or JSON with one
// set of columns. This file defines the template, checks parsed rows (each error names the row, the column
// and what was expected) and lists late and missing returns. Parsing the file is the caller's job
// (csv-parse with `columns: true`, or exceljs rows mapped to objects): cells arrive as strings or numbers.

import { ESP2013_BANDS } from '../../stats/index.ts';
import {
  areaName,
  BOROUGHS,
  type BoroughCode,
  DISAGGREGATIONS,
  type Disaggregation,
  type Framework,
  findIndicator,
  type IndicatorDefinition,
  listIndicators,
  NCL_SYSTEM_ID,
  type Provider,
} from './framework.ts';
import { PERIOD_FORMATS, type Period, parsePeriod, periodContains } from './periods.ts';

export const RETURN_COLUMNS = [
  'indicator_code',
  'period',
  'borough',
  'breakdown',
  'breakdown_value',
  'numerator',
  'denominator',
  'notes',
] as const;
export type ReturnColumn = (typeof RETURN_COLUMNS)[number];

export type TemplateColumn = {
  readonly name: ReturnColumn;
  readonly required: boolean;
  readonly description: string;
  readonly example: string;
};

/** The template offered for download (CSV header row, or the XLSX header and its cell comments). */
export const RETURN_TEMPLATE: readonly TemplateColumn[] = [
  { name: 'indicator_code', required: true, description: 'The indicator code from the framework', example: 'LW3.1' },
  {
    name: 'period',
    required: true,
    description: 'Financial year (2024/25), quarter (2024/25 Q2) or month (2024-07), as the indicator asks',
    example: '2024/25 Q2',
  },
  {
    name: 'borough',
    required: true,
    description: 'Borough of residence: GSS code or name (Barnet, Camden, Enfield, Haringey, Islington)',
    example: 'E09000019',
  },
  {
    name: 'breakdown',
    required: false,
    description: `Leave empty (or 'total') for the borough total; otherwise one of ${DISAGGREGATIONS.filter((d) => d !== 'borough').join(', ')}`,
    example: 'deprivation-quintile',
  },
  {
    name: 'breakdown_value',
    required: false,
    description:
      'The group: quintile 1 (most deprived) to 5; female or male; asian, black, mixed, white, other or not-stated; an age band such as 65-69 or 90+; your ODS code',
    example: '1',
  },
  {
    name: 'numerator',
    required: true,
    description: 'As the indicator defines it; counts are whole numbers',
    example: '412',
  },
  { name: 'denominator', required: true, description: 'As the indicator defines it', example: '530' },
  { name: 'notes', required: false, description: 'Anything the analyst should know about this row', example: '' },
];

/** A breakdown row's group; 'total' for the borough total. */
export type Breakdown = 'total' | Exclude<Disaggregation, 'borough'>;

export type ReturnRow = {
  /** Row number in the file (the header is row 1). */
  readonly row: number;
  readonly indicatorCode: string;
  readonly period: string;
  readonly borough: BoroughCode;
  readonly breakdown: Breakdown;
  /** '' for totals; normalised (lower case, ODS upper case). */
  readonly breakdownValue: string;
  readonly numerator: number;
  readonly denominator: number;
  readonly notes: string;
};

export type ReturnProblem = {
  readonly row: number;
  /** '' when the problem is with the whole row or the file. */
  readonly column: ReturnColumn | '';
  readonly value: string;
  readonly message: string;
};

export type ReturnValidation = {
  readonly ok: boolean;
  /** The rows that passed every check (all of them when ok). */
  readonly rows: ReturnRow[];
  readonly errors: ReturnProblem[];
  /** Not errors: expected rows the return does not contain. */
  readonly warnings: ReturnProblem[];
};

export type ReturnContext = {
  readonly framework: Framework;
  /** The submitting provider's ODS code; 'QMJ' is the ICB loading national or system figures for any borough. */
  readonly providerCode: string;
  /** The period the return is for; a row's period must lie inside it (or contain it, for annual indicators). */
  readonly period: string;
  /** Row number of the first data row; 2 when the header is row 1. */
  readonly firstRow?: number;
};

export const SEXES = ['female', 'male'] as const;
/** ONS 2021 Census high-level ethnic groups, plus not stated. */
export const ETHNIC_GROUPS = ['asian', 'black', 'mixed', 'white', 'other', 'not-stated'] as const;
export const DEPRIVATION_QUINTILES = ['1', '2', '3', '4', '5'] as const;
const AGE_BAND = /^(\d{1,3})-(\d{1,3})$|^(\d{1,3})\+$/;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'string') return value.trim();
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).trim();
}

function boroughFrom(text: string): BoroughCode | undefined {
  const t = text.toLowerCase();
  return BOROUGHS.find((b) => b.code.toLowerCase() === t || b.name.toLowerCase() === t)?.code;
}

function providerFor(framework: Framework, code: string): Provider | undefined {
  return framework.providers.find((p) => p.code === code);
}

/** Whether this submitter may return this indicator at all; a reason when not. */
function mayReturn(indicator: IndicatorDefinition, providerCode: string, provider: Provider | undefined) {
  if (providerCode === NCL_SYSTEM_ID) return undefined;
  if (indicator.computedFrom) {
    return `${indicator.code} is computed by the system from ${indicator.computedFrom.source.replaceAll('-', ' ')} data, not submitted`;
  }
  if (indicator.source.collection !== 'provider-return') {
    return `${indicator.code} comes from ${indicator.source.name}, not from provider returns`;
  }
  if (provider && !indicator.services?.some((s) => provider.services.includes(s))) {
    return `${indicator.code} is reported by ${indicator.services?.join(' and ')} providers; ${provider.code} runs ${provider.services.join(' and ')} services`;
  }
  return undefined;
}

/** Checks a breakdown value for its breakdown; returns the normalised value or a message. */
function breakdownValueFor(
  breakdown: Breakdown,
  raw: string,
  indicator: IndicatorDefinition,
  providerCode: string,
): { value: string } | { message: string } {
  const v = raw.toLowerCase();
  switch (breakdown) {
    case 'total':
      return raw === '' ? { value: '' } : { message: 'Leave breakdown_value empty for a total row' };
    case 'deprivation-quintile':
      return (DEPRIVATION_QUINTILES as readonly string[]).includes(v)
        ? { value: v }
        : { message: 'Expected a deprivation quintile from 1 (most deprived) to 5 (least deprived)' };
    case 'sex':
      return (SEXES as readonly string[]).includes(v) ? { value: v } : { message: `Expected ${SEXES.join(' or ')}` };
    case 'ethnicity':
      return (ETHNIC_GROUPS as readonly string[]).includes(v)
        ? { value: v }
        : { message: `Expected one of ${ETHNIC_GROUPS.join(', ')}` };
    case 'age-band': {
      if (indicator.type === 'standardised-rate') {
        return (ESP2013_BANDS as readonly string[]).includes(v)
          ? { value: v }
          : { message: `Expected a 2013 European Standard Population band: ${ESP2013_BANDS.join(', ')}` };
      }
      const m = AGE_BAND.exec(v);
      if (!m || (m[1] !== undefined && Number(m[1]) > Number(m[2]))) {
        return { message: 'Expected an age band such as 18-25 or 65+' };
      }
      return { value: v };
    }
    case 'provider': {
      const ods = raw.toUpperCase();
      if (providerCode !== NCL_SYSTEM_ID && ods !== providerCode) {
        return { message: `A provider submits its own rows only: expected ${providerCode}, got ${ods || 'nothing'}` };
      }
      return /^[A-Z0-9]{3,5}$/.test(ods) ? { value: ods } : { message: 'Expected an ODS code such as RKE' };
    }
  }
}

const WHOLE = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

function numberFrom(raw: unknown, whole: boolean): { value: number } | { message: string } {
  const text = cell(raw);
  if (text === '') return { message: 'Enter a number' };
  if (/^-/.test(text)) return { message: 'Expected a number of 0 or more, not a negative number' };
  if (!(whole ? WHOLE : DECIMAL).test(text)) {
    return {
      message: whole ? 'Expected a whole number such as 120 (no commas or %)' : 'Expected a number such as 12.5',
    };
  }
  return { value: Number(text) };
}

/** Whether an indicator's numerator is a count (whole number) rather than a measured value. */
function wholeNumerator(indicator: IndicatorDefinition): boolean {
  if (indicator.computedFrom) return false;
  return indicator.type === 'proportion' || indicator.type === 'rate' || indicator.type === 'standardised-rate';
}

/** The indicator's periods that a return for `returnPeriod` should hold. */
export function periodsDue(indicator: IndicatorDefinition, returnPeriod: Period): string[] {
  if (indicator.frequency === returnPeriod.frequency) return [returnPeriod.label];
  if (indicator.frequency === 'annual') {
    // Annual figures are due with the return that ends the financial year.
    const year = returnPeriod.label.slice(0, 7);
    const fy = parsePeriod(year);
    return fy && fy.end === returnPeriod.end ? [year] : [];
  }
  if (indicator.frequency === 'quarterly' && returnPeriod.frequency === 'annual') {
    return [1, 2, 3, 4].map((q) => `${returnPeriod.label} Q${q}`);
  }
  if (indicator.frequency === 'quarterly') return []; // a monthly return holds no quarterly figures
  // Monthly figures: every month inside the return period.
  const months: string[] = [];
  let [y, m] = returnPeriod.start.split('-').map(Number);
  while (`${y}-${String(m).padStart(2, '0')}-01` <= returnPeriod.end) {
    months.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m === 13) {
      m = 1;
      y += 1;
    }
  }
  return months;
}

export type ExpectedRow = { readonly indicatorCode: string; readonly period: string; readonly borough: BoroughCode };

/** The borough total rows a provider's return for a period should hold: the template's rows. */
export function expectedReturnRows(framework: Framework, providerCode: string, period: string): ExpectedRow[] {
  const returnPeriod = parsePeriod(period);
  if (!returnPeriod) throw new RangeError(`not a period: ${period}`);
  const provider = providerFor(framework, providerCode);
  if (!provider) return [];
  const rows: ExpectedRow[] = [];
  for (const { indicator } of listIndicators(framework)) {
    if (mayReturn(indicator, providerCode, provider) !== undefined) continue;
    for (const p of periodsDue(indicator, returnPeriod)) {
      for (const borough of provider.boroughs) rows.push({ indicatorCode: indicator.code, period: p, borough });
    }
  }
  return rows;
}

/** Template rows to download, prefilled with what the provider is expected to return. */
export function returnTemplateRows(framework: Framework, providerCode: string, period: string): string[][] {
  const header = RETURN_TEMPLATE.map((c) => c.name);
  const rows = expectedReturnRows(framework, providerCode, period).map((r) => [
    r.indicatorCode,
    r.period,
    r.borough,
    '',
    '',
    '',
    '',
    `${findIndicator(framework, r.indicatorCode)?.title ?? ''} (${areaName(r.borough)})`,
  ]);
  return [header, ...rows];
}

/** Checks parsed rows of a provider's return; every problem names its row, column and what was expected. */
export function validateReturnRows(
  rows: readonly Readonly<Record<string, unknown>>[],
  context: ReturnContext,
): ReturnValidation {
  const { framework, providerCode, period } = context;
  const firstRow = context.firstRow ?? 2;
  const errors: ReturnProblem[] = [];
  const warnings: ReturnProblem[] = [];
  const fail = (row: number, column: ReturnColumn | '', value: string, message: string) =>
    errors.push({ row, column, value, message });

  const returnPeriod = parsePeriod(period);
  if (!returnPeriod) throw new RangeError(`the return's period is not a period: ${period}`);
  const provider = providerFor(framework, providerCode);
  if (!provider && providerCode !== NCL_SYSTEM_ID) {
    fail(0, '', providerCode, `${providerCode} is not a provider in this framework`);
    return { ok: false, rows: [], errors, warnings };
  }

  // Columns: reported once, against the header row, rather than on every row.
  const seenColumns = new Set(rows.flatMap((r) => Object.keys(r).map((k) => k.trim().toLowerCase())));
  const headerRow = firstRow - 1;
  for (const column of seenColumns) {
    if (!(RETURN_COLUMNS as readonly string[]).includes(column)) {
      fail(
        headerRow,
        '',
        column,
        `Unexpected column '${column}': the template's columns are ${RETURN_COLUMNS.join(', ')}`,
      );
    }
  }
  const missing = RETURN_TEMPLATE.filter((c) => c.required && rows.length > 0 && !seenColumns.has(c.name));
  for (const c of missing) fail(headerRow, c.name, '', `Column '${c.name}' is missing`);
  if (missing.length > 0) return { ok: false, rows: [], errors, warnings };

  const accepted: ReturnRow[] = [];
  const firstAt = new Map<string, number>();
  rows.forEach((raw, index) => {
    const row = firstRow + index;
    const get = (column: ReturnColumn) => {
      const key = Object.keys(raw).find((k) => k.trim().toLowerCase() === column);
      return key === undefined ? undefined : raw[key];
    };
    if (RETURN_COLUMNS.every((c) => cell(get(c)) === '')) return; // blank lines in spreadsheets
    const before = errors.length;

    const code = cell(get('indicator_code')).toUpperCase();
    const indicator = code === '' ? undefined : findIndicator(framework, code);
    if (code === '') fail(row, 'indicator_code', '', 'Enter an indicator code such as LW3.1');
    else if (!indicator)
      fail(row, 'indicator_code', code, `Unknown indicator '${code}': use a code from the framework`);
    else {
      const refusal = mayReturn(indicator, providerCode, provider);
      if (refusal) fail(row, 'indicator_code', code, refusal);
    }

    const periodText = cell(get('period'));
    const rowPeriod = parsePeriod(periodText);
    if (indicator) {
      const expected = PERIOD_FORMATS[indicator.frequency];
      if (!rowPeriod || rowPeriod.frequency !== indicator.frequency) {
        fail(row, 'period', periodText, `Expected ${expected} (${indicator.code} is ${indicator.frequency})`);
      } else if (!periodContains(returnPeriod, rowPeriod) && !periodContains(rowPeriod, returnPeriod)) {
        fail(row, 'period', periodText, `${periodText} is outside this return's period, ${period}`);
      } else if (
        indicator.frequency === 'annual' &&
        rowPeriod.end !== returnPeriod.end &&
        returnPeriod.frequency !== 'annual'
      ) {
        fail(
          row,
          'period',
          periodText,
          `Annual figures for ${periodText} are due in the return for the year's last quarter`,
        );
      }
    } else if (!rowPeriod) {
      fail(row, 'period', periodText, 'Expected a period such as 2024/25, 2024/25 Q2 or 2024-07');
    }

    const boroughText = cell(get('borough'));
    const borough = boroughFrom(boroughText);
    if (!borough) {
      fail(
        row,
        'borough',
        boroughText,
        `Expected an NCL borough: ${BOROUGHS.map((b) => `${b.name} (${b.code})`).join(', ')}`,
      );
    } else if (provider && !provider.boroughs.includes(borough)) {
      fail(
        row,
        'borough',
        boroughText,
        `${provider.code} reports for ${provider.boroughs.map(areaName).join(', ')}; ${areaName(borough)} is another provider's`,
      );
    }

    const breakdownText = cell(get('breakdown')).toLowerCase();
    const breakdown = (breakdownText === '' ? 'total' : breakdownText) as Breakdown;
    const valueText = cell(get('breakdown_value'));
    let breakdownValue = '';
    if (breakdown === ('borough' as Breakdown)) {
      fail(row, 'breakdown', breakdownText, "Borough has its own column: leave breakdown empty for a borough's total");
    } else if (breakdown !== 'total' && !(DISAGGREGATIONS as readonly string[]).includes(breakdown)) {
      fail(
        row,
        'breakdown',
        breakdownText,
        `Expected empty or one of ${DISAGGREGATIONS.filter((d) => d !== 'borough').join(', ')}`,
      );
    } else if (indicator && breakdown !== 'total' && !indicator.disaggregations.includes(breakdown)) {
      fail(
        row,
        'breakdown',
        breakdownText,
        `${indicator.code} is broken down by ${indicator.disaggregations.join(', ')} only`,
      );
    } else if (indicator?.type === 'standardised-rate' && breakdown !== 'age-band') {
      fail(
        row,
        'breakdown',
        breakdownText,
        `${indicator.code} is age-standardised: give one row per age band (breakdown age-band)`,
      );
    } else if (indicator) {
      const checked = breakdownValueFor(breakdown, valueText, indicator, providerCode);
      if ('message' in checked) fail(row, 'breakdown_value', valueText, checked.message);
      else breakdownValue = checked.value;
    }

    const numerator = numberFrom(get('numerator'), indicator ? wholeNumerator(indicator) : false);
    const denominator = numberFrom(get('denominator'), true);
    if ('message' in numerator) fail(row, 'numerator', cell(get('numerator')), numerator.message);
    if ('message' in denominator) fail(row, 'denominator', cell(get('denominator')), denominator.message);
    if (
      indicator?.type === 'proportion' &&
      'value' in numerator &&
      'value' in denominator &&
      numerator.value > denominator.value
    ) {
      fail(
        row,
        'numerator',
        cell(get('numerator')),
        `The numerator (${numerator.value}) must not be more than the denominator (${denominator.value}) for a proportion`,
      );
    }

    if (errors.length > before || !indicator || !borough || !rowPeriod) return;
    const key = [indicator.code, rowPeriod.label, borough, breakdown, breakdownValue].join('|');
    const earlier = firstAt.get(key);
    if (earlier !== undefined) {
      fail(row, '', '', `Duplicate of row ${earlier}: same indicator, period, borough and breakdown`);
      return;
    }
    firstAt.set(key, row);
    accepted.push({
      row,
      indicatorCode: indicator.code,
      period: rowPeriod.label,
      borough,
      breakdown,
      breakdownValue,
      numerator: (numerator as { value: number }).value,
      denominator: (denominator as { value: number }).value,
      notes: cell(get('notes')),
    });
  });

  if (provider) {
    for (const e of expectedReturnRows(framework, providerCode, period)) {
      const key = [e.indicatorCode, e.period, e.borough, 'total', ''].join('|');
      const ind = findIndicator(framework, e.indicatorCode);
      const present =
        ind?.type === 'standardised-rate'
          ? accepted.some(
              (r) => r.indicatorCode === e.indicatorCode && r.period === e.period && r.borough === e.borough,
            )
          : firstAt.has(key);
      if (!present) {
        warnings.push({
          row: 0,
          column: '',
          value: e.indicatorCode,
          message: `No ${e.period} total for ${e.indicatorCode} in ${areaName(e.borough)}`,
        });
      }
    }
  }
  return { ok: errors.length === 0, rows: accepted, errors, warnings };
}

/** One line per problem, 'Row 7, numerator: message', for a results page or a log. */
export function describeReturnProblem(p: ReturnProblem): string {
  const where = p.row > 0 ? `Row ${p.row}` : 'Return';
  return `${where}${p.column ? `, ${p.column}` : ''}: ${p.message}`;
}

// ---- Late and missing returns ----

export type ExpectedReturn = { readonly providerCode: string; readonly period: string };
/** One submission; a return can be resubmitted, so a period may have several. */
export type ReceivedReturn = { readonly providerCode: string; readonly period: string; readonly submittedAt: string };

export const RETURN_STATES = ['on-time', 'received-late', 'missing', 'not-yet-due'] as const;
export type ReturnState = (typeof RETURN_STATES)[number];

export type ReturnStatusItem = {
  readonly providerCode: string;
  readonly period: string;
  /** YYYY-MM-DD; a return is on time when submitted on or before this date (UTC). */
  readonly dueDate: string;
  readonly state: ReturnState;
  readonly submissions: number;
  readonly firstSubmittedAt: string | null;
  readonly lastSubmittedAt: string | null;
  /** Whole days past the due date: at first submission, or until now when missing. 0 otherwise. */
  readonly daysLate: number;
};

export type ReturnStatusReport = {
  readonly items: ReturnStatusItem[];
  /** Received, but after the due date. */
  readonly late: ReturnStatusItem[];
  /** Not received and past the due date. */
  readonly missing: ReturnStatusItem[];
  /** Submissions nobody expected (wrong period or provider): worth a look. */
  readonly unexpected: ReceivedReturn[];
};

const DAY = 86_400_000;
function daysAfter(dueDate: string, instant: number): number {
  const endOfDue = Date.parse(`${dueDate}T00:00:00Z`) + DAY;
  return instant < endOfDue ? 0 : Math.floor((instant - endOfDue) / DAY) + 1;
}

/**
 * Which expected returns are on time, late, missing or not yet due at `now`. Lateness is judged by the
 * first submission, so correcting a return on time later does not make it late. `dueDates` maps each
 * period to its due date (see dueDateFor).
 */
export function returnStatus(
  expected: readonly ExpectedReturn[],
  received: readonly ReceivedReturn[],
  dueDates: Readonly<Record<string, string>>,
  now: Date | string,
): ReturnStatusReport {
  const nowMs = typeof now === 'string' ? Date.parse(now) : now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError(`now is not a date: ${String(now)}`);
  const key = (r: ExpectedReturn) => `${r.providerCode}|${r.period}`;
  const byKey = new Map<string, number[]>();
  for (const r of received) {
    const t = Date.parse(r.submittedAt);
    if (!Number.isFinite(t)) throw new RangeError(`submittedAt is not a date: ${r.submittedAt}`);
    byKey.set(key(r), [...(byKey.get(key(r)) ?? []), t]);
  }
  const expectedKeys = new Set(expected.map(key));
  const items = expected.map((e): ReturnStatusItem => {
    const dueDate = dueDates[e.period];
    if (!dueDate || !/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) throw new RangeError(`no due date for period ${e.period}`);
    const times = [...(byKey.get(key(e)) ?? [])].sort((a, b) => a - b);
    const first = times[0];
    const last = times[times.length - 1];
    const base = {
      providerCode: e.providerCode,
      period: e.period,
      dueDate,
      submissions: times.length,
      firstSubmittedAt: first === undefined ? null : new Date(first).toISOString(),
      lastSubmittedAt: last === undefined ? null : new Date(last).toISOString(),
    };
    if (first !== undefined) {
      const daysLate = daysAfter(dueDate, first);
      return { ...base, state: daysLate > 0 ? 'received-late' : 'on-time', daysLate };
    }
    const daysLate = daysAfter(dueDate, nowMs);
    return { ...base, state: daysLate > 0 ? 'missing' : 'not-yet-due', daysLate };
  });
  return {
    items,
    late: items.filter((i) => i.state === 'received-late'),
    missing: items.filter((i) => i.state === 'missing'),
    unexpected: received.filter((r) => !expectedKeys.has(key(r))),
  };
}
