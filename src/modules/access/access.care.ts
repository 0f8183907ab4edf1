// What the care module may read of the central point of access: a referral with its person and the
// communication needs captured at referral, a person by NHS number, and a person's referrals. These do no
// authorisation and write no audit: the care module calls them only after its own legitimate-relationship
// check (platform/auth/relationships.ts) and audits the read itself, in the same transaction.
import type { AnyDb } from '../../platform/db/database.ts';
import type { Communication, PersonRow } from './access.repository.ts';
import { findReferral, referralsOfPerson, wholeSystem } from './access.repository.ts';

export interface CareReferral {
  id: string;
  reference: string;
  personId: string;
  component: string;
  status: string;
  serviceId: string | null;
  reason: string;
  source: string;
  urgency: string;
  receivedAt: string;
  acceptedAt: string | null;
  communication: Communication;
  person: PersonRow;
}

/** One referral with its person, for the care record (no audit: the caller audits). */
export async function referralForCare(db: AnyDb, systemId: string, referralId: string): Promise<CareReferral | null> {
  const r = await findReferral(db, wholeSystem(systemId), referralId);
  if (!r) return null;
  return {
    id: r.id,
    reference: r.reference,
    personId: r.personId,
    component: r.component,
    status: r.status,
    serviceId: r.serviceId,
    reason: r.reason,
    source: r.source,
    urgency: r.urgency,
    receivedAt: r.receivedAt,
    acceptedAt: r.acceptedAt,
    communication: r.communication,
    person: r.person,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: untyped rows from the module's own table
function person(r: any): PersonRow {
  return {
    id: r.id,
    nhsNumber: r.nhs_number,
    givenName: r.given_name,
    familyName: r.family_name,
    birthDate: r.birth_date,
    postcode: r.postcode,
    gpPractice: r.gp_practice,
    phone: r.phone,
    email: r.email,
  };
}

/** People by id (the care module filters ids through visiblePeople first). */
export async function peopleForCare(db: AnyDb, systemId: string, ids: readonly string[]): Promise<PersonRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('access_people')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(person);
}

/** A person by NHS number (10 digits, no spaces). */
export async function personByNhsNumberForCare(
  db: AnyDb,
  systemId: string,
  nhsNumber: string,
): Promise<PersonRow | null> {
  const row = await db
    .selectFrom('access_people')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('nhs_number', '=', nhsNumber)
    .executeTakeFirst();
  return row ? person(row) : null;
}

/** A person's referrals, newest first, each with its receiving service and communication needs. */
export async function referralsForCare(
  db: AnyDb,
  systemId: string,
  personId: string,
): Promise<Omit<CareReferral, 'person'>[]> {
  const rows = await referralsOfPerson(db, wholeSystem(systemId), personId);
  return rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    personId: r.personId,
    component: r.component,
    status: r.status,
    serviceId: r.serviceId,
    reason: r.reason,
    source: r.source,
    urgency: r.urgency,
    receivedAt: r.receivedAt,
    acceptedAt: r.acceptedAt,
    communication: r.communication,
  }));
}
