// Scheduling commands and queries, each taking (db, actor, …): the day's board, adding a visit (inserted into
// the current plan without reshuffling everyone else), locking a visit to a clinician, and re-planning the day
// in a worker thread with a preference for keeping each visit with the clinician it had. Every change is
// audited in the transaction that makes it; every plan is stored with its figures.
import { randomUUID } from 'node:crypto';
import { audit } from '../../platform/audit/audit.ts';
import type { Actor, Role } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import { type FieldError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { londonToday } from '../../platform/london-time.ts';
import { findDistrict, NCL_DISTRICTS } from './districts.ts';
import * as repo from './scheduling.repository.ts';
import {
  checkPlan,
  DEFAULT_PENALTY,
  haversineProvider,
  insertVisit,
  type Plan,
  type Priority,
  type Problem,
  replan,
  resolveMatrix,
  solve,
  solveInWorker,
  type TravelMatrix,
} from './solver/index.ts';

/** Today's date in London, YYYY-MM-DD (the scheduling module's public name for the platform clock). */
export { londonToday };

export const SCHEDULERS: readonly Role[] = ['coordinator'];
export const DAY_READERS: readonly Role[] = ['coordinator', 'clinician'];

export const SKILLS = ['nurse', 'physiotherapist', 'occupational-therapist', 'prescriber', 'phlebotomy'] as const;
export type Skill = (typeof SKILLS)[number];
export const SKILL_LABELS: Record<Skill, string> = {
  nurse: 'Nurse',
  physiotherapist: 'Physiotherapist',
  'occupational-therapist': 'Occupational therapist',
  prescriber: 'Prescriber',
  phlebotomy: 'Phlebotomy (blood tests)',
};
export const PRIORITY_LABELS: Record<repo.VisitPriority, string> = {
  'urgent-2h': '2-hour urgent response',
  'virtual-ward': 'Virtual ward (time-critical)',
  routine: 'Routine',
};
const SOLVER_PRIORITY: Record<repo.VisitPriority, Priority> = {
  'urgent-2h': 'urgent',
  'virtual-ward': 'time-critical',
  routine: 'routine',
};
/** A planned visit starting this close to the end of its window is flagged as at risk of being late. */
export const LATE_RISK_MINUTES = 15;
export const DEFAULT_REPLAN_MS = 3000;
const INSERT_ITERATIONS = 2000;
const ROAD_FACTOR = 1.4;

type Ctx = { requestId?: string };

// ---------------------------------------------------------------------------------------------------------
// Small pure helpers

export function minutesToClock(m: number): string {
  const r = Math.round(m);
  return `${String(Math.floor(r / 60)).padStart(2, '0')}:${String(r % 60).padStart(2, '0')}`;
}

export function parseClock(text: string): number | undefined {
  const m = /^\s*(\d{1,2})[:.](\d{2})\s*$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h <= 23 && min <= 59 ? h * 60 + min : undefined;
}

function requireRole(actor: Actor, roles: readonly Role[]): void {
  if (actor.role !== 'system' && !roles.includes(actor.role)) throw new ForbiddenError();
}

// ---------------------------------------------------------------------------------------------------------
// Teams and the solver's problem

async function visibleTeams(db: AnyDb, actor: Actor): Promise<repo.TeamRow[]> {
  const teams = await repo.listTeams(db, actor.systemId);
  // A coordinator plans their own organisation's teams (and teams no organisation holds).
  return teams.filter(
    (t) =>
      actor.role === 'system' ||
      !t.organisationCode ||
      !actor.organisationCode ||
      t.organisationCode === actor.organisationCode,
  );
}

export async function listTeamsFor(db: AnyDb, actor: Actor): Promise<repo.TeamRow[]> {
  requireRole(actor, SCHEDULERS);
  return visibleTeams(db, actor);
}

async function resolveTeam(db: AnyDb, actor: Actor, teamId?: string | null): Promise<repo.TeamRow> {
  const teams = await visibleTeams(db, actor);
  const team = teamId ? teams.find((t) => t.id === teamId) : teams[0];
  if (!team) throw new NotFoundError('Team');
  return team;
}

type Roster = Awaited<ReturnType<typeof repo.rosterOfDay>>;
type DayData = { team: repo.TeamRow; day: string; roster: Roster; visits: repo.VisitRow[]; problem: Problem };

/** The solver's problem for a team's day: clinicians' bases first, then each visit's place. */
export function buildProblem(roster: Roster, visits: readonly repo.VisitRow[]): Problem {
  const locations = [
    ...roster.map((c) => ({ lat: c.baseLat, lon: c.baseLon })),
    ...visits.map((v) => ({ lat: v.lat, lon: v.lon })),
  ];
  const onRoster = new Set(roster.map((c) => c.id));
  const problem: Problem = {
    locations,
    travel: haversineProvider({ roadFactor: ROAD_FACTOR }),
    vehicles: roster.map((c, i) => ({
      id: c.id,
      skills: c.skills,
      shift: { start: c.shift.startMinute, end: c.shift.endMinute },
      startLocation: i,
    })),
    visits: visits.map((v, i) => ({
      id: v.id,
      location: roster.length + i,
      window: { start: v.windowStart, end: v.windowEnd },
      duration: v.duration,
      skills: v.skills,
      priority: SOLVER_PRIORITY[v.priority],
      // A lock to someone not working that day cannot be honoured; the visit then shows as unassigned.
      ...(v.lockedClinicianId
        ? { lockedTo: onRoster.has(v.lockedClinicianId) ? v.lockedClinicianId : `off-roster:${v.lockedClinicianId}` }
        : {}),
    })),
  };
  // Build the matrix once, so the checker, the figures and the worker all use the same one.
  return { vehicles: problem.vehicles, visits: problem.visits, matrix: resolveMatrix(problem) };
}

async function loadDay(db: AnyDb, team: repo.TeamRow, day: string): Promise<DayData> {
  const roster = await repo.rosterOfDay(db, team.id, day);
  const visits = await repo.openVisitsOfDay(db, team.id, day);
  return { team, day, roster, visits, problem: buildProblem(roster, visits) };
}

function emptyPlan(visits: readonly repo.VisitRow[]): Plan {
  return {
    routes: [],
    unassigned: visits.map((v) => v.id),
    cost: { unassignedPenalty: 0, vehicles: 0, distance: 0, travelTime: 0 },
    stats: { iterations: 0, elapsedMs: 0, seed: 1 },
  };
}

function assignmentOf(plan: Plan): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of plan.routes) for (const v of r.visits) out.set(v.visitId, r.vehicleId);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Figures

export function planFigures(data: DayData, plan: Plan): repo.PlanFigures {
  const byId = new Map(data.visits.map((v) => [v.id, v]));
  const shiftMinutes = data.roster.reduce((s, c) => s + c.shift.endMinute - c.shift.startMinute, 0);
  let assigned = 0;
  let urgentMet = 0;
  let lateRisk = 0;
  let travel = 0;
  let distance = 0;
  for (const r of plan.routes) {
    travel += r.travelTime;
    distance += r.distance;
    for (const pv of r.visits) {
      const v = byId.get(pv.visitId);
      if (!v) continue;
      assigned++;
      if (v.priority === 'urgent-2h' && pv.start <= v.windowEnd + 1e-6) urgentMet++;
      if (v.windowEnd - pv.start < LATE_RISK_MINUTES) lateRisk++;
    }
  }
  const urgentTotal = data.visits.filter((v) => v.priority === 'urgent-2h').length;
  const clinicians = data.roster.length;
  const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    clinicians,
    shiftMinutes,
    visits: data.visits.length,
    assigned,
    unassigned: data.visits.length - assigned,
    visitsPerShift: clinicians ? round(assigned / clinicians) : 0,
    urgentTotal,
    urgentMet,
    travelMinutes: Math.round(travel),
    travelShare: shiftMinutes ? round(travel / shiftMinutes, 4) : 0,
    distanceKm: round(distance, 1),
    lateRisk,
  };
}

async function storePlan(
  tx: AnyDb,
  actor: Actor,
  data: DayData,
  plan: Plan,
  kind: repo.PlanKind,
): Promise<repo.PlanRow> {
  const row = {
    id: randomUUID(),
    teamId: data.team.id,
    day: data.day,
    kind,
    createdBy: actor.id,
    createdByName: actor.name,
    figures: planFigures(data, plan),
    plan,
  };
  await repo.insertPlan(tx, actor.systemId, row);
  return { ...row, createdAt: new Date().toISOString() };
}

// ---------------------------------------------------------------------------------------------------------
// The board

export type BoardItem = {
  sequence: number;
  visit: repo.VisitRow;
  travelFrom: number;
  arrival: number;
  start: number;
  end: number;
  wait: number;
  slack: number;
  lateRisk: boolean;
};
export type BoardRoute = {
  clinician: repo.ClinicianRow;
  shift: repo.ShiftRow;
  departure: number;
  returnAt: number;
  returnTravelFrom: number;
  travelMinutes: number;
  items: BoardItem[];
};
export type DayView = {
  team: repo.TeamRow;
  teams: repo.TeamRow[];
  day: string;
  plan: repo.PlanRow | null;
  figures: repo.PlanFigures | null;
  routes: BoardRoute[];
  unassigned: repo.VisitRow[];
  feasible: boolean;
};

function toView(data: DayData, planRow: repo.PlanRow | undefined, teams: repo.TeamRow[]): DayView {
  const plan = planRow?.plan ?? emptyPlan(data.visits);
  const byId = new Map(data.visits.map((v) => [v.id, v]));
  const m = data.problem.matrix as TravelMatrix;
  const locOf = new Map(data.problem.visits.map((v) => [v.id, v.location]));
  const planned = new Set<string>();
  const routes: BoardRoute[] = data.roster.map((c, k) => {
    const route = plan.routes.find((r) => r.vehicleId === c.id);
    const items: BoardItem[] = [];
    let prev = k;
    let travel = 0;
    for (const pv of route?.visits ?? []) {
      const v = byId.get(pv.visitId);
      const loc = locOf.get(pv.visitId);
      if (!v || loc === undefined) continue;
      planned.add(v.id);
      const leg = m.time[prev * m.size + loc];
      travel += leg;
      items.push({
        sequence: items.length + 1,
        visit: v,
        travelFrom: pv.arrival - leg,
        arrival: pv.arrival,
        start: pv.start,
        end: pv.end,
        wait: Math.max(0, pv.start - pv.arrival),
        slack: v.windowEnd - pv.start,
        lateRisk: v.windowEnd - pv.start < LATE_RISK_MINUTES,
      });
      prev = loc;
    }
    const back = items.length ? m.time[prev * m.size + k] : 0;
    const lastEnd = items.length ? items[items.length - 1].end : c.shift.startMinute;
    return {
      clinician: c,
      shift: c.shift,
      departure: route?.departure ?? c.shift.startMinute,
      returnAt: lastEnd + back,
      returnTravelFrom: lastEnd,
      travelMinutes: Math.round(travel + back),
      items,
    };
  });
  const unassigned = data.visits.filter((v) => !planned.has(v.id));
  const figures = planRow ? planFigures(data, plan) : null;
  const feasible = planRow ? checkPlan(data.problem, plan).feasible : true;
  return { team: data.team, teams, day: data.day, plan: planRow ?? null, figures, routes, unassigned, feasible };
}

/** The board of a team's day: each clinician's route, unassigned visits, late risks and the plan's figures. */
export async function getDayPlan(
  db: AnyDb,
  actor: Actor,
  query: { day: string; teamId?: string | null },
  ctx: Ctx = {},
): Promise<DayView> {
  requireRole(actor, SCHEDULERS);
  if (!validDay(query.day))
    throw new ValidationError([{ field: 'day', message: 'Enter the day as a date, like 2026-11-23' }]);
  const team = await resolveTeam(db, actor, query.teamId);
  const data = await loadDay(db, team, query.day);
  const view = toView(data, await repo.latestPlan(db, team.id, query.day), await visibleTeams(db, actor));
  await auditDayRead(db, actor, 'scheduling.plan.read', ctx, {
    recordType: 'scheduling_plan',
    recordId: view.plan?.id ?? `${team.id}/${query.day}`,
    team: team.id,
    day: query.day,
    visits: [...view.routes.flatMap((r) => r.items.map((it) => it.visit)), ...view.unassigned],
  });
  return view;
}

/**
 * Visits carry patient references and where they live: every read that shows them is audited, naming each
 * visit shown (its id and patient reference), so "who saw this person's visit" has an answer.
 */
async function auditDayRead(
  db: AnyDb,
  actor: Actor,
  action: string,
  ctx: Ctx,
  what: { recordType: string; recordId: string; team: string; day: string; visits: readonly repo.VisitRow[] },
): Promise<void> {
  await audit(db, actor, {
    action,
    recordType: what.recordType,
    recordId: what.recordId,
    requestId: ctx.requestId,
    detail: {
      team: what.team,
      day: what.day,
      shown: what.visits.map((v) => v.id),
      patients: what.visits.map((v) => v.patientRef),
    },
  });
}

/** What the newest plan of a day changed: the visits that moved to another clinician, with both names. */
export async function lastChange(
  db: AnyDb,
  actor: Actor,
  query: { day: string; teamId?: string | null },
): Promise<{ kind: repo.PlanKind; moved: { visitId: string; patientRef: string; from: string; to: string }[] } | null> {
  requireRole(actor, SCHEDULERS);
  const team = await resolveTeam(db, actor, query.teamId);
  const [latest, previous] = await repo.lastTwoPlans(db, team.id, query.day);
  if (!latest) return null;
  const roster = await repo.rosterOfDay(db, team.id, query.day);
  const visits = new Map((await repo.openVisitsOfDay(db, team.id, query.day)).map((v) => [v.id, v]));
  const name = (id: string | undefined) => roster.find((c) => c.id === id)?.name ?? 'not planned';
  const before = previous ? assignmentOf(previous.plan) : new Map<string, string>();
  const after = assignmentOf(latest.plan);
  const moved = [...before]
    .filter(([id, k]) => after.get(id) !== k && visits.has(id))
    .map(([id, k]) => ({
      visitId: id,
      patientRef: visits.get(id)?.patientRef ?? id,
      from: name(k),
      to: name(after.get(id)),
    }));
  return { kind: latest.kind, moved };
}

/** The day to show when none is asked for: today, or the newest planned day when today has no plan. */
export async function defaultDay(
  db: AnyDb,
  actor: Actor,
  teamId: string | null | undefined,
  now: Date,
): Promise<string> {
  const today = londonToday(now);
  const team = await resolveTeam(db, actor, teamId);
  if (await repo.latestPlan(db, team.id, today)) return today;
  return (await repo.latestPlannedDay(db, team.id)) ?? today;
}

/** A clinician's own day: their visits in order. Clinicians see only their own; coordinators their teams'. */
export async function clinicianDay(
  db: AnyDb,
  actor: Actor,
  clinicianId: string,
  dayAsked: string | undefined,
  now: Date,
  ctx: Ctx = {},
): Promise<{
  clinician: repo.ClinicianRow;
  team: repo.TeamRow;
  day: string;
  route: BoardRoute | null;
  planAt: string | null;
}> {
  requireRole(actor, DAY_READERS);
  const clinician = await repo.getClinician(db, actor.systemId, clinicianId);
  if (!clinician) throw new NotFoundError('Clinician');
  if (actor.role === 'clinician' && clinician.userId !== actor.id) throw new NotFoundError('Clinician');
  const team =
    actor.role === 'clinician'
      ? await repo.getTeam(db, actor.systemId, clinician.teamId)
      : (await visibleTeams(db, actor)).find((t) => t.id === clinician.teamId);
  if (!team) throw new NotFoundError('Clinician');
  if (dayAsked !== undefined && !validDay(dayAsked))
    throw new ValidationError([{ field: 'day', message: 'Enter the day as a date, like 2026-11-23' }]);
  const today = londonToday(now);
  const day =
    dayAsked ??
    ((await repo.latestPlan(db, team.id, today)) ? today : ((await repo.latestPlannedDay(db, team.id)) ?? today));
  const data = await loadDay(db, team, day);
  const planRow = await repo.latestPlan(db, team.id, day);
  const view = toView(data, planRow, [team]);
  const route = view.routes.find((r) => r.clinician.id === clinician.id) ?? null;
  await auditDayRead(db, actor, 'scheduling.day.read', ctx, {
    recordType: 'scheduling_clinician_day',
    recordId: `${clinician.id}/${day}`,
    team: team.id,
    day,
    visits: route?.items.map((it) => it.visit) ?? [],
  });
  return { clinician, team, day, route, planAt: planRow?.createdAt ?? null };
}

/**
 * How many visits today's plan gives the clinician signed in, across their clinician records, for the staff
 * home. Only a number leaves, so nothing is audited (their day's page audits its read).
 */
export async function visitsToday(db: AnyDb, actor: Actor, now: Date): Promise<number> {
  requireRole(actor, ['clinician']);
  const today = londonToday(now);
  let visits = 0;
  for (const clinician of await repo.cliniciansOfUser(db, actor.systemId, actor.id)) {
    const team = await repo.getTeam(db, actor.systemId, clinician.teamId);
    const planRow = team ? await repo.latestPlan(db, team.id, today) : undefined;
    if (!team || !planRow) continue;
    const view = toView(await loadDay(db, team, today), planRow, [team]);
    visits += view.routes.find((r) => r.clinician.id === clinician.id)?.items.length ?? 0;
  }
  return visits;
}

/** Clinician records linked to a staff account (a clinician's link to their own day). */
export async function myClinicians(db: AnyDb, actor: Actor): Promise<repo.ClinicianRow[]> {
  return actor.role === 'clinician' ? repo.cliniciansOfUser(db, actor.systemId, actor.id) : [];
}

// ---------------------------------------------------------------------------------------------------------
// Adding a visit

export type VisitInput = {
  day?: string;
  teamId?: string | null;
  patientRef?: string;
  postcodeDistrict?: string;
  lat?: number;
  lon?: number;
  priority?: string;
  windowStart?: string;
  windowEnd?: string;
  durationMinutes?: number | string;
  skills?: string[] | string;
  lockedClinicianId?: string | null;
};

export type Placement = {
  clinicianId: string;
  clinicianName: string;
  sequence: number;
  plannedStart: number;
  plannedStartText: string;
} | null;

export type AddVisitResult = {
  visit: repo.VisitRow;
  placement: Placement;
  /** Other visits that changed clinician to make room (empty when the insertion kept everyone's day). */
  moved: string[];
  planId: string;
  figures: repo.PlanFigures;
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const validDay = (d: string | undefined): d is string =>
  typeof d === 'string' &&
  DAY.test(d) &&
  !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
  new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

function checkVisit(input: VisitInput): {
  value?: Omit<repo.VisitRow, 'id' | 'teamId' | 'status' | 'source' | 'referralId' | 'createdAt'>;
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });
  if (!validDay(input.day)) err('day', 'Enter the day as a date, like 2026-11-23');
  const ref = (input.patientRef ?? '').trim();
  if (!ref) err('patientRef', 'Enter the patient reference or initials');
  else if (!/^[A-Za-z0-9-]{2,20}$/.test(ref))
    err(
      'patientRef',
      'Patient reference must be 2 to 20 letters, numbers or hyphens, like "JS" or "UCR-1042" (no names)',
    );
  let lat = input.lat;
  let lon = input.lon;
  const districtText = (input.postcodeDistrict ?? '').trim().toUpperCase();
  const district = findDistrict(districtText);
  if (!districtText) err('postcodeDistrict', 'Select the postcode district of the visit');
  else if (lat === undefined || lon === undefined) {
    if (!district) err('postcodeDistrict', `Postcode district must be one in North Central London, like N19 or EN1`);
    else {
      lat = district.lat;
      lon = district.lon;
    }
  } else if (!(lat > 51.3 && lat < 51.8 && lon > -0.5 && lon < 0.2)) {
    err('lat', 'Latitude and longitude must be a place in or near North Central London');
  }
  const priority = input.priority ?? '';
  if (!(repo.VISIT_PRIORITIES as readonly string[]).includes(priority))
    err('priority', 'Select the priority: 2-hour urgent response, virtual ward or routine');
  const start = parseClock(input.windowStart ?? '');
  if (!(input.windowStart ?? '').trim()) err('windowStart', 'Enter the earliest time the visit can start, like 09:30');
  else if (start === undefined) err('windowStart', 'Earliest start must be a time on the 24-hour clock, like 09:30');
  let end = (input.windowEnd ?? '').trim() ? parseClock(input.windowEnd ?? '') : undefined;
  if ((input.windowEnd ?? '').trim() && end === undefined)
    err('windowEnd', 'Latest start must be a time on the 24-hour clock, like 11:30');
  else if (end === undefined && start !== undefined) {
    if (priority === 'urgent-2h') end = Math.min(start + 120, 1439);
    else err('windowEnd', 'Enter the latest time the visit can start, like 11:30');
  }
  if (start !== undefined && end !== undefined) {
    if (end < start) err('windowEnd', 'Latest start must be the same as or after the earliest start');
    else if (priority === 'urgent-2h' && end - start > 120)
      err(
        'windowEnd',
        `A 2-hour response must start within 2 hours: latest start no later than ${minutesToClock(start + 120)}`,
      );
  }
  const durationText = String(input.durationMinutes ?? '').trim();
  const duration = Number(durationText);
  if (!durationText) err('durationMinutes', 'Enter how long the visit takes, in minutes');
  else if (!Number.isInteger(duration) || duration < 5 || duration > 240)
    err('durationMinutes', 'Visit length must be a whole number of minutes from 5 to 240');
  const skills = [input.skills ?? []].flat().filter((s) => s !== '');
  if (!skills.length) err('skills', 'Select at least one skill the visit needs');
  else if (!skills.every((s) => (SKILLS as readonly string[]).includes(s)))
    err('skills', `Skills must be from: ${SKILLS.join(', ')}`);
  if (errors.length) return { errors };
  return {
    errors,
    value: {
      day: input.day as string,
      patientRef: ref.toUpperCase(),
      postcodeDistrict: district?.district ?? districtText,
      lat: lat as number,
      lon: lon as number,
      windowStart: start as number,
      windowEnd: end as number,
      duration,
      skills: [...new Set(skills)],
      priority: priority as repo.VisitPriority,
      lockedClinicianId: input.lockedClinicianId || null,
    },
  };
}

function placementOf(plan: Plan, visitId: string, roster: Roster): Placement {
  for (const r of plan.routes) {
    const i = r.visits.findIndex((v) => v.visitId === visitId);
    if (i >= 0) {
      const c = roster.find((x) => x.id === r.vehicleId);
      return {
        clinicianId: r.vehicleId,
        clinicianName: c?.name ?? r.vehicleId,
        sequence: i + 1,
        plannedStart: r.visits[i].start,
        plannedStartText: minutesToClock(r.visits[i].start),
      };
    }
  }
  return null;
}

function movedVisits(before: Plan, after: Plan, except: string): string[] {
  const a = assignmentOf(before);
  const b = assignmentOf(after);
  return [...a].filter(([id, k]) => id !== except && b.get(id) !== k).map(([id]) => id);
}

/**
 * Adds a visit to a team's day and inserts it into the current plan: the cheapest place that leaves every
 * other visit with its clinician, or, only when there is none, a short repair that prefers the old plan.
 */
export async function addVisit(
  db: AnyDb,
  actor: Actor,
  input: VisitInput,
  ctx: Ctx & { source?: string; referralId?: string | null } = {},
): Promise<AddVisitResult> {
  requireRole(actor, SCHEDULERS);
  const checked = checkVisit(input);
  if (!checked.value) throw new ValidationError(checked.errors);
  const value = checked.value;
  return inTransaction(db, async (tx) => {
    const team = await resolveTeam(tx, actor, input.teamId);
    await repo.getTeam(tx, actor.systemId, team.id, true); // one plan change at a time per team
    const roster = await repo.rosterOfDay(tx, team.id, value.day);
    if (value.lockedClinicianId) {
      const c = roster.find((x) => x.id === value.lockedClinicianId);
      const missing = c ? value.skills.filter((s) => !c.skills.includes(s)) : [];
      if (!c || missing.length)
        throw new ValidationError([
          {
            field: 'lockedClinicianId',
            message: c
              ? `${c.name} does not have the skills this visit needs: ${missing.join(', ')}`
              : 'Select a clinician who works that day in this team',
          },
        ]);
    }
    const visit: repo.VisitRow = {
      ...value,
      id: randomUUID(),
      teamId: team.id,
      status: 'open',
      source: ctx.source ?? 'coordinator',
      referralId: ctx.referralId ?? null,
      createdAt: new Date().toISOString(),
    };
    await repo.insertVisitRow(tx, actor.systemId, visit, actor.id);
    const data = await loadDay(tx, team, value.day);
    const before = (await repo.latestPlan(tx, team.id, value.day))?.plan ?? emptyPlan(data.visits);
    const sv = data.problem.visits.find((v) => v.id === visit.id)!;
    let plan = insertVisit(before, data.problem, sv, { seed: 1, maxIterations: INSERT_ITERATIONS });
    // A visit already promised is dropped only if that leaves less unplanned in all (penalties by priority):
    // never for a new visit of the same or lower priority, which then waits unassigned for the coordinator
    // (lock or re-plan) rather than silently taking another's place.
    const penaltyOf = (id: string) => {
      const v = data.problem.visits.find((x) => x.id === id);
      return v?.penalty ?? DEFAULT_PENALTY[v?.priority ?? 'routine'];
    };
    const unplannedPenalty = (p: Plan) => {
      const on = assignmentOf(p);
      return data.problem.visits.reduce((sum, v) => sum + (on.has(v.id) ? 0 : penaltyOf(v.id)), 0);
    };
    const kept: Plan = { ...before, unassigned: [...before.unassigned.filter((id) => id !== visit.id), visit.id] };
    const dropsPromised = [...assignmentOf(before).keys()].some((id) => !assignmentOf(plan).has(id));
    if (dropsPromised && unplannedPenalty(plan) >= unplannedPenalty(kept)) plan = kept;
    const stored = await storePlan(tx, actor, data, plan, 'insert');
    const placement = placementOf(plan, visit.id, data.roster);
    const moved = movedVisits(before, plan, visit.id);
    await audit(tx, actor, {
      action: 'scheduling.visit.add',
      recordType: 'scheduling_visit',
      recordId: visit.id,
      requestId: ctx.requestId,
      detail: {
        teamId: team.id,
        day: value.day,
        priority: value.priority,
        source: visit.source,
        referralId: visit.referralId,
        placedOn: placement?.clinicianId ?? null,
        sequence: placement?.sequence ?? null,
        moved: moved.length,
        planId: stored.id,
      },
    });
    return { visit, placement, moved, planId: stored.id, figures: stored.figures };
  });
}

/**
 * For the central point of access: a visit for a referral accepted by an urgent community response or
 * virtual-ward service. A 2-hour response's window runs from acceptance (London time) for two hours.
 */
export async function createVisitFromReferral(
  db: AnyDb,
  actor: Actor,
  input: {
    referralId: string;
    /** Opaque reference the board shows (e.g. the referral reference), never a name. */
    patientRef: string;
    postcode: string;
    priority: repo.VisitPriority;
    /** When the referral was accepted (business time): the day and the start of a 2-hour window. */
    acceptedAt: Date;
    day?: string;
    windowStart?: string;
    windowEnd?: string;
    durationMinutes?: number;
    skills?: string[];
    teamId?: string | null;
  },
  ctx: Ctx = {},
): Promise<AddVisitResult> {
  const at = input.acceptedAt;
  const clock = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return addVisit(
    db,
    actor,
    {
      day: input.day ?? londonToday(at),
      teamId: input.teamId,
      patientRef: input.patientRef,
      postcodeDistrict: input.postcode,
      priority: input.priority,
      windowStart: input.windowStart ?? clock,
      windowEnd: input.windowEnd,
      durationMinutes: input.durationMinutes ?? (input.priority === 'urgent-2h' ? 60 : 30),
      skills: input.skills ?? ['nurse'],
    },
    { ...ctx, source: 'referral', referralId: input.referralId },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Locking

/** Locks a visit to a clinician (or unlocks it with null) and moves it there, keeping other visits put. */
export async function lockVisit(
  db: AnyDb,
  actor: Actor,
  visitId: string,
  clinicianId: string | null,
  ctx: Ctx = {},
): Promise<AddVisitResult> {
  requireRole(actor, SCHEDULERS);
  return inTransaction(db, async (tx) => {
    const found = await repo.getVisit(tx, actor.systemId, visitId);
    const teams = await visibleTeams(tx, actor);
    const team = found && teams.find((t) => t.id === found.teamId);
    if (!found || !team || found.status !== 'open') throw new NotFoundError('Visit');
    await repo.getTeam(tx, actor.systemId, team.id, true);
    const roster = await repo.rosterOfDay(tx, team.id, found.day);
    if (clinicianId) {
      const c = roster.find((x) => x.id === clinicianId);
      if (!c)
        throw new ValidationError([
          { field: 'clinicianId', message: 'Select a clinician who works that day in this team' },
        ]);
      const missing = found.skills.filter((s) => !c.skills.includes(s));
      if (missing.length)
        throw new ValidationError([
          {
            field: 'clinicianId',
            message: `${c.name} does not have the skills this visit needs: ${missing.join(', ')}`,
          },
        ]);
    }
    await repo.setVisitLock(tx, visitId, clinicianId);
    const data = await loadDay(tx, team, found.day);
    const before = (await repo.latestPlan(tx, team.id, found.day))?.plan ?? emptyPlan(data.visits);
    const current = assignmentOf(before).get(visitId);
    let plan = before;
    if (clinicianId && current !== clinicianId) {
      // Take it off its current route, then insert it on the locked clinician's route.
      const without: Plan = {
        ...before,
        routes: before.routes.map((r) => ({ ...r, visits: r.visits.filter((v) => v.visitId !== visitId) })),
        unassigned: [...before.unassigned.filter((id) => id !== visitId), visitId],
      };
      const sv = data.problem.visits.find((v) => v.id === visitId)!;
      plan = insertVisit(without, data.problem, sv, { seed: 1, maxIterations: INSERT_ITERATIONS });
    } else if (!clinicianId) {
      plan = insertVisit(before, data.problem, data.problem.visits.find((v) => v.id === visitId)!, {
        seed: 1,
        maxIterations: INSERT_ITERATIONS,
      });
    }
    const stored = await storePlan(tx, actor, data, plan, clinicianId ? 'lock' : 'unlock');
    const placement = placementOf(plan, visitId, data.roster);
    const moved = movedVisits(before, plan, visitId);
    await audit(tx, actor, {
      action: clinicianId ? 'scheduling.visit.lock' : 'scheduling.visit.unlock',
      recordType: 'scheduling_visit',
      recordId: visitId,
      requestId: ctx.requestId,
      detail: {
        clinicianId,
        from: current ?? null,
        placedOn: placement?.clinicianId ?? null,
        moved: moved.length,
        planId: stored.id,
      },
    });
    return {
      visit: { ...found, lockedClinicianId: clinicianId },
      placement,
      moved,
      planId: stored.id,
      figures: stored.figures,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Re-planning

export type ReplanResult = {
  planId: string;
  before: repo.PlanFigures | null;
  after: repo.PlanFigures;
  moved: number;
  elapsedMs: number;
  iterations: number;
};

/**
 * Re-plans a team's day in a worker thread (the server stays responsive) from the current plan, with a
 * stability preference: moving a visit to another clinician costs as much as a typical journey. If the day
 * changed while the worker ran (a visit added or locked), the result is reconciled with it before storing.
 */
export async function replanDay(
  db: AnyDb,
  actor: Actor,
  query: { day: string; teamId?: string | null; timeLimitMs?: number },
  ctx: Ctx = {},
): Promise<ReplanResult> {
  requireRole(actor, SCHEDULERS);
  if (!validDay(query.day))
    throw new ValidationError([{ field: 'day', message: 'Enter the day as a date, like 2026-11-23' }]);
  const team = await resolveTeam(db, actor, query.teamId);
  const data = await loadDay(db, team, query.day);
  const baseRow = await repo.latestPlan(db, team.id, query.day);
  const base = baseRow?.plan ?? emptyPlan(data.visits);
  const previousAssignment = Object.fromEntries(assignmentOf(base));
  // Nothing to plan (no visits or nobody on shift): no need to spend the time limit finding that out.
  const trivial = data.problem.visits.length === 0 || data.problem.vehicles.length === 0;
  const result = trivial
    ? emptyPlan(data.visits)
    : await solveInWorker(data.problem, {
        minimiseVehicles: false,
        initial: base,
        previousAssignment,
        timeLimitMs: Math.min(Math.max(query.timeLimitMs ?? DEFAULT_REPLAN_MS, 100), 10_000),
        seed: (base.stats?.seed ?? 0) + 1,
      });
  return inTransaction(db, async (tx) => {
    await repo.getTeam(tx, actor.systemId, team.id, true);
    const latest = await repo.latestPlan(tx, team.id, query.day);
    let plan = result;
    let now = data;
    if ((latest?.id ?? null) !== (baseRow?.id ?? null)) {
      now = await loadDay(tx, team, query.day);
      plan = replan(now.problem, result, { maxIterations: 300, seed: 1 });
    }
    const stored = await storePlan(tx, actor, now, plan, 'replan');
    const moved = [...assignmentOf(base)].filter(([id, k]) => assignmentOf(plan).get(id) !== k).length;
    await audit(tx, actor, {
      action: 'scheduling.plan.replan',
      recordType: 'scheduling_plan',
      recordId: stored.id,
      requestId: ctx.requestId,
      detail: { teamId: team.id, day: query.day, before: baseRow?.figures ?? null, after: stored.figures, moved },
    });
    return {
      planId: stored.id,
      before: baseRow?.figures ?? null,
      after: stored.figures,
      moved,
      elapsedMs: Math.round(result.stats.elapsedMs),
      iterations: result.stats.iterations,
    };
  });
}

/** Plans a whole day from scratch, synchronously and deterministically (seeding and tests). */
export async function solveDay(
  db: AnyDb,
  actor: Actor,
  query: { day: string; teamId?: string | null; maxIterations?: number; seed?: number },
): Promise<repo.PlanRow> {
  requireRole(actor, SCHEDULERS);
  return inTransaction(db, async (tx) => {
    const team = await resolveTeam(tx, actor, query.teamId);
    const data = await loadDay(tx, team, query.day);
    const plan = solve(data.problem, {
      maxIterations: query.maxIterations ?? 3000,
      seed: query.seed ?? 1,
      minimiseVehicles: false,
    });
    const stored = await storePlan(tx, actor, data, plan, 'solve');
    await audit(tx, actor, {
      action: 'scheduling.plan.solve',
      recordType: 'scheduling_plan',
      recordId: stored.id,
      detail: { teamId: team.id, day: query.day, figures: stored.figures },
    });
    return stored;
  });
}

/** For tests and checks: the team's day as the solver sees it, and its current plan. */
export async function dayProblem(
  db: AnyDb,
  actor: Actor,
  query: { day: string; teamId?: string | null },
): Promise<{ problem: Problem; plan: Plan | null }> {
  requireRole(actor, SCHEDULERS);
  const team = await resolveTeam(db, actor, query.teamId);
  const data = await loadDay(db, team, query.day);
  return { problem: data.problem, plan: (await repo.latestPlan(db, team.id, query.day))?.plan ?? null };
}

export { NCL_DISTRICTS };

// ---------------------------------------------------------------------------------------------------------
// Virtual-ward visits (for the virtual wards module)

/** The board reference of a virtual-ward visit: `VW-` and the first 8 characters of the admission id. */
export const WARD_VISIT_REFERENCE = /^VW-[0-9A-F]{8}$/;

export type WardVisitRequest = {
  /** `VW-` and the first 8 characters of the admission id: never a name. */
  reference: string;
  /** The ward's provider: its visits go to that organisation's team. */
  organisationCode: string;
  postcodeDistrict: string;
  visits: { day: string; windowStart: string; windowEnd: string }[];
  durationMinutes?: number;
  skills?: string[];
};

export type BookedWardVisit = { visitId: string; day: string; windowStart: string; placedOn: string | null };

/**
 * Books a virtual ward's daily visits onto its provider's board. Adding a visit normally needs the
 * coordinator role; these are booked as the system on behalf of the admitting clinician (named in the
 * audit), in the caller's transaction. With no team of the provider organisation, nothing is booked.
 */
export async function bookWardVisits(
  db: AnyDb,
  onBehalfOf: Actor,
  request: WardVisitRequest,
  ctx: Ctx = {},
): Promise<{ teamId: string | null; booked: BookedWardVisit[] }> {
  if (!WARD_VISIT_REFERENCE.test(request.reference))
    throw new Error(`A virtual-ward visit reference must look like VW-1A2B3C4D, not ${request.reference}`);
  return inTransaction(db, async (tx) => {
    const team = (await repo.listTeams(tx, onBehalfOf.systemId)).find(
      (t) => t.organisationCode === request.organisationCode,
    );
    if (!team || !request.visits.length) return { teamId: team?.id ?? null, booked: [] };
    const booker: Actor = {
      kind: 'system',
      id: 'system:virtual-wards',
      name: `Virtual ward visits (for ${onBehalfOf.name})`,
      role: 'system',
      systemId: onBehalfOf.systemId,
      organisationCode: request.organisationCode,
    };
    const booked: BookedWardVisit[] = [];
    for (const v of request.visits) {
      const added = await addVisit(
        tx,
        booker,
        {
          day: v.day,
          teamId: team.id,
          patientRef: request.reference,
          postcodeDistrict: request.postcodeDistrict,
          priority: 'virtual-ward',
          windowStart: v.windowStart,
          windowEnd: v.windowEnd,
          durationMinutes: request.durationMinutes ?? 30,
          skills: request.skills ?? ['nurse'],
        },
        { ...ctx, source: 'virtual-ward' },
      );
      booked.push({
        visitId: added.visit.id,
        day: v.day,
        windowStart: v.windowStart,
        placedOn: added.placement?.clinicianName ?? null,
      });
    }
    await audit(tx, onBehalfOf, {
      action: 'scheduling.ward-visits.booked',
      recordType: 'scheduling_team',
      recordId: team.id,
      requestId: ctx.requestId,
      detail: { reference: request.reference, visits: booked.map((b) => b.visitId) },
    });
    return { teamId: team.id, booked };
  });
}

/**
 * Takes virtual-ward visits off the board (status cancelled, removed from the current plan of their day), in
 * the caller's transaction. Visits already cancelled or not booked for a virtual ward are left alone.
 */
export async function cancelWardVisits(
  db: AnyDb,
  onBehalfOf: Actor,
  visitIds: readonly string[],
  reason: string,
  ctx: Ctx = {},
): Promise<number> {
  if (!visitIds.length) return 0;
  return inTransaction(db, async (tx) => {
    const byDay = new Map<string, repo.VisitRow[]>();
    for (const id of visitIds) {
      const v = await repo.getVisit(tx, onBehalfOf.systemId, id);
      if (v?.status !== 'open' || v.source !== 'virtual-ward') continue;
      const key = `${v.teamId} ${v.day}`;
      byDay.set(key, [...(byDay.get(key) ?? []), v]);
    }
    let cancelled = 0;
    for (const visits of byDay.values()) {
      const { teamId, day } = visits[0] as repo.VisitRow;
      const team = await repo.getTeam(tx, onBehalfOf.systemId, teamId, true);
      if (!team) continue;
      for (const v of visits) await repo.cancelVisitRow(tx, v.id);
      cancelled += visits.length;
      const latest = await repo.latestPlan(tx, teamId, day);
      if (!latest) continue;
      const gone = new Set(visits.map((v) => v.id));
      const plan: Plan = {
        ...latest.plan,
        routes: latest.plan.routes.map((r) => ({ ...r, visits: r.visits.filter((x) => !gone.has(x.visitId)) })),
        unassigned: latest.plan.unassigned.filter((id) => !gone.has(id)),
      };
      await storePlan(tx, onBehalfOf, await loadDay(tx, team, day), plan, 'cancel');
    }
    if (cancelled)
      await audit(tx, onBehalfOf, {
        action: 'scheduling.ward-visits.cancelled',
        recordType: 'scheduling_visit',
        recordId: null,
        reason,
        requestId: ctx.requestId,
        detail: { visits: [...byDay.values()].flat().map((v) => v.id) },
      });
    return cancelled;
  });
}
