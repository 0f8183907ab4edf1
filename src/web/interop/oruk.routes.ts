// Open Referral UK 3.0 at /oruk: the directory's services for other directories, councils and voluntary
// organisations to read. Public and read-only, like the directory pages; JSON only.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import {
  ORUK_MAX_PER_PAGE,
  ORUK_OPENAPI_URL,
  ORUK_PROFILE,
  ORUK_VERSION,
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
    '/oruk/taxonomies',
    { config: { policy: 'public' }, schema: { querystring: Type.Object(Paging) } },
    async (request) => orukTaxonomies(db, systemId(), { page: request.query.page, perPage: request.query.per_page }),
  );

  app.get(
    '/oruk/taxonomy_terms',
    { config: { policy: 'public' }, schema: { querystring: Type.Object(Paging) } },
    async (request) => orukTaxonomyTerms(db, systemId(), { page: request.query.page, perPage: request.query.per_page }),
  );
}
