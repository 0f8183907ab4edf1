// The directory: organisations, sites, services mapped to core offer components, and local
// assets (voluntary sector and council support) that staff and residents can be pointed to.
// Plain data types; validation is in directory.load.ts, search in directory.search.ts.

import type { AccessRoute, AgeGroupCode } from '../offer/index.ts';

export const ORGANISATION_KINDS = ['nhs-trust', 'gp-practice', 'local-authority', 'voluntary', 'icb'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export interface Organisation {
  /** ODS code for NHS bodies; for councils the ONS GSS code (see the data file); "ILL-…" for illustrative ones. */
  code: string;
  name: string;
  kind: OrganisationKind;
  /** Boroughs (GSS codes) it serves, where that is meaningful. */
  boroughs?: string[];
  note?: string;
  /** True when the organisation is invented for the demo. */
  illustrative?: boolean;
}

export interface Site {
  id: string;
  name: string;
  organisationCode: string;
  address: string;
  postcode: string;
  /** GSS code of the borough the site is in. */
  borough: string;
  note?: string;
  illustrative?: boolean;
}

export interface Contact {
  phone?: string;
  email?: string;
  website?: string;
  /** True for made-up contacts (Ofcom drama-range numbers, example.org addresses). */
  illustrative?: boolean;
}

/** The shape the referral router relies on; every Service conforms to it. */
export interface RoutableService {
  id: string;
  name: string;
  organisationCode: string;
  componentCodes: string[];
  ageGroups: string[];
  boroughs: string[];
  accessRoutes?: string[];
}

export interface Service extends RoutableService {
  /** Core offer component codes this service delivers. */
  componentCodes: string[];
  ageGroups: AgeGroupCode[];
  /** GSS codes of the boroughs whose residents it serves. */
  boroughs: string[];
  /** Opening hours in plain words, e.g. "Monday to Friday 9am to 5pm". */
  hours: string;
  accessRoutes: AccessRoute[];
  contact: Contact;
  description?: string;
  siteIds?: string[];
  illustrative?: boolean;
}

export const ASSET_KINDS = ['voluntary', 'council'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** Wider support outside NHS services: voluntary groups and council services. */
export interface LocalAsset {
  id: string;
  name: string;
  description: string;
  kind: AssetKind;
  organisationCode?: string;
  /** Needs and topics in residents' words, e.g. "loneliness", "carers", "diabetes". */
  needs: string[];
  boroughs: string[];
  /** Absent means all ages. */
  ageGroups?: AgeGroupCode[];
  contact: Contact;
  illustrative?: boolean;
}

export interface Directory {
  systemId: string;
  /** Which period the organisations reflect, e.g. "2021-22: organisations before the 2024–25 mergers". */
  period: string;
  organisations: Organisation[];
  sites: Site[];
  services: Service[];
  assets: LocalAsset[];
}

/** Ofcom reserves 020 7946 0000–0999 for drama; illustrative entries must use it, never a real number. */
export function isDramaNumber(phone: string): boolean {
  return /^020 ?7946 ?0\d{3}$/.test(phone.trim());
}
