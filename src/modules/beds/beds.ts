// Pure rules of the NCL mental health bed board: the words for ward types, sexes and bed states; which bed
// suits which request (type, sex rules, state) and in what order the board proposes them; out-of-area
// placement (OAP) days and cost split by calendar month; straight-line distance between postcode districts.
// No database, no clock: callers pass `today` and the rows.
import { addDays, parseDate } from '../../platform/london-time.ts';

export const WARD_TYPES = ['adult-acute', 'picu', 'older-adult', 'cyp', 'eating-disorder', 'rehabilitation'] as const;
export type WardType = (typeof WARD_TYPES)[number];
export const WARD_TYPE_LABELS: Record<WardType, string> = {
  'adult-acute': 'Adult acute',
  picu: 'Psychiatric intensive care (PICU)',
  'older-adult': 'Older adult',
  cyp: "Children and young people's inpatient",
  'eating-disorder': 'Eating disorder',
  rehabilitation: 'Rehabilitation',
};

/** The accommodation a ward offers: single-sex, or mixed with single-sex bays and single en-suite rooms. */
export const WARD_SEXES = ['male', 'female', 'mixed'] as const;
export type WardSex = (typeof WARD_SEXES)[number];
export const WARD_SEX_LABELS: Record<WardSex, string> = {
  male: 'Male',
  female: 'Female',
  mixed: 'Mixed (single-sex bays and single rooms)',
};

/** Where a bed on a mixed ward is: a single-sex bay, or a single en-suite room anyone may use. */
export const BAYS = ['male', 'female', 'single-room'] as const;
export type Bay = (typeof BAYS)[number];
export const BAY_LABELS: Record<Bay, string> = {
  male: 'male bay',
  female: 'female bay',
  'single-room': 'single en-suite room',
};

/** The sex of the accommodation a person needs (the request says which). */
export const NEEDED_SEXES = ['male', 'female'] as const;
export type NeededSex = (typeof NEEDED_SEXES)[number];

export const BED_STATES = ['available', 'reserved', 'occupied', 'leave', 'closed'] as const;
export type BedState = (typeof BED_STATES)[number];
/** Words for each state: the board never relies on colour alone. */
export const BED_STATE_LABELS: Record<BedState, string> = {
  available: 'Available',
  reserved: 'Reserved (allocated, awaiting admission)',
  occupied: 'Occupied',
  leave: 'Patient on leave (bed kept)',
  closed: 'Closed',
};
export const BED_STATE_SHORT: Record<BedState, string> = {
  available: 'Free',
  reserved: 'Reserved',
  occupied: 'Occupied',
  leave: 'On leave',
  closed: 'Closed',
};
/** nhsuk-frontend tag colours, always beside the words. */
export const BED_STATE_TAGS: Record<BedState, string> = {
  available: 'nhsuk-tag--green',
  reserved: 'nhsuk-tag--yellow',
  occupied: 'nhsuk-tag--grey',
  leave: 'nhsuk-tag--blue',
  closed: 'nhsuk-tag--red',
};

export const CLOSURE_REASONS = ['staffing', 'estates', 'infection-control', 'refurbishment', 'safety'] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];
export const CLOSURE_REASON_LABELS: Record<ClosureReason, string> = {
  staffing: 'Not enough staff',
  estates: 'Repair or estates work',
  'infection-control': 'Infection control',
  refurbishment: 'Refurbishment',
  safety: 'Safety (ligature or environmental risk)',
};

export const URGENCIES = ['emergency', 'urgent', 'routine'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const URGENCY_LABELS: Record<Urgency, string> = {
  emergency: 'Emergency (today)',
  urgent: 'Urgent (within 24 hours)',
  routine: 'Routine (planned admission)',
};

export const REQUEST_SOURCES = ['crisis-team', 'liaison', 'spa', 'community-team'] as const;
export type RequestSource = (typeof REQUEST_SOURCES)[number];
export const REQUEST_SOURCE_LABELS: Record<RequestSource, string> = {
  'crisis-team': 'Crisis resolution and home treatment team',
  liaison: 'Psychiatric liaison team (emergency department)',
  spa: 'Central point of access',
  'community-team': 'Community mental health team',
};

export const NCL_BOROUGHS = ['Barnet', 'Camden', 'Enfield', 'Haringey', 'Islington'] as const;
export type Borough = (typeof NCL_BOROUGHS)[number];

/** Discharge destinations (our own short list, plain words). */
export const DISCHARGE_DESTINATIONS = [
  'home',
  'supported-housing',
  'care-home',
  'other-hospital',
  'prison-or-police',
  'no-fixed-abode',
  'died',
  'other',
] as const;
export type DischargeDestination = (typeof DISCHARGE_DESTINATIONS)[number];
export const DISCHARGE_DESTINATION_LABELS: Record<DischargeDestination, string> = {
  home: 'Usual home',
  'supported-housing': 'Supported housing',
  'care-home': 'Care home or nursing home',
  'other-hospital': 'Another hospital',
  'prison-or-police': 'Prison or police custody',
  'no-fixed-abode': 'No fixed abode',
  died: 'Died',
  other: 'Other',
};

/**
 * Why a person ready to leave is still in a bed. Our own list (not the national delayed discharge codes),
 * grouped as national reporting groups them: waiting for housing, for a care package, for a placement, for
 * a funding decision, for another NHS service, or the person's or family's choice.
 */
export const DELAY_REASONS = [
  'housing',
  'care-package',
  'residential-placement',
  'funding',
  'nhs-service',
  'patient-family-choice',
  'legal',
  'other',
] as const;
export type DelayReason = (typeof DELAY_REASONS)[number];
export const DELAY_REASON_LABELS: Record<DelayReason, string> = {
  housing: 'Waiting for housing',
  'care-package': 'Waiting for a home care or support package',
  'residential-placement': 'Waiting for a residential or nursing placement',
  funding: 'Waiting for a funding decision',
  'nhs-service': 'Waiting for another NHS service (community team, step-down)',
  'patient-family-choice': "Person's or family's choice",
  legal: 'Legal or Mental Health Act process',
  other: 'Other',
};

/**
 * Why a person was placed out of area. Codes 10–14 and 99 are the NHS Data Dictionary's REFERRED OUT OF AREA
 * REASON (ADULT ACUTE MENTAL HEALTH); 'specialist' is our own (a need no NCL ward meets) and exports as 99.
 * A placement because no local bed was available is, by the national definition, inappropriate.
 */
export const OAP_REASONS = ['10', '11', '12', '13', '14', 'specialist', '99'] as const;
export type OapReason = (typeof OAP_REASONS)[number];
export const OAP_REASON_LABELS: Record<OapReason, string> = {
  '10': 'No bed available in NCL',
  '11': 'Safeguarding',
  '12': 'Offending restrictions',
  '13': 'Staff member, or family or friend, of the local service',
  '14': "Person's choice",
  specialist: 'Specialist need no NCL ward meets',
  '99': 'Not known',
};
export function oapReasonCode(reason: OapReason): string {
  return reason === 'specialist' ? '99' : reason;
}
/** The national reading: a placement for want of a local bed is inappropriate; others usually are not. */
export function defaultAppropriate(reason: OapReason): boolean {
  return reason !== '10';
}

// ---------------------------------------------------------------------------------------------------------
// Suitability and sex rules

export type WardFacts = { id: string; trustCode: string; borough: string; type: WardType; sex: WardSex; name: string };
export type BedFacts = { id: string; wardId: string; label: string; bay: Bay | null; state: BedState };
/** `age`: the person's age in whole years today, when known (checked against the ward's age range). */
export type Need = { type: WardType; sex: NeededSex; homeBorough: string | null; age?: number | null };

/** Whole years from a date of birth ("YYYY-MM-DD") to `today`. */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.slice(0, 10).split('-').map(Number);
  const [ty, tm, td] = today.slice(0, 10).split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/**
 * Age rules: a children and young people's bed is for someone under 18; every other ward type (adult
 * acute, PICU, older adult, eating disorder, rehabilitation) is an adult ward, for 18 and over. Null when
 * the age fits (or is not known), else why not.
 */
export function ageProblem(type: WardType, age: number | null | undefined): string | null {
  if (age === null || age === undefined) return null;
  if (type === 'cyp')
    return age < 18 ? null : `A children and young people's bed is for someone under 18; this person is ${age}`;
  return age >= 18 ? null : `This is an adult ward; this person is ${age}: ask for a children and young people's bed`;
}

/** Whether the accommodation fits the sex the person needs: null when it does, else why not. */
export function sexProblem(ward: Pick<WardFacts, 'sex'>, bed: Pick<BedFacts, 'bay'>, need: NeededSex): string | null {
  if (ward.sex !== 'mixed') {
    return ward.sex === need ? null : `This is a ${ward.sex} ward; the person needs ${need} accommodation`;
  }
  if (bed.bay === null) return 'This bed on a mixed ward has no single-sex bay or single room recorded';
  if (bed.bay === 'single-room' || bed.bay === need) return null;
  return `This bed is in the ${BAY_LABELS[bed.bay]} of a mixed ward; the person needs ${need} accommodation`;
}

export function stateProblem(bed: Pick<BedFacts, 'state'>, closedReason?: string | null): string | null {
  switch (bed.state) {
    case 'available':
      return null;
    case 'occupied':
      return 'This bed is occupied';
    case 'reserved':
      return 'This bed is already allocated to someone else';
    case 'leave':
      return 'This bed is kept for a patient on leave';
    case 'closed':
      return `This bed is closed${closedReason ? ` (${closedReason})` : ''}`;
  }
}

/** Every reason this bed cannot be given for this need (empty: it can). */
export function unsuitability(ward: WardFacts, bed: BedFacts, need: Need, closedReason?: string | null): string[] {
  const out: string[] = [];
  const state = stateProblem(bed, closedReason);
  if (state) out.push(state);
  if (ward.type !== need.type) {
    out.push(
      `This is a ${WARD_TYPE_LABELS[ward.type].toLowerCase()} bed; the request needs ${WARD_TYPE_LABELS[need.type].toLowerCase()}`,
    );
  }
  const sex = sexProblem(ward, bed, need.sex);
  if (sex) out.push(sex);
  const age = ageProblem(ward.type, need.age);
  if (age) out.push(age);
  return out;
}

export type Tier = 'same-borough' | 'ncl';
export const TIER_LABELS: Record<Tier | 'out-of-area', string> = {
  'same-borough': 'In the home borough',
  ncl: 'Elsewhere in NCL',
  'out-of-area': 'Out of area',
};
export type Proposal<W extends WardFacts = WardFacts, B extends BedFacts = BedFacts> = {
  bed: B;
  ward: W;
  tier: Tier;
  distanceKm: number | null;
};

/**
 * The suitable beds in the order the board proposes them: the home borough first, then elsewhere in NCL,
 * each nearest the person's home district first (when known), then by ward and bed. An empty list means
 * the only option is out of area.
 */
export function proposeBeds<W extends WardFacts, B extends BedFacts>(
  wards: readonly W[],
  beds: readonly B[],
  need: Need,
  distanceFromHome: (ward: W) => number | null = () => null,
): Proposal<W, B>[] {
  const byId = new Map(wards.map((w) => [w.id, w]));
  const out: Proposal<W, B>[] = [];
  for (const bed of beds) {
    const ward = byId.get(bed.wardId);
    if (!ward || unsuitability(ward, bed, need).length) continue;
    out.push({
      bed,
      ward,
      tier: need.homeBorough && ward.borough === need.homeBorough ? 'same-borough' : 'ncl',
      distanceKm: distanceFromHome(ward),
    });
  }
  const rank = (t: Tier) => (t === 'same-borough' ? 0 : 1);
  return out.sort(
    (a, b) =>
      rank(a.tier) - rank(b.tier) ||
      (a.distanceKm ?? Number.POSITIVE_INFINITY) - (b.distanceKm ?? Number.POSITIVE_INFINITY) ||
      a.ward.name.localeCompare(b.ward.name) ||
      a.bed.label.localeCompare(b.bed.label, 'en', { numeric: true }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Bed state transitions (the service applies them with a conditional update, so a race has one winner)

export type BedEvent =
  | 'allocate'
  | 'cancel-allocation'
  | 'admit'
  | 'start-leave'
  | 'end-leave'
  | 'discharge'
  | 'close'
  | 'open';
const TRANSITIONS: Record<BedEvent, { from: readonly BedState[]; to: BedState }> = {
  allocate: { from: ['available'], to: 'reserved' },
  'cancel-allocation': { from: ['reserved'], to: 'available' },
  admit: { from: ['reserved'], to: 'occupied' },
  'start-leave': { from: ['occupied'], to: 'leave' },
  'end-leave': { from: ['leave'], to: 'occupied' },
  discharge: { from: ['occupied', 'leave'], to: 'available' },
  close: { from: ['available'], to: 'closed' },
  open: { from: ['closed'], to: 'available' },
};
export function transition(event: BedEvent): { from: readonly BedState[]; to: BedState } {
  return TRANSITIONS[event];
}
export function nextState(state: BedState, event: BedEvent): BedState | null {
  const t = TRANSITIONS[event];
  return t.from.includes(state) ? t.to : null;
}

/** One recorded change of a bed's state (fromState null: not known, the row made when changes began to be kept). */
export type BedChange = { bedId: string; fromState: BedState | null; toState: BedState; at: string };

/**
 * A bed's state at instant `t` (ms), from its recorded changes (oldest first) and its state now: the state
 * the last change at or before `t` left; before the first change, the state that change moved from (or, not
 * known, the one it set); with no changes, its state now.
 */
export function stateAt(changes: readonly BedChange[], current: BedState, t: number): BedState {
  let last: BedChange | undefined;
  for (const c of changes) {
    if (Date.parse(c.at) <= t) last = c;
    else break;
  }
  if (last) return last.toState;
  const first = changes[0];
  return first ? (first.fromState ?? first.toState) : current;
}

/**
 * Beds open (not closed) at each instant, for the beds given: what occupancy that day is out of. A bed
 * closed for a week counts in no day of that week.
 */
export function openBedsAt(
  beds: readonly { id: string; state: BedState }[],
  changes: readonly BedChange[],
  instants: readonly number[],
): number[] {
  const byBed = new Map<string, BedChange[]>();
  for (const c of [...changes].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    byBed.set(c.bedId, [...(byBed.get(c.bedId) ?? []), c]);
  }
  return instants.map((t) => beds.filter((b) => stateAt(byBed.get(b.id) ?? [], b.state, t) !== 'closed').length);
}

// ---------------------------------------------------------------------------------------------------------
// Days: OAP days, delayed days, waits

const DAY = 86_400_000;
function dayNo(date: string): number {
  const d = parseDate(date);
  if (!d) throw new TypeError(`Not a calendar date: ${date}`);
  return Date.UTC(d.year, d.month - 1, d.day) / DAY;
}

/** Whole days from one date to another (negative when `to` is before `from`). */
export function daysBetween(from: string, to: string): number {
  return dayNo(to) - dayNo(from);
}

/**
 * OAP days, counted as bed days are: each night away, so a placement from the 3rd to the 5th is 2 days.
 * An active placement (no end) counts up to `today` (not including it).
 */
export function oapDays(p: { startDate: string; endDate: string | null }, today: string): number {
  const end = p.endDate ?? today;
  return Math.max(0, daysBetween(p.startDate, end));
}

/** The same days split by calendar month ("YYYY-MM" → days); the months add up to oapDays. */
export function oapDaysByMonth(p: { startDate: string; endDate: string | null }, today: string): Map<string, number> {
  const out = new Map<string, number>();
  const total = oapDays(p, today);
  let date = p.startDate;
  let left = total;
  while (left > 0) {
    const month = date.slice(0, 7);
    const [y, m] = month.split('-').map(Number);
    const nextMonth = `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01`;
    const take = Math.min(left, daysBetween(date, nextMonth));
    out.set(month, (out.get(month) ?? 0) + take);
    left -= take;
    date = nextMonth;
  }
  return out;
}

/** Days a person ready for discharge has waited (0 before they were ready). */
export function delayedDays(readySince: string | null, today: string, dischargedOn: string | null = null): number {
  if (!readySince) return 0;
  return Math.max(0, daysBetween(readySince, dischargedOn ?? today));
}

/** "2 hours 5 minutes", "3 days 4 hours": how long a request has waited. */
export function waitText(minutes: number): string {
  const m = Math.max(0, Math.floor(minutes));
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const mins = m % 60;
  const part = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (days) return hours ? `${part(days, 'day')} ${part(hours, 'hour')}` : part(days, 'day');
  if (hours) return mins ? `${part(hours, 'hour')} ${part(mins, 'minute')}` : part(hours, 'hour');
  return part(mins, 'minute');
}

export { addDays };

// ---------------------------------------------------------------------------------------------------------
// Distance between postcode districts

export type Place = { district: string; lat: number; lon: number };

/** Great-circle distance in kilometres, rounded to one decimal place. */
export function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return Math.round(2 * 6371 * Math.asin(Math.sqrt(h)) * 10) / 10;
}

/**
 * Approximate centres of postcode districts outside NCL where people are commonly placed out of area (for
 * the distance from home). Illustrative: rounded from general knowledge of England, not from a public
 * source; a deployment geocodes full postcodes with the ONS Postcode Directory instead.
 */
export const OUT_OF_AREA_DISTRICTS: readonly (Place & { place: string })[] = [
  { district: 'E1', place: 'Whitechapel, London', lat: 51.517, lon: -0.062 },
  { district: 'SE5', place: 'Camberwell, London', lat: 51.474, lon: -0.093 },
  { district: 'HA1', place: 'Harrow', lat: 51.58, lon: -0.337 },
  { district: 'WD6', place: 'Borehamwood, Hertfordshire', lat: 51.657, lon: -0.272 },
  { district: 'AL1', place: 'St Albans, Hertfordshire', lat: 51.75, lon: -0.336 },
  { district: 'CM20', place: 'Harlow, Essex', lat: 51.77, lon: 0.097 },
  { district: 'ME1', place: 'Rochester, Kent', lat: 51.38, lon: 0.5 },
  { district: 'RG1', place: 'Reading, Berkshire', lat: 51.455, lon: -0.97 },
  { district: 'MK9', place: 'Milton Keynes', lat: 52.04, lon: -0.76 },
  { district: 'NN1', place: 'Northampton', lat: 52.24, lon: -0.89 },
  { district: 'B15', place: 'Edgbaston, Birmingham', lat: 52.46, lon: -1.93 },
  { district: 'M20', place: 'Didsbury, Manchester', lat: 53.41, lon: -2.23 },
  { district: 'LS1', place: 'Leeds', lat: 53.797, lon: -1.547 },
  { district: 'BS1', place: 'Bristol', lat: 51.454, lon: -2.593 },
];
