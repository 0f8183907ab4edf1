// Checking a quarterly finance return (parsed CSV or XLSX cells, all text) before anything is saved: every
// problem with its sheet row (the header is row 1), column and what was expected, so a provider can fix the
// file in one pass. The same shape as the baseline import (baseline.import.ts). Saving is the service's job.
import { isFinancialYear } from './monitoring.ts';

export interface ReturnColumn {
  name: string;
  required: boolean;
  description: string;
  example: string;
}

export const RETURN_COLUMNS: readonly ReturnColumn[] = [
  { name: 'provider', required: true, description: "the provider's ODS code", example: 'RKE' },
  { name: 'financial_year', required: true, description: 'the financial year, such as 2023-24', example: '2023-24' },
  {
    name: 'quarter',
    required: true,
    description: 'the quarter, 1 (April to June) to 4 (January to March)',
    example: '1',
  },
  { name: 'borough', required: true, description: "the borough's GSS code", example: 'E09000007' },
  {
    name: 'component',
    required: true,
    description: "the core offer component's code",
    example: 'urgent-community-response',
  },
  { name: 'spend', required: true, description: 'spend in the quarter in pounds, 0 or more', example: '125000.00' },
  {
    name: 'staff_in_post',
    required: false,
    description: 'staff in post at the end of the quarter (WTE)',
    example: '12.5',
  },
  {
    name: 'activity',
    required: false,
    description: 'contacts or episodes in the quarter (whole number)',
    example: '840',
  },
  {
    name: 'bed_days_saved',
    required: false,
    description: 'occupied bed days the service saved in the quarter, where no module reports them (whole number)',
    example: '310',
  },
];
export const RETURN_HEADER = RETURN_COLUMNS.map((c) => c.name);

export interface ReturnProblem {
  row: number;
  column: string;
  message: string;
  expected: string;
  actual?: string;
}

export interface ReturnRow {
  line: number;
  provider: string;
  borough: string;
  component: string;
  spendPence: number;
  staffInPost: number | null;
  activity: number | null;
  bedDaysSaved: number | null;
}

export interface CheckedReturn {
  provider: string;
  financialYear: string;
  quarter: number;
  rows: ReturnRow[];
}

export interface ReturnContext {
  boroughs: readonly string[];
  components: readonly string[];
}

const ODS = /^[A-Z0-9]{3,6}$/;

/** Pounds with up to 2 decimals to integer pence, from the text (no float rounding); negative kept apart. */
export function parsePounds(text: string): { pence: number } | { negative: true } | null {
  const t = text.trim().replace(/^£/, '').replace(/,/g, '');
  if (/^-\s*£?\d/.test(t)) return { negative: true };
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const pence = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(pence) ? { pence } : null;
}

export function checkReturnHeader(header: readonly string[]): ReturnProblem[] {
  const problems: ReturnProblem[] = [];
  const names = header.map((h) => h.trim()).filter(Boolean);
  for (const c of RETURN_COLUMNS) {
    if (c.required && !names.includes(c.name))
      problems.push({ row: 1, column: c.name, message: `Missing column ${c.name}`, expected: c.description });
  }
  for (const n of names) {
    if (!RETURN_HEADER.includes(n))
      problems.push({
        row: 1,
        column: n,
        message: `Unknown column "${n}"`,
        expected: `one of the template columns: ${RETURN_HEADER.join(', ')}`,
        actual: n,
      });
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n))
      problems.push({ row: 1, column: n, message: `Column ${n} appears twice`, expected: 'each column once' });
    seen.add(n);
  }
  return problems;
}

/**
 * Checks every row of a return. One return is one provider and one quarter: every row must name the same.
 * Rows carry their sheet row numbers (`rowNumber`), so skipped blank lines do not shift the numbers.
 */
export function checkReturnRows(
  header: readonly string[],
  rows: readonly { rowNumber: number; cells: Record<string, string> }[],
  context: ReturnContext,
): { ok: true; value: CheckedReturn } | { ok: false; problems: ReturnProblem[] } {
  const headerProblems = checkReturnHeader(header);
  if (headerProblems.length) return { ok: false, problems: headerProblems };
  if (rows.length === 0)
    return {
      ok: false,
      problems: [{ row: 2, column: '', message: 'The sheet has no rows', expected: 'at least one row' }],
    };
  const boroughs = new Set(context.boroughs);
  const components = new Set(context.components);
  const problems: ReturnProblem[] = [];
  const out: ReturnRow[] = [];
  const keys = new Map<string, number>();
  let first: { provider: string; year: string; quarter: string; row: number } | null = null;

  for (const { rowNumber: line, cells } of rows) {
    const cell = (c: string) => (cells[c] ?? '').trim();
    const fail = (column: string, message: string, expected: string) =>
      problems.push({ row: line, column, message, expected, actual: cell(column) });
    const before = problems.length;
    const provider = cell('provider').toUpperCase();
    if (!provider) fail('provider', 'provider is empty', "the provider's ODS code");
    else if (!ODS.test(provider))
      fail('provider', 'provider is not an ODS code', 'an ODS code of 3 to 6 letters and digits, such as RKE');
    const year = cell('financial_year');
    if (!isFinancialYear(year))
      fail('financial_year', 'financial_year is not a financial year', 'a financial year such as 2023-24');
    const quarter = cell('quarter').replace(/^q/i, '');
    if (!/^[1-4]$/.test(quarter)) fail('quarter', 'quarter is not 1 to 4', '1, 2, 3 or 4');
    const borough = cell('borough');
    if (!borough) fail('borough', 'borough is empty', "the borough's GSS code");
    else if (!boroughs.has(borough))
      fail('borough', `Unknown borough ${borough}`, `one of ${[...boroughs].join(', ')}`);
    const component = cell('component');
    if (!component) fail('component', 'component is empty', "a core offer component's code");
    else if (!components.has(component))
      fail('component', `Unknown component ${component}`, 'a component code of the published offer');
    let spendPence = 0;
    const spend = parsePounds(cell('spend'));
    if (cell('spend') === '') fail('spend', 'spend is empty', 'spend in pounds, 0 or more');
    else if (spend && 'negative' in spend)
      fail('spend', 'spend is negative', 'spend in pounds, 0 or more (report refunds to the commissioner)');
    else if (!spend)
      fail('spend', 'spend is not an amount in pounds', 'pounds with up to 2 decimal places, such as 125000.00');
    else spendPence = spend.pence;
    const num = (column: string, integer: boolean, max: number): number | null => {
      const v = cell(column);
      if (v === '') return null;
      const ok = integer ? /^\d+$/.test(v) : /^\d+(\.\d+)?$/.test(v);
      if (!ok || Number(v) > max) {
        fail(
          column,
          `${column} is not ${integer ? 'a whole number' : 'a number'}, 0 or more`,
          `${integer ? 'a whole number' : 'a number'} from 0 to ${max}`,
        );
        return null;
      }
      return Number(v);
    };
    const staffInPost = num('staff_in_post', false, 10000);
    const activity = num('activity', true, 10_000_000);
    const bedDaysSaved = num('bed_days_saved', true, 10_000_000);
    if (problems.length > before) continue;
    if (!first) first = { provider, year, quarter, row: line };
    else {
      if (provider !== first.provider)
        fail(
          'provider',
          `provider ${provider} differs from ${first.provider} in row ${first.row}`,
          'one provider per return',
        );
      if (year !== first.year || quarter !== first.quarter)
        fail(
          'quarter',
          `Q${quarter} ${year} differs from Q${first.quarter} ${first.year} in row ${first.row}`,
          'one quarter per return',
        );
    }
    const key = `${borough}|${component}`;
    const dup = keys.get(key);
    if (dup !== undefined)
      fail('component', `${component} in ${borough} is also in row ${dup}`, 'one row per borough and component');
    keys.set(key, line);
    if (problems.length > before) continue;
    out.push({ line, provider, borough, component, spendPence, staffInPost, activity, bedDaysSaved });
  }
  if (problems.length || !first) return { ok: false, problems };
  return {
    ok: true,
    value: { provider: first.provider, financialYear: first.year, quarter: Number(first.quarter), rows: out },
  };
}
