// FHIR R4 (UK Core) at /fhir, on every engine. Every resource the server returns is valid FHIR R4
// (@medplum/core's validator) and conforms to the UK Core profile it claims (checked against the profiles'
// own differentials); searches page with next/previous links; errors are OperationOutcomes; Patient and
// ServiceRequest show only people the caller has a legitimate relationship with, and every read is audited.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { nhsNumberCheckDigit } from '../src/modules/access/index.ts';
import { getPublishedOffer } from '../src/modules/offer/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { relate } from '../src/platform/auth/relationships.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';
import { fhirXmlToJson } from './support/fhir-xml.ts';
import { STANDARDS } from './support/standards.ts';
import { baseProblems, fhirProblems, knownProfiles, ukCoreProblems } from './support/fhir.ts';

// biome-ignore lint/suspicious/noExplicitAny: FHIR JSON
type Json = any;

function assertValid(resource: Json, label = resource.resourceType) {
  const problems = fhirProblems(resource);
  assert.deepEqual(problems, [], `${label}:\n${problems.join('\n')}`);
}

function assertBundle(body: Json) {
  assert.equal(body.resourceType, 'Bundle');
  assert.equal(body.type, 'searchset');
  assertValid(body, 'Bundle');
  for (const e of body.entry ?? []) {
    assertValid(e.resource, `${e.resource.resourceType}/${e.resource.id}`);
    assert.ok(e.fullUrl.endsWith(`/${e.resource.resourceType}/${e.resource.id}`));
  }
}

/** A valid NHS number (check digit and all) that no other test uses. */
function nhsNumber(n: number): string {
  for (let k = n; ; k++) {
    const base = `95${String(k).padStart(7, '0')}`;
    const digit = nhsNumberCheckDigit(base);
    if (digit !== null) return `${base}${digit}`;
  }
}

function fhirReferral(n: number, overrides: Json = {}) {
  return {
    resourceType: 'ServiceRequest',
    meta: { profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-ServiceRequest'] },
    contained: [
      {
        resourceType: 'Patient',
        id: 'p',
        identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber(n) }],
        name: [{ use: 'official', family: `Fhirperson${n}`, given: ['Test'] }],
        telecom: [{ system: 'email', value: `fhir${n}@example.org`, rank: 1 }],
        birthDate: '1950-04-02',
        address: [{ postalCode: 'N19 5HX' }],
        generalPractitioner: [
          { identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'F83004' } },
        ],
      },
    ],
    status: 'active',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: 'urn:core-offer:component', code: 'podiatry' }] },
    subject: { reference: '#p' },
    requester: { display: 'Dr Example, GP' },
    reasonCode: [{ text: 'Painful corns, hard to walk' }],
    ...overrides,
  };
}

const bearer = (role: string) => ({ authorization: `Bearer fhir-${role}` });
const link = (b: Json, rel: string) => b.link.find((l: Json) => l.relation === rel)?.url as string | undefined;
const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');

const EXAMPLES = path.join(STANDARDS, 'fhir-uk-core/examples');
/** A UK Core example instance, converted from the published XML, claiming its profile when it does not. */
function ukCoreExample(name: string): Json {
  const json = fhirXmlToJson(readFileSync(path.join(EXAMPLES, name), 'utf8'));
  json.meta ??= {};
  json.meta.profile ??= [`https://fhir.hl7.org.uk/StructureDefinition/UKCore-${json.resourceType}`];
  return json;
}

test('UK Core’s own examples (converted from XML) pass both checkers: they are calibrated on the standard', () => {
  // Every example instance (the NEWS2 Bundle is a collection, checked entry by entry in interop-fhir-care).
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.xml') && !f.includes('-Bundle-'));
  assert.equal(files.length, 31);
  for (const f of files) assert.deepEqual(fhirProblems(ukCoreExample(f)), [], f);
});

test('the checkers catch what they should (so a pass means something)', () => {
  assert.ok(knownProfiles().includes('https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient'));
  assert.notDeepEqual(baseProblems({ resourceType: 'Patient', birthDate: 'yesterday' }), []);
  assert.notDeepEqual(baseProblems({ resourceType: 'Patient', colour: 'blue' }), []);
  const profile = { profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient'] };
  const nhs = (code: string) => ({
    system: 'https://fhir.nhs.uk/Id/nhs-number',
    value: '9000000009',
    extension: [
      {
        url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus',
        valueCodeableConcept: {
          coding: [{ system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland', code }],
        },
      },
    ],
  });
  assert.deepEqual(ukCoreProblems({ resourceType: 'Patient', meta: profile, identifier: [nhs('01')] }), []);
  assert.match(
    ukCoreProblems({ resourceType: 'Patient', meta: profile, identifier: [nhs('99')] }).join(),
    /must be a code/,
  );
  assert.match(
    ukCoreProblems({ resourceType: 'Patient', meta: profile, identifier: [nhs('01'), nhs('02')] }).join(),
    /at most 1/,
  );
  assert.match(
    ukCoreProblems({
      resourceType: 'Patient',
      meta: profile,
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number' }],
    }).join(),
    /value is required/,
  );
  assert.match(ukCoreProblems({ resourceType: 'Patient' }).join(), /claims no UK Core profile/);
});

for (const engine of testEngines()) {
  describe(`FHIR R4 on ${engine}`, () => {
    let t: TestApp;
    let referral: { id: string; person_id: string; reference: string };
    let other: { id: string; person_id: string };
    before(async () => {
      t = await startTestApp(engine);
      // Tokens of our own: the demo tokens exist only on the embedded database.
      for (const role of ['spa', 'clinician', 'commissioner'] as const) {
        await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), { label: role, role, value: `fhir-${role}` });
      }
      const rows = (
        await sql<{ id: string; person_id: string; reference: string }>`
          select id::text as id, person_id::text as person_id, reference from access_referrals
          where system_id = ${DEMO_SYSTEM.id} order by received_at, id`.execute(t.database.db)
      ).rows;
      referral = rows[0]!;
      other = rows.find((r) => r.person_id !== referral.person_id)!;
      // The central point of access holds this person's referral: that is its legitimate relationship.
      await relate(t.database.db, {
        systemId: DEMO_SYSTEM.id,
        personId: referral.person_id,
        grantee: { role: 'spa' },
        basis: 'referral',
        sourceType: 'referral',
        sourceId: referral.id,
        at: new Date('2020-01-01T00:00:00Z'),
      });
      // Access grants the hub every referral it holds; this person's referrals have left it (their relationships
      // ended), so the hub must no longer find them.
      await sql`update person_relationships set ends_at = ${new Date('2020-01-02T00:00:00Z')}
        where person_id = ${other.person_id}`.execute(t.database.db);
    });
    after(async () => t?.close());

    const get = (url: string, headers: Record<string, string> = {}) =>
      t.app.inject({ url, headers: { accept: 'application/fhir+json', ...headers } });

    test('the CapabilityStatement says what is supported, and is valid', async () => {
      const res = await get('/fhir/metadata');
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^application\/fhir\+json/);
      const cs = res.json();
      assertValid(cs);
      assert.equal(cs.fhirVersion, '4.0.1');
      const types = cs.rest[0].resource.map((r: Json) => r.type).sort();
      assert.deepEqual(types, [
        'Appointment',
        'CarePlan',
        'CareTeam',
        'EpisodeOfCare',
        'HealthcareService',
        'Location',
        'Observation',
        'Organization',
        'Patient',
        'Questionnaire',
        'QuestionnaireResponse',
        'ServiceRequest',
        'Task',
      ]);
      // Every search parameter it declares is accepted by the server (none is advertised and then refused).
      for (const r of cs.rest[0].resource) {
        for (const p of r.searchParam) {
          const v = p.type === 'number' ? '1' : 'x';
          const probe = await get(`/fhir/${r.type}?${p.name}=${v}`, bearer('spa'));
          assert.notEqual(probe.statusCode, 404, `${r.type}?${p.name}`);
        }
      }
    });

    test('Organization: read and search by ODS code, valid UK Core', async () => {
      const rke = await get('/fhir/Organization/RKE');
      assert.equal(rke.statusCode, 200);
      const org = rke.json();
      assertValid(org);
      assert.deepEqual(org.identifier, [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'RKE' }]);
      assert.equal(org.name, 'Whittington Health NHS Trust');
      const byCode = (
        await get('/fhir/Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|RKE')
      ).json();
      assertBundle(byCode);
      assert.equal(byCode.total, 1);
      assert.equal(byCode.entry[0].resource.id, 'RKE');
      const wrongSystem = (await get('/fhir/Organization?identifier=https://example.org|RKE')).json();
      assert.equal(wrongSystem.total, 0);
      const all = (await get('/fhir/Organization?_count=100')).json();
      assertBundle(all);
      assert.ok(all.total > 5);
    });

    test('HealthcareService: every directory service and offer component, paged with links, valid UK Core', async () => {
      const components = (await getPublishedOffer(t.database.db, DEMO_SYSTEM.id))!.components.length;
      const first = (await get('/fhir/HealthcareService?_count=50')).json();
      assertBundle(first);
      assert.equal(first.total, 306 + components);
      assert.equal(first.entry.length, 50);
      assert.equal(link(first, 'previous'), undefined);
      const seen = new Set<string>(first.entry.map((e: Json) => e.resource.id));
      let next = link(first, 'next');
      let pages = 1;
      while (next) {
        const page = (await get(pathOf(next))).json();
        assertBundle(page);
        for (const e of page.entry) seen.add(e.resource.id);
        next = link(page, 'next');
        pages++;
      }
      assert.equal(pages, Math.ceil((306 + components) / 50));
      assert.equal(seen.size, 306 + components, 'following next visits every service once');
      const nursing = (
        await get('/fhir/HealthcareService?service-type=urn:core-offer:component|district-nursing')
      ).json();
      assertBundle(nursing);
      assert.equal(
        nursing.total,
        6,
        'the five district nursing services of the directory, and the component as commissioned',
      );
      const commissioned = (await get('/fhir/HealthcareService/offer-district-nursing')).json();
      assertValid(commissioned);
      assert.equal(commissioned.providedBy.reference, `Organization/${DEMO_SYSTEM.id}`);
      assert.equal(commissioned.coverageArea.length, 5, 'every NCL borough');
      const one = (await get('/fhir/HealthcareService/barnet-adhd-assessment')).json();
      assertValid(one);
      assert.equal(one.providedBy.reference, 'Organization/RRP');
      assert.equal(one.coverageArea[0].display, 'Barnet');
      assert.equal(one.type[0].coding[0].code, 'adhd-assessment');
    });

    test('Location: the directory sites, valid UK Core', async () => {
      const all = (await get('/fhir/Location')).json();
      assertBundle(all);
      assert.equal(all.total, 6);
      const site = (await get('/fhir/Location/whittington-hospital')).json();
      assertValid(site);
      assert.equal(site.address.postalCode, 'N19 5NF');
      assert.equal(site.managingOrganization.reference, 'Organization/RKE');
      const byOrg = (await get('/fhir/Location?organization=Organization/RKE')).json();
      assert.ok(byOrg.entry.every((e: Json) => e.resource.managingOrganization.reference === 'Organization/RKE'));
    });

    test('errors are OperationOutcomes naming the parameter, as application/fhir+json', async () => {
      const missing = await get('/fhir/Organization/NOPE');
      assert.equal(missing.statusCode, 404);
      assert.match(missing.headers['content-type'] as string, /^application\/fhir\+json/);
      assertValid(missing.json());
      assert.equal(missing.json().issue[0].code, 'not-found');
      const bad = await get('/fhir/HealthcareService?_count=1000');
      assert.equal(bad.statusCode, 400);
      const oo = bad.json();
      assertValid(oo);
      assert.equal(oo.resourceType, 'OperationOutcome');
      assert.deepEqual(oo.issue[0].expression, ['_count']);
      const unknown = await get('/fhir/Medication');
      assert.equal(unknown.statusCode, 404);
      assertValid(unknown.json());
      assert.equal(unknown.json().issue[0].code, 'not-supported');
      const anonymous = await get('/fhir/Patient');
      assert.equal(anonymous.statusCode, 401);
      assertValid(anonymous.json());
      assert.equal(anonymous.json().issue[0].code, 'login');
      const commissioner = await get('/fhir/Patient', bearer('commissioner'));
      assert.equal(commissioner.statusCode, 403);
      assert.equal(commissioner.json().issue[0].code, 'forbidden');
    });

    test('Patient and ServiceRequest: only people with a legitimate relationship, valid UK Core, audited', async () => {
      const spa = bearer('spa');
      const patients = (await get('/fhir/Patient', spa)).json();
      assertBundle(patients);
      const visible = (
        await sql<{ n: number }>`select count(distinct person_id)::int as n from person_relationships
          where grantee_kind = 'role' and grantee = 'spa' and (ends_at is null or ends_at > now())`.execute(
          t.database.db,
        )
      ).rows[0]!.n;
      assert.equal(
        patients.total,
        visible,
        'the central point of access sees exactly the people it holds referrals for',
      );
      const patient = patients.entry.find((e: Json) => e.resource.id === referral.person_id).resource;
      assert.equal(patient.id, referral.person_id);
      assert.equal(patient.identifier[0].system, 'https://fhir.nhs.uk/Id/nhs-number');
      assert.equal(patient.identifier[0].extension[0].valueCodeableConcept.coding[0].code, '02');
      const nhs = patient.identifier[0].value;
      const byNhs = (await get(`/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|${nhs}`, spa)).json();
      assert.equal(byNhs.total, 1);
      assertValid((await get(`/fhir/Patient/${referral.person_id}`, spa)).json());

      const requests = (await get(`/fhir/ServiceRequest?patient=Patient/${referral.person_id}`, spa)).json();
      assertBundle(requests);
      assert.ok(requests.total >= 1);
      const sr = (await get(`/fhir/ServiceRequest/${referral.id}`, spa)).json();
      assertValid(sr);
      assert.equal(sr.identifier[0].value, referral.reference);
      assert.equal(sr.subject.reference, `Patient/${referral.person_id}`);
      assert.equal(sr.intent, 'order');
      const byNhsRef = (
        await get(`/fhir/ServiceRequest?patient:identifier=https://fhir.nhs.uk/Id/nhs-number|${nhs}`, spa)
      ).json();
      assert.equal(byNhsRef.total, requests.total);
      const byRef = (await get(`/fhir/ServiceRequest?identifier=${referral.reference}`, spa)).json();
      assert.equal(byRef.total, 1);
      const active = (await get(`/fhir/ServiceRequest?status=${sr.status}`, spa)).json();
      assert.ok(active.entry.some((e: Json) => e.resource.id === referral.id));
      const badStatus = await get('/fhir/ServiceRequest?status=sideways', spa);
      assert.equal(badStatus.statusCode, 400);
      assert.deepEqual(badStatus.json().issue[0].expression, ['status']);

      // Someone the caller has no relationship with is "not found", and the refusal is audited.
      const hidden = await get(`/fhir/Patient/${other.person_id}`, spa);
      assert.equal(hidden.statusCode, 404);
      assertValid(hidden.json());
      assert.equal((await get(`/fhir/ServiceRequest/${other.id}`, spa)).statusCode, 404);
      const clinician = (await get('/fhir/Patient', bearer('clinician'))).json();
      assert.equal(clinician.total, 0, 'no relationship, no one listed');

      const audit = (
        await sql<{ action: string; outcome: string; record_id: string | null }>`
          select action, outcome, record_id from audit_log where action in ('person.read', 'person.refused', 'referral.read', 'person.list')`.execute(
          t.database.db,
        )
      ).rows;
      assert.ok(audit.some((a) => a.action === 'person.read' && a.record_id === referral.person_id));
      assert.ok(audit.some((a) => a.action === 'referral.read' && a.record_id === referral.id));
      assert.ok(audit.some((a) => a.action === 'person.refused' && a.outcome === 'refused'));
      assert.ok(audit.some((a) => a.action === 'person.list'));
    });
    test('_lastUpdated filters Patient and ServiceRequest by when the record last changed', async () => {
      const spa = bearer('spa');
      const sr = (await get(`/fhir/ServiceRequest/${referral.id}`, spa)).json();
      const at = sr.meta.lastUpdated as string;
      const total = (await get('/fhir/ServiceRequest', spa)).json().total;
      const from = (await get(`/fhir/ServiceRequest?_lastUpdated=ge${at}&_count=100`, spa)).json();
      const before = (await get(`/fhir/ServiceRequest?_lastUpdated=lt${at}&_count=100`, spa)).json();
      assertBundle(from);
      assert.equal(from.total + before.total, total, 'ge and lt the same instant split the referrals exactly');
      assert.ok(
        from.entry.some((e: Json) => e.resource.id === referral.id),
        'the referral changed at that instant is in ge',
      );
      assert.ok(from.entry.every((e: Json) => Date.parse(e.resource.meta.lastUpdated) >= Date.parse(at)));
      assert.ok(before.entry.every((e: Json) => Date.parse(e.resource.meta.lastUpdated) < Date.parse(at)));
      const day = at.slice(0, 10);
      const sameDay = (await get(`/fhir/ServiceRequest?_lastUpdated=${day}&_count=100`, spa)).json();
      assert.ok(
        sameDay.entry.some((e: Json) => e.resource.id === referral.id),
        'eq a whole day',
      );
      const range = (await get(`/fhir/ServiceRequest?_lastUpdated=ge2001-01-01&_lastUpdated=lt2001-01-02`, spa)).json();
      assert.equal(range.total, 0);
      const patient = (await get(`/fhir/Patient/${referral.person_id}`, spa)).json();
      const people = (await get(`/fhir/Patient?_lastUpdated=le${patient.meta.lastUpdated}&_count=100`, spa)).json();
      assertBundle(people);
      assert.ok(people.entry.some((e: Json) => e.resource.id === referral.person_id));
      const later = (await get(`/fhir/Patient?_lastUpdated=gt${patient.meta.lastUpdated}&_count=100`, spa)).json();
      assert.ok(!later.entry?.some((e: Json) => e.resource.id === referral.person_id));
      const bad = await get('/fhir/Patient?_lastUpdated=soon', spa);
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().issue[0].expression, ['_lastUpdated']);
    });
    test('a FHIR ServiceRequest creates one referral, also under retry, and says precisely what is wrong', async () => {
      const count = async () =>
        (await sql<{ n: number }>`select count(*)::int as n from access_referrals`.execute(t.database.db)).rows[0]!.n;
      const post = (body: unknown, headers: Record<string, string> = {}) =>
        t.app.inject({
          method: 'POST',
          url: '/fhir/ServiceRequest',
          payload: JSON.stringify(body),
          headers: {
            ...bearer('spa'),
            'content-type': 'application/fhir+json',
            accept: 'application/fhir+json',
            ...headers,
          },
        });
      const example = fhirReferral(1);
      assertValid(example, 'the example sent');
      const before = await count();
      const created = await post(example, { 'idempotency-key': `fhir-${engine}-1` });
      assert.equal(created.statusCode, 201, created.body);
      const sr = created.json();
      assertValid(sr);
      assert.match(sr.identifier[0].value, /^CPA-/);
      assert.equal(sr.status, 'active');
      assert.equal(sr.code.coding[0].code, 'podiatry');
      assert.ok(sr.performer?.[0]?.reference.startsWith('HealthcareService/'), 'routed to a directory service');
      assert.equal(created.headers.location, `http://localhost:80/fhir/ServiceRequest/${sr.id}`);
      const again = await post(example, { 'idempotency-key': `fhir-${engine}-1` });
      assert.equal(again.statusCode, 201);
      assert.equal(again.json().id, sr.id);
      assert.equal(again.headers['idempotency-replayed'], 'true');
      const retries = await Promise.all(
        Array.from({ length: 3 }, () => post(fhirReferral(2), { 'if-none-exist': 'identifier=x|fhir-2' })),
      );
      assert.equal(new Set(retries.map((r) => r.json().id)).size, 1);
      assert.equal(await count(), before + 2, 'two referrals for two requests, whatever the retries');

      const badNhs = fhirReferral(3);
      badNhs.contained[0]!.identifier[0]!.value = '1234567890';
      const refused = await post(badNhs);
      assert.equal(refused.statusCode, 400);
      const oo = refused.json();
      assertValid(oo);
      assert.deepEqual(oo.issue[0].expression, [
        "Patient.identifier.where(system='https://fhir.nhs.uk/Id/nhs-number').value",
      ]);
      const byNumberOnly = await post(
        fhirReferral(4, {
          contained: [],
          subject: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber(4) } },
        }),
      );
      assert.equal(byNumberOnly.statusCode, 400);
      assert.match(byNumberOnly.json().issue[0].diagnostics, /NHS number alone does not give the name/);
      assert.deepEqual(byNumberOnly.json().issue[0].expression, ['ServiceRequest.subject']);
      const noComponent = await post(fhirReferral(5, { code: { text: 'feet' } }));
      assert.equal(noComponent.statusCode, 400);
      const unknownComponent = await post(
        fhirReferral(6, { code: { coding: [{ system: 'urn:core-offer:component', code: 'juggling' }] } }),
      );
      assert.equal(unknownComponent.statusCode, 400);
      assert.match(unknownComponent.json().issue[0].expression[0], /^ServiceRequest\.code/);
      assert.equal((await post(fhirReferral(7), bearer('commissioner'))).statusCode, 403);
      assert.equal(await count(), before + 2, 'nothing refused was stored');
    });
    test('UK Core’s example ServiceRequest and Patient: refused, saying precisely why', async () => {
      const post = (body: unknown) =>
        t.app.inject({
          method: 'POST',
          url: '/fhir/ServiceRequest',
          payload: JSON.stringify(body),
          headers: { ...bearer('spa'), 'content-type': 'application/fhir+json' },
        });
      // As published: the subject is a reference to a Patient elsewhere and the code is a SNOMED CT procedure.
      const colonoscopy = ukCoreExample('UKCore-ServiceRequest-ColonoscopyRequest-Example.xml');
      const asPublished = await post(colonoscopy);
      assert.equal(asPublished.statusCode, 400);
      assert.deepEqual(
        asPublished.json().issue.map((i: Json) => i.expression[0]),
        ['ServiceRequest.subject', "ServiceRequest.code.coding.where(system='urn:core-offer:component').code"],
      );
      // With UK Core's example Patient contained and a core offer component: only the address is refused
      // (Richard Smith lives in Leeds, outside North Central London).
      const patient = { ...ukCoreExample('UKCore-Patient-RichardSmith-Example.xml'), id: 'p' };
      delete patient.meta;
      const contained = {
        ...colonoscopy,
        contained: [patient],
        subject: { reference: '#p' },
        code: { coding: [...colonoscopy.code.coding, { system: 'urn:core-offer:component', code: 'podiatry' }] },
      };
      assertValid(contained, 'the example with its Patient contained');
      const outside = await post(contained);
      assert.equal(outside.statusCode, 400);
      assert.deepEqual(
        outside.json().issue.map((i: Json) => i.expression[0]),
        ['Patient.address.postalCode'],
      );
    });
  });
}
