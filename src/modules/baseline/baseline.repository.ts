// The baseline module's SQL, and only its SQL: baseline_imports and baseline_rows. Rows map to BaselineRow;
// baseline.service.ts decides what may happen.
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import { type BaselineRow, formatSpan, type HoursSpan, STAFF_GROUPS } from './baseline.ts';

function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function parseSpan(text: string): HoursSpan {
  if (text === '24h') return { kind: '24h' };
  if (text === 'closed') return { kind: 'closed' };
  const [open, close] = text.split('-');
  return { kind: 'open', open, close };
}

export type ImportRecord = {
  id: string;
  period: string;
  fileName: string;
  format: 'csv' | 'xlsx' | 'json';
  rows: number;
  replacedRows: number;
  importedById: string;
  importedBy: string;
  importedAt: string;
  /** Set when this import put back the rows an earlier import had replaced. */
  restoredFromImportId: string | null;
};

// biome-ignore lint/suspicious/noExplicitAny: rows from the untyped module view
function toImport(r: any): ImportRecord {
  return {
    id: r.id,
    period: r.period,
    fileName: r.file_name,
    format: r.format,
    rows: Number(r.row_count),
    replacedRows: Number(r.replaced_rows),
    importedById: r.imported_by_id,
    importedBy: r.imported_by_name,
    importedAt: new Date(r.imported_at).toISOString(),
    restoredFromImportId: r.restored_from_import_id ?? null,
  };
}

export async function insertImport(
  db: AnyDb,
  v: {
    systemId: string;
    period: string;
    fileName: string;
    format: ImportRecord['format'];
    rows: number;
    replacedRows: number;
    actorId: string;
    actorName: string;
    restoredFromImportId?: string;
  },
): Promise<ImportRecord> {
  const r = await db
    .insertInto('baseline_imports')
    .values({
      system_id: v.systemId,
      period: v.period,
      file_name: v.fileName,
      format: v.format,
      row_count: v.rows,
      replaced_rows: v.replacedRows,
      imported_by_id: v.actorId,
      imported_by_name: v.actorName,
      restored_from_import_id: v.restoredFromImportId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toImport(r);
}

export async function listImports(db: AnyDb, systemId: string, limit = 50): Promise<ImportRecord[]> {
  const rows = await db
    .selectFrom('baseline_imports')
    .selectAll()
    .where('system_id', '=', systemId)
    .orderBy('imported_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toImport);
}

/** Deletes a period's rows; returns how many there were. */
export async function deletePeriod(db: AnyDb, systemId: string, period: string): Promise<number> {
  const r = await db
    .deleteFrom('baseline_rows')
    .where('system_id', '=', systemId)
    .where('period', '=', period)
    .executeTakeFirst();
  return Number(r.numDeletedRows ?? 0);
}

const BATCH = 500;

export async function insertRows(
  db: AnyDb,
  systemId: string,
  importId: string,
  rows: readonly BaselineRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await db
      .insertInto('baseline_rows')
      .values(
        rows.slice(i, i + BATCH).map((r) => ({
          system_id: systemId,
          period: r.period,
          borough: r.borough,
          component: r.component,
          age_group: r.ageGroup,
          offered: r.offered,
          provider: r.provider ?? null,
          wte_by_band: r.bandWte ? JSON.stringify(r.bandWte) : null,
          weekday_hours: r.hours ? formatSpan(r.hours.weekday) : null,
          weekend_hours: r.hours ? formatSpan(r.hours.weekend) : null,
          access_routes: r.accessRoutes ? JSON.stringify(r.accessRoutes) : null,
          points_of_delivery: r.pointsOfDelivery ? JSON.stringify(r.pointsOfDelivery) : null,
          age_from: r.ages?.from ?? null,
          age_to: r.ages?.to ?? null,
          median_wait_weeks: r.medianWaitWeeks ?? null,
          p90_wait_weeks: r.p90WaitWeeks ?? null,
          ...Object.fromEntries(STAFF_GROUPS.map((g) => [g.column, r.staffWte[g.code] ?? null])),
          spend_pence: r.spendPence ?? null,
          contacts: r.contacts ?? null,
          people_seen: r.peopleSeen ?? null,
          source: r.source ?? null,
          notes: r.notes ?? null,
          line: r.line ?? null,
          import_id: importId,
        })),
      )
      .execute();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: rows from the untyped module view
function toRow(r: any): BaselineRow {
  const staffWte: BaselineRow['staffWte'] = {};
  for (const g of STAFF_GROUPS)
    if (r[g.column] !== null && r[g.column] !== undefined) staffWte[g.code] = Number(r[g.column]);
  const n = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));
  return {
    period: r.period,
    borough: r.borough,
    component: r.component,
    ageGroup: r.age_group,
    offered: r.offered,
    ...(r.provider ? { provider: r.provider } : {}),
    ...(r.weekday_hours && r.weekend_hours
      ? { hours: { weekday: parseSpan(r.weekday_hours), weekend: parseSpan(r.weekend_hours) } }
      : {}),
    ...(r.access_routes ? { accessRoutes: parseJson(r.access_routes) } : {}),
    ...(r.points_of_delivery ? { pointsOfDelivery: parseJson(r.points_of_delivery) } : {}),
    ...(r.age_from !== null
      ? { ages: { from: Number(r.age_from), to: r.age_to === null ? null : Number(r.age_to) } }
      : {}),
    ...(r.median_wait_weeks !== null ? { medianWaitWeeks: n(r.median_wait_weeks) } : {}),
    ...(r.p90_wait_weeks !== null ? { p90WaitWeeks: n(r.p90_wait_weeks) } : {}),
    staffWte,
    ...(r.wte_by_band ? { bandWte: parseJson(r.wte_by_band) } : {}),
    ...(r.spend_pence !== null ? { spendPence: n(r.spend_pence) } : {}),
    ...(r.contacts !== null ? { contacts: n(r.contacts) } : {}),
    ...(r.people_seen !== null ? { peopleSeen: n(r.people_seen) } : {}),
    ...(r.source ? { source: r.source } : {}),
    ...(r.notes ? { notes: r.notes } : {}),
    ...(r.line !== null ? { line: Number(r.line) } : {}),
  };
}

export async function listRows(db: AnyDb, systemId: string, period: string): Promise<BaselineRow[]> {
  const rows = await db
    .selectFrom('baseline_rows')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('period', '=', period)
    .orderBy('borough')
    .orderBy('component')
    .orderBy('age_group')
    .execute();
  return rows.map(toRow);
}

/** Periods that have rows, newest first. */
export async function listPeriods(db: AnyDb, systemId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('baseline_rows')
    .select('period')
    .distinct()
    .where('system_id', '=', systemId)
    .orderBy('period', 'desc')
    .execute();
  return rows.map((r) => r.period as string);
}

export async function countRows(db: AnyDb, systemId: string, period?: string): Promise<number> {
  let q = db.selectFrom('baseline_rows').select(sql<number>`count(*)::int`.as('n')).where('system_id', '=', systemId);
  if (period) q = q.where('period', '=', period);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

// Pending imports and replaced rows -----------------------------------------------------------------------

export type PendingImport = {
  id: string;
  period: string;
  fileName: string;
  format: ImportRecord['format'];
  rowCount: number;
  rows: BaselineRow[];
  createdById: string;
};

export async function insertPending(
  db: AnyDb,
  v: Omit<PendingImport, 'id'> & { systemId: string },
): Promise<PendingImport> {
  const r = await db
    .insertInto('baseline_pending_imports')
    .values({
      system_id: v.systemId,
      period: v.period,
      file_name: v.fileName,
      format: v.format,
      row_count: v.rowCount,
      rows: JSON.stringify(v.rows),
      created_by_id: v.createdById,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...v, id: r.id as string };
}

export async function getPending(db: AnyDb, systemId: string, id: string): Promise<PendingImport | null> {
  const r = await db
    .selectFrom('baseline_pending_imports')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id as string,
    period: r.period as string,
    fileName: r.file_name as string,
    format: r.format as ImportRecord['format'],
    rowCount: Number(r.row_count),
    rows: parseJson<BaselineRow[]>(r.rows),
    createdById: r.created_by_id as string,
  };
}

export async function deletePending(db: AnyDb, systemId: string, id: string): Promise<void> {
  await db.deleteFrom('baseline_pending_imports').where('system_id', '=', systemId).where('id', '=', id).execute();
}

/** The import a period's current rows came from (null when the period has none). */
export async function currentImportOf(db: AnyDb, systemId: string, period: string): Promise<string | null> {
  const r = await db
    .selectFrom('baseline_rows')
    .select('import_id')
    .where('system_id', '=', systemId)
    .where('period', '=', period)
    .limit(1)
    .executeTakeFirst();
  return (r?.import_id as string | undefined) ?? null;
}

export async function insertReplaced(
  db: AnyDb,
  v: { systemId: string; period: string; importId: string | null; replacedByImportId: string; rows: BaselineRow[] },
): Promise<void> {
  await db
    .insertInto('baseline_replaced_rows')
    .values({
      system_id: v.systemId,
      period: v.period,
      import_id: v.importId,
      replaced_by_import_id: v.replacedByImportId,
      row_count: v.rows.length,
      rows: JSON.stringify(v.rows),
    })
    .execute();
}

export async function getReplacedBy(
  db: AnyDb,
  systemId: string,
  importId: string,
): Promise<{ period: string; importId: string | null; rows: BaselineRow[] } | null> {
  const r = await db
    .selectFrom('baseline_replaced_rows')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('replaced_by_import_id', '=', importId)
    .executeTakeFirst();
  if (!r) return null;
  return { period: r.period as string, importId: (r.import_id as string) ?? null, rows: parseJson(r.rows) };
}

/** Imports whose replaced rows are kept (so they can be undone). */
export async function importsWithReplacedRows(db: AnyDb, systemId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('baseline_replaced_rows')
    .select('replaced_by_import_id')
    .where('system_id', '=', systemId)
    .execute();
  return new Set(rows.map((r) => r.replaced_by_import_id as string));
}
