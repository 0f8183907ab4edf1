// Open Referral UK 3.0 at /oruk: the directory's services for other directories, councils and voluntary
// organisations to read. Public and read-only, like the directory pages; JSON only.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import {
  importOrukFeed,
  ORUK_MAX_PER_PAGE,
  ORUK_OPENAPI_URL,
  ORUK_PROFILE,
  ORUK_VERSION,
  orukServiceAtLocationById,
  orukServiceAtLocations,
  orukServiceById,
  orukServices,
  orukTaxonomies,
  orukTaxonomyTerms,
} from '../../modules/interop/index.ts';

const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, description: 'Page number, from 1' })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: ORUK_MAX_PER_PAGE, description: 'Results per page' })),
};
const Uuid = Type.String({ pattern: '^[0-9a-fA-F-]{36}$' });

export default async function orukRoutes(appBase: FastifyInstance, { deps }: { deps: AppDeps }) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const systemId = () => deps.config.defaultSystem;

  const root = async () => ({ version: ORUK_VERSION, profile: ORUK_PROFILE, openapi_url: ORUK_OPENAPI_URL });
  app.get('/oruk', { config: { policy: 'public' } }, root);
  app.get('/oruk/', { config: { policy: 'public' } }, root);

  app.get(
    '/oruk/services',
    {
      config: { policy: 'public' },
      schema: {
        querystring: Type.Object({
          search: Type.Optional(Type.String({ maxLength: 200 })),
          taxonomy_term_id: Type.Optional(Uuid),
          taxonomy_id: Type.Optional(Uuid),
          organization_id: Type.Optional(Uuid),
          modified_after: Type.Optional(
            Type.String({ maxLength: 40, description: 'Only services modified on or after this date or date-time' }),
          ),
          ...Paging,
        }),
      },
    },
    async (request) => {
      const q = request.query;
      return orukServices(db, systemId(), {
        search: q.search,
        taxonomyTermId: q.taxonomy_term_id?.toLowerCase(),
        taxonomyId: q.taxonomy_id?.toLowerCase(),
        organizationId: q.organization_id?.toLowerCase(),
        modifiedAfter: q.modified_after,
        page: q.page,
        perPage: q.per_page,
      });
    },
  );

  app.get(
    '/oruk/services/:id',
    { config: { policy: 'public' }, schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } },
    async (request) => orukServiceById(db, systemId(), request.params.id),
  );

  app.get(
    '/oruk/service_at_locations',
    {
      config: { policy: 'public' },
      schema: {
        querystring: Type.Object({
          search: Type.Optional(Type.String({ maxLength: 200 })),
          taxonomy_term_id: Type.Optional(Uuid),
          taxonomy_id: Type.Optional(Uuid),
          ...Paging,
        }),
      },
    },
    async (request) => {
      const q = request.query;
      return orukServiceAtLocations(db, systemId(), {
        search: q.search,
        taxonomyTermId: q.taxonomy_term_id?.toLowerCase(),
        taxonomyId: q.taxonomy_id?.toLowerCase(),
        page: q.page,
        perPage: q.per_page,
      });
    },
  );

  app.get(
    '/oruk/service_at_locations/:id',
    { config: { policy: 'public' }, schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } },
    async (request) => orukServiceAtLocationById(db, systemId(), request.params.id),
  );

  app.get(
    '/oruk/taxonomies',
    { config: { policy: 'public' }, schema: { querystring: Type.Object(Paging) } },
    async (request) => orukTaxonomies(db, systemId(), { page: request.query.page, perPage: request.query.per_page }),
  );

  app.get(
    '/oruk/taxonomy_terms',
    { config: { policy: 'public' }, schema: { querystring: Type.Object(Paging) } },
    async (request) => orukTaxonomyTerms(db, systemId(), { page: request.query.page, perPage: request.query.per_page }),
  );

  // Importing a council's or a voluntary organisation's ORUK feed into the directory: administrators and
  // analysts (issue 15: "an analyst can also import one").
  app.post(
    '/api/directory/oruk-imports',
    {
      bodyLimit: 5_000_000,
      config: { policy: ['admin', 'analyst'] },
      schema: {
        description:
          'Import an Open Referral UK 3.0 feed (the feed itself, or its address) into the directory as local assets, all or nothing. Each service is checked against ORUK’s compiled schemas; problems name the service and the field.',
        body: Type.Object({
          url: Type.Optional(Type.String({ maxLength: 2000, description: 'The feed’s address (every page is read)' })),
          feed: Type.Optional(
            Type.Unknown({ description: 'The feed: an ORUK page of services, a list of services or one service' }),
          ),
          source: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              description: 'Names the feed; importing the same source again replaces what it brought',
            }),
          ),
          kind: Type.Optional(Type.Union([Type.Literal('voluntary'), Type.Literal('council')])),
          boroughs: Type.Optional(
            Type.Array(Type.String({ maxLength: 20 }), {
              maxItems: 20,
              description: 'ONS codes of the boroughs the feed covers, for services whose areas do not say',
            }),
          ),
          illustrative: Type.Optional(Type.Boolean({ description: 'The feed is made-up demonstration data' })),
        }),
      },
    },
    async (request, reply) => {
      const result = await importOrukFeed(db, request.actor!, request.body, {
        now: deps.clock.now(),
        requestId: request.id,
      });
      return reply.status(201).send(result);
    },
  );
}
