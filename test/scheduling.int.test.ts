// Visit scheduling through HTTP, on every engine: adding a visit inserts it and keeps everyone else's day,
// the stored plan passes the independent checker, a lock is honoured by a re-plan, roles are kept apart,
// and a form or API body with problems is refused naming each field.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueToken } from '../src/platform/auth/identity.ts';
import { type Role, systemActor } from '../src/platform/auth/roles.ts';
import { checkPlan, dayProblem, DEMO_TEAM_ID, londonToday } from '../src/modules/scheduling/index.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

for (const engine of testEngines()) {
  describe(`scheduling on ${engine}`, () => {
    let t: TestApp;
    let day: string;
    // The demo tokens exist only on PGlite; these exist on every engine. The coordinator's is RYX's, as the demo's is.
    const bearer = (role: string) => ({ authorization: `Bearer test-scheduling-${role}` });
    const coordinator = { ...systemActor(DEMO_SYSTEM.id), role: 'coordinator' as const, organisationCode: 'RYX' };
    before(async () => {
      t = await startTestApp(engine);
      for (const role of ['coordinator', 'clinician', 'spa', 'analyst'] as Role[]) {
        await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
          label: `Test ${role}`,
          role,
          value: `test-scheduling-${role}`,
          organisationCode: role === 'coordinator' ? 'RYX' : null,
        });
      }
      const plan = await t.app.inject({
        url: '/api/scheduling/plans/' + londonToday(),
        headers: bearer('coordinator'),
      });
      day = plan.statusCode === 200 && plan.json().plan ? londonToday() : '';
      if (!day) {
        // Seeded just before midnight: use the day the demo was seeded for.
        const board = await t.app.inject({
          url: '/scheduling',
          headers: { ...bearer('coordinator'), accept: 'text/html' },
        });
        day = /name="day" value="(\d{4}-\d{2}-\d{2})"/.exec(board.body)?.[1] ?? londonToday();
      }
    });
    after(async () => t?.close());

    const api = (method: 'GET' | 'POST', url: string, role: string, payload?: unknown) =>
      t.app.inject({
        method,
        url,
        headers: bearer(role),
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
    const assignment = (body: { routes: { clinician: { id: string }; visits: { visit: { id: string } }[] }[] }) =>
      new Map(body.routes.flatMap((r) => r.visits.map((v) => [v.visit.id, r.clinician.id] as const)));
    const feasible = async () => {
      const { problem, plan } = await dayProblem(t.database.db, coordinator, { day, teamId: DEMO_TEAM_ID });
      assert.ok(plan, 'a plan is stored');
      const check = checkPlan(problem, plan);
      assert.deepEqual(check.errors, []);
      assert.equal(check.feasible, true);
      // Every open visit is in the plan exactly once, planned or unassigned.
      const ids = [...plan.routes.flatMap((r) => r.visits.map((v) => v.visitId)), ...plan.unassigned].sort();
      assert.deepEqual(ids, problem.visits.map((v) => v.id).sort());
    };

    test('the seeded day has a feasible plan with its figures', async () => {
      const res = await api('GET', `/api/scheduling/plans/${day}`, 'coordinator');
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.team.id, DEMO_TEAM_ID);
      assert.equal(body.routes.length, 8);
      assert.ok(body.figures.visits >= 35);
      assert.equal(body.figures.urgentMet, body.figures.urgentTotal);
      assert.ok(body.figures.travelShare > 0 && body.figures.travelShare < 0.6);
      assert.equal(body.plan.feasible, true);
      await feasible();
    });

    test('an urgent visit is inserted and every other visit keeps its clinician', async () => {
      const before = assignment((await api('GET', `/api/scheduling/plans/${day}`, 'coordinator')).json());
      const res = await api('POST', '/api/scheduling/visits', 'coordinator', {
        day,
        patientRef: 'UCR-T1',
        postcodeDistrict: 'N7',
        priority: 'urgent-2h',
        windowStart: '13:00',
        durationMinutes: 60,
        skills: ['nurse'],
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json();
      assert.equal(body.visit.windowEnd, '15:00', 'a 2-hour response gets a 2-hour window');
      assert.ok(body.placement, 'the visit is placed');
      assert.ok(body.placement.plannedStart >= '13:00' && body.placement.plannedStart <= '15:00');
      assert.deepEqual(body.moved, []);
      const after = assignment((await api('GET', `/api/scheduling/plans/${day}`, 'coordinator')).json());
      assert.equal(after.get(body.visit.id), body.placement.clinicianId);
      for (const [id, k] of before) assert.equal(after.get(id), k, `visit ${id} kept its clinician`);
      await feasible();
    });

    test('a new urgent visit never takes the place of an urgent visit already planned', async () => {
      const before = (await api('GET', `/api/scheduling/plans/${day}`, 'coordinator')).json();
      const plannedUrgent = before.routes.flatMap((r: { visits: { visit: { id: string; priority: string } }[] }) =>
        r.visits.filter((v) => v.visit.priority === 'urgent-2h').map((v) => v.visit.id),
      );
      assert.ok(plannedUrgent.length > 0, 'the day already has urgent visits planned, or nothing is being protected');
      // Only one physiotherapist works today, and already has 2-hour responses in the morning.
      const res = await api('POST', '/api/scheduling/visits', 'coordinator', {
        day,
        patientRef: 'UCR-T4',
        postcodeDistrict: 'EN3',
        priority: 'urgent-2h',
        windowStart: '10:00',
        durationMinutes: 60,
        skills: ['physiotherapist'],
      });
      assert.equal(res.statusCode, 201, res.body);
      const after = assignment((await api('GET', `/api/scheduling/plans/${day}`, 'coordinator')).json());
      for (const id of plannedUrgent) assert.ok(after.has(id), `urgent visit ${id} is still planned`);
      if (res.json().placement === null) assert.equal(after.has(res.json().visit.id), false);
      await feasible();
    });

    test('a lock moves the visit to that clinician, and a re-plan in the worker honours it', async () => {
      const plan = (await api('GET', `/api/scheduling/plans/${day}`, 'coordinator')).json();
      // A nurse visit on one nurse's route, locked to another nurse.
      const nurses = plan.routes.filter((r: { clinician: { skills: string[] } }) =>
        r.clinician.skills.includes('nurse'),
      );
      const from = nurses.find((r: { visits: unknown[] }) => r.visits.length > 0);
      const visit =
        from.visits.find(
          (v: { visit: { skills: string[]; priority: string } }) =>
            v.visit.skills.join() === 'nurse' && v.visit.priority !== 'urgent-2h',
        ) ?? from.visits[0];
      const to = nurses.find((r: { clinician: { id: string } }) => r.clinician.id !== from.clinician.id);
      const locked = await api('POST', `/api/scheduling/visits/${visit.visit.id}/lock`, 'coordinator', {
        clinicianId: to.clinician.id,
      });
      assert.equal(locked.statusCode, 200, locked.body);
      assert.equal(locked.json().visit.lockedClinicianId, to.clinician.id);
      const re = await api('POST', `/api/scheduling/plans/${day}/replan`, 'coordinator', { timeLimitMs: 400 });
      assert.equal(re.statusCode, 200, re.body);
      assert.ok(re.json().after.assigned >= re.json().before.assigned - 1);
      const after = assignment((await api('GET', `/api/scheduling/plans/${day}`, 'coordinator')).json());
      const unassigned = (await api('GET', `/api/scheduling/plans/${day}`, 'coordinator'))
        .json()
        .unassigned.map((v: { id: string }) => v.id);
      assert.ok(after.get(visit.visit.id) === to.clinician.id || unassigned.includes(visit.visit.id));
      assert.notEqual(after.get(visit.visit.id), from.clinician.id);
      await feasible();
      // Each change is audited.
      const { sql } = await import('kysely');
      const rows = await sql<{
        action: string;
      }>`select action from audit_log where record_type like 'scheduling%' order by id`.execute(t.database.db);
      const actions = rows.rows.map((r) => r.action);
      for (const a of [
        'scheduling.plan.solve',
        'scheduling.visit.add',
        'scheduling.visit.lock',
        'scheduling.plan.replan',
      ])
        assert.ok(actions.includes(a), `${a} audited`);
    });

    test('a lock to a clinician without the skills is refused, naming the field', async () => {
      const plan = (await api('GET', `/api/scheduling/plans/${day}`, 'coordinator')).json();
      const nurseVisit = plan.routes
        .flatMap((r: { visits: { visit: { id: string; skills: string[] } }[] }) => r.visits)
        .find((v: { visit: { skills: string[] } }) => v.visit.skills.includes('nurse'));
      const res = await api('POST', `/api/scheduling/visits/${nurseVisit.visit.id}/lock`, 'coordinator', {
        clinicianId: 'cl-dev',
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error.fields[0].field, 'clinicianId');
    });

    test('a visit from an accepted referral gets a 2-hour window from acceptance and is placed', async () => {
      const { createVisitFromReferral } = await import('../src/modules/scheduling/index.ts');
      // 10:15 London time on the planned day (GMT in November, BST in summer: find the instant that reads 10:15).
      let at = new Date(`${day}T10:15:00Z`);
      const london = (d: Date) =>
        new Intl.DateTimeFormat('en-GB', {
          timeZone: 'Europe/London',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }).format(d);
      if (london(at) !== '10:15') at = new Date(`${day}T09:15:00Z`);
      const result = await createVisitFromReferral(t.database.db, systemActor(DEMO_SYSTEM.id), {
        referralId: '00000000-0000-4000-8000-000000000001',
        patientRef: 'CPA-T3',
        postcode: 'N22 6XX',
        priority: 'urgent-2h',
        acceptedAt: at,
        day,
      });
      assert.equal(result.visit.source, 'referral');
      assert.equal(result.visit.postcodeDistrict, 'N22');
      assert.equal(result.visit.windowStart, 10 * 60 + 15);
      assert.equal(result.visit.windowEnd, 12 * 60 + 15);
      assert.ok(result.placement);
      await feasible();
    });

    test('roles: the board and API are for coordinators; a clinician reads only their own day', async () => {
      for (const role of ['spa', 'analyst']) {
        assert.equal((await api('GET', `/api/scheduling/plans/${day}`, role)).statusCode, 403);
        assert.equal((await api('POST', '/api/scheduling/visits', role, {})).statusCode, 403);
      }
      assert.equal((await t.app.inject({ url: `/api/scheduling/plans/${day}` })).statusCode, 401);
      assert.equal(
        (await t.app.inject({ method: 'POST', url: '/api/scheduling/visits', payload: {} })).statusCode,
        401,
      );
      // The demo clinician account is linked to Amara Mensah.
      const browser = new Browser(t.app);
      await browser.signIn('clinician');
      const mine = await browser.get('/scheduling/my-day');
      assert.equal(mine.statusCode, 303);
      assert.equal(mine.headers.location, '/scheduling/clinicians/cl-amara');
      const page = await browser.get(`/scheduling/clinicians/cl-amara?day=${day}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Amara Mensah/);
      assert.equal((await browser.get(`/scheduling/clinicians/cl-ben?day=${day}`)).statusCode, 404);
      assert.equal((await browser.get('/scheduling')).statusCode, 403);
      assert.equal((await api('GET', `/api/scheduling/clinicians/cl-ben/day/${day}`, 'coordinator')).statusCode, 200);
    });

    test('validation: the API and the form name each field at fault', async () => {
      const res = await api('POST', '/api/scheduling/visits', 'coordinator', {
        day,
        patientRef: 'Jane Smith',
        postcodeDistrict: 'SW1',
        priority: 'soon',
        windowStart: '25:00',
        durationMinutes: 0,
        skills: [],
      });
      assert.equal(res.statusCode, 400);
      const fields = res
        .json()
        .error.fields.map((f: { field: string }) => f.field)
        .sort();
      assert.deepEqual(fields, [
        'durationMinutes',
        'patientRef',
        'postcodeDistrict',
        'priority',
        'skills',
        'windowStart',
      ]);

      const browser = new Browser(t.app);
      await browser.signIn('coordinator');
      const board = await browser.get(`/scheduling?day=${day}`);
      assert.equal(board.statusCode, 200);
      assert.match(board.body, /<svg[^>]+role="img"/);
      assert.match(board.body, /2-hour responses met/);
      const form = await browser.post('/scheduling/visits', {
        day,
        teamId: DEMO_TEAM_ID,
        priority: 'routine',
        windowStart: '10:00',
      });
      assert.equal(form.statusCode, 400);
      assert.match(form.body, /There is a problem/);
      for (const href of ['#patientRef', '#postcodeDistrict', '#windowEnd', '#durationMinutes', '#skills'])
        assert.match(form.body, new RegExp(`href="${href}"`), href);
      // A good form posts, redirects, and the board says where the visit went.
      const ok = await browser.post('/scheduling/visits', {
        day,
        teamId: DEMO_TEAM_ID,
        patientRef: 'VW-T2',
        postcodeDistrict: 'N19',
        priority: 'virtual-ward',
        windowStart: '11:00',
        windowEnd: '13:00',
        durationMinutes: '30',
        skills: 'nurse',
      });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 500));
      const shown = await browser.get(String(ok.headers.location).replace(/#.*/, ''));
      assert.match(shown.body, /VW-T2 is planned with [^<]+ as visit \d+, starting at 1[12]:\d\d/);
      // Without the CSRF token, nothing happens.
      const forged = await browser.post('/scheduling/replan', { day }, { csrf: false });
      assert.equal(forged.statusCode, 403);
    });
  });
}
