// Virtual wards: commands and queries. Every call takes the actor and the business time; each change writes
// its audit row in the same transaction, and every read of a patient goes through the legitimate-relationship
// rule (the ward's provider organisation is related to each person on its wards while they are there).
import { audit } from '../../platform/audit/audit.ts';
import { endRelationships, relate, requirePersonAccess, visiblePeople } from '../../platform/auth/relationships.ts';
import type { Actor, Role } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import { ConflictError, DomainError, type FieldError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { addDays, londonDate, londonInstant, parseDate } from '../../platform/london-time.ts';
import { withIdempotency } from '../../platform/idempotency.ts';
import { enqueue } from '../../platform/outbox.ts';
import {
  isValidNhsNumber,
  normaliseNhsNumber,
  recordStepUpFirstContact,
  type StepUpReferral,
  verifyStepUpReferral,
} from '../access/index.ts';
import { DEFAULT_DISCLOSURE, isSmallCount, suppressCountTable } from '../outcomes/index.ts';
import { bookWardVisits, cancelWardVisits, listTeamsFor } from '../scheduling/index.ts';
import { nextObservationDue, overdueEscalation, bedDays as stayDays, scoreEscalation } from './escalation.ts';
import { type News2Result, type Risk, scoreNews2 } from './news2.ts';
import { parseObservation } from './observation.ts';
import { type PewsResult, scorePews } from './pews.ts';
import { expectedMissing, PLAN_OBSERVATIONS, parsePlanObservations } from './plan.ts';
import * as repo from './virtualwards.repository.ts';
import { reconcileSlots, VISIT_HORIZON_DAYS, visitReference, WARD_VISIT_MINUTES, wantedSlots } from './visits.ts';

export const WARD_STAFF: readonly Role[] = ['clinician', 'coordinator'];
export const WARD_MANAGERS: readonly Role[] = ['provider', 'admin'];
/** Capacity and outcomes carry no personal data. */
export const CAPACITY_READERS: readonly Role[] = [
  'commissioner',
  'analyst',
  'provider',
  'admin',
  'clinician',
  'coordinator',
  'spa',
];

export const PATHWAYS = {
  frailty: 'Frailty',
  'acute-respiratory-infection': 'Acute respiratory infection',
  'heart-failure': 'Heart failure',
  'children-hospital-at-home': "Children's hospital at home",
  general: 'General adult',
} as const;
export type Pathway = keyof typeof PATHWAYS;

export const DISCHARGE_OUTCOMES = {
  home: 'Home, no further care needed',
  'community-team': 'Home, with the community team',
  hospital: 'Admitted to hospital',
  died: 'Died',
} as const;
export type DischargeOutcome = keyof typeof DISCHARGE_OUTCOMES;

export const ADMISSION_SOURCES = {
  referral: 'Referral accepted by the central point of access',
  ucr: 'Urgent community response',
  'silver-triage': 'Silver triage call',
  acute: 'Early discharge from an acute ward',
} as const;
export type AdmissionSource = keyof typeof ADMISSION_SOURCES;

export const ESCALATION_OUTCOMES = {
  'plan-unchanged': 'Reviewed: plan unchanged',
  'plan-changed': 'Reviewed: monitoring or treatment changed',
  'visit-arranged': 'Urgent visit arranged',
  'conveyed-to-hospital': 'Conveyed to hospital',
  'contact-made': 'Contact made: observation taken',
} as const;
export type EscalationOutcome = keyof typeof ESCALATION_OUTCOMES;

function requireRole(actor: Actor, roles: readonly Role[]): void {
  if (actor.role === 'system') return;
  if (!roles.includes(actor.role))
    throw new DomainError(403, 'forbidden', 'Your role does not give you access to this');
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

function ageOn(birthDate: string, at: Date): { years: number; months: number } {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let months = (at.getUTCFullYear() - y) * 12 + (at.getUTCMonth() + 1 - m);
  if (at.getUTCDate() < d) months--;
  return { years: Math.floor(months / 12), months };
}

/** The wards an actor works on: staff of a provider see their own organisation's wards. */
export async function wardsFor(db: AnyDb, actor: Actor): Promise<repo.WardWithOccupancy[]> {
  requireRole(actor, [...WARD_STAFF, ...WARD_MANAGERS]);
  const wards = await repo.listWards(db, actor.systemId);
  if (actor.role === 'admin' || actor.role === 'system') return wards;
  return wards.filter((w) => w.providerCode === actor.organisationCode);
}

/** Every ward of the system with its occupancy now: no personal data, for capacity readers. */
export async function allWards(db: AnyDb, actor: Actor): Promise<repo.WardWithOccupancy[]> {
  requireRole(actor, CAPACITY_READERS);
  return repo.listWards(db, actor.systemId);
}

async function wardForStaff(db: AnyDb, actor: Actor, wardId: string, { lock = false } = {}) {
  const ward = lock
    ? await repo.lockWard(db, actor.systemId, wardId)
    : (await repo.listWards(db, actor.systemId)).find((w) => w.id === wardId);
  if (!ward) throw new NotFoundError('Virtual ward');
  if (actor.role !== 'system' && ward.providerCode !== actor.organisationCode) throw new NotFoundError('Virtual ward');
  return ward;
}

export type WardInput = Record<string, unknown>;

export async function createWard(db: AnyDb, actor: Actor, input: WardInput): Promise<repo.WardRow> {
  requireRole(actor, WARD_MANAGERS);
  const errors: FieldError[] = [];
  const id = text(input.id);
  const name = text(input.name);
  if (!/^[a-z0-9-]{3,60}$/.test(id))
    errors.push({ field: 'id', message: 'Enter an id of 3 to 60 lower-case letters, digits or hyphens' });
  if (!name) errors.push({ field: 'name', message: 'Enter the ward name' });
  const pathway = text(input.pathway);
  if (!(pathway in PATHWAYS))
    errors.push({ field: 'pathway', message: `Pathway must be one of ${Object.keys(PATHWAYS).join(', ')}` });
  const capacity = Number(input.capacity);
  if (!Number.isInteger(capacity) || capacity < 0 || capacity > 1000)
    errors.push({ field: 'capacity', message: 'Capacity must be a whole number of beds from 0 to 1000' });
  const minAge = Number(input.minAge ?? 0);
  const maxAge = Number(input.maxAge ?? 120);
  if (!Number.isInteger(minAge) || minAge < 0 || minAge > 120)
    errors.push({ field: 'minAge', message: 'Minimum age must be a whole number of years from 0 to 120' });
  if (!Number.isInteger(maxAge) || maxAge < minAge || maxAge > 120)
    errors.push({ field: 'maxAge', message: 'Maximum age must be a whole number of years, at least the minimum age' });
  const borough = text(input.borough);
  if (!borough) errors.push({ field: 'borough', message: 'Enter the borough the ward serves' });
  const providerCode = text(input.providerCode) || actor.organisationCode || '';
  if (!/^[A-Z0-9]{3,6}$/.test(providerCode))
    errors.push({ field: 'providerCode', message: 'Enter the provider ODS code, like RKE' });
  const scoreSystem = text(input.scoreSystem) || (maxAge < 18 ? 'pews' : 'news2');
  if (scoreSystem !== 'news2' && scoreSystem !== 'pews')
    errors.push({ field: 'scoreSystem', message: 'Early warning score must be news2 or pews' });
  if (errors.length) throw new ValidationError(errors);
  const ward: repo.WardRow = {
    id,
    systemId: actor.systemId,
    name,
    providerCode,
    providerName: text(input.providerName) || providerCode,
    borough,
    pathway,
    capacity,
    minAge,
    maxAge,
    scoreSystem: scoreSystem as 'news2' | 'pews',
    componentCode: text(input.componentCode) || null,
  };
  return inTransaction(db, async (tx) => {
    const existing = (await repo.listWards(tx, actor.systemId)).some((w) => w.id === id);
    if (existing) throw new ValidationError([{ field: 'id', message: 'A ward with this id already exists' }]);
    await repo.insertWard(tx, ward);
    await audit(tx, actor, { action: 'virtual-ward.created', recordType: 'virtual-ward', recordId: id });
    return ward;
  });
}

export type AdmissionInput = Record<string, unknown>;

export type AdmitResult = {
  admissionId: string;
  patientId: string;
  overCapacity: boolean;
  /** Daily visits booked onto the provider's scheduling board (0 when the provider has no team there). */
  visitsBooked: number;
  /** A step-up from a referral: first contact was recorded on it now (false when it already had one). */
  firstContactRecorded: boolean;
};

export type VisitChange = { booked: number; cancelled: number; teamId: string | null };

/**
 * Brings an admission's visits on the scheduling board in line with its plan, in the caller's transaction:
 * the wanted slots of today and the next days (./visits.ts) are booked, visits no longer wanted are cancelled.
 */
async function syncVisits(
  tx: AnyDb,
  actor: Actor,
  a: { id: string; providerCode: string; postcodeDistrict: string; visitsPerDay: number; active: boolean },
  now: Date,
  reason: string,
): Promise<VisitChange> {
  const booked = await repo.visitLinksOf(tx, [a.id]);
  const wanted = a.active ? wantedSlots(a.visitsPerDay, now) : [];
  const { book, cancel } = reconcileSlots(booked, wanted, londonDate(now));
  const cancelled = await cancelWardVisits(tx, actor, cancel, reason);
  await repo.cancelVisitLinks(tx, cancel, now);
  const result = await bookWardVisits(tx, actor, {
    reference: visitReference(a.id),
    organisationCode: a.providerCode,
    postcodeDistrict: a.postcodeDistrict,
    visits: book,
    durationMinutes: WARD_VISIT_MINUTES,
  });
  await repo.insertVisitLinks(
    tx,
    actor.systemId,
    result.booked.map((b, i) => {
      const slot = book[i] as (typeof book)[number];
      return {
        visitId: b.visitId,
        admissionId: a.id,
        day: slot.day,
        slot: slot.slot,
        visitsPerDay: slot.visitsPerDay,
        windowStart: slot.windowStart,
      };
    }),
    now,
  );
  return { booked: result.booked.length, cancelled, teamId: result.teamId };
}

export async function admitPatient(
  db: AnyDb,
  actor: Actor,
  wardId: string,
  input: AdmissionInput,
  now: Date,
): Promise<AdmitResult> {
  requireRole(actor, ['clinician']);
  const errors: FieldError[] = [];
  const nhsNumber = normaliseNhsNumber(text(input.nhsNumber)) ?? '';
  if (!isValidNhsNumber(nhsNumber))
    errors.push({ field: 'nhsNumber', message: 'Enter a valid 10-digit NHS number, like 943 476 5919' });
  const givenName = text(input.givenName);
  const familyName = text(input.familyName);
  if (!givenName) errors.push({ field: 'givenName', message: 'Enter the first name' });
  if (!familyName) errors.push({ field: 'familyName', message: 'Enter the last name' });
  const birthDate = text(input.birthDate);
  const born = parseDate(birthDate);
  if (!born || new Date(`${birthDate}T00:00:00Z`) > now)
    errors.push({ field: 'birthDate', message: 'Enter the date of birth as a past date, like 1941-03-27' });
  const postcodeDistrict = text(input.postcodeDistrict).toUpperCase();
  if (!/^[A-Z]{1,2}[0-9][0-9A-Z]?$/.test(postcodeDistrict))
    errors.push({ field: 'postcodeDistrict', message: 'Enter the first half of the postcode, like N19' });
  const route = text(input.route);
  if (route !== 'step-up' && route !== 'step-down')
    errors.push({ field: 'route', message: 'Say whether this is step-up (from home) or step-down (from hospital)' });
  const source = text(input.source);
  if (!(source in ADMISSION_SOURCES))
    errors.push({ field: 'source', message: `Source must be one of ${Object.keys(ADMISSION_SOURCES).join(', ')}` });
  if (route === 'step-down' && source && source !== 'acute')
    errors.push({ field: 'source', message: 'A step-down admission comes from an acute ward' });
  const obsEveryHours = Number(input.obsEveryHours ?? 4);
  if (!Number.isInteger(obsEveryHours) || obsEveryHours < 1 || obsEveryHours > 24)
    errors.push({ field: 'obsEveryHours', message: 'Observations must be planned every 1 to 24 hours' });
  const spo2Scale = Number(input.spo2Scale ?? 1);
  const spo2ScaleReason = text(input.spo2ScaleReason) || null;
  if (spo2Scale !== 1 && spo2Scale !== 2) errors.push({ field: 'spo2Scale', message: 'SpO2 scale must be 1 or 2' });
  if (spo2Scale === 2 && !spo2ScaleReason)
    errors.push({
      field: 'spo2ScaleReason',
      message: 'Give the reason for SpO2 scale 2 (a prescribed target range of 88 to 92%)',
    });
  const visitsPerDay = Number(input.visitsPerDay ?? 1);
  if (!Number.isInteger(visitsPerDay) || visitsPerDay < 0 || visitsPerDay > 6)
    errors.push({ field: 'visitsPerDay', message: 'Visits a day must be a whole number from 0 to 6' });
  // Which observations the plan expects: all seven NEWS2 parameters unless the clinician chose fewer.
  const planned = input.observations === undefined ? null : parsePlanObservations(input.observations);
  if (planned && !planned.ok) errors.push({ field: 'observations', message: planned.message });
  const planObservations: string[] = planned?.ok ? planned.observations : [...PLAN_OBSERVATIONS];
  const overrideReason = text(input.overCapacityReason) || null;
  const referralReference = text(input.referralReference);
  if (source === 'referral' && !referralReference)
    errors.push({
      field: 'referralReference',
      message: 'Enter the reference of the referral the central point of access accepted, like CPA-7K3M9Q2X',
    });
  else if (referralReference && !/^[A-Za-z0-9-]{4,40}$/.test(referralReference))
    errors.push({ field: 'referralReference', message: 'A referral reference looks like CPA-7K3M9Q2X' });
  if (errors.length) throw new ValidationError(errors);

  return inTransaction(db, async (tx) => {
    const ward = await wardForStaff(tx, actor, wardId, { lock: true });
    const age = ageOn(birthDate, now).years;
    if (age < ward.minAge || age > ward.maxAge) {
      throw new ValidationError([
        {
          field: 'birthDate',
          message: `This ward takes people aged ${ward.minAge} to ${ward.maxAge}; this person is ${age}`,
        },
      ]);
    }
    // A step-up from a referral: it must be one the central point of access accepted for this ward's
    // provider, for a virtual-ward service, for this NHS number.
    let referral: StepUpReferral | null = null;
    if (referralReference) {
      const checked = await verifyStepUpReferral(tx, actor, { reference: referralReference, nhsNumber });
      if (!checked.ok) throw new ValidationError([{ field: 'referralReference', message: checked.message }]);
      referral = checked.referral;
    }
    const overCapacity = ward.occupied >= ward.capacity;
    if (overCapacity && (!overrideReason || overrideReason.length < 10)) {
      throw new ValidationError(
        [
          {
            field: 'overCapacityReason',
            message: `The ward is full (${ward.occupied} of ${ward.capacity}); to admit anyway give a reason of at least 10 characters`,
          },
        ],
        'The ward is full',
      );
    }
    const patientId = await repo.findOrCreatePatient(tx, actor.systemId, {
      nhsNumber,
      givenName,
      familyName,
      birthDate,
      postcodeDistrict,
    });
    if (await repo.hasActiveAdmission(tx, patientId)) {
      throw new ConflictError('This person is already on a virtual ward; discharge them first', 'already_admitted');
    }
    if (referral) await repo.linkAccessPerson(tx, patientId, referral.personId);
    const admissionId = await repo.insertAdmission(tx, actor.systemId, {
      wardId,
      patientId,
      route: route as 'step-up' | 'step-down',
      source,
      sourceReference: referral?.reference ?? (text(input.sourceReference) || null),
      referralId: referral?.id ?? null,
      admittedAt: now,
      admittedBy: actor.id,
      overCapacityReason: overCapacity ? overrideReason : null,
      responsibleUserId: actor.kind === 'user' ? actor.id : null,
      responsibleName: actor.name,
      obsEveryHours,
      spo2Scale: spo2Scale as 1 | 2,
      spo2ScaleReason,
      visitsPerDay,
      planObservations,
    });
    const visits = await syncVisits(
      tx,
      actor,
      { id: admissionId, providerCode: ward.providerCode, postcodeDistrict, visitsPerDay, active: true },
      now,
      'admitted',
    );
    const grant = { systemId: actor.systemId, personId: patientId, basis: 'virtual-ward', sourceType: 'vw-admission' };
    await relate(tx, { ...grant, grantee: { organisation: ward.providerCode }, sourceId: admissionId, at: now });
    if (actor.kind === 'user')
      await relate(tx, { ...grant, grantee: { user: actor.id }, sourceId: admissionId, at: now });
    await audit(tx, actor, {
      action: 'virtual-ward.admitted',
      recordType: 'vw-admission',
      recordId: admissionId,
      reason: overCapacity ? `over capacity: ${overrideReason}` : null,
      detail: {
        wardId,
        patientId,
        route,
        source,
        overCapacity,
        referral: referral?.reference ?? null,
        visitsBooked: visits.booked,
        visitTeam: visits.teamId,
      },
    });
    // First contact on the referral, through the central point of access (its lifecycle and audit).
    const firstContact = referral
      ? await recordStepUpFirstContact(tx, actor, referral, `Admitted to ${ward.name}`, now)
      : false;
    return { admissionId, patientId, overCapacity, visitsBooked: visits.booked, firstContactRecorded: firstContact };
  });
}

async function admissionForStaff(db: AnyDb, actor: Actor, admissionId: string, now: Date, { lock = false } = {}) {
  if (!/^[0-9a-f-]{36}$/.test(admissionId)) throw new NotFoundError('Admission');
  const admission = await repo.findAdmission(db, actor.systemId, admissionId, { lock });
  if (!admission) throw new NotFoundError('Admission');
  await requirePersonAccess(db, actor, admission.patientId, {
    now,
    recordType: 'vw-admission',
    recordId: admissionId,
    label: 'Admission',
  });
  return admission;
}

export type ScoredObservation = {
  observationId: string;
  system: 'news2' | 'pews';
  result: News2Result | PewsResult;
  escalationId: string | null;
  /** ISO instant (plain JSON, so a device's retry gets the same body back). */
  escalationDueAt: string | null;
};

export async function recordObservation(
  db: AnyDb,
  actor: Actor,
  admissionId: string,
  input: Record<string, unknown>,
  { now, source, idempotencyKey }: { now: Date; source: 'form' | 'device'; idempotencyKey?: string },
): Promise<ScoredObservation & { replayed: boolean }> {
  requireRole(actor, ['clinician']);
  const observedAtText = text(input.observedAt);
  const observedAt = observedAtText ? new Date(observedAtText) : now;
  const errors: FieldError[] = [];
  if (Number.isNaN(observedAt.getTime()) || observedAt.getTime() > now.getTime() + 5 * 60_000)
    errors.push({ field: 'observedAt', message: 'The time taken must be a date and time that is not in the future' });
  const { observation, errors: readingErrors } = parseObservation(input);
  errors.push(...readingErrors);
  const heartRate = observation.pulse;
  if (errors.length) throw new ValidationError(errors);
  if (Object.keys(observation).length === 0)
    throw new ValidationError([{ field: 'respirationRate', message: 'Enter at least one observation' }]);

  const idempotency = { key: idempotencyKey, route: `observation ${admissionId}`, request: input };
  const stored = await withIdempotency(db, actor, idempotency, async (tx) => {
    const admission = await admissionForStaff(tx, actor, admissionId, now, { lock: true });
    if (admission.status !== 'active') throw new ConflictError('This person has been discharged from the ward');
    if (observedAt < admission.admittedAt)
      throw new ValidationError([{ field: 'observedAt', message: 'The time taken is before the admission' }]);
    const ward = (await repo.listWards(tx, actor.systemId)).find((w) => w.id === admission.wardId);
    const system = ward?.scoreSystem ?? 'news2';
    const result =
      system === 'pews'
        ? scorePews({
            ageMonths: ageOn(admission.birthDate, observedAt).months,
            respirationRate: observation.respirationRate,
            heartRate,
            spo2: observation.spo2,
            onOxygen: observation.onOxygen,
            consciousness: observation.consciousness,
          })
        : scoreNews2({ ...observation, spo2Scale: admission.spo2Scale });
    // A parameter the plan does not expect is not "not recorded"; the score stays null all the same (NEWS2 is
    // only scored with all seven, RCP 2017). PEWS wards keep their own parameter list.
    const reportedMissing =
      system === 'pews' ? result.missing : expectedMissing(result.missing, admission.planObservations);
    const observationId = await repo.insertObservation(tx, actor.systemId, {
      admissionId,
      observedAt,
      recordedAt: now,
      recordedBy: actor.name,
      source,
      readings: observation,
      score: result.score,
      partialScore: result.partialScore,
      risk: result.risk,
      missing: reportedMissing,
      parameterScores: result.parameterScores,
    });
    const open = await repo.openEscalationsOf(tx, [admissionId]);
    const raise = scoreEscalation(
      result.risk,
      observedAt,
      open.filter((e) => e.kind === 'score' && e.risk).map((e) => e.risk as Risk),
    );
    let escalationId: string | null = null;
    if (raise) {
      escalationId = await repo.insertEscalation(tx, actor.systemId, {
        admissionId,
        kind: 'score',
        risk: raise.risk,
        observationId,
        expectedAt: null,
        raisedAt: now,
        dueAt: raise.dueAt,
        responseRequired: raise.response,
      });
      await enqueue(
        tx,
        {
          systemId: actor.systemId,
          topic: 'virtual-ward.escalation',
          channel: 'staff-app',
          payload: { escalationId, admissionId, risk: raise.risk, to: admission.responsibleUserId },
        },
        { now },
      );
    }
    // A missed-observation escalation is answered by the observation arriving.
    for (const e of open.filter((x) => x.kind === 'overdue-observation')) {
      await repo.updateEscalation(tx, e.id, {
        status: 'closed',
        outcome: 'contact-made',
        response: 'Observation received',
        closed_at: now,
      });
    }
    await audit(tx, actor, {
      action: 'virtual-ward.observation-recorded',
      recordType: 'vw-admission',
      recordId: admissionId,
      detail: { observationId, source, score: result.score, risk: result.risk, escalationId },
    });
    const body: ScoredObservation = {
      observationId,
      system,
      result: { ...result, missing: reportedMissing } as News2Result | PewsResult,
      escalationId,
      escalationDueAt: raise?.dueAt.toISOString() ?? null,
    };
    return { status: 201, body };
  });
  return { ...stored.body, replayed: stored.replayed };
}

export async function dischargePatient(
  db: AnyDb,
  actor: Actor,
  admissionId: string,
  input: Record<string, unknown>,
  now: Date,
): Promise<{ bedDays: number }> {
  requireRole(actor, ['clinician']);
  const outcome = text(input.outcome);
  if (!(outcome in DISCHARGE_OUTCOMES))
    throw new ValidationError([
      { field: 'outcome', message: `Outcome must be one of ${Object.keys(DISCHARGE_OUTCOMES).join(', ')}` },
    ]);
  return inTransaction(db, async (tx) => {
    const admission = await admissionForStaff(tx, actor, admissionId, now, { lock: true });
    if (admission.status !== 'active') throw new ConflictError('This person has already been discharged');
    const days = stayDays(admission.admittedAt, now);
    await repo.dischargeAdmission(tx, admissionId, { dischargedAt: now, outcome, bedDays: days });
    // The board shows open visits only: the ones still to come are cancelled with the discharge.
    const visits = await syncVisits(
      tx,
      actor,
      { ...admission, id: admissionId, providerCode: '', active: false },
      now,
      'discharged from the virtual ward',
    );
    for (const e of await repo.openEscalationsOf(tx, [admissionId])) {
      await repo.updateEscalation(tx, e.id, { status: 'closed', outcome: 'discharged', closed_at: now });
    }
    // The team keeps sight of the record for 28 days after discharge, for follow-up and letters.
    await endRelationships(tx, {
      systemId: actor.systemId,
      sourceType: 'vw-admission',
      sourceId: admissionId,
      at: new Date(now.getTime() + 28 * 86_400_000),
    });
    await audit(tx, actor, {
      action: 'virtual-ward.discharged',
      recordType: 'vw-admission',
      recordId: admissionId,
      detail: { outcome, bedDays: days, visitsCancelled: visits.cancelled },
    });
    return { bedDays: days };
  });
}

/**
 * Changes the monitoring plan (how often observations are due, visits a day); the visits on the scheduling
 * board are updated in the same transaction.
 */
export async function changePlan(
  db: AnyDb,
  actor: Actor,
  admissionId: string,
  input: Record<string, unknown>,
  now: Date,
): Promise<{ obsEveryHours: number; visitsPerDay: number; observations: string[] } & VisitChange> {
  requireRole(actor, ['clinician']);
  return inTransaction(db, async (tx) => {
    const admission = await admissionForStaff(tx, actor, admissionId, now, { lock: true });
    const errors: FieldError[] = [];
    // A blank field (from the page form) is an error, not 0: Number('') would silently stop all visits.
    const blank = (v: unknown) => typeof v === 'string' && v.trim() === '';
    const obsEveryHours = Number(input.obsEveryHours ?? admission.obsEveryHours);
    if (blank(input.obsEveryHours))
      errors.push({ field: 'obsEveryHours', message: 'Enter how many hours apart the observations are' });
    else if (!Number.isInteger(obsEveryHours) || obsEveryHours < 1 || obsEveryHours > 24)
      errors.push({ field: 'obsEveryHours', message: 'Observations must be planned every 1 to 24 hours' });
    const visitsPerDay = Number(input.visitsPerDay ?? admission.visitsPerDay);
    if (blank(input.visitsPerDay))
      errors.push({ field: 'visitsPerDay', message: 'Enter the number of home visits a day' });
    else if (!Number.isInteger(visitsPerDay) || visitsPerDay < 0 || visitsPerDay > 6)
      errors.push({ field: 'visitsPerDay', message: 'Visits a day must be a whole number from 0 to 6' });
    const planned = input.observations === undefined ? null : parsePlanObservations(input.observations);
    if (planned && !planned.ok) errors.push({ field: 'observations', message: planned.message });
    const observations: string[] = planned?.ok ? planned.observations : admission.planObservations;
    if (errors.length) throw new ValidationError(errors);
    if (admission.status !== 'active') throw new ConflictError('This person has been discharged from the ward');
    const ward = await wardForStaff(tx, actor, admission.wardId);
    await repo.updatePlan(tx, admissionId, { obsEveryHours, visitsPerDay, planObservations: observations });
    const visits = await syncVisits(
      tx,
      actor,
      { ...admission, providerCode: ward.providerCode, visitsPerDay, active: true },
      now,
      'monitoring plan changed',
    );
    await audit(tx, actor, {
      action: 'virtual-ward.plan-changed',
      recordType: 'vw-admission',
      recordId: admissionId,
      detail: {
        from: {
          obsEveryHours: admission.obsEveryHours,
          visitsPerDay: admission.visitsPerDay,
          observations: admission.planObservations,
        },
        to: { obsEveryHours, visitsPerDay, observations },
        visitsBooked: visits.booked,
        visitsCancelled: visits.cancelled,
      },
    });
    return { obsEveryHours, visitsPerDay, observations, ...visits };
  });
}

/**
 * Rolls each active admission's visits forward to the end of the horizon (the background sweep calls this;
 * only the newly wanted days are booked, so it is cheap and idempotent). Returns the visits booked.
 */
export async function rollVisitHorizon(db: AnyDb, systemId: string, now: Date): Promise<number> {
  const horizonEnd = wantedSlots(1, now, VISIT_HORIZON_DAYS).at(-1)?.day ?? londonDate(now);
  let booked = 0;
  await inTransaction(db, async (tx) => {
    const active = await repo.allActiveAdmissions(tx, systemId);
    const links = await repo.visitLinksOf(
      tx,
      active.filter((a) => a.visitsPerDay > 0).map((a) => a.id),
    );
    const wards = new Map((await repo.listWards(tx, systemId)).map((w) => [w.id, w]));
    const actor = {
      kind: 'system' as const,
      id: 'system:virtual-wards',
      name: 'Virtual wards (daily visits)',
      role: 'system' as const,
      systemId,
      organisationCode: null,
    };
    // Only providers with a team on the scheduling board get visits: skip the others without a query each.
    const boards = new Set((await listTeamsFor(tx, actor)).map((t) => t.organisationCode));
    for (const a of active) {
      if (a.visitsPerDay <= 0) continue;
      if (links.some((l) => l.admissionId === a.id && l.day >= horizonEnd)) continue;
      const ward = wards.get(a.wardId);
      if (!ward || !boards.has(ward.providerCode)) continue;
      const change = await syncVisits(
        tx,
        actor,
        { ...a, providerCode: ward.providerCode, active: true },
        now,
        'visit horizon rolled forward',
      );
      booked += change.booked;
    }
  });
  return booked;
}

/** Raises an escalation for each observation the monitoring plans expected but did not get. Idempotent. */
export async function raiseMissedObservations(db: AnyDb, systemId: string, now: Date): Promise<number> {
  let raised = 0;
  await inTransaction(db, async (tx) => {
    for (const admission of await repo.allActiveAdmissions(tx, systemId)) {
      const last = (await repo.lastObservationAt(tx, admission.id)) ?? admission.admittedAt;
      const expectedAt = nextObservationDue(last, admission.obsEveryHours);
      const missed = overdueEscalation(expectedAt, now);
      if (!missed) continue;
      const id = await repo.insertEscalation(tx, systemId, {
        admissionId: admission.id,
        kind: 'overdue-observation',
        risk: null,
        observationId: null,
        expectedAt,
        raisedAt: now,
        dueAt: missed.dueAt,
        responseRequired: `Observation due at ${expectedAt.toISOString().slice(11, 16)} UTC has not arrived: contact the patient`,
      });
      if (id) raised++;
    }
  });
  return raised;
}

export type BoardPatient = {
  admission: repo.AdmissionRow;
  ageYears: number;
  latest: repo.ObservationRow | null;
  trend: (number | null)[];
  nextDueAt: Date;
  overdue: boolean;
  escalations: repo.EscalationRow[];
};

export type WardBoard = { ward: repo.WardWithOccupancy; patients: BoardPatient[] };

export async function wardBoard(db: AnyDb, actor: Actor, wardId: string, now: Date): Promise<WardBoard> {
  requireRole(actor, WARD_STAFF);
  return inTransaction(db, async (tx) => {
    const ward = await wardForStaff(tx, actor, wardId);
    const admissions = await repo.activeAdmissions(tx, actor.systemId, visiblePeople(tx, actor, now), [wardId]);
    const observations = await repo.observationsOf(
      tx,
      admissions.map((a) => a.id),
      12,
    );
    const escalations = await repo.openEscalationsOf(
      tx,
      admissions.map((a) => a.id),
    );
    const patients = admissions.map((admission) => {
      const mine = observations.filter((o) => o.admissionId === admission.id);
      const latest = mine.at(-1) ?? null;
      const nextDueAt = nextObservationDue(latest?.observedAt ?? admission.admittedAt, admission.obsEveryHours);
      return {
        admission,
        ageYears: ageOn(admission.birthDate, now).years,
        latest,
        trend: mine.slice(-8).map((o) => o.score),
        nextDueAt,
        overdue: nextDueAt < now,
        escalations: escalations.filter((e) => e.admissionId === admission.id),
      };
    });
    await audit(tx, actor, {
      action: 'virtual-ward.board-read',
      recordType: 'virtual-ward',
      recordId: wardId,
      detail: { admissions: admissions.map((a) => a.id) },
    });
    return { ward, patients };
  });
}

export type AdmissionDetail = {
  admission: repo.AdmissionRow;
  ward: repo.WardWithOccupancy;
  ageYears: number;
  observations: repo.ObservationRow[];
  escalations: repo.EscalationRow[];
  nextDueAt: Date | null;
  /** Open daily visits on the scheduling board from today on, with their board reference. */
  visits: { reference: string; booked: repo.WardVisitRow[] };
};

export async function admissionDetail(
  db: AnyDb,
  actor: Actor,
  admissionId: string,
  now: Date,
): Promise<AdmissionDetail> {
  requireRole(actor, WARD_STAFF);
  return inTransaction(db, async (tx) => {
    const admission = await admissionForStaff(tx, actor, admissionId, now);
    const ward = (await repo.listWards(tx, actor.systemId)).find((w) => w.id === admission.wardId);
    if (!ward) throw new NotFoundError('Virtual ward');
    const observations = await repo.observationsOf(tx, [admissionId], 200);
    const latest = observations.at(-1);
    await audit(tx, actor, {
      action: 'virtual-ward.admission-read',
      recordType: 'vw-admission',
      recordId: admissionId,
    });
    return {
      admission,
      ward,
      ageYears: ageOn(admission.birthDate, now).years,
      observations,
      escalations: await repo.escalationsOf(tx, admissionId),
      visits: {
        reference: visitReference(admissionId),
        booked: (await repo.visitLinksOf(tx, [admissionId])).filter((v) => v.day >= londonDate(now)),
      },
      nextDueAt:
        admission.status === 'active'
          ? nextObservationDue(latest?.observedAt ?? admission.admittedAt, admission.obsEveryHours)
          : null,
    };
  });
}

export type WorklistEscalation = repo.EscalationRow & {
  patientName: string;
  nhsNumber: string;
  wardId: string;
  wardName: string;
  overdue: boolean;
};

/** Open escalations of the people the actor may see, soonest due first; missed observations are raised first. */
export async function escalationWorklist(db: AnyDb, actor: Actor, now: Date): Promise<WorklistEscalation[]> {
  requireRole(actor, WARD_STAFF);
  await raiseMissedObservations(db, actor.systemId, now);
  return inTransaction(db, async (tx) => {
    const admissions = await repo.activeAdmissions(tx, actor.systemId, visiblePeople(tx, actor, now));
    const wards = new Map((await repo.listWards(tx, actor.systemId)).map((w) => [w.id, w]));
    const byId = new Map(admissions.map((a) => [a.id, a]));
    const open = await repo.openEscalationsOf(
      tx,
      admissions.map((a) => a.id),
    );
    const items = open.map((e) => {
      const a = byId.get(e.admissionId) as repo.AdmissionRow;
      return {
        ...e,
        patientName: `${a.givenName} ${a.familyName}`,
        nhsNumber: a.nhsNumber,
        wardId: a.wardId,
        wardName: wards.get(a.wardId)?.name ?? a.wardId,
        overdue: e.dueAt < now,
      };
    });
    await audit(tx, actor, {
      action: 'virtual-ward.escalations-read',
      recordType: 'vw-escalation',
      recordId: null,
      detail: { escalations: items.map((i) => i.id), admissions: [...new Set(items.map((i) => i.admissionId))] },
    });
    return items;
  });
}

async function escalationForStaff(tx: AnyDb, actor: Actor, id: string, now: Date) {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new NotFoundError('Escalation');
  const escalation = await repo.findEscalation(tx, actor.systemId, id);
  if (!escalation) throw new NotFoundError('Escalation');
  await admissionForStaff(tx, actor, escalation.admissionId, now);
  return escalation;
}

/** Claim an escalation: exactly one clinician owns the response. */
export async function claimEscalation(db: AnyDb, actor: Actor, id: string, now: Date): Promise<void> {
  requireRole(actor, ['clinician']);
  await inTransaction(db, async (tx) => {
    const escalation = await escalationForStaff(tx, actor, id, now);
    if (escalation.status !== 'open') {
      throw new ConflictError(
        escalation.status === 'claimed'
          ? `${escalation.claimedByName ?? 'Someone'} has already claimed this escalation`
          : 'This escalation is closed',
        'already_claimed',
      );
    }
    await repo.updateEscalation(tx, id, {
      status: 'claimed',
      claimed_by: actor.id,
      claimed_by_name: actor.name,
      claimed_at: now,
    });
    await audit(tx, actor, { action: 'virtual-ward.escalation-claimed', recordType: 'vw-escalation', recordId: id });
  });
}

export async function respondToEscalation(
  db: AnyDb,
  actor: Actor,
  id: string,
  input: Record<string, unknown>,
  now: Date,
): Promise<void> {
  requireRole(actor, ['clinician']);
  const errors: FieldError[] = [];
  const response = text(input.response);
  const outcome = text(input.outcome);
  if (response.length < 5) errors.push({ field: 'response', message: 'Describe the response you made' });
  if (response.length > 2000)
    errors.push({ field: 'response', message: 'The response must be 2,000 characters or fewer' });
  if (!(outcome in ESCALATION_OUTCOMES))
    errors.push({ field: 'outcome', message: `Outcome must be one of ${Object.keys(ESCALATION_OUTCOMES).join(', ')}` });
  if (errors.length) throw new ValidationError(errors);
  await inTransaction(db, async (tx) => {
    const escalation = await escalationForStaff(tx, actor, id, now);
    if (escalation.status === 'closed') throw new ConflictError('This escalation is already closed');
    if (escalation.status === 'claimed' && escalation.claimedBy !== actor.id)
      throw new ConflictError(`${escalation.claimedByName ?? 'Someone else'} has claimed this escalation`);
    await repo.updateEscalation(tx, id, {
      status: 'closed',
      claimed_by: escalation.claimedBy ?? actor.id,
      claimed_by_name: escalation.claimedByName ?? actor.name,
      claimed_at: escalation.claimedAt ?? now,
      response,
      outcome,
      closed_at: now,
    });
    await audit(tx, actor, {
      action: 'virtual-ward.escalation-answered',
      recordType: 'vw-escalation',
      recordId: id,
      detail: { outcome, onTime: now <= escalation.dueAt },
    });
  });
}

export type BoroughCapacity = {
  borough: string;
  wards: number;
  capacity: number;
  occupied: number;
  population: number | null;
  bedsPer100k: number | null;
  childrensWard: boolean;
};

/** The ambition: 40 to 50 virtual ward beds per 100,000 people (NHS England, 2022/23 planning guidance). */
export const NATIONAL_AMBITION_PER_100K = { low: 40, high: 50 } as const;

/** Capacity and occupancy by borough, against the national ambition; no personal data. */
export async function capacityByBorough(
  db: AnyDb,
  actor: Actor,
  populations: ReadonlyMap<string, number>,
): Promise<BoroughCapacity[]> {
  requireRole(actor, CAPACITY_READERS);
  const wards = await repo.listWards(db, actor.systemId);
  const boroughs = [...new Set([...populations.keys(), ...wards.map((w) => w.borough)])].sort();
  return boroughs.map((borough) => {
    const mine = wards.filter((w) => w.borough === borough);
    const capacity = mine.reduce((s, w) => s + w.capacity, 0);
    const population = populations.get(borough) ?? null;
    return {
      borough,
      wards: mine.length,
      capacity,
      occupied: mine.reduce((s, w) => s + w.occupied, 0),
      population,
      bedsPer100k: population ? Math.round((capacity / population) * 100_000 * 10) / 10 : null,
      childrensWard: mine.some((w) => w.maxAge < 18),
    };
  });
}

export type OccupancyPoint = { day: string; byBorough: Record<string, number>; total: number };

/**
 * Patients on the virtual wards by borough at noon London time on each of the last `weeks` weeks (the same
 * weekday as today, oldest first, today last): occupancy over time, no personal data. Capacity history is not
 * kept, so the page sets these against today's beds.
 */
export async function occupancyOverTime(db: AnyDb, actor: Actor, now: Date, weeks = 8): Promise<OccupancyPoint[]> {
  requireRole(actor, CAPACITY_READERS);
  const today = londonDate(now);
  const days = [...Array(weeks).keys()].reverse().map((w) => addDays(today, -7 * w));
  const instants = days.map((d, i) =>
    i === days.length - 1 ? now : new Date(londonInstant(d).getTime() + 12 * 3_600_000),
  );
  const wards = await repo.listWards(db, actor.systemId);
  const boroughOf = new Map(wards.map((w) => [w.id, w.borough]));
  const stays = await repo.staysOverlapping(db, actor.systemId, instants[0] ?? now, now);
  return days.map((day, i) => {
    const at = (instants[i] ?? now).getTime();
    const byBorough: Record<string, number> = Object.fromEntries(wards.map((w) => [w.borough, 0]));
    let total = 0;
    for (const s of stays) {
      if (s.admittedAt.getTime() > at || (s.dischargedAt && s.dischargedAt.getTime() <= at)) continue;
      const b = boroughOf.get(s.wardId);
      if (b === undefined) continue;
      byBorough[b] = (byBorough[b] ?? 0) + 1;
      total += 1;
    }
    return { day, byBorough, total };
  });
}

/** Discharges and bed days at home by ward and outcome in a period (for monitoring and finance). */
export async function bedDaysAtHome(db: AnyDb, actor: Actor, from: Date, to: Date) {
  requireRole(actor, CAPACITY_READERS);
  return repo.dischargeFigures(db, actor.systemId, from, to);
}

export type WardOutcomes = {
  wardId: string;
  wardName: string;
  borough: string;
  pathway: string;
  discharges: number;
  bedDays: number;
  outcomes: Record<DischargeOutcome, { discharges: number; bedDays: number }>;
};

export type OutcomeFigures = {
  from: string;
  to: string;
  wards: WardOutcomes[];
  total: { discharges: number; bedDays: number; outcomes: Record<DischargeOutcome, number> };
};

const emptyOutcomes = () =>
  Object.fromEntries(Object.keys(DISCHARGE_OUTCOMES).map((k) => [k, { discharges: 0, bedDays: 0 }])) as Record<
    DischargeOutcome,
    { discharges: number; bedDays: number }
  >;

/**
 * Bed days at home and discharge outcomes by ward for stays that ended between two London dates (inclusive),
 * for commissioners and analysts: counts only, no personal data. Default: the 365 days to today.
 */
export async function dischargeOutcomes(
  db: AnyDb,
  actor: Actor,
  query: { from?: string; to?: string },
  now: Date,
): Promise<DisclosedOutcomeFigures> {
  requireRole(actor, CAPACITY_READERS);
  const today = londonDate(now);
  const to = text(query.to) || today;
  const from = text(query.from) || addDays(to, -364);
  const errors: FieldError[] = [];
  if (!parseDate(from)) errors.push({ field: 'from', message: 'Enter the first day as a date, like 2026-04-01' });
  if (!parseDate(to)) errors.push({ field: 'to', message: 'Enter the last day as a date, like 2027-03-31' });
  else if (parseDate(from) && to < from)
    errors.push({ field: 'to', message: 'The last day must be the same as or after the first day' });
  if (errors.length) throw new ValidationError(errors);
  const rows = await repo.dischargeFigures(db, actor.systemId, londonInstant(from), londonInstant(addDays(to, 1)));
  const wards = await repo.listWards(db, actor.systemId);
  const total = {
    discharges: 0,
    bedDays: 0,
    outcomes: Object.fromEntries(Object.keys(DISCHARGE_OUTCOMES).map((k) => [k, 0])) as Record<
      DischargeOutcome,
      number
    >,
  };
  const byWard = wards.map((w) => {
    const out: WardOutcomes = {
      wardId: w.id,
      wardName: w.name,
      borough: w.borough,
      pathway: w.pathway,
      discharges: 0,
      bedDays: 0,
      outcomes: emptyOutcomes(),
    };
    for (const r of rows.filter((x) => x.wardId === w.id)) {
      const key = (r.outcome in DISCHARGE_OUTCOMES ? r.outcome : 'home') as DischargeOutcome;
      out.outcomes[key].discharges += r.discharges;
      out.outcomes[key].bedDays += r.bedDays;
      out.discharges += r.discharges;
      out.bedDays += r.bedDays;
      total.outcomes[key] += r.discharges;
    }
    total.discharges += out.discharges;
    total.bedDays += out.bedDays;
    return out;
  });
  return { from, to, ...disclose(byWard, total) };
}

/** A count hidden by disclosure control is null ("fewer than 5", or hidden so that one cannot be worked out). */
export type Shown = number | null;
export type DisclosedWardOutcomes = Omit<WardOutcomes, 'discharges' | 'bedDays' | 'outcomes'> & {
  discharges: Shown;
  bedDays: Shown;
  outcomes: Record<DischargeOutcome, { discharges: Shown; bedDays: Shown }>;
};
export type DisclosedOutcomeFigures = {
  from: string;
  to: string;
  minimumCount: number;
  /** Why each hidden cell is hidden ('ward-id.outcome', 'ward-id.all', 'all.outcome', 'all.all'). */
  suppressed: { cell: string; reason: 'fewer-than-minimum' | 'secondary' }[];
  wards: DisclosedWardOutcomes[];
  total: { discharges: Shown; bedDays: Shown; outcomes: Record<DischargeOutcome, Shown> };
};

/**
 * The outcomes framework's disclosure control (through outcomes/index.ts): discharges of 1 to 4 people, and
 * one more cell where a single hidden one could be worked out from a published total, are null; the bed days
 * of a hidden cell are hidden with it.
 */
function disclose(wards: WardOutcomes[], total: OutcomeFigures['total']): Omit<DisclosedOutcomeFigures, 'from' | 'to'> {
  const keys = Object.keys(DISCHARGE_OUTCOMES) as DischargeOutcome[];
  const table = [
    ...wards.map((w) => [...keys.map((k) => w.outcomes[k].discharges), w.discharges]),
    [...keys.map((k) => total.outcomes[k]), total.discharges],
  ];
  const hidden = suppressCountTable(table, DEFAULT_DISCLOSURE);
  const show = (n: number, i: number, j: number): Shown => (hidden[i]?.[j] ? null : n);
  const last = keys.length;
  const suppressed: DisclosedOutcomeFigures['suppressed'] = [];
  for (const [i, row] of hidden.entries()) {
    for (const [j, h] of row.entries()) {
      if (!h) continue;
      const cell = `${wards[i]?.wardId ?? 'all'}.${keys[j] ?? 'all'}`;
      const small = isSmallCount(table[i]?.[j] ?? 0, DEFAULT_DISCLOSURE);
      suppressed.push({ cell, reason: small ? 'fewer-than-minimum' : 'secondary' });
    }
  }
  return {
    minimumCount: DEFAULT_DISCLOSURE.minimumCount,
    suppressed,
    wards: wards.map((w, i) => ({
      ...w,
      discharges: show(w.discharges, i, last),
      bedDays: show(w.bedDays, i, last),
      outcomes: Object.fromEntries(
        keys.map((k, j) => [
          k,
          { discharges: show(w.outcomes[k].discharges, i, j), bedDays: show(w.outcomes[k].bedDays, i, j) },
        ]),
      ) as DisclosedWardOutcomes['outcomes'],
    })),
    total: {
      discharges: show(total.discharges, wards.length, last),
      bedDays: show(total.bedDays, wards.length, last),
      outcomes: Object.fromEntries(keys.map((k, j) => [k, show(total.outcomes[k], wards.length, j)])) as Record<
        DischargeOutcome,
        Shown
      >,
    },
  };
}

/**
 * Discharges and bed days at home by the ward's borough (GSS code) in a period: what monitoring reads per
 * borough and quarter. Counts only, no person.
 */
export async function bedDaysAtHomeByBorough(
  db: AnyDb,
  actor: Actor,
  from: Date,
  to: Date,
): Promise<{ borough: string; discharges: number; bedDays: number }[]> {
  requireRole(actor, CAPACITY_READERS);
  const wards = await repo.listWards(db, actor.systemId);
  const boroughOf = new Map(wards.map((w) => [w.id, w.borough]));
  const out = new Map<string, { borough: string; discharges: number; bedDays: number }>();
  for (const r of await repo.dischargeFigures(db, actor.systemId, from, to)) {
    const borough = boroughOf.get(r.wardId) ?? 'Not known';
    const c = out.get(borough) ?? { borough, discharges: 0, bedDays: 0 };
    c.discharges += r.discharges;
    c.bedDays += r.bedDays;
    out.set(borough, c);
  }
  return [...out.values()].sort((a, b) => a.borough.localeCompare(b.borough));
}

export { scoreNews2 };

export type AdmissionObservations = { admission: repo.AdmissionRow; observations: repo.ObservationRow[] };

/**
 * Observations for the FHIR API: of every admission of the people the actor may see now (or of one person's
 * admissions), each admission's read audited. Ward staff only, like the admission page.
 */
export async function observationsForFhir(
  db: AnyDb,
  actor: Actor,
  q: { patientId?: string },
  now: Date,
): Promise<AdmissionObservations[]> {
  requireRole(actor, WARD_STAFF);
  return inTransaction(db, async (tx) => {
    const admissions = await repo.visibleAdmissions(tx, actor.systemId, visiblePeople(tx, actor, now), q.patientId);
    const observations = await repo.observationsOf(
      tx,
      admissions.map((a) => a.id),
      200,
    );
    for (const a of admissions) {
      await audit(tx, actor, { action: 'virtual-ward.observations-read', recordType: 'vw-admission', recordId: a.id });
    }
    return admissions.map((admission) => ({
      admission,
      observations: observations.filter((o) => o.admissionId === admission.id),
    }));
  });
}

/** One observation's admission with its observations; no relationship or no such observation is an audited 404. */
export async function observationForFhir(
  db: AnyDb,
  actor: Actor,
  observationId: string,
  now: Date,
): Promise<AdmissionObservations & { observation: repo.ObservationRow }> {
  requireRole(actor, WARD_STAFF);
  return inTransaction(db, async (tx) => {
    const admissionId = /^[0-9]{1,18}$/.test(observationId)
      ? await repo.admissionOfObservation(tx, actor.systemId, observationId)
      : null;
    if (!admissionId) throw new NotFoundError('Observation');
    const admission = await admissionForStaff(tx, actor, admissionId, now);
    const observations = await repo.observationsOf(tx, [admissionId], 200);
    const observation = observations.find((o) => o.id === observationId);
    if (!observation) throw new NotFoundError('Observation');
    await audit(tx, actor, {
      action: 'virtual-ward.observation-read',
      recordType: 'vw-observation',
      recordId: observationId,
      detail: { admissionId },
    });
    return { admission, observations, observation };
  });
}
