// Reading the framework and value files from a folder such as data/ncl/outcomes:
//   framework.json    the framework (validateFramework)
//   values-*.csv      counts: a submitted_by column (provider ODS code, or QMJ for national and system
//                     figures) followed by the provider return columns
// Loading is all-or-nothing: every problem is collected, then one OutcomesFileError names each file,
// field or row and column, and what was expected.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { IndicatorCount } from './compute.ts';
import type { Framework } from './framework.ts';
import { validateFramework } from './framework.validate.ts';
import { describeReturnProblem, RETURN_COLUMNS, validateReturnRows } from './returns.ts';

export type OutcomesFileProblem = { readonly file: string; readonly path: string; readonly message: string };

export class OutcomesFileError extends Error {
  readonly problems: OutcomesFileProblem[];
  constructor(problems: OutcomesFileProblem[]) {
    const shown = problems.slice(0, 50).map((p) => `- ${p.file}${p.path ? `, ${p.path}` : ''}: ${p.message}`);
    const more = problems.length > 50 ? [`- … and ${problems.length - 50} more`] : [];
    super(
      [`${problems.length} problem${problems.length === 1 ? '' : 's'} in the outcomes data:`, ...shown, ...more].join(
        '\n',
      ),
    );
    this.name = 'OutcomesFileError';
    this.problems = problems;
  }
}

export const FRAMEWORK_FILE = 'framework.json';
export const SUBMITTED_BY = 'submitted_by';

/** Reads and validates a framework file; throws OutcomesFileError naming the file and each field at fault. */
export async function loadFramework(file: string): Promise<Framework> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new OutcomesFileError([
      { file, path: '', message: `Could not read this file as JSON: ${(e as Error).message}` },
    ]);
  }
  const result = validateFramework(json, file);
  if (!result.ok) throw new OutcomesFileError(result.errors);
  return result.value;
}

/**
 * Counts from a values CSV. Each submitter's rows are checked as that submitter's return for the
 * financial year, so the same rules apply as to a provider's upload.
 */
export function parseValuesCsv(text: string, file: string, framework: Framework): IndicatorCount[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      bom: true,
    });
  } catch (e) {
    throw new OutcomesFileError([{ file, path: '', message: `Not valid CSV: ${(e as Error).message}` }]);
  }
  const problems: OutcomesFileProblem[] = [];
  const groups = new Map<string, { rows: Record<string, string>[]; lines: number[] }>();
  records.forEach((r, i) => {
    const line = i + 2;
    const by = (r[SUBMITTED_BY] ?? '').trim().toUpperCase();
    const year = /^\d{4}\/\d{2}/.exec((r.period ?? '').trim())?.[0];
    if (!by) problems.push({ file, path: `row ${line}, ${SUBMITTED_BY}`, message: 'Enter an ODS code, or QMJ' });
    if (!year)
      problems.push({ file, path: `row ${line}, period`, message: 'Expected a period such as 2024/25 or 2024/25 Q2' });
    if (!by || !year) return;
    const { [SUBMITTED_BY]: _, ...rest } = r;
    const key = `${by}|${year}`;
    const g = groups.get(key) ?? { rows: [], lines: [] };
    g.rows.push(rest);
    g.lines.push(line);
    groups.set(key, g);
  });
  const counts: IndicatorCount[] = [];
  for (const [key, g] of groups) {
    const [providerCode, period] = key.split('|');
    // firstRow 0 makes each problem's row the index in the group, which maps back to the file line.
    const result = validateReturnRows(g.rows, { framework, providerCode, period, firstRow: 0 });
    for (const e of result.errors) {
      const line = e.row >= 0 && e.row < g.lines.length ? g.lines[e.row] : undefined;
      const message = describeReturnProblem({ ...e, row: 0 }).replace(/^Return(, [a-z_]+)?: /, '');
      problems.push({ file, path: `${line ? `row ${line}` : 'header'}${e.column ? `, ${e.column}` : ''}`, message });
    }
    for (const r of result.rows) {
      counts.push({
        indicatorCode: r.indicatorCode,
        period: r.period,
        area: r.borough,
        breakdown: r.breakdown,
        breakdownValue: r.breakdownValue,
        numerator: r.numerator,
        denominator: r.denominator,
        provider: providerCode,
      });
    }
  }
  if (problems.length > 0) throw new OutcomesFileError(problems);
  return counts;
}

/** Every values-*.csv in the folder, in name order. */
export async function loadValues(dir: string, framework: Framework): Promise<IndicatorCount[]> {
  const files = (await readdir(dir)).filter((f) => /^values-.*\.csv$/.test(f)).sort();
  const problems: OutcomesFileProblem[] = [];
  const counts: IndicatorCount[] = [];
  for (const f of files) {
    const file = join(dir, f);
    try {
      counts.push(...parseValuesCsv(await readFile(file, 'utf8'), file, framework));
    } catch (e) {
      if (e instanceof OutcomesFileError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length > 0) throw new OutcomesFileError(problems);
  return counts;
}

export const VALUES_COLUMNS = [SUBMITTED_BY, ...RETURN_COLUMNS] as const;
