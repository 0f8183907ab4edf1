// The directory for residents and staff: find a service by need or free text, age and borough, with local
// voluntary and council support alongside. The same search as JSON: services and local assets, filtered and
// paged. Public, like the offer: a directory only lists what anyone may be told.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import { searchAssets, searchServices } from '../../modules/directory/index.ts';
import { AGE_GROUPS, getPublishedOffer, readsAsCrisis } from '../../modules/offer/index.ts';
import { listPlaces } from '../../modules/places/index.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { pageLinks } from '../forms.ts';
import type { Navigation } from '../nav.ts';

const PAGE_SIZE = 20;

const Query = {
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Free text: words in the name, need or description' })),
  need: Type.Optional(Type.String({ maxLength: 100, description: 'A need or topic, e.g. diabetes, loneliness' })),
  age: Type.Optional(Type.Integer({ minimum: 0, maximum: 120, description: "A resident's age in whole years" })),
  ageGroup: Type.Optional(Type.Union(AGE_GROUPS.map((g) => Type.Literal(g.code)))),
  borough: Type.Optional(Type.String({ pattern: '^[EWSN]\\d{8}$', description: 'Borough ONS GSS code' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
};

const Contact = Type.Object({
  phone: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  website: Type.Optional(Type.String()),
  illustrative: Type.Optional(Type.Boolean()),
});
const ServiceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  organisationCode: Type.String(),
  componentCodes: Type.Array(Type.String()),
  ageGroups: Type.Array(Type.String()),
  boroughs: Type.Array(Type.String()),
  hours: Type.String(),
  accessRoutes: Type.Array(Type.String()),
  contact: Contact,
  description: Type.Optional(Type.String()),
  siteIds: Type.Optional(Type.Array(Type.String())),
  illustrative: Type.Optional(Type.Boolean()),
});
const AssetSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  kind: Type.String(),
  organisationCode: Type.Optional(Type.String()),
  needs: Type.Array(Type.String()),
  boroughs: Type.Array(Type.String()),
  ageGroups: Type.Optional(Type.Array(Type.String())),
  contact: Contact,
  illustrative: Type.Optional(Type.Boolean()),
});
const paged = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

const ROUTE_TEXT: Record<string, string> = {
  'self-referral': 'Refer yourself',
  'professional-referral': 'Referral from a GP or other professional',
  'central-point-of-access': 'Through the central point of access',
  'walk-in': 'Walk in',
};

export default async function directoryRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const systemOf = (actor: Actor | null) => actor?.systemId ?? deps.config.defaultSystem;

  navigation.add({ href: '/directory', text: 'Service directory', roles: 'public' });

  app.get(
    '/directory',
    {
      config: { policy: 'public' },
      schema: {
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200 })),
          age: Type.Optional(Type.String({ maxLength: 3 })),
          borough: Type.Optional(Type.String({ maxLength: 9 })),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
        }),
      },
    },
    async (request, reply) => {
      const systemId = systemOf(request.actor);
      const q = request.query.q?.trim() ?? '';
      const ageText = request.query.age?.trim() ?? '';
      const errors: { text: string; href: string }[] = [];
      const age = /^\d{1,3}$/.test(ageText) && Number(ageText) <= 120 ? Number(ageText) : undefined;
      if (ageText && age === undefined) errors.push({ text: 'Enter an age in whole years, like 42', href: '#age' });
      const places = await listPlaces(db, systemId);
      const borough = places.find((p) => p.code === request.query.borough)?.code;
      const searching = !!(q || age !== undefined || borough);
      const query = { text: q || undefined, age, borough };
      const [services, assets, offer] = await Promise.all([
        searching && !errors.length
          ? searchServices(db, systemId, query, { page: request.query.page ?? 1, pageSize: PAGE_SIZE })
          : null,
        searching && !errors.length ? searchAssets(db, systemId, query, { page: 1, pageSize: 6 }) : null,
        getPublishedOffer(db, systemId),
      ]);
      const componentName = new Map((offer?.components ?? []).map((c) => [c.code, c.name]));
      const placeName = new Map(places.map((p) => [p.code, p.name]));
      const params = new URLSearchParams(
        Object.entries({ q, age: ageText, borough: borough ?? '' }).filter(([, v]) => v !== ''),
      );
      const pageHref = (p: number) => `/directory?${new URLSearchParams([...params, ['page', String(p)]])}`;
      if (errors.length) reply.status(400);
      return reply.render('directory/index.njk', {
        title: searching ? `Services${q ? ` for ${q}` : ''}` : 'Find a service near you',
        errors,
        ageError: errors.find((e) => e.href === '#age')?.text ?? null,
        values: { q, age: ageText, borough },
        crisis: readsAsCrisis(q),
        searching,
        boroughs: [
          { value: '', text: 'Any borough' },
          ...places.map((p) => ({ value: p.code, text: p.name, selected: p.code === borough })),
        ],
        services: services && {
          ...services,
          items: services.items.map((s) => ({
            ...s,
            components: s.componentCodes.map((c) => ({ code: c, name: componentName.get(c) ?? c })),
            boroughNames: s.boroughs.map((b) => placeName.get(b) ?? b).join(', '),
            routes: s.accessRoutes.map((r) => ROUTE_TEXT[r] ?? r),
          })),
        },
        assets: assets && {
          ...assets,
          items: assets.items.map((a) => ({
            ...a,
            boroughNames: a.boroughs.map((b) => placeName.get(b) ?? b).join(', '),
          })),
        },
        ...(services ? pageLinks(services, pageHref) : { pages: 1, previous: null, next: null }),
      });
    },
  );

  app.get(
    '/api/directory/services',
    {
      config: { policy: 'public' },
      schema: {
        summary: 'Search the directory of services by need, free text, age and borough',
        description: 'Best matches first. A component filters to services delivering that core offer component.',
        tags: ['directory'],
        querystring: Type.Object({
          ...Query,
          component: Type.Optional(Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 100 })),
        }),
        response: { 200: paged(ServiceSchema) },
      },
    },
    async (request) => {
      const { q, need, age, ageGroup, borough, component, page, pageSize } = request.query;
      return searchServices(
        db,
        systemOf(request.actor),
        { text: q, need, age, ageGroup, borough, component },
        { page, pageSize },
      );
    },
  );

  app.get(
    '/api/directory/assets',
    {
      config: { policy: 'public' },
      schema: {
        summary: 'Search local assets (voluntary groups and council services) by need, free text, age and borough',
        tags: ['directory'],
        querystring: Type.Object(Query),
        response: { 200: paged(AssetSchema) },
      },
    },
    async (request) => {
      const { q, need, age, ageGroup, borough, page, pageSize } = request.query;
      return searchAssets(db, systemOf(request.actor), { text: q, need, age, ageGroup, borough }, { page, pageSize });
    },
  );
}
