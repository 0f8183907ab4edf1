// The scheduling module's SQL: the only code that touches scheduling_* tables. Rows come back in camelCase.
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type { Plan } from './solver/index.ts';

export const VISIT_PRIORITIES = ['urgent-2h', 'virtual-ward', 'routine'] as const;
export type VisitPriority = (typeof VISIT_PRIORITIES)[number];

export type TeamRow = { id: string; systemId: string; name: string; organisationCode: string | null };
export type ClinicianRow = {
  id: string;
  teamId: string;
  name: string;
  skills: string[];
  baseName: string;
  baseLat: number;
  baseLon: number;
  userId: string | null;
};
export type ShiftRow = { clinicianId: string; day: string; startMinute: number; endMinute: number };
export type VisitRow = {
  id: string;
  teamId: string;
  day: string;
  patientRef: string;
  postcodeDistrict: string;
  lat: number;
  lon: number;
  windowStart: number;
  windowEnd: number;
  duration: number;
  skills: string[];
  priority: VisitPriority;
  status: 'open' | 'cancelled';
  lockedClinicianId: string | null;
  source: string;
  referralId: string | null;
  createdAt: string;
};
export type PlanKind = 'solve' | 'insert' | 'lock' | 'replan' | 'unlock' | 'cancel';
export type PlanFigures = {
  clinicians: number;
  shiftMinutes: number;
  visits: number;
  assigned: number;
  unassigned: number;
  visitsPerShift: number;
  urgentTotal: number;
  urgentMet: number;
  travelMinutes: number;
  travelShare: number;
  distanceKm: number;
  lateRisk: number;
};
export type PlanRow = {
  id: string;
  teamId: string;
  day: string;
  kind: PlanKind;
  createdAt: string;
  createdBy: string;
  createdByName: string | null;
  figures: PlanFigures;
  plan: Plan;
};

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

// biome-ignore lint/suspicious/noExplicitAny: row mapping
const toTeam = (r: any): TeamRow => ({
  id: r.id,
  systemId: r.system_id,
  name: r.name,
  organisationCode: r.organisation_code,
});
// biome-ignore lint/suspicious/noExplicitAny: row mapping
const toClinician = (r: any): ClinicianRow => ({
  id: r.id,
  teamId: r.team_id,
  name: r.name,
  skills: json(r.skills),
  baseName: r.base_name,
  baseLat: Number(r.base_lat),
  baseLon: Number(r.base_lon),
  userId: r.user_id,
});
// biome-ignore lint/suspicious/noExplicitAny: row mapping
const toVisit = (r: any): VisitRow => ({
  id: r.id,
  teamId: r.team_id,
  day: r.day,
  patientRef: r.patient_ref,
  postcodeDistrict: r.postcode_district,
  lat: Number(r.lat),
  lon: Number(r.lon),
  windowStart: r.window_start,
  windowEnd: r.window_end,
  duration: r.duration,
  skills: json(r.skills),
  priority: r.priority,
  status: r.status,
  lockedClinicianId: r.locked_clinician_id,
  source: r.source,
  referralId: r.referral_id,
  createdAt: iso(r.created_at),
});
// biome-ignore lint/suspicious/noExplicitAny: row mapping
const toPlan = (r: any): PlanRow => ({
  id: r.id,
  teamId: r.team_id,
  day: r.day,
  kind: r.kind,
  createdAt: iso(r.created_at),
  createdBy: r.created_by,
  createdByName: r.created_by_name,
  figures: json(r.figures),
  plan: json(r.plan),
});

export async function insertTeam(db: AnyDb, t: TeamRow): Promise<void> {
  await db
    .insertInto('scheduling_teams')
    .values({ id: t.id, system_id: t.systemId, name: t.name, organisation_code: t.organisationCode })
    .execute();
}

export async function listTeams(db: AnyDb, systemId: string): Promise<TeamRow[]> {
  const rows = await db
    .selectFrom('scheduling_teams')
    .selectAll()
    .where('system_id', '=', systemId)
    .orderBy('name')
    .execute();
  return rows.map(toTeam);
}

export async function getTeam(
  db: AnyDb,
  systemId: string,
  id: string,
  forUpdate = false,
): Promise<TeamRow | undefined> {
  let q = db.selectFrom('scheduling_teams').selectAll().where('system_id', '=', systemId).where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toTeam(r) : undefined;
}

export async function insertClinician(db: AnyDb, systemId: string, c: ClinicianRow): Promise<void> {
  await db
    .insertInto('scheduling_clinicians')
    .values({
      id: c.id,
      system_id: systemId,
      team_id: c.teamId,
      name: c.name,
      skills: JSON.stringify(c.skills),
      base_name: c.baseName,
      base_lat: c.baseLat,
      base_lon: c.baseLon,
      user_id: c.userId,
    })
    .execute();
}

export async function getClinician(db: AnyDb, systemId: string, id: string): Promise<ClinicianRow | undefined> {
  const r = await db
    .selectFrom('scheduling_clinicians')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toClinician(r) : undefined;
}

export async function cliniciansOfUser(db: AnyDb, systemId: string, userId: string): Promise<ClinicianRow[]> {
  const rows = await db
    .selectFrom('scheduling_clinicians')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('user_id', '=', userId)
    .execute();
  return rows.map(toClinician);
}

export async function insertShift(db: AnyDb, systemId: string, s: ShiftRow): Promise<void> {
  await db
    .insertInto('scheduling_shifts')
    .values({
      system_id: systemId,
      clinician_id: s.clinicianId,
      day: s.day,
      start_minute: s.startMinute,
      end_minute: s.endMinute,
    })
    .execute();
}

/** Active clinicians of a team with a shift on the day, in name order. */
export async function rosterOfDay(
  db: AnyDb,
  teamId: string,
  day: string,
): Promise<(ClinicianRow & { shift: ShiftRow })[]> {
  const rows = await db
    .selectFrom('scheduling_clinicians as c')
    .innerJoin('scheduling_shifts as s', 's.clinician_id', 'c.id')
    .selectAll('c')
    .select(['s.day', 's.start_minute', 's.end_minute'])
    .where('c.team_id', '=', teamId)
    .where('c.active', '=', true)
    .where('s.day', '=', day)
    .orderBy('c.name')
    .orderBy('c.id')
    .execute();
  return rows.map((r) => ({
    ...toClinician(r),
    shift: { clinicianId: r.id, day: r.day, startMinute: r.start_minute, endMinute: r.end_minute },
  }));
}

export async function insertVisitRow(db: AnyDb, systemId: string, v: VisitRow, createdBy: string): Promise<void> {
  await db
    .insertInto('scheduling_visits')
    .values({
      id: v.id,
      system_id: systemId,
      team_id: v.teamId,
      day: v.day,
      patient_ref: v.patientRef,
      postcode_district: v.postcodeDistrict,
      lat: v.lat,
      lon: v.lon,
      window_start: v.windowStart,
      window_end: v.windowEnd,
      duration: v.duration,
      skills: JSON.stringify(v.skills),
      priority: v.priority,
      status: v.status,
      locked_clinician_id: v.lockedClinicianId,
      source: v.source,
      referral_id: v.referralId,
      created_by: createdBy,
    })
    .execute();
}

export async function getVisit(db: AnyDb, systemId: string, id: string): Promise<VisitRow | undefined> {
  const r = await db
    .selectFrom('scheduling_visits')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toVisit(r) : undefined;
}

export async function openVisitsOfDay(db: AnyDb, teamId: string, day: string): Promise<VisitRow[]> {
  const rows = await db
    .selectFrom('scheduling_visits')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('day', '=', day)
    .where('status', '=', 'open')
    .orderBy('window_start')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toVisit);
}

export async function cancelVisitRow(db: AnyDb, id: string): Promise<void> {
  await db.updateTable('scheduling_visits').set({ status: 'cancelled' }).where('id', '=', id).execute();
}

export async function setVisitLock(db: AnyDb, id: string, clinicianId: string | null): Promise<void> {
  await db.updateTable('scheduling_visits').set({ locked_clinician_id: clinicianId }).where('id', '=', id).execute();
}

export async function insertPlan(db: AnyDb, systemId: string, p: Omit<PlanRow, 'createdAt'>): Promise<void> {
  await db
    .insertInto('scheduling_plans')
    .values({
      id: p.id,
      system_id: systemId,
      team_id: p.teamId,
      day: p.day,
      kind: p.kind,
      created_by: p.createdBy,
      created_by_name: p.createdByName,
      figures: JSON.stringify(p.figures),
      plan: JSON.stringify(p.plan),
    })
    .execute();
}

/** The current plan of a team's day: the newest one. */
export async function latestPlan(db: AnyDb, teamId: string, day: string): Promise<PlanRow | undefined> {
  const r = await db
    .selectFrom('scheduling_plans')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('day', '=', day)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? toPlan(r) : undefined;
}

/** The two newest plans of a team's day (newest first): what the last change did. */
export async function lastTwoPlans(db: AnyDb, teamId: string, day: string): Promise<PlanRow[]> {
  const rows = await db
    .selectFrom('scheduling_plans')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('day', '=', day)
    .orderBy('seq', 'desc')
    .limit(2)
    .execute();
  return rows.map(toPlan);
}

/** The newest day with a plan for a team (the board falls back to it when today has none). */
export async function latestPlannedDay(db: AnyDb, teamId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('scheduling_plans')
    .select(sql<string>`max(day)`.as('day'))
    .where('team_id', '=', teamId)
    .executeTakeFirst();
  return r?.day ?? undefined;
}
