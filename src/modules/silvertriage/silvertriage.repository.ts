// The silver triage module's SQL: the only code that touches st_* tables. Rows come back in camelCase.
import type { AnyDb } from '../../platform/db/database.ts';

export type RotaSlot = { id: string; startsAt: Date; endsAt: Date; clinicianName: string; speciality: string };
export type CallRow = {
  id: string;
  crew: string;
  callSign: string;
  incidentNumber: string;
  nhsNumber: string | null;
  age: number;
  postcodeDistrict: string;
  borough: string;
  calledAt: Date;
  answeredAt: Date | null;
  answeredBy: string | null;
  answeredByName: string | null;
  withinRota: boolean;
  advice: string | null;
  outcome: string | null;
  referralId: string | null;
  referralReference: string | null;
  corrects: string | null;
  supersededBy: string | null;
  correctionReason: string | null;
  recordedBy: string;
  recordedAt: Date;
};

const d = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

// biome-ignore lint/suspicious/noExplicitAny: rows from the module's own tables
function toCall(r: any): CallRow {
  return {
    id: r.id,
    crew: r.crew,
    callSign: r.call_sign,
    incidentNumber: r.incident_number,
    nhsNumber: r.nhs_number,
    age: Number(r.age),
    postcodeDistrict: r.postcode_district,
    borough: r.borough,
    calledAt: new Date(r.called_at),
    answeredAt: d(r.answered_at),
    answeredBy: r.answered_by,
    answeredByName: r.answered_by_name,
    withinRota: r.within_rota,
    advice: r.advice,
    outcome: r.outcome,
    referralId: r.referral_id,
    referralReference: r.referral_reference,
    corrects: r.corrects,
    supersededBy: r.superseded_by,
    correctionReason: r.correction_reason,
    recordedBy: r.recorded_by,
    recordedAt: new Date(r.recorded_at),
  };
}

export async function insertSlot(db: AnyDb, systemId: string, s: Omit<RotaSlot, 'id'>): Promise<void> {
  await db
    .insertInto('st_rota_slots')
    .values({
      system_id: systemId,
      starts_at: s.startsAt,
      ends_at: s.endsAt,
      clinician_name: s.clinicianName,
      speciality: s.speciality,
    })
    .execute();
}

export async function slotsBetween(db: AnyDb, systemId: string, from: Date, to: Date): Promise<RotaSlot[]> {
  const rows = await db
    .selectFrom('st_rota_slots')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('ends_at', '>', from)
    .where('starts_at', '<', to)
    .orderBy('starts_at')
    .execute();
  return rows.map((r) => ({
    id: String(r.id),
    startsAt: new Date(r.starts_at),
    endsAt: new Date(r.ends_at),
    clinicianName: r.clinician_name,
    speciality: r.speciality,
  }));
}

export async function insertCall(
  db: AnyDb,
  systemId: string,
  c: Omit<CallRow, 'id' | 'supersededBy'>,
): Promise<string> {
  const row = await db
    .insertInto('st_calls')
    .values({
      system_id: systemId,
      crew: c.crew,
      call_sign: c.callSign,
      incident_number: c.incidentNumber,
      nhs_number: c.nhsNumber,
      age: c.age,
      postcode_district: c.postcodeDistrict,
      borough: c.borough,
      called_at: c.calledAt,
      answered_at: c.answeredAt,
      answered_by: c.answeredBy,
      answered_by_name: c.answeredByName,
      within_rota: c.withinRota,
      advice: c.advice,
      outcome: c.outcome,
      referral_id: c.referralId,
      referral_reference: c.referralReference,
      corrects: c.corrects,
      correction_reason: c.correctionReason,
      recorded_by: c.recordedBy,
      recorded_at: c.recordedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id as string;
}

export async function findCall(
  db: AnyDb,
  systemId: string,
  id: string,
  { lock = false } = {},
): Promise<CallRow | null> {
  let q = db.selectFrom('st_calls').selectAll().where('system_id', '=', systemId).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toCall(row) : null;
}

export async function markSuperseded(db: AnyDb, id: string, by: string): Promise<void> {
  await db.updateTable('st_calls').set({ superseded_by: by }).where('id', '=', id).execute();
}

export async function listCalls(
  db: AnyDb,
  systemId: string,
  // biome-ignore lint/suspicious/noExplicitAny: a Kysely subquery of person ids
  visible: any,
  { limit, offset }: { limit: number; offset: number },
): Promise<{ rows: CallRow[]; total: number }> {
  const base = db
    .selectFrom('st_calls')
    .where('system_id', '=', systemId)
    .where('superseded_by', 'is', null)
    .where((eb) => eb(eb.cast('id', 'text'), 'in', visible));
  const rows = await base.selectAll().orderBy('called_at', 'desc').limit(limit).offset(offset).execute();
  const total = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return { rows: rows.map(toCall), total: Number(total.n) };
}

/** Current calls (not superseded) in [from, to), no personal data: for figures. */
export async function callFacts(
  db: AnyDb,
  systemId: string,
  from: Date,
  to: Date,
): Promise<
  { borough: string; calledAt: Date; answeredAt: Date | null; outcome: string | null; withinRota: boolean }[]
> {
  const rows = await db
    .selectFrom('st_calls')
    .select(['borough', 'called_at', 'answered_at', 'outcome', 'within_rota'])
    .where('system_id', '=', systemId)
    .where('superseded_by', 'is', null)
    .where('called_at', '>=', from)
    .where('called_at', '<', to)
    .execute();
  return rows.map((r) => ({
    borough: r.borough,
    calledAt: new Date(r.called_at),
    answeredAt: d(r.answered_at),
    outcome: r.outcome,
    withinRota: r.within_rota,
  }));
}
