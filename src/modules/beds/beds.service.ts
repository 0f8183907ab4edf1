// Bed management commands and queries, each taking (db, actor, …) and the request's `now`: the NCL-wide
// board, requests for a bed and the beds proposed for them, allocation (one winner when two bed managers
// take the same bed), admission, leave, delayed discharge, discharge, out-of-area placements and bringing
// people home, and figures without personal data. Every change is audited in its own transaction; every
// read of a person's details goes through platform relationships and is audited.
import { randomBytes, randomUUID } from 'node:crypto';
import { audit } from '../../platform/audit/audit.ts';
import { endRelationships, relate, requirePersonAccess, visiblePeople } from '../../platform/auth/relationships.ts';
import type { Actor, Role } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import {
  ConflictError,
  DomainError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { addDays, londonDate, londonInstant, parseDate } from '../../platform/london-time.ts';
import { normaliseNhsNumber, parsePostcode, validateNhsNumber } from '../access/index.ts';
import { findDistrict } from '../scheduling/index.ts';
import {
  ageOn,
  ageProblem,
  type BedState,
  CLOSURE_REASON_LABELS,
  CLOSURE_REASONS,
  type ClosureReason,
  DELAY_REASONS,
  type DelayReason,
  DISCHARGE_DESTINATIONS,
  defaultAppropriate,
  delayedDays,
  haversineKm,
  NCL_BOROUGHS,
  NEEDED_SEXES,
  type NeededSex,
  OAP_REASON_LABELS,
  OAP_REASONS,
  type OapReason,
  OUT_OF_AREA_DISTRICTS,
  oapDays,
  oapDaysByMonth,
  oapReasonCode,
  openBedsAt,
  type Proposal,
  proposeBeds,
  REQUEST_SOURCES,
  unsuitability,
  URGENCIES,
  type Urgency,
  WARD_SEXES,
  WARD_TYPES,
  type WardSex,
  type WardType,
} from './beds.ts';
import * as repo from './beds.repository.ts';

export const BED_MANAGERS: readonly Role[] = ['bed_manager'];
/** Who may ask for a bed: crisis and liaison clinicians, the central point of access, bed managers. */
export const BED_REQUESTERS: readonly Role[] = ['bed_manager', 'spa', 'clinician'];
/** The board holds no personal data: counts and bed states only. */
export const BOARD_READERS: readonly Role[] = ['bed_manager', 'spa', 'clinician', 'commissioner', 'analyst'];
/** Figures (counts, days, cost) without personal data. */
export const FIGURE_READERS: readonly Role[] = ['bed_manager', 'commissioner', 'analyst'];

type Ctx = { now: Date; requestId?: string };

function requireRole(actor: Actor, roles: readonly Role[]): void {
  if (actor.role !== 'system' && !roles.includes(actor.role)) throw new ForbiddenError();
}
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const oneOf = <T extends string>(list: readonly T[], v: unknown): T | null =>
  typeof v === 'string' && (list as readonly string[]).includes(v) ? (v as T) : null;
const validDate = (v: unknown) => (typeof v === 'string' && parseDate(v.trim()) ? v.trim() : null);

// ---------------------------------------------------------------------------------------------------------
// The board

export type BoardBed = repo.BedRow & { delayed: boolean; delayedDays: number; delayReason: string | null };
export type BoardWard = repo.WardRow & { beds: BoardBed[]; counts: Counts };
export type Counts = Record<BedState, number> & { total: number; delayed: number };
export type BoardView = {
  wards: BoardWard[];
  totals: Counts;
  byTrust: { key: string; label: string; counts: Counts }[];
  byType: { key: WardType; counts: Counts }[];
  bySex: { key: WardSex; counts: Counts }[];
  trusts: { code: string; name: string }[];
  filters: { type: WardType | null; sex: WardSex | null; trust: string | null };
};

const emptyCounts = (): Counts => ({
  available: 0,
  reserved: 0,
  occupied: 0,
  leave: 0,
  closed: 0,
  total: 0,
  delayed: 0,
});

/** The NCL-wide board: every ward and bed with its state and counts, filtered by type, sex and trust. */
export async function getBoard(
  db: AnyDb,
  actor: Actor,
  q: { type?: string | null; sex?: string | null; trust?: string | null },
  ctx: Ctx,
): Promise<BoardView> {
  requireRole(actor, BOARD_READERS);
  const today = londonDate(ctx.now);
  const [wards, beds, stays] = await Promise.all([
    repo.listWards(db, actor.systemId),
    repo.listBeds(db, actor.systemId),
    repo.openStayFacts(db, actor.systemId),
  ]);
  const trusts = [...new Map(wards.map((w) => [w.trustCode, w.trustName])).entries()].map(([code, name]) => ({
    code,
    name,
  }));
  const filters = {
    type: oneOf(WARD_TYPES, q.type),
    sex: oneOf(WARD_SEXES, q.sex),
    trust: trusts.some((t) => t.code === q.trust) ? (q.trust as string) : null,
  };
  const stayByBed = new Map(stays.map((s) => [s.bedId, s]));
  const shown = wards.filter(
    (w) =>
      (!filters.type || w.type === filters.type) &&
      (!filters.sex || w.sex === filters.sex) &&
      (!filters.trust || w.trustCode === filters.trust),
  );
  const bedsByWard = new Map<string, BoardBed[]>();
  for (const b of beds) {
    const s = stayByBed.get(b.id);
    const days = s ? delayedDays(s.readySince, today) : 0;
    const bb: BoardBed = { ...b, delayed: !!s?.readySince, delayedDays: days, delayReason: s?.delayReason ?? null };
    bedsByWard.set(b.wardId, [...(bedsByWard.get(b.wardId) ?? []), bb]);
  }
  const totals = emptyCounts();
  const byTrust = new Map<string, Counts>();
  const byType = new Map<WardType, Counts>();
  const bySex = new Map<WardSex, Counts>();
  const add = (c: Counts, b: BoardBed) => {
    c[b.state]++;
    c.total++;
    if (b.delayed) c.delayed++;
  };
  const boardWards = shown.map((w) => {
    const wb = (bedsByWard.get(w.id) ?? []).sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true }));
    const counts = { ...emptyCounts() };
    for (const b of wb) {
      add(counts, b);
      add(totals, b);
      for (const [map, key] of [
        [byTrust, w.trustCode],
        [byType, w.type],
        [bySex, w.sex],
      ] as [Map<string, Counts>, string][]) {
        if (!map.has(key)) map.set(key, emptyCounts());
        add(map.get(key) as Counts, b);
      }
    }
    return { ...w, beds: wb, counts };
  });
  const trustName = new Map(trusts.map((t) => [t.code, t.name]));
  return {
    wards: boardWards,
    totals,
    byTrust: [...byTrust].map(([key, counts]) => ({ key, label: trustName.get(key) ?? key, counts })),
    byType: WARD_TYPES.filter((t) => byType.has(t)).map((key) => ({ key, counts: byType.get(key) as Counts })),
    bySex: WARD_SEXES.filter((s) => bySex.has(s)).map((key) => ({ key, counts: bySex.get(key) as Counts })),
    trusts,
    filters,
  };
}

/**
 * Occupancy over the last `days` days: at each London midnight, beds held by a stay (occupied or on leave)
 * and beds open that midnight (not closed, from the recorded bed state changes), by ward type. `beds` is
 * the number of beds on the board now; occupancy each day is `held` out of `open`.
 */
export async function occupancyHistory(
  db: AnyDb,
  actor: Actor,
  q: { days?: number },
  ctx: Ctx,
): Promise<{
  dates: string[];
  series: { type: WardType | 'all'; beds: number; open: number[]; held: number[] }[];
}> {
  requireRole(actor, BOARD_READERS);
  const days = Math.min(90, Math.max(2, q.days ?? 28));
  const today = londonDate(ctx.now);
  const dates = Array.from({ length: days }, (_, i) => addDays(today, i - days + 1));
  const instants = dates.map((d) => londonInstant(d).getTime());
  const [wards, beds, stays, changes] = await Promise.all([
    repo.listWards(db, actor.systemId),
    repo.listBeds(db, actor.systemId),
    repo.staysOverlapping(db, actor.systemId, new Date(instants[0]), new Date(instants[instants.length - 1] + 1)),
    repo.bedEventsFrom(db, actor.systemId, new Date(instants[0])),
  ]);
  const typeOf = new Map(wards.map((w) => [w.id, w.type]));
  const types = WARD_TYPES.filter((t) => wards.some((w) => w.type === t));
  const series = [...types, 'all' as const].map((type) => {
    const inType = (wardId: string) => type === 'all' || typeOf.get(wardId) === type;
    return {
      type,
      beds: beds.filter((b) => inType(b.wardId)).length,
      open: openBedsAt(
        beds.filter((b) => inType(b.wardId)),
        changes,
        instants,
      ),
      held: instants.map(
        (t) =>
          stays.filter(
            (s) =>
              inType(s.wardId) &&
              Date.parse(s.admittedAt) <= t &&
              (s.dischargedAt === null || Date.parse(s.dischargedAt) > t),
          ).length,
      ),
    };
  });
  return { dates, series };
}

// ---------------------------------------------------------------------------------------------------------
// Bed requests

export type RequestInput = {
  nhsNumber?: string;
  givenName?: string;
  familyName?: string;
  birthDate?: string;
  homePostcode?: string;
  homeBorough?: string;
  wardType?: string;
  sex?: string;
  urgency?: string;
  source?: string;
  notes?: string;
};

export type RequestView = repo.RequestRow & {
  patient: repo.PatientRow;
  waitMinutes: number;
};

const REF_ALPHABET = '23456789BCDFGHJKLMNPQRSTVWXZ';
function newReference(): string {
  const bytes = randomBytes(6);
  return `BED-${[...bytes].map((b) => REF_ALPHABET[b % REF_ALPHABET.length]).join('')}`;
}

function checkRequest(input: RequestInput, now: Date) {
  const errors: FieldError[] = [];
  const nhs = validateNhsNumber(input.nhsNumber ?? '');
  if (!nhs.ok) errors.push({ field: 'nhsNumber', message: nhs.message });
  const givenName = text(input.givenName);
  const familyName = text(input.familyName);
  if (!givenName) errors.push({ field: 'givenName', message: 'Enter the first name' });
  if (!familyName) errors.push({ field: 'familyName', message: 'Enter the last name' });
  const birthDate = validDate(input.birthDate);
  if (!birthDate) errors.push({ field: 'birthDate', message: 'Enter the date of birth, like 1990-03-27' });
  else if (birthDate > londonDate(now))
    errors.push({ field: 'birthDate', message: 'Date of birth must be in the past' });
  const postcode = parsePostcode(input.homePostcode ?? '');
  if (!postcode) errors.push({ field: 'homePostcode', message: 'Enter a full UK postcode, like N19 5HX' });
  const district = postcode ? findDistrict(postcode.postcode) : undefined;
  const chosenBorough = text(input.homeBorough);
  const homeBorough = chosenBorough
    ? oneOf(NCL_BOROUGHS, chosenBorough)
    : ((district?.borough as (typeof NCL_BOROUGHS)[number] | undefined) ?? null);
  if (chosenBorough && !homeBorough) errors.push({ field: 'homeBorough', message: 'Select the home borough' });
  if (!chosenBorough && postcode && !homeBorough) {
    errors.push({
      field: 'homeBorough',
      message: 'This postcode is not in a North Central London borough: select the borough of the home team',
    });
  }
  const wardType = oneOf(WARD_TYPES, input.wardType);
  if (!wardType) errors.push({ field: 'wardType', message: 'Select the type of bed needed' });
  const sex = oneOf(NEEDED_SEXES, input.sex);
  if (!sex) errors.push({ field: 'sex', message: 'Select the accommodation needed: male or female' });
  if (wardType && birthDate && birthDate <= londonDate(now)) {
    const age = ageProblem(wardType, ageOn(birthDate, londonDate(now)));
    if (age) errors.push({ field: 'wardType', message: age });
  }
  const urgency = oneOf(URGENCIES, input.urgency);
  if (!urgency) errors.push({ field: 'urgency', message: 'Select how urgent the admission is' });
  const source = oneOf(REQUEST_SOURCES, input.source);
  if (!source) errors.push({ field: 'source', message: 'Select who is asking for the bed' });
  const notes = text(input.notes);
  if (notes.length > 2000) errors.push({ field: 'notes', message: 'Notes must be 2,000 characters or fewer' });
  if (errors.length) throw new ValidationError(errors);
  return {
    nhsNumber: normaliseNhsNumber(input.nhsNumber) as string,
    givenName,
    familyName,
    birthDate: birthDate as string,
    homePostcode: (postcode as NonNullable<typeof postcode>).postcode,
    homeDistrict: district?.district ?? (postcode as NonNullable<typeof postcode>).district,
    homeBorough: homeBorough as string,
    wardType: wardType as WardType,
    sex: sex as NeededSex,
    urgency: urgency as Urgency,
    source: source as string,
    notes: notes || null,
  };
}

/**
 * A request for a bed: the person, the bed type and sex of accommodation needed, urgency and home borough.
 * Bed managers (by role) and the person who asked may then see the person's details.
 */
export async function requestBed(db: AnyDb, actor: Actor, input: RequestInput, ctx: Ctx): Promise<RequestView> {
  requireRole(actor, BED_REQUESTERS);
  const v = checkRequest(input, ctx.now);
  return inTransaction(db, async (tx) => {
    const patient = await repo.upsertPatient(tx, actor.systemId, {
      id: randomUUID(),
      nhsNumber: v.nhsNumber,
      givenName: v.givenName,
      familyName: v.familyName,
      birthDate: v.birthDate,
      homePostcode: v.homePostcode,
      homeBorough: v.homeBorough,
    });
    const request = await repo.insertRequest(tx, actor.systemId, {
      id: randomUUID(),
      reference: newReference(),
      patientId: patient.id,
      source: v.source,
      wardType: v.wardType,
      sex: v.sex,
      urgency: v.urgency,
      homeBorough: v.homeBorough,
      homeDistrict: v.homeDistrict,
      notes: v.notes,
      requestedAt: ctx.now.toISOString(),
      requestedBy: actor.id,
      requestedByName: actor.name,
      requesterOrganisation: actor.organisationCode,
      placementId: null,
    });
    await grantForRequest(tx, actor, patient.id, request.id, ctx.now);
    await audit(tx, actor, {
      action: 'beds.request.create',
      recordType: 'bed_request',
      recordId: request.id,
      requestId: ctx.requestId,
      detail: { reference: request.reference, wardType: v.wardType, urgency: v.urgency, personId: patient.id },
    });
    return { ...request, patient, waitMinutes: 0 };
  });
}

async function grantForRequest(tx: AnyDb, actor: Actor, personId: string, requestId: string, at: Date) {
  const base = {
    systemId: actor.systemId,
    personId,
    basis: 'bed-request',
    sourceType: 'bed_request',
    sourceId: requestId,
    at,
  };
  await relate(tx, { ...base, grantee: { role: 'bed_manager' } });
  // The person who asked follows their request; a system calling with an API token has no person, so its
  // organisation (the team's trust) does.
  if (actor.kind === 'user') await relate(tx, { ...base, grantee: { user: actor.id } });
  else if (actor.kind === 'token' && actor.organisationCode) {
    await relate(tx, { ...base, grantee: { organisation: actor.organisationCode } });
  }
}

const waitOf = (r: repo.RequestRow, now: Date) =>
  Math.max(0, Math.floor(((r.closedAt ? Date.parse(r.closedAt) : now.getTime()) - Date.parse(r.requestedAt)) / 60_000));

export const OPEN_STATUSES: readonly repo.RequestStatus[] = ['waiting', 'allocated'];

/** The requests worklist: only people the caller has a relationship with; most urgent, then longest wait. */
/** How many bed requests the actor may see are open (waiting or allocated), for the staff home; not audited. */
export async function openRequestCount(db: AnyDb, actor: Actor, ctx: Ctx): Promise<number> {
  requireRole(actor, BED_REQUESTERS);
  const { total } = await repo.listRequests(db, actor.systemId, visiblePeople(db, actor, ctx.now), {
    statuses: OPEN_STATUSES,
    limit: 1,
    offset: 0,
  });
  return total;
}

export async function listRequests(
  db: AnyDb,
  actor: Actor,
  q: { statuses?: readonly repo.RequestStatus[]; page?: number; pageSize?: number },
  ctx: Ctx,
): Promise<{ items: RequestView[]; total: number; page: number; pageSize: number }> {
  requireRole(actor, BED_REQUESTERS);
  const page = Math.max(1, q.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, q.pageSize ?? 25));
  const { rows, total } = await repo.listRequests(db, actor.systemId, visiblePeople(db, actor, ctx.now), {
    statuses: q.statuses?.length ? q.statuses : OPEN_STATUSES,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  const people = await repo.patientsByIds(
    db,
    actor.systemId,
    rows.map((r) => r.patientId),
  );
  await audit(db, actor, {
    action: 'beds.request.list',
    recordType: 'bed_request',
    requestId: ctx.requestId,
    detail: { page, shown: rows.length, personIds: [...new Set(rows.map((r) => r.patientId))] },
  });
  return {
    items: rows.map((r) => ({
      ...r,
      patient: people.get(r.patientId) as repo.PatientRow,
      waitMinutes: waitOf(r, ctx.now),
    })),
    total,
    page,
    pageSize,
  };
}

async function readRequest(db: AnyDb, actor: Actor, id: string, ctx: Ctx): Promise<RequestView> {
  const r = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findRequest(db, actor.systemId, id) : null;
  if (!r) throw new NotFoundError('Bed request');
  await requirePersonAccess(db, actor, r.patientId, {
    now: ctx.now,
    recordType: 'bed_request',
    recordId: r.id,
    label: 'Bed request',
    requestId: ctx.requestId,
  });
  const people = await repo.patientsByIds(db, actor.systemId, [r.patientId]);
  return { ...r, patient: people.get(r.patientId) as repo.PatientRow, waitMinutes: waitOf(r, ctx.now) };
}

export type ProposalView = Proposal & { wardLabel: string };
export type RequestDetail = RequestView & {
  proposals: Proposal<repo.WardRow, repo.BedRow>[];
  allocatedBed: { bed: repo.BedRow; ward: repo.WardRow } | null;
  stayId: string | null;
};

function homePlace(district: string | null) {
  return district ? findDistrict(district) : undefined;
}
function distanceFrom(district: string | null) {
  const home = homePlace(district);
  return (w: { postcodeDistrict: string }) => {
    const at = findDistrict(w.postcodeDistrict);
    return home && at ? haversineKm(home, at) : null;
  };
}

/** One request with its person (audited) and the suitable beds in the order the board proposes them. */
export async function getRequest(db: AnyDb, actor: Actor, id: string, ctx: Ctx): Promise<RequestDetail> {
  requireRole(actor, BED_REQUESTERS);
  const r = await readRequest(db, actor, id, ctx);
  await audit(db, actor, {
    action: 'beds.request.read',
    recordType: 'bed_request',
    recordId: r.id,
    requestId: ctx.requestId,
    detail: { personId: r.patientId },
  });
  const [wards, beds] = await Promise.all([repo.listWards(db, actor.systemId), repo.listBeds(db, actor.systemId)]);
  const proposals =
    r.status === 'waiting'
      ? proposeBeds(
          wards,
          beds,
          {
            type: r.wardType,
            sex: r.sex,
            homeBorough: r.homeBorough,
            age: ageOn(r.patient.birthDate, londonDate(ctx.now)),
          },
          distanceFrom(r.homeDistrict),
        )
      : [];
  const bed = r.bedId ? beds.find((b) => b.id === r.bedId) : undefined;
  const ward = bed ? wards.find((w) => w.id === bed.wardId) : undefined;
  let stayId: string | null = null;
  if (r.status === 'admitted') {
    const row = await db
      .selectFrom('beds_stays')
      .select('id')
      .where('request_id', '=', r.id)
      .orderBy('admitted_at', 'desc')
      .executeTakeFirst();
    stayId = (row?.id as string | undefined) ?? null;
  }
  return { ...r, proposals, allocatedBed: bed && ward ? { bed, ward } : null, stayId };
}

/**
 * Gives one bed to one request. Refused, naming why, when the bed is taken, closed or kept for someone on
 * leave (409) or does not suit the request (400, field bedId). Of two allocations of the same bed at the
 * same moment exactly one succeeds: the bed moves with a conditional update and the loser gets 409.
 */
export async function allocateBed(
  db: AnyDb,
  actor: Actor,
  requestId: string,
  input: { bedId?: string },
  ctx: Ctx,
): Promise<RequestDetail> {
  requireRole(actor, BED_MANAGERS);
  const bedId = text(input.bedId);
  if (!bedId) throw new ValidationError([{ field: 'bedId', message: 'Select a bed' }]);
  await inTransaction(db, async (tx) => {
    const r = await readRequest(tx, actor, requestId, ctx);
    if (r.status !== 'waiting') {
      throw new ConflictError(
        r.status === 'allocated'
          ? 'This request already has a bed allocated'
          : `This request is ${r.status.replace(/-/g, ' ')}`,
        'request_not_waiting',
      );
    }
    const bed = await repo.findBed(tx, actor.systemId, bedId);
    const ward = bed ? await repo.findWard(tx, actor.systemId, bed.wardId) : null;
    if (!bed || !ward) throw new ValidationError([{ field: 'bedId', message: 'Select a bed from the list' }]);
    const closedText = bed.closedReason
      ? (CLOSURE_REASON_LABELS[bed.closedReason as ClosureReason] ?? bed.closedReason).toLowerCase()
      : null;
    const need = {
      type: r.wardType,
      sex: r.sex,
      homeBorough: r.homeBorough,
      age: ageOn(r.patient.birthDate, londonDate(ctx.now)),
    };
    const problems = unsuitability(ward, bed, need, closedText);
    if (bed.state !== 'available') throw new ConflictError(problems.join('. '), 'bed_not_available');
    if (problems.length) throw new ValidationError([{ field: 'bedId', message: problems.join('. ') }]);
    const moved = await repo.applyBedEvent(tx, actor.systemId, bed.id, 'allocate', ctx.now);
    if (!moved) throw new ConflictError('This bed was allocated to someone else a moment ago', 'bed_taken');
    const done = await repo.markAllocated(tx, actor.systemId, r.id, bed.id, ctx.now, actor.name);
    if (!done) throw new ConflictError('This request was allocated a bed a moment ago', 'request_not_waiting');
    await audit(tx, actor, {
      action: 'beds.request.allocate',
      recordType: 'bed_request',
      recordId: r.id,
      requestId: ctx.requestId,
      detail: { bedId: bed.id, wardId: ward.id, personId: r.patientId },
    });
  }).catch((e) => {
    // A unique index refusing a second allocation is the same race, reported the same way.
    if (e instanceof DomainError) throw e;
    if (/unique|duplicate key/i.test(String((e as Error)?.message))) {
      throw new ConflictError('This bed was allocated to someone else a moment ago', 'bed_taken');
    }
    throw e;
  });
  return getRequest(db, actor, requestId, ctx);
}

/** Cancels a waiting or allocated request, freeing any reserved bed. */
export async function cancelRequest(db: AnyDb, actor: Actor, requestId: string, ctx: Ctx): Promise<RequestView> {
  requireRole(actor, BED_MANAGERS);
  return inTransaction(db, async (tx) => {
    const r = await readRequest(tx, actor, requestId, ctx);
    const done = await repo.setRequestStatus(tx, actor.systemId, r.id, OPEN_STATUSES, 'cancelled', ctx.now);
    if (!done) throw new ConflictError('Only a waiting or allocated request can be cancelled', 'request_closed');
    if (r.bedId && r.status === 'allocated')
      await repo.applyBedEvent(tx, actor.systemId, r.bedId, 'cancel-allocation', ctx.now);
    await endRelationships(tx, {
      systemId: actor.systemId,
      sourceType: 'bed_request',
      sourceId: r.id,
      at: ctx.now,
      grantee: { user: r.requestedBy },
    });
    await audit(tx, actor, {
      action: 'beds.request.cancel',
      recordType: 'bed_request',
      recordId: r.id,
      requestId: ctx.requestId,
      detail: { personId: r.patientId, bedId: r.bedId },
    });
    return { ...done, patient: r.patient, waitMinutes: waitOf(done, ctx.now) };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Admission, leave, delayed discharge, discharge

function instantInput(v: unknown, field: string, label: string, errors: FieldError[]): Date | null {
  if (v === undefined || v === null || v === '') return null;
  const s = String(v).trim();
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s) && parseDate(s) ? londonInstant(s, '12:00') : new Date(s);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(s)) {
    errors.push({ field, message: `Enter the ${label} as a date, like 2026-11-23` });
    return null;
  }
  return d;
}

/** Admits the person to the bed allocated to their request; ends a placement they came home from. */
export async function admit(
  db: AnyDb,
  actor: Actor,
  requestId: string,
  input: { admittedAt?: string },
  ctx: Ctx,
): Promise<StayView> {
  requireRole(actor, BED_MANAGERS);
  const errors: FieldError[] = [];
  const at = instantInput(input.admittedAt, 'admittedAt', 'admission date', errors) ?? ctx.now;
  if (at.getTime() > ctx.now.getTime())
    errors.push({ field: 'admittedAt', message: 'The admission cannot be in the future' });
  if (errors.length) throw new ValidationError(errors);
  const stayId = randomUUID();
  await inTransaction(db, async (tx) => {
    const r = await readRequest(tx, actor, requestId, ctx);
    if (r.status !== 'allocated' || !r.bedId) {
      throw new ConflictError('Only a request with a bed allocated can be admitted', 'request_not_allocated');
    }
    if (at.getTime() < Date.parse(r.requestedAt) - 86_400_000) {
      throw new ValidationError([
        { field: 'admittedAt', message: 'The admission must be after the bed was requested' },
      ]);
    }
    const bed = await repo.applyBedEvent(tx, actor.systemId, r.bedId, 'admit', ctx.now);
    if (!bed) throw new ConflictError('The allocated bed is no longer reserved for this request', 'bed_not_reserved');
    const ward = (await repo.findWard(tx, actor.systemId, bed.wardId)) as repo.WardRow;
    await repo.insertStay(tx, actor.systemId, {
      id: stayId,
      patientId: r.patientId,
      requestId: r.id,
      bedId: bed.id,
      wardId: bed.wardId,
      admittedAt: at,
    });
    await repo.setRequestStatus(tx, actor.systemId, r.id, ['allocated'], 'admitted', ctx.now);
    const base = {
      systemId: actor.systemId,
      personId: r.patientId,
      basis: 'ward-stay',
      sourceType: 'bed_stay',
      sourceId: stayId,
      at: ctx.now,
    };
    await relate(tx, { ...base, grantee: { role: 'bed_manager' } });
    await relate(tx, { ...base, grantee: { organisation: ward.trustCode } });
    if (r.placementId) await repo.endPlacement(tx, actor.systemId, r.placementId, londonDate(at), stayId);
    await audit(tx, actor, {
      action: 'beds.admit',
      recordType: 'bed_stay',
      recordId: stayId,
      requestId: ctx.requestId,
      detail: { requestId: r.id, bedId: bed.id, personId: r.patientId, placementEnded: r.placementId },
    });
  });
  return getStay(db, actor, stayId, ctx);
}

export type StayView = repo.StayRow & {
  patient: repo.PatientRow;
  bed: repo.BedRow;
  ward: repo.WardRow;
  delayedDays: number;
  lengthOfStayDays: number;
};

async function readStay(db: AnyDb, actor: Actor, id: string, ctx: Ctx): Promise<StayView> {
  const s = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findStay(db, actor.systemId, id) : null;
  if (!s) throw new NotFoundError('Admission');
  await requirePersonAccess(db, actor, s.patientId, {
    now: ctx.now,
    recordType: 'bed_stay',
    recordId: s.id,
    label: 'Admission',
    requestId: ctx.requestId,
  });
  const [people, bed, ward] = await Promise.all([
    repo.patientsByIds(db, actor.systemId, [s.patientId]),
    repo.findBed(db, actor.systemId, s.bedId),
    repo.findWard(db, actor.systemId, s.wardId),
  ]);
  const today = londonDate(ctx.now);
  const end = s.dischargedAt ? londonDate(s.dischargedAt) : today;
  return {
    ...s,
    patient: people.get(s.patientId) as repo.PatientRow,
    bed: bed as repo.BedRow,
    ward: ward as repo.WardRow,
    delayedDays: delayedDays(s.readySince, today, s.dischargedAt ? end : null),
    lengthOfStayDays: Math.max(
      0,
      Math.round((londonInstant(end).getTime() - londonInstant(londonDate(s.admittedAt)).getTime()) / 86_400_000),
    ),
  };
}

export async function getStay(db: AnyDb, actor: Actor, id: string, ctx: Ctx): Promise<StayView> {
  requireRole(actor, BED_MANAGERS);
  const s = await readStay(db, actor, id, ctx);
  await audit(db, actor, {
    action: 'beds.stay.read',
    recordType: 'bed_stay',
    recordId: s.id,
    requestId: ctx.requestId,
    detail: { personId: s.patientId },
  });
  return s;
}

/** Everyone in an NCL bed whom the caller may see, delayed discharges first. */
export async function listStays(db: AnyDb, actor: Actor, ctx: Ctx): Promise<StayView[]> {
  requireRole(actor, BED_MANAGERS);
  const stays = await repo.openStays(db, actor.systemId, visiblePeople(db, actor, ctx.now));
  const [people, wards, beds] = await Promise.all([
    repo.patientsByIds(
      db,
      actor.systemId,
      stays.map((s) => s.patientId),
    ),
    repo.listWards(db, actor.systemId),
    repo.listBeds(db, actor.systemId),
  ]);
  const today = londonDate(ctx.now);
  await audit(db, actor, {
    action: 'beds.stay.list',
    recordType: 'bed_stay',
    requestId: ctx.requestId,
    detail: { shown: stays.length, personIds: stays.map((s) => s.patientId) },
  });
  return stays
    .map((s) => ({
      ...s,
      patient: people.get(s.patientId) as repo.PatientRow,
      bed: beds.find((b) => b.id === s.bedId) as repo.BedRow,
      ward: wards.find((w) => w.id === s.wardId) as repo.WardRow,
      delayedDays: delayedDays(s.readySince, today),
      lengthOfStayDays: Math.max(0, Math.floor((ctx.now.getTime() - Date.parse(s.admittedAt)) / 86_400_000)),
    }))
    .sort((a, b) => b.delayedDays - a.delayedDays || a.ward.name.localeCompare(b.ward.name));
}

async function stayCommand(
  db: AnyDb,
  actor: Actor,
  stayId: string,
  ctx: Ctx,
  action: string,
  fn: (tx: AnyDb, s: StayView) => Promise<Record<string, unknown>>,
): Promise<StayView> {
  requireRole(actor, BED_MANAGERS);
  await inTransaction(db, async (tx) => {
    const s = await readStay(tx, actor, stayId, ctx);
    if (s.dischargedAt) throw new ConflictError('This person has already been discharged', 'stay_closed');
    const detail = await fn(tx, s);
    await audit(tx, actor, {
      action,
      recordType: 'bed_stay',
      recordId: s.id,
      requestId: ctx.requestId,
      detail: { personId: s.patientId, bedId: s.bedId, ...detail },
    });
  });
  return getStay(db, actor, stayId, ctx);
}

/** Leave that keeps the bed: the bed shows as "patient on leave" and is not offered to anyone else. */
export function startLeave(db: AnyDb, actor: Actor, stayId: string, input: { expectedBack?: string }, ctx: Ctx) {
  const expectedBack = input.expectedBack ? validDate(input.expectedBack) : null;
  if (input.expectedBack && !expectedBack) {
    throw new ValidationError([{ field: 'expectedBack', message: 'Enter the expected return date, like 2026-11-23' }]);
  }
  if (expectedBack && expectedBack < londonDate(ctx.now)) {
    throw new ValidationError([{ field: 'expectedBack', message: 'The expected return date must be today or later' }]);
  }
  return stayCommand(db, actor, stayId, ctx, 'beds.leave.start', async (tx, s) => {
    const bed = await repo.applyBedEvent(tx, actor.systemId, s.bedId, 'start-leave', ctx.now);
    if (!bed) throw new ConflictError('This person is already on leave', 'already_on_leave');
    await repo.startLeave(tx, s.id, ctx.now, expectedBack);
    return { expectedBack };
  });
}

export function endLeave(db: AnyDb, actor: Actor, stayId: string, ctx: Ctx) {
  return stayCommand(db, actor, stayId, ctx, 'beds.leave.end', async (tx, s) => {
    const bed = await repo.applyBedEvent(tx, actor.systemId, s.bedId, 'end-leave', ctx.now);
    if (!bed) throw new ConflictError('This person is not on leave', 'not_on_leave');
    await repo.endLeave(tx, s.id, ctx.now);
    return {};
  });
}

/** Records that the person is clinically ready to leave but cannot, and why (or clears it). */
export function recordDelay(
  db: AnyDb,
  actor: Actor,
  stayId: string,
  input: { readySince?: string; reason?: string; clear?: boolean },
  ctx: Ctx,
) {
  let readySince: string | null = null;
  let reason: DelayReason | null = null;
  if (!input.clear) {
    const errors: FieldError[] = [];
    readySince = validDate(input.readySince);
    if (!readySince) errors.push({ field: 'readySince', message: 'Enter the date the person was ready for discharge' });
    else if (readySince > londonDate(ctx.now))
      errors.push({ field: 'readySince', message: 'The date cannot be in the future' });
    reason = oneOf(DELAY_REASONS, input.reason);
    if (!reason) errors.push({ field: 'reason', message: 'Select the reason for the delay' });
    if (errors.length) throw new ValidationError(errors);
  }
  return stayCommand(db, actor, stayId, ctx, input.clear ? 'beds.delay.clear' : 'beds.delay.record', async (tx, s) => {
    if (readySince && readySince < londonDate(s.admittedAt)) {
      throw new ValidationError([{ field: 'readySince', message: 'The date must be on or after the admission' }]);
    }
    await repo.updateStay(tx, actor.systemId, s.id, { ready_since: readySince, delay_reason: reason });
    return { readySince, reason };
  });
}

/** Discharge with destination: frees the bed (and ends any leave). */
export function discharge(
  db: AnyDb,
  actor: Actor,
  stayId: string,
  input: { destination?: string; dischargedAt?: string },
  ctx: Ctx,
) {
  const errors: FieldError[] = [];
  const destination = oneOf(DISCHARGE_DESTINATIONS, input.destination);
  if (!destination) errors.push({ field: 'destination', message: 'Select where the person is going' });
  const at = instantInput(input.dischargedAt, 'dischargedAt', 'discharge date', errors) ?? ctx.now;
  if (at.getTime() > ctx.now.getTime() + 60_000)
    errors.push({ field: 'dischargedAt', message: 'The discharge cannot be in the future' });
  if (errors.length) throw new ValidationError(errors);
  return stayCommand(db, actor, stayId, ctx, 'beds.discharge', async (tx, s) => {
    if (at.getTime() < Date.parse(s.admittedAt)) {
      throw new ValidationError([
        { field: 'dischargedAt', message: 'The discharge must be on or after the admission' },
      ]);
    }
    const bed = await repo.applyBedEvent(tx, actor.systemId, s.bedId, 'discharge', ctx.now);
    if (!bed) throw new ConflictError('The bed is not held by this admission', 'bed_not_held');
    await repo.endLeave(tx, s.id, ctx.now);
    await repo.updateStay(tx, actor.systemId, s.id, {
      discharged_at: at,
      discharge_destination: destination as string,
    });
    await endRelationships(tx, {
      systemId: actor.systemId,
      sourceType: 'bed_stay',
      sourceId: s.id,
      at: ctx.now,
      grantee: { organisation: s.ward.trustCode },
    });
    return { destination, delayedDays: delayedDays(s.readySince, londonDate(at)) };
  });
}

/** Closes an available bed with a reason, or opens a closed one. */
export async function setBedClosed(
  db: AnyDb,
  actor: Actor,
  bedId: string,
  input: { closed: boolean; reason?: string },
  ctx: Ctx,
): Promise<repo.BedRow> {
  requireRole(actor, BED_MANAGERS);
  const reason = input.closed ? oneOf(CLOSURE_REASONS, input.reason) : null;
  if (input.closed && !reason)
    throw new ValidationError([{ field: 'reason', message: 'Select why the bed is closed' }]);
  return inTransaction(db, async (tx) => {
    const bed = await repo.findBed(tx, actor.systemId, bedId);
    if (!bed) throw new NotFoundError('Bed');
    const moved = await repo.applyBedEvent(
      tx,
      actor.systemId,
      bed.id,
      input.closed ? 'close' : 'open',
      ctx.now,
      reason,
    );
    if (!moved) {
      throw new ConflictError(
        input.closed ? `Only an available bed can be closed; this bed is ${bed.state}` : 'This bed is not closed',
        'bed_state',
      );
    }
    await audit(tx, actor, {
      action: input.closed ? 'beds.bed.close' : 'beds.bed.open',
      recordType: 'bed',
      recordId: bed.id,
      reason,
      requestId: ctx.requestId,
    });
    return moved;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Out-of-area placements

export type PlacementInput = {
  requestId?: string;
  providerName?: string;
  providerCode?: string;
  locationPostcode?: string;
  startDate?: string;
  endDate?: string;
  reason?: string;
  appropriate?: boolean | string;
  costPerDay?: number | string;
};

export type PlacementView = repo.PlacementRow & {
  patient: repo.PatientRow;
  daysOut: number;
  costToDatePence: number;
};

function locationOf(postcodeText: string) {
  const pc = parsePostcode(postcodeText);
  if (!pc) return null;
  const known = OUT_OF_AREA_DISTRICTS.find((d) => d.district === pc.district);
  return { postcode: pc, known, inNcl: !!findDistrict(pc.postcode) };
}

/** Places the person of a waiting request outside NCL; the request closes as placed out of area. */
export async function createPlacement(
  db: AnyDb,
  actor: Actor,
  input: PlacementInput,
  ctx: Ctx,
): Promise<PlacementView> {
  requireRole(actor, BED_MANAGERS);
  const errors: FieldError[] = [];
  const requestId = text(input.requestId);
  if (!requestId) errors.push({ field: 'requestId', message: 'Say which bed request this placement is for' });
  const providerName = text(input.providerName);
  if (!providerName) errors.push({ field: 'providerName', message: 'Enter the receiving provider' });
  const providerCode = text(input.providerCode).toUpperCase() || null;
  if (providerCode && !/^[A-Z0-9]{3,6}$/.test(providerCode)) {
    errors.push({ field: 'providerCode', message: 'An ODS code is 3 to 6 letters and numbers, like RV5' });
  }
  const loc = locationOf(text(input.locationPostcode));
  if (!loc)
    errors.push({ field: 'locationPostcode', message: 'Enter the postcode of the receiving unit, like ME1 1AA' });
  else if (loc.inNcl) {
    errors.push({
      field: 'locationPostcode',
      message: 'This postcode is in North Central London: allocate an NCL bed instead',
    });
  }
  const startDate = validDate(input.startDate);
  if (!startDate) errors.push({ field: 'startDate', message: 'Enter the start date, like 2026-11-23' });
  else if (startDate > londonDate(ctx.now))
    errors.push({ field: 'startDate', message: 'The start date cannot be in the future' });
  const endDate = input.endDate ? validDate(input.endDate) : null;
  if (input.endDate && !endDate) errors.push({ field: 'endDate', message: 'Enter the end date, like 2026-11-30' });
  if (startDate && endDate && endDate < startDate) {
    errors.push({ field: 'endDate', message: 'The end date must be on or after the start date' });
  }
  const reason = oneOf(OAP_REASONS, input.reason);
  if (!reason) errors.push({ field: 'reason', message: 'Select the reason for the out-of-area placement' });
  const costText = String(input.costPerDay ?? '').replace(/[£,\s]/g, '');
  const cost = /^\d+(\.\d{1,2})?$/.test(costText) ? Math.round(Number(costText) * 100) : null;
  if (cost === null)
    errors.push({ field: 'costPerDay', message: 'Enter the cost per day in pounds, like 650 or 650.50' });
  else if (cost > 1_000_000) errors.push({ field: 'costPerDay', message: 'The cost per day must be £10,000 or less' });
  const appropriate =
    input.appropriate === undefined || input.appropriate === ''
      ? reason
        ? defaultAppropriate(reason)
        : true
      : input.appropriate === true || input.appropriate === 'yes' || input.appropriate === 'true';
  if (errors.length) throw new ValidationError(errors);
  const id = randomUUID();
  await inTransaction(db, async (tx) => {
    const r = await readRequest(tx, actor, requestId, ctx);
    if (r.status !== 'waiting') {
      throw new ConflictError('Only a waiting request can be placed out of area', 'request_not_waiting');
    }
    const home = homePlace(r.homeDistrict);
    const l = loc as NonNullable<typeof loc>;
    await repo.insertPlacement(tx, actor.systemId, {
      id,
      patientId: r.patientId,
      requestId: r.id,
      wardType: r.wardType,
      sex: r.sex,
      homeBorough: r.homeBorough,
      homeDistrict: r.homeDistrict,
      providerName,
      providerCode,
      locationDistrict: l.postcode.district,
      locationPlace: l.known?.place ?? null,
      distanceKm: home && l.known ? haversineKm(home, l.known) : null,
      startDate: startDate as string,
      endDate,
      reason: reason as OapReason,
      appropriate,
      costPerDayPence: cost as number,
      repatriatedStayId: null,
    });
    await repo.setRequestStatus(tx, actor.systemId, r.id, ['waiting'], 'placed-out-of-area', ctx.now);
    await relate(tx, {
      systemId: actor.systemId,
      personId: r.patientId,
      grantee: { role: 'bed_manager' },
      basis: 'out-of-area-placement',
      sourceType: 'bed_placement',
      sourceId: id,
      at: ctx.now,
    });
    await audit(tx, actor, {
      action: 'beds.placement.create',
      recordType: 'bed_placement',
      recordId: id,
      requestId: ctx.requestId,
      detail: { requestId: r.id, personId: r.patientId, reason, appropriate },
    });
  });
  return getPlacement(db, actor, id, ctx);
}

function placementView(p: repo.PlacementRow, patient: repo.PatientRow, today: string): PlacementView {
  const days = oapDays(p, today);
  return { ...p, patient, daysOut: days, costToDatePence: days * p.costPerDayPence };
}

export async function getPlacement(db: AnyDb, actor: Actor, id: string, ctx: Ctx): Promise<PlacementView> {
  requireRole(actor, BED_MANAGERS);
  const p = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findPlacement(db, actor.systemId, id) : null;
  if (!p) throw new NotFoundError('Placement');
  await requirePersonAccess(db, actor, p.patientId, {
    now: ctx.now,
    recordType: 'bed_placement',
    recordId: p.id,
    label: 'Placement',
    requestId: ctx.requestId,
  });
  const people = await repo.patientsByIds(db, actor.systemId, [p.patientId]);
  await audit(db, actor, {
    action: 'beds.placement.read',
    recordType: 'bed_placement',
    recordId: p.id,
    requestId: ctx.requestId,
    detail: { personId: p.patientId },
  });
  return placementView(p, people.get(p.patientId) as repo.PatientRow, londonDate(ctx.now));
}

export type RepatriationMatch = { placement: PlacementView; beds: Proposal<repo.WardRow, repo.BedRow>[] };

/**
 * Active placements (the people the caller may see), longest out first, and for each the NCL beds free
 * now that suit them: those who could come home are listed first.
 */
export async function listPlacements(
  db: AnyDb,
  actor: Actor,
  q: { activeOnly?: boolean },
  ctx: Ctx,
): Promise<{ items: RepatriationMatch[]; repatriation: RepatriationMatch[] }> {
  requireRole(actor, BED_MANAGERS);
  const today = londonDate(ctx.now);
  const rows = await repo.listPlacements(db, actor.systemId, visiblePeople(db, actor, ctx.now), {
    activeOnly: q.activeOnly ?? true,
  });
  const [people, wards, beds] = await Promise.all([
    repo.patientsByIds(
      db,
      actor.systemId,
      rows.map((r) => r.patientId),
    ),
    repo.listWards(db, actor.systemId),
    repo.listBeds(db, actor.systemId),
  ]);
  await audit(db, actor, {
    action: 'beds.placement.list',
    recordType: 'bed_placement',
    requestId: ctx.requestId,
    detail: { shown: rows.length, personIds: rows.map((r) => r.patientId) },
  });
  const items = rows.map((p) => ({
    placement: placementView(p, people.get(p.patientId) as repo.PatientRow, today),
    beds:
      p.endDate === null
        ? proposeBeds(
            wards,
            beds,
            {
              type: p.wardType,
              sex: p.sex,
              homeBorough: p.homeBorough,
              age: ageOn((people.get(p.patientId) as repo.PatientRow).birthDate, today),
            },
            distanceFrom(p.homeDistrict),
          )
        : [],
  }));
  const byDays = (a: RepatriationMatch, b: RepatriationMatch) =>
    b.placement.daysOut - a.placement.daysOut || a.placement.id.localeCompare(b.placement.id);
  const repatriation = items.filter((i) => i.beds.length > 0).sort(byDays);
  return {
    items: [...repatriation, ...items.filter((i) => i.beds.length === 0).sort(byDays)],
    repatriation,
  };
}

/**
 * Brings someone home: a repatriation request for the placement's person, allocated at once to an NCL bed
 * (the same one-winner rule). Admitting that request ends the placement on the admission date.
 */
export async function bringHome(
  db: AnyDb,
  actor: Actor,
  placementId: string,
  input: { bedId?: string },
  ctx: Ctx,
): Promise<RequestDetail> {
  requireRole(actor, BED_MANAGERS);
  const requestId = randomUUID();
  await inTransaction(db, async (tx) => {
    const p = await getPlacement(tx, actor, placementId, ctx);
    if (p.endDate) throw new ConflictError('This placement has ended', 'placement_ended');
    const open = await tx
      .selectFrom('beds_requests')
      .select('id')
      .where('placement_id', '=', p.id)
      .where('status', 'in', [...OPEN_STATUSES])
      .executeTakeFirst();
    if (open) throw new ConflictError('A bed is already allocated to bring this person home', 'repatriation_open');
    await repo.insertRequest(tx, actor.systemId, {
      id: requestId,
      reference: newReference(),
      patientId: p.patientId,
      source: 'repatriation',
      wardType: p.wardType,
      sex: p.sex,
      urgency: 'routine',
      homeBorough: p.homeBorough,
      homeDistrict: p.homeDistrict,
      notes: `Coming home from ${p.providerName}`,
      requestedAt: ctx.now.toISOString(),
      requestedBy: actor.id,
      requestedByName: actor.name,
      requesterOrganisation: actor.organisationCode,
      placementId: p.id,
    });
    await grantForRequest(tx, actor, p.patientId, requestId, ctx.now);
    await audit(tx, actor, {
      action: 'beds.placement.repatriate',
      recordType: 'bed_placement',
      recordId: p.id,
      requestId: ctx.requestId,
      detail: { requestId, personId: p.patientId },
    });
    await allocateBed(tx, actor, requestId, input, ctx);
  });
  return getRequest(db, actor, requestId, ctx);
}

/** Ends a placement (other than by coming home to an NCL bed). */
export async function endPlacement(
  db: AnyDb,
  actor: Actor,
  placementId: string,
  input: { endDate?: string },
  ctx: Ctx,
): Promise<PlacementView> {
  requireRole(actor, BED_MANAGERS);
  const endDate = validDate(input.endDate);
  if (!endDate) throw new ValidationError([{ field: 'endDate', message: 'Enter the end date, like 2026-11-30' }]);
  await inTransaction(db, async (tx) => {
    const p = await getPlacement(tx, actor, placementId, ctx);
    if (endDate < p.startDate) {
      throw new ValidationError([{ field: 'endDate', message: 'The end date must be on or after the start date' }]);
    }
    if (endDate > londonDate(ctx.now))
      throw new ValidationError([{ field: 'endDate', message: 'The end date cannot be in the future' }]);
    if (!(await repo.endPlacement(tx, actor.systemId, p.id, endDate, null))) {
      throw new ConflictError('This placement has already ended', 'placement_ended');
    }
    await audit(tx, actor, {
      action: 'beds.placement.end',
      recordType: 'bed_placement',
      recordId: p.id,
      requestId: ctx.requestId,
      detail: { endDate, personId: p.patientId },
    });
  });
  return getPlacement(db, actor, placementId, ctx);
}

// ---------------------------------------------------------------------------------------------------------
// Figures without personal data (commissioners, the finance saving, monitoring)

export type OapMonthBorough = {
  month: string;
  borough: string;
  placements: number;
  days: number;
  costPence: number;
  inappropriateDays: number;
};

function nextMonthStart(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/**
 * OAP days and cost by calendar month and home borough (days counted as bed days: nights away; an active
 * placement up to today). What the finance module's "reduce out of area placements" saving and monitoring
 * count. Counts only: no person is named.
 */
export async function oapFigures(
  db: AnyDb,
  actor: Actor,
  q: { fromMonth?: string; toMonth?: string },
  ctx: Ctx,
): Promise<{ rows: OapMonthBorough[]; months: string[]; active: number; activeInappropriate: number }> {
  requireRole(actor, FIGURE_READERS);
  const today = londonDate(ctx.now);
  const toMonth = q.toMonth && /^\d{4}-(0[1-9]|1[0-2])$/.test(q.toMonth) ? q.toMonth : today.slice(0, 7);
  const defaultFrom = addDays(`${toMonth}-01`, -150).slice(0, 7);
  const fromMonth = q.fromMonth && /^\d{4}-(0[1-9]|1[0-2])$/.test(q.fromMonth) ? q.fromMonth : defaultFrom;
  if (fromMonth > toMonth)
    throw new ValidationError([{ field: 'fromMonth', message: 'The first month must not be after the last' }]);
  const months = monthsBetween(fromMonth, toMonth);
  if (months.length > 60) throw new ValidationError([{ field: 'fromMonth', message: 'Ask for 60 months or fewer' }]);
  const rows = await repo.listPlacements(db, actor.systemId, null, { activeOnly: false, endedFrom: `${fromMonth}-01` });
  const cells = new Map<string, OapMonthBorough>();
  for (const p of rows) {
    const borough = p.homeBorough ?? 'Not known';
    for (const [month, days] of oapDaysByMonth(p, today)) {
      if (month < fromMonth || month > toMonth) continue;
      const key = `${month}|${borough}`;
      const c = cells.get(key) ?? { month, borough, placements: 0, days: 0, costPence: 0, inappropriateDays: 0 };
      c.placements++;
      c.days += days;
      c.costPence += days * p.costPerDayPence;
      if (!p.appropriate) c.inappropriateDays += days;
      cells.set(key, c);
    }
  }
  const active = rows.filter((p) => p.endDate === null);
  await audit(db, actor, {
    action: 'beds.figures.oap',
    recordType: 'bed_placement',
    requestId: ctx.requestId,
    detail: { fromMonth, toMonth },
  });
  return {
    rows: [...cells.values()].sort((a, b) => a.month.localeCompare(b.month) || a.borough.localeCompare(b.borough)),
    months,
    active: active.length,
    activeInappropriate: active.filter((p) => !p.appropriate).length,
  };
}

export type Figures = {
  asOf: string;
  beds: Counts;
  byType: { key: WardType; counts: Counts }[];
  requestsWaiting: number;
  longestWaitMinutes: number;
  delayedDischarges: number;
  delayedDays: number;
  delaysByReason: { reason: string; count: number; days: number }[];
  oap: Awaited<ReturnType<typeof oapFigures>>;
};

/** The commissioners' page: counts, days and cost, never a person. */
export async function figures(
  db: AnyDb,
  actor: Actor,
  q: { fromMonth?: string; toMonth?: string },
  ctx: Ctx,
): Promise<Figures> {
  requireRole(actor, FIGURE_READERS);
  const board = await getBoard(db, actor, {}, ctx);
  const today = londonDate(ctx.now);
  const stays = await repo.openStayFacts(db, actor.systemId);
  const waiting = await db
    .selectFrom('beds_requests')
    .select(['requested_at'])
    .where('system_id', '=', actor.systemId)
    .where('status', '=', 'waiting')
    .execute();
  const delayed = stays.filter((s) => s.readySince);
  const reasons = new Map<string, { count: number; days: number }>();
  for (const s of delayed) {
    const r = reasons.get(s.delayReason ?? 'other') ?? { count: 0, days: 0 };
    r.count++;
    r.days += delayedDays(s.readySince, today);
    reasons.set(s.delayReason ?? 'other', r);
  }
  return {
    asOf: ctx.now.toISOString(),
    beds: board.totals,
    byType: board.byType,
    requestsWaiting: waiting.length,
    longestWaitMinutes: waiting.reduce(
      (m, r) => Math.max(m, Math.floor((ctx.now.getTime() - new Date(r.requested_at as string).getTime()) / 60_000)),
      0,
    ),
    delayedDischarges: delayed.length,
    delayedDays: delayed.reduce((s, d) => s + delayedDays(d.readySince, today), 0),
    delaysByReason: [...reasons].map(([reason, v]) => ({ reason, ...v })).sort((a, b) => b.days - a.days),
    oap: await oapFigures(db, actor, q, ctx),
  };
}

/**
 * The monthly out-of-area placements return: one row per placement active in the month. The reason code is
 * the NHS Data Dictionary's REFERRED OUT OF AREA REASON (ADULT ACUTE MENTAL HEALTH); the other columns are
 * named in plain words after the published OAPs collection's content (sending ICB, receiving provider, bed
 * type, start and end dates, days in the period, distance, daily cost), not copied from a schema file.
 * Contains no names or NHS numbers (a provider submits those through the Mental Health Services Data Set).
 */
export async function oapReturn(db: AnyDb, actor: Actor, q: { month?: string }, ctx: Ctx): Promise<string[][]> {
  requireRole(actor, FIGURE_READERS);
  const today = londonDate(ctx.now);
  const month = q.month && /^\d{4}-(0[1-9]|1[0-2])$/.test(q.month) ? q.month : today.slice(0, 7);
  const rows = await repo.listPlacements(db, actor.systemId, null, { activeOnly: false, endedFrom: `${month}-01` });
  await audit(db, actor, {
    action: 'beds.export.oap-return',
    recordType: 'bed_placement',
    requestId: ctx.requestId,
    detail: { month },
  });
  const header = [
    'Period',
    'Placement reference',
    'Sending ICB',
    'Home borough',
    'Bed type',
    'Receiving provider',
    'Receiving provider ODS code',
    'Receiving unit postcode district',
    'Start date',
    'End date',
    'Active at end of period',
    'OAP days in period',
    'Distance from home (km)',
    'Referred out of area reason code',
    'Referred out of area reason',
    'Appropriate',
    'Daily cost (GBP)',
    'Cost in period (GBP)',
  ];
  const out: string[][] = [header];
  const monthEnd = addDays(nextMonthStart(month), -1);
  for (const p of rows) {
    const days = oapDaysByMonth(p, today).get(month) ?? 0;
    // In the return: every placement active on any day of the month (a same-day placement counts 0 days).
    if (p.startDate > monthEnd || (p.endDate !== null && p.endDate < `${month}-01`)) continue;
    out.push([
      month,
      p.id.slice(0, 8).toUpperCase(),
      actor.systemId,
      p.homeBorough ?? '',
      p.wardType,
      p.providerName,
      p.providerCode ?? '',
      p.locationDistrict,
      p.startDate,
      p.endDate ?? '',
      p.endDate === null || p.endDate > monthEnd ? 'Y' : 'N',
      String(days),
      p.distanceKm === null ? '' : p.distanceKm.toFixed(1),
      oapReasonCode(p.reason as OapReason),
      OAP_REASON_LABELS[p.reason as OapReason] ?? p.reason,
      p.appropriate ? 'Y' : 'N',
      (p.costPerDayPence / 100).toFixed(2),
      ((days * p.costPerDayPence) / 100).toFixed(2),
    ]);
  }
  return out;
}
