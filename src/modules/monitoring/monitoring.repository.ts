// The monitoring module's SQL: the only code that touches mon_* tables. Rows come back in camelCase.
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';

export type Profile = Record<string, number[]>;

export interface PlanVersion {
  id: string;
  borough: string;
  financialYear: string;
  version: number;
  kind: 'agreement' | 'reprofile';
  scenarioId: string;
  scenarioVersion: number;
  partnership: string;
  agreedOn: string;
  reason: string;
  profile: Profile;
  illustrative: boolean;
  recordedBy: string;
  recordedAt: string;
}

export interface ReturnRecord {
  id: string;
  provider: string;
  financialYear: string;
  quarter: number;
  fileName: string;
  rowCount: number;
  superseded: boolean;
  illustrative: boolean;
  submittedBy: string;
  submittedAt: string;
}

export interface ActualRow {
  provider: string;
  quarter: number;
  borough: string;
  component: string;
  spendPence: number;
  staffInPost: number | null;
  activity: number | null;
  bedDaysSaved: number | null;
  illustrative: boolean;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const iso = (v: unknown) => new Date(v as string).toISOString();
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

// biome-ignore lint/suspicious/noExplicitAny: rows from the module's own tables
function toPlan(r: any): PlanVersion {
  return {
    id: r.id,
    borough: r.borough,
    financialYear: r.financial_year,
    version: Number(r.version),
    kind: r.kind,
    scenarioId: r.scenario_id,
    scenarioVersion: Number(r.scenario_version),
    partnership: r.partnership,
    agreedOn: day(r.agreed_on),
    reason: r.reason,
    profile: json<Profile>(r.profile),
    illustrative: r.illustrative,
    recordedBy: r.recorded_by,
    recordedAt: iso(r.recorded_at),
  };
}

/** Every version of every borough's plan for the year, newest version first. */
export async function planVersions(
  db: AnyDb,
  systemId: string,
  year: string,
  borough?: string,
): Promise<PlanVersion[]> {
  let q = db.selectFrom('mon_plans').selectAll().where('system_id', '=', systemId).where('financial_year', '=', year);
  if (borough) q = q.where('borough', '=', borough);
  return (await q.orderBy('borough').orderBy('version', 'desc').execute()).map(toPlan);
}

/** Serialises changes to one borough's plan for a year (a transaction-scoped advisory lock). */
export async function lockPlan(db: AnyDb, systemId: string, borough: string, year: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`mon_plans|${systemId}|${borough}|${year}`}))`.execute(db);
}

export async function insertPlan(db: AnyDb, systemId: string, p: Omit<PlanVersion, 'id'>): Promise<string> {
  const r = await db
    .insertInto('mon_plans')
    .values({
      system_id: systemId,
      borough: p.borough,
      financial_year: p.financialYear,
      version: p.version,
      kind: p.kind,
      scenario_id: p.scenarioId,
      scenario_version: p.scenarioVersion,
      partnership: p.partnership,
      agreed_on: p.agreedOn,
      reason: p.reason,
      profile: sql`${JSON.stringify(p.profile)}::jsonb`,
      illustrative: p.illustrative,
      recorded_by: p.recordedBy,
      recorded_at: p.recordedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function quarterStatuses(
  db: AnyDb,
  systemId: string,
  year: string,
): Promise<{ quarter: number; status: 'open' | 'closed'; changedBy: string; changedAt: string }[]> {
  const rows = await db
    .selectFrom('mon_quarters')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('financial_year', '=', year)
    .orderBy('quarter')
    .execute();
  return rows.map((r) => ({
    quarter: Number(r.quarter),
    status: r.status,
    changedBy: r.changed_by,
    changedAt: iso(r.changed_at),
  }));
}

export async function setQuarter(
  db: AnyDb,
  systemId: string,
  year: string,
  quarter: number,
  status: 'open' | 'closed',
  by: string,
  at: string,
): Promise<void> {
  await db
    .insertInto('mon_quarters')
    .values({ system_id: systemId, financial_year: year, quarter, status, changed_by: by, changed_at: at })
    .onConflict((oc) =>
      oc.columns(['system_id', 'financial_year', 'quarter']).doUpdateSet({ status, changed_by: by, changed_at: at }),
    )
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: rows from the module's own tables
function toReturn(r: any): ReturnRecord {
  return {
    id: r.id,
    provider: r.provider,
    financialYear: r.financial_year,
    quarter: Number(r.quarter),
    fileName: r.file_name,
    rowCount: Number(r.row_count),
    superseded: r.superseded,
    illustrative: r.illustrative,
    submittedBy: r.submitted_by,
    submittedAt: iso(r.submitted_at),
  };
}

export async function listReturns(db: AnyDb, systemId: string, year?: string): Promise<ReturnRecord[]> {
  let q = db.selectFrom('mon_returns').selectAll().where('system_id', '=', systemId);
  if (year) q = q.where('financial_year', '=', year);
  return (await q.orderBy('submitted_at', 'desc').limit(200).execute()).map(toReturn);
}

export async function insertReturn(
  db: AnyDb,
  systemId: string,
  r: Omit<ReturnRecord, 'id' | 'superseded' | 'rowCount'>,
  rows: {
    line: number;
    borough: string;
    component: string;
    spendPence: number;
    staffInPost: number | null;
    activity: number | null;
    bedDaysSaved: number | null;
  }[],
): Promise<ReturnRecord> {
  await db
    .updateTable('mon_returns')
    .set({ superseded: true })
    .where('system_id', '=', systemId)
    .where('provider', '=', r.provider)
    .where('financial_year', '=', r.financialYear)
    .where('quarter', '=', r.quarter)
    .where('superseded', '=', false)
    .execute();
  const row = await db
    .insertInto('mon_returns')
    .values({
      system_id: systemId,
      provider: r.provider,
      financial_year: r.financialYear,
      quarter: r.quarter,
      file_name: r.fileName,
      row_count: rows.length,
      illustrative: r.illustrative,
      submitted_by: r.submittedBy,
      submitted_at: r.submittedAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('mon_return_rows')
      .values(
        rows.slice(i, i + 500).map((x) => ({
          return_id: row.id,
          line: x.line,
          borough: x.borough,
          component: x.component,
          spend_pence: x.spendPence,
          staff_in_post: x.staffInPost,
          activity: x.activity,
          bed_days_saved: x.bedDaysSaved,
        })),
      )
      .execute();
  }
  return toReturn(row);
}

/** The current (not superseded) return rows for a year, optionally one borough. */
export async function actuals(db: AnyDb, systemId: string, year: string, borough?: string): Promise<ActualRow[]> {
  let q = db
    .selectFrom('mon_return_rows as r')
    .innerJoin('mon_returns as m', 'm.id', 'r.return_id')
    .select([
      'm.provider',
      'm.quarter',
      'm.illustrative',
      'r.borough',
      'r.component',
      'r.spend_pence',
      'r.staff_in_post',
      'r.activity',
      'r.bed_days_saved',
    ])
    .where('m.system_id', '=', systemId)
    .where('m.financial_year', '=', year)
    .where('m.superseded', '=', false);
  if (borough) q = q.where('r.borough', '=', borough);
  return (await q.execute()).map((r) => ({
    provider: r.provider,
    quarter: Number(r.quarter),
    borough: r.borough,
    component: r.component,
    spendPence: Number(r.spend_pence),
    staffInPost: numOrNull(r.staff_in_post),
    activity: numOrNull(r.activity),
    bedDaysSaved: numOrNull(r.bed_days_saved),
    illustrative: r.illustrative,
  }));
}

export interface PackSnapshot {
  id: string;
  scope: string;
  financialYear: string;
  tolerance: number;
  figures: unknown;
  illustrative: boolean;
  issuedBy: string;
  issuedAt: string;
}

export async function insertPackSnapshot(db: AnyDb, systemId: string, s: Omit<PackSnapshot, 'id'>): Promise<string> {
  const r = await db
    .insertInto('mon_pack_snapshots')
    .values({
      system_id: systemId,
      scope: s.scope,
      financial_year: s.financialYear,
      tolerance: s.tolerance,
      figures: sql`${JSON.stringify(s.figures)}::jsonb`,
      illustrative: s.illustrative,
      issued_by: s.issuedBy,
      issued_at: s.issuedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id as string;
}

/** The last pack issued for a scope and year, or null. */
export async function lastPackSnapshot(
  db: AnyDb,
  systemId: string,
  scope: string,
  year: string,
): Promise<PackSnapshot | null> {
  const r = await db
    .selectFrom('mon_pack_snapshots')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('scope', '=', scope)
    .where('financial_year', '=', year)
    .orderBy('issued_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    scope: r.scope,
    financialYear: r.financial_year,
    tolerance: Number(r.tolerance),
    figures: json(r.figures),
    illustrative: r.illustrative,
    issuedBy: r.issued_by,
    issuedAt: iso(r.issued_at),
  };
}
