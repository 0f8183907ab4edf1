// Places (boroughs), their population by the offer's age groups, and need indicators.
// Plain data types and small pure helpers; loading and validation are in places.load.ts.

import { AGE_GROUP_CODES, type AgeGroupCode } from '../offer/index.ts';

/** Where a figure comes from. */
export interface FigureSource {
  title: string;
  year: number;
  url?: string;
}

/** A population group: one of the offer's age groups, or everyone. The age groups overlap on
 * purpose (young adults 18–25 sit inside working-age adults 18–64), so they do not add up;
 * children + working-age + older adults do add up to the total. */
export const POPULATION_GROUPS = [...AGE_GROUP_CODES, 'total'] as const;
export type PopulationGroup = AgeGroupCode | 'total';

/** A figure is either sourced or labelled illustrative; `note` says how it was derived. */
export interface PopulationFigure {
  value: number;
  source?: FigureSource;
  illustrative?: boolean;
  note?: string;
}

export const NEED_UNITS = ['percent', 'count', 'rank', 'per-100000'] as const;
export type NeedUnit = (typeof NEED_UNITS)[number];

export const NEED_DIRECTIONS = ['higher-is-more-need', 'lower-is-more-need'] as const;
export type NeedDirection = (typeof NEED_DIRECTIONS)[number];

export interface NeedIndicator {
  /** Stable kebab-case code, e.g. "diabetes-prevalence". */
  code: string;
  name: string;
  value: number;
  unit: NeedUnit;
  /** Ranks (IMD) count down: rank 1 is the most deprived. */
  direction: NeedDirection;
  source?: FigureSource;
  illustrative?: boolean;
  note?: string;
}

export interface Place {
  /** ONS GSS code, e.g. E09000003. */
  code: string;
  name: string;
  /** The integrated care system (tenancy key), e.g. "QMJ". */
  systemId: string;
  population: Record<PopulationGroup, PopulationFigure>;
  needs: NeedIndicator[];
}

export interface PlacesDocument {
  systemId: string;
  /** What the figures describe, e.g. "Census 2021". */
  description?: string;
  places: Place[];
}

/** People in one population group of a place. */
export function populationOf(place: Place, group: PopulationGroup): number {
  return place.population[group].value;
}

/**
 * People covered by a set of overlapping age groups, counted once: young adults are dropped
 * when working-age adults are included, and children + working-age + older adults is everyone.
 */
export function populationForAgeGroups(place: Place, groups: readonly string[]): number {
  const set = new Set(groups);
  if (set.has('working-age-adults')) set.delete('young-adults');
  let sum = 0;
  for (const g of set) {
    if (g === 'total') return populationOf(place, 'total');
    if ((AGE_GROUP_CODES as readonly string[]).includes(g)) sum += populationOf(place, g as AgeGroupCode);
  }
  return sum;
}

export function needOf(place: Place, code: string): NeedIndicator | undefined {
  return place.needs.find((n) => n.code === code);
}

export function findPlace(places: readonly Place[], code: string): Place | undefined {
  return places.find((p) => p.code === code);
}

/** GSS codes look like E09000003: a letter, two digits for the type, six for the area. */
export function isGssCode(code: string): boolean {
  return /^[EWSN]\d{8}$/.test(code);
}
