// The core offer's domain model: plain data types and the reference lists they draw on.
// No I/O here. Validation lives in offer.validate.ts, so anything typed as OfferDocument
// has either been built in code or passed validateOfferDocument.

/** Where a figure or requirement comes from. `url` and `year` are optional because some
 * national standards are best known by title. */
export interface Source {
  title: string;
  publisher?: string;
  url?: string;
  year?: number;
}

// ---------------------------------------------------------------------------------------------
// Versions

export const OFFER_STATUSES = ['draft', 'published', 'retired'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export interface OfferVersion {
  id: string;
  /** The integrated care system this offer belongs to (tenancy key). */
  systemId: string;
  /** 1, 2, 3 … within the system. */
  number: number;
  status: OfferStatus;
  /** Calendar date (YYYY-MM-DD) from which the offer applies. */
  effectiveFrom: string;
  changeNotes: string;
  /** UTC instant, ISO 8601. */
  createdAt: string;
  /** UTC instant, ISO 8601; null until published. */
  publishedAt: string | null;
}

// ---------------------------------------------------------------------------------------------
// Age groups. They overlap on purpose: young adults (18–25) is a transition group that sits
// inside working-age adults, so a 20-year-old belongs to both.

export const AGE_GROUPS = [
  { code: 'children-young-people', name: 'Children and young people', minAge: 0, maxAge: 17 },
  { code: 'young-adults', name: 'Young adults', minAge: 18, maxAge: 25 },
  { code: 'working-age-adults', name: 'Working-age adults', minAge: 18, maxAge: 64 },
  { code: 'older-adults', name: 'Older adults', minAge: 65, maxAge: null },
] as const;
export type AgeGroupCode = (typeof AGE_GROUPS)[number]['code'];
export const AGE_GROUP_CODES: readonly AgeGroupCode[] = AGE_GROUPS.map((g) => g.code);

export interface AgeGroup {
  code: AgeGroupCode;
  name: string;
  /** Inclusive lower bound, in whole years. */
  minAge: number;
  /** Inclusive upper bound in whole years; null means no upper limit. */
  maxAge: number | null;
}

export function getAgeGroup(code: string): AgeGroup | undefined {
  return AGE_GROUPS.find((g) => g.code === code);
}

/** Every age group a person of this age (whole years) belongs to, in AGE_GROUPS order. */
export function ageGroupsForAge(age: number): AgeGroupCode[] {
  return AGE_GROUPS.filter((g) => age >= g.minAge && (g.maxAge === null || age <= g.maxAge)).map((g) => g.code);
}

/** "0 to 17", "18 to 25", "65 and over". */
export function describeAgeBounds(group: AgeGroup): string {
  return group.maxAge === null ? `${group.minAge} and over` : `${group.minAge} to ${group.maxAge}`;
}

// ---------------------------------------------------------------------------------------------
// Component classification

export const DOMAINS = ['community', 'mental-health', 'both'] as const;
export type Domain = (typeof DOMAINS)[number];

export const COMPONENT_KINDS = ['service', 'coordinating-function'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** Categories residents browse by. Names are written for residents. */
export const CATEGORIES = [
  {
    code: 'finding-and-coordinating-care',
    name: 'Getting help and coordinating your care',
    description: 'One place to ask for help, one assessment and one person who keeps your care joined up.',
  },
  {
    code: 'urgent-and-crisis',
    name: 'Urgent help and crisis care',
    description: 'Fast help at home or in the community when your health or mental health gets worse suddenly.',
  },
  {
    code: 'nursing-at-home',
    name: 'Nursing at home and in the community',
    description: 'Nurses who visit you at home, in a care home or at a local clinic.',
  },
  {
    code: 'long-term-conditions',
    name: 'Living with a long-term condition',
    description: 'Specialist nurses and teams for conditions such as diabetes, heart failure and COPD.',
  },
  {
    code: 'therapies',
    name: 'Therapies',
    description: 'Physiotherapy, occupational therapy, speech and language therapy, podiatry and dietetics.',
  },
  {
    code: 'rehabilitation-and-recovery',
    name: 'Rehabilitation and recovery',
    description: 'Help to get back on your feet after an illness, fall or hospital stay.',
  },
  {
    code: 'children-and-families',
    name: 'Children, young people and families',
    description: 'Health visiting, school nursing and community services for babies, children and teenagers.',
  },
  {
    code: 'mental-health-support',
    name: 'Mental health support',
    description: 'Talking therapies and community mental health teams for people of all ages.',
  },
  {
    code: 'neurodevelopmental',
    name: 'ADHD and autism',
    description: 'Assessment and support for ADHD and autism.',
  },
  {
    code: 'older-people-and-dementia',
    name: 'Older people and dementia',
    description: 'Memory assessment, falls prevention and support for people living with frailty.',
  },
  {
    code: 'end-of-life',
    name: 'Palliative and end of life care',
    description: 'Care and support for people with a life-limiting illness, and for their families.',
  },
  {
    code: 'wellbeing-and-daily-life',
    name: 'Wellbeing, work and housing',
    description: 'Help with work, housing, money and local activities that support your health.',
  },
  {
    code: 'equipment',
    name: 'Equipment',
    description: 'Wheelchairs and other equipment to help you move around and stay independent.',
  },
] as const;
export type CategoryCode = (typeof CATEGORIES)[number]['code'];
export const CATEGORY_CODES: readonly CategoryCode[] = CATEGORIES.map((c) => c.code);

/** The three coordinating functions every offer must contain, by component code. */
export const COORDINATING_FUNCTIONS = [
  { code: 'central-point-of-access', name: 'Central point of access' },
  { code: 'trusted-holistic-assessment', name: 'Trusted holistic assessment' },
  { code: 'care-coordination-and-case-management', name: 'Care coordination and case management' },
] as const;
export type CoordinatingFunctionCode = (typeof COORDINATING_FUNCTIONS)[number]['code'];

// ---------------------------------------------------------------------------------------------
// Provision: what one component offers one age group

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Times are "HH:MM" on a 24-hour clock, London local time; close may be "24:00" (midnight). */
export type DayHours = { open: string; close: string } | { closed: true };

export interface OperatingHours {
  /** Open around the clock every day; `days` is then absent. */
  twentyFourSeven: boolean;
  /** Required when not 24/7: all seven days. */
  days?: Record<Weekday, DayHours>;
  /** For example how bank holidays are covered. */
  note?: string;
  source?: Source;
  /** True when the hours are not taken from a public source. */
  illustrative?: boolean;
}

export const STANDARD_URGENCIES = ['emergency', 'urgent', 'routine'] as const;
export type StandardUrgency = (typeof STANDARD_URGENCIES)[number];

/** A level of urgency a component defines beyond emergency/urgent/routine (for example
 * "assessment" and "treatment" for an assessment service). */
export interface UrgencyLevel {
  code: string;
  name: string;
  description?: string;
}

export const CLOCKS = ['calendar', 'working-days'] as const;
export type Clock = (typeof CLOCKS)[number];

export interface ResponseStandard {
  /** A STANDARD_URGENCIES value or the code of one of the component's urgencyLevels. */
  urgency: string;
  /** ISO 8601 duration from referral to first contact, e.g. PT2H, P5D, P6W. */
  firstContact: string;
  /** ISO 8601 duration to the next contact after the first, where one applies. */
  followUp?: string;
  /** Calendar time, or working days (Monday to Friday except bank holidays). */
  clock: Clock;
  /** Share of people who should be seen within firstContact, 0 < target <= 1 (e.g. 0.95). */
  target?: number;
  /** Plain words shown next to the standard, e.g. "to start treatment". */
  note?: string;
  source?: Source;
  /** True when the figure is not from a public source; shown to people as illustrative. */
  illustrative?: boolean;
}

export const ACCESS_ROUTES = ['self-referral', 'professional-referral', 'central-point-of-access', 'walk-in'] as const;
export type AccessRoute = (typeof ACCESS_ROUTES)[number];

export const POINTS_OF_DELIVERY = [
  'home',
  'clinic',
  'care-home',
  'school',
  'hospital',
  'virtual',
  'community-venue',
] as const;
export type PointOfDelivery = (typeof POINTS_OF_DELIVERY)[number];

export interface BestPractice {
  requirement: string;
  source: Source;
}

export interface Accessibility {
  /** Free spoken-language interpreters. */
  interpreting: boolean;
  /** British Sign Language interpreters. */
  bsl: boolean;
  dementiaFriendly: boolean;
  /** Can always be used without a smartphone or the internet. */
  notDigitalOnly: boolean;
  other: string[];
}

export interface AgeGroupProvision {
  ageGroup: AgeGroupCode;
  hours: OperatingHours;
  /** Plain English: who to contact when the service is closed. */
  outOfHours: string;
  responseStandards: ResponseStandard[];
  accessRoutes: AccessRoute[];
  eligibility: string[];
  pointsOfDelivery: PointOfDelivery[];
  bestPractice: BestPractice[];
  /** Services and agencies this provision works with. */
  integration: string[];
  /** Competencies the workforce needs. */
  workforce: string[];
  accessibility: Accessibility;
}

// ---------------------------------------------------------------------------------------------
// Component and document

export interface Component {
  /** Stable kebab-case identifier, e.g. "district-nursing". Never reused for something else. */
  code: string;
  name: string;
  /** Plain English for residents: short sentences, "you". */
  residentSummary: string;
  /** Fuller description for professionals and commissioners. */
  description: string;
  domain: Domain;
  category: CategoryCode;
  kind: ComponentKind;
  /** Other names people use for the service. */
  synonyms: string[];
  /** Conditions and needs in residents' words: "memory", "stammer". */
  conditions: string[];
  /** Extra urgency levels this component uses in its response standards. */
  urgencyLevels?: UrgencyLevel[];
  /** One per age group served. */
  provisions: AgeGroupProvision[];
}

/** A whole offer, as imported and exported: version metadata and its components. */
export interface OfferDocument {
  version: OfferVersion;
  components: Component[];
}
