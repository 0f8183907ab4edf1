// The virtual wards module's SQL: the only code that touches vw_* tables. Rows come back in camelCase.
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type { Risk } from './news2.ts';

export type WardRow = {
  id: string;
  systemId: string;
  name: string;
  providerCode: string;
  providerName: string;
  borough: string;
  pathway: string;
  capacity: number;
  minAge: number;
  maxAge: number;
  scoreSystem: 'news2' | 'pews';
  componentCode: string | null;
};
export type WardWithOccupancy = WardRow & { occupied: number };

export type AdmissionRow = {
  id: string;
  wardId: string;
  patientId: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  postcodeDistrict: string;
  route: 'step-up' | 'step-down';
  source: string;
  sourceReference: string | null;
  admittedAt: Date;
  admittedBy: string;
  overCapacityReason: string | null;
  responsibleUserId: string | null;
  responsibleName: string;
  obsEveryHours: number;
  spo2Scale: 1 | 2;
  spo2ScaleReason: string | null;
  visitsPerDay: number;
  /** The NEWS2 parameters the monitoring plan expects (all seven unless the clinician chose fewer). */
  planObservations: string[];
  /** The central point of access referral of a step-up from a referral. */
  referralId: string | null;
  status: 'active' | 'discharged';
  dischargedAt: Date | null;
  dischargeOutcome: string | null;
  bedDays: number | null;
};

export type ObservationRow = {
  id: string;
  admissionId: string;
  observedAt: Date;
  recordedBy: string;
  source: 'form' | 'device';
  readings: Record<string, unknown>;
  score: number | null;
  partialScore: number;
  risk: Risk;
  missing: string[];
  parameterScores: Record<string, number | null>;
};

export type EscalationRow = {
  id: string;
  admissionId: string;
  kind: 'score' | 'overdue-observation';
  risk: Risk | null;
  observationId: string | null;
  expectedAt: Date | null;
  raisedAt: Date;
  dueAt: Date;
  responseRequired: string;
  status: 'open' | 'claimed' | 'closed';
  claimedBy: string | null;
  claimedByName: string | null;
  claimedAt: Date | null;
  response: string | null;
  outcome: string | null;
  closedAt: Date | null;
};

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

// biome-ignore lint/suspicious/noExplicitAny: rows from the module's own tables
function toWard(r: any): WardRow {
  return {
    id: r.id,
    systemId: r.system_id,
    name: r.name,
    providerCode: r.provider_code,
    providerName: r.provider_name,
    borough: r.borough,
    pathway: r.pathway,
    capacity: Number(r.capacity),
    minAge: Number(r.min_age),
    maxAge: Number(r.max_age),
    scoreSystem: r.score_system,
    componentCode: r.component_code,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: rows from the module's own tables
function toAdmission(r: any): AdmissionRow {
  return {
    id: r.id,
    wardId: r.ward_id,
    patientId: r.patient_id,
    nhsNumber: r.nhs_number,
    givenName: r.given_name,
    familyName: r.family_name,
    birthDate: typeof r.birth_date === 'string' ? r.birth_date : String(r.birth_date),
    postcodeDistrict: r.postcode_district,
    route: r.route,
    source: r.source,
    sourceReference: r.source_reference,
    admittedAt: new Date(r.admitted_at),
    admittedBy: r.admitted_by,
    overCapacityReason: r.over_capacity_reason,
    responsibleUserId: r.responsible_user_id,
    referralId: r.referral_id ?? null,
    responsibleName: r.responsible_name,
    obsEveryHours: Number(r.obs_every_hours),
    spo2Scale: Number(r.spo2_scale) as 1 | 2,
    spo2ScaleReason: r.spo2_scale_reason,
    visitsPerDay: Number(r.visits_per_day),
    planObservations: json(r.plan_observations),
    status: r.status,
    dischargedAt: date(r.discharged_at),
    dischargeOutcome: r.discharge_outcome,
    bedDays: r.bed_days === null ? null : Number(r.bed_days),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: rows from the module's own tables
function toObservation(r: any): ObservationRow {
  return {
    id: String(r.id),
    admissionId: r.admission_id,
    observedAt: new Date(r.observed_at),
    recordedBy: r.recorded_by,
    source: r.source,
    readings: json(r.readings),
    score: r.score === null ? null : Number(r.score),
    partialScore: Number(r.partial_score),
    risk: r.risk,
    missing: json(r.missing),
    parameterScores: json(r.parameter_scores),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: rows from the module's own tables
function toEscalation(r: any): EscalationRow {
  return {
    id: r.id,
    admissionId: r.admission_id,
    kind: r.kind,
    risk: r.risk,
    observationId: r.observation_id === null ? null : String(r.observation_id),
    expectedAt: date(r.expected_at),
    raisedAt: new Date(r.raised_at),
    dueAt: new Date(r.due_at),
    responseRequired: r.response_required,
    status: r.status,
    claimedBy: r.claimed_by,
    claimedByName: r.claimed_by_name,
    claimedAt: date(r.claimed_at),
    response: r.response,
    outcome: r.outcome,
    closedAt: date(r.closed_at),
  };
}

export async function insertWard(db: AnyDb, w: WardRow): Promise<void> {
  await db
    .insertInto('vw_wards')
    .values({
      id: w.id,
      system_id: w.systemId,
      name: w.name,
      provider_code: w.providerCode,
      provider_name: w.providerName,
      borough: w.borough,
      pathway: w.pathway,
      capacity: w.capacity,
      min_age: w.minAge,
      max_age: w.maxAge,
      score_system: w.scoreSystem,
      component_code: w.componentCode,
    })
    .execute();
}

export async function listWards(db: AnyDb, systemId: string): Promise<WardWithOccupancy[]> {
  const rows = await db
    .selectFrom('vw_wards as w')
    .selectAll('w')
    .select((eb) =>
      eb
        .selectFrom('vw_admissions as a')
        .select(sql<number>`count(*)`.as('n'))
        .whereRef('a.ward_id', '=', 'w.id')
        .where('a.status', '=', 'active')
        .as('occupied'),
    )
    .where('w.system_id', '=', systemId)
    .orderBy('w.borough')
    .orderBy('w.name')
    .execute();
  return rows.map((r) => ({ ...toWard(r), occupied: Number(r.occupied ?? 0) }));
}

/** The ward, locked for the rest of the transaction so two admissions cannot both take its last place. */
export async function lockWard(db: AnyDb, systemId: string, id: string): Promise<WardWithOccupancy | null> {
  const row = await db
    .selectFrom('vw_wards')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return null;
  const occupied = await db
    .selectFrom('vw_admissions')
    .select(sql<number>`count(*)`.as('n'))
    .where('ward_id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return { ...toWard(row), occupied: Number(occupied.n) };
}

export async function findOrCreatePatient(
  db: AnyDb,
  systemId: string,
  p: { nhsNumber: string; givenName: string; familyName: string; birthDate: string; postcodeDistrict: string },
): Promise<string> {
  // An existing person's details are not overwritten by a new admission (issue 10: identity changes only
  // by a deliberate act); the admission form shows what is held.
  const existing = await db
    .selectFrom('vw_patients')
    .select('id')
    .where('system_id', '=', systemId)
    .where('nhs_number', '=', p.nhsNumber)
    .executeTakeFirst();
  if (existing) return existing.id as string;
  const row = await db
    .insertInto('vw_patients')
    .values({
      system_id: systemId,
      nhs_number: p.nhsNumber,
      given_name: p.givenName,
      family_name: p.familyName,
      birth_date: p.birthDate,
      postcode_district: p.postcodeDistrict,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id as string;
}

export async function hasActiveAdmission(db: AnyDb, patientId: string): Promise<boolean> {
  const row = await db
    .selectFrom('vw_admissions')
    .select('id')
    .where('patient_id', '=', patientId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Boolean(row);
}

export async function insertAdmission(
  db: AnyDb,
  systemId: string,
  a: Omit<
    AdmissionRow,
    | 'id'
    | 'nhsNumber'
    | 'givenName'
    | 'familyName'
    | 'birthDate'
    | 'postcodeDistrict'
    | 'status'
    | 'dischargedAt'
    | 'dischargeOutcome'
    | 'bedDays'
  >,
): Promise<string> {
  const row = await db
    .insertInto('vw_admissions')
    .values({
      system_id: systemId,
      ward_id: a.wardId,
      patient_id: a.patientId,
      route: a.route,
      source: a.source,
      source_reference: a.sourceReference,
      admitted_at: a.admittedAt,
      admitted_by: a.admittedBy,
      over_capacity_reason: a.overCapacityReason,
      responsible_user_id: a.responsibleUserId,
      responsible_name: a.responsibleName,
      obs_every_hours: a.obsEveryHours,
      spo2_scale: a.spo2Scale,
      spo2_scale_reason: a.spo2ScaleReason,
      visits_per_day: a.visitsPerDay,
      plan_observations: JSON.stringify(a.planObservations),
      referral_id: a.referralId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id as string;
}

function admissionsQuery(db: AnyDb, systemId: string) {
  return db
    .selectFrom('vw_admissions as a')
    .innerJoin('vw_patients as p', 'p.id', 'a.patient_id')
    .selectAll('a')
    .select(['p.nhs_number', 'p.given_name', 'p.family_name', 'p.birth_date', 'p.postcode_district'])
    .where('a.system_id', '=', systemId);
}

export async function findAdmission(
  db: AnyDb,
  systemId: string,
  id: string,
  { lock = false } = {},
): Promise<AdmissionRow | null> {
  let q = admissionsQuery(db, systemId).where('a.id', '=', id);
  if (lock) q = q.forUpdate('a');
  const row = await q.executeTakeFirst();
  return row ? toAdmission(row) : null;
}

/** Active admissions of the wards given, limited to the people in `visible` (a visiblePeople subquery). */
export async function activeAdmissions(
  db: AnyDb,
  systemId: string,
  // biome-ignore lint/suspicious/noExplicitAny: a Kysely subquery of person ids
  visible: any,
  wardIds?: string[],
): Promise<AdmissionRow[]> {
  let q = admissionsQuery(db, systemId).where('a.status', '=', 'active').where(sql`a.patient_id::text`, 'in', visible);
  if (wardIds) q = q.where('a.ward_id', 'in', wardIds.length ? wardIds : ['']);
  const rows = await q.orderBy('a.admitted_at').execute();
  return rows.map(toAdmission);
}

/** Every active admission of the system (the overdue sweep, run as the system). */
/** The systems with at least one patient on a virtual ward now. */
export async function systemsWithActiveAdmissions(db: AnyDb): Promise<string[]> {
  const rows = await db
    .selectFrom('vw_admissions')
    .select('system_id')
    .distinct()
    .where('status', '=', 'active')
    .execute();
  return rows.map((row) => row.system_id);
}

export async function allActiveAdmissions(db: AnyDb, systemId: string): Promise<AdmissionRow[]> {
  const rows = await admissionsQuery(db, systemId).where('a.status', '=', 'active').execute();
  return rows.map(toAdmission);
}

export async function dischargeAdmission(
  db: AnyDb,
  id: string,
  d: { dischargedAt: Date; outcome: string; bedDays: number },
): Promise<void> {
  await db
    .updateTable('vw_admissions')
    .set({ status: 'discharged', discharged_at: d.dischargedAt, discharge_outcome: d.outcome, bed_days: d.bedDays })
    .where('id', '=', id)
    .execute();
}

export async function insertObservation(
  db: AnyDb,
  systemId: string,
  o: Omit<ObservationRow, 'id'> & { recordedAt: Date },
): Promise<string> {
  const row = await db
    .insertInto('vw_observations')
    .values({
      system_id: systemId,
      admission_id: o.admissionId,
      observed_at: o.observedAt,
      recorded_at: o.recordedAt,
      recorded_by: o.recordedBy,
      source: o.source,
      readings: JSON.stringify(o.readings),
      score: o.score,
      partial_score: o.partialScore,
      risk: o.risk,
      missing: JSON.stringify(o.missing),
      parameter_scores: JSON.stringify(o.parameterScores),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}

export async function observationsOf(db: AnyDb, admissionIds: string[], limitEach = 100): Promise<ObservationRow[]> {
  if (admissionIds.length === 0) return [];
  const rows = await db
    .selectFrom('vw_observations')
    .selectAll()
    .where('admission_id', 'in', admissionIds)
    .orderBy('observed_at', 'desc')
    .limit(limitEach * admissionIds.length)
    .execute();
  return rows.map(toObservation).reverse();
}

export async function lastObservationAt(db: AnyDb, admissionId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('vw_observations')
    .select(sql<string>`max(observed_at)`.as('at'))
    .where('admission_id', '=', admissionId)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}

export async function insertEscalation(
  db: AnyDb,
  systemId: string,
  e: Pick<
    EscalationRow,
    'admissionId' | 'kind' | 'risk' | 'observationId' | 'expectedAt' | 'raisedAt' | 'dueAt' | 'responseRequired'
  >,
): Promise<string | null> {
  const row = await db
    .insertInto('vw_escalations')
    .values({
      system_id: systemId,
      admission_id: e.admissionId,
      kind: e.kind,
      risk: e.risk,
      observation_id: e.observationId,
      expected_at: e.expectedAt,
      raised_at: e.raisedAt,
      due_at: e.dueAt,
      response_required: e.responseRequired,
    })
    .onConflict((oc) =>
      oc.columns(['admission_id', 'expected_at']).where('kind', '=', 'overdue-observation').doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  return (row?.id as string | undefined) ?? null;
}

export async function openEscalationsOf(db: AnyDb, admissionIds: string[]): Promise<EscalationRow[]> {
  if (admissionIds.length === 0) return [];
  const rows = await db
    .selectFrom('vw_escalations')
    .selectAll()
    .where('admission_id', 'in', admissionIds)
    .where('status', '!=', 'closed')
    .orderBy('due_at')
    .execute();
  return rows.map(toEscalation);
}

export async function escalationsOf(db: AnyDb, admissionId: string): Promise<EscalationRow[]> {
  const rows = await db
    .selectFrom('vw_escalations')
    .selectAll()
    .where('admission_id', '=', admissionId)
    .orderBy('raised_at', 'desc')
    .execute();
  return rows.map(toEscalation);
}

export async function findEscalation(db: AnyDb, systemId: string, id: string): Promise<EscalationRow | null> {
  const row = await db
    .selectFrom('vw_escalations')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row ? toEscalation(row) : null;
}

export async function updateEscalation(db: AnyDb, id: string, set: Record<string, unknown>): Promise<void> {
  await db.updateTable('vw_escalations').set(set).where('id', '=', id).execute();
}

/** Bed days at home and discharges by outcome, per ward, for stays that ended in [from, to). */
export async function dischargeFigures(
  db: AnyDb,
  systemId: string,
  from: Date,
  to: Date,
): Promise<{ wardId: string; outcome: string; discharges: number; bedDays: number }[]> {
  const rows = await db
    .selectFrom('vw_admissions')
    .select(['ward_id', 'discharge_outcome'])
    .select(sql<number>`count(*)`.as('n'))
    .select(sql<number>`coalesce(sum(bed_days), 0)`.as('days'))
    .where('system_id', '=', systemId)
    .where('status', '=', 'discharged')
    .where('discharged_at', '>=', from)
    .where('discharged_at', '<', to)
    .groupBy(['ward_id', 'discharge_outcome'])
    .execute();
  return rows.map((r) => ({
    wardId: r.ward_id,
    outcome: r.discharge_outcome as string,
    discharges: Number(r.n),
    bedDays: Number(r.days),
  }));
}

/** The stays (ward, start, end) that overlap [from, to]: for occupancy over time. No person. */
export async function staysOverlapping(
  db: AnyDb,
  systemId: string,
  from: Date,
  to: Date,
): Promise<{ wardId: string; admittedAt: Date; dischargedAt: Date | null }[]> {
  const rows = await db
    .selectFrom('vw_admissions')
    .select(['ward_id', 'admitted_at', 'discharged_at'])
    .where('system_id', '=', systemId)
    .where('admitted_at', '<=', to)
    .where((eb) => eb.or([eb('discharged_at', 'is', null), eb('discharged_at', '>', from)]))
    .execute();
  return rows.map((r) => ({
    wardId: r.ward_id,
    admittedAt: new Date(r.admitted_at as unknown as string),
    dischargedAt: r.discharged_at ? new Date(r.discharged_at as unknown as string) : null,
  }));
}

/** Every admission (active or discharged) of the people in `visible` (a visiblePeople subquery), optionally one person's. */
export async function visibleAdmissions(
  db: AnyDb,
  systemId: string,
  // biome-ignore lint/suspicious/noExplicitAny: a Kysely subquery of person ids
  visible: any,
  patientId?: string,
): Promise<AdmissionRow[]> {
  let q = admissionsQuery(db, systemId).where(sql`a.patient_id::text`, 'in', visible);
  if (patientId) q = q.where(sql`a.patient_id::text`, '=', patientId);
  const rows = await q.orderBy('a.admitted_at').orderBy('a.id').execute();
  return rows.map(toAdmission);
}

/** The admission an observation was recorded on (null when there is no such observation). */
export async function admissionOfObservation(
  db: AnyDb,
  systemId: string,
  observationId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('vw_observations')
    .select('admission_id')
    .where('system_id', '=', systemId)
    .where('id', '=', observationId)
    .executeTakeFirst();
  return row ? String(row.admission_id) : null;
}

export type WardVisitRow = {
  visitId: string;
  admissionId: string;
  day: string;
  slot: number;
  visitsPerDay: number;
  windowStart: string;
  status: 'open' | 'cancelled';
};

const dayText = (v: unknown) =>
  v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'string' ? v.slice(0, 10) : String(v);

export async function insertVisitLinks(
  db: AnyDb,
  systemId: string,
  links: Omit<WardVisitRow, 'status'>[],
  at: Date,
): Promise<void> {
  if (!links.length) return;
  await db
    .insertInto('vw_visits')
    .values(
      links.map((l) => ({
        visit_id: l.visitId,
        system_id: systemId,
        admission_id: l.admissionId,
        day: l.day,
        slot: l.slot,
        visits_per_day: l.visitsPerDay,
        window_start: l.windowStart,
        booked_at: at,
      })),
    )
    .execute();
}

/** The visits booked for admissions, soonest first; open ones only unless `all`. */
export async function visitLinksOf(db: AnyDb, admissionIds: string[], { all = false } = {}): Promise<WardVisitRow[]> {
  if (!admissionIds.length) return [];
  let q = db.selectFrom('vw_visits').selectAll().where('admission_id', 'in', admissionIds);
  if (!all) q = q.where('status', '=', 'open');
  const rows = await q.orderBy('day').orderBy('window_start').execute();
  return rows.map((r) => ({
    visitId: r.visit_id,
    admissionId: r.admission_id,
    day: dayText(r.day),
    slot: Number(r.slot),
    visitsPerDay: Number(r.visits_per_day),
    windowStart: r.window_start,
    status: r.status,
  }));
}

export async function cancelVisitLinks(db: AnyDb, visitIds: string[], at: Date): Promise<void> {
  if (!visitIds.length) return;
  await db
    .updateTable('vw_visits')
    .set({ status: 'cancelled', cancelled_at: at })
    .where('visit_id', 'in', visitIds)
    .execute();
}

export async function updatePlan(
  db: AnyDb,
  id: string,
  p: { obsEveryHours: number; visitsPerDay: number; planObservations: string[] },
): Promise<void> {
  await db
    .updateTable('vw_admissions')
    .set({
      obs_every_hours: p.obsEveryHours,
      visits_per_day: p.visitsPerDay,
      plan_observations: JSON.stringify(p.planObservations),
    })
    .where('id', '=', id)
    .execute();
}

/** Links the ward's person to the central point of access's person (kept once set). */
export async function linkAccessPerson(db: AnyDb, patientId: string, accessPersonId: string): Promise<void> {
  await db
    .updateTable('vw_patients')
    .set({ access_person_id: accessPersonId })
    .where('id', '=', patientId)
    .where('access_person_id', 'is', null)
    .execute();
}

export async function accessPersonOf(db: AnyDb, patientId: string): Promise<string | null> {
  const row = await db
    .selectFrom('vw_patients')
    .select('access_person_id')
    .where('id', '=', patientId)
    .executeTakeFirst();
  return (row?.access_person_id as string | null) ?? null;
}
