// Silver triage: commands and queries. A call with a referral outcome creates the referral in the central
// point of access in the same transaction, its clock running from the time of the call. Every read of calls is
// limited to staff related to them and audited; figures carry no personal data.
import { audit } from '../../platform/audit/audit.ts';
import { relate, requirePersonAccess, visiblePeople } from '../../platform/auth/relationships.ts';
import { type Actor, type Role, systemActor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import { ConflictError, DomainError, type FieldError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { isValidNhsNumber, normaliseNhsNumber, submitReferral } from '../access/index.ts';
import { findDistrict, getDayPlan, londonToday } from '../scheduling/index.ts';
import { allWards } from '../virtualwards/index.ts';
import * as repo from './silvertriage.repository.ts';
import {
  CALL_OUTCOMES,
  type CallOutcome,
  callFigures,
  coveredHours,
  type FigureRow,
  onCallAt,
  REFERRAL_OUTCOMES,
  rotaGaps,
} from './silvertriage.ts';

export const TRIAGE_CLINICIANS: readonly Role[] = ['clinician', 'spa'];
export const FIGURE_READERS: readonly Role[] = ['clinician', 'spa', 'commissioner', 'analyst'];

function requireRole(actor: Actor, roles: readonly Role[]): void {
  if (actor.role === 'system') return;
  if (!roles.includes(actor.role))
    throw new DomainError(403, 'forbidden', 'Your role does not give you access to this');
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

function parseInstant(v: unknown): Date | null {
  const s = text(v);
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

export type CallInput = Record<string, unknown>;

/** The person on a call is visible to the logging organisation and the clinician who logged it. */
async function relateCall(tx: AnyDb, actor: Actor, callId: string, now: Date): Promise<void> {
  const grant = {
    systemId: actor.systemId,
    personId: callId,
    basis: 'silver-triage',
    sourceType: 'st-call',
    sourceId: callId,
    at: now,
  };
  if (actor.organisationCode) await relate(tx, { ...grant, grantee: { organisation: actor.organisationCode } });
  if (actor.kind === 'user') await relate(tx, { ...grant, grantee: { user: actor.id } });
}

/** Logs a call (from the ambulance service's system or the clinician's form). */
export async function logCall(
  db: AnyDb,
  actor: Actor,
  input: CallInput,
  now: Date,
): Promise<{ callId: string; referral: { id: string; reference: string; firstContactDue: string | null } | null }> {
  requireRole(actor, TRIAGE_CLINICIANS);
  const errors: FieldError[] = [];
  const crew = text(input.crew);
  const callSign = text(input.callSign);
  const incidentNumber = text(input.incidentNumber);
  if (!crew) errors.push({ field: 'crew', message: 'Enter who called (the crew)' });
  if (!callSign) errors.push({ field: 'callSign', message: 'Enter the call sign' });
  if (!/^[A-Za-z0-9-]{4,30}$/.test(incidentNumber))
    errors.push({
      field: 'incidentNumber',
      message: 'Enter the ambulance service incident number (4 to 30 letters or digits)',
    });
  const nhsText = text(input.nhsNumber);
  const nhsNumber = nhsText ? normaliseNhsNumber(nhsText) : null;
  if (nhsText && (!nhsNumber || !isValidNhsNumber(nhsNumber)))
    errors.push({ field: 'nhsNumber', message: 'Enter a valid 10-digit NHS number, or leave it empty if not known' });
  const age = typeof input.age === 'number' ? input.age : text(input.age) ? Number(text(input.age)) : Number.NaN;
  if (!Number.isInteger(age) || age < 0 || age > 120)
    errors.push({ field: 'age', message: 'Enter the age in whole years, from 0 to 120' });
  const postcode = text(input.postcode);
  const district = findDistrict(postcode);
  if (!district)
    errors.push({ field: 'postcode', message: 'Enter a North Central London postcode or its first half, like N19' });
  const calledAt = parseInstant(input.calledAt) ?? (text(input.calledAt) ? null : now);
  if (!calledAt || calledAt.getTime() > now.getTime() + 60_000)
    errors.push({ field: 'calledAt', message: 'Enter the time of the call as a date and time, not in the future' });
  const answeredAt = parseInstant(input.answeredAt);
  if (text(input.answeredAt) && !answeredAt)
    errors.push({ field: 'answeredAt', message: 'Enter the time answered as a date and time' });
  if (answeredAt && calledAt && answeredAt < calledAt)
    errors.push({ field: 'answeredAt', message: 'The time answered cannot be before the call' });
  const outcome = text(input.outcome);
  if (outcome && !(outcome in CALL_OUTCOMES))
    errors.push({ field: 'outcome', message: `Outcome must be one of ${Object.keys(CALL_OUTCOMES).join(', ')}` });
  if (outcome && !answeredAt)
    errors.push({ field: 'answeredAt', message: 'A call with an outcome was answered: enter when' });
  const advice = text(input.advice) || null;
  if (outcome && !advice) errors.push({ field: 'advice', message: 'Enter the advice given' });
  const component = outcome ? REFERRAL_OUTCOMES[outcome as CallOutcome] : undefined;
  if (component) {
    for (const [field, label] of [
      ['givenName', 'first name'],
      ['familyName', 'last name'],
      ['birthDate', 'date of birth'],
    ] as const) {
      if (!text(input[field])) errors.push({ field, message: `Enter the ${label}: the referral needs it` });
    }
    if (!nhsNumber) errors.push({ field: 'nhsNumber', message: 'Enter the NHS number: the referral needs it' });
    if (!/\s|\d[A-Z]{2}$/i.test(postcode))
      errors.push({ field: 'postcode', message: 'Enter the full postcode: the referral needs it' });
  }
  if (errors.length) throw new ValidationError(errors);

  return inTransaction(db, async (tx) => {
    const slots = await repo.slotsBetween(
      tx,
      actor.systemId,
      calledAt as Date,
      new Date((calledAt as Date).getTime() + 1),
    );
    let referral: { id: string; reference: string; firstContactDue: string | null } | null = null;
    if (component) {
      const submitted = await submitReferral(
        tx,
        actor,
        {
          person: {
            nhsNumber,
            givenName: text(input.givenName),
            familyName: text(input.familyName),
            birthDate: text(input.birthDate),
            postcode,
          },
          component,
          urgency: 'urgent',
          source: 'professional',
          reason: `Silver triage call ${incidentNumber} (${callSign}): ${advice}`,
          // The crew is with the person; the service contacts them by letter unless the triager says otherwise.
          communication: { preferredContact: 'letter' },
        },
        { now: calledAt as Date },
      );
      referral = {
        id: submitted.body.id,
        reference: submitted.body.reference,
        firstContactDue: submitted.body.firstContactDue,
      };
    }
    const callId = await repo.insertCall(tx, actor.systemId, {
      crew,
      callSign,
      incidentNumber,
      nhsNumber,
      age,
      postcodeDistrict: (district as { district: string }).district,
      borough: (district as { borough: string }).borough,
      calledAt: calledAt as Date,
      answeredAt,
      answeredBy: answeredAt ? actor.id : null,
      answeredByName: answeredAt ? actor.name : null,
      withinRota: onCallAt(slots, calledAt as Date) !== null,
      advice,
      outcome: outcome || null,
      referralId: referral?.id ?? null,
      referralReference: referral?.reference ?? null,
      corrects: null,
      correctionReason: null,
      recordedBy: actor.id,
      recordedAt: now,
    });
    await relateCall(tx, actor, callId, now);
    await audit(tx, actor, {
      action: 'silver-triage.call-logged',
      recordType: 'st-call',
      recordId: callId,
      detail: { outcome: outcome || null, referralId: referral?.id ?? null },
    });
    return { callId, referral };
  });
}

async function callForStaff(db: AnyDb, actor: Actor, id: string, now: Date, { lock = false } = {}) {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new NotFoundError('Call');
  const call = await repo.findCall(db, actor.systemId, id, { lock });
  if (!call) throw new NotFoundError('Call');
  await requirePersonAccess(db, actor, id, { now, recordType: 'st-call', recordId: id, label: 'Call' });
  return call;
}

export async function getCall(
  db: AnyDb,
  actor: Actor,
  id: string,
  now: Date,
): Promise<repo.CallRow & { corrected: repo.CallRow | null }> {
  requireRole(actor, TRIAGE_CLINICIANS);
  return inTransaction(db, async (tx) => {
    const call = await callForStaff(tx, actor, id, now);
    const corrected = call.corrects ? await repo.findCall(tx, actor.systemId, call.corrects) : null;
    await audit(tx, actor, { action: 'silver-triage.call-read', recordType: 'st-call', recordId: id });
    return { ...call, corrected };
  });
}

/**
 * Corrects a call's answer, advice or outcome. The call is never overwritten: the correction is a new row that
 * points at the one it corrects (which is kept, marked superseded), and any referral the call created stays
 * linked. A correction cannot create a referral: log the referral as its own call.
 */
export async function correctCall(
  db: AnyDb,
  actor: Actor,
  id: string,
  input: CallInput,
  now: Date,
): Promise<{ callId: string }> {
  requireRole(actor, TRIAGE_CLINICIANS);
  const errors: FieldError[] = [];
  const reason = text(input.correctionReason);
  if (reason.length < 10)
    errors.push({ field: 'correctionReason', message: 'Give the reason for the correction (at least 10 characters)' });
  const outcome = text(input.outcome);
  if (!(outcome in CALL_OUTCOMES))
    errors.push({ field: 'outcome', message: `Outcome must be one of ${Object.keys(CALL_OUTCOMES).join(', ')}` });
  const advice = text(input.advice);
  if (!advice) errors.push({ field: 'advice', message: 'Enter the advice given' });
  if (errors.length) throw new ValidationError(errors);
  return inTransaction(db, async (tx) => {
    const call = await callForStaff(tx, actor, id, now, { lock: true });
    if (call.supersededBy) throw new ConflictError('This call has already been corrected; correct the newest version');
    if (!call.referralId && REFERRAL_OUTCOMES[outcome as CallOutcome])
      throw new ValidationError([
        { field: 'outcome', message: 'A correction cannot make a referral; log the referral as a new call' },
      ]);
    const callId = await repo.insertCall(tx, actor.systemId, {
      ...call,
      answeredAt: call.answeredAt ?? now,
      answeredBy: call.answeredBy ?? actor.id,
      answeredByName: call.answeredByName ?? actor.name,
      advice,
      outcome,
      corrects: id,
      correctionReason: reason,
      recordedBy: actor.id,
      recordedAt: now,
    });
    await repo.markSuperseded(tx, id, callId);
    await relateCall(tx, actor, callId, now);
    await audit(tx, actor, {
      action: 'silver-triage.call-corrected',
      recordType: 'st-call',
      recordId: callId,
      reason,
      detail: { corrects: id, from: call.outcome, to: outcome, referralId: call.referralId },
    });
    return { callId };
  });
}

export async function listCalls(
  db: AnyDb,
  actor: Actor,
  now: Date,
  { page = 1, pageSize = 25 }: { page?: number; pageSize?: number } = {},
): Promise<{ rows: repo.CallRow[]; total: number; page: number; pageSize: number }> {
  requireRole(actor, TRIAGE_CLINICIANS);
  return inTransaction(db, async (tx) => {
    const result = await repo.listCalls(tx, actor.systemId, visiblePeople(tx, actor, now), {
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    await audit(tx, actor, {
      action: 'silver-triage.calls-read',
      recordType: 'st-call',
      recordId: null,
      detail: { calls: result.rows.map((r) => r.id) },
    });
    return { ...result, page, pageSize };
  });
}

export type RotaView = {
  from: Date;
  to: Date;
  slots: repo.RotaSlot[];
  gaps: { startsAt: Date; endsAt: Date }[];
  coveredHours: number;
  onCallNow: repo.RotaSlot | null;
};

/** The rota for the 7 days from `from`, with its gaps and who is on call now. */
export async function rotaWeek(db: AnyDb, actor: Actor, from: Date, now: Date): Promise<RotaView> {
  requireRole(actor, FIGURE_READERS);
  const to = new Date(from.getTime() + 7 * 86_400_000);
  const slots = await repo.slotsBetween(db, actor.systemId, from, to);
  const current = await repo.slotsBetween(db, actor.systemId, now, new Date(now.getTime() + 1));
  return {
    from,
    to,
    slots,
    gaps: rotaGaps(slots, from, to),
    coveredHours: coveredHours(slots, from, to),
    onCallNow: onCallAt(current, now),
  };
}

export async function addRotaSlot(db: AnyDb, actor: Actor, input: Record<string, unknown>): Promise<void> {
  requireRole(actor, ['spa', 'admin', 'provider']);
  const startsAt = parseInstant(input.startsAt);
  const endsAt = parseInstant(input.endsAt);
  const errors: FieldError[] = [];
  if (!startsAt) errors.push({ field: 'startsAt', message: 'Enter when the slot starts, as a date and time' });
  if (!endsAt || (startsAt && endsAt <= startsAt))
    errors.push({ field: 'endsAt', message: 'Enter when the slot ends, after it starts' });
  const clinicianName = text(input.clinicianName);
  if (!clinicianName) errors.push({ field: 'clinicianName', message: 'Enter the senior clinician on call' });
  if (errors.length) throw new ValidationError(errors);
  await inTransaction(db, async (tx) => {
    await repo.insertSlot(tx, actor.systemId, {
      startsAt: startsAt as Date,
      endsAt: endsAt as Date,
      clinicianName,
      speciality: text(input.speciality) || 'Geriatric emergency medicine',
    });
    await audit(tx, actor, {
      action: 'silver-triage.rota-slot-added',
      recordType: 'st-rota',
      recordId: null,
      detail: { clinicianName },
    });
  });
}

export async function figures(db: AnyDb, actor: Actor, from: Date, to: Date): Promise<FigureRow[]> {
  requireRole(actor, FIGURE_READERS);
  return callFigures(await repo.callFacts(db, actor.systemId, from, to));
}

export type LiveCapacity = {
  borough: string;
  virtualWardBedsFree: number;
  virtualWards: number;
  /** Today's urgent community response board for the system (aggregate, no personal data), or null if none. */
  urgentResponse: {
    day: string;
    clinicians: number;
    unassigned: number;
    urgentTotal: number;
    urgentMet: number;
  } | null;
};

/** What can take the person now, before a clinician agrees not to convey: no personal data. */
export async function liveCapacity(db: AnyDb, actor: Actor, borough: string, now: Date): Promise<LiveCapacity> {
  requireRole(actor, TRIAGE_CLINICIANS);
  const wards = (await allWards(db, actor)).filter((w) => w.borough === borough && w.maxAge >= 18);
  let urgentResponse: LiveCapacity['urgentResponse'] = null;
  try {
    // The board is read as the system: only its figures leave this function, never a visit.
    const day = londonToday(now);
    const plan = await getDayPlan(db, systemActor(actor.systemId), { day });
    if (plan.figures) {
      urgentResponse = {
        day,
        clinicians: plan.figures.clinicians,
        unassigned: plan.figures.unassigned,
        urgentTotal: plan.figures.urgentTotal,
        urgentMet: plan.figures.urgentMet,
      };
    }
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
  }
  return {
    borough,
    virtualWards: wards.length,
    virtualWardBedsFree: wards.reduce((s, w) => s + Math.max(0, w.capacity - w.occupied), 0),
    urgentResponse,
  };
}

export { CALL_OUTCOMES };
