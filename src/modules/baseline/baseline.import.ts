// Checking imported baseline rows (parsed CSV or XLSX cells, all text) before anything is saved.
// Every problem is reported with its sheet row (the header is row 1), column and what was
// expected, so an analyst can fix the file in one pass. Saving all-or-nothing is the caller's job.

import { parse } from 'csv-parse/sync';
import { toCsv } from '../../platform/csv.ts';
import {
  ACCESS_ROUTES,
  type AccessRoute,
  AGE_GROUP_CODES,
  type AgeGroupCode,
  POINTS_OF_DELIVERY,
  type PointOfDelivery,
} from '../offer/index.ts';
import {
  AFC_BANDS,
  type BaselineRow,
  type HoursSpan,
  isPeriod,
  OFFERED,
  type Offered,
  PROVIDER_CODE,
  STAFF_GROUPS,
} from './baseline.ts';
import { BASELINE_COLUMNS, BASELINE_HEADER } from './baseline.template.ts';

export interface ImportError {
  /** Sheet row, 1-based, header = 1; 1 for header problems. */
  row: number;
  /** Column name; "" when the problem is the whole row. */
  column: string;
  message: string;
  expected: string;
  /** What was found, as text. */
  actual?: string;
}

export type ImportResult = { ok: true; rows: BaselineRow[] } | { ok: false; errors: ImportError[] };

export interface ImportContext {
  /** Known borough GSS codes. */
  boroughs: readonly string[];
  /** Known component codes, or components with the age groups they serve (then the age group is checked too). */
  components: readonly (string | { code: string; provisions: readonly { ageGroup: string }[] })[];
  /** Known organisation codes (the directory's). When given, provider_code must be one of them; when not,
   * it need only look like an organisation code. */
  providers?: readonly string[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function parseSpan(text: string): HoursSpan | null {
  const t = text.trim().toLowerCase();
  if (t === 'closed') return { kind: 'closed' };
  if (t === '24h') return { kind: '24h' };
  const m = /^(\d\d:\d\d)\s*-\s*(\d\d:\d\d)$/.exec(t);
  if (!m || !TIME.test(m[1]) || !TIME.test(m[2]) || m[1] >= m[2]) return null;
  return { kind: 'open', open: m[1], close: m[2] };
}

/** Pounds with up to 2 decimals to integer pence, from the text so no float rounding creeps in. */
export function poundsToPence(text: string): number | null {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const pence = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(pence) ? pence : null;
}

/** The header problems of a sheet: missing required columns and unknown columns. */
export function checkHeader(header: readonly string[]): ImportError[] {
  const errors: ImportError[] = [];
  const names = header.map((h) => h.trim());
  for (const c of BASELINE_COLUMNS) {
    if (c.required && !names.includes(c.name)) {
      errors.push({ row: 1, column: c.name, message: `Missing column ${c.name}`, expected: c.description });
    }
  }
  for (const n of names) {
    if (!BASELINE_HEADER.includes(n)) {
      errors.push({
        row: 1,
        column: n,
        message: `Unknown column "${n}"`,
        expected: `one of the template columns: ${BASELINE_HEADER.join(', ')}`,
        actual: n,
      });
    }
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n))
      errors.push({ row: 1, column: n, message: `Column ${n} appears twice`, expected: 'each column once' });
    seen.add(n);
  }
  return errors;
}

export function validateBaselineRows(
  rows: readonly Record<string, string>[],
  context: ImportContext,
  header?: readonly string[],
): ImportResult {
  const cols = header ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const headerErrors = checkHeader(rows.length === 0 && !header ? BASELINE_HEADER : cols);
  if (headerErrors.length > 0) return { ok: false, errors: headerErrors };
  if (rows.length === 0) {
    return {
      ok: false,
      errors: [{ row: 2, column: '', message: 'The sheet has no rows', expected: 'at least one row' }],
    };
  }
  const boroughs = new Set(context.boroughs);
  const serves = new Map<string, Set<string> | null>();
  for (const c of context.components) {
    if (typeof c === 'string') serves.set(c, null);
    else serves.set(c.code, new Set(c.provisions.map((p) => p.ageGroup)));
  }
  const providers = context.providers && context.providers.length > 0 ? new Set(context.providers) : null;
  const errors: ImportError[] = [];
  const out: BaselineRow[] = [];
  const keys = new Map<string, number>();

  rows.forEach((raw, i) => {
    const line = i + 2;
    const before = errors.length;
    const cell = (c: string) => (raw[c] ?? '').trim();
    const fail = (column: string, message: string, expected: string) =>
      errors.push({ row: line, column, message, expected, actual: cell(column) });
    const required = (column: string, expected: string): string | undefined => {
      const v = cell(column);
      if (v === '') fail(column, `${column} is empty`, expected);
      return v === '' ? undefined : v;
    };
    const number = (column: string, opts: { integer?: boolean; max?: number } = {}): number | undefined => {
      const v = cell(column);
      if (v === '') return undefined;
      const ok = opts.integer ? /^\d+$/.test(v) : /^\d+(\.\d+)?$/.test(v);
      const n = Number(v);
      if (!ok || (opts.max !== undefined && n > opts.max)) {
        const what = opts.integer ? 'a whole number' : 'a number';
        fail(
          column,
          `${column} is not ${what}`,
          `${what}, 0 or more${opts.max !== undefined ? `, at most ${opts.max}` : ''}`,
        );
        return undefined;
      }
      return n;
    };
    const list = <T extends string>(column: string, allowed: readonly T[]): T[] | undefined => {
      const v = cell(column);
      if (v === '') return undefined;
      const items = v
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = items.filter((s) => !(allowed as readonly string[]).includes(s));
      if (bad.length > 0) {
        fail(
          column,
          `Unknown value${bad.length > 1 ? 's' : ''} ${bad.join(', ')}`,
          `values separated by ";" from: ${allowed.join(', ')}`,
        );
        return undefined;
      }
      return items as T[];
    };

    const period = required('period', 'a financial year such as 2021-22');
    if (period !== undefined && !isPeriod(period))
      fail('period', 'period is not a financial year', 'YYYY-YY, such as 2021-22');
    const borough = required('borough_code', 'a borough GSS code');
    if (borough !== undefined && !boroughs.has(borough)) {
      fail('borough_code', `Unknown borough ${borough}`, `one of ${[...boroughs].join(', ')}`);
    }
    const component = required('component_code', 'a core offer component code');
    if (component !== undefined && !serves.has(component)) {
      fail('component_code', `Unknown component ${component}`, 'a component code from the core offer');
    }
    const ageGroup = required('age_group', AGE_GROUP_CODES.join(', '));
    if (ageGroup !== undefined && !(AGE_GROUP_CODES as readonly string[]).includes(ageGroup)) {
      fail('age_group', `Unknown age group ${ageGroup}`, `one of ${AGE_GROUP_CODES.join(', ')}`);
    } else if (ageGroup !== undefined && component !== undefined && serves.get(component)?.has(ageGroup) === false) {
      fail(
        'age_group',
        `${component} does not serve ${ageGroup} in the offer`,
        `one of ${[...serves.get(component)!].join(', ')}`,
      );
    }
    const offered = required('offered', OFFERED.join(', '));
    if (offered !== undefined && !(OFFERED as readonly string[]).includes(offered)) {
      fail('offered', `offered is "${offered}"`, `one of ${OFFERED.join(', ')}`);
    }
    const provider = cell('provider_code') === '' ? undefined : cell('provider_code').toUpperCase();
    if (provider !== undefined && !PROVIDER_CODE.test(provider)) {
      fail('provider_code', 'provider_code is not an organisation code', 'an ODS code such as RKE, or blank');
    } else if (provider !== undefined && providers && !providers.has(provider)) {
      fail('provider_code', `Unknown provider ${provider}`, 'the code of an organisation in the directory, or blank');
    }
    const span = (column: string): HoursSpan | undefined => {
      const v = cell(column);
      if (v === '') return undefined;
      const s = parseSpan(v);
      if (!s) fail(column, `${column} is not a time range`, 'HH:MM-HH:MM (opening before closing), 24h or closed');
      return s ?? undefined;
    };
    const weekday = span('weekday_hours');
    const weekend = span('weekend_hours');
    if ((weekday === undefined) !== (weekend === undefined) && errors.length === before) {
      const missing = weekday === undefined ? 'weekday_hours' : 'weekend_hours';
      fail(missing, `${missing} is empty but the other hours column is filled`, 'both hours columns, or neither');
    }
    const accessRoutes = list<AccessRoute>('access_routes', ACCESS_ROUTES);
    const pointsOfDelivery = list<PointOfDelivery>('points_of_delivery', POINTS_OF_DELIVERY);
    const ageFrom = number('age_from', { integer: true, max: 120 });
    const ageTo = number('age_to', { integer: true, max: 120 });
    if (ageFrom !== undefined && ageTo !== undefined && ageTo < ageFrom) {
      fail('age_to', 'age_to is below age_from', `a whole number of at least ${ageFrom}, or blank`);
    }
    const median = number('median_wait_weeks');
    const p90 = number('p90_wait_weeks');
    if (median !== undefined && p90 !== undefined && p90 < median) {
      fail('p90_wait_weeks', 'The 90th percentile wait is shorter than the median', `at least ${median}`);
    }
    const staffWte: BaselineRow['staffWte'] = {};
    for (const g of STAFF_GROUPS) {
      const v = number(g.column);
      if (v !== undefined) staffWte[g.code] = v;
    }
    const bandWte: NonNullable<BaselineRow['bandWte']> = {};
    let bandTotal = 0;
    let bandsBad = false;
    for (const b of AFC_BANDS) {
      const had = cell(b.column) !== '';
      const v = number(b.column);
      if (had && v === undefined) bandsBad = true;
      if (v !== undefined) {
        bandWte[b.code] = v;
        bandTotal += v;
      }
    }
    const groupTotal = STAFF_GROUPS.reduce((s, g) => s + (g.code === 'medical' ? 0 : (staffWte[g.code] ?? 0)), 0);
    const hasGroups = Object.keys(staffWte).length > 0;
    // Bands count the same staff as the groups (doctors excepted): allow a little for rounding each cell.
    const tolerance = 0.05 * (AFC_BANDS.length + STAFF_GROUPS.length);
    if (!bandsBad && hasGroups && Object.keys(bandWte).length > 0 && bandTotal > groupTotal + tolerance) {
      errors.push({
        row: line,
        column: AFC_BANDS[AFC_BANDS.length - 1].column,
        message: `The band columns add up to ${round2(bandTotal)} WTE, more than the ${round2(groupTotal)} WTE of staff other than doctors`,
        expected: `band columns adding up to at most ${round2(groupTotal)}`,
        actual: String(round2(bandTotal)),
      });
    }
    let spendPence: number | undefined;
    if (cell('spend_gbp') !== '') {
      const p = poundsToPence(cell('spend_gbp'));
      if (p === null)
        fail(
          'spend_gbp',
          'spend_gbp is not an amount in pounds',
          'pounds with up to 2 decimals, no £ or commas, e.g. 1250000.00',
        );
      else spendPence = p;
    }
    const contacts = number('contacts', { integer: true });
    const peopleSeen = number('people_seen', { integer: true });

    if (period && borough && component && ageGroup) {
      const key = [period, borough, component, ageGroup].join('|');
      const first = keys.get(key);
      if (first !== undefined) {
        errors.push({
          row: line,
          column: '',
          message: `Duplicate of row ${first}: ${period}, ${borough}, ${component}, ${ageGroup}`,
          expected: 'one row per period, borough, component and age group',
        });
      } else keys.set(key, line);
    }
    if (errors.length > before) return;
    out.push({
      period: period!,
      borough: borough!,
      component: component!,
      ageGroup: ageGroup as AgeGroupCode,
      offered: offered as Offered,
      ...(provider !== undefined ? { provider } : {}),
      ...(weekday && weekend ? { hours: { weekday, weekend } } : {}),
      ...(accessRoutes ? { accessRoutes } : {}),
      ...(pointsOfDelivery ? { pointsOfDelivery } : {}),
      ...(ageFrom !== undefined ? { ages: { from: ageFrom, to: ageTo ?? null } } : {}),
      ...(median !== undefined ? { medianWaitWeeks: median } : {}),
      ...(p90 !== undefined ? { p90WaitWeeks: p90 } : {}),
      staffWte,
      ...(Object.keys(bandWte).length > 0 ? { bandWte } : {}),
      ...(spendPence !== undefined ? { spendPence } : {}),
      ...(contacts !== undefined ? { contacts } : {}),
      ...(peopleSeen !== undefined ? { peopleSeen } : {}),
      ...(cell('source') ? { source: cell('source') } : {}),
      ...(cell('notes') ? { notes: cell('notes') } : {}),
      line,
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rows: out };
}

/** Parse CSV text (header row first) and validate it. */
export function parseBaselineCsv(text: string, context: ImportContext): ImportResult {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return {
      ok: false,
      errors: [{ row: line, column: '', message: (e as Error).message, expected: 'well-formed CSV' }],
    };
  }
  if (records.length === 0) {
    return { ok: false, errors: [{ row: 1, column: '', message: 'The file is empty', expected: 'a header row' }] };
  }
  const [header, ...body] = records;
  const headerErrors = checkHeader(header);
  if (headerErrors.length > 0) return { ok: false, errors: headerErrors };
  const rows = body.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), r[i] ?? ''])));
  return validateBaselineRows(rows, context, header);
}

/** The template as CSV (RFC 4180, CRLF, like every other export): the header, then one example row. */
export function baselineTemplateCsv(): string {
  return toCsv([BASELINE_HEADER, BASELINE_COLUMNS.map((c) => c.example)]);
}
