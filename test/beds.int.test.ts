// The NCL mental health bed board through HTTP, on every engine, at a fixed clock: pages for each role,
// who may see a person (relationships, audited), validation naming fields, the allocation rules, 20
// concurrent allocations of one bed (exactly one wins), admission to discharge, out-of-area placements,
// repatriation when a bed frees, and figures without personal data.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { issueToken } from '../src/platform/auth/identity.ts';
import { ROLES, systemActor } from '../src/platform/auth/roles.ts';
import { steppingClock } from '../src/platform/clock.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

// After the demo data's own dates (loaded "now"), so its relationships have started; a month boundary
// falls inside the placements below.
const START = '2030-03-04T10:00:00Z';

// Valid NHS numbers (modulus 11) in the 999 test range, not used by the demo data.
function nhsNumber(n: number): string {
  for (let k = n; ; k++) {
    const nine = `998${String(k).padStart(6, '0')}`;
    const sum = [...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${nine}${check === 11 ? 0 : check}`;
  }
}
const person = (n: number, over: Record<string, unknown> = {}) => ({
  nhsNumber: nhsNumber(n * 13),
  givenName: `Test${n}`,
  familyName: `Person${n}`,
  birthDate: '1985-06-15',
  homePostcode: 'EN1 1HN',
  wardType: 'adult-acute',
  sex: 'female',
  urgency: 'emergency',
  source: 'liaison',
  ...over,
});

for (const engine of testEngines()) {
  describe(`beds on ${engine}`, () => {
    let t: TestApp;
    const clock = steppingClock(START);
    before(async () => {
      t = await startTestApp(engine, { clock });
      // The demo tokens exist only on PGlite; these exist on every engine.
      for (const role of ROLES) {
        await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
          label: `Test ${role}`,
          role,
          value: `test-beds-${role}`,
        });
      }
    });
    const bearer = (role: string) => ({ authorization: `Bearer test-beds-${role}` });
    after(async () => t?.close());

    const api = (role: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
      t.app.inject({
        method,
        url,
        headers: {
          ...bearer(role),
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
        payload: payload ? JSON.stringify(payload) : undefined,
      });
    const auditRows = (action: string, recordId?: string) => {
      let q = t.database.db.selectFrom('audit_log').selectAll().where('action', '=', action);
      if (recordId) q = q.where('record_id', '=', recordId);
      return q.execute();
    };

    test('the board shows every ward with counts in words, for each reading role; others are refused', async () => {
      for (const role of ['bed_manager', 'spa', 'clinician', 'commissioner', 'analyst']) {
        const res = await api(role, 'GET', '/api/beds/board');
        assert.equal(res.statusCode, 200, role);
      }
      assert.equal((await api('provider', 'GET', '/api/beds/board')).statusCode, 403);
      const board = (await api('bed_manager', 'GET', '/api/beds/board')).json();
      assert.equal(board.wards.length, 15);
      const sum = board.wards.reduce((s: number, w: { counts: { total: number } }) => s + w.counts.total, 0);
      assert.equal(board.totals.total, sum);
      const t0 = board.totals;
      assert.equal(t0.available + t0.reserved + t0.occupied + t0.leave + t0.closed, t0.total);
      assert.ok(t0.available >= 3 && t0.available <= 15, `a few free beds (${t0.available})`);
      assert.equal(t0.closed, 2);
      assert.ok(board.wards.every((w: { source: string }) => /illustrative/.test(w.source)));
      const filtered = (await api('bed_manager', 'GET', '/api/beds/board?type=picu&sex=male')).json();
      assert.deepEqual(
        filtered.wards.map((w: { id: string }) => w.id),
        ['hmhc-p1'],
      );

      const b = new Browser(t.app);
      await b.signIn('commissioner');
      const page = await b.get('/beds?type=adult-acute');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Mental health beds in North Central London<\/h1>/);
      assert.match(page.body, /Free<\/strong>|>Free</, 'states are words');
      assert.match(page.body, /Beds by ward type/);
      assert.match(page.body, /<svg[^>]+role="img"/);
      assert.match(page.body, /Occupancy by day, as a table/);
      assert.doesNotMatch(page.body, /Older Adult<\/h3>/, 'filtered to adult acute');
    });

    test('a request names each field at fault, in the API and in the form’s error summary', async () => {
      const res = await api('clinician', 'POST', '/api/beds/requests', {});
      assert.equal(res.statusCode, 400);
      const fields = res.json().error.fields.map((f: { field: string }) => f.field);
      for (const f of [
        'nhsNumber',
        'givenName',
        'familyName',
        'birthDate',
        'homePostcode',
        'wardType',
        'sex',
        'urgency',
        'source',
      ]) {
        assert.ok(fields.includes(f), f);
      }
      const bad = await api(
        'clinician',
        'POST',
        '/api/beds/requests',
        person(1, { nhsNumber: '1234567890', birthDate: '2031-01-01' }),
      );
      assert.deepEqual(
        bad
          .json()
          .error.fields.map((f: { field: string }) => f.field)
          .sort(),
        ['birthDate', 'nhsNumber'],
      );

      const b = new Browser(t.app);
      await b.signIn('clinician');
      const form = await b.post('/beds/requests', { givenName: 'Ann' });
      assert.equal(form.statusCode, 400);
      assert.match(form.body, /nhsuk-error-summary/);
      assert.match(form.body, /href="#nhsNumber"/);
      assert.match(form.body, /href="#wardType"/);
      assert.match(form.body, /value="Ann"/, 'what was typed is kept');
    });

    test("age rules: a children and young people's bed only for under-18s, adult wards only for 18 and over", async () => {
      clock.set(START);
      const adultInCyp = await api('clinician', 'POST', '/api/beds/requests', person(901, { wardType: 'cyp' }));
      assert.equal(adultInCyp.statusCode, 400);
      assert.deepEqual(adultInCyp.json().error.fields, [
        { field: 'wardType', message: "A children and young people's bed is for someone under 18; this person is 44" },
      ]);
      const childInAdult = await api(
        'clinician',
        'POST',
        '/api/beds/requests',
        person(902, { birthDate: '2014-05-01' }),
      );
      assert.equal(childInAdult.statusCode, 400);
      assert.match(childInAdult.json().error.fields[0].message, /adult ward; this person is 15/);
      const young = await api(
        'bed_manager',
        'POST',
        '/api/beds/requests',
        person(903, { birthDate: '2014-05-01', wardType: 'cyp', sex: 'male' }),
      );
      assert.equal(young.statusCode, 201, young.body);
      const detail = (await api('bed_manager', 'GET', `/api/beds/requests/${young.json().id}`)).json();
      assert.ok(detail.proposals.length > 0, "a free children and young people's bed is proposed");
      const board = (await api('bed_manager', 'GET', '/api/beds/board?type=adult-acute')).json();
      const adultBed = board.wards
        .flatMap((w: { beds: { id: string; state: string }[] }) => w.beds)
        .find((b: { state: string }) => b.state === 'available');
      const refused = await api('bed_manager', 'POST', `/api/beds/requests/${young.json().id}/allocate`, {
        bedId: adultBed.id,
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.json().error.fields[0].message, /adult ward; this person is 15/);
      assert.equal((await api('bed_manager', 'POST', `/api/beds/requests/${young.json().id}/cancel`)).statusCode, 200);
    });

    test('who sees a person: the requester and bed managers; another clinician gets not found, audited; commissioners are refused', async () => {
      const clinician = new Browser(t.app);
      await clinician.signIn('clinician');
      const created = await clinician.post('/beds/requests', person(2) as Record<string, string>);
      assert.equal(created.statusCode, 303);
      const id = /\/beds\/requests\/([0-9a-f-]{36})/.exec(created.headers.location as string)?.[1] as string;
      assert.ok(id);
      const mine = await clinician.get(`/beds/requests/${id}`);
      assert.equal(mine.statusCode, 200);
      assert.match(mine.body, /Test2 Person2/);
      assert.match((await clinician.get('/beds/requests')).body, /Test2 Person2/);

      const spa = new Browser(t.app);
      await spa.signIn('spa');
      assert.equal((await spa.get(`/beds/requests/${id}`)).statusCode, 404);
      assert.doesNotMatch((await spa.get('/beds/requests')).body, /Test2 Person2/);
      assert.equal((await auditRows('person.refused', id)).length, 1, 'the refusal is audited');

      const manager = new Browser(t.app);
      await manager.signIn('bed_manager');
      const seen = await manager.get(`/beds/requests/${id}`);
      assert.equal(seen.statusCode, 200);
      const reads = await auditRows('beds.request.read', id);
      assert.ok(reads.length >= 2, 'each read of the person is audited');
      assert.ok(reads.every((r) => JSON.stringify(r.detail).includes('personId')));

      const commissioner = new Browser(t.app);
      await commissioner.signIn('commissioner');
      assert.equal((await commissioner.get(`/beds/requests/${id}`)).statusCode, 403);
      assert.equal((await commissioner.get('/beds/placements')).statusCode, 403);
    });

    test('proposals come home borough first; unsuitable, occupied and closed beds are refused naming why; the wait is on the clock', async () => {
      clock.set(START);
      const res = await api('bed_manager', 'POST', '/api/beds/requests', person(3));
      assert.equal(res.statusCode, 201);
      const req = res.json();
      assert.equal(req.homeBorough, 'Enfield');
      clock.advance(95 * 60_000);
      const detail = (await api('bed_manager', 'GET', `/api/beds/requests/${req.id}`)).json();
      assert.equal(detail.waitMinutes, 95);
      assert.ok(detail.proposals.length >= 2);
      assert.equal(detail.proposals[0].tier, 'same-borough');
      assert.equal(detail.proposals[0].borough, 'Enfield');
      const tiers = detail.proposals.map((p: { tier: string }) => p.tier);
      assert.deepEqual(
        tiers,
        [...tiers].sort((a: string, b: string) => (a === b ? 0 : a === 'same-borough' ? -1 : 1)),
      );

      const board = (await api('bed_manager', 'GET', '/api/beds/board')).json();
      const allBeds = board.wards.flatMap((w: { id: string; beds: { id: string; state: string }[] }) =>
        w.beds.map((b) => ({ ...b, wardId: w.id })),
      );
      const maleFree = allBeds.find(
        (b: { wardId: string; state: string }) => b.wardId === 'sta-a1' && b.state === 'available',
      );
      const wrongSex = await api('bed_manager', 'POST', `/api/beds/requests/${req.id}/allocate`, {
        bedId: maleFree.id,
      });
      assert.equal(wrongSex.statusCode, 400);
      assert.equal(wrongSex.json().error.fields[0].field, 'bedId');
      assert.match(wrongSex.json().error.fields[0].message, /male ward/);
      const occupied = allBeds.find(
        (b: { wardId: string; state: string }) => b.wardId === 'chf-a2' && b.state === 'occupied',
      );
      const taken = await api('bed_manager', 'POST', `/api/beds/requests/${req.id}/allocate`, { bedId: occupied.id });
      assert.equal(taken.statusCode, 409);
      assert.match(taken.json().error.message, /occupied/);
      const closed = allBeds.find((b: { state: string }) => b.state === 'closed');
      const shut = await api('bed_manager', 'POST', `/api/beds/requests/${req.id}/allocate`, { bedId: closed.id });
      assert.equal(shut.statusCode, 409);
      assert.match(shut.json().error.message, /closed/);
      const wrongType = allBeds.find(
        (b: { wardId: string; state: string }) => b.wardId === 'edg-o1' && b.state === 'available',
      );
      const type = await api('bed_manager', 'POST', `/api/beds/requests/${req.id}/allocate`, { bedId: wrongType.id });
      assert.equal(type.statusCode, 400);
      assert.equal(type.json().error.fields[0].field, 'bedId');
      assert.match(type.json().error.fields[0].message, /older adult bed/);
      assert.equal(
        (await api('spa', 'POST', `/api/beds/requests/${req.id}/allocate`, { bedId: detail.proposals[0].bedId }))
          .statusCode,
        403,
      );

      // Allocate → admit → discharge, with discharge before admission refused naming the field.
      const ok = await api('bed_manager', 'POST', `/api/beds/requests/${req.id}/allocate`, {
        bedId: detail.proposals[0].bedId,
      });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.json().status, 'allocated');
      const again = await api('bed_manager', 'POST', `/api/beds/requests/${req.id}/allocate`, {
        bedId: detail.proposals[1].bedId,
      });
      assert.equal(again.statusCode, 409);
      const admitted = await api('bed_manager', 'POST', `/api/beds/requests/${req.id}/admit`, {});
      assert.equal(admitted.statusCode, 201);
      const stay = admitted.json();
      const bedAfter = (await api('bed_manager', 'GET', '/api/beds/board')).json();
      const held = bedAfter.wards
        .flatMap((w: { beds: { id: string; state: string }[] }) => w.beds)
        .find((b: { id: string }) => b.id === stay.bedId);
      assert.equal(held.state, 'occupied');
      const early = await api('bed_manager', 'POST', `/api/beds/admissions/${stay.id}/discharge`, {
        destination: 'home',
        dischargedAt: '2030-03-01',
      });
      assert.equal(early.statusCode, 400);
      assert.equal(early.json().error.fields[0].field, 'dischargedAt');
      assert.equal(
        (await api('bed_manager', 'POST', `/api/beds/admissions/${stay.id}/discharge`, {})).json().error.fields[0]
          .field,
        'destination',
      );
      const leave = await api('bed_manager', 'POST', `/api/beds/admissions/${stay.id}/leave`, {
        expectedBack: '2030-03-06',
      });
      assert.equal(leave.json().onLeave, true);
      const delay = await api('bed_manager', 'POST', `/api/beds/admissions/${stay.id}/delay`, {
        readySince: '2030-03-04',
        reason: 'housing',
      });
      assert.equal(delay.statusCode, 200);
      clock.advance(3 * 86_400_000);
      const out = await api('bed_manager', 'POST', `/api/beds/admissions/${stay.id}/discharge`, {
        destination: 'supported-housing',
      });
      assert.equal(out.statusCode, 200);
      assert.ok(out.json().dischargedAt);
      assert.equal(out.json().delayedDays, 3);
      const freed = (await api('bed_manager', 'GET', '/api/beds/board')).json();
      assert.equal(
        freed.wards
          .flatMap((w: { beds: { id: string; state: string }[] }) => w.beds)
          .find((b: { id: string }) => b.id === stay.bedId).state,
        'available',
      );
      assert.ok((await auditRows('beds.discharge', stay.id)).length === 1);
      clock.set(START);
    });

    test('20 bed managers allocate the same bed at once: exactly one wins, the rest get 409 and nothing else changes', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await api('bed_manager', 'POST', '/api/beds/requests', person(100 + i, { homePostcode: 'N19 5NX' }));
        assert.equal(r.statusCode, 201);
        ids.push(r.json().id);
      }
      const first = (await api('bed_manager', 'GET', `/api/beds/requests/${ids[0]}`)).json();
      const bedId = first.proposals[0].bedId as string;
      const results = await Promise.all(
        ids.map((id) => api('bed_manager', 'POST', `/api/beds/requests/${id}/allocate`, { bedId })),
      );
      const codes = results.map((r) => r.statusCode).sort();
      assert.deepEqual(codes, [200, ...Array(19).fill(409)]);
      for (const r of results.filter((x) => x.statusCode === 409))
        assert.match(r.json().error.code, /bed_taken|bed_not_available/);
      const holders = await t.database.db
        .selectFrom('beds_requests')
        .select(['id', 'status'])
        .where('bed_id', '=', bedId)
        .where('status', '=', 'allocated')
        .execute();
      assert.equal(holders.length, 1);
      const waiting = await t.database.db
        .selectFrom('beds_requests')
        .select('id')
        .where('id', 'in', ids)
        .where('status', '=', 'waiting')
        .execute();
      assert.equal(waiting.length, 19);
      assert.equal(
        (await auditRows('beds.request.allocate')).filter((a) => JSON.stringify(a.detail).includes(bedId)).length,
        1,
      );
    });

    test('an out-of-area placement: dates checked, days across months, listed for repatriation when a bed frees, ended by coming home', async () => {
      clock.set(START);
      const r = (
        await api(
          'bed_manager',
          'POST',
          '/api/beds/requests',
          person(200, { wardType: 'picu', sex: 'male', homePostcode: 'N17 6AB' }),
        )
      ).json();
      const detail = (await api('bed_manager', 'GET', `/api/beds/requests/${r.id}`)).json();
      assert.deepEqual(detail.proposals, [], 'no male PICU bed is free in the demo');
      const base = {
        requestId: r.id,
        providerName: 'Test independent PICU',
        locationPostcode: 'CM20 1QR',
        startDate: '2030-02-20',
        reason: '10',
        costPerDay: '1270',
      };
      const backwards = await api('bed_manager', 'POST', '/api/beds/placements', { ...base, endDate: '2030-02-19' });
      assert.equal(backwards.statusCode, 400);
      assert.deepEqual(
        backwards.json().error.fields.map((f: { field: string }) => f.field),
        ['endDate'],
      );
      const inNcl = await api('bed_manager', 'POST', '/api/beds/placements', { ...base, locationPostcode: 'N19 5NX' });
      assert.equal(inNcl.json().error.fields[0].field, 'locationPostcode');
      const created = await api('bed_manager', 'POST', '/api/beds/placements', base);
      assert.equal(created.statusCode, 201);
      const p = created.json();
      assert.equal(p.daysOut, 12, '20 Feb to 4 Mar 2030 is 12 nights');
      assert.equal(p.appropriate, false, 'no local bed: inappropriate');
      assert.ok(p.distanceKm > 10 && p.distanceKm < 30, `Harlow from Tottenham (${p.distanceKm} km)`);

      const figures = (await api('commissioner', 'GET', '/api/beds/figures?fromMonth=2030-02&toMonth=2030-03')).json();
      const ours = figures.oap.rows.filter((x: { borough: string }) => x.borough === 'Haringey');
      const feb = ours.find((x: { month: string }) => x.month === '2030-02');
      const mar = ours.find((x: { month: string }) => x.month === '2030-03');
      assert.ok(feb.days >= 9 && mar.days >= 3, '9 nights in February (28 days in 2030), 3 in March');
      const text = JSON.stringify(figures);
      assert.doesNotMatch(text, /Person200|Test200/, 'figures name nobody');
      assert.doesNotMatch(text, new RegExp(person(200).nhsNumber));

      const before = (await api('bed_manager', 'GET', '/api/beds/placements')).json();
      const mine = before.items.find((x: { id: string }) => x.id === p.id);
      assert.deepEqual(mine.repatriationBeds, []);

      // A male PICU bed frees up: the placement is now listed among those who could come home, first.
      const stays = (await api('bed_manager', 'GET', '/api/beds/admissions')).json();
      const picu = stays.find((s: { wardId: string; onLeave: boolean }) => s.wardId === 'hmhc-p1' && !s.onLeave);
      const d = await api('bed_manager', 'POST', `/api/beds/admissions/${picu.id}/discharge`, { destination: 'home' });
      assert.equal(d.statusCode, 200);
      const afterFree = (await api('bed_manager', 'GET', '/api/beds/placements')).json();
      const listed = afterFree.items.find((x: { id: string }) => x.id === p.id);
      assert.equal(listed.repatriationBeds[0].bedId, picu.bedId);
      const firstWithNoBed = afterFree.items.findIndex(
        (x: { repatriationBeds: unknown[] }) => x.repatriationBeds.length === 0,
      );
      assert.ok(
        afterFree.items.indexOf(listed) < (firstWithNoBed === -1 ? Infinity : firstWithNoBed),
        'those who could come home come first',
      );

      const page = new Browser(t.app);
      await page.signIn('bed_manager');
      const html = await page.get('/beds/placements');
      assert.match(html.body, /Test200 Person200: 12 days out of area/);
      const csv = await page.get('/beds/placements.csv');
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      assert.match(csv.body, /Test200 Person200/);
      const ret = await page.get('/beds/figures/oap-return.csv?month=2030-02');
      assert.match(ret.body, /Referred out of area reason code/);
      assert.match(ret.body, /Test independent PICU[^\n]*,2030-02-20,,Y,9,/);

      const home = await api('bed_manager', 'POST', `/api/beds/placements/${p.id}/bring-home`, { bedId: picu.bedId });
      assert.equal(home.statusCode, 200);
      assert.equal(home.json().status, 'allocated');
      clock.advance(86_400_000);
      const admitted = await api('bed_manager', 'POST', `/api/beds/requests/${home.json().id}/admit`, {});
      assert.equal(admitted.statusCode, 201);
      const ended = (await api('bed_manager', 'GET', '/api/beds/placements')).json();
      assert.equal(
        ended.items.find((x: { id: string }) => x.id === p.id),
        undefined,
        'no longer active',
      );
      const row = await t.database.db
        .selectFrom('beds_placements')
        .selectAll()
        .where('id', '=', p.id)
        .executeTakeFirstOrThrow();
      assert.equal(
        String(row.end_date instanceof Date ? row.end_date.toISOString().slice(0, 10) : row.end_date).slice(0, 10),
        '2030-03-05',
      );
      clock.set(START);
    });

    test('a bed manager closes and opens a bed from the board, and ends a placement, with errors named on the page', async () => {
      const b = new Browser(t.app);
      await b.signIn('bed_manager');
      const board = await b.get('/beds');
      const bedId = /<option value="([a-z0-9-]+)">[^<]+<\/option>/.exec(
        board.body.slice(board.body.indexOf('id="bedId"')),
      )?.[1] as string;
      assert.ok(bedId, 'a free bed is offered to close');
      const noReason = await b.post('/beds/beds/close', { bedId });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /href="#closeReason"/);
      const closed = await b.post('/beds/beds/close', { bedId, reason: 'staffing' });
      assert.equal(closed.statusCode, 303);
      const bedsNow = (await api('bed_manager', 'GET', '/api/beds/board')).json();
      const bed = bedsNow.wards
        .flatMap((w: { beds: { id: string; state: string; closedReason: string }[] }) => w.beds)
        .find((x: { id: string }) => x.id === bedId);
      assert.equal(bed.state, 'closed');
      assert.equal(bed.closedReason, 'staffing');
      const twice = await b.post('/beds/beds/close', { bedId, reason: 'staffing' });
      assert.equal(twice.statusCode, 409);
      assert.match(twice.body, /Only an available bed can be closed/);
      assert.equal((await b.post('/beds/beds/open', { bedId })).statusCode, 303);
      assert.equal((await auditRows('beds.bed.close', bedId)).length, 1);

      const page = await b.get('/beds/placements');
      const placementId = /<option value="([0-9a-f-]{36})"/.exec(page.body)?.[1] as string;
      const early = await b.post('/beds/placements/end', { placementId, endDate: '2020-01-01' });
      assert.equal(early.statusCode, 400);
      assert.match(early.body, /href="#endDate"/);
      assert.match(early.body, /on or after the start date/);
      const ended = await b.post('/beds/placements/end', { placementId, endDate: '2030-03-01' });
      assert.equal(ended.statusCode, 303);
      assert.doesNotMatch((await b.get('/beds/placements')).body, new RegExp(`value="${placementId}"`));
    });

    test('occupancy over time counts the beds open each midnight: a bed closed for two nights is out of those two', async () => {
      // Later than every other test's changes, so the bed's history runs forwards.
      clock.set('2030-04-04T10:00:00Z');
      const b = new Browser(t.app);
      await b.signIn('bed_manager');
      const board = await b.get('/beds');
      const bedId = /<option value="([a-z0-9-]+)">[^<]+<\/option>/.exec(
        board.body.slice(board.body.indexOf('id="bedId"')),
      )?.[1] as string;
      assert.equal((await b.post('/beds/beds/close', { bedId, reason: 'infection-control' })).statusCode, 303);
      clock.set('2030-04-06T10:00:00Z');
      assert.equal((await b.post('/beds/beds/open', { bedId })).statusCode, 303);
      const events = await t.database.db
        .selectFrom('beds_bed_events')
        .select(['from_state', 'to_state', 'closed_reason'])
        .where('bed_id', '=', bedId)
        .orderBy('id')
        .execute();
      assert.deepEqual(events.slice(-2), [
        { from_state: 'available', to_state: 'closed', closed_reason: 'infection-control' },
        { from_state: 'closed', to_state: 'available', closed_reason: null },
      ]);
      clock.set('2030-04-07T10:00:00Z');
      const res = await api('commissioner', 'GET', '/api/beds/occupancy?days=5');
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.deepEqual(body.dates, ['2030-04-03', '2030-04-04', '2030-04-05', '2030-04-06', '2030-04-07']);
      const all = body.series.find((x: { type: string }) => x.type === 'all');
      const [d3, d4, d5, d6, d7] = all.open as number[];
      // closed at 11:00 on the 4th (London summer time), opened on the 6th: out of the midnights of the 5th and 6th only
      assert.equal(d4, d3);
      assert.equal(d5, d4 - 1);
      assert.equal(d6, d4 - 1);
      assert.equal(d7, d4);
      assert.ok(d3 <= all.beds, 'open beds never exceed the beds on the board');
      const page = await b.get('/beds');
      assert.match(page.body, /\d+ of \d+ \(\d+(\.\d)?%\)/, 'the table says held out of open');
      // The history is append-only: the database refuses to rewrite or delete it.
      await assert.rejects(
        sql`update beds_bed_events set to_state = 'available' where bed_id = ${bedId}`.execute(t.database.db),
        /append-only/,
      );
      await assert.rejects(
        sql`delete from beds_bed_events where bed_id = ${bedId}`.execute(t.database.db),
        /append-only/,
      );
      clock.set(START);
    });

    test('pages for the bed manager render, each with its heading', async () => {
      const b = new Browser(t.app);
      await b.signIn('bed_manager');
      for (const [url, h1] of [
        ['/beds', 'Mental health beds in North Central London'],
        ['/beds/requests', 'Bed requests'],
        ['/beds/requests/new', 'Ask for a mental health bed'],
        ['/beds/stays', 'Admissions and delays'],
        ['/beds/placements', 'Out-of-area placements'],
        ['/beds/figures', 'Mental health beds: figures'],
      ]) {
        const res = await b.get(url);
        assert.equal(res.statusCode, 200, url);
        assert.match(res.body, new RegExp(`<h1>${h1}</h1>`), url);
      }
      const openapi = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      for (const path of [
        '/api/beds/board',
        '/api/beds/requests',
        '/api/beds/requests/{id}/allocate',
        '/api/beds/admissions/{id}/discharge',
        '/api/beds/placements',
        '/api/beds/figures',
      ]) {
        assert.ok(openapi.paths[path], path);
      }
    });
  });
}
