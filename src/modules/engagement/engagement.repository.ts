// The engagement module's SQL: the only code that touches eng_* tables. Rows come back in camelCase.
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type { FeedbackInput } from './engagement.ts';

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
