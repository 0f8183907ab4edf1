// The interoperability area: Open Referral UK 3.0 at /oruk, FHIR R4 UK Core at /fhir.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Navigation } from '../nav.ts';
import fhirRoutes from './fhir.routes.ts';
import orukRoutes from './oruk.routes.ts';

export default async function interopRoutes(app: FastifyInstance, { deps }: { deps: AppDeps; navigation: Navigation }) {
  await app.register(orukRoutes, { deps });
  await app.register(fhirRoutes, { deps, prefix: '/fhir' });
}
