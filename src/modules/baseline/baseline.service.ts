// Commands and queries on the stored baseline. An import is checked whole against the system's places and
// published offer (validateBaselineRows), then saved all-or-nothing in one transaction: the period's old rows
// are deleted and the new ones inserted, with an import record and an audit row. A failed import changes
// nothing (its refusal is audited on its own). The analysis (gap matrix, variation, case for change) is
// computed from the stored rows by the pure functions in this module.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { audit } from '../../platform/audit/audit.ts';
import { type Actor, systemActor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import { DomainError, ForbiddenError } from '../../platform/errors.ts';
import { detectFormat, readTabular, TabularFileError, type TabularRow } from '../../platform/tabular.ts';
import { type Component, getPublishedOffer } from '../offer/index.ts';
import { listPlaces, type Place } from '../places/index.ts';
import type { BaselineRow } from './baseline.ts';
import { caseForChange, type Finding } from './baseline.findings.ts';
import { type GapCell, gapMatrix } from './baseline.gaps.ts';
import { type ImportError, validateBaselineRows } from './baseline.import.ts';
import { BASELINE_HEADER } from './baseline.template.ts';
import { COMMUNITY_TOTAL, type VariationRow, variation } from './baseline.variation.ts';
import * as repo from './baseline.repository.ts';

export type { ImportRecord } from './baseline.repository.ts';

/** The NCL demonstration baseline, wherever the process was started from. */
export const NCL_BASELINE_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../data/ncl/baseline/2021-22.csv',
);

/** Roles that may import a baseline and read the analysis. */
export const BASELINE_ROLES = ['commissioner', 'analyst'] as const;

/** An import refused: every problem with its row, column and what was expected. Nothing was saved. */
export class BaselineImportError extends DomainError {
  readonly problems: ImportError[];
  constructor(problems: ImportError[]) {
    super(
      400,
      'import_failed',
      `The file has ${problems.length} problem${problems.length === 1 ? '' : 's'}. Nothing was imported: fix ${problems.length === 1 ? 'it' : 'them'} and import the whole file again.`,
      problems.slice(0, 500).map((p) => ({
        field: p.column ? `row ${p.row}, ${p.column}` : `row ${p.row}`,
        message: `Row ${p.row}${p.column ? `, column ${p.column}` : ''}: ${p.message}. Expected ${p.expected}${
          p.actual ? `; found "${p.actual}"` : ''
        }`,
      })),
    );
    this.problems = problems;
  }
}

function assertImporter(actor: Actor): void {
  if (actor.role !== 'system' && !(BASELINE_ROLES as readonly string[]).includes(actor.role)) {
    throw new ForbiddenError('Only commissioners and analysts can import a baseline');
  }
}

/** What an import is checked against: the system's places and its published offer. */
export async function baselineContext(
  db: AnyDb,
  systemId: string,
): Promise<{ places: Place[]; components: Component[] }> {
  const [places, offer] = await Promise.all([listPlaces(db, systemId), getPublishedOffer(db, systemId)]);
  return { places, components: offer?.components ?? [] };
}

export type ImportSheet = {
  fileName: string;
  format: 'csv' | 'xlsx' | 'json';
  header: string[];
  rows: TabularRow[];
  /** When given, every row must be for this period. */
  period?: string;
};

/** Checks a whole sheet and, only if every row is right, replaces its period in one transaction. */
export async function importBaseline(db: AnyDb, actor: Actor, sheet: ImportSheet): Promise<repo.ImportRecord> {
  assertImporter(actor);
  const context = await baselineContext(db, actor.systemId);
  const result = validateBaselineRows(
    sheet.rows.map((r) => r.cells),
    { boroughs: context.places.map((p) => p.code), components: context.components },
    sheet.header,
  );
  // The pure check numbers rows 2, 3, … in order; the sheet knows their real numbers (blank lines skipped).
  const sheetRow = (line: number) => (line >= 2 ? (sheet.rows[line - 2]?.rowNumber ?? line) : line);
  const problems: ImportError[] = result.ok ? [] : result.errors.map((e) => ({ ...e, row: sheetRow(e.row) }));
  let rows: BaselineRow[] = result.ok ? result.rows.map((r) => ({ ...r, line: sheetRow(r.line ?? 0) })) : [];
  const period = sheet.period ?? rows[0]?.period;
  if (result.ok && period) {
    for (const r of rows) {
      if (r.period !== period) {
        problems.push({
          row: r.line ?? 0,
          column: 'period',
          message: `period ${r.period} differs from ${period}`,
          expected: `${period}: one import holds one period`,
          actual: r.period,
        });
      }
    }
  }
  if (problems.length > 0 || !period) {
    await audit(db, actor, {
      action: 'baseline.import',
      recordType: 'baseline',
      recordId: period ?? null,
      outcome: 'failed',
      detail: { fileName: sheet.fileName, problems: problems.length },
    });
    throw new BaselineImportError(problems);
  }
  rows = rows.map((r) => ({ ...r }));
  return inTransaction(db, async (tx) => {
    const replaced = await repo.deletePeriod(tx, actor.systemId, period);
    const record = await repo.insertImport(tx, {
      systemId: actor.systemId,
      period,
      fileName: sheet.fileName,
      format: sheet.format,
      rows: rows.length,
      replacedRows: replaced,
      actorId: actor.id,
      actorName: actor.name,
    });
    await repo.insertRows(tx, actor.systemId, record.id, rows);
    await audit(tx, actor, {
      action: 'baseline.import',
      recordType: 'baseline',
      recordId: period,
      detail: { importId: record.id, fileName: sheet.fileName, rows: rows.length, replaced },
    });
    return record;
  });
}

async function readSheet(bytes: Buffer, format: 'csv' | 'xlsx') {
  try {
    return await readTabular(bytes, format);
  } catch (error) {
    if (error instanceof TabularFileError) {
      throw new BaselineImportError([
        { row: 1, column: '', message: error.message, expected: 'a CSV or Excel (.xlsx) file made from the template' },
      ]);
    }
    throw error;
  }
}

/** Imports an uploaded CSV or XLSX file (the format is decided from the name, then the bytes). */
export async function importBaselineFile(
  db: AnyDb,
  actor: Actor,
  file: { fileName: string; bytes: Buffer; period?: string },
): Promise<repo.ImportRecord> {
  const format = detectFormat(file.fileName, file.bytes);
  const sheet = await readSheet(file.bytes, format);
  return importBaseline(db, actor, {
    fileName: file.fileName,
    format,
    header: sheet.headers,
    rows: sheet.rows,
    period: file.period,
  });
}

/** Imports rows sent as JSON: each an object keyed by the template's column names. */
export async function importBaselineRecords(
  db: AnyDb,
  actor: Actor,
  input: { period: string; rows: Record<string, string | number | null>[]; fileName?: string },
): Promise<repo.ImportRecord> {
  const header = [...new Set(['period', ...input.rows.flatMap((r) => Object.keys(r))])];
  const rows: TabularRow[] = input.rows.map((r, i) => ({
    rowNumber: i + 2,
    cells: Object.fromEntries(
      header.map((h) => [h, h === 'period' && (r[h] ?? '') === '' ? input.period : String(r[h] ?? '').trim()]),
    ),
  }));
  return importBaseline(db, actor, {
    fileName: input.fileName ?? 'api.json',
    format: 'json',
    header: rows.length ? header : [...BASELINE_HEADER],
    rows,
    period: input.period,
  });
}

export async function seedBaseline(db: AnyDb, systemId: string, file = NCL_BASELINE_FILE): Promise<{ rows: number }> {
  const bytes = await readFile(file);
  const record = await importBaselineFile(db, systemActor(systemId), { fileName: path.basename(file), bytes });
  return { rows: record.rows };
}

export function listImports(db: AnyDb, systemId: string): Promise<repo.ImportRecord[]> {
  return repo.listImports(db, systemId);
}

export function listPeriods(db: AnyDb, systemId: string): Promise<string[]> {
  return repo.listPeriods(db, systemId);
}

export function countBaselineRows(db: AnyDb, systemId: string, period?: string): Promise<number> {
  return repo.countRows(db, systemId, period);
}

// Analysis ---------------------------------------------------------------------------------------------

export type AnalysisFilters = {
  period?: string;
  borough?: string;
  component?: string;
  ageGroup?: string;
  category?: string;
};

export type AnalysisData = {
  period: string | null;
  periods: string[];
  places: Place[];
  components: Component[];
  rows: BaselineRow[];
};

/** Everything the analysis reads for one period (the newest when none is named). */
export async function analysisData(db: AnyDb, systemId: string, period?: string): Promise<AnalysisData> {
  const [periods, context] = await Promise.all([repo.listPeriods(db, systemId), baselineContext(db, systemId)]);
  const chosen = period ?? periods[0] ?? null;
  const rows = chosen ? await repo.listRows(db, systemId, chosen) : [];
  return { period: chosen, periods, ...context, rows };
}

function componentsFor(data: AnalysisData, f: AnalysisFilters): Component[] {
  return data.components.filter(
    (c) =>
      (!f.component || c.code === f.component) &&
      (!f.category || c.category === f.category) &&
      (!f.ageGroup || c.provisions.some((p) => p.ageGroup === f.ageGroup)),
  );
}

/** Gap matrix cells for the filters. */
export function gapsOf(data: AnalysisData, f: AnalysisFilters = {}): GapCell[] {
  if (!data.period) return [];
  const boroughs = data.places.map((p) => p.code).filter((b) => !f.borough || b === f.borough);
  return gapMatrix({ period: data.period, boroughs, components: componentsFor(data, f), rows: data.rows }).filter(
    (c) => !f.ageGroup || c.ageGroup === f.ageGroup,
  );
}

/** Variation rows for the filters (the NCL row of each component is kept with its boroughs). */
export function variationOf(data: AnalysisData, f: AnalysisFilters = {}): VariationRow[] {
  if (!data.period) return [];
  const rows = f.ageGroup ? data.rows.filter((r) => r.ageGroup === f.ageGroup) : data.rows;
  return variation({ period: data.period, places: data.places, components: data.components, rows }).filter(
    (r) =>
      (!f.component || r.component === f.component) &&
      (!f.borough || r.borough === f.borough || r.borough === 'system') &&
      (!f.category || data.components.find((c) => c.code === r.component)?.category === f.category),
  );
}

/** Case-for-change findings for the filters, ranked by size. */
export function findingsOf(data: AnalysisData, f: AnalysisFilters = {}): Finding[] {
  if (!data.period) return [];
  const comp = new Map(data.components.map((c) => [c.code, c]));
  return caseForChange({
    period: data.period,
    places: data.places,
    components: data.components,
    rows: data.rows,
  }).filter((x) => {
    if (f.borough && !x.boroughs.includes(f.borough)) return false;
    if (f.component && x.component !== f.component) return false;
    const c = comp.get(x.component);
    if (f.category && c?.category !== f.category) return false;
    if (f.ageGroup) {
      if (x.kind === 'wait-difference') return x.id.split(':')[2] === f.ageGroup;
      if (x.component !== COMMUNITY_TOTAL && !c?.provisions.some((p) => p.ageGroup === f.ageGroup)) return false;
    }
    return true;
  });
}
