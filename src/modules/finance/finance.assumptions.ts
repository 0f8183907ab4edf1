// The assumptions a finance scenario runs on. Each is a row with a most likely value, a low and a high
// (equal when the figure is not uncertain), a unit, and either a source or the word illustrative. The
// defaults below are the NCL demonstration's; a scenario stores its own copy and records who changed what.
//
// Unit costs per whole-time equivalent are the PSSRU cost per working hour (which already includes salary,
// on-costs, management, estates, non-staff and capital overheads) × 1,545 working hours a year, both from
// Unit Costs of Health and Social Care 2024 (data/reference/ncl-facts.md §7a).
import { type FieldError, ValidationError } from '../../platform/errors.ts';
import { AFC_BANDS, type AfcBandCode } from '../baseline/index.ts';

export interface AssumptionDefinition {
  key: string;
  label: string;
  value: number;
  low: number;
  high: number;
  unit: string;
  /** Where the figure comes from; null when illustrative. */
  source: string | null;
  illustrative: boolean;
  /** The most a value may be (shares are at most 1). */
  max?: number;
  min?: number;
  integer?: boolean;
  group: AssumptionGroup;
}

export type AssumptionGroup = 'capacity' | 'costs' | 'workforce' | 'savings' | 'funding' | 'plan';
export const ASSUMPTION_GROUPS: { code: AssumptionGroup; name: string }[] = [
  { code: 'plan', name: 'Plan' },
  { code: 'capacity', name: 'Capacity to add' },
  { code: 'costs', name: 'Costs' },
  { code: 'workforce', name: 'Recruitment' },
  { code: 'savings', name: 'Savings' },
  { code: 'funding', name: 'Funding levers' },
];

/** A stored assumption: the definition's fields plus who changed it last. */
export interface Assumption {
  key: string;
  value: number;
  low: number;
  high: number;
  unit: string;
  source: string | null;
  illustrative: boolean;
  changedBy: string | null;
  changedAt: string | null;
}

const HOURS = 1545;
const PSSRU = 'PSSRU Unit Costs of Health and Social Care 2024, cost per working hour × 1,545 hours (via NICE COSTmos)';
const NCC = 'NHS England National Cost Collection 2024/25 national schedule (via NICE COSTmos)';
const PQ = 'House of Commons written answer 165361 (2023), National Cost Collection 2020/21';
const NCL_CASE = 'NHS England case study: NCL community services core offer (2024)';

const d = (
  group: AssumptionGroup,
  key: string,
  label: string,
  unit: string,
  value: number,
  low: number,
  high: number,
  source: string | null,
  extra: Partial<AssumptionDefinition> = {},
): AssumptionDefinition => ({
  key,
  label,
  unit,
  value,
  low,
  high,
  source,
  illustrative: source === null,
  group,
  ...extra,
});
const share = { min: 0, max: 1 };

/** Components with evidence of avoided admissions: admissions avoided a year per added WTE. */
// [band, name, most likely, low, high] in £ per working hour. PSSRU does not cost bands 2 and 3: illustrative.
const BAND_COSTS: [AfcBandCode, string, number, number, number][] = [
  ['band-2', 'bands 1 and 2', 32, 29, 36],
  ['band-3', 'band 3', 36, 33, 41],
  ['band-4', 'band 4', 45, 39, 47],
  ['band-5', 'band 5', 53, 44, 57],
  ['band-6', 'band 6', 64, 57, 68],
  ['band-7', 'band 7', 75, 68, 80],
  ['band-8a-plus', 'band 8a and above', 83, 77, 90],
];

/** Each band's cost per WTE a year under the given assumption values. */
export function bandCosts(a: Values): Record<AfcBandCode, number> {
  return Object.fromEntries(AFC_BANDS.map((b) => [b.code, a[`cost.band.${b.code}`]])) as Record<AfcBandCode, number>;
}

export const ADMISSION_EFFECTS: Record<string, [number, number, number]> = {
  'urgent-community-response': [40, 20, 60],
  'care-home-in-reach': [20, 10, 30],
  'community-rehabilitation-and-intermediate-care': [12, 6, 18],
  'proactive-frailty-care': [8, 4, 12],
  'childrens-hospital-at-home': [30, 15, 45],
};
/** Mental health components: out-of-area placement days avoided a year per added WTE. */
export const PLACEMENT_EFFECTS: Record<string, [number, number, number]> = {
  'crisis-resolution-and-home-treatment': [90, 45, 135],
  'crisis-houses-and-cafes': [60, 30, 90],
};
export const PLAN_YEARS_MAX = 5;

export const ASSUMPTIONS: readonly AssumptionDefinition[] = [
  d('plan', 'plan.horizonYears', 'Years in the plan', 'years', 5, 5, 5, null, { min: 3, max: 10, integer: true }),
  d(
    'plan',
    'objective.partlyWeight',
    'Benefit of closing a partial gap, against a missing service',
    'share',
    0.5,
    0.5,
    0.5,
    null,
    share,
  ),
  d(
    'plan',
    'objective.bedDayWeight',
    'Benefit of 1,000 bed days saved, in need-weighted residents (thousands)',
    'thousand residents per 1,000 bed days',
    40,
    40,
    40,
    null,
    { min: 0 },
  ),

  d(
    'capacity',
    'capacity.targetQuantile',
    'Best in class: the boroughs’ staffing per need-weighted head at this quantile',
    'quantile',
    0.75,
    0.6,
    0.9,
    null,
    share,
  ),
  d(
    'capacity',
    'capacity.minWtePer100k',
    'Staffing where no borough reports staff',
    'WTE per 100,000 residents served',
    3,
    2,
    5,
    null,
    { min: 0 },
  ),
  d(
    'capacity',
    'uplift.hours',
    'Extra staff to extend weekday hours, per age group with the gap',
    'share of current staff',
    0.15,
    0.1,
    0.25,
    null,
    share,
  ),
  d(
    'capacity',
    'uplift.outOfHours',
    'Extra staff to add nights or weekends, per age group with the gap',
    'share of current staff',
    0.25,
    0.15,
    0.35,
    null,
    share,
  ),
  d(
    'capacity',
    'uplift.responseTime',
    'Extra staff to meet the response standard, per age group with the gap',
    'share of current staff',
    0.15,
    0.05,
    0.25,
    null,
    share,
  ),
  d(
    'capacity',
    'uplift.other',
    'Extra staff for access route, age or setting gaps, per age group',
    'share of current staff',
    0.05,
    0.02,
    0.1,
    null,
    share,
  ),

  d(
    'costs',
    'cost.wte.nursing',
    'Nurse, Agenda for Change band 6 (incl. qualifications)',
    '£ per WTE a year',
    64 * HOURS,
    57 * HOURS,
    75 * HOURS,
    `${PSSRU}: band 6 £64/h (low 2023 band 6 £57/h excl. qualifications, high band 7 £75/h)`,
    { min: 0 },
  ),
  d(
    'costs',
    'cost.wte.allied-health',
    'Allied health professional, band 6',
    '£ per WTE a year',
    57 * HOURS,
    44 * HOURS,
    68 * HOURS,
    `${PSSRU}: community AHP band 6 £57/h (low band 5 £44/h, high band 7 £68/h)`,
    { min: 0 },
  ),
  d(
    'costs',
    'cost.wte.psychology',
    'Psychologist or therapist, band 7 (AHP band 7 as proxy)',
    '£ per WTE a year',
    68 * HOURS,
    57 * HOURS,
    77 * HOURS,
    `${PSSRU}: community AHP band 7 £68/h as a proxy (low band 6 £57/h, high band 8a £77/h)`,
    { min: 0 },
  ),
  d(
    'costs',
    'cost.wte.support',
    'Support worker, band 4',
    '£ per WTE a year',
    39 * HOURS,
    38 * HOURS,
    41 * HOURS,
    `${PSSRU}: nurse band 4 £39/h excl. qualifications (low 2023 £38/h, high 2025 £41/h)`,
    { min: 0 },
  ),
  d(
    'costs',
    'cost.wte.other',
    'Other staff, band 5 (AHP band 5 as proxy)',
    '£ per WTE a year',
    44 * HOURS,
    41 * HOURS,
    47 * HOURS,
    `${PSSRU}: community AHP band 5 £44/h (low 2023 £41/h, high 2025 £47/h)`,
    { min: 0 },
  ),
  // Agenda for Change bands: where the baseline gives a service's staff by band, its new staff (doctors
  // excepted) are costed at the band mix rather than at the staff group's one band.
  ...BAND_COSTS.map(([band, name, value, low, high]) =>
    d(
      'costs',
      `cost.band.${band}`,
      `Agenda for Change ${name}, where the baseline gives staff by band`,
      '£ per WTE a year',
      value * HOURS,
      low * HOURS,
      high * HOURS,
      band === 'band-2' || band === 'band-3'
        ? null
        : `${PSSRU}: ${name} nurse £${value}/h incl. qualifications (low community AHP £${low}/h, high 2025 nurse £${high}/h)`,
      { min: 0 },
    ),
  ),
  d(
    'costs',
    'cost.wte.medical',
    'Doctor (consultant or specialty doctor)',
    '£ per WTE a year',
    160000,
    130000,
    190000,
    null,
    { min: 0 },
  ),
  d(
    'costs',
    'cost.nonPayExtra',
    'Service non-pay beyond the unit cost’s overheads (vehicles, equipment, digital)',
    'share of pay cost',
    0.05,
    0.02,
    0.1,
    null,
    { min: 0, max: 2 },
  ),
  d(
    'costs',
    'setup.perWte',
    'One-off set-up per new WTE (recruitment, induction, kit)',
    '£ per WTE',
    6000,
    3000,
    10000,
    null,
    { min: 0 },
  ),
  d(
    'costs',
    'setup.newService',
    'One-off set-up for a service a borough does not offer at all',
    '£ per service',
    75000,
    40000,
    120000,
    null,
    { min: 0 },
  ),

  d(
    'workforce',
    'recruit.leadMonths',
    'Recruitment lead time before a new service starts to work',
    'months',
    6,
    3,
    9,
    null,
    { min: 0, max: 24 },
  ),
  d(
    'workforce',
    'recruit.nursing',
    'Nurses who can be recruited a year across the system',
    'WTE a year',
    90,
    90,
    90,
    null,
    { min: 0 },
  ),
  d(
    'workforce',
    'recruit.allied-health',
    'Allied health professionals who can be recruited a year',
    'WTE a year',
    45,
    45,
    45,
    null,
    { min: 0 },
  ),
  d(
    'workforce',
    'recruit.psychology',
    'Psychologists and therapists who can be recruited a year',
    'WTE a year',
    35,
    35,
    35,
    null,
    { min: 0 },
  ),
  d('workforce', 'recruit.support', 'Support workers who can be recruited a year', 'WTE a year', 60, 60, 60, null, {
    min: 0,
  }),
  d('workforce', 'recruit.other', 'Other staff who can be recruited a year', 'WTE a year', 30, 30, 30, null, {
    min: 0,
  }),
  d('workforce', 'recruit.medical', 'Doctors who can be recruited a year', 'WTE a year', 8, 8, 8, null, { min: 0 }),

  d(
    'savings',
    'unit.nonElective',
    'Non-elective inpatient stay, average per episode',
    '£ per admission',
    2711,
    826,
    5419,
    `${NCC}: £2,711 (low short stay £826, high long stay £5,419)`,
    { min: 0 },
  ),
  d(
    'savings',
    'unit.mhBedDay',
    'Mental health acute adult bed day (out-of-area placement)',
    '£ per bed day',
    719,
    600,
    900,
    `${NCC}: acute adult mental health £719 (the unit is believed to be a bed day; check)`,
    { min: 0 },
  ),
  d(
    'savings',
    'unit.bedDay',
    'Standard hospital bed, cost per day (for reference)',
    '£ per bed day',
    345,
    345,
    345,
    PQ,
    { min: 0 },
  ),
  d('savings', 'savings.losDays', 'Occupied bed days per avoided non-elective admission', 'days', 7, 5, 9, null, {
    min: 0,
  }),
  d(
    'savings',
    'savings.rampYears',
    'Years for savings to reach full effect after the lead time',
    'years',
    1,
    0.5,
    2,
    null,
    { min: 0, max: 5 },
  ),
  d('savings', 'savings.cashableShare', 'Share of savings that is cashable', 'share', 0.3, 0.15, 0.5, null, share),
  d(
    'capacity',
    'virtualWard.bedsPer100k',
    'Virtual ward beds per 100,000 residents (the national ambition)',
    'beds per 100,000',
    40,
    40,
    50,
    'NHS England virtual wards: ambition of 40 to 50 virtual ward beds per 100,000 population',
    { min: 0 },
  ),
  d('capacity', 'virtualWard.wtePerBed', 'Staff per virtual ward bed', 'WTE per bed', 0.3, 0.2, 0.45, null, {
    min: 0.01,
  }),
  d(
    'savings',
    'virtualWard.occupancy',
    'Virtual ward occupancy, each occupied day avoiding an acute bed day',
    'share',
    0.75,
    0.6,
    0.9,
    null,
    share,
  ),
  d(
    'savings',
    'silverTriage.callsPerWte',
    'Silver triage calls a year per senior clinician WTE',
    'calls per WTE a year',
    900,
    600,
    1200,
    null,
    { min: 0 },
  ),
  d(
    'savings',
    'silverTriage.conveyanceAvoided',
    'Share of silver triage calls that avoid a conveyance',
    'share',
    0.8,
    0.7,
    0.85,
    `${NCL_CASE}: about 80% of calls avoided a trip to hospital`,
    share,
  ),
  d(
    'savings',
    'silverTriage.admittedShare',
    'Share of avoided conveyances that would have been admitted',
    'share',
    0.15,
    0.1,
    0.25,
    null,
    share,
  ),
  ...Object.entries(ADMISSION_EFFECTS).map(([code, [v, lo, hi]]) =>
    d(
      'savings',
      `effect.${code}`,
      `Admissions avoided per added WTE: ${code.replace(/-/g, ' ')}`,
      'admissions per WTE a year',
      v,
      lo,
      hi,
      null,
      { min: 0 },
    ),
  ),
  ...Object.entries(PLACEMENT_EFFECTS).map(([code, [v, lo, hi]]) =>
    d(
      'savings',
      `placement.${code}`,
      `Out-of-area placement days avoided per added WTE: ${code.replace(/-/g, ' ')}`,
      'bed days per WTE a year',
      v,
      lo,
      hi,
      null,
      { min: 0 },
    ),
  ),

  d(
    'funding',
    'funding.growth.y1',
    'Growth monies, year 1',
    '£',
    11e6,
    11e6,
    11e6,
    `${NCL_CASE}: £55m over 5 years (the yearly profile is illustrative)`,
    { min: 0 },
  ),
  d(
    'funding',
    'funding.growth.y2',
    'Growth monies, year 2',
    '£',
    11e6,
    11e6,
    11e6,
    `${NCL_CASE}: £55m over 5 years (the yearly profile is illustrative)`,
    { min: 0 },
  ),
  d(
    'funding',
    'funding.growth.y3',
    'Growth monies, year 3',
    '£',
    11e6,
    11e6,
    11e6,
    `${NCL_CASE}: £55m over 5 years (the yearly profile is illustrative)`,
    { min: 0 },
  ),
  d(
    'funding',
    'funding.growth.y4',
    'Growth monies, year 4',
    '£',
    11e6,
    11e6,
    11e6,
    `${NCL_CASE}: £55m over 5 years (the yearly profile is illustrative)`,
    { min: 0 },
  ),
  d(
    'funding',
    'funding.growth.y5',
    'Growth monies, year 5',
    '£',
    11e6,
    11e6,
    11e6,
    `${NCL_CASE}: £55m over 5 years (the yearly profile is illustrative)`,
    { min: 0 },
  ),
  d(
    'funding',
    'efficiency.bestQuantile',
    'Best in class cost per contact: this quantile of the boroughs',
    'quantile',
    0.25,
    0.25,
    0.25,
    null,
    share,
  ),
  d(
    'funding',
    'efficiency.captureShare',
    'Share of the gap to best-in-class cost per contact released',
    'share',
    0.04,
    0.016,
    0.08,
    null,
    share,
  ),
  d('funding', 'efficiency.rampYears', 'Years to reach the full efficiency release', 'years', 3, 3, 3, null, {
    min: 1,
    max: 5,
  }),
  d(
    'funding',
    'efficiency.extra',
    'Extra efficiency on the baseline community spend, each year',
    'share of baseline spend',
    0,
    0,
    0,
    null,
    share,
  ),
  d(
    'funding',
    'scale.rate',
    'Saving from organising services across boroughs',
    'share of their baseline spend',
    0.0025,
    0.001,
    0.005,
    null,
    share,
  ),
  d(
    'funding',
    'redistribution.capPerYear',
    'Most that can move between boroughs each year, toward need-weighted shares',
    'share of baseline spend',
    0.0005,
    0.0005,
    0.0005,
    null,
    share,
  ),
  d(
    'funding',
    'savings.reinvestShare',
    'Share of last year’s cashable savings reinvested',
    'share',
    0.2,
    0.2,
    0.2,
    null,
    share,
  ),
  d('funding', 'savings.extra', 'Extra savings found from the core offer work, each year', '£ a year', 0, 0, 0, null, {
    min: 0,
  }),
  d(
    'funding',
    'national.virtualWards',
    'National virtual ward allocation to the system, a year',
    '£ a year',
    0,
    0,
    0,
    null,
    { min: 0 },
  ),
  d('funding', 'national.ageingWell', 'Ageing Well allocation to the system, a year', '£ a year', 0, 0, 0, null, {
    min: 0,
  }),
  d(
    'funding',
    'national.mhis',
    'Mental Health Investment Standard growth for the offer, a year',
    '£ a year',
    0,
    0,
    0,
    null,
    { min: 0 },
  ),
  d('funding', 'national.sdf', 'Service Development Funding, a year', '£ a year', 0, 0, 0, null, { min: 0 }),
];

export const ASSUMPTION_KEYS: ReadonlySet<string> = new Set(ASSUMPTIONS.map((a) => a.key));
const BY_KEY = new Map(ASSUMPTIONS.map((a) => [a.key, a]));
export const assumptionDefinition = (key: string) => BY_KEY.get(key);

export function defaultAssumptions(): Assumption[] {
  return ASSUMPTIONS.map((a) => ({
    key: a.key,
    value: a.value,
    low: a.low,
    high: a.high,
    unit: a.unit,
    source: a.source,
    illustrative: a.illustrative,
    changedBy: null,
    changedAt: null,
  }));
}

/** Most likely values by key (the model reads these). */
export type Values = Record<string, number>;
export const valuesOf = (list: readonly Pick<Assumption, 'key' | 'value'>[]): Values =>
  Object.fromEntries(list.map((a) => [a.key, a.value]));

export interface AssumptionChange {
  key: string;
  value?: number;
  low?: number;
  high?: number;
  source?: string | null;
}

/** Applies changes to a list, checking every one; throws a ValidationError naming each bad field. */
export function applyAssumptionChanges(
  current: readonly Assumption[],
  changes: readonly AssumptionChange[],
  who: { name: string; at: string },
): { assumptions: Assumption[]; changed: { key: string; before: Assumption; after: Assumption }[] } {
  const errors: FieldError[] = [];
  const byKey = new Map(current.map((a) => [a.key, { ...a }]));
  const changed: { key: string; before: Assumption; after: Assumption }[] = [];
  const seen = new Set<string>();
  changes.forEach((c, i) => {
    const field = `assumptions[${i}]`;
    const def = BY_KEY.get(c.key);
    const before = byKey.get(c.key);
    if (!def || !before) {
      errors.push({ field: `${field}.key`, message: `There is no assumption called ${c.key}` });
      return;
    }
    if (seen.has(c.key)) {
      errors.push({ field: `${field}.key`, message: `${c.key} is changed twice` });
      return;
    }
    seen.add(c.key);
    const after = { ...before };
    for (const k of ['value', 'low', 'high'] as const) {
      const v = c[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        errors.push({ field: `${field}.${k}`, message: `${c.key}: ${k} must be a number` });
        continue;
      }
      if (def.min !== undefined && v < def.min) {
        errors.push({
          field: `${field}.${k}`,
          message: `${c.key}: ${k} cannot be below ${def.min}${def.min === 0 ? ' (no negative costs or counts)' : ''}`,
        });
      } else if (def.max !== undefined && v > def.max) {
        errors.push({ field: `${field}.${k}`, message: `${c.key}: ${k} cannot be above ${def.max}` });
      } else if (def.integer && !Number.isInteger(v)) {
        errors.push({ field: `${field}.${k}`, message: `${c.key}: ${k} must be a whole number` });
      } else after[k] = v;
    }
    // A new most likely value outside the old range moves the range with it unless a range was given.
    if (c.value !== undefined && c.low === undefined && after.low > after.value) after.low = after.value;
    if (c.value !== undefined && c.high === undefined && after.high < after.value) after.high = after.value;
    if (after.low > after.value) {
      errors.push({
        field: `${field}.low`,
        message: `${c.key}: the low value must not be above the most likely value`,
      });
    }
    if (after.value > after.high) {
      errors.push({
        field: `${field}.high`,
        message: `${c.key}: the high value must not be below the most likely value`,
      });
    }
    if (c.source !== undefined) {
      const s = c.source === null ? null : String(c.source).trim().slice(0, 500) || null;
      after.source = s;
      after.illustrative = s === null;
    }
    after.changedBy = who.name;
    after.changedAt = who.at;
    byKey.set(c.key, after);
    changed.push({ key: c.key, before, after });
  });
  if (errors.length > 0) throw new ValidationError(errors);
  return { assumptions: current.map((a) => byKey.get(a.key)!), changed };
}

/** Fills in any assumption added to the catalogue after a scenario was saved. */
export function withDefaults(list: readonly Assumption[]): Assumption[] {
  const have = new Map(list.map((a) => [a.key, a]));
  return defaultAssumptions().map((a) => have.get(a.key) ?? a);
}
