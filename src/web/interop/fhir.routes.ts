// FHIR R4 (UK Core) at /fhir: the CapabilityStatement, read and search of the directory's Organization,
// Location and HealthcareService (public, like the directory), and of Patient and ServiceRequest for the
// central point of access's staff (legitimate relationships only, audited). Answers are
// application/fhir+json; every error, from any layer (schema, policy, domain, unknown path), leaves as an
// OperationOutcome.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import { ACCESS_STAFF } from '../../modules/access/index.ts';
import { CARE_STAFF } from '../../modules/care/index.ts';
import { WARD_STAFF } from '../../modules/virtualwards/index.ts';
import { ValidationError } from '../../platform/errors.ts';
import { createHash } from 'node:crypto';
import {
  type CareResourceType,
  type DateFilter,
  parseDateFilter,
  readCare,
  readObservation,
  readQuestionnaire,
  readQuestionnaireResponse,
  searchCare,
  searchObservations,
  searchQuestionnaireResponses,
  searchQuestionnaires,
  capabilityStatement,
  createServiceRequest,
  FHIR_DEFAULT_COUNT,
  FHIR_JSON,
  FHIR_MAX_COUNT,
  type FhirMatches,
  issueCodeFor,
  operationOutcome,
  pageLinks,
  parseToken,
  readHealthcareService,
  readLocation,
  readOrganization,
  readPatient,
  readServiceRequest,
  searchHealthcareServices,
  searchLocations,
  searchOrganizations,
  searchPatients,
  searchServiceRequests,
  searchsetBundle,
} from '../../modules/interop/index.ts';

const Paging = {
  _count: Type.Optional(Type.Integer({ minimum: 1, maximum: FHIR_MAX_COUNT })),
  _offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  _format: Type.Optional(Type.String({ maxLength: 40 })),
};
const Id = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9\\-.]{1,64}$' }) });
const Text = Type.Optional(Type.String({ maxLength: 200 }));
/** `_lastUpdated`, once or twice (a range: `ge…&_lastUpdated=lt…`). */
const LastUpdated = Type.Optional(
  Type.Union([Type.String({ maxLength: 40 }), Type.Array(Type.String({ maxLength: 40 }), { maxItems: 2 })]),
);

function lastUpdated(value: string | string[] | undefined): DateFilter[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map((v) => {
    const f = parseDateFilter(v);
    if (!f)
      throw new ValidationError([
        {
          field: '_lastUpdated',
          message:
            '_lastUpdated must be a date or date and time with a zone, after eq, gt, ge, lt or le (ge2026-03-01)',
        },
      ]);
    return f;
  });
}
const statuses = (v: string | undefined) =>
  v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The field of a schema or domain error as a FHIRPath-like expression: `querystring._count` → `_count`. */
function expression(field: string): string {
  return field.replace(/^(querystring|params|body)\./, '');
}

export default async function fhirRoutes(appBase: FastifyInstance, { deps }: { deps: AppDeps }) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const publicSystem = () => deps.config.defaultSystem;
  const base = (request: FastifyRequest) => `${request.protocol}://${request.host}/fhir`;
  const started = deps.clock.now().toISOString();

  // Every JSON error in this area (the platform's {"error": …} body) becomes an OperationOutcome.
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (reply.statusCode < 400 || !type.startsWith('application/json') || typeof payload !== 'string') return payload;
    let body: { error?: { status: number; message: string; fields?: { field: string; message: string }[] } };
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    if (!body.error) return payload;
    const code = issueCodeFor(reply.statusCode);
    const issues = body.error.fields?.length
      ? body.error.fields.map((f) => ({ code, text: f.message, expression: expression(f.field) }))
      : [{ code, text: body.error.message }];
    reply.type(`${FHIR_JSON}; charset=utf-8`);
    return JSON.stringify(operationOutcome(issues));
  });

  // FHIR's own media type carries JSON.
  app.addContentTypeParser(FHIR_JSON, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'ignore'));

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type(`${FHIR_JSON}; charset=utf-8`)
      .send(
        operationOutcome([
          { code: 'not-supported', text: `This server has no ${request.method} ${request.url.split('?')[0]}` },
        ]),
      ),
  );

  const fhir = (reply: FastifyReply, body: unknown) => reply.type(`${FHIR_JSON}; charset=utf-8`).send(body);

  function bundle(
    request: FastifyRequest,
    reply: FastifyReply,
    type: string,
    found: FhirMatches,
    q: { _count?: number; _offset?: number },
  ) {
    const count = q._count ?? FHIR_DEFAULT_COUNT;
    const offset = q._offset ?? 0;
    const params = new URLSearchParams(request.url.split('?')[1] ?? '');
    params.delete('_count');
    params.delete('_offset');
    const links = pageLinks(base(request), type, params, offset, count, found.total);
    return fhir(reply, searchsetBundle(base(request), found.resources, found.total, links, deps.clock.now()));
  }
  const paging = (q: { _count?: number; _offset?: number }) => ({
    offset: q._offset ?? 0,
    count: q._count ?? FHIR_DEFAULT_COUNT,
  });
  const readOptions = (request: FastifyRequest) => ({ now: deps.clock.now(), requestId: request.id });

  app.get('/metadata', { config: { policy: 'public' } }, async (request, reply) =>
    fhir(reply, capabilityStatement(base(request), started, { name: 'Core Offer', version: '0.1.0' })),
  );

  // Directory: public ------------------------------------------------------------------------------
  app.get(
    '/Organization',
    {
      config: { policy: 'public' },
      schema: { querystring: Type.Object({ identifier: Text, name: Text, ...Paging }) },
    },
    async (request, reply) => {
      const q = request.query;
      const found = await searchOrganizations(
        db,
        publicSystem(),
        { identifier: q.identifier ? parseToken(q.identifier) : undefined, name: q.name },
        paging(q),
      );
      return bundle(request, reply, 'Organization', found, q);
    },
  );
  app.get('/Organization/:id', { config: { policy: 'public' }, schema: { params: Id } }, async (request, reply) =>
    fhir(reply, await readOrganization(db, publicSystem(), request.params.id)),
  );

  app.get(
    '/Location',
    {
      config: { policy: 'public' },
      schema: { querystring: Type.Object({ organization: Text, name: Text, ...Paging }) },
    },
    async (request, reply) => {
      const q = request.query;
      const found = await searchLocations(
        db,
        publicSystem(),
        { organization: q.organization, name: q.name },
        paging(q),
      );
      return bundle(request, reply, 'Location', found, q);
    },
  );
  app.get('/Location/:id', { config: { policy: 'public' }, schema: { params: Id } }, async (request, reply) =>
    fhir(reply, await readLocation(db, publicSystem(), request.params.id)),
  );

  app.get(
    '/HealthcareService',
    {
      config: { policy: 'public' },
      schema: { querystring: Type.Object({ organization: Text, 'service-type': Text, name: Text, ...Paging }) },
    },
    async (request, reply) => {
      const q = request.query;
      const found = await searchHealthcareServices(
        db,
        publicSystem(),
        {
          organization: q.organization,
          serviceType: q['service-type'] ? parseToken(q['service-type']) : undefined,
          name: q.name,
        },
        paging(q),
      );
      return bundle(request, reply, 'HealthcareService', found, q);
    },
  );
  app.get('/HealthcareService/:id', { config: { policy: 'public' }, schema: { params: Id } }, async (request, reply) =>
    fhir(reply, await readHealthcareService(db, publicSystem(), request.params.id)),
  );

  // People and referrals: central point of access staff, legitimate relationships only --------------
  const staff = { policy: ACCESS_STAFF };

  app.get(
    '/Patient',
    { config: staff, schema: { querystring: Type.Object({ identifier: Text, _lastUpdated: LastUpdated, ...Paging }) } },
    async (request, reply) => {
      const q = request.query;
      const found = await searchPatients(
        db,
        request.actor!,
        { identifier: q.identifier ? parseToken(q.identifier) : undefined, lastUpdated: lastUpdated(q._lastUpdated) },
        paging(q),
        readOptions(request),
      );
      return bundle(request, reply, 'Patient', found, q);
    },
  );
  app.get('/Patient/:id', { config: staff, schema: { params: Id } }, async (request, reply) =>
    fhir(reply, await readPatient(db, request.actor!, request.params.id, readOptions(request))),
  );

  app.get(
    '/ServiceRequest',
    {
      config: staff,
      schema: {
        querystring: Type.Object({
          patient: Text,
          'patient:identifier': Text,
          identifier: Text,
          status: Type.Optional(Type.String({ maxLength: 100 })),
          _lastUpdated: LastUpdated,
          ...Paging,
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const found = await searchServiceRequests(
        db,
        request.actor!,
        {
          patient: q.patient,
          patientIdentifier: q['patient:identifier'] ? parseToken(q['patient:identifier']) : undefined,
          identifier: q.identifier ? parseToken(q.identifier) : undefined,
          status: statuses(q.status),
          lastUpdated: lastUpdated(q._lastUpdated),
        },
        paging(q),
        readOptions(request),
      );
      return bundle(request, reply, 'ServiceRequest', found, q);
    },
  );
  app.post(
    '/ServiceRequest',
    {
      config: staff,
      schema: {
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })),
          'if-none-exist': Type.Optional(Type.String({ maxLength: 1000 })),
        }),
      },
    },
    async (request, reply) => {
      const ine = request.headers['if-none-exist'];
      // If-None-Exist is honoured as an idempotency key: the same condition and body give the same referral.
      const idempotencyKey =
        request.headers['idempotency-key'] ??
        (ine ? `if-none-exist:${createHash('sha256').update(ine).digest('hex').slice(0, 48)}` : undefined);
      const { resource, replayed } = await createServiceRequest(db, request.actor!, request.body, {
        ...readOptions(request),
        idempotencyKey,
      });
      if (replayed) reply.header('idempotency-replayed', 'true');
      reply.header('location', `${base(request)}/ServiceRequest/${resource.id}`);
      // A retry gets the same answer as the first call, as on the JSON API.
      return fhir(reply.status(201), resource);
    },
  );
  app.get('/ServiceRequest/:id', { config: staff, schema: { params: Id } }, async (request, reply) =>
    fhir(reply, await readServiceRequest(db, request.actor!, request.params.id, readOptions(request))),
  );

  // Care coordination: case managers, clinicians and the central point of access, relationships only -----
  const care = { policy: CARE_STAFF };
  const CareQuery = Type.Object({
    patient: Text,
    'patient:identifier': Text,
    identifier: Text,
    status: Type.Optional(Type.String({ maxLength: 100 })),
    _lastUpdated: LastUpdated,
    ...Paging,
  });
  type CareQs = {
    patient?: string;
    'patient:identifier'?: string;
    identifier?: string;
    status?: string;
    _lastUpdated?: string | string[];
  };
  const careQuery = (q: CareQs) => ({
    patient: q.patient,
    patientIdentifier: q['patient:identifier'] ? parseToken(q['patient:identifier']) : undefined,
    identifier: q.identifier ? parseToken(q.identifier) : undefined,
    status: statuses(q.status),
    lastUpdated: lastUpdated(q._lastUpdated),
  });
  for (const type of ['EpisodeOfCare', 'CarePlan', 'CareTeam', 'Task', 'Appointment'] as CareResourceType[]) {
    app.get(`/${type}`, { config: care, schema: { querystring: CareQuery } }, async (request, reply) => {
      const q = request.query;
      const found = await searchCare(db, request.actor!, type, careQuery(q), paging(q), readOptions(request));
      return bundle(request, reply, type, found, q);
    });
    app.get(`/${type}/:id`, { config: care, schema: { params: Id } }, async (request, reply) =>
      fhir(reply, await readCare(db, request.actor!, type, request.params.id, readOptions(request))),
    );
  }

  // The holistic assessment: the form is public, the answers are care records -------------------------
  app.get(
    '/Questionnaire',
    {
      config: { policy: 'public' },
      schema: { querystring: Type.Object({ url: Text, status: Text, ...Paging }) },
    },
    async (request, reply) => {
      const q = request.query;
      return bundle(
        request,
        reply,
        'Questionnaire',
        searchQuestionnaires({ url: q.url, status: statuses(q.status) }, paging(q)),
        q,
      );
    },
  );
  app.get('/Questionnaire/:id', { config: { policy: 'public' }, schema: { params: Id } }, async (request, reply) =>
    fhir(reply, readQuestionnaire(request.params.id)),
  );
  app.get('/QuestionnaireResponse', { config: care, schema: { querystring: CareQuery } }, async (request, reply) => {
    const q = request.query;
    const found = await searchQuestionnaireResponses(db, request.actor!, careQuery(q), paging(q), readOptions(request));
    return bundle(request, reply, 'QuestionnaireResponse', found, q);
  });
  app.get('/QuestionnaireResponse/:id', { config: care, schema: { params: Id } }, async (request, reply) =>
    fhir(reply, await readQuestionnaireResponse(db, request.actor!, request.params.id, readOptions(request))),
  );

  // Virtual ward observations: ward clinicians and coordinators, relationships only ----------------------
  const ward = { policy: [...WARD_STAFF] };
  app.get(
    '/Observation',
    {
      config: ward,
      schema: {
        querystring: Type.Object({
          'patient:identifier': Text,
          identifier: Text,
          code: Text,
          status: Type.Optional(Type.String({ maxLength: 100 })),
          _lastUpdated: LastUpdated,
          ...Paging,
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const found = await searchObservations(
        db,
        request.actor!,
        {
          patientIdentifier: q['patient:identifier'] ? parseToken(q['patient:identifier']) : undefined,
          identifier: q.identifier ? parseToken(q.identifier) : undefined,
          code: q.code ? parseToken(q.code) : undefined,
          status: statuses(q.status),
          lastUpdated: lastUpdated(q._lastUpdated),
        },
        paging(q),
        readOptions(request),
      );
      return bundle(request, reply, 'Observation', found, q);
    },
  );
  app.get('/Observation/:id', { config: ward, schema: { params: Id } }, async (request, reply) =>
    fhir(reply, await readObservation(db, request.actor!, request.params.id, readOptions(request))),
  );
}
