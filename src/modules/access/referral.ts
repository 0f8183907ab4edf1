// A referral's life, as a pure state machine, plus duplicate detection and input validation.
//
//   received ──triage──► triaged ──accept──► accepted ──first-contact──► first-contact-made ──close──► closed
//                          ▲  │                 │
//                          │  └────redirect─────┴──► redirected ──accept (by the service it went to)──► accepted
//                          └──────────triage (back to the triager)───────┘
//   Any open referral can be closed with an outcome (signposted, not eligible …); "completed" only
//   after first contact. Closed is final.
//
// Every change returns the new state and one event (who, when, what, why), so the person's history
// is the list of events. Nothing here reads a clock: the caller passes `at`, and a change dated before
// the referral's last change is refused, so the history always reads in order.

import { isObj as isObject, type Obj } from '../../platform/data-file.ts';
import type { Component, OfferDocument, ValidationError, ValidationResult } from '../offer/index.ts';
import { validateNhsNumber } from './nhs-number.ts';
import { type BoroughLookup, normalisePostcode, POSTCODE_FORMAT_MESSAGE, resolveBorough } from './postcode.ts';
import { londonDate, parseDate, toInstant } from '../../platform/london-time.ts';
import { REFERRAL_SOURCES, type ReferralSource } from './routing.ts';

export const REFERRAL_STATUSES = [
  'received',
  'triaged',
  'accepted',
  'redirected',
  'first-contact-made',
  'closed',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export const OPEN_STATUSES: readonly ReferralStatus[] = REFERRAL_STATUSES.filter((s) => s !== 'closed');

export function isOpen(status: ReferralStatus): boolean {
  return status !== 'closed';
}

export const CLOSE_OUTCOMES = [
  /** Pointed to a local asset (voluntary sector, council) instead of a core offer service. */
  'signposted',
  /** Seen and the episode finished; only after first contact. */
  'completed',
  'not-eligible',
  /** The person said no. */
  'declined',
  /** The referrer withdrew it. */
  'withdrawn',
  /** The same need is already being met by another referral. */
  'duplicate',
  'unable-to-contact',
] as const;
export type CloseOutcome = (typeof CLOSE_OUTCOMES)[number];

/** Who made a change. The platform's Actor has these fields and more; only these are kept. */
export interface EventActor {
  id: string;
  name?: string;
  role?: string;
  organisationCode?: string | null;
}

export interface ReferralState {
  id: string;
  status: ReferralStatus;
  /** The service the referral is with: proposed at triage or redirect, confirmed at acceptance. */
  serviceId: string | null;
  /** UTC instant, ISO 8601. */
  receivedAt: string;
  /** When the last change happened. */
  updatedAt: string;
  acceptedAt: string | null;
  firstContactDue: string | null;
  firstContactAt: string | null;
  closedAt: string | null;
  outcome: CloseOutcome | null;
  /** How many times it was redirected; 0 means routed first time. */
  redirectCount: number;
  /** 1 when received, +1 per change: the event sequence number, and a version for optimistic locking. */
  version: number;
}

export type ReferralAction =
  | { type: 'triage'; serviceId?: string | null; note?: string }
  | { type: 'accept'; serviceId?: string; firstContactDue: Date | string; note?: string }
  | { type: 'redirect'; reason: string; toServiceId?: string | null }
  | { type: 'first-contact'; note?: string }
  | { type: 'close'; outcome: CloseOutcome; note?: string };
export type ReferralActionType = ReferralAction['type'];

export interface ReferralEvent {
  referralId: string;
  /** The referral's version after this event: 1 for receipt, then 2, 3 … */
  sequence: number;
  /** "receive" for the first event, then the action. */
  type: 'receive' | ReferralActionType;
  from: ReferralStatus | null;
  to: ReferralStatus;
  /** UTC instant, ISO 8601. */
  at: string;
  by: EventActor;
  /** Why: required for a redirect. */
  reason?: string;
  note?: string;
  /** The service after the change, when the change concerns one. */
  serviceId?: string | null;
  /** The service before a redirect. */
  fromServiceId?: string | null;
  outcome?: CloseOutcome;
  firstContactDue?: string;
}

export type TransitionErrorCode =
  | 'illegal-transition'
  | 'reason-required'
  | 'outcome-required'
  | 'service-required'
  | 'due-required'
  | 'completed-before-contact'
  | 'out-of-order';

export interface TransitionError {
  code: TransitionErrorCode;
  /** "conflict": the referral is not in a state that allows this (HTTP 409); "invalid": the request
   * is missing or has a bad value (HTTP 400, naming `field`). */
  kind: 'conflict' | 'invalid';
  message: string;
  from: ReferralStatus;
  action: ReferralActionType;
  field?: string;
}

export type TransitionResult =
  | { ok: true; referral: ReferralState; event: ReferralEvent }
  | { ok: false; error: TransitionError };

/** Which statuses each action may start from. */
export const ALLOWED_FROM: Readonly<Record<ReferralActionType, readonly ReferralStatus[]>> = {
  triage: ['received', 'triaged', 'redirected'],
  accept: ['triaged', 'redirected'],
  redirect: ['triaged', 'accepted', 'redirected'],
  'first-contact': ['accepted'],
  close: ['received', 'triaged', 'accepted', 'redirected', 'first-contact-made'],
};

const STATUS_AFTER: Readonly<Record<ReferralActionType, ReferralStatus>> = {
  triage: 'triaged',
  accept: 'accepted',
  redirect: 'redirected',
  'first-contact': 'first-contact-made',
  close: 'closed',
};

// "A referral that {status} cannot {action}".
const STATUS_WORDS: Readonly<Record<ReferralStatus, string>> = {
  received: 'has not been triaged',
  triaged: 'is triaged',
  accepted: 'is accepted',
  redirected: 'is redirected',
  'first-contact-made': 'has had its first contact',
  closed: 'is closed',
};
const ACTION_WORDS: Readonly<Record<ReferralActionType, string>> = {
  triage: 'be triaged',
  accept: 'be accepted',
  redirect: 'be redirected',
  'first-contact': 'have a first contact recorded',
  close: 'be closed',
};

/** "A referral that is closed cannot be accepted". */
export function illegalTransitionMessage(from: ReferralStatus, action: ReferralActionType): string {
  return `A referral that ${STATUS_WORDS[from]} cannot ${ACTION_WORDS[action]}`;
}

function actor(by: EventActor): EventActor {
  const out: EventActor = { id: by.id };
  if (by.name !== undefined) out.name = by.name;
  if (by.role !== undefined) out.role = by.role;
  if (by.organisationCode !== undefined) out.organisationCode = by.organisationCode;
  return out;
}

function iso(at: Date | string): string {
  return toInstant(at).toISOString();
}

function clean(text: string | undefined): string | undefined {
  const t = text?.trim();
  return t ? t : undefined;
}

/** A new referral and its first event. */
export function receiveReferral(
  id: string,
  by: EventActor,
  at: Date | string,
): { referral: ReferralState; event: ReferralEvent } {
  const when = iso(at);
  const referral: ReferralState = {
    id,
    status: 'received',
    serviceId: null,
    receivedAt: when,
    updatedAt: when,
    acceptedAt: null,
    firstContactDue: null,
    firstContactAt: null,
    closedAt: null,
    outcome: null,
    redirectCount: 0,
    version: 1,
  };
  return {
    referral,
    event: { referralId: id, sequence: 1, type: 'receive', from: null, to: 'received', at: when, by: actor(by) },
  };
}

/** Apply an action to a referral: the new state and its event, or an error naming what is wrong. */
export function transition(
  referral: ReferralState,
  action: ReferralAction,
  by: EventActor,
  at: Date | string,
): TransitionResult {
  const from = referral.status;
  const fail = (code: TransitionErrorCode, message: string, field?: string): TransitionResult => ({
    ok: false,
    error: {
      code,
      kind:
        code === 'illegal-transition' || code === 'out-of-order' || code === 'completed-before-contact'
          ? 'conflict'
          : 'invalid',
      message,
      from,
      action: action.type,
      ...(field ? { field } : {}),
    },
  });

  if (!Object.hasOwn(ALLOWED_FROM, action.type)) {
    return fail('illegal-transition', `There is no action called "${String(action.type)}"`);
  }
  if (!ALLOWED_FROM[action.type].includes(from)) {
    return fail('illegal-transition', illegalTransitionMessage(from, action.type));
  }
  const when = iso(at);
  if (when < referral.updatedAt) {
    return fail(
      'out-of-order',
      `This change is dated ${when}, before the referral's last change at ${referral.updatedAt}`,
    );
  }

  const to = STATUS_AFTER[action.type];
  const next: ReferralState = { ...referral, status: to, updatedAt: when, version: referral.version + 1 };
  const event: ReferralEvent = {
    referralId: referral.id,
    sequence: next.version,
    type: action.type,
    from,
    to,
    at: when,
    by: actor(by),
  };
  const note = 'note' in action ? clean(action.note) : undefined;
  if (note) event.note = note;

  switch (action.type) {
    case 'triage': {
      if (action.serviceId !== undefined) next.serviceId = action.serviceId;
      event.serviceId = next.serviceId;
      break;
    }
    case 'accept': {
      const serviceId = action.serviceId ?? referral.serviceId;
      if (!serviceId) return fail('service-required', 'Choose the service that is accepting the referral', 'serviceId');
      if (!action.firstContactDue) return fail('due-required', 'Give the time first contact is due', 'firstContactDue');
      let due: string;
      try {
        due = iso(action.firstContactDue);
      } catch {
        return fail('due-required', 'Give the time first contact is due as an ISO 8601 instant', 'firstContactDue');
      }
      next.serviceId = serviceId;
      next.acceptedAt = when;
      next.firstContactDue = due;
      event.serviceId = serviceId;
      event.firstContactDue = due;
      break;
    }
    case 'redirect': {
      const reason = clean(action.reason);
      if (!reason) return fail('reason-required', 'Say why the referral is being redirected', 'reason');
      next.serviceId = action.toServiceId ?? null;
      next.acceptedAt = null;
      next.firstContactDue = null;
      next.redirectCount = referral.redirectCount + 1;
      event.reason = reason;
      event.fromServiceId = referral.serviceId;
      event.serviceId = next.serviceId;
      break;
    }
    case 'first-contact': {
      next.firstContactAt = when;
      event.serviceId = referral.serviceId;
      break;
    }
    case 'close': {
      if (!action.outcome || !(CLOSE_OUTCOMES as readonly string[]).includes(action.outcome)) {
        return fail('outcome-required', `Choose an outcome: ${CLOSE_OUTCOMES.join(', ')}`, 'outcome');
      }
      if (action.outcome === 'completed' && from !== 'first-contact-made') {
        return fail('completed-before-contact', 'A referral can be closed as completed only after its first contact');
      }
      next.closedAt = when;
      next.outcome = action.outcome;
      event.outcome = action.outcome;
      break;
    }
  }
  return { ok: true, referral: next, event };
}

/** Apply actions in turn, stopping at the first error. Handy for tests and for replaying a history. */
export function applyAll(
  referral: ReferralState,
  steps: readonly { action: ReferralAction; by: EventActor; at: Date | string }[],
):
  | { ok: true; referral: ReferralState; events: ReferralEvent[] }
  | { ok: false; error: TransitionError; step: number } {
  let current = referral;
  const events: ReferralEvent[] = [];
  for (const [i, s] of steps.entries()) {
    const r = transition(current, s.action, s.by, s.at);
    if (!r.ok) return { ok: false, error: r.error, step: i };
    current = r.referral;
    events.push(r.event);
  }
  return { ok: true, referral: current, events };
}

// ---------------------------------------------------------------------------------------------
// Duplicates

export const DUPLICATE_WINDOW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface DuplicateCandidate {
  id: string;
  nhsNumber: string;
  component: string;
  status: ReferralStatus;
  receivedAt: Date | string;
}

/**
 * Open referrals for the same person (NHS number, spaces ignored) and the same component received
 * within 30 days (30 × 24 hours, either side) of the new one; most recent first. Closed referrals do not
 * count: the person may need help again. A match is a flag for the triager, never a reason to drop or merge.
 */
export function findLikelyDuplicates<T extends DuplicateCandidate>(
  newReferral: { id?: string; nhsNumber: string; component: string; receivedAt: Date | string },
  existing: readonly T[],
): T[] {
  const nhs = newReferral.nhsNumber.replace(/[\s-]/g, '');
  const t = toInstant(newReferral.receivedAt).getTime();
  const window = DUPLICATE_WINDOW_DAYS * DAY_MS;
  return existing
    .filter(
      (e) =>
        e.id !== newReferral.id &&
        isOpen(e.status) &&
        e.component === newReferral.component &&
        e.nhsNumber.replace(/[\s-]/g, '') === nhs &&
        Math.abs(toInstant(e.receivedAt).getTime() - t) <= window,
    )
    .sort((a, b) => toInstant(b.receivedAt).getTime() - toInstant(a.receivedAt).getTime() || (a.id < b.id ? -1 : 1));
}

export function isLikelyDuplicate(
  newReferral: { id?: string; nhsNumber: string; component: string; receivedAt: Date | string },
  existing: readonly DuplicateCandidate[],
): boolean {
  return findLikelyDuplicates(newReferral, existing).length > 0;
}

// ---------------------------------------------------------------------------------------------
// Age

/** Age in whole years on a date. Someone born on 29 February has their birthday on 1 March in
 * other years, as in UK law. Both dates are YYYY-MM-DD. */
export function ageOn(birthDate: string, on: string): number {
  const b = parseDate(birthDate);
  const d = parseDate(on);
  if (!b) throw new TypeError(`Not a calendar date (YYYY-MM-DD): ${birthDate}`);
  if (!d) throw new TypeError(`Not a calendar date (YYYY-MM-DD): ${on}`);
  const hadBirthday = d.month > b.month || (d.month === b.month && d.day >= b.day);
  return d.year - b.year - (hadBirthday ? 0 : 1);
}

// ---------------------------------------------------------------------------------------------
// Input: the JSON body of POST /api/referrals (the forms build the same shape)

export const PREFERRED_CONTACTS = ['phone', 'email', 'letter', 'text'] as const;
export type PreferredContact = (typeof PREFERRED_CONTACTS)[number];

export interface ReferralInput {
  person: {
    /** 10 digits, no spaces. */
    nhsNumber: string;
    givenName: string;
    familyName: string;
    /** YYYY-MM-DD */
    birthDate: string;
    /** Normalised, "N19 5HX". */
    postcode: string;
    /** ODS code of the registered GP practice; null when the person is not registered or does not know
     * (nobody needs to be registered with a GP to get NHS care). */
    gpPractice: string | null;
  };
  component: string;
  urgency: string;
  reason: string;
  source: ReferralSource;
  communication: {
    /** The language the person prefers; null when not given. */
    language: string | null;
    interpreter: boolean;
    bsl: boolean;
    /** Sensory, dementia-friendly and other needs, in the referrer's words. */
    needs: string | null;
    preferredContact: PreferredContact;
    /** Where letters go: needed on the public form when the person chose letters. */
    address?: PostalAddress | null;
    /** Who filled in the form (self-referrals for someone under 18). */
    referredBy?: ReferredBy | null;
    /** The parent or carer to contact: needed on the public form for a child's referral. */
    carer?: CarerDetails | null;
  };
  /** Whole years on the day given to the validator. */
  age: number;
  /** GSS code, when a borough lookup was given to the validator. */
  borough?: string;
}

export interface PostalAddress {
  line1: string;
  line2: string | null;
  town: string;
  /** The home postcode: letters go to the home address. */
  postcode: string;
}
export const REFERRED_BY = ['self', 'parent-or-carer'] as const;
export type ReferredBy = (typeof REFERRED_BY)[number];
export interface CarerDetails {
  name: string;
  relationship: string;
  phone: string;
}
/** Young people of 16 and 17 may consent to their own treatment (Family Law Reform Act 1969, section 8), so
 * they may refer themselves; for a child under 16 a parent or carer makes the self-referral (whether a younger
 * child can consent is a clinician's judgement, not a form's). */
export const SELF_REFERRAL_OWN_AGE = 16;
export const ADULT_AGE = 18;
const CARER_PHONE = /^\+?[0-9 ()-]{7,20}$/;

export interface ReferralInputOptions {
  /** The day to work out age on, and the latest a birth date may be: a London date or an instant. */
  today: string | Date;
  /** When given, the component must be in it and the urgency one the component's standards use. */
  offer?: Pick<OfferDocument, 'components'> | readonly Component[];
  /** When given, the postcode must resolve to a borough (among `areaBoroughs`, when given). */
  boroughLookup?: BoroughLookup;
  areaBoroughs?: Iterable<string>;
  /** The public self-referral form: letters need an address, and a child's referral a parent or carer. */
  resident?: boolean;
}

export const MAX_AGE = 130;
const LIMITS = { name: 100, reason: 4000, language: 60, needs: 2000 } as const;
/** GP practice ODS codes: one letter and five digits, e.g. F83004. */
const GP_PRACTICE = /^[A-Z]\d{5}$/;
const URGENCY_CODE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Check a referral body. Every problem comes back with the field's path ("person.nhsNumber") and a
 * message a person can act on; the value is rebuilt field by field, so unknown fields are dropped.
 */
export function validateReferralInput(body: unknown, options: ReferralInputOptions): ValidationResult<ReferralInput> {
  const errors: ValidationError[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message });
  if (!isObject(body)) return { ok: false, errors: [{ path: '', message: 'Send the referral as a JSON object' }] };
  const today = typeof options.today === 'string' ? options.today : londonDate(options.today);
  if (!parseDate(today)) throw new TypeError(`options.today must be a date (YYYY-MM-DD): ${today}`);

  const text = (value: unknown, path: string, missing: string, max: number, required = true): string | null => {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      if (required) fail(path, missing);
      return null;
    }
    if (typeof value !== 'string') {
      fail(path, `${missing} as text`);
      return null;
    }
    const t = value.trim().replace(/\s+/g, ' ');
    if (t.length > max) {
      fail(path, `Must be ${max} characters or fewer`);
      return null;
    }
    return t;
  };
  const reasonText = (value: unknown, path: string, missing: string, max: number, required: boolean): string | null => {
    // Like text(), but keeps line breaks: referrers write paragraphs.
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      if (required) fail(path, missing);
      return null;
    }
    if (typeof value !== 'string') {
      fail(path, `${missing} as text`);
      return null;
    }
    const t = value.trim();
    if (t.length > max) {
      fail(path, `Must be ${max} characters or fewer`);
      return null;
    }
    return t;
  };

  // Person
  const p = isObject(body.person) ? body.person : null;
  if (!p) fail('person', 'Enter the details of the person being referred');
  const person = p ?? {};
  let nhsNumber: string | null = null;
  if (person.nhsNumber === undefined || person.nhsNumber === null || person.nhsNumber === '') {
    if (p) fail('person.nhsNumber', 'Enter the NHS number');
  } else {
    const r = validateNhsNumber(person.nhsNumber);
    if (r.ok) nhsNumber = r.value;
    else fail('person.nhsNumber', r.message);
  }
  const givenName = p ? text(person.givenName, 'person.givenName', 'Enter the given name', LIMITS.name) : null;
  const familyName = p ? text(person.familyName, 'person.familyName', 'Enter the family name', LIMITS.name) : null;

  let birthDate: string | null = null;
  let age: number | null = null;
  if (p) {
    const raw = person.birthDate;
    if (raw === undefined || raw === null || raw === '') {
      fail('person.birthDate', 'Enter the date of birth');
    } else if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw.trim())) {
      fail('person.birthDate', 'Enter the date of birth as YYYY-MM-DD, like 1984-03-27');
    } else if (!parseDate(raw.trim())) {
      fail('person.birthDate', 'Date of birth must be a real date');
    } else if (raw.trim() > today) {
      fail('person.birthDate', 'Date of birth must be today or in the past');
    } else if (ageOn(raw.trim(), today) > MAX_AGE) {
      fail('person.birthDate', `Check the date of birth: it makes the person older than ${MAX_AGE}`);
    } else {
      birthDate = raw.trim();
      age = ageOn(birthDate, today);
    }
  }

  let postcode: string | null = null;
  let borough: string | undefined;
  if (p) {
    const raw = person.postcode;
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
      fail('person.postcode', 'Enter the postcode');
    } else if (options.boroughLookup) {
      const r = resolveBorough(raw, options.boroughLookup, options.areaBoroughs);
      if (r.ok) {
        postcode = r.postcode.postcode;
        borough = r.borough;
      } else {
        fail('person.postcode', r.message);
      }
    } else {
      postcode = normalisePostcode(raw);
      if (postcode === null) fail('person.postcode', POSTCODE_FORMAT_MESSAGE);
    }
  }

  let gpPractice: string | null = null;
  if (p && person.gpPractice !== undefined && person.gpPractice !== null && person.gpPractice !== '') {
    const code = typeof person.gpPractice === 'string' ? person.gpPractice.replace(/\s+/g, '').toUpperCase() : '';
    if (GP_PRACTICE.test(code)) gpPractice = code;
    else fail('person.gpPractice', 'Enter the GP practice code: a letter and 5 numbers, like F83004');
  }

  // The referral
  let component: string | null = null;
  let componentDoc: Component | undefined;
  const rawComponent = body.component;
  if (typeof rawComponent !== 'string' || rawComponent.trim() === '') {
    fail('component', 'Choose the service the referral is for');
  } else {
    component = rawComponent.trim();
    if (options.offer) {
      const components = Array.isArray(options.offer)
        ? (options.offer as readonly Component[])
        : (options.offer as Pick<OfferDocument, 'components'>).components;
      componentDoc = components.find((c) => c.code === component);
      if (!componentDoc) {
        fail('component', `Choose a service in the core offer: "${component}" is not one`);
        component = null;
      }
    }
  }

  let urgency: string | null = null;
  const rawUrgency = body.urgency;
  if (typeof rawUrgency !== 'string' || rawUrgency.trim() === '') {
    fail('urgency', 'Choose how urgent the referral is');
  } else if (!URGENCY_CODE.test(rawUrgency.trim())) {
    fail('urgency', 'Choose an urgency such as "urgent" or "routine"');
  } else {
    urgency = rawUrgency.trim();
    if (componentDoc) {
      const levels = [...new Set(componentDoc.provisions.flatMap((pr) => pr.responseStandards.map((s) => s.urgency)))];
      if (!levels.includes(urgency)) {
        fail(
          'urgency',
          `Choose an urgency that ${componentDoc.name} offers: ${levels.map((l) => `"${l}"`).join(' or ')}`,
        );
        urgency = null;
      }
    }
  }

  const reason = reasonText(body.reason, 'reason', 'Enter the reason for the referral', LIMITS.reason, true);

  let source: ReferralSource | null = null;
  if ((REFERRAL_SOURCES as readonly unknown[]).includes(body.source)) source = body.source as ReferralSource;
  else fail('source', 'Say whether this is a professional referral ("professional") or a self-referral ("self")');

  // Communication
  const c: Obj = isObject(body.communication) ? body.communication : {};
  if (body.communication !== undefined && body.communication !== null && !isObject(body.communication)) {
    fail('communication', 'Send communication needs as an object');
  }
  const flag = (key: 'interpreter' | 'bsl', words: string): boolean => {
    const v = c[key];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') {
      fail(`communication.${key}`, `Say whether ${words} with true or false`);
      return false;
    }
    return v;
  };
  const interpreter = flag('interpreter', 'the person needs an interpreter');
  const bsl = flag('bsl', 'the person needs a British Sign Language interpreter');
  const language = text(c.language, 'communication.language', 'Enter the language', LIMITS.language, false);
  if (interpreter && language === null && !errors.some((e) => e.path === 'communication.language')) {
    fail('communication.language', 'Enter the language the person needs an interpreter for');
  }
  const needs = reasonText(c.needs, 'communication.needs', 'Describe the communication needs', LIMITS.needs, false);
  let preferredContact: PreferredContact | null = null;
  if ((PREFERRED_CONTACTS as readonly unknown[]).includes(c.preferredContact))
    preferredContact = c.preferredContact as PreferredContact;
  else
    fail(
      'communication.preferredContact',
      'Choose how the person prefers to be contacted: phone, email, letter or text',
    );

  // Letters need an address; a child's self-referral needs a parent or carer (issue 19).
  const a: Obj = isObject(c.address) ? c.address : {};
  const anyAddress = ['line1', 'line2', 'town'].some((k) => typeof a[k] === 'string' && (a[k] as string).trim());
  let address: PostalAddress | null = null;
  if (preferredContact === 'letter' || anyAddress) {
    const needed = preferredContact === 'letter' && options.resident === true;
    const line1 = text(
      a.line1,
      'communication.address.line1',
      'Enter the first line of the address, like the house number and street',
      200,
      needed || anyAddress,
    );
    const line2 = text(a.line2, 'communication.address.line2', 'Enter the second line of the address', 200, false);
    const town = text(a.town, 'communication.address.town', 'Enter the town or city', 100, needed || anyAddress);
    if (line1 && town && postcode) address = { line1, line2, town, postcode };
  }
  let referredBy: ReferredBy | null = null;
  let carer: CarerDetails | null = null;
  if (body.referredBy !== undefined && body.referredBy !== null && body.referredBy !== '') {
    if ((REFERRED_BY as readonly unknown[]).includes(body.referredBy)) referredBy = body.referredBy as ReferredBy;
    else fail('referredBy', 'Say who is filling in the form: the person who needs help or their parent or carer');
  }
  if (options.resident && source === 'self' && age !== null && age < ADULT_AGE) {
    if (referredBy === null && !errors.some((e) => e.path === 'referredBy'))
      fail('referredBy', 'Say who is filling in this form: the child or young person, or their parent or carer');
    else if (referredBy === 'self' && age < SELF_REFERRAL_OWN_AGE)
      fail(
        'referredBy',
        `A parent or carer needs to fill in this form for a child under ${SELF_REFERRAL_OWN_AGE}. Ask them to help, or ask your GP or school nurse to refer you`,
      );
  }
  const cr: Obj = isObject(body.carer) ? body.carer : {};
  const carerNeeded =
    options.resident === true && age !== null && age < ADULT_AGE && referredBy !== 'self' && source === 'self';
  const anyCarer = ['name', 'relationship', 'phone'].some((k) => typeof cr[k] === 'string' && (cr[k] as string).trim());
  if (carerNeeded || anyCarer || referredBy === 'parent-or-carer') {
    const need = carerNeeded || anyCarer || referredBy === 'parent-or-carer';
    const name = text(cr.name, 'carer.name', "Enter the parent or carer's full name", LIMITS.name, need);
    const relationship = text(
      cr.relationship,
      'carer.relationship',
      'Enter how the parent or carer is related to the child, like mother or foster carer',
      60,
      need,
    );
    let phone = text(cr.phone, 'carer.phone', "Enter the parent or carer's phone number", 30, need);
    if (phone !== null && (!CARER_PHONE.test(phone) || phone.replace(/\D/g, '').length < 10)) {
      fail('carer.phone', "Enter the parent or carer's phone number, like 020 7946 0000 or 07700 900 982");
      phone = null;
    }
    if (name && relationship && phone) carer = { name, relationship, phone };
  }

  if (errors.length > 0) return { ok: false, errors };
  const value: ReferralInput = {
    person: {
      nhsNumber: nhsNumber!,
      givenName: givenName!,
      familyName: familyName!,
      birthDate: birthDate!,
      postcode: postcode!,
      gpPractice,
    },
    component: component!,
    urgency: urgency!,
    reason: reason!,
    source: source!,
    communication: {
      language,
      interpreter,
      bsl,
      needs,
      preferredContact: preferredContact!,
      ...(address ? { address } : {}),
      ...(referredBy ? { referredBy } : {}),
      ...(carer ? { carer } : {}),
    },
    age: age!,
  };
  if (borough !== undefined) value.borough = borough;
  return { ok: true, value };
}
