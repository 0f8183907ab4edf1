// People and their referrals for other systems (the FHIR API): only people the caller has a legitimate
// relationship with (platform/auth/relationships.ts), every read audited in the same transaction. Lists
// filter through visiblePeople; a single record goes through requirePersonAccess, so a person outside the
// caller's relationships is "not found" and the refusal is audited. The SQL here is the access module's own
// (access_people, access_referrals); whole referrals are read with the repository's findReferral.
import { sql } from 'kysely';
import { audit } from '../../platform/audit/audit.ts';
import { requirePersonAccess, visiblePeople } from '../../platform/auth/relationships.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { ACCESS_STAFF } from './access.service.ts';
import * as repo from './access.repository.ts';

/** A range of last-changed instants: from (inclusive), before (exclusive); either may be open. */
export type UpdatedFilter = { from?: Date; before?: Date };

export type PersonRecord = repo.PersonRow & { updatedAt: string };
export type ReferralRecord = repo.ReferralWithPerson;
export type RecordPage<T> = { items: T[]; total: number };
type ReadOptions = { now: Date; requestId?: string };
export type StateFilter = { status: string[]; outcomeIn?: string[]; outcomeNotIn?: string[] };

function requireAccessStaff(actor: Actor) {
  if (actor.role !== 'system' && !(ACCESS_STAFF as readonly string[]).includes(actor.role)) {
    throw new ForbiddenError('Your role does not give you access to people’s records');
  }
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const date = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

// biome-ignore lint/suspicious/noExplicitAny: rows from the untyped module view
function toPersonRecord(r: any): PersonRecord {
  return {
    id: r.id,
    nhsNumber: r.nhs_number,
    givenName: r.given_name,
    familyName: r.family_name,
    birthDate: date(r.birth_date),
    postcode: r.postcode,
    gpPractice: r.gp_practice,
    phone: r.phone,
    email: r.email,
    updatedAt: iso(r.updated_at),
  };
}

/** People the caller may see, optionally one NHS number, ordered by name; audited with the ids shown. */
export async function listVisiblePeople(
  db: AnyDb,
  actor: Actor,
  q: { nhsNumber?: string; updated?: UpdatedFilter[]; offset: number; limit: number },
  o: ReadOptions,
): Promise<RecordPage<PersonRecord>> {
  requireAccessStaff(actor);
  return inTransaction(db, async (tx) => {
    let query = tx
      .selectFrom('access_people')
      .where('system_id', '=', actor.systemId)
      .where(sql<string>`id::text`, 'in', visiblePeople(tx, actor, o.now));
    if (q.nhsNumber) query = query.where('nhs_number', '=', q.nhsNumber);
    for (const f of q.updated ?? []) {
      if (f.from) query = query.where('updated_at', '>=', f.from);
      if (f.before) query = query.where('updated_at', '<', f.before);
    }
    const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('family_name')
      .orderBy('given_name')
      .orderBy('id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    const items = rows.map(toPersonRecord);
    await audit(tx, actor, {
      action: 'person.list',
      recordType: 'person',
      requestId: o.requestId,
      detail: { nhsNumber: q.nhsNumber ? 'given' : null, offset: q.offset, shown: items.map((p) => p.id) },
    });
    return { items, total: Number(total) };
  });
}

/** One person, when the caller has a legitimate relationship now (otherwise not found, refusal audited). */
export async function getVisiblePerson(
  db: AnyDb,
  actor: Actor,
  personId: string,
  o: ReadOptions,
): Promise<PersonRecord> {
  requireAccessStaff(actor);
  return inTransaction(db, async (tx) => {
    const row = await tx
      .selectFrom('access_people')
      .selectAll()
      .where('system_id', '=', actor.systemId)
      .where(sql<string>`id::text`, '=', personId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('Patient');
    const access = await requirePersonAccess(tx, actor, row.id, {
      now: o.now,
      recordType: 'person',
      recordId: row.id,
      label: 'Patient',
      requestId: o.requestId,
    });
    await audit(tx, actor, {
      action: 'person.read',
      recordType: 'person',
      recordId: row.id,
      requestId: o.requestId,
      ...(access.basis === 'break-glass' ? { reason: access.reason } : {}),
      detail: { basis: access.basis },
    });
    return toPersonRecord(row);
  });
}

/** Referrals of people the caller may see, newest first, filtered by person, NHS number or status. */
export async function listVisibleReferrals(
  db: AnyDb,
  actor: Actor,
  q: {
    personId?: string;
    nhsNumber?: string;
    reference?: string;
    /** Any of these states: statuses, optionally narrowed by close outcome. */
    anyOf?: StateFilter[];
    /** Last changed within each of these ranges (FHIR _lastUpdated). */
    updated?: UpdatedFilter[];
    offset: number;
    limit: number;
  },
  o: ReadOptions,
): Promise<RecordPage<ReferralRecord>> {
  requireAccessStaff(actor);
  return inTransaction(db, async (tx) => {
    let query = tx
      .selectFrom('access_referrals as r')
      .innerJoin('access_people as p', 'p.id', 'r.person_id')
      .where('r.system_id', '=', actor.systemId)
      .where(sql<string>`r.person_id::text`, 'in', visiblePeople(tx, actor, o.now));
    if (q.personId) query = query.where(sql<string>`r.person_id::text`, '=', q.personId);
    if (q.nhsNumber) query = query.where('p.nhs_number', '=', q.nhsNumber);
    if (q.reference) query = query.where('r.reference', '=', q.reference);
    for (const f of q.updated ?? []) {
      if (f.from) query = query.where('r.updated_at', '>=', f.from);
      if (f.before) query = query.where('r.updated_at', '<', f.before);
    }
    const anyOf = q.anyOf;
    if (anyOf)
      query = query.where((eb) =>
        eb.or(
          anyOf.map((f) =>
            eb.and([
              eb('r.status', 'in', f.status.length ? f.status : ['-']),
              ...(f.outcomeIn ? [eb('r.outcome', 'in', f.outcomeIn.length ? f.outcomeIn : ['-'])] : []),
              ...(f.outcomeNotIn?.length
                ? [eb.or([eb('r.outcome', 'is', null), eb('r.outcome', 'not in', f.outcomeNotIn)])]
                : []),
            ]),
          ),
        ),
      );
    const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const ids = await query
      .select('r.id')
      .orderBy('r.received_at', 'desc')
      .orderBy('r.id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    const items: ReferralRecord[] = [];
    for (const { id } of ids) {
      const r = await repo.findReferral(tx, repo.wholeSystem(actor.systemId), id);
      if (r) items.push(r);
    }
    await audit(tx, actor, {
      action: 'referral.list',
      recordType: 'referral',
      requestId: o.requestId,
      detail: { states: q.anyOf ?? null, offset: q.offset, shown: items.map((r) => r.reference) },
    });
    return { items, total: Number(total) };
  });
}

/** One referral with its person, when the caller has a legitimate relationship with the person now. */
export async function getVisibleReferral(db: AnyDb, actor: Actor, id: string, o: ReadOptions): Promise<ReferralRecord> {
  requireAccessStaff(actor);
  return inTransaction(db, async (tx) => {
    const r = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findReferral(tx, repo.wholeSystem(actor.systemId), id) : null;
    if (!r) throw new NotFoundError('ServiceRequest');
    const access = await requirePersonAccess(tx, actor, r.personId, {
      now: o.now,
      recordType: 'referral',
      recordId: r.id,
      label: 'ServiceRequest',
      requestId: o.requestId,
    });
    await audit(tx, actor, {
      action: 'referral.read',
      recordType: 'referral',
      recordId: r.id,
      requestId: o.requestId,
      ...(access.basis === 'break-glass' ? { reason: access.reason } : {}),
      detail: { reference: r.reference, basis: access.basis },
    });
    return r;
  });
}
