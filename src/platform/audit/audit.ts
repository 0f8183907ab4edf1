// The audit log: who did what to which record, when, why and with what outcome. Written in the same
// transaction as the change it records; append-only (a database trigger refuses updates and deletes).
import { sql } from 'kysely';
import type { Actor } from '../auth/roles.ts';
import { type AnyDb, writeLater } from '../db/database.ts';

export type AuditOutcome = 'success' | 'refused' | 'failed';

export type AuditEntry = {
  action: string;
  recordType: string;
  recordId?: string | null;
  reason?: string | null;
  outcome?: AuditOutcome;
  detail?: Record<string, unknown> | null;
  requestId?: string | null;
};

export type AuditRecord = {
  id: string;
  at: Date;
  systemId: string | null;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  actorOrganisation: string | null;
  action: string;
  recordType: string;
  recordId: string | null;
  reason: string | null;
  outcome: AuditOutcome;
  detail: Record<string, unknown> | null;
  requestId: string | null;
};

/** Writes one audit row. Pass the transaction that makes the change so both commit or neither does. */
export async function audit(db: AnyDb, actor: Actor | null, entry: AuditEntry): Promise<void> {
  // Sent with the transaction's next round trip (or its commit): nothing in it reads the audit row back.
  await writeLater(
    db,
    db.insertInto('audit_log').values({
      system_id: actor?.systemId ?? null,
      actor_id: actor?.id ?? null,
      actor_name: actor?.name ?? null,
      actor_role: actor?.role ?? null,
      actor_organisation: actor?.organisationCode ?? null,
      action: entry.action,
      record_type: entry.recordType,
      record_id: entry.recordId ?? null,
      reason: entry.reason ?? null,
      outcome: entry.outcome ?? 'success',
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
      request_id: entry.requestId ?? null,
    }),
  );
}

export type AuditQuery = {
  systemId: string;
  actor?: string;
  action?: string;
  recordType?: string;
  recordId?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
};

export type AuditPage = { rows: AuditRecord[]; total: number; page: number; pageSize: number };

// biome-ignore lint/suspicious/noExplicitAny: row mapping from the untyped platform view
function toRecord(r: any): AuditRecord {
  return {
    id: String(r.id),
    at: new Date(r.at),
    systemId: r.system_id,
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorRole: r.actor_role,
    actorOrganisation: r.actor_organisation,
    action: r.action,
    recordType: r.record_type,
    recordId: r.record_id,
    reason: r.reason,
    outcome: r.outcome,
    detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail,
    requestId: r.request_id,
  };
}

export async function searchAudit(db: AnyDb, q: AuditQuery): Promise<AuditPage> {
  const page = Math.max(1, q.page ?? 1);
  const pageSize = Math.min(500, Math.max(1, q.pageSize ?? 50));
  let query = db
    .selectFrom('audit_log')
    .where((eb) => eb.or([eb('system_id', '=', q.systemId), eb('system_id', 'is', null)]));
  if (q.actor) {
    const like = `%${q.actor.replace(/[\\%_]/g, '\\$&')}%`;
    // By display name, by id, or by username ("spa" finds the account whose display name is "Sam Patel").
    const byUsername = db.selectFrom('users').select(sql<string>`id::text`.as('id')).where('username', 'ilike', like);
    query = query.where((eb) =>
      eb.or([eb('actor_name', 'ilike', like), eb('actor_id', '=', q.actor!), eb('actor_id', 'in', byUsername)]),
    );
  }
  if (q.action) query = query.where('action', '=', q.action);
  if (q.recordType) query = query.where('record_type', '=', q.recordType);
  if (q.recordId) query = query.where('record_id', '=', q.recordId);
  if (q.from) query = query.where('at', '>=', new Date(`${q.from}T00:00:00Z`));
  if (q.to) query = query.where('at', '<', sql<Date>`${`${q.to}T00:00:00Z`}::timestamptz + interval '1 day'`);
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('id', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { rows: rows.map(toRecord), total: Number(total), page, pageSize };
}

export async function auditActions(db: AnyDb): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute();
  return rows.map((r) => r.action as string);
}
