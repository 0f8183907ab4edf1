// The engagement module's SQL: the only code that touches eng_* tables. Rows come back in camelCase.
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type { ChangeInput, FeedbackInput } from './engagement.ts';

export type FeedbackRow = FeedbackInput & {
  id: string;
  illustrative: boolean;
  recordedBy: string;
  recordedAt: Date;
};

export type FeedbackFilters = { borough?: string; theme?: string; source?: string };

export async function insertFeedback(
  db: AnyDb,
  systemId: string,
  f: FeedbackInput & { illustrative: boolean; recordedBy: string; recordedAt: Date },
): Promise<string> {
  const row = await db
    .insertInto('eng_feedback')
    .values({
      system_id: systemId,
      source: f.source,
      received_on: f.receivedOn,
      borough: f.borough,
      summary: f.summary,
      from_group: f.fromGroup,
      illustrative: f.illustrative,
      recorded_by: f.recordedBy,
      recorded_at: f.recordedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('eng_feedback_themes')
    .values(f.themes.map((theme) => ({ feedback_id: row.id, theme })))
    .execute();
  return row.id as string;
}

export async function listFeedback(
  db: AnyDb,
  systemId: string,
  filters: FeedbackFilters,
  page: number,
  pageSize: number,
): Promise<{ rows: FeedbackRow[]; total: number }> {
  let q = db.selectFrom('eng_feedback as f').where('f.system_id', '=', systemId);
  if (filters.borough) q = q.where('f.borough', '=', filters.borough);
  if (filters.source) q = q.where('f.source', '=', filters.source);
  if (filters.theme)
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('eng_feedback_themes as t')
          .select('t.theme')
          .whereRef('t.feedback_id', '=', 'f.id')
          .where('t.theme', '=', filters.theme as string),
      ),
    );
  const count = await q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('f')
    .select(
      sql<string>`(select string_agg(t.theme, ',' order by t.theme) from eng_feedback_themes t where t.feedback_id = f.id)`.as(
        'theme_list',
      ),
    )
    .orderBy('f.received_on', 'desc')
    .orderBy('f.recorded_at', 'desc')
    .orderBy('f.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return {
    total: Number(count.n),
    rows: rows.map((r) => ({
      id: r.id,
      source: r.source,
      receivedOn: r.received_on,
      borough: r.borough,
      themes: String(r.theme_list ?? '')
        .split(',')
        .filter(Boolean),
      summary: r.summary,
      fromGroup: r.from_group,
      illustrative: r.illustrative,
      recordedBy: r.recorded_by,
      recordedAt: new Date(r.recorded_at),
    })) as FeedbackRow[],
  };
}

export async function themeCounts(db: AnyDb, systemId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('eng_feedback_themes as t')
    .innerJoin('eng_feedback as f', 'f.id', 't.feedback_id')
    .where('f.system_id', '=', systemId)
    .select(['t.theme', sql<number>`count(*)::int`.as('n')])
    .groupBy('t.theme')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.theme, Number(r.n)]));
}

export type ChangeRow = ChangeInput & { id: string; illustrative: boolean; recordedAt: Date };

export async function insertChange(
  db: AnyDb,
  systemId: string,
  c: ChangeInput & { illustrative: boolean; recordedBy: string; recordedAt: Date },
): Promise<string> {
  const row = await db
    .insertInto('eng_changes')
    .values({
      system_id: systemId,
      status: c.status,
      version_number: c.versionNumber,
      component_code: c.componentCode,
      summary: c.summary,
      illustrative: c.illustrative,
      recorded_by: c.recordedBy,
      recorded_at: c.recordedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('eng_change_themes')
    .values(c.themes.map((theme) => ({ change_id: row.id, theme })))
    .execute();
  return row.id as string;
}

export async function listChanges(db: AnyDb, systemId: string): Promise<ChangeRow[]> {
  const rows = await db
    .selectFrom('eng_changes as c')
    .selectAll('c')
    .select(
      sql<string>`(select string_agg(t.theme, ',' order by t.theme) from eng_change_themes t where t.change_id = c.id)`.as(
        'theme_list',
      ),
    )
    .where('c.system_id', '=', systemId)
    .orderBy('c.seq')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    versionNumber: r.version_number === null ? null : Number(r.version_number),
    componentCode: r.component_code,
    themes: String(r.theme_list ?? '')
      .split(',')
      .filter(Boolean),
    summary: r.summary,
    illustrative: r.illustrative,
    recordedAt: new Date(r.recorded_at),
  })) as ChangeRow[];
}

/** The newest feedback of each theme (at most `per` each), for the public page: group, borough and words only. */
export async function latestByTheme(
  db: AnyDb,
  systemId: string,
  per: number,
): Promise<
  { theme: string; summary: string; fromGroup: string; borough: string; source: string; illustrative: boolean }[]
> {
  const rows = await sql<{
    theme: string;
    summary: string;
    from_group: string;
    borough: string;
    source: string;
    illustrative: boolean;
  }>`select theme, summary, from_group, borough, source, illustrative from (
       select t.theme, f.summary, f.from_group, f.borough, f.source, f.illustrative,
              row_number() over (partition by t.theme order by f.received_on desc, f.id) as n
       from eng_feedback_themes t join eng_feedback f on f.id = t.feedback_id
       where f.system_id = ${systemId}) x
     where n <= ${per} order by theme, n`.execute(db);
  return rows.rows.map((r) => ({
    theme: r.theme,
    summary: r.summary,
    fromGroup: r.from_group,
    borough: r.borough,
    source: r.source,
    illustrative: r.illustrative,
  }));
}

export type ThemeRow = {
  id: string;
  code: string;
  name: string;
  description: string;
  why: string;
  status: 'proposed' | 'approved' | 'rejected';
  /** Null for the starting list shared by every system. */
  systemId: string | null;
  proposedBy: string | null;
  proposedByName: string | null;
  proposedAt: Date | null;
  reviewedByName: string | null;
  reviewedAt: Date | null;
  reviewReason: string | null;
};

/** Every theme a system sees (the shared starting list first, then its own in the order proposed). */
export async function listThemeRows(db: AnyDb, systemId: string): Promise<ThemeRow[]> {
  const rows = await db
    .selectFrom('eng_themes')
    .selectAll()
    .where((eb) => eb.or([eb('system_id', '=', systemId), eb('system_id', 'is', null)]))
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    description: r.description,
    why: r.why,
    status: r.status,
    systemId: r.system_id,
    proposedBy: r.proposed_by,
    proposedByName: r.proposed_by_name,
    proposedAt: r.proposed_at === null ? null : new Date(r.proposed_at),
    reviewedByName: r.reviewed_by_name,
    reviewedAt: r.reviewed_at === null ? null : new Date(r.reviewed_at),
    reviewReason: r.review_reason,
  })) as ThemeRow[];
}

export async function insertThemeProposal(
  db: AnyDb,
  systemId: string,
  t: { code: string; name: string; description: string; why: string; by: string; byName: string; at: Date },
): Promise<string> {
  const row = await db
    .insertInto('eng_themes')
    .values({
      system_id: systemId,
      code: t.code,
      name: t.name,
      description: t.description,
      why: t.why,
      status: 'proposed',
      proposed_by: t.by,
      proposed_by_name: t.byName,
      proposed_at: t.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id as string;
}

/** Decides a proposal still waiting; false when it was already decided (or is not this system's). */
export async function decideTheme(
  db: AnyDb,
  systemId: string,
  code: string,
  d: { status: 'approved' | 'rejected'; by: string; byName: string; at: Date; reason: string },
): Promise<boolean> {
  const r = await db
    .updateTable('eng_themes')
    .set({
      status: d.status,
      reviewed_by: d.by,
      reviewed_by_name: d.byName,
      reviewed_at: d.at,
      review_reason: d.reason,
    })
    .where('system_id', '=', systemId)
    .where('code', '=', code)
    .where('status', '=', 'proposed')
    .returning('id')
    .executeTakeFirst();
  return !!r;
}
