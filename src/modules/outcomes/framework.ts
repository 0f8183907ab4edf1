// The outcomes framework as types: life-stage domains (Start well, Live well, Age well) hold outcome
// headings, which hold the indicators every provider collects the same way. Vocabularies are `as const`
// arrays so validation, tests and pages share one list.

export const NCL_SYSTEM_ID = 'QMJ';

export const BOROUGHS = [
  { code: 'E09000003', name: 'Barnet' },
  { code: 'E09000007', name: 'Camden' },
  { code: 'E09000010', name: 'Enfield' },
  { code: 'E09000014', name: 'Haringey' },
  { code: 'E09000019', name: 'Islington' },
] as const;
export type BoroughCode = (typeof BOROUGHS)[number]['code'];
export const BOROUGH_CODES: readonly BoroughCode[] = BOROUGHS.map((b) => b.code);

/** An area a value is published for: a borough, or the whole system ('QMJ'). */
export type AreaCode = BoroughCode | typeof NCL_SYSTEM_ID;

export function areaName(code: string): string {
  if (code === NCL_SYSTEM_ID) return 'North Central London';
  return BOROUGHS.find((b) => b.code === code)?.name ?? code;
}

export const DOMAIN_CODES = ['start-well', 'live-well', 'age-well'] as const;
export type DomainCode = (typeof DOMAIN_CODES)[number];

export const INDICATOR_TYPES = ['proportion', 'rate', 'standardised-rate', 'mean', 'median-time'] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export const POLARITIES = ['higher-is-better', 'lower-is-better', 'neither'] as const;
export type IndicatorPolarity = (typeof POLARITIES)[number];

/** The seed's order of work: process measures first (e.g. waits), then outcome measures. */
export const MEASURE_KINDS = ['process', 'outcome'] as const;
export type MeasureKind = (typeof MEASURE_KINDS)[number];

export const FREQUENCIES = ['monthly', 'quarterly', 'annual'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** Breakdowns a value can be published by. Borough is its own column in returns; the rest are `breakdown`. */
export const DISAGGREGATIONS = ['borough', 'provider', 'age-band', 'sex', 'ethnicity', 'deprivation-quintile'] as const;
export type Disaggregation = (typeof DISAGGREGATIONS)[number];

/** Where the figures come from, which decides who may submit them. */
export const COLLECTIONS = ['provider-return', 'national', 'system'] as const;
export type Collection = (typeof COLLECTIONS)[number];

/** Values the system computes itself rather than asking providers for. */
export const COMPUTED_MEASURES = [
  { source: 'central-point-of-access', measure: 'time-to-first-contact' },
  { source: 'central-point-of-access', measure: 'share-meeting-standard' },
  { source: 'baseline', measure: 'spend-per-head' },
  { source: 'baseline', measure: 'staff-per-head' },
] as const;
export type ComputedFrom = (typeof COMPUTED_MEASURES)[number];

export const SERVICE_TYPES = ['community', 'mental-health'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export type DataSource = {
  readonly collection: Collection;
  /** E.g. 'Provider return (contract schedule)', 'OHID Fingertips', 'Central point of access records'. */
  readonly name: string;
  readonly url?: string;
};

/**
 * Disclosure control applied before publication. Counts from `minimumCount`'s lower neighbours
 * (1 … minimumCount − 1) are suppressed; zero is shown. With `suppressComplement`, a value whose
 * denominator − numerator is small is suppressed too (the small group could be recalculated). With
 * `secondarySuppression`, when one of a set of areas or groups adding up to a published total is
 * suppressed, the next smallest is suppressed as well, so the hidden count cannot be found by subtraction.
 */
export type DisclosureRule = {
  readonly minimumCount: number;
  readonly suppressComplement: boolean;
  readonly secondarySuppression: boolean;
  /** Denominators below this are not published (unstable values that also risk identification). */
  readonly minimumDenominator?: number;
};

export type IndicatorDefinition = {
  /** Stable code used in returns and URLs, e.g. 'SW2.1'. Never reused for a different measure. */
  readonly code: string;
  readonly title: string;
  readonly rationale: string;
  readonly kind: MeasureKind;
  readonly numerator: string;
  readonly denominator: string;
  readonly type: IndicatorType;
  /** Display unit, e.g. '%', 'per 100,000', 'days', '£ per head'. */
  readonly unit: string;
  /** Values are shown per this many (100 for a percentage, 100000 for a rate per 100,000, 1 otherwise). */
  readonly multiplier: number;
  readonly polarity: IndicatorPolarity;
  readonly source: DataSource;
  readonly frequency: Frequency;
  readonly disaggregations: readonly Disaggregation[];
  readonly disclosure: DisclosureRule;
  readonly computedFrom?: ComputedFrom;
  /** A national standard the value is read against, e.g. 75 (%) for Talking Therapies 6-week waits. */
  readonly target?: { readonly value: number; readonly source: string };
  /** Age range the indicator covers, e.g. '65+'; shown beside the title. */
  readonly ageRange?: string;
  /** For provider returns: which providers report it (those running these services). */
  readonly services?: readonly ServiceType[];
};

export type Outcome = {
  readonly code: string;
  readonly title: string;
  /** The aims the source document lists under this heading, in our own words. */
  readonly aims: readonly string[];
  readonly indicators: readonly IndicatorDefinition[];
};

export type Domain = {
  readonly code: DomainCode;
  readonly title: string;
  readonly outcomes: readonly Outcome[];
};

export type Provider = {
  /** ODS code. */
  readonly code: string;
  readonly name: string;
  readonly services: readonly ServiceType[];
  /** Boroughs whose residents this provider reports on. */
  readonly boroughs: readonly BoroughCode[];
  readonly note?: string;
};

export type Framework = {
  readonly id: string;
  readonly system: typeof NCL_SYSTEM_ID;
  readonly title: string;
  readonly version: string;
  readonly status: 'draft' | 'agreed';
  readonly source: string;
  readonly notes: readonly string[];
  /** The disclosure rule indicators use unless they say otherwise. */
  readonly defaultDisclosure: DisclosureRule;
  readonly providers: readonly Provider[];
  readonly domains: readonly Domain[];
};

/** Every indicator in framework order, with the outcome and domain it sits under. */
export function listIndicators(
  framework: Framework,
): { domain: Domain; outcome: Outcome; indicator: IndicatorDefinition }[] {
  return framework.domains.flatMap((domain) =>
    domain.outcomes.flatMap((outcome) => outcome.indicators.map((indicator) => ({ domain, outcome, indicator }))),
  );
}

export function findIndicator(framework: Framework, code: string): IndicatorDefinition | undefined {
  for (const d of framework.domains)
    for (const o of d.outcomes) for (const i of o.indicators) if (i.code === code) return i;
  return undefined;
}

/** Process measures before outcome measures, keeping framework order otherwise (the seed's order of work). */
export function processFirst(indicators: readonly IndicatorDefinition[]): IndicatorDefinition[] {
  return [...indicators.filter((i) => i.kind === 'process'), ...indicators.filter((i) => i.kind === 'outcome')];
}
