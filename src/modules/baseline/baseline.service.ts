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
import { DomainError, ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { detectFormat, readTabular, TabularFileError, type TabularRow } from '../../platform/tabular.ts';
import { type Component, getPublishedOffer } from '../offer/index.ts';
import { getDirectory } from '../directory/index.ts';
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

/** Checks a whole sheet: every row right and one period, or a BaselineImportError (the refusal audited). */
async function checkSheet(
  db: AnyDb,
  actor: Actor,
  sheet: ImportSheet,
): Promise<{ period: string; rows: BaselineRow[]; context: { places: Place[]; components: Component[] } }> {
  assertImporter(actor);
  const context = await baselineContext(db, actor.systemId);
  // Providers are checked against the directory's organisations when the system has a directory.
  const directory = await getDirectory(db, actor.systemId);
  const result = validateBaselineRows(
    sheet.rows.map((r) => r.cells),
    {
      boroughs: context.places.map((p) => p.code),
      components: context.components,
      ...(directory ? { providers: directory.organisations.map((o) => o.code) } : {}),
    },
    sheet.header,
  );
  // The pure check numbers rows 2, 3, … in order; the sheet knows their real numbers (blank lines skipped).
  const sheetRow = (line: number) => (line >= 2 ? (sheet.rows[line - 2]?.rowNumber ?? line) : line);
  const problems: ImportError[] = result.ok ? [] : result.errors.map((e) => ({ ...e, row: sheetRow(e.row) }));
  const rows: BaselineRow[] = result.ok ? result.rows.map((r) => ({ ...r, line: sheetRow(r.line ?? 0) })) : [];
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
  return { period, rows, context };
}

/**
 * Replaces a period's rows in one transaction. The rows replaced are kept (baseline_replaced_rows) so the
 * import can be undone by restoring them.
 */
async function applyImport(
  db: AnyDb,
  actor: Actor,
  v: {
    period: string;
    fileName: string;
    format: ImportSheet['format'];
    rows: BaselineRow[];
    restoredFromImportId?: string;
    action?: string;
  },
): Promise<repo.ImportRecord> {
  return inTransaction(db, async (tx) => {
    const previousImport = await repo.currentImportOf(tx, actor.systemId, v.period);
    const previousRows = previousImport ? await repo.listRows(tx, actor.systemId, v.period) : [];
    const replaced = await repo.deletePeriod(tx, actor.systemId, v.period);
    const record = await repo.insertImport(tx, {
      systemId: actor.systemId,
      period: v.period,
      fileName: v.fileName,
      format: v.format,
      rows: v.rows.length,
      replacedRows: replaced,
      actorId: actor.id,
      actorName: actor.name,
      restoredFromImportId: v.restoredFromImportId,
    });
    await repo.insertRows(tx, actor.systemId, record.id, v.rows);
    if (previousRows.length > 0) {
      await repo.insertReplaced(tx, {
        systemId: actor.systemId,
        period: v.period,
        importId: previousImport,
        replacedByImportId: record.id,
        rows: previousRows,
      });
    }
    await audit(tx, actor, {
      action: v.action ?? 'baseline.import',
      recordType: 'baseline',
      recordId: v.period,
      detail: {
        importId: record.id,
        fileName: v.fileName,
        rows: v.rows.length,
        replaced,
        ...(previousImport ? { replacedImportId: previousImport } : {}),
        ...(v.restoredFromImportId ? { restoredFromImportId: v.restoredFromImportId } : {}),
      },
    });
    return record;
  });
}

/**
 * Checks a whole sheet and, only if every row is right, replaces its period in one transaction (the API and
 * the demo data; the pages preview a replacement first). The replaced rows stay restorable.
 */
export async function importBaseline(db: AnyDb, actor: Actor, sheet: ImportSheet): Promise<repo.ImportRecord> {
  const { period, rows } = await checkSheet(db, actor, sheet);
  return applyImport(db, actor, { period, fileName: sheet.fileName, format: sheet.format, rows });
}

// Preview, confirm, restore -----------------------------------------------------------------------------

type RowKey = { borough: string; component: string; ageGroup: string };
const keyOf = (r: RowKey) => `${r.borough}|${r.component}|${r.ageGroup}`;

/** A row's content without where it sat in its file, keys in a fixed order, for comparing. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== 'line' && v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export type GapCounts = { meets: number; partly: number; notOffered: number };

export type ImportPreview = {
  period: string;
  fileName: string;
  rowsInFile: number;
  rowsNow: number;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  /** The first few of each, to show what the numbers mean. */
  examples: {
    added: RowKey[];
    changed: (RowKey & { fields: string[] })[];
    removed: RowKey[];
  };
  gaps: { before: GapCounts; after: GapCounts };
  findings: { before: number; after: number; gained: string[]; lost: string[] };
};

function gapCounts(period: string, boroughs: string[], components: Component[], rows: BaselineRow[]): GapCounts {
  const cells = gapMatrix({ period, boroughs, components, rows });
  return {
    meets: cells.filter((c) => c.status === 'meets').length,
    partly: cells.filter((c) => c.status === 'partly').length,
    notOffered: cells.filter((c) => c.status === 'not-offered').length,
  };
}

/** What replacing a period's rows with `next` would change: rows added, changed, removed, and the findings. */
export function previewReplacement(
  input: { period: string; fileName: string; places: Place[]; components: Component[] },
  current: BaselineRow[],
  next: BaselineRow[],
  exampleCount = 10,
): ImportPreview {
  const before = new Map(current.map((r) => [keyOf(r), r]));
  const after = new Map(next.map((r) => [keyOf(r), r]));
  const pick = (r: BaselineRow): RowKey => ({ borough: r.borough, component: r.component, ageGroup: r.ageGroup });
  const added = next.filter((r) => !before.has(keyOf(r)));
  const removed = current.filter((r) => !after.has(keyOf(r)));
  const changed: (RowKey & { fields: string[] })[] = [];
  for (const r of next) {
    const old = before.get(keyOf(r));
    if (!old || canonical(old) === canonical(r)) continue;
    const a = old as unknown as Record<string, unknown>;
    const b = r as unknown as Record<string, unknown>;
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (k) => k !== 'line' && canonical(a[k]) !== canonical(b[k]),
    );
    changed.push({ ...pick(r), fields });
  }
  const boroughs = input.places.map((p) => p.code);
  const findings = (rows: BaselineRow[]) =>
    caseForChange({ period: input.period, places: input.places, components: input.components, rows });
  const was = findings(current);
  const will = findings(next);
  const wasIds = new Set(was.map((f) => f.id));
  const willIds = new Set(will.map((f) => f.id));
  return {
    period: input.period,
    fileName: input.fileName,
    rowsInFile: next.length,
    rowsNow: current.length,
    added: added.length,
    changed: changed.length,
    removed: removed.length,
    unchanged: next.length - added.length - changed.length,
    examples: {
      added: added.slice(0, exampleCount).map(pick),
      changed: changed.slice(0, exampleCount),
      removed: removed.slice(0, exampleCount).map(pick),
    },
    gaps: {
      before: gapCounts(input.period, boroughs, input.components, current),
      after: gapCounts(input.period, boroughs, input.components, next),
    },
    findings: {
      before: was.length,
      after: will.length,
      gained: will.filter((f) => !wasIds.has(f.id)).map((f) => f.sentence),
      lost: was.filter((f) => !willIds.has(f.id)).map((f) => f.sentence),
    },
  };
}

export type CheckedImport =
  | { kind: 'imported'; record: repo.ImportRecord }
  | { kind: 'preview'; pendingId: string; preview: ImportPreview };

/**
 * The pages' upload: a file for a period with no rows yet is imported at once; a file that would replace a
 * period's rows is kept aside and previewed, and changes nothing until confirmed.
 */
export async function checkBaselineFile(
  db: AnyDb,
  actor: Actor,
  file: { fileName: string; bytes: Buffer; period?: string },
): Promise<CheckedImport> {
  const format = detectFormat(file.fileName, file.bytes);
  const sheet = await readSheet(file.bytes, format);
  const checked = await checkSheet(db, actor, {
    fileName: file.fileName,
    format,
    header: sheet.headers,
    rows: sheet.rows,
    period: file.period,
  });
  const current = await repo.listRows(db, actor.systemId, checked.period);
  if (current.length === 0) {
    const record = await applyImport(db, actor, {
      period: checked.period,
      fileName: file.fileName,
      format,
      rows: checked.rows,
    });
    return { kind: 'imported', record };
  }
  return inTransaction(db, async (tx) => {
    const pending = await repo.insertPending(tx, {
      systemId: actor.systemId,
      period: checked.period,
      fileName: file.fileName,
      format,
      rowCount: checked.rows.length,
      rows: checked.rows,
      createdById: actor.id,
    });
    await audit(tx, actor, {
      action: 'baseline.import.preview',
      recordType: 'baseline',
      recordId: checked.period,
      detail: { pendingId: pending.id, fileName: file.fileName, rows: checked.rows.length, current: current.length },
    });
    const preview = previewReplacement(
      { period: checked.period, fileName: file.fileName, ...checked.context },
      current,
      checked.rows,
    );
    return { kind: 'preview', pendingId: pending.id, preview };
  });
}

async function pendingOf(db: AnyDb, actor: Actor, pendingId: string): Promise<repo.PendingImport> {
  assertImporter(actor);
  const pending = /^[0-9a-f-]{36}$/.test(pendingId) ? await repo.getPending(db, actor.systemId, pendingId) : null;
  if (!pending) {
    throw new NotFoundError(
      'That import is no longer waiting: it was confirmed or cancelled. Upload the file again to see its preview.',
    );
  }
  return pending;
}

/** The preview of a file waiting for confirmation. */
export async function pendingPreview(db: AnyDb, actor: Actor, pendingId: string): Promise<ImportPreview> {
  const pending = await pendingOf(db, actor, pendingId);
  const context = await baselineContext(db, actor.systemId);
  const current = await repo.listRows(db, actor.systemId, pending.period);
  return previewReplacement({ period: pending.period, fileName: pending.fileName, ...context }, current, pending.rows);
}

/** Confirms a previewed import: the period's rows are replaced, and the replaced ones kept to restore. */
export async function confirmBaselineImport(db: AnyDb, actor: Actor, pendingId: string): Promise<repo.ImportRecord> {
  return inTransaction(db, async (tx) => {
    const pending = await pendingOf(tx, actor, pendingId);
    await repo.deletePending(tx, actor.systemId, pending.id);
    return applyImport(tx, actor, {
      period: pending.period,
      fileName: pending.fileName,
      format: pending.format,
      rows: pending.rows,
    });
  });
}

/** Cancels a previewed import: nothing changes. */
export async function cancelBaselineImport(db: AnyDb, actor: Actor, pendingId: string): Promise<{ period: string }> {
  return inTransaction(db, async (tx) => {
    const pending = await pendingOf(tx, actor, pendingId);
    await repo.deletePending(tx, actor.systemId, pending.id);
    await audit(tx, actor, {
      action: 'baseline.import.cancel',
      recordType: 'baseline',
      recordId: pending.period,
      detail: { pendingId: pending.id, fileName: pending.fileName },
    });
    return { period: pending.period };
  });
}

/**
 * Undoes an import: puts back the rows it replaced, as a new import (so the restore can itself be undone).
 * Only the import a period currently shows can be undone, so a later import is never overwritten unseen.
 */
export async function restoreBaselineImport(db: AnyDb, actor: Actor, importId: string): Promise<repo.ImportRecord> {
  assertImporter(actor);
  return inTransaction(db, async (tx) => {
    const kept = /^[0-9a-f-]{36}$/.test(importId) ? await repo.getReplacedBy(tx, actor.systemId, importId) : null;
    if (!kept) throw new NotFoundError('That import replaced nothing that can be put back');
    if ((await repo.currentImportOf(tx, actor.systemId, kept.period)) !== importId) {
      throw new DomainError(
        409,
        'import_not_current',
        `A later import has replaced this one for ${kept.period}; undo that one first`,
      );
    }
    const original = kept.importId
      ? (await repo.listImports(tx, actor.systemId, 1000)).find((i) => i.id === kept.importId)
      : undefined;
    return applyImport(tx, actor, {
      period: kept.period,
      fileName: original?.fileName ?? 'restored rows',
      format: original?.format ?? 'json',
      rows: kept.rows,
      restoredFromImportId: kept.importId ?? undefined,
      action: 'baseline.import.restore',
    });
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

export type ImportListItem = repo.ImportRecord & {
  /** Its rows are the ones the period shows now. */
  current: boolean;
  /** It replaced rows that are kept, and is current: it can be undone. */
  restorable: boolean;
};

export async function listImports(db: AnyDb, systemId: string): Promise<ImportListItem[]> {
  const imports = await repo.listImports(db, systemId);
  const kept = await repo.importsWithReplacedRows(db, systemId);
  const periods = [...new Set(imports.map((i) => i.period))];
  const current = new Set(
    (await Promise.all(periods.map((p) => repo.currentImportOf(db, systemId, p)))).filter((x) => x !== null),
  );
  return imports.map((i) => ({ ...i, current: current.has(i.id), restorable: current.has(i.id) && kept.has(i.id) }));
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
