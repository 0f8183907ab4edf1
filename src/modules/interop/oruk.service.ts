// The Open Referral UK feed over the stored directory and the published offer. Read-only and public: a
// directory lists only what anyone may be told. Reads go through the directory's, offer's and places'
// public entries; this module owns no tables for the feed.
import type { AnyDb } from '../../platform/db/database.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { directoryLoadedAt, getDirectory, type Service, searchServices } from '../directory/index.ts';
import { AGE_GROUPS, getPublishedOffer } from '../offer/index.ts';
import { listPlaces } from '../places/index.ts';
import { recordUuid } from './ids.ts';
import {
  type OrukContext,
  type OrukPage,
  orukPage,
  orukService,
  orukServiceAtLocation,
  orukServiceAtLocationListItem,
  orukServiceListItem,
  serviceAtLocationId,
  serviceLocations,
  orukTaxonomy,
  orukTaxonomyTerm,
} from './oruk.ts';

export const ORUK_MAX_PER_PAGE = 100;
export const ORUK_DEFAULT_PER_PAGE = 50;

async function context(db: AnyDb, systemId: string): Promise<{ ctx: OrukContext; services: Service[] }> {
  const [directory, offer, places, loadedAt] = await Promise.all([
    getDirectory(db, systemId),
    getPublishedOffer(db, systemId),
    listPlaces(db, systemId),
    directoryLoadedAt(db, systemId),
  ]);
  const organisations = new Map((directory?.organisations ?? []).map((o) => [o.code, o]));
  return {
    ctx: {
      systemId,
      systemName: organisations.get(systemId)?.name ?? systemId,
      organisations,
      terms: new Map(
        (offer?.components ?? []).map((c) => [c.code, { code: c.code, name: c.name, description: c.residentSummary }]),
      ),
      boroughNames: new Map(places.map((p) => [p.code, p.name])),
      sites: new Map((directory?.sites ?? []).map((x) => [x.id, x])),
      ageGroups: AGE_GROUPS,
      ...(loadedAt ? { lastModified: loadedAt.toISOString() } : {}),
    },
    services: directory?.services ?? [],
  };
}

export type OrukServiceQuery = {
  search?: string;
  taxonomyTermId?: string;
  taxonomyId?: string;
  organizationId?: string;
  /** The standard's `modified_after`: an ISO 8601 date or date-time; results modified on or after it. */
  modifiedAfter?: string;
  page?: number;
  perPage?: number;
};

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** `modified_after` as an instant, or a 400 naming the parameter. A date alone is its midnight UTC. */
export function parseModifiedAfter(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  const t = ISO_DATE_TIME.test(v) ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v) : null;
  // JavaScript rolls 30 February over to March: the calendar date must be a real one.
  const [y, m, d] = v.slice(0, 10).split('-').map(Number) as [number, number, number];
  const real = new Date(Date.UTC(y, m - 1, d));
  if (!t || Number.isNaN(t.getTime()) || real.getUTCMonth() !== m - 1 || real.getUTCDate() !== d)
    throw new ValidationError([
      {
        field: 'modified_after',
        message: 'modified_after must be a date or date and time, like 2026-03-10 or 2026-03-10T09:00:00Z',
      },
    ]);
  return t;
}

function paging(q: { page?: number; perPage?: number }) {
  return {
    page: Math.max(1, q.page ?? 1),
    perPage: Math.min(ORUK_MAX_PER_PAGE, Math.max(1, q.perPage ?? ORUK_DEFAULT_PER_PAGE)),
  };
}

/** The services the standard's filters leave: text, taxonomy term, taxonomy, organisation, modified since. */
async function matchServices(
  db: AnyDb,
  systemId: string,
  ctx: OrukContext,
  services: Service[],
  q: Omit<OrukServiceQuery, 'modifiedAfter' | 'page' | 'perPage'> & { modifiedAfter?: Date },
): Promise<Service[]> {
  let matched: Service[];
  if (q.search?.trim()) {
    // The directory's own search (it reaches services through the offer's words), all of it, then paged here.
    const text = q.search.trim();
    const first = await searchServices(db, systemId, { text }, { page: 1, pageSize: 100 });
    matched = first.items;
    for (let p = 2; (p - 1) * 100 < first.total; p++)
      matched = matched.concat((await searchServices(db, systemId, { text }, { page: p, pageSize: 100 })).items);
  } else matched = services;
  if (q.taxonomyTermId) {
    const code = [...ctx.terms.keys()].find((c) => recordUuid(systemId, 'taxonomy_term', c) === q.taxonomyTermId);
    matched = code ? matched.filter((s) => s.componentCodes.includes(code)) : [];
  }
  if (q.taxonomyId && q.taxonomyId !== orukTaxonomy(systemId).id) matched = [];
  if (q.organizationId) {
    matched = matched.filter((s) => recordUuid(systemId, 'organization', s.organisationCode) === q.organizationId);
  }
  // The directory keeps no change time per service: each is as new as the directory load it came from.
  if (q.modifiedAfter && !(ctx.lastModified && new Date(ctx.lastModified) >= q.modifiedAfter)) matched = [];
  return matched;
}

/** `GET /services`: a page of services, filtered by text, taxonomy term, taxonomy, organisation or change time. */
export async function orukServices(
  db: AnyDb,
  systemId: string,
  q: OrukServiceQuery,
): Promise<OrukPage<ReturnType<typeof orukServiceListItem>>> {
  const modifiedAfter = parseModifiedAfter(q.modifiedAfter);
  const { ctx, services } = await context(db, systemId);
  const { page, perPage } = paging(q);
  const matched = await matchServices(db, systemId, ctx, services, { ...q, modifiedAfter });
  const contents = matched.slice((page - 1) * perPage, page * perPage).map((s) => orukServiceListItem(ctx, s));
  return orukPage(contents, matched.length, page, perPage);
}

export type OrukServiceAtLocationQuery = Pick<
  OrukServiceQuery,
  'search' | 'taxonomyTermId' | 'taxonomyId' | 'page' | 'perPage'
>;

/**
 * `GET /service_at_locations`: a page of services at locations, filtered as services are (text, taxonomy
 * term, taxonomy): each matching service at each of its sites, or at each borough it serves when it names none.
 */
export async function orukServiceAtLocations(
  db: AnyDb,
  systemId: string,
  q: OrukServiceAtLocationQuery,
): Promise<OrukPage<ReturnType<typeof orukServiceAtLocationListItem>>> {
  const { ctx, services } = await context(db, systemId);
  const { page, perPage } = paging(q);
  const matched = await matchServices(db, systemId, ctx, services, q);
  const all = matched.flatMap((s) => serviceLocations(ctx, s));
  const contents = all.slice((page - 1) * perPage, page * perPage).map((l) => orukServiceAtLocationListItem(ctx, l));
  return orukPage(contents, all.length, page, perPage);
}

/** `GET /service_at_locations/{id}`: one fully nested service at a location, or not found. */
export async function orukServiceAtLocationById(db: AnyDb, systemId: string, id: string) {
  const { ctx, services } = await context(db, systemId);
  const want = id.toLowerCase();
  for (const s of services)
    for (const l of serviceLocations(ctx, s))
      if (serviceAtLocationId(systemId, l) === want) return orukServiceAtLocation(ctx, l);
  throw new NotFoundError('Service at location');
}

/** `GET /services/{id}`: one fully nested service, or not found. */
export async function orukServiceById(db: AnyDb, systemId: string, id: string) {
  const { ctx, services } = await context(db, systemId);
  const service = services.find((s) => recordUuid(systemId, 'service', s.id) === id.toLowerCase());
  if (!service) throw new NotFoundError('Service');
  return orukService(ctx, service);
}

/** `GET /taxonomies`: the one taxonomy, the offer's components. */
export async function orukTaxonomies(db: AnyDb, systemId: string, q: { page?: number; perPage?: number }) {
  const offer = await getPublishedOffer(db, systemId);
  const { page, perPage } = paging(q);
  const all = offer ? [orukTaxonomy(systemId)] : [];
  return orukPage(all.slice((page - 1) * perPage, page * perPage), all.length, page, perPage);
}

/** `GET /taxonomy_terms`: each published component as a term. */
export async function orukTaxonomyTerms(db: AnyDb, systemId: string, q: { page?: number; perPage?: number }) {
  const { ctx } = await context(db, systemId);
  const { page, perPage } = paging(q);
  const all = [...ctx.terms.values()].map((t) => orukTaxonomyTerm(systemId, t));
  return orukPage(all.slice((page - 1) * perPage, page * perPage), all.length, page, perPage);
}
