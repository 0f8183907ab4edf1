// Open Referral UK 3.0 (the UK profile of HSDS 3.0): the directory's services as the standard's objects.
// Pure mapping, no database. Each core offer component is a taxonomy term in one taxonomy ("Core Offer
// components"), linked to services through HSDS 3.0 attributes; boroughs are service areas named by their
// ONS code; opening hours are a schedule's description (the directory holds them as words, not RRULEs).
// The compiled schemas in data/standards/oruk/schema/compiled/ are what the tests check these against.
import type { Organisation, Service, Site } from '../directory/index.ts';
import { recordUuid } from './ids.ts';

export const ORUK_VERSION = '3.0';
export const ORUK_PROFILE = 'https://github.com/openreferral/uk-profile';
export const ORUK_OPENAPI_URL = 'https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json';
/** ONS linked-data address of a statistical geography (a borough's GSS code). */
export const ONS_GEOGRAPHY = 'http://statistics.data.gov.uk/id/statistical-geography/';
export const TAXONOMY_NAME = 'Core Offer components';

export type TermSource = { code: string; name: string; description: string };
export type AgeBand = { code: string; minAge: number; maxAge: number | null };

export type OrukContext = {
  systemId: string;
  systemName: string;
  organisations: Map<string, Organisation>;
  terms: Map<string, TermSource>;
  boroughNames: Map<string, string>;
  /** The directory's sites by id (services that name `siteIds` are delivered at them). */
  sites?: Map<string, Site>;
  ageGroups: readonly AgeBand[];
  /** When the directory the services came from was loaded: each service's `last_modified` (ISO 8601). */
  lastModified?: string;
};

const ORG_KIND_TEXT: Record<string, string> = {
  'nhs-trust': 'NHS trust',
  'gp-practice': 'GP practice',
  'local-authority': 'Local authority',
  voluntary: 'Voluntary organisation',
  icb: 'Integrated care board',
};

/** A URL the schema's `format: uri` accepts, or undefined (directory websites may lack a scheme). */
function uri(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = /^https?:\/\//i.test(value) ? value : `https://${value}`;
  try {
    return new URL(v).toString();
  } catch {
    return undefined;
  }
}

function identifierType(o: Organisation): { identifier_type: string; identifier_scheme: string } {
  if (o.illustrative || o.code.startsWith('ILL-'))
    return { identifier_type: 'Illustrative code', identifier_scheme: 'Core Offer' };
  if (o.kind === 'local-authority') return { identifier_type: 'ONS GSS code', identifier_scheme: 'ONS' };
  return { identifier_type: 'ODS code', identifier_scheme: 'ODS' };
}

export function orukOrganization(ctx: OrukContext, o: Organisation, full = false) {
  const id = recordUuid(ctx.systemId, 'organization', o.code);
  return {
    id,
    name: o.name,
    description: o.note ?? `${ORG_KIND_TEXT[o.kind] ?? o.kind} in ${ctx.systemName}`,
    ...(full
      ? {
          organization_identifiers: [
            {
              id: recordUuid(ctx.systemId, 'organization_identifier', o.code),
              organization_id: id,
              ...identifierType(o),
              identifier: o.code,
            },
          ],
        }
      : {}),
  };
}

export function ageBounds(ctx: OrukContext, s: Service): { minimum_age?: number; maximum_age?: number } {
  const bands = ctx.ageGroups.filter((g) => (s.ageGroups as string[]).includes(g.code));
  if (!bands.length) return {};
  const min = Math.min(...bands.map((b) => b.minAge));
  const max = bands.some((b) => b.maxAge === null) ? null : Math.max(...bands.map((b) => b.maxAge ?? 0));
  return { minimum_age: min, ...(max === null ? {} : { maximum_age: max }) };
}

function summary(ctx: OrukContext, s: Service) {
  const org = ctx.organisations.get(s.organisationCode);
  const url = uri(s.contact.website);
  return {
    id: recordUuid(ctx.systemId, 'service', s.id),
    ...(org ? { organization_id: recordUuid(ctx.systemId, 'organization', org.code) } : {}),
    name: s.name,
    description: s.description ?? s.name,
    ...(url ? { url } : {}),
    ...(s.contact.email ? { email: s.contact.email } : {}),
    status: 'active' as const,
    ...ageBounds(ctx, s),
    ...(ctx.lastModified ? { last_modified: ctx.lastModified } : {}),
  };
}

/** One service in a page of services (`service_list.json`): its one-to-one fields and its organisation. */
export function orukServiceListItem(ctx: OrukContext, s: Service) {
  const org = ctx.organisations.get(s.organisationCode);
  return { ...summary(ctx, s), ...(org ? { organization: orukOrganization(ctx, org) } : {}) };
}

export function orukTaxonomy(systemId: string) {
  return {
    id: recordUuid(systemId, 'taxonomy', 'core-offer-components'),
    name: TAXONOMY_NAME,
    description: 'The components of the integrated care system’s core offer of community and mental health services.',
  };
}

export function orukTaxonomyTerm(systemId: string, t: TermSource) {
  const taxonomy = orukTaxonomy(systemId);
  return {
    id: recordUuid(systemId, 'taxonomy_term', t.code),
    name: t.name,
    description: t.description || t.name,
    taxonomy: taxonomy.name,
    taxonomy_id: taxonomy.id,
    term: t.code,
  };
}

/** One fully nested service (`service.json`). */
export function orukService(ctx: OrukContext, s: Service) {
  const base = summary(ctx, s);
  const org = ctx.organisations.get(s.organisationCode);
  return {
    ...base,
    ...(org ? { organization: orukOrganization(ctx, org, true) } : {}),
    schedules: s.hours
      ? [{ id: recordUuid(ctx.systemId, 'schedule', s.id), service_id: base.id, description: s.hours }]
      : [],
    service_areas: s.boroughs.map((b) => ({
      id: recordUuid(ctx.systemId, 'service_area', `${s.id}/${b}`),
      service_id: base.id,
      name: ctx.boroughNames.get(b) ?? b,
      service_area: ctx.boroughNames.get(b) ?? b,
      extent_type: 'ONS GSS code',
      extent: b,
      uri: `${ONS_GEOGRAPHY}${b}`,
    })),
    service_at_locations: serviceLocations(ctx, s).map((l) => {
      const location = orukLocation(ctx, l, true);
      return { id: serviceAtLocationId(ctx.systemId, l), service_id: base.id, location_id: location.id, location };
    }),
    languages: [],
    funding: [],
    cost_options: [],
    contacts: [],
    attributes: s.componentCodes.flatMap((code) => {
      const term = ctx.terms.get(code);
      if (!term) return [];
      const tt = orukTaxonomyTerm(ctx.systemId, term);
      return [
        {
          id: recordUuid(ctx.systemId, 'attribute', `${s.id}/${code}`),
          link_id: base.id,
          link_type: 'service',
          taxonomy_term_id: tt.id,
          taxonomy_term: tt,
        },
      ];
    }),
  };
}

/**
 * Where a service is delivered, as ORUK's services at locations. A service that names its sites (`siteIds`)
 * is at each of those sites (a physical location with its address); a service that names none is "at" each
 * borough it serves, the borough as a location identified by its ONS GSS code (no address, no coordinates):
 * the directory says where residents are served, not where to go.
 */
export type ServiceLocation =
  | { kind: 'site'; service: Service; site: Site }
  | { kind: 'borough'; service: Service; borough: string };

export function serviceLocations(ctx: OrukContext, s: Service): ServiceLocation[] {
  const sites = (s.siteIds ?? []).flatMap((id) => {
    const site = ctx.sites?.get(id);
    return site ? [site] : [];
  });
  if (sites.length) return sites.map((site) => ({ kind: 'site', service: s, site }));
  return s.boroughs.map((borough) => ({ kind: 'borough', service: s, borough }));
}

function salCode(l: ServiceLocation): string {
  return l.kind === 'site' ? `${l.service.id}/site/${l.site.id}` : `${l.service.id}/borough/${l.borough}`;
}

export function serviceAtLocationId(systemId: string, l: ServiceLocation): string {
  return recordUuid(systemId, 'service_at_location', salCode(l));
}

function orukLocation(ctx: OrukContext, l: ServiceLocation, full: boolean) {
  if (l.kind === 'site') {
    const id = recordUuid(ctx.systemId, 'location', `site/${l.site.id}`);
    const parts = l.site.address
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const city = parts.length > 1 ? parts[parts.length - 1]! : (ctx.boroughNames.get(l.site.borough) ?? 'London');
    const street = parts.length > 1 ? parts.slice(0, -1).join(', ') : (parts[0] ?? l.site.name);
    return {
      id,
      location_type: 'physical' as const,
      name: l.site.name,
      ...(l.site.note ? { description: l.site.note } : {}),
      ...(full
        ? {
            addresses: [
              {
                id: recordUuid(ctx.systemId, 'address', `site/${l.site.id}`),
                location_id: id,
                address_1: street,
                city,
                region: ctx.boroughNames.get(l.site.borough) ?? l.site.borough,
                state_province: 'England',
                postal_code: l.site.postcode,
                country: 'GB',
                address_type: 'physical' as const,
              },
            ],
          }
        : {}),
    };
  }
  const name = ctx.boroughNames.get(l.borough) ?? l.borough;
  return {
    id: recordUuid(ctx.systemId, 'location', `borough/${l.borough}`),
    location_type: 'physical' as const,
    name,
    description: `The London borough of ${name}, where residents are served (the directory names no site for this service).`,
    external_identifier: l.borough,
    external_identifier_type: 'ONS GSS code',
  };
}

/** One entry in a page of services at locations (`service_at_location_list.json`). */
export function orukServiceAtLocationListItem(ctx: OrukContext, l: ServiceLocation) {
  const location = orukLocation(ctx, l, false);
  const service = orukServiceListItem(ctx, l.service);
  return {
    id: serviceAtLocationId(ctx.systemId, l),
    service_id: service.id,
    location_id: location.id,
    location,
    service,
  };
}

/** One fully nested service at a location (`service_at_location.json`). */
export function orukServiceAtLocation(ctx: OrukContext, l: ServiceLocation) {
  const location = orukLocation(ctx, l, true);
  const { service_at_locations: _, ...service } = orukService(ctx, l.service);
  return {
    id: serviceAtLocationId(ctx.systemId, l),
    service_id: service.id,
    location_id: location.id,
    location,
    service,
  };
}

export type OrukPage<T> = {
  total_items: number;
  total_pages: number;
  page_number: number;
  size: number;
  first_page: boolean;
  last_page: boolean;
  empty: boolean;
  contents: T[];
};

/** The standard's Page object around one page of results. */
export function orukPage<T>(contents: T[], total: number, page: number, perPage: number): OrukPage<T> {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}
