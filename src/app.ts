// buildApp(deps) assembles the application. It reads top to bottom as the request pipeline: errors and
// pages, security headers/cookies/CSRF/rate limits, who is calling and may they, the API description,
// static files, then each web area. Tests build the same app with their own database.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Clock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import type { Database } from './platform/db/database.ts';
import authPlugin from './platform/http/auth.plugin.ts';
import errorsPlugin, { clientErrorHandler, frameworkErrors } from './platform/http/errors.plugin.ts';
import inputPlugin, { validatorFactory } from './platform/http/input.plugin.ts';
import securityPlugin from './platform/http/security.plugin.ts';
import { loggerOptions } from './platform/log.ts';
import accessRoutes from './web/access/routes.ts';
import analysisRoutes from './web/analysis/routes.ts';
import bedsRoutes from './web/beds/routes.ts';
import careRoutes from './web/care/routes.ts';
import engagementRoutes from './web/engagement/routes.ts';
import financeRoutes from './web/finance/routes.ts';
import directoryRoutes from './web/directory/routes.ts';
import interopRoutes from './web/interop/routes.ts';
import { Navigation } from './web/nav.ts';
import offerRoutes from './web/offer/routes.ts';
import outcomesRoutes from './web/outcomes/routes.ts';
import oidcRoutes from './web/platform/oidc.routes.ts';
import platformRoutes from './web/platform/routes.ts';
import renderPlugin from './web/render.plugin.ts';
import { offlineStylesheet } from './web/offline-styles.ts';
import schedulingRoutes from './web/scheduling/routes.ts';
import silverTriageRoutes from './web/silver-triage/routes.ts';
import monitoringRoutes from './web/monitoring/routes.ts';
import virtualWardRoutes from './web/virtual-wards/routes.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export type AppDeps = {
  config: Config;
  database: Database;
  /** Business time: routes read `clock.now()` once per request and pass it into services (tests fix it). */
  clock: Clock;
  /** True when this database holds the demo data (shows the demo banner and the demo accounts list). */
  demoMode: boolean;
};

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database } = deps;
  const app = Fastify({
    logger: loggerOptions(config.logLevel),
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    // Give in-flight requests time to finish on shutdown, and close idle keep-alive sockets at once.
    forceCloseConnections: 'idle',
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
    // JSON API bodies are validated as sent; text from query strings, paths and forms is coerced.
    schemaController: { compilersFactory: { buildValidator: validatorFactory() as never } },
    // Router and HTTP-parser errors answer in the same one error shape as everything else.
    frameworkErrors,
    clientErrorHandler,
  });
  const navigation = new Navigation();

  await app.register(securityPlugin, { config, db: database.db });
  await app.register(renderPlugin, { navigation, demoMode: () => deps.demoMode });
  await app.register(errorsPlugin);
  await app.register(authPlugin, { db: database.db, config });
  await app.register(inputPlugin);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Core Offer API',
        version: '0.1.0',
        description:
          'JSON API of Core Offer. Send an API token as `Authorization: Bearer <token>`; an administrator issues tokens, each scoped to one role.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // Only JSON routes belong in the API description; pages are for people.
    transform: ({ schema, url }) => ({
      schema: url.startsWith('/api/') && url !== '/api/openapi.json' ? schema : { ...schema, hide: true },
      url,
    }),
  });

  // The stylesheet without its assets.nhs.uk fonts (see web/offline-styles.ts); this exact route wins over
  // the static folder's wildcard below.
  const nhsukDir = path.resolve(here, '../node_modules/nhsuk-frontend/dist/nhsuk');
  const nhsukStylesheet = offlineStylesheet(path.join(nhsukDir, 'nhsuk-frontend.min.css'));
  app.get('/assets/nhsuk/nhsuk-frontend.min.css', { schema: { hide: true } }, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(nhsukStylesheet),
  );
  await app.register(fastifyStatic, {
    root: nhsukDir,
    prefix: '/assets/nhsuk/',
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: path.resolve(here, '../node_modules/nhsuk-frontend/dist/nhsuk/assets'),
    prefix: '/assets/',
    decorateReply: false,
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: path.join(here, 'web/static'),
    prefix: '/static/',
    decorateReply: false,
    maxAge: '1h',
  });

  await app.register(platformRoutes, { deps, navigation });
  await app.register(directoryRoutes, { deps, navigation });
  await app.register(analysisRoutes, { deps, navigation });
  await app.register(offerRoutes, { deps, navigation });
  await app.register(outcomesRoutes, { deps, navigation });
  await app.register(accessRoutes, { deps, navigation });
  await app.register(schedulingRoutes, { deps, navigation });
  await app.register(virtualWardRoutes, { deps, navigation });
  await app.register(silverTriageRoutes, { deps, navigation });
  await app.register(monitoringRoutes, { deps, navigation });
  await app.register(bedsRoutes, { deps, navigation });
  await app.register(careRoutes, { deps, navigation });
  await app.register(financeRoutes, { deps, navigation });
  await app.register(interopRoutes, { deps, navigation });
  await app.register(engagementRoutes, { deps, navigation });
  await app.register(oidcRoutes, { deps });
  return app;
}
