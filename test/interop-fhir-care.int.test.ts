// FHIR R4 (UK Core) for care coordination and virtual wards, on every engine: EpisodeOfCare, CarePlan,
// CareTeam, Task, Appointment, Questionnaire, QuestionnaireResponse and Observation (the observation set and
// the NEWS2 total as UK Core's EarlyWarningTotalScore). Every resource is valid FHIR R4 (@medplum/core) and
// conforms to the UK Core profile it claims (the profiles' own differentials); searches page and filter by
// patient, identifier, status and _lastUpdated; only people the caller has a legitimate relationship with are
// found, anyone else is "not found", and every read and refusal is audited. At a fixed clock.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { bookAppointment } from '../src/modules/care/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { relate } from '../src/platform/auth/relationships.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';
import { fhirProblems, ukCoreProblems } from './support/fhir.ts';
import { fhirXmlToJson } from './support/fhir-xml.ts';
import { STANDARDS } from './support/standards.ts';

// biome-ignore lint/suspicious/noExplicitAny: FHIR JSON
type Json = any;

const NOW = '2026-03-10T10:00:00.000Z';
const EWS = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation-EarlyWarningTotalScore';
const NEWS2_CODE = '1104051000000101';
/** The codes UK Core's own NEWS2 example uses: the total's category and unit, and each sub-score's SNOMED code. */
function news2ExampleCodes() {
  const b = fhirXmlToJson(
    readFileSync(path.join(STANDARDS, 'fhir-uk-core/examples/UKCore-Bundle-NEWS2Observations-Example.xml'), 'utf8'),
  );
  const total = b.entry.map((e: Json) => e.resource).find((r: Json) => r.code.coding[0].code === NEWS2_CODE);
  return {
    category: total.category[0].coding[0].code as string,
    unit: total.valueQuantity.code as string,
    components: new Set<string>(total.component.map((c: Json) => c.code.coding[0].code)),
  };
}

function assertValid(resource: Json, label = `${resource.resourceType}/${resource.id}`) {
  const problems = fhirProblems(resource);
  assert.deepEqual(problems, [], `${label}:\n${problems.join('\n')}`);
}
function assertBundle(body: Json) {
  assert.equal(body.resourceType, 'Bundle', JSON.stringify(body).slice(0, 400));
  assert.equal(body.type, 'searchset');
  assertValid(body, 'Bundle');
  for (const e of body.entry ?? []) assertValid(e.resource);
}
const ids = (b: Json) => (b.entry ?? []).map((e: Json) => e.resource.id).sort();
const link = (b: Json, rel: string) => b.link.find((l: Json) => l.relation === rel)?.url as string | undefined;
const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
const bearer = (role: string) => ({ authorization: `Bearer fhircare-${role}` });

const EXAMPLES = path.join(STANDARDS, 'fhir-uk-core/examples');
function example(name: string, profile?: string): Json {
  const json = fhirXmlToJson(readFileSync(path.join(EXAMPLES, name), 'utf8'));
  json.meta ??= {};
  json.meta.profile ??= [profile ?? `https://fhir.hl7.org.uk/StructureDefinition/UKCore-${json.resourceType}`];
  return json;
}

test('UK Core’s own care, assessment and early warning examples pass both checkers', () => {
  for (const f of [
    'UKCore-Appointment-OrthopaedicSurgery-Example.xml',
    'UKCore-CarePlan-WellnessPlan-Example.xml',
    'UKCore-CareTeam-WeightManagementTeam-Example.xml',
    'UKCore-EpisodeOfCare-SmokingCessationTherapy-Example.xml',
    'UKCore-Task-Colonoscopy-Example.xml',
    'UKCore-Questionnaire-EOLPlan-Example.xml',
    'UKCore-Questionnaire-FitnessForWork-Example.xml',
    'UKCore-Questionnaire-InpatientSurvey-Example.xml',
    'UKCore-QuestionnaireResponse-EOLPlan-Example.xml',
    'UKCore-QuestionnaireResponse-InpatientSurvey-Example.xml',
  ])
    assert.deepEqual(fhirProblems(example(f)), [], f);
  // UK Core's NEWS2 example: a collection of the readings and the total; the total is an EarlyWarningTotalScore.
  const news2 = example('UKCore-Bundle-NEWS2Observations-Example.xml', 'none');
  delete news2.meta;
  assert.deepEqual(fhirProblems(news2), [], 'the NEWS2 Bundle');
  const news2Total = news2.entry.map((e: Json) => e.resource).find((r: Json) => r.code.coding[0].code === NEWS2_CODE);
  news2Total.meta = { profile: [EWS] };
  assert.deepEqual(fhirProblems(news2Total), [], 'UK Core’s NEWS2 total');
  const npews = example('UKCore-Observation-NPEWSTotal-Example.xml', EWS);
  assert.deepEqual(fhirProblems(npews), [], 'the NPEWS total, as an EarlyWarningTotalScore');
  // The profile's fixed values are checked: a total that is not final, or not a {ScoreOf}, fails.
  assert.match(ukCoreProblems({ ...npews, status: 'preliminary' }).join(), /Observation.status must be final/);
  assert.match(
    ukCoreProblems({ ...npews, valueQuantity: { ...npews.valueQuantity, code: 'mm' } }).join(),
    /value\[x\]\.code must be \{ScoreOf\}/,
  );
  assert.match(ukCoreProblems({ ...npews, category: [npews.category[0], npews.category[0]] }).join(), /at most 1/);
});

for (const engine of testEngines()) {
  describe(`FHIR care and virtual wards on ${engine}`, () => {
    let t: TestApp;
    let mine: string; // a person with a care plan, actions and team, related to the case manager role
    let other: string; // a person with a care record and no relationship with anyone now
    let appointmentId: string;
    let admission: { id: string; patient_id: string; nhs_number: string };
    const get = (url: string, headers: Record<string, string> = {}) =>
      t.app.inject({ url, headers: { accept: 'application/fhir+json', ...headers } });

    before(async () => {
      t = await startTestApp(engine, { clock: fixedClock(NOW) });
      const db = t.database.db;
      for (const role of ['case_manager', 'clinician', 'commissioner', 'coordinator'] as const)
        await issueToken(db, systemActor(DEMO_SYSTEM.id), { label: role, role, value: `fhircare-${role}` });
      mine = (
        await sql<{ person_id: string }>`select person_id::text as person_id from care_plans
          where system_id = ${DEMO_SYSTEM.id} and status = 'active' order by created_at limit 1`.execute(db)
      ).rows[0]!.person_id;
      other = (
        await sql<{ person_id: string }>`select person_id::text as person_id from care_assessments
          where system_id = ${DEMO_SYSTEM.id} and person_id::text <> ${mine} order by created_at limit 1`.execute(db)
      ).rows[0]!.person_id;
      const since = new Date('2020-01-01T00:00:00Z');
      await sql`update person_relationships set ends_at = ${since} where grantee = 'case_manager' or person_id = ${other}`.execute(
        db,
      );
      await relate(db, {
        systemId: DEMO_SYSTEM.id,
        personId: mine,
        grantee: { role: 'case_manager' },
        basis: 'case-manager',
        sourceType: 'test',
        sourceId: mine,
        at: since,
      });
      appointmentId = (
        await bookAppointment(
          db,
          systemActor(DEMO_SYSTEM.id),
          mine,
          { service: 'Falls clinic', date: '2026-03-20', time: '14:30', place: 'Whittington Hospital' },
          { now: new Date(NOW) },
        )
      ).id;
      admission = (
        await sql<{ id: string; patient_id: string; nhs_number: string }>`
          select a.id::text as id, a.patient_id::text as patient_id, p.nhs_number from vw_admissions a
          join vw_patients p on p.id = a.patient_id
          join vw_wards w on w.id = a.ward_id
          where a.system_id = ${DEMO_SYSTEM.id} and w.score_system = 'news2'
            and exists (select 1 from vw_observations o where o.admission_id = a.id and o.score is not null)
          order by a.admitted_at limit 1`.execute(db)
      ).rows[0]!;
      await sql`update person_relationships set ends_at = ${since} where grantee = 'clinician'`.execute(db);
      await relate(db, {
        systemId: DEMO_SYSTEM.id,
        personId: admission.patient_id,
        grantee: { role: 'clinician' },
        basis: 'virtual-ward',
        sourceType: 'test',
        sourceId: admission.id,
        at: since,
      });
    });
    after(async () => t?.close());

    test('the CapabilityStatement lists every care type with its profile, and each parameter works', async () => {
      const cs = (await get('/fhir/metadata')).json();
      assertValid(cs, 'CapabilityStatement');
      const byType = new Map(cs.rest[0].resource.map((r: Json) => [r.type, r]));
      for (const type of [
        'EpisodeOfCare',
        'CarePlan',
        'CareTeam',
        'Task',
        'Appointment',
        'Questionnaire',
        'QuestionnaireResponse',
        'Observation',
      ]) {
        const r = byType.get(type) as Json;
        assert.ok(r, type);
        assert.equal(r.profile, `https://fhir.hl7.org.uk/StructureDefinition/UKCore-${type}`);
        const who = type === 'Observation' ? bearer('clinician') : bearer('case_manager');
        for (const p of r.searchParam) {
          const v = p.type === 'number' ? '1' : p.type === 'date' ? 'ge2020-01-01' : p.name === 'status' ? '' : 'x';
          const probe = await get(`/fhir/${type}?${p.name}=${v}`, who);
          assert.ok([200, 400].includes(probe.statusCode), `${type}?${p.name}: ${probe.statusCode}`);
          assert.notEqual(probe.json().issue?.[0]?.code, 'not-supported', `${type}?${p.name}`);
        }
      }
      assert.deepEqual(byType.get('Observation') && (byType.get('Observation') as Json).supportedProfile, [EWS]);
    });

    test('care plan, team, tasks, appointment and episodes of one person: valid UK Core, linked, audited', async () => {
      const cm = bearer('case_manager');
      const plans = (await get(`/fhir/CarePlan?patient=Patient/${mine}`, cm)).json();
      assertBundle(plans);
      assert.equal(plans.total, 1);
      const plan = plans.entry[0].resource;
      assert.equal(plan.subject.reference, `Patient/${mine}`);
      assert.equal(plan.status, 'active');
      assert.equal(plan.meta.profile[0], 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-CarePlan');
      const tasks = (await get(`/fhir/Task?patient=Patient/${mine}&_count=100`, cm)).json();
      assertBundle(tasks);
      const actions = (
        await sql<{ n: number }>`select count(*)::int as n from care_actions a join care_plans p on p.id = a.plan_id
          where p.status = 'active' and a.person_id::text = ${mine}`.execute(t.database.db)
      ).rows[0]!.n;
      assert.equal(tasks.total, actions);
      assert.ok(actions >= 2);
      assert.deepEqual(
        tasks.entry.map((e: Json) => e.resource.id).sort(),
        plan.activity.map((a: Json) => a.reference.reference.replace('Task/', '')).sort(),
        'the plan lists exactly its tasks',
      );
      assert.ok(tasks.entry.every((e: Json) => e.resource.basedOn[0].reference === `CarePlan/${plan.id}`));
      const open = (await get(`/fhir/Task?patient=Patient/${mine}&status=requested`, cm)).json();
      assert.ok(open.entry.every((e: Json) => e.resource.status === 'requested'));
      const team = (await get(`/fhir/CareTeam/team-${mine}`, cm)).json();
      assertValid(team);
      assert.ok(team.participant.length >= 2);

      const appointment = (await get(`/fhir/Appointment/${appointmentId}`, cm)).json();
      assertValid(appointment);
      assert.equal(appointment.status, 'booked');
      assert.equal(appointment.start, '2026-03-20T14:30:00.000Z', 'London wall clock, GMT in March');
      assert.equal(appointment.participant[0].actor.reference, `Patient/${mine}`);
      const byIdentifier = (
        await get(`/fhir/Appointment?identifier=urn:core-offer:care-appointment|${appointmentId}`, cm)
      ).json();
      assert.deepEqual(ids(byIdentifier), [appointmentId]);

      const episodes = (await get(`/fhir/EpisodeOfCare?patient=Patient/${mine}`, cm)).json();
      assertBundle(episodes);
      for (const e of episodes.entry ?? []) {
        assert.match(e.resource.referralRequest[0].reference, /^ServiceRequest\//);
        assertValid((await get(`/fhir/EpisodeOfCare/${e.resource.id}`, cm)).json());
      }

      const audit = (
        await sql<{ action: string; record_id: string }>`select action, record_id from audit_log
          where action = 'care.record.read' and record_id = ${mine}`.execute(t.database.db)
      ).rows;
      assert.ok(audit.length >= 5, 'every search and read of the record is audited');
    });

    test('searches page with links and filter by _lastUpdated', async () => {
      const cm = bearer('case_manager');
      const first = (await get('/fhir/Task?_count=1', cm)).json();
      assertBundle(first);
      assert.ok(first.total >= 2);
      const seen = new Set<string>(ids(first));
      let next = link(first, 'next');
      while (next) {
        const page = (await get(pathOf(next), cm)).json();
        assertBundle(page);
        for (const id of ids(page)) seen.add(id);
        next = link(page, 'next');
      }
      assert.equal(seen.size, first.total, 'following next visits every task once');

      const all = (await get('/fhir/Task?_count=100', cm)).json();
      const times = all.entry.map((e: Json) => e.resource.meta.lastUpdated as string).sort();
      const cut = times[Math.floor(times.length / 2)]!;
      const after = (await get(`/fhir/Task?_count=100&_lastUpdated=ge${cut}`, cm)).json();
      const beforeCut = (await get(`/fhir/Task?_count=100&_lastUpdated=lt${cut}`, cm)).json();
      assert.equal(after.total + beforeCut.total, all.total, 'ge and lt split the tasks exactly');
      assert.ok(after.entry.every((e: Json) => e.resource.meta.lastUpdated >= cut));
      const range = (await get(`/fhir/Task?_lastUpdated=ge2020-01-01&_lastUpdated=lt2020-01-02`, cm)).json();
      assert.equal(range.total, 0);
      const bad = await get('/fhir/Task?_lastUpdated=yesterday', cm);
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().issue[0].expression, ['_lastUpdated']);
      const badStatus = await get('/fhir/Appointment?status=sideways', cm);
      assert.equal(badStatus.statusCode, 400);
      assert.deepEqual(badStatus.json().issue[0].expression, ['status']);
    });

    test('the holistic assessment: the form is public, the answers only with a relationship', async () => {
      const q = (await get('/fhir/Questionnaire/holistic-assessment')).json();
      assertValid(q);
      assert.equal(q.subjectType[0], 'Patient');
      const qs = (await get(`/fhir/Questionnaire?url=${encodeURIComponent(q.url)}`)).json();
      assertBundle(qs);
      assert.equal(qs.total, 1);
      const cm = bearer('case_manager');
      const responses = (await get(`/fhir/QuestionnaireResponse?patient=Patient/${mine}`, cm)).json();
      assertBundle(responses);
      assert.ok(responses.total >= 1);
      const signed = responses.entry.find((e: Json) => e.resource.status === 'completed').resource;
      assert.equal(signed.subject.reference, `Patient/${mine}`);
      assert.ok(signed.questionnaire.startsWith(q.url));
      assertValid((await get(`/fhir/QuestionnaireResponse/${signed.id}`, cm)).json());
      const hidden = (
        await sql<{
          id: string;
        }>`select id::text as id from care_assessments where person_id::text = ${other} limit 1`.execute(t.database.db)
      ).rows[0]!.id;
      const refused = await get(`/fhir/QuestionnaireResponse/${hidden}`, cm);
      assert.equal(refused.statusCode, 404);
      assertValid(refused.json(), 'OperationOutcome');
    });

    test('someone without a relationship is not found and not listed; refusals audited; roles enforced', async () => {
      const cm = bearer('case_manager');
      const db = t.database.db;
      const refusals = async () =>
        (await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'person.refused'`.execute(db))
          .rows[0]!.n;
      const r0 = await refusals();
      const plans = (await get(`/fhir/CarePlan?patient=Patient/${other}`, cm)).json();
      assertBundle(plans);
      assert.equal(plans.total, 0);
      assert.equal(await refusals(), r0 + 1, 'the search that named them is audited as refused');
      assert.equal((await get(`/fhir/CareTeam/team-${other}`, cm)).statusCode, 404);
      assert.equal((await get(`/fhir/CarePlan/00000000-0000-4000-8000-000000000000`, cm)).statusCode, 404);
      assert.equal(await refusals(), r0 + 3);
      const everyone = (await get('/fhir/CarePlan?_count=100', cm)).json();
      assert.deepEqual(
        everyone.entry.map((e: Json) => e.resource.subject.reference),
        [`Patient/${mine}`],
        'a case manager sees only the people they have a relationship with',
      );
      assert.equal((await get('/fhir/CarePlan', bearer('commissioner'))).statusCode, 403);
      assert.equal((await get('/fhir/CarePlan')).statusCode, 401);
      assert.equal((await get('/fhir/Observation', cm)).statusCode, 403);
    });

    test('virtual ward observations and NEWS2 totals: valid UK Core EarlyWarningTotalScore, relationship only', async () => {
      const clin = bearer('clinician');
      const all = (await get('/fhir/Observation?_count=100', clin)).json();
      assertBundle(all);
      const stored = (
        await sql<{ n: number; scored: number }>`select count(*)::int as n, count(score)::int as scored
          from vw_observations where admission_id::text = ${admission.id}`.execute(t.database.db)
      ).rows[0]!;
      assert.equal(
        all.total,
        stored.n + stored.scored,
        'one observation set per reading, one total per complete NEWS2',
      );
      assert.ok(
        all.entry.every((e: Json) => e.resource.subject.identifier.value === admission.nhs_number),
        'only the person the clinician has a relationship with',
      );
      const totals = (
        await get('/fhir/Observation?code=http://snomed.info/sct|1104051000000101&_count=100', clin)
      ).json();
      assertBundle(totals);
      assert.equal(totals.total, stored.scored);
      const total = totals.entry[0].resource;
      assert.deepEqual(total.meta.profile, [EWS]);
      assert.equal(total.valueQuantity.code, '{ScoreOf}');
      // The same codes as UK Core's own NEWS2 example (scale 1 patients; scale 2 has its own SpO2 sub-score code).
      const codes = news2ExampleCodes();
      assert.equal(total.category[0].coding[0].code, codes.category);
      assert.equal(total.valueQuantity.code, codes.unit);
      for (const t of totals.entry.map((e: Json) => e.resource))
        for (const c of t.component)
          assert.ok(
            codes.components.has(c.code.coding[0].code) || c.code.coding[0].code === '1104321000000108',
            c.code.coding[0].code,
          );
      const set = (await get(pathOf(`/fhir/${total.derivedFrom[0].reference}`), clin)).json();
      assertValid(set);
      const row = (
        await sql<{
          score: number;
        }>`select score from vw_observations where id = ${Number(total.id.slice('news2-'.length))}`.execute(
          t.database.db,
        )
      ).rows[0]!;
      assert.equal(total.valueQuantity.value, row.score);
      assert.equal(
        total.component.reduce((s: number, c: Json) => s + c.valueQuantity.value, 0),
        row.score,
        'the sub-scores add up to the total',
      );
      const byNhs = (
        await get(
          `/fhir/Observation?patient:identifier=https://fhir.nhs.uk/Id/nhs-number|${admission.nhs_number}`,
          clin,
        )
      ).json();
      assert.equal(byNhs.total, all.total);
      const hidden = (
        await sql<{
          id: string;
        }>`select o.id::text as id from vw_observations o where o.admission_id::text <> ${admission.id}
          and o.admission_id in (select id from vw_admissions where patient_id::text <> ${admission.patient_id}) limit 1`.execute(
          t.database.db,
        )
      ).rows[0]!.id;
      const refused = await get(`/fhir/Observation/vw-${hidden}`, clin);
      assert.equal(refused.statusCode, 404);
      const audit = (
        await sql<{ action: string }>`select action from audit_log where action in
          ('virtual-ward.observations-read', 'virtual-ward.observation-read')`.execute(t.database.db)
      ).rows;
      assert.ok(audit.some((a) => a.action === 'virtual-ward.observation-read'));
      assert.ok(audit.some((a) => a.action === 'virtual-ward.observations-read'));
    });
  });
}
