// The Open Referral UK feed over the stored directory and the published offer. Read-only and public: a
// directory lists only what anyone may be told. Reads go through the directory's, offer's and places'
// public entries; this module owns no tables for the feed.
import type { AnyDb } from '../../platform/db/database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { getDirectory, type Service, searchServices } from '../directory/index.ts';
import { AGE_GROUPS, getPublishedOffer } from '../offer/index.ts';
import { listPlaces } from '../places/index.ts';
import { recordUuid } from './ids.ts';
import {
  type OrukContext,
  type OrukPage,
  orukPage,
  orukService,
  orukServiceListItem,
  orukTaxonomy,
  orukTaxonomyTerm,
} from './oruk.ts';

export const ORUK_MAX_PER_PAGE = 100;
export const ORUK_DEFAULT_PER_PAGE = 50;

async function context(db: AnyDb, systemId: string): Promise<{ ctx: OrukContext; services: Service[] }> {
  const [directory, offer, places] = await Promise.all([
    getDirectory(db, systemId),
    getPublishedOffer(db, systemId),
    listPlaces(db, systemId),
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
      ageGroups: AGE_GROUPS,
    },
    services: directory?.services ?? [],
  };
}

export type OrukServiceQuery = {
  search?: string;
  taxonomyTermId?: string;
  taxonomyId?: string;
  organizationId?: string;
  page?: number;
  perPage?: number;
};

function paging(q: { page?: number; perPage?: number }) {
  return {
    page: Math.max(1, q.page ?? 1),
    perPage: Math.min(ORUK_MAX_PER_PAGE, Math.max(1, q.perPage ?? ORUK_DEFAULT_PER_PAGE)),
  };
}

/** `GET /services`: a page of services, filtered by text, taxonomy term, taxonomy or organisation. */
export async function orukServices(
  db: AnyDb,
  systemId: string,
  q: OrukServiceQuery,
): Promise<OrukPage<ReturnType<typeof orukServiceListItem>>> {
  const { ctx, services } = await context(db, systemId);
  const { page, perPage } = paging(q);
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
  const contents = matched.slice((page - 1) * perPage, page * perPage).map((s) => orukServiceListItem(ctx, s));
  return orukPage(contents, matched.length, page, perPage);
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
