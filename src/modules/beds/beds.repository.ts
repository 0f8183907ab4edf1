// The beds module's SQL: the only code that touches beds_* tables. Rows come back in camelCase; dates as
// 'YYYY-MM-DD' and instants as ISO strings on both engines.
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type { Bay, BedEvent, BedState, NeededSex, Urgency, WardSex, WardType } from './beds.ts';
import { transition } from './beds.ts';

export type WardRow = {
  id: string;
  trustCode: string;
  trustName: string;
  site: string;
  borough: string;
  postcodeDistrict: string;
  name: string;
  type: WardType;
  sex: WardSex;
  source: string;
};
export type BedRow = {
  id: string;
  wardId: string;
  label: string;
  bay: Bay | null;
  state: BedState;
  closedReason: string | null;
  stateChangedAt: string;
  version: number;
};
export type PatientRow = {
  id: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  homePostcode: string;
  homeBorough: string | null;
};
export type RequestStatus = 'waiting' | 'allocated' | 'admitted' | 'placed-out-of-area' | 'cancelled';
export type RequestRow = {
  id: string;
  reference: string;
  patientId: string;
  source: string;
  wardType: WardType;
  sex: NeededSex;
  urgency: Urgency;
  homeBorough: string | null;
  homeDistrict: string | null;
  notes: string | null;
  status: RequestStatus;
  requestedAt: string;
  requestedBy: string;
  requestedByName: string;
  requesterOrganisation: string | null;
  bedId: string | null;
  allocatedAt: string | null;
  allocatedByName: string | null;
  closedAt: string | null;
  placementId: string | null;
};
export type StayRow = {
  id: string;
  patientId: string;
  requestId: string | null;
  bedId: string;
  wardId: string;
  admittedAt: string;
  readySince: string | null;
  delayReason: string | null;
  dischargedAt: string | null;
  dischargeDestination: string | null;
  onLeave: boolean;
  leaveExpectedBack: string | null;
};
export type PlacementRow = {
  id: string;
  patientId: string;
  requestId: string | null;
  wardType: WardType;
  sex: NeededSex;
  homeBorough: string | null;
  homeDistrict: string | null;
  providerName: string;
  providerCode: string | null;
  locationDistrict: string;
  locationPlace: string | null;
  distanceKm: number | null;
  startDate: string;
  endDate: string | null;
  reason: string;
  appropriate: boolean;
  costPerDayPence: number;
  repatriatedStayId: string | null;
};

const iso = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));
const isoNN = (v: unknown) => iso(v) as string;
const date = (v: unknown) =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);

// biome-ignore lint/suspicious/noExplicitAny: row mapping
const toWard = (r: any): WardRow => ({
  id: r.id,
  trustCode: r.trust_code,
  trustName: r.trust_name,
  site: r.site,
  borough: r.borough,
  postcodeDistrict: r.postcode_district,
  name: r.name,
  type: r.type,
  sex: r.sex,
  source: r.source,
});
// biome-ignore lint/suspicious/noExplicitAny: row mapping
const toBed = (r: any): BedRow => ({
  id: r.id,
  wardId: r.ward_id,
  label: r.label,
  bay: r.bay,
  state: r.state,
  closedReason: r.closed_reason,
  stateChangedAt: isoNN(r.state_changed_at),
  version: Number(r.version),
});
// biome-ignore lint/suspicious/noExplicitAny: row mapping
const toPatient = (r: any): PatientRow => ({
  id: r.id,
  nhsNumber: r.nhs_number,
  givenName: r.given_name,
  familyName: r.family_name,
  birthDate: date(r.birth_date) as string,
  homePostcode: r.home_postcode,
  homeBorough: r.home_borough,
});
// biome-ignore lint/suspicious/noExplicitAny: row mapping
const toRequest = (r: any): RequestRow => ({
  id: r.id,
  reference: r.reference,
  patientId: r.patient_id,
  source: r.source,
  wardType: r.ward_type,
  sex: r.sex,
  urgency: r.urgency,
  homeBorough: r.home_borough,
  homeDistrict: r.home_district,
  notes: r.notes,
  status: r.status,
  requestedAt: isoNN(r.requested_at),
  requestedBy: r.requested_by,
  requestedByName: r.requested_by_name,
  requesterOrganisation: r.requester_organisation,
  bedId: r.bed_id,
  allocatedAt: iso(r.allocated_at),
  allocatedByName: r.allocated_by_name,
  closedAt: iso(r.closed_at),
  placementId: r.placement_id,
});
// biome-ignore lint/suspicious/noExplicitAny: row mapping
const toStay = (r: any): StayRow => ({
  id: r.id,
  patientId: r.patient_id,
  requestId: r.request_id,
  bedId: r.bed_id,
  wardId: r.ward_id,
  admittedAt: isoNN(r.admitted_at),
  readySince: date(r.ready_since),
  delayReason: r.delay_reason,
  dischargedAt: iso(r.discharged_at),
  dischargeDestination: r.discharge_destination,
  onLeave: !!r.leave_id,
  leaveExpectedBack: date(r.leave_expected_back),
});
// biome-ignore lint/suspicious/noExplicitAny: row mapping
const toPlacement = (r: any): PlacementRow => ({
  id: r.id,
  patientId: r.patient_id,
  requestId: r.request_id,
  wardType: r.ward_type,
  sex: r.sex,
  homeBorough: r.home_borough,
  homeDistrict: r.home_district,
  providerName: r.provider_name,
  providerCode: r.provider_code,
  locationDistrict: r.location_district,
  locationPlace: r.location_place,
  distanceKm: r.distance_km === null ? null : Number(r.distance_km),
  startDate: date(r.start_date) as string,
  endDate: date(r.end_date),
  reason: r.reason,
  appropriate: !!r.appropriate,
  costPerDayPence: Number(r.cost_per_day_pence),
  repatriatedStayId: r.repatriated_stay_id,
});

/** Multi-row inserts for loading data (demo seed), 200 rows a query. */
export async function insertRows(
  db: AnyDb,
  table: 'beds_beds' | 'beds_patients' | 'beds_stays' | 'beds_leave' | 'beds_bed_events',
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + 200))
      .execute();
}

// Wards and beds ------------------------------------------------------------------------------------------

export async function insertWard(db: AnyDb, systemId: string, w: WardRow): Promise<void> {
  await db
    .insertInto('beds_wards')
    .values({
      id: w.id,
      system_id: systemId,
      trust_code: w.trustCode,
      trust_name: w.trustName,
      site: w.site,
      borough: w.borough,
      postcode_district: w.postcodeDistrict,
      name: w.name,
      type: w.type,
      sex: w.sex,
      source: w.source,
    })
    .execute();
}

export async function insertBed(
  db: AnyDb,
  systemId: string,
  b: {
    id: string;
    wardId: string;
    label: string;
    bay: Bay | null;
    state?: BedState;
    closedReason?: string | null;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('beds_beds')
    .values({
      id: b.id,
      system_id: systemId,
      ward_id: b.wardId,
      label: b.label,
      bay: b.bay,
      state: b.state ?? 'available',
      closed_reason: b.closedReason ?? null,
      state_changed_at: b.at,
    })
    .execute();
}

export async function listWards(db: AnyDb, systemId: string): Promise<WardRow[]> {
  const rows = await db
    .selectFrom('beds_wards')
    .selectAll()
    .where('system_id', '=', systemId)
    .orderBy('trust_name')
    .orderBy('site')
    .orderBy('name')
    .execute();
  return rows.map(toWard);
}

export async function listBeds(db: AnyDb, systemId: string): Promise<BedRow[]> {
  const rows = await db.selectFrom('beds_beds').selectAll().where('system_id', '=', systemId).orderBy('id').execute();
  return rows.map(toBed);
}

export async function findBed(db: AnyDb, systemId: string, id: string): Promise<BedRow | null> {
  const r = await db
    .selectFrom('beds_beds')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toBed(r) : null;
}

export async function findWard(db: AnyDb, systemId: string, id: string): Promise<WardRow | null> {
  const r = await db
    .selectFrom('beds_wards')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toWard(r) : null;
}

/**
 * Moves a bed through one event, only if it is in a state the event starts from: a conditional update, so
 * of two people changing the same bed at once exactly one succeeds (the other's update matches no row,
 * because it re-reads the row after the first commits). Returns the bed after the change, or null.
 */
export async function applyBedEvent(
  db: AnyDb,
  systemId: string,
  bedId: string,
  event: BedEvent,
  at: Date,
  closedReason: string | null = null,
): Promise<BedRow | null> {
  const t = transition(event);
  // The state before: the one the transition allows, or (discharge, from occupied or leave) read under the
  // row lock the update would take anyway.
  let fromState: BedState | null = t.from.length === 1 ? t.from[0] : null;
  if (!fromState) {
    const row = await db
      .selectFrom('beds_beds')
      .select('state')
      .where('system_id', '=', systemId)
      .where('id', '=', bedId)
      .forUpdate()
      .executeTakeFirst();
    fromState = (row?.state as BedState | undefined) ?? null;
  }
  const r = await db
    .updateTable('beds_beds')
    .set({
      state: t.to,
      closed_reason: t.to === 'closed' ? closedReason : null,
      state_changed_at: at,
      version: sql`version + 1`,
    })
    .where('system_id', '=', systemId)
    .where('id', '=', bedId)
    .where('state', 'in', [...t.from])
    .returningAll()
    .executeTakeFirst();
  if (!r) return null;
  await db
    .insertInto('beds_bed_events')
    .values({
      system_id: systemId,
      bed_id: bedId,
      from_state: fromState,
      to_state: t.to,
      closed_reason: t.to === 'closed' ? closedReason : null,
      at,
    })
    .execute();
  return toBed(r);
}

export type BedEventRow = { bedId: string; fromState: BedState | null; toState: BedState; at: string };

/**
 * The bed state changes a period needs: every change from `from` on, and for each bed the last change
 * before it (its state when the period starts). Oldest first.
 */
export async function bedEventsFrom(db: AnyDb, systemId: string, from: Date): Promise<BedEventRow[]> {
  const [before, during] = await Promise.all([
    db
      .selectFrom('beds_bed_events')
      .distinctOn('bed_id')
      .select(['bed_id', 'from_state', 'to_state', 'at'])
      .where('system_id', '=', systemId)
      .where('at', '<', from)
      .orderBy('bed_id')
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    db
      .selectFrom('beds_bed_events')
      .select(['bed_id', 'from_state', 'to_state', 'at'])
      .where('system_id', '=', systemId)
      .where('at', '>=', from)
      .orderBy('at')
      .orderBy('id')
      .execute(),
  ]);
  return [...before, ...during]
    .map((r) => ({
      bedId: r.bed_id as string,
      fromState: (r.from_state as BedState | null) ?? null,
      toState: r.to_state as BedState,
      at: isoNN(r.at),
    }))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

// People ----------------------------------------------------------------------------------------------------

export async function upsertPatient(
  db: AnyDb,
  systemId: string,
  p: Omit<PatientRow, 'id'> & { id: string },
): Promise<PatientRow> {
  const r = await db
    .insertInto('beds_patients')
    .values({
      id: p.id,
      system_id: systemId,
      nhs_number: p.nhsNumber,
      given_name: p.givenName,
      family_name: p.familyName,
      birth_date: p.birthDate,
      home_postcode: p.homePostcode,
      home_borough: p.homeBorough,
    })
    .onConflict((oc) =>
      oc.columns(['system_id', 'nhs_number']).doUpdateSet({
        given_name: p.givenName,
        family_name: p.familyName,
        birth_date: p.birthDate,
        home_postcode: p.homePostcode,
        home_borough: p.homeBorough,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toPatient(r);
}

export async function patientsByIds(
  db: AnyDb,
  systemId: string,
  ids: readonly string[],
): Promise<Map<string, PatientRow>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('beds_patients')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id as string, toPatient(r)]));
}

// Requests --------------------------------------------------------------------------------------------------

export async function insertRequest(
  db: AnyDb,
  systemId: string,
  r: Omit<RequestRow, 'status' | 'bedId' | 'allocatedAt' | 'allocatedByName' | 'closedAt'> & {
    status?: RequestStatus;
  },
): Promise<RequestRow> {
  const row = await db
    .insertInto('beds_requests')
    .values({
      id: r.id,
      system_id: systemId,
      reference: r.reference,
      patient_id: r.patientId,
      source: r.source,
      ward_type: r.wardType,
      sex: r.sex,
      urgency: r.urgency,
      home_borough: r.homeBorough,
      home_district: r.homeDistrict,
      notes: r.notes,
      status: r.status ?? 'waiting',
      requested_at: r.requestedAt,
      requested_by: r.requestedBy,
      requested_by_name: r.requestedByName,
      requester_organisation: r.requesterOrganisation,
      placement_id: r.placementId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRequest(row);
}

export async function findRequest(db: AnyDb, systemId: string, id: string): Promise<RequestRow | null> {
  const r = await db
    .selectFrom('beds_requests')
    .selectAll()
    .where('system_id', '=', systemId)
    .where(sql<boolean>`id::text = ${id}`)
    .executeTakeFirst();
  return r ? toRequest(r) : null;
}

/** Requests whose person the caller may see (`visible` is the relationships subquery). */
export async function listRequests(
  db: AnyDb,
  systemId: string,
  // biome-ignore lint/suspicious/noExplicitAny: a Kysely subquery of person ids
  visible: any,
  q: { statuses: readonly RequestStatus[]; limit: number; offset: number },
): Promise<{ rows: RequestRow[]; total: number }> {
  const base = db
    .selectFrom('beds_requests')
    .where('system_id', '=', systemId)
    .where('status', 'in', [...q.statuses])
    .where(sql<boolean>`patient_id::text in (${visible})`);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy(sql`case urgency when 'emergency' then 0 when 'urgent' then 1 else 2 end`)
    .orderBy('requested_at')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { rows: rows.map(toRequest), total: Number(total) };
}

/** waiting → allocated, only if still waiting. */
export async function markAllocated(
  db: AnyDb,
  systemId: string,
  requestId: string,
  bedId: string,
  at: Date,
  byName: string,
): Promise<RequestRow | null> {
  const r = await db
    .updateTable('beds_requests')
    .set({ status: 'allocated', bed_id: bedId, allocated_at: at, allocated_by_name: byName })
    .where('system_id', '=', systemId)
    .where(sql<boolean>`id::text = ${requestId}`)
    .where('status', '=', 'waiting')
    .returningAll()
    .executeTakeFirst();
  return r ? toRequest(r) : null;
}

export async function setRequestStatus(
  db: AnyDb,
  systemId: string,
  requestId: string,
  from: readonly RequestStatus[],
  to: RequestStatus,
  at: Date,
  clearBed = false,
): Promise<RequestRow | null> {
  const r = await db
    .updateTable('beds_requests')
    .set({
      status: to,
      closed_at: to === 'waiting' || to === 'allocated' ? null : at,
      ...(clearBed ? { bed_id: null, allocated_at: null, allocated_by_name: null } : {}),
    })
    .where('system_id', '=', systemId)
    .where(sql<boolean>`id::text = ${requestId}`)
    .where('status', 'in', [...from])
    .returningAll()
    .executeTakeFirst();
  return r ? toRequest(r) : null;
}

export async function requestCounts(db: AnyDb, systemId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('beds_requests')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('system_id', '=', systemId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status as string, Number(r.n)]));
}

// Stays -------------------------------------------------------------------------------------------------------

const staySelect = (db: AnyDb) =>
  db
    .selectFrom('beds_stays as s')
    .leftJoin('beds_leave as l', (j) => j.onRef('l.stay_id', '=', 's.id').on('l.ended_at', 'is', null))
    .selectAll('s')
    .select(['l.id as leave_id', 'l.expected_back as leave_expected_back']);

export async function insertStay(
  db: AnyDb,
  systemId: string,
  s: { id: string; patientId: string; requestId: string | null; bedId: string; wardId: string; admittedAt: Date },
): Promise<void> {
  await db
    .insertInto('beds_stays')
    .values({
      id: s.id,
      system_id: systemId,
      patient_id: s.patientId,
      request_id: s.requestId,
      bed_id: s.bedId,
      ward_id: s.wardId,
      admitted_at: s.admittedAt,
    })
    .execute();
}

export async function findStay(db: AnyDb, systemId: string, id: string): Promise<StayRow | null> {
  const r = await staySelect(db)
    .where('s.system_id', '=', systemId)
    .where(sql<boolean>`s.id::text = ${id}`)
    .executeTakeFirst();
  return r ? toStay(r) : null;
}

// biome-ignore lint/suspicious/noExplicitAny: a Kysely subquery of person ids
export async function openStays(db: AnyDb, systemId: string, visible: any): Promise<StayRow[]> {
  const rows = await staySelect(db)
    .where('s.system_id', '=', systemId)
    .where('s.discharged_at', 'is', null)
    .where(sql<boolean>`s.patient_id::text in (${visible})`)
    .orderBy('s.ward_id')
    .orderBy('s.bed_id')
    .execute();
  return rows.map(toStay);
}

/** Open stays without personal details: for the board's delayed-discharge counts. */
export async function openStayFacts(
  db: AnyDb,
  systemId: string,
): Promise<{ wardId: string; bedId: string; readySince: string | null; delayReason: string | null }[]> {
  const rows = await db
    .selectFrom('beds_stays')
    .select(['ward_id', 'bed_id', 'ready_since', 'delay_reason'])
    .where('system_id', '=', systemId)
    .where('discharged_at', 'is', null)
    .execute();
  return rows.map((r) => ({
    wardId: r.ward_id as string,
    bedId: r.bed_id as string,
    readySince: date(r.ready_since),
    delayReason: r.delay_reason as string | null,
  }));
}

/** Every stay overlapping [from, to): admitted before `to`, not discharged before `from`. No personal data. */
export async function staysOverlapping(
  db: AnyDb,
  systemId: string,
  from: Date,
  to: Date,
): Promise<{ wardId: string; admittedAt: string; dischargedAt: string | null }[]> {
  const rows = await db
    .selectFrom('beds_stays')
    .select(['ward_id', 'admitted_at', 'discharged_at'])
    .where('system_id', '=', systemId)
    .where('admitted_at', '<', to)
    .where((eb) => eb.or([eb('discharged_at', 'is', null), eb('discharged_at', '>=', from)]))
    .execute();
  return rows.map((r) => ({
    wardId: r.ward_id as string,
    admittedAt: isoNN(r.admitted_at),
    dischargedAt: iso(r.discharged_at),
  }));
}

export async function updateStay(
  db: AnyDb,
  systemId: string,
  id: string,
  set: Partial<{
    ready_since: string | null;
    delay_reason: string | null;
    discharged_at: Date;
    discharge_destination: string;
  }>,
  onlyOpen = true,
): Promise<boolean> {
  let q = db.updateTable('beds_stays').set(set).where('system_id', '=', systemId).where(sql<boolean>`id::text = ${id}`);
  if (onlyOpen) q = q.where('discharged_at', 'is', null);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0) === 1;
}

export async function startLeave(db: AnyDb, stayId: string, at: Date, expectedBack: string | null): Promise<void> {
  await db.insertInto('beds_leave').values({ stay_id: stayId, starts_at: at, expected_back: expectedBack }).execute();
}

export async function endLeave(db: AnyDb, stayId: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('beds_leave')
    .set({ ended_at: at })
    .where('stay_id', '=', stayId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0) === 1;
}

// Placements ----------------------------------------------------------------------------------------------

export async function insertPlacement(db: AnyDb, systemId: string, p: PlacementRow): Promise<PlacementRow> {
  const r = await db
    .insertInto('beds_placements')
    .values({
      id: p.id,
      system_id: systemId,
      patient_id: p.patientId,
      request_id: p.requestId,
      ward_type: p.wardType,
      sex: p.sex,
      home_borough: p.homeBorough,
      home_district: p.homeDistrict,
      provider_name: p.providerName,
      provider_code: p.providerCode,
      location_district: p.locationDistrict,
      location_place: p.locationPlace,
      distance_km: p.distanceKm,
      start_date: p.startDate,
      end_date: p.endDate,
      reason: p.reason,
      appropriate: p.appropriate,
      cost_per_day_pence: p.costPerDayPence,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toPlacement(r);
}

export async function findPlacement(db: AnyDb, systemId: string, id: string): Promise<PlacementRow | null> {
  const r = await db
    .selectFrom('beds_placements')
    .selectAll()
    .where('system_id', '=', systemId)
    .where(sql<boolean>`id::text = ${id}`)
    .executeTakeFirst();
  return r ? toPlacement(r) : null;
}

/** Placements (all, or only those the caller may see when `visible` is given), active first, longest out first. */
export async function listPlacements(
  db: AnyDb,
  systemId: string,
  // biome-ignore lint/suspicious/noExplicitAny: a Kysely subquery of person ids
  visible: any | null,
  q: { activeOnly: boolean; endedFrom?: string },
): Promise<PlacementRow[]> {
  let query = db.selectFrom('beds_placements').selectAll().where('system_id', '=', systemId);
  if (visible) query = query.where(sql<boolean>`patient_id::text in (${visible})`);
  if (q.activeOnly) query = query.where('end_date', 'is', null);
  else if (q.endedFrom) {
    const from = q.endedFrom;
    query = query.where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', from)]));
  }
  const rows = await query.orderBy(sql`end_date is null`, 'desc').orderBy('start_date').orderBy('id').execute();
  return rows.map(toPlacement);
}

export async function endPlacement(
  db: AnyDb,
  systemId: string,
  id: string,
  endDate: string,
  repatriatedStayId: string | null,
): Promise<boolean> {
  const r = await db
    .updateTable('beds_placements')
    .set({ end_date: endDate, repatriated_stay_id: repatriatedStayId })
    .where('system_id', '=', systemId)
    .where(sql<boolean>`id::text = ${id}`)
    .where('end_date', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0) === 1;
}
