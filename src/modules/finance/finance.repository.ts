// The finance module's SQL: the only code that touches finance_* tables. Rows come back in camelCase.
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type { Assumption } from './finance.assumptions.ts';
import type { RunOutput } from './finance.run.ts';

export type RunStatus = 'never' | 'running' | 'done' | 'failed';
export type ScenarioStatus = 'draft' | 'agreed';

export interface ScenarioRow {
  id: string;
  systemId: string;
  name: string;
  description: string;
  firstYear: string;
  status: ScenarioStatus;
  basedOn: string | null;
  version: number;
  assumptions: Assumption[];
  results: RunOutput | null;
  resultsVersion: number | null;
  runStatus: RunStatus;
  runStage: string | null;
  runProgress: number;
  runError: string | null;
  runStartedAt: string | null;
  runFinishedAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  agreedBy: string | null;
  agreedAt: string | null;
}
export type ScenarioSummary = Omit<ScenarioRow, 'assumptions' | 'results'> & {
  totalInvestment: number | null;
};

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

// biome-ignore lint/suspicious/noExplicitAny: rows from a schema-less Kysely
function toRow(r: any, full: boolean): ScenarioRow {
  return {
    id: r.id,
    systemId: r.system_id,
    name: r.name,
    description: r.description,
    firstYear: r.first_year,
    status: r.status,
    basedOn: r.based_on,
    version: Number(r.version),
    assumptions: full ? json<Assumption[]>(r.assumptions) : [],
    results: full && r.results ? json<RunOutput>(r.results) : null,
    resultsVersion: r.results_version === null ? null : Number(r.results_version),
    runStatus: r.run_status,
    runStage: r.run_stage,
    runProgress: Number(r.run_progress),
    runError: r.run_error,
    runStartedAt: iso(r.run_started_at),
    runFinishedAt: iso(r.run_finished_at),
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    agreedBy: r.agreed_by,
    agreedAt: iso(r.agreed_at),
  };
}

const SUMMARY = [
  'id',
  'system_id',
  'name',
  'description',
  'first_year',
  'status',
  'based_on',
  'version',
  'results_version',
  'run_status',
  'run_stage',
  'run_progress',
  'run_error',
  'run_started_at',
  'run_finished_at',
  'created_by',
  'created_at',
  'updated_at',
  'agreed_by',
  'agreed_at',
] as const;

export async function listScenarios(db: AnyDb, systemId: string): Promise<ScenarioSummary[]> {
  const rows = await db
    .selectFrom('finance_scenarios')
    .select([...SUMMARY, sql<string | null>`(results->'results'->>'totalInvestment')`.as('total_investment')])
    .where('system_id', '=', systemId)
    .orderBy('status', 'asc')
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map((r) => ({
    ...toRow(r, false),
    totalInvestment: r.total_investment === null ? null : Number(r.total_investment),
  }));
}

export async function getScenario(db: AnyDb, systemId: string, id: string): Promise<ScenarioRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const r = await db
    .selectFrom('finance_scenarios')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toRow(r, true) : undefined;
}

export async function lockScenarioRow(db: AnyDb, systemId: string, id: string): Promise<ScenarioRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const r = await db
    .selectFrom('finance_scenarios')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return r ? toRow(r, true) : undefined;
}

export async function insertScenario(
  db: AnyDb,
  s: {
    systemId: string;
    name: string;
    description: string;
    firstYear: string;
    basedOn: string | null;
    assumptions: Assumption[];
    createdBy: string;
    at: string;
  },
): Promise<string> {
  const r = await db
    .insertInto('finance_scenarios')
    .values({
      system_id: s.systemId,
      name: s.name,
      description: s.description,
      first_year: s.firstYear,
      based_on: s.basedOn,
      assumptions: JSON.stringify(s.assumptions),
      created_by: s.createdBy,
      created_at: s.at,
      updated_at: s.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateAssumptions(
  db: AnyDb,
  id: string,
  assumptions: Assumption[],
  version: number,
  at: string,
): Promise<void> {
  await db
    .updateTable('finance_scenarios')
    .set({ assumptions: JSON.stringify(assumptions), version, updated_at: at })
    .where('id', '=', id)
    .execute();
}

export async function updateDetails(
  db: AnyDb,
  id: string,
  v: { name?: string; description?: string; firstYear?: string },
  at: string,
) {
  await db
    .updateTable('finance_scenarios')
    .set({
      ...(v.name !== undefined ? { name: v.name } : {}),
      ...(v.description !== undefined ? { description: v.description } : {}),
      ...(v.firstYear !== undefined ? { first_year: v.firstYear } : {}),
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
}

export async function insertChanges(
  db: AnyDb,
  scenarioId: string,
  version: number,
  changes: { key: string; before: Assumption | null; after: Assumption }[],
  who: string,
  at: string,
): Promise<void> {
  if (changes.length === 0) return;
  await db
    .insertInto('finance_assumption_changes')
    .values(
      changes.map((c) => ({
        scenario_id: scenarioId,
        version,
        key: c.key,
        before: c.before ? JSON.stringify(c.before) : null,
        after: JSON.stringify(c.after),
        changed_by: who,
        changed_at: at,
      })),
    )
    .execute();
}

export type ChangeRow = {
  version: number;
  key: string;
  before: Assumption | null;
  after: Assumption;
  changedBy: string;
  changedAt: string;
};
export async function listChanges(db: AnyDb, scenarioId: string, limit = 200): Promise<ChangeRow[]> {
  const rows = await db
    .selectFrom('finance_assumption_changes')
    .selectAll()
    .where('scenario_id', '=', scenarioId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    version: Number(r.version),
    key: r.key,
    before: r.before ? json<Assumption>(r.before) : null,
    after: json<Assumption>(r.after),
    changedBy: r.changed_by,
    changedAt: iso(r.changed_at)!,
  }));
}

export async function markRunning(db: AnyDb, id: string, at: string): Promise<void> {
  await db
    .updateTable('finance_scenarios')
    .set({ run_status: 'running', run_stage: 'queued', run_progress: 0, run_error: null, run_started_at: at })
    .where('id', '=', id)
    .execute();
}

export async function setProgress(db: AnyDb, id: string, stage: string, progress: number): Promise<void> {
  await db
    .updateTable('finance_scenarios')
    .set({ run_stage: stage, run_progress: progress })
    .where('id', '=', id)
    .where('run_status', '=', 'running')
    .execute();
}

export async function saveResults(
  db: AnyDb,
  id: string,
  results: RunOutput,
  version: number,
  at: string,
): Promise<void> {
  await db
    .updateTable('finance_scenarios')
    .set({
      results: JSON.stringify(results),
      results_version: version,
      run_status: 'done',
      run_stage: 'done',
      run_progress: 1,
      run_error: null,
      run_finished_at: at,
    })
    .where('id', '=', id)
    .execute();
}

/** A failed run keeps the last good results. */
export async function saveFailure(db: AnyDb, id: string, message: string, at: string): Promise<void> {
  await db
    .updateTable('finance_scenarios')
    .set({ run_status: 'failed', run_stage: null, run_error: message.slice(0, 1000), run_finished_at: at })
    .where('id', '=', id)
    .execute();
}

export async function setStatus(
  db: AnyDb,
  systemId: string,
  id: string,
  status: ScenarioStatus,
  who: string | null,
  at: string | null,
) {
  await db
    .updateTable('finance_scenarios')
    .set({ status, agreed_by: who, agreed_at: at })
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .execute();
}

export async function currentAgreed(db: AnyDb, systemId: string): Promise<string | null> {
  const r = await db
    .selectFrom('finance_scenarios')
    .select('id')
    .where('system_id', '=', systemId)
    .where('status', '=', 'agreed')
    .executeTakeFirst();
  return r?.id ?? null;
}

export async function countScenarios(db: AnyDb, systemId: string): Promise<number> {
  const r = await db
    .selectFrom('finance_scenarios')
    .select(sql<string>`count(*)`.as('n'))
    .where('system_id', '=', systemId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
