// The outcomes module's SQL, and only its SQL: outcomes_frameworks, outcomes_indicators, outcomes_returns
// and outcomes_counts. No rules here beyond mapping rows to the module's types; outcomes.service.ts decides
// what may happen.
import type { AnyDb } from '../../platform/db/database.ts';
import type { IndicatorCount } from './compute.ts';
import { type Framework, listIndicators } from './framework.ts';
import type { Breakdown } from './returns.ts';

function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export async function findFramework(db: AnyDb, systemId: string): Promise<Framework | null> {
  const row = await db
    .selectFrom('outcomes_frameworks')
    .select('definition')
    .where('system_id', '=', systemId)
    .executeTakeFirst();
  return row ? parseJson<Framework>(row.definition) : null;
}

export async function insertFramework(db: AnyDb, systemId: string, framework: Framework): Promise<void> {
  await db
    .insertInto('outcomes_frameworks')
    .values({
      system_id: systemId,
      framework_id: framework.id,
      version: framework.version,
      definition: JSON.stringify(framework),
    })
    .execute();
  const rows = listIndicators(framework).map(({ domain, outcome, indicator }, position) => ({
    system_id: systemId,
    code: indicator.code,
    position,
    domain: domain.code,
    outcome: outcome.code,
    title: indicator.title,
    definition: JSON.stringify(indicator),
  }));
  if (rows.length) await db.insertInto('outcomes_indicators').values(rows).execute();
}

export type StoredCount = IndicatorCount & {
  readonly provider: string;
  readonly returnId: string | null;
  readonly rowNumber: number | null;
  readonly notes: string;
};

export async function insertCounts(db: AnyDb, systemId: string, counts: readonly StoredCount[]): Promise<void> {
  const rows = counts.map((c) => ({
    system_id: systemId,
    indicator: c.indicatorCode,
    period: c.period,
    borough: c.area,
    breakdown: c.breakdown,
    breakdown_value: c.breakdownValue,
    numerator: c.numerator,
    denominator: c.denominator,
    standard_deviation: c.standardDeviation ?? null,
    provider: c.provider,
    return_id: c.returnId,
    row_number: c.rowNumber,
    notes: c.notes,
  }));
  // Batches keep each statement well under PostgreSQL's limit of 65,535 parameters.
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('outcomes_counts')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: rows from the untyped module view
function toCount(r: any): StoredCount {
  return {
    indicatorCode: r.indicator,
    period: r.period,
    area: r.borough,
    breakdown: r.breakdown as Breakdown,
    breakdownValue: r.breakdown_value,
    numerator: Number(r.numerator),
    denominator: Number(r.denominator),
    ...(r.standard_deviation === null ? {} : { standardDeviation: Number(r.standard_deviation) }),
    provider: r.provider,
    returnId: r.return_id ?? null,
    rowNumber: r.row_number ?? null,
    notes: r.notes,
  };
}

/** The counts in force: loaded by the ICB, or from a provider's current (not superseded) return. */
export async function currentCounts(db: AnyDb, systemId: string, indicator?: string): Promise<StoredCount[]> {
  let q = db
    .selectFrom('outcomes_counts as c')
    .leftJoin('outcomes_returns as r', 'r.id', 'c.return_id')
    .selectAll('c')
    .where('c.system_id', '=', systemId)
    .where('c.replaced_at', 'is', null)
    .where((eb) => eb.or([eb('c.return_id', 'is', null), eb('r.status', '=', 'accepted')]));
  if (indicator) q = q.where('c.indicator', '=', indicator);
  const rows = await q.orderBy('c.id').execute();
  return rows.map(toCount);
}

/** Marks the ICB-loaded counts (no return) of these indicators replaced; they stay as history. */
/**
 * Marks as replaced the counts the ICB loaded without a return for exactly the indicator-periods given, so a
 * computed value supersedes a loaded one for the periods the system has data for and leaves the others.
 */
export async function markSystemCountsReplaced(
  db: AnyDb,
  systemId: string,
  provider: string,
  periodsByIndicator: ReadonlyMap<string, readonly string[]>,
  at: Date,
): Promise<number> {
  let replaced = 0;
  for (const [indicator, periods] of periodsByIndicator) {
    if (periods.length === 0) continue;
    const result = await db
      .updateTable('outcomes_counts')
      .set({ replaced_at: at })
      .where('system_id', '=', systemId)
      .where('provider', '=', provider)
      .where('return_id', 'is', null)
      .where('replaced_at', 'is', null)
      .where('indicator', '=', indicator)
      .where('period', 'in', [...periods])
      .executeTakeFirst();
    replaced += Number(result.numUpdatedRows);
  }
  return replaced;
}

export async function countsOfReturn(db: AnyDb, returnId: string): Promise<StoredCount[]> {
  const rows = await db
    .selectFrom('outcomes_counts')
    .selectAll()
    .where('return_id', '=', returnId)
    .orderBy('row_number')
    .orderBy('id')
    .execute();
  return rows.map(toCount);
}

export type ReturnStatusValue = 'accepted' | 'superseded';
export type ReturnChannel = 'upload' | 'api' | 'seed';

export type ReturnRecord = {
  readonly id: string;
  readonly systemId: string;
  readonly providerCode: string;
  readonly period: string;
  readonly submittedBy: string;
  readonly submittedAt: string;
  readonly channel: ReturnChannel;
  readonly fileName: string | null;
  readonly rowCount: number;
  readonly warningCount: number;
  readonly status: ReturnStatusValue;
  readonly supersedes: string | null;
};

// biome-ignore lint/suspicious/noExplicitAny: rows from the untyped module view
function toReturn(r: any): ReturnRecord {
  return {
    id: r.id,
    systemId: r.system_id,
    providerCode: r.provider_code,
    period: r.period,
    submittedBy: r.submitted_by,
    submittedAt: new Date(r.submitted_at).toISOString(),
    channel: r.channel,
    fileName: r.file_name ?? null,
    rowCount: Number(r.row_count),
    warningCount: Number(r.warning_count),
    status: r.status,
    supersedes: r.supersedes ?? null,
  };
}

export async function insertReturn(
  db: AnyDb,
  r: {
    systemId: string;
    providerCode: string;
    period: string;
    submittedBy: string;
    submittedById: string | null;
    submittedAt?: Date;
    channel: ReturnChannel;
    fileName: string | null;
    rowCount: number;
    warningCount: number;
    supersedes: string | null;
  },
): Promise<ReturnRecord> {
  const row = await db
    .insertInto('outcomes_returns')
    .values({
      system_id: r.systemId,
      provider_code: r.providerCode,
      period: r.period,
      submitted_by: r.submittedBy,
      submitted_by_id: r.submittedById,
      ...(r.submittedAt ? { submitted_at: r.submittedAt } : {}),
      channel: r.channel,
      file_name: r.fileName,
      row_count: r.rowCount,
      warning_count: r.warningCount,
      status: 'accepted',
      supersedes: r.supersedes,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toReturn(row);
}

/** Marks the current return for a provider and period as superseded; returns its id, or null when none. */
export async function supersedeCurrent(
  db: AnyDb,
  systemId: string,
  providerCode: string,
  period: string,
): Promise<string | null> {
  const row = await db
    .updateTable('outcomes_returns')
    .set({ status: 'superseded' })
    .where('system_id', '=', systemId)
    .where('provider_code', '=', providerCode)
    .where('period', '=', period)
    .where('status', '=', 'accepted')
    .returning('id')
    .executeTakeFirst();
  return row ? (row.id as string) : null;
}

export async function findReturn(db: AnyDb, systemId: string, id: string): Promise<ReturnRecord | null> {
  const row = await db
    .selectFrom('outcomes_returns')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toReturn(row) : null;
}

/** Newest first; one provider's when providerCode is given. */
export async function listReturns(
  db: AnyDb,
  systemId: string,
  filter: { providerCode?: string; period?: string } = {},
): Promise<ReturnRecord[]> {
  let q = db.selectFrom('outcomes_returns').selectAll().where('system_id', '=', systemId);
  if (filter.providerCode) q = q.where('provider_code', '=', filter.providerCode);
  if (filter.period) q = q.where('period', '=', filter.period);
  const rows = await q.orderBy('submitted_at', 'desc').orderBy('id').execute();
  return rows.map(toReturn);
}
