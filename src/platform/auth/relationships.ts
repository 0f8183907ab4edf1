// Legitimate relationships: the one place that decides whether a member of staff may see a person's records.
//
// Roles say which pages someone may open; relationships say which *people*. A module that holds records about
// a person (a referral, an episode, a care team, a ward stay, a bed request) records *why* someone may see them
// by granting a relationship when the reason begins and ending it when the reason ends. Every query for
// personal data then goes through `visiblePeople` (lists, searches, exports) or `requirePersonAccess` (one
// record): a person outside the caller's relationships is "not found", never listed, and the refusal is
// audited. The platform knows no domain: a person is an opaque id chosen by the owning module, and the basis
// ('referral', 'care-team', …) is the module's word for why.
//
// A relationship is granted to one of:
//   - a user        (a named member of a care team; a case manager)
//   - an organisation (by ODS code: the organisation whose service holds the referral or episode)
//   - a role         (within the system: the central point of access for the system's referrals,
//                     bed managers for bed requests)
// Break-glass: a clinical member of staff may state a reason and see one person's records for a short time;
// always audited, and listed for administrators to review.
//
//   await relate(tx, { systemId, personId, grantee: { organisation: 'RKE' }, basis: 'referral',
//                      sourceType: 'referral', sourceId: referralId, at: now });
//   await endRelationships(tx, { systemId, sourceType: 'referral', sourceId: referralId, at: now,
//                                grantee: { organisation: 'RKE' } });       // the referral moved on
//   db.selectFrom('access_referrals').where('person_id', 'in', visiblePeople(tx, actor, now))   // lists
//   await requirePersonAccess(tx, actor, personId, { now, recordType: 'referral', recordId: id }); // one record
//   await breakGlass(tx, actor, personId, { reason: 'Unconscious in ED, no records', now });
import { sql } from 'kysely';
import { type AuditEntry, audit } from '../audit/audit.ts';
import type { AnyDb } from '../db/database.ts';
import { inTransaction, writeLater } from '../db/database.ts';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import type { Actor, Role } from './roles.ts';

export type Grantee = { user: string } | { organisation: string } | { role: Role };

export type RelationshipGrant = {
  systemId: string;
  /** The owning module's id for the person (opaque to the platform). */
  personId: string;
  grantee: Grantee;
  /** Why: the owning module's word ('referral', 'episode', 'care-team', 'virtual-ward', 'bed-request'). */
  basis: string;
  /** The record that gives the reason, so the relationship ends with it. */
  sourceType: string;
  sourceId: string;
  at: Date;
};

/** Roles that may break the glass: clinical staff who may need a record in an emergency. */
export const BREAK_GLASS_ROLES: readonly Role[] = ['clinician', 'case_manager', 'spa'];
export const BREAK_GLASS_MINUTES = 60;
const REASON_MIN = 10;

function granteeColumns(g: Grantee): { grantee_kind: 'user' | 'organisation' | 'role'; grantee: string } {
  if ('user' in g) return { grantee_kind: 'user', grantee: g.user };
  if ('organisation' in g) return { grantee_kind: 'organisation', grantee: g.organisation };
  return { grantee_kind: 'role', grantee: g.role };
}

/**
 * Grants (or re-opens) a relationship. Idempotent: granting the same grantee for the same source twice keeps
 * one row. Call it in the transaction that creates the reason.
 */
export async function relate(tx: AnyDb, grant: RelationshipGrant): Promise<void> {
  await relateAll(tx, [grant]);
}

/**
 * Several grants in one statement (one round trip inside the caller's transaction, issue 18), each as
 * `relate` would make it. Grants to the same grantee for the same source are made once (the first wins).
 */
export async function relateAll(tx: AnyDb, grants: readonly RelationshipGrant[]): Promise<void> {
  const seen = new Set<string>();
  const rows = [];
  for (const grant of grants) {
    const g = granteeColumns(grant.grantee);
    const key = JSON.stringify([
      grant.systemId,
      grant.personId,
      g.grantee_kind,
      g.grantee,
      grant.sourceType,
      grant.sourceId,
    ]);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({
      system_id: grant.systemId,
      person_id: grant.personId,
      ...g,
      basis: grant.basis,
      source_type: grant.sourceType,
      source_id: grant.sourceId,
      starts_at: grant.at,
      ends_at: null,
    });
  }
  if (rows.length === 0) return;
  await writeLater(
    tx,
    tx
      .insertInto('person_relationships')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['system_id', 'person_id', 'grantee_kind', 'grantee', 'source_type', 'source_id'])
          // Re-opening an ended relationship starts it again now; an open one keeps its start.
          .doUpdateSet({
            ends_at: null,
            basis: sql`excluded.basis`,
            starts_at: sql`case when person_relationships.ends_at is null then person_relationships.starts_at else excluded.starts_at end`,
          }),
      ),
  );
}

/** Ends the relationships a source gave (all of them, or one grantee's). Returns how many ended. */
export async function endRelationships(
  tx: AnyDb,
  q: { systemId: string; sourceType: string; sourceId: string; at: Date; grantee?: Grantee },
): Promise<number> {
  let query = tx
    .updateTable('person_relationships')
    .set({ ends_at: q.at })
    .where('system_id', '=', q.systemId)
    .where('source_type', '=', q.sourceType)
    .where('source_id', '=', q.sourceId)
    .where('ends_at', 'is', null);
  if (q.grantee) {
    const g = granteeColumns(q.grantee);
    query = query.where('grantee_kind', '=', g.grantee_kind).where('grantee', '=', g.grantee);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0);
}

/**
 * The people the actor may see now, as a subquery of person ids: use it in every list, search and export of
 * personal data (`.where('person_id', 'in', visiblePeople(db, actor, now))`). System actors (seeding,
 * scheduled jobs) see everyone in their system; residents and other actors see no one.
 */
export function visiblePeople(db: AnyDb, actor: Actor, now: Date) {
  const granted = db
    .selectFrom('person_relationships')
    .select('person_id')
    .distinct()
    .where('system_id', '=', actor.systemId)
    .where('starts_at', '<=', now)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .where((eb) => {
      if (isTrustedSystem(actor)) return eb.val(true);
      if (actor.role === 'system') return eb.val(false); // the resident's form and other non-staff callers
      const ors = [eb.and([eb('grantee_kind', '=', 'role'), eb('grantee', '=', actor.role)])];
      if (actor.kind === 'user') ors.push(eb.and([eb('grantee_kind', '=', 'user'), eb('grantee', '=', actor.id)]));
      if (actor.organisationCode) {
        ors.push(eb.and([eb('grantee_kind', '=', 'organisation'), eb('grantee', '=', actor.organisationCode)]));
      }
      return eb.or(ors);
    });
  if (actor.kind !== 'user') return granted;
  const glass = db
    .selectFrom('break_glass')
    .select('person_id')
    .where('system_id', '=', actor.systemId)
    .where('user_id', '=', actor.id)
    .where('granted_at', '<=', now)
    .where('expires_at', '>', now);
  return granted.union(glass);
}

/**
 * The records of one source type (the owning module's word, e.g. 'referral') that the actor has a current
 * relationship through, as a subquery of source ids; null for the trusted system actor (every record). Use it
 * when the rule is per record rather than per person: a clinician sees the referrals to their organisation's
 * services, not every referral of a person they know through one of them.
 */
export function visibleSources(db: AnyDb, actor: Actor, now: Date, sourceType: string) {
  if (isTrustedSystem(actor)) return null;
  return db
    .selectFrom('person_relationships')
    .select('source_id')
    .where('system_id', '=', actor.systemId)
    .where('source_type', '=', sourceType)
    .where('starts_at', '<=', now)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .where((eb) => {
      if (actor.role === 'system') return eb.val(false);
      const ors = [eb.and([eb('grantee_kind', '=', 'role'), eb('grantee', '=', actor.role)])];
      if (actor.kind === 'user') ors.push(eb.and([eb('grantee_kind', '=', 'user'), eb('grantee', '=', actor.id)]));
      if (actor.organisationCode) {
        ors.push(eb.and([eb('grantee_kind', '=', 'organisation'), eb('grantee', '=', actor.organisationCode)]));
      }
      return eb.or(ors);
    });
}

export type PersonAccess = { basis: 'relationship'; bases: string[] } | { basis: 'break-glass'; reason: string };

/** Seeding, migrations and scheduled jobs (platform/auth/roles.ts systemActor) are trusted with everyone. */
function isTrustedSystem(actor: Actor): boolean {
  return actor.kind === 'system' && actor.role === 'system' && actor.id === 'system';
}

/** Whether, and why, the actor may see this person now (null: no legitimate relationship). */
export async function personAccess(db: AnyDb, actor: Actor, personId: string, now: Date): Promise<PersonAccess | null> {
  if (isTrustedSystem(actor)) return { basis: 'relationship', bases: ['system'] };
  const rows = await db
    .selectFrom(visiblePeople(db, actor, now).as('v'))
    .select('person_id')
    .where('person_id', '=', personId)
    .limit(1)
    .execute();
  if (rows.length === 0) return null;
  const bases = await db
    .selectFrom('person_relationships')
    .select('basis')
    .distinct()
    .where('system_id', '=', actor.systemId)
    .where('person_id', '=', personId)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .where((eb) =>
      eb.or([
        eb.and([eb('grantee_kind', '=', 'role'), eb('grantee', '=', actor.role)]),
        eb.and([eb('grantee_kind', '=', 'user'), eb('grantee', '=', actor.id)]),
        eb.and([eb('grantee_kind', '=', 'organisation'), eb('grantee', '=', actor.organisationCode ?? '')]),
      ]),
    )
    .execute();
  if (bases.length > 0) return { basis: 'relationship', bases: bases.map((b) => b.basis) };
  const glass = await db
    .selectFrom('break_glass')
    .select('reason')
    .where('system_id', '=', actor.systemId)
    .where('user_id', '=', actor.id)
    .where('person_id', '=', personId)
    .where('expires_at', '>', now)
    .orderBy('granted_at', 'desc')
    .executeTakeFirst();
  return glass ? { basis: 'break-glass', reason: glass.reason } : { basis: 'relationship', bases: [] };
}

/**
 * A "not found" that must be audited as a refusal even though the request's transaction rolls back: the
 * auth plugin writes `refusal` with the root database when this error reaches the error handler.
 */
export class NoRelationshipError extends NotFoundError {
  readonly refusal: AuditEntry;
  constructor(what: string, refusal: AuditEntry) {
    super(what);
    this.refusal = refusal;
  }
}

export function isNoRelationshipError(error: unknown): error is NoRelationshipError {
  return error instanceof NoRelationshipError;
}

/**
 * Throws "not found" (and audits the refusal) unless the actor has a legitimate relationship with the person
 * now. Returns how they have it, so a break-glass read can be audited as such.
 */
export async function requirePersonAccess(
  db: AnyDb,
  actor: Actor,
  personId: string,
  what: { now: Date; recordType: string; recordId?: string | null; label?: string; requestId?: string },
): Promise<PersonAccess> {
  const access = await personAccess(db, actor, personId, what.now);
  if (access) return access;
  throw new NoRelationshipError(what.label ?? 'Record', {
    action: 'person.refused',
    recordType: what.recordType,
    recordId: what.recordId ?? null,
    outcome: 'refused',
    reason: 'no legitimate relationship',
    requestId: what.requestId,
    detail: { personId },
  });
}

export type BreakGlassRecord = {
  id: string;
  personId: string;
  userId: string;
  userName: string;
  role: string;
  organisationCode: string | null;
  reason: string;
  grantedAt: string;
  expiresAt: string;
  reviewedAt: string | null;
  reviewedBy: string | null;
  reviewNote: string | null;
};

/**
 * Break-glass: a clinical user states why they need this person's records now. Grants access for
 * BREAK_GLASS_MINUTES, audited, and listed for administrators to review. The caller (the owning module)
 * checks that the person exists before offering it; the platform never reveals whether they do.
 */
export async function breakGlass(
  db: AnyDb,
  actor: Actor,
  personId: string,
  input: { reason: string; now: Date; requestId?: string },
): Promise<BreakGlassRecord> {
  if (actor.kind !== 'user' || actor.role === 'system' || !BREAK_GLASS_ROLES.includes(actor.role)) {
    throw new ForbiddenError('Only clinical staff signed in as themselves can use emergency access');
  }
  const reason = input.reason.trim();
  if (reason.length < REASON_MIN) {
    throw new ValidationError([
      { field: 'reason', message: `Say why you need this record now, in at least ${REASON_MIN} characters` },
    ]);
  }
  return inTransaction(db, async (tx) => {
    const expiresAt = new Date(input.now.getTime() + BREAK_GLASS_MINUTES * 60_000);
    const row = await tx
      .insertInto('break_glass')
      .values({
        system_id: actor.systemId,
        person_id: personId,
        user_id: actor.id,
        user_name: actor.name,
        role: actor.role,
        organisation_code: actor.organisationCode,
        reason,
        granted_at: input.now,
        expires_at: expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, actor, {
      action: 'person.break-glass',
      recordType: 'person',
      recordId: personId,
      reason,
      requestId: input.requestId,
      detail: { expiresAt: expiresAt.toISOString() },
    });
    return toBreakGlass(row);
  });
}

// biome-ignore lint/suspicious/noExplicitAny: row mapping from the untyped platform view
function toBreakGlass(r: any): BreakGlassRecord {
  return {
    id: String(r.id),
    personId: r.person_id,
    userId: r.user_id,
    userName: r.user_name,
    role: r.role,
    organisationCode: r.organisation_code,
    reason: r.reason,
    grantedAt: new Date(r.granted_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
    reviewedAt: r.reviewed_at ? new Date(r.reviewed_at).toISOString() : null,
    reviewedBy: r.reviewed_by,
    reviewNote: r.review_note,
  };
}

/** Emergency accesses for administrators to review (newest first; unreviewed only when asked). */
export async function listBreakGlass(
  db: AnyDb,
  actor: Actor,
  q: { unreviewedOnly?: boolean; page?: number; pageSize?: number } = {},
): Promise<{ rows: BreakGlassRecord[]; total: number; page: number; pageSize: number }> {
  if (actor.role !== 'admin' && actor.role !== 'system') throw new ForbiddenError();
  const page = Math.max(1, q.page ?? 1);
  const pageSize = Math.min(200, Math.max(1, q.pageSize ?? 50));
  let query = db.selectFrom('break_glass').where('system_id', '=', actor.systemId);
  if (q.unreviewedOnly) query = query.where('reviewed_at', 'is', null);
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('granted_at', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  await audit(db, actor, { action: 'break-glass.list', recordType: 'break_glass', detail: { page } });
  return { rows: rows.map(toBreakGlass), total: Number(total), page, pageSize };
}

/** How many emergency accesses wait for an administrator's review, for the staff home; not audited. */
export async function unreviewedBreakGlassCount(db: AnyDb, actor: Actor): Promise<number> {
  if (actor.role !== 'admin' && actor.role !== 'system') throw new ForbiddenError();
  const { total } = await db
    .selectFrom('break_glass')
    .where('system_id', '=', actor.systemId)
    .where('reviewed_at', 'is', null)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return Number(total);
}

/** An administrator records that an emergency access was reviewed, with what they found. */
export async function reviewBreakGlass(
  db: AnyDb,
  actor: Actor,
  id: string,
  input: { note: string; now: Date; requestId?: string },
): Promise<BreakGlassRecord> {
  if (actor.role !== 'admin') throw new ForbiddenError();
  const note = input.note.trim();
  if (!note) throw new ValidationError([{ field: 'note', message: 'Enter what the review found' }]);
  return inTransaction(db, async (tx) => {
    const row = await tx
      .updateTable('break_glass')
      .set({ reviewed_at: input.now, reviewed_by: actor.name, review_note: note })
      .where('system_id', '=', actor.systemId)
      .where(sql<boolean>`id::text = ${id}`)
      .where('reviewed_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row)
      throw new DomainError(409, 'not_reviewable', 'This emergency access was not found or is already reviewed');
    await audit(tx, actor, {
      action: 'break-glass.review',
      recordType: 'break_glass',
      recordId: id,
      reason: note,
      requestId: input.requestId,
    });
    return toBreakGlass(row);
  });
}
