// The access module's SQL: the only code that touches access_* tables. Rows come back in camelCase with
// instants as ISO strings, the shape the pure rules (referral.ts, compliance.ts) take.
import { containsPattern, type WorklistSearch } from './worklist-search.ts';
import { sql } from 'kysely';
import { type AnyDb, writeLater } from '../../platform/db/database.ts';
import type { CloseOutcome, ReferralState, ReferralStatus } from './referral.ts';

export interface Communication {
  language: string | null;
  interpreter: boolean;
  bsl: boolean;
  needs: string | null;
  preferredContact: string;
  /** Where letters go, when the person chose letters (issue 19). */
  address?: { line1: string; line2: string | null; town: string; postcode: string } | null;
  /** Who filled in a self-referral for a child, and the parent or carer to contact (issue 19). */
  referredBy?: 'self' | 'parent-or-carer' | null;
  carer?: { name: string; relationship: string; phone: string } | null;
}

export interface PersonRow {
  id: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  postcode: string;
  gpPractice: string | null;
  phone: string | null;
  email: string | null;
}

export interface ReferralRow extends ReferralState {
  systemId: string;
  reference: string;
  personId: string;
  component: string;
  age: number;
  ageGroup: string;
  borough: string;
  urgency: string;
  source: string;
  reason: string;
  communication: Communication;
  routing: Record<string, unknown>;
  targetDueAt: string | null;
  claimedBy: string | null;
  claimedByName: string | null;
  claimedAt: string | null;
  likelyDuplicateOf: string | null;
  createdBy: string;
  /** The identity and contact details this referral gave (null on referrals from before they were kept). */
  givenPerson: Omit<PersonRow, 'id'> | null;
  /** Fields whose given value differs from the person's record, for the triager to check. */
  detailsDiffer: string[];
  /** sha256 of the public form's one-time token (self-referrals only). */
  submitterHash?: string | null;
}

export interface ReferralWithPerson extends ReferralRow {
  person: PersonRow;
}

export interface EventRow {
  id: number;
  type: string;
  fromStatus: string | null;
  toStatus: string;
  at: string;
  actorId: string;
  actorName: string | null;
  actorRole: string | null;
  reason: string | null;
  note: string | null;
  serviceId: string | null;
  fromServiceId: string | null;
  outcome: string | null;
  firstContactDue: string | null;
}

export interface GapRow {
  id: number;
  referralId: string | null;
  component: string;
  ageGroup: string;
  borough: string;
  kind: string;
  level: string;
  message: string;
  recordedAt: string;
}

/**
 * Which referrals a query may see: the system, and the referral ids the caller has a legitimate relationship
 * with (platform/auth/relationships.ts visibleSources), or null for every referral of the system (the trusted
 * system actor). Every read of a referral in this file takes one, so no query can forget the rule.
 */
export type ReferralScope = {
  systemId: string;
  // biome-ignore lint/suspicious/noExplicitAny: a subquery of referral ids from the platform's relationships
  ids: any | null;
};

export function wholeSystem(systemId: string): ReferralScope {
  return { systemId, ids: null };
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

// biome-ignore lint/suspicious/noExplicitAny: untyped rows from the module's own tables
function toReferral(r: any): ReferralRow {
  return {
    id: r.id,
    systemId: r.system_id,
    reference: r.reference,
    personId: r.person_id,
    component: r.component,
    age: r.age,
    ageGroup: r.age_group,
    borough: r.borough,
    urgency: r.urgency,
    source: r.source,
    reason: r.reason,
    communication: json<Communication>(r.communication),
    routing: json<Record<string, unknown>>(r.routing),
    status: r.status as ReferralStatus,
    serviceId: r.service_id,
    receivedAt: iso(r.received_at)!,
    updatedAt: iso(r.updated_at)!,
    acceptedAt: iso(r.accepted_at),
    firstContactDue: iso(r.first_contact_due),
    targetDueAt: iso(r.target_due_at),
    firstContactAt: iso(r.first_contact_at),
    closedAt: iso(r.closed_at),
    outcome: r.outcome as CloseOutcome | null,
    redirectCount: r.redirect_count,
    version: r.version,
    claimedBy: r.claimed_by,
    claimedByName: r.claimed_by_name,
    claimedAt: iso(r.claimed_at),
    likelyDuplicateOf: r.likely_duplicate_of,
    createdBy: r.created_by,
    givenPerson: r.given_person ? json<Omit<PersonRow, 'id'>>(r.given_person) : null,
    detailsDiffer: json<string[]>(r.details_differ ?? []),
    submitterHash: r.submitter_hash ?? null,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: untyped rows from the module's own tables
function toPerson(r: any, prefix = ''): PersonRow {
  return {
    id: r[`${prefix}id`],
    nhsNumber: r[`${prefix}nhs_number`],
    givenName: r[`${prefix}given_name`],
    familyName: r[`${prefix}family_name`],
    birthDate: r[`${prefix}birth_date`],
    postcode: r[`${prefix}postcode`],
    gpPractice: r[`${prefix}gp_practice`],
    phone: r[`${prefix}phone`],
    email: r[`${prefix}email`],
  };
}

/**
 * The person with this NHS number, created from the referral's details when the system has no record yet.
 * An existing record is never changed here: a referral's details are kept on the referral.
 */
export async function findOrCreatePerson(
  db: AnyDb,
  systemId: string,
  p: Omit<PersonRow, 'id'>,
  at: Date,
): Promise<{ person: PersonRow; created: boolean }> {
  const inserted = await db
    .insertInto('access_people')
    .values({
      system_id: systemId,
      nhs_number: p.nhsNumber,
      given_name: p.givenName,
      family_name: p.familyName,
      birth_date: p.birthDate,
      postcode: p.postcode,
      gp_practice: p.gpPractice,
      phone: p.phone,
      email: p.email,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) => oc.columns(['system_id', 'nhs_number']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { person: toPerson(inserted), created: true };
  const existing = await db
    .selectFrom('access_people')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('nhs_number', '=', p.nhsNumber)
    .executeTakeFirstOrThrow();
  return { person: toPerson(existing), created: false };
}

/** Staff's deliberate change of a person's record (the fields given; the caller audits it). */
export async function updatePerson(
  db: AnyDb,
  systemId: string,
  personId: string,
  fields: Partial<Omit<PersonRow, 'id' | 'nhsNumber'>>,
  at: Date,
): Promise<void> {
  const columns: Record<string, unknown> = {};
  const names: Record<string, string> = {
    givenName: 'given_name',
    familyName: 'family_name',
    birthDate: 'birth_date',
    postcode: 'postcode',
    gpPractice: 'gp_practice',
    phone: 'phone',
    email: 'email',
  };
  for (const [k, v] of Object.entries(fields)) if (names[k]) columns[names[k]] = v;
  if (Object.keys(columns).length === 0) return;
  await db
    .updateTable('access_people')
    .set({ ...columns, updated_at: at })
    .where('system_id', '=', systemId)
    .where('id', '=', personId)
    .execute();
}

/** Records which of a referral's given details still differ from the person's record. */
export async function setDetailsDiffer(db: AnyDb, systemId: string, id: string, fields: string[]): Promise<void> {
  await db
    .updateTable('access_referrals')
    .set({ details_differ: sql`${JSON.stringify(fields)}::jsonb` })
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .execute();
}

/** The person's open referrals for a component: candidates for a likely duplicate. */
export async function openReferralsFor(
  db: AnyDb,
  systemId: string,
  personId: string,
  component: string,
): Promise<{ id: string; status: ReferralStatus; receivedAt: string }[]> {
  const rows = await db
    .selectFrom('access_referrals')
    .select(['id', 'status', 'received_at'])
    .where('system_id', '=', systemId)
    .where('person_id', '=', personId)
    .where('component', '=', component)
    .where('status', '<>', 'closed')
    .execute();
  return rows.map((r) => ({ id: r.id, status: r.status, receivedAt: iso(r.received_at)! }));
}

/** How many referrals a system holds (the demo loader runs only into an empty one). */
export async function countReferrals(db: AnyDb, systemId: string): Promise<number> {
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from access_referrals where system_id = ${systemId}`.execute(db);
  return r.rows[0]?.n ?? 0;
}

export async function insertReferral(db: AnyDb, r: ReferralRow): Promise<void> {
  await writeLater(
    db,
    db.insertInto('access_referrals').values({
      id: r.id,
      system_id: r.systemId,
      reference: r.reference,
      person_id: r.personId,
      component: r.component,
      age: r.age,
      age_group: r.ageGroup,
      borough: r.borough,
      urgency: r.urgency,
      source: r.source,
      reason: r.reason,
      communication: sql`${JSON.stringify(r.communication)}::jsonb`,
      routing: sql`${JSON.stringify(r.routing)}::jsonb`,
      status: r.status,
      service_id: r.serviceId,
      received_at: r.receivedAt,
      updated_at: r.updatedAt,
      target_due_at: r.targetDueAt,
      redirect_count: r.redirectCount,
      version: r.version,
      likely_duplicate_of: r.likelyDuplicateOf,
      created_by: r.createdBy,
      given_person: r.givenPerson ? sql`${JSON.stringify(r.givenPerson)}::jsonb` : null,
      details_differ: sql`${JSON.stringify(r.detailsDiffer)}::jsonb`,
      submitter_hash: r.submitterHash ?? null,
    }),
  );
}

export async function insertEvent(
  db: AnyDb,
  systemId: string,
  e: Omit<EventRow, 'id'> & { referralId: string },
): Promise<void> {
  await writeLater(
    db,
    db.insertInto('access_referral_events').values({
      system_id: systemId,
      referral_id: e.referralId,
      type: e.type,
      from_status: e.fromStatus,
      to_status: e.toStatus,
      at: e.at,
      actor_id: e.actorId,
      actor_name: e.actorName,
      actor_role: e.actorRole,
      reason: e.reason,
      note: e.note,
      service_id: e.serviceId,
      from_service_id: e.fromServiceId,
      outcome: e.outcome,
      first_contact_due: e.firstContactDue,
    }),
  );
}

export async function insertGap(db: AnyDb, systemId: string, g: Omit<GapRow, 'id'>): Promise<void> {
  await writeLater(
    db,
    db.insertInto('access_offer_gaps').values({
      system_id: systemId,
      referral_id: g.referralId,
      component: g.component,
      age_group: g.ageGroup,
      borough: g.borough,
      kind: g.kind,
      level: g.level,
      message: g.message,
      recorded_at: g.recordedAt,
    }),
  );
}

const PERSON_COLUMNS = [
  'p.id as p_id',
  'p.nhs_number as p_nhs_number',
  'p.given_name as p_given_name',
  'p.family_name as p_family_name',
  'p.birth_date as p_birth_date',
  'p.postcode as p_postcode',
  'p.gp_practice as p_gp_practice',
  'p.phone as p_phone',
  'p.email as p_email',
] as const;

/** One referral with its person; `forUpdate` locks the referral row for the rest of the transaction. */
export async function findReferral(
  db: AnyDb,
  scope: ReferralScope,
  id: string,
  { forUpdate = false } = {},
): Promise<ReferralWithPerson | null> {
  let q = db
    .selectFrom('access_referrals as r')
    .innerJoin('access_people as p', 'p.id', 'r.person_id')
    .selectAll('r')
    .select([...PERSON_COLUMNS])
    .where('r.system_id', '=', scope.systemId)
    .where('r.id', '=', id);
  if (scope.ids) q = q.where(sql`r.id::text`, 'in', scope.ids);
  if (forUpdate) q = q.forUpdate('r');
  const row = await q.executeTakeFirst();
  return row ? { ...toReferral(row), person: toPerson(row, 'p_') } : null;
}

export async function findReferralIdByReference(
  db: AnyDb,
  scope: ReferralScope,
  reference: string,
): Promise<string | null> {
  let q = db
    .selectFrom('access_referrals')
    .select('id')
    .where('system_id', '=', scope.systemId)
    .where('reference', '=', reference);
  if (scope.ids) q = q.where(sql`id::text`, 'in', scope.ids);
  const row = await q.executeTakeFirst();
  return row?.id ?? null;
}

/** Saves a new state if nobody changed the referral since `version` was read; false otherwise. */
export async function saveState(
  db: AnyDb,
  systemId: string,
  state: ReferralState,
  expectedVersion: number,
  extra: { clearClaim?: boolean; targetDueAt?: string | null } = {},
): Promise<boolean> {
  const result = await db
    .updateTable('access_referrals')
    .set({
      status: state.status,
      service_id: state.serviceId,
      updated_at: state.updatedAt,
      accepted_at: state.acceptedAt,
      first_contact_due: state.firstContactDue,
      first_contact_at: state.firstContactAt,
      closed_at: state.closedAt,
      outcome: state.outcome,
      redirect_count: state.redirectCount,
      version: state.version,
      ...(extra.targetDueAt !== undefined ? { target_due_at: extra.targetDueAt } : {}),
      ...(extra.clearClaim ? { claimed_by: null, claimed_by_name: null, claimed_at: null } : {}),
    })
    .where('system_id', '=', systemId)
    .where('id', '=', state.id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Claims an unclaimed, open referral in one statement: under concurrent claims exactly one update finds
 * claimed_by still null (PostgreSQL re-checks the condition after waiting on the row lock).
 */
export async function claim(
  db: AnyDb,
  systemId: string,
  id: string,
  who: { id: string; name: string },
  at: Date,
): Promise<boolean> {
  const row = await db
    .updateTable('access_referrals')
    .set({ claimed_by: who.id, claimed_by_name: who.name, claimed_at: at })
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .where('claimed_by', 'is', null)
    .where('status', '<>', 'closed')
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

export type ReferralFilters = {
  status?: string[];
  serviceId?: string;
  dueBefore?: Date;
  claimedBy?: string;
  component?: string;
  search?: WorklistSearch;
};

export type ListedReferral = ReferralRow & {
  givenName: string;
  familyName: string;
  nhsNumber: string;
  /** Where this row sits in the worklist's order, for the next or previous page's cursor. */
  position: WorklistPosition;
};

/**
 * A row's place in the worklist's order: due time (never due sorts last, as 'infinity'), then received, then
 * id, so rows with the same due time still have one order. The instants are PostgreSQL's own text for the
 * timestamptz (microseconds and offset kept), so a cursor compares exactly with the row it came from.
 */
export type WorklistPosition = { due: string; received: string; id: string };

/** The worklist's order as one never-null key; migration 0420 indexes the same expression. */
const DUE_KEY = sql`coalesce(r.first_contact_due, r.target_due_at, 'infinity'::timestamptz)`;

/** The count a page shows is exact up to this many rows and "more than" beyond, so no page counts the table. */
export const WORKLIST_COUNT_CAP = 1000;

/**
 * One page of the worklist by keyset: the rows after `after` (or before `before`) in due-time order, never an
 * OFFSET, so the cost of a page does not grow with the table (docs/benchmarks.md). Returns up to `pageSize + 1`
 * rows in the worklist's order so the caller can tell whether there is another page in the direction asked,
 * and a count capped at WORKLIST_COUNT_CAP + 1.
 */
export async function listReferrals(
  db: AnyDb,
  scope: ReferralScope,
  f: ReferralFilters,
  paging: { pageSize: number; after?: WorklistPosition; before?: WorklistPosition },
): Promise<{ rows: ListedReferral[]; total: number }> {
  let q = db.selectFrom('access_referrals as r').where('r.system_id', '=', scope.systemId);
  // The grant is checked per referral as the worklist's index is walked (a probe on person_relationships'
  // source index), so a page costs a page of probes whatever the size of either table. As `r.id in (grants)`
  // PostgreSQL joins every grant the actor holds instead: a hash of all of them on each read, growing with the
  // table, or, with stale statistics, a nested loop re-reading them per referral (130 ms at 450 referrals in
  // the load benchmark). OFFSET 0 keeps the planner from turning the EXISTS back into that join.
  if (scope.ids) q = q.where(sql<boolean>`exists (${scope.ids.where('source_id', '=', sql`r.id::text`).offset(0)})`);
  if (f.status?.length) q = q.where('r.status', 'in', f.status);
  if (f.serviceId) q = q.where('r.service_id', '=', f.serviceId);
  if (f.component) q = q.where('r.component', '=', f.component);
  if (f.claimedBy) q = q.where('r.claimed_by', '=', f.claimedBy);
  if (f.dueBefore) q = q.where(sql`coalesce(r.first_contact_due, r.target_due_at)`, '<', f.dueBefore);
  const search = f.search;
  if (search?.kind === 'reference') q = q.where('r.reference', '=', search.reference);
  if (search?.kind === 'nhsNumber' || search?.kind === 'name') {
    // A sub-select on the person keeps the count below free of a join.
    let people = db.selectFrom('access_people as sp').select('sp.id').where('sp.system_id', '=', scope.systemId);
    if (search.kind === 'nhsNumber') people = people.where('sp.nhs_number', '=', search.nhsNumber);
    else {
      for (const word of search.words) {
        people = people.where(
          sql<boolean>`lower(sp.given_name || ' ' || sp.family_name) like ${containsPattern(word)}`,
        );
      }
    }
    q = q.where('r.person_id', 'in', people);
  }
  // The count stops at the cap (no join: every referral has its person), so it costs at most
  // WORKLIST_COUNT_CAP + 1 grant probes whatever the size of the table. It has no order: with one, PostgreSQL
  // reads and sorts every match to find which are first, when any 1,001 give the same count.
  const counted = await db
    .selectFrom(
      q
        .select(sql`1`.as('one'))
        .limit(WORKLIST_COUNT_CAP + 1)
        .as('c'),
    )
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const backwards = !paging.after && !!paging.before;
  const at = paging.after ?? paging.before;
  if (at) {
    const cursor = sql`(${sql.val(at.due)}::timestamptz, ${sql.val(at.received)}::timestamptz, ${sql.val(at.id)}::uuid)`;
    q = q.where(sql<boolean>`(${DUE_KEY}, r.received_at, r.id) ${sql.raw(backwards ? '<' : '>')} ${cursor}`);
  }
  const direction = backwards ? 'desc' : 'asc';
  const rows = await q
    .innerJoin('access_people as p', 'p.id', 'r.person_id')
    .selectAll('r')
    .select(['p.given_name', 'p.family_name', 'p.nhs_number'])
    .select([
      sql<string>`(${DUE_KEY})::text`.as('position_due'),
      sql<string>`r.received_at::text`.as('position_received'),
    ])
    .orderBy(sql`${DUE_KEY} ${sql.raw(direction)}`)
    .orderBy('r.received_at', direction)
    .orderBy('r.id', direction)
    .limit(paging.pageSize + 1)
    .execute();
  if (backwards) rows.reverse();
  return {
    rows: rows.map((r) => ({
      ...toReferral(r),
      givenName: r.given_name,
      familyName: r.family_name,
      nhsNumber: r.nhs_number,
      position: { due: r.position_due, received: r.position_received, id: r.id },
    })),
    total: Number(counted.total),
  };
}

export async function listEvents(
  db: AnyDb,
  systemId: string,
  referralIds: string[],
): Promise<(EventRow & { referralId: string })[]> {
  if (referralIds.length === 0) return [];
  const rows = await db
    .selectFrom('access_referral_events')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('referral_id', 'in', referralIds)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    referralId: r.referral_id,
    type: r.type,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    at: iso(r.at)!,
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorRole: r.actor_role,
    reason: r.reason,
    note: r.note,
    serviceId: r.service_id,
    fromServiceId: r.from_service_id,
    outcome: r.outcome,
    firstContactDue: iso(r.first_contact_due),
  }));
}

/** Every referral of the person the scope may see (newest first), for their timeline. */
export async function referralsOfPerson(db: AnyDb, scope: ReferralScope, personId: string): Promise<ReferralRow[]> {
  let q = db
    .selectFrom('access_referrals')
    .selectAll()
    .where('system_id', '=', scope.systemId)
    .where('person_id', '=', personId);
  if (scope.ids) q = q.where(sql`id::text`, 'in', scope.ids);
  const rows = await q.orderBy('received_at', 'desc').execute();
  return rows.map(toReferral);
}

export async function complianceFacts(
  db: AnyDb,
  systemId: string,
  range: { from?: Date; to?: Date },
): Promise<
  {
    component: string;
    borough: string;
    receivedAt: string;
    redirectCount: number;
    firstContactAt: string | null;
    firstContactDue: string | null;
    closedAt: string | null;
    /** Age in whole years when referred. */
    age: number;
    /** The outward code of the person's postcode (e.g. N19), for area measures such as deprivation. */
    postcodeDistrict: string;
  }[]
> {
  let q = db
    .selectFrom('access_referrals as r')
    .innerJoin('access_people as p', 'p.id', 'r.person_id')
    .select([
      'r.component',
      'r.borough',
      'r.age',
      'r.received_at',
      'r.redirect_count',
      'r.first_contact_at',
      'r.first_contact_due',
      'r.closed_at',
      'p.postcode',
    ])
    .where('r.system_id', '=', systemId);
  if (range.from) q = q.where('r.received_at', '>=', range.from);
  if (range.to) q = q.where('r.received_at', '<', range.to);
  const rows = await q.execute();
  return rows.map((r) => ({
    component: r.component,
    borough: r.borough,
    receivedAt: iso(r.received_at)!,
    redirectCount: r.redirect_count,
    firstContactAt: iso(r.first_contact_at),
    firstContactDue: iso(r.first_contact_due),
    closedAt: iso(r.closed_at),
    age: Number(r.age),
    postcodeDistrict: r.postcode.trim().toUpperCase().split(/\s+/)[0] ?? '',
  }));
}

export async function listGaps(
  db: AnyDb,
  systemId: string,
  paging: { page: number; pageSize: number },
): Promise<{ rows: GapRow[]; total: number }> {
  const base = db.selectFrom('access_offer_gaps').where('system_id', '=', systemId);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(paging.pageSize)
    .offset((paging.page - 1) * paging.pageSize)
    .execute();
  return {
    rows: rows.map((r) => ({
      id: Number(r.id),
      referralId: r.referral_id,
      component: r.component,
      ageGroup: r.age_group,
      borough: r.borough,
      kind: r.kind,
      level: r.level,
      message: r.message,
      recordedAt: iso(r.recorded_at)!,
    })),
    total: Number(total),
  };
}

/** Gaps counted by component, age group, borough and kind, most frequent first. */
export async function gapSummary(
  db: AnyDb,
  systemId: string,
): Promise<
  { component: string; ageGroup: string; borough: string; kind: string; level: string; count: number; last: string }[]
> {
  const rows = await db
    .selectFrom('access_offer_gaps')
    .select(['component', 'age_group', 'borough', 'kind', 'level'])
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('recorded_at').as('last')])
    .where('system_id', '=', systemId)
    .groupBy(['component', 'age_group', 'borough', 'kind', 'level'])
    .orderBy('n', 'desc')
    .orderBy('component')
    .execute();
  return rows.map((r) => ({
    component: r.component,
    ageGroup: r.age_group,
    borough: r.borough,
    kind: r.kind,
    level: r.level,
    count: Number(r.n),
    last: iso(r.last)!,
  }));
}
