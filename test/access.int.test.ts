// The central point of access through HTTP, on every engine: idempotent intake, duplicate flags, concurrent
// claims (exactly one wins on real PostgreSQL), validation naming fields with nothing written, illegal
// transitions, audited reads, notifications through the outbox, compliance figures, and the public form.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { actOnReferral, nhsNumberCheckDigit, submitReferral } from '../src/modules/access/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { type Actor, systemActor } from '../src/platform/auth/roles.ts';
import { steppingClock } from '../src/platform/clock.ts';
import { deliverPending, LogDeliveryAdapter } from '../src/platform/outbox.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

/** A valid NHS number (Modulus 11) from a number, outside the demo data's 999 range. */
function nhs(n: number): string {
  for (let b = n; ; b++) {
    const nine = `94${String(b).padStart(7, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

function referral(n: number, overrides: Record<string, unknown> = {}) {
  return {
    person: {
      nhsNumber: nhs(n),
      givenName: 'Test',
      familyName: `Person${n}`,
      birthDate: '1950-04-02',
      postcode: 'N19 5HX',
      gpPractice: 'F83004',
    },
    component: 'podiatry',
    urgency: 'routine',
    reason: 'Painful corns, hard to walk',
    source: 'professional',
    communication: { preferredContact: 'email', interpreter: false, bsl: false },
    ...overrides,
  };
}

for (const engine of testEngines()) {
  describe(`central point of access on ${engine}`, () => {
    let t: TestApp;
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const spa = auth('access-spa');
    before(async () => {
      t = await startTestApp(engine);
      const system = systemActor('QMJ');
      await issueToken(t.database.db, system, { label: 'spa', role: 'spa', value: 'access-spa' });
      await issueToken(t.database.db, system, {
        label: 'clinician',
        role: 'clinician',
        value: 'access-clinician',
        organisationCode: 'RKE', // Islington's podiatry service
      });
      await issueToken(t.database.db, system, { label: 'commissioner', role: 'commissioner', value: 'access-comm' });
      for (let i = 0; i < 10; i++) {
        await issueToken(t.database.db, system, { label: `triager ${i}`, role: 'spa', value: `access-spa-${i}` });
      }
    });
    after(async () => t?.close());

    const post = (url: string, payload: unknown, headers: Record<string, string> = spa) =>
      t.app.inject({ method: 'POST', url, payload: payload as object, headers });
    const count = async (table: string) =>
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(t.database.db)).rows[0]!.n;

    test('a referral is routed to a local service, with reasons and the first-contact due time', async () => {
      const res = await post('/api/referrals', referral(1));
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json();
      assert.match(body.id, /^[0-9a-f-]{36}$/);
      assert.match(body.reference, /^CPA-[A-Z0-9]{8}$/);
      assert.equal(body.status, 'received');
      assert.equal(body.borough.name, 'Islington');
      assert.ok(body.receivingService, 'a service was found');
      assert.ok(body.reasons.some((r: { check: string }) => r.check === 'borough'));
      assert.ok(Date.parse(body.firstContactDue) > Date.parse(body.receivedAt));
      assert.equal(body.noService, null);
      assert.equal(body.likelyDuplicateOf, null);
    });

    test('the same Idempotency-Key twice creates one referral and returns the same answer', async () => {
      const before = await count('access_referrals');
      const headers = { ...spa, 'idempotency-key': `key-${engine}-1` };
      const first = await post('/api/referrals', referral(2), headers);
      const second = await post('/api/referrals', referral(2), headers);
      assert.equal(first.statusCode, 201);
      assert.equal(second.statusCode, 201);
      assert.deepEqual(second.json(), first.json());
      assert.equal(second.headers['idempotency-replayed'], 'true');
      assert.equal(await count('access_referrals'), before + 1);
      // Concurrent retries with a fresh key: still one.
      const key = { ...spa, 'idempotency-key': `key-${engine}-2` };
      const all = await Promise.all(Array.from({ length: 5 }, () => post('/api/referrals', referral(3), key)));
      assert.deepEqual(
        all.map((r) => r.statusCode),
        [201, 201, 201, 201, 201],
      );
      assert.equal(new Set(all.map((r) => r.json().id)).size, 1);
      assert.equal(await count('access_referrals'), before + 2);
      const reused = await post('/api/referrals', referral(4), headers);
      assert.equal(reused.statusCode, 422, 'a key reused for another body is refused');
    });

    test('a likely duplicate is flagged for the triager, not dropped', async () => {
      const first = (await post('/api/referrals', referral(5))).json();
      const again = await post('/api/referrals', referral(5, { source: 'professional', reason: 'Second referral' }));
      assert.equal(again.statusCode, 201);
      assert.equal(again.json().likelyDuplicateOf, first.id);
      assert.notEqual(again.json().id, first.id);
      const other = await post('/api/referrals', referral(5, { component: 'falls-prevention' }));
      assert.equal(other.json().likelyDuplicateOf, null, 'another component is not a duplicate');
      const list = await t.app.inject({ url: '/api/referrals?status=received&pageSize=100', headers: spa });
      const flagged = list.json().items.find((i: { id: string }) => i.id === again.json().id);
      assert.equal(flagged.likelyDuplicateOf, first.id);
    });

    test('bad input is refused with 400 naming each field, and nothing is written', async () => {
      const before = {
        referrals: await count('access_referrals'),
        people: await count('access_people'),
        events: await count('access_referral_events'),
        outbox: await count('outbox'),
      };
      const cases: [unknown, string][] = [
        [referral(6, { person: { ...referral(6).person, nhsNumber: '9434765918' } }), 'person.nhsNumber'],
        [referral(6, { person: { ...referral(6).person, postcode: 'SW1A 1AA' } }), 'person.postcode'],
        [referral(6, { person: { ...referral(6).person, postcode: 'not a postcode' } }), 'person.postcode'],
        [referral(6, { component: 'no-such-service' }), 'component'],
        [
          referral(6, { component: 'falls-prevention', person: { ...referral(6).person, birthDate: '2016-01-01' } }),
          'person.birthDate',
        ],
        [referral(6, { urgency: 'whenever' }), 'urgency'],
        [referral(6, { communication: { interpreter: true, preferredContact: 'email' } }), 'communication.language'],
        [referral(6, { communication: { preferredContact: 'pigeon' } }), 'communication.preferredContact'],
      ];
      for (const [body, field] of cases) {
        const res = await post('/api/referrals', body);
        assert.equal(res.statusCode, 400, `${field}: ${res.body}`);
        const fields = res.json().error.fields.map((f: { field: string }) => f.field);
        assert.ok(fields.includes(field), `${field} named in ${JSON.stringify(fields)}`);
      }
      const many = await post('/api/referrals', { person: { nhsNumber: '123' }, source: 'fax' });
      const named = many.json().error.fields.map((f: { field: string }) => f.field);
      for (const f of ['person.nhsNumber', 'person.givenName', 'person.birthDate', 'component', 'source', 'reason']) {
        assert.ok(named.includes(f), `${f} in ${named}`);
      }
      assert.deepEqual(
        {
          referrals: await count('access_referrals'),
          people: await count('access_people'),
          events: await count('access_referral_events'),
          outbox: await count('outbox'),
        },
        before,
      );
    });

    test('illegal transitions are 409 naming the transition; missing reasons are 400 naming the field', async () => {
      const r = (await post('/api/referrals', referral(7))).json();
      const contact = await post(`/api/referrals/${r.id}/first-contact`, {});
      assert.equal(contact.statusCode, 409);
      assert.match(contact.json().error.message, /has not been triaged cannot have a first contact recorded/);
      assert.match(contact.json().error.message, /received → first-contact/);
      const accept = await post(`/api/referrals/${r.id}/accept`, {});
      assert.equal(accept.statusCode, 409);
      assert.match(accept.json().error.message, /received → accept/);
      assert.equal((await post(`/api/referrals/${r.id}/triage`, { note: 'ok' })).statusCode, 200);
      const noReason = await post(`/api/referrals/${r.id}/redirect`, { reason: ' ' });
      assert.equal(noReason.statusCode, 400);
      assert.equal(noReason.json().error.fields[0].field, 'reason');
      const early = await post(`/api/referrals/${r.id}/close`, { outcome: 'completed' });
      assert.equal(early.statusCode, 409);
      const badOutcome = await post(`/api/referrals/${r.id}/close`, { outcome: 'vanished' });
      assert.equal(badOutcome.statusCode, 400);
      assert.equal(badOutcome.json().error.fields[0].field, 'outcome');
      const unknownService = await post(`/api/referrals/${r.id}/accept`, { serviceId: 'nowhere' });
      assert.equal(unknownService.statusCode, 400);
      assert.equal(unknownService.json().error.fields[0].field, 'serviceId');
      const closed = await post(`/api/referrals/${r.id}/close`, { outcome: 'withdrawn' });
      assert.equal(closed.statusCode, 200);
      assert.equal(closed.json().status, 'closed');
      const reopen = await post(`/api/referrals/${r.id}/triage`, {});
      assert.equal(reopen.statusCode, 409);
      assert.match(reopen.json().error.message, /closed cannot be triaged/);
      const missing = await post('/api/referrals/00000000-0000-4000-8000-000000000000/triage', {});
      assert.equal(missing.statusCode, 404);
    });

    test('ten concurrent claims: exactly one wins, the other nine get 409', async () => {
      const r = (await post('/api/referrals', referral(8))).json();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => post(`/api/referrals/${r.id}/claim`, {}, auth(`access-spa-${i}`))),
      );
      const codes = results.map((x) => x.statusCode).sort();
      assert.deepEqual(codes, [200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      const winner = results.find((x) => x.statusCode === 200)!.json();
      for (const loser of results.filter((x) => x.statusCode === 409)) {
        assert.match(loser.json().error.message, /claimed this referral first/);
      }
      const row = await t.database.db
        .selectFrom('access_referrals')
        .select(['claimed_by'])
        .where('id', '=', r.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.claimed_by, winner.claimedBy);
      const claims = await t.database.db
        .selectFrom('access_referral_events')
        .select('id')
        .where('referral_id', '=', r.id)
        .where('type', '=', 'claim')
        .execute();
      assert.equal(claims.length, 1, 'one claim event');
      // Someone who did not claim it cannot triage it.
      const loserToken = results.findIndex((x) => x.statusCode === 409);
      const blocked = await post(`/api/referrals/${r.id}/triage`, {}, auth(`access-spa-${loserToken}`));
      assert.equal(blocked.statusCode, 409);
      assert.match(blocked.json().error.message, /has claimed this referral/);
    });

    test("reading a person's referral is audited, and the timeline holds every change", async () => {
      const r = (await post('/api/referrals', referral(9))).json();
      await post(`/api/referrals/${r.id}/triage`, {});
      const res = await t.app.inject({ url: `/api/referrals/${r.id}`, headers: spa });
      assert.equal(res.statusCode, 200);
      const view = res.json();
      assert.equal(view.person.nhsNumber, nhs(9));
      assert.deepEqual(
        view.events.filter((e: { referralId: string }) => e.referralId === r.id).map((e: { type: string }) => e.type),
        ['receive', 'triage'],
      );
      const reads = await t.database.db
        .selectFrom('audit_log')
        .select(['actor_name', 'outcome'])
        .where('action', '=', 'referral.read')
        .where('record_id', '=', r.id)
        .execute();
      assert.ok(reads.length >= 1);
      assert.equal(reads[reads.length - 1].actor_name, 'API token: spa');
      const commissioner = await t.app.inject({ url: `/api/referrals/${r.id}`, headers: auth('access-comm') });
      assert.equal(commissioner.statusCode, 403);
    });

    test('acceptance sets the due time from the service standard and notifies the person by their preferred contact', async () => {
      const r = (await post('/api/referrals', referral(10, { urgency: 'urgent' }))).json();
      await post(`/api/referrals/${r.id}/triage`, {});
      const accepted = await post(`/api/referrals/${r.id}/accept`, {}, auth('access-clinician'));
      assert.equal(accepted.statusCode, 200, accepted.body);
      const view = accepted.json();
      assert.equal(view.status, 'accepted');
      assert.ok(view.firstContactDue);
      // Podiatry, urgent: 1 working day, due at 17:00 London time.
      const due = new Date(view.firstContactDue);
      const londonTime = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/London',
        hour: '2-digit',
        minute: '2-digit',
      }).format(due);
      assert.equal(londonTime, '17:00');
      const messages = await t.database.db
        .selectFrom('outbox')
        .selectAll()
        .where('topic', '=', 'referral.accepted')
        .execute();
      const mine = messages.filter((m) => {
        const p = typeof m.payload === 'string' ? JSON.parse(m.payload) : m.payload;
        return p.referralId === r.id;
      });
      assert.equal(mine.length, 1);
      assert.equal(mine[0].channel, 'email');
      const adapter = new LogDeliveryAdapter();
      await deliverPending(t.database.db, adapter, { limit: 500 });
      assert.ok(adapter.sent.some((m) => m.topic === 'referral.accepted' && m.payload.referralId === r.id));
    });

    test('an unrouted referral records a gap for commissioners and still reaches a triager', async () => {
      const res = await post(
        '/api/referrals',
        referral(11, {
          component: 'childrens-hospital-at-home',
          urgency: 'urgent',
          person: { ...referral(11).person, birthDate: '2018-03-03', postcode: 'NW5 2HX' },
        }),
      );
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json();
      assert.equal(body.receivingService, null);
      assert.equal(body.noService.kind, 'no-service-in-borough');
      assert.ok(body.firstContactDue, "the hub's own standard gives a triage due time");
      const gaps = await t.app.inject({ url: '/api/access/gaps', headers: auth('access-comm') });
      assert.equal(gaps.statusCode, 200);
      assert.ok(gaps.json().rows.some((g: { referralId: string }) => g.referralId === body.id));
      const browser = new Browser(t.app);
      await browser.signIn('commissioner');
      const page = await browser.get('/access/gaps');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Children’s hospital at home/);
    });

    test('compliance per component, borough and month: counts, routed first time, median, p90 and share met', async () => {
      const db = t.database.db;
      const actor: Actor = {
        kind: 'user',
        id: 'compliance-test',
        name: 'Test',
        role: 'spa',
        systemId: 'QMJ',
        organisationCode: null,
      };
      const h = (hours: number) => new Date(Date.parse('2026-01-05T10:00:00Z') + hours * 3_600_000);
      const body = (n: number) => referral(100 + n, { component: 'cardiac-rehabilitation' });
      const make = async (n: number) => (await submitReferral(db, actor, body(n), { now: h(0) })).body.id;
      const a = await make(1);
      const b = await make(2);
      const c = await make(3);
      for (const id of [a, b, c]) {
        await actOnReferral(db, actor, id, { type: 'triage' }, { now: h(1) });
        await actOnReferral(db, actor, id, { type: 'accept' }, { now: h(2) });
      }
      await actOnReferral(db, actor, a, { type: 'first-contact' }, { now: h(24) });
      await actOnReferral(db, actor, b, { type: 'redirect', reason: 'Wrong team', toServiceId: null }, { now: h(3) });
      await actOnReferral(
        db,
        actor,
        b,
        { type: 'triage', serviceId: 'islington-cardiac-rehabilitation' },
        { now: h(4) },
      );
      await actOnReferral(db, actor, b, { type: 'accept' }, { now: h(5) });
      await actOnReferral(db, actor, b, { type: 'first-contact' }, { now: h(48) });
      const res = await t.app.inject({
        url: '/api/access/compliance?from=2026-01-01&to=2026-02-01&component=cardiac-rehabilitation',
        headers: auth('access-comm'),
      });
      assert.equal(res.statusCode, 200, res.body);
      const rows = res.json().rows;
      assert.equal(rows.length, 1);
      const row = rows[0];
      assert.equal(row.month, '2026-01');
      assert.equal(row.borough, 'E09000019');
      assert.equal(row.referrals, 3);
      assert.equal(row.routedFirstTime, 2);
      assert.equal(row.firstContacts, 2);
      assert.equal(row.medianHoursToFirstContact, 36);
      assert.ok(Math.abs(row.p90HoursToFirstContact - 45.6) < 1e-9);
      // Cardiac rehabilitation, routine: 4 weeks. Two met; the third had no contact by now: breached.
      assert.deepEqual(
        { met: row.standard.met, breached: row.standard.breached, share: row.standard.share },
        { met: 2, breached: 1, share: 2 / 3 },
      );
    });

    test('the worklist is ordered by due time and filters by status, service and due time', async () => {
      const res = await t.app.inject({
        url: '/api/referrals?status=received&status=triaged&pageSize=100',
        headers: spa,
      });
      assert.equal(res.statusCode, 200);
      const items = res.json().items as { dueAt: string | null; status: string }[];
      assert.ok(items.length > 3);
      assert.ok(items.every((i) => i.status === 'received' || i.status === 'triaged'));
      const dues = items.map((i) => i.dueAt).filter((d): d is string => d !== null);
      assert.deepEqual(
        dues,
        [...dues].sort((x, y) => Date.parse(x) - Date.parse(y)),
      );
      const soon = await t.app.inject({
        url: `/api/referrals?due_before=${encodeURIComponent(new Date().toISOString())}`,
        headers: spa,
      });
      assert.equal(soon.statusCode, 200, soon.body);
      assert.ok(soon.json().items.length > 0, 'some referral is due before now, or the filter is not exercised');
      assert.ok(soon.json().items.every((i: { breach: string }) => i.breach === 'breached' || i.breach === 'met'));
      const bad = await t.app.inject({ url: '/api/referrals?status=lost', headers: spa });
      assert.equal(bad.statusCode, 400);
      const anonymous = await t.app.inject({ url: '/api/referrals' });
      assert.equal(anonymous.statusCode, 401);
    });

    test('the worklist finds a referral by reference, NHS number or name, across every status', async () => {
      const all = (await t.app.inject({ url: '/api/referrals?pageSize=100', headers: spa })).json().items as {
        reference: string;
        name: string;
        nhsNumber: string;
        status: string;
      }[];
      const target = all[all.length - 1]!;
      const find = async (search: string) => {
        const res = await t.app.inject({ url: `/api/referrals?search=${encodeURIComponent(search)}`, headers: spa });
        assert.equal(res.statusCode, 200, res.body);
        return res.json().items as typeof all;
      };
      assert.deepEqual(
        (await find(target.reference.toLowerCase())).map((i) => i.reference),
        [target.reference],
      );
      const spaced = `${target.nhsNumber.slice(0, 3)} ${target.nhsNumber.slice(3, 6)} ${target.nhsNumber.slice(6)}`;
      const byNhs = await find(spaced);
      assert.ok(byNhs.length > 0 && byNhs.every((i) => i.nhsNumber === target.nhsNumber));
      assert.ok(byNhs.some((i) => i.reference === target.reference));
      const family = target.name.split(' ').at(-1)!;
      const byName = await find(family.toUpperCase());
      assert.ok(byName.some((i) => i.reference === target.reference));
      assert.ok(byName.every((i) => i.name.toLowerCase().includes(family.toLowerCase())));
      assert.deepEqual(await find('nobody-is-called-this'), []);
      // LIKE's wildcards are taken literally: "%" matches nobody rather than everybody.
      assert.deepEqual(await find('%%'), []);
      const bad = await t.app.inject({ url: '/api/referrals?search=12345', headers: spa });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(
        bad.json().error.fields.map((f: { field: string }) => f.field),
        ['search'],
      );
      // The page says so beside the box and still shows the worklist; a good search names what it found.
      const browser = new Browser(t.app);
      await browser.signIn('spa');
      const page = await browser.get('/access?search=12345');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /There is a problem/);
      assert.match(page.body, /An NHS number has 10 digits/);
      const found = await browser.get(`/access?search=${encodeURIComponent(target.reference)}`);
      assert.match(found.body, new RegExp(`Search results for “${target.reference}”: 1 referral`));
      // Searches are audited with what was searched for.
      const audited = await sql<{ n: number }>`select count(*)::int as n from audit_log
        where action = 'referral.list' and detail->>'search' = ${target.reference.toLowerCase()}`.execute(
        t.database.db,
      );
      assert.equal(audited.rows[0]!.n, 1);
    });

    test('the public self-referral form: error summary naming fields, then a confirmation with a reference', async () => {
      const browser = new Browser(t.app);
      const form = await browser.get('/refer/falls-prevention');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Refer yourself/);
      const before = await count('access_referrals');
      const empty = await browser.post('/refer/falls-prevention', {});
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /There is a problem/);
      assert.match(empty.body, /href="#nhsNumber"/);
      assert.match(empty.body, /href="#birthDate-day"/);
      assert.match(empty.body, /href="#preferredContact"/);
      assert.equal(await count('access_referrals'), before);
      const young = await browser.post('/refer/falls-prevention', {
        nhsNumber: nhs(200),
        givenName: 'Young',
        familyName: 'Person',
        birthDay: '1',
        birthMonth: '1',
        birthYear: '1990',
        postcode: 'n19 5hx',
        preferredContact: 'phone',
        phone: '020 7946 0123',
        interpreter: 'no',
        urgency: 'routine',
        reason: 'I keep falling',
      });
      assert.equal(young.statusCode, 400, 'falls prevention takes self-referrals from older adults only');
      assert.match(young.body, /href="#birthDate-day"/);
      const sent = await browser.post('/refer/falls-prevention', {
        nhsNumber: nhs(201).replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3'),
        givenName: 'Margaret',
        familyName: 'Holt',
        birthDay: '9',
        birthMonth: '8',
        birthYear: '1944',
        postcode: 'n19 5hx',
        preferredContact: 'phone',
        phone: '020 7946 0123',
        interpreter: 'yes',
        language: 'Polish',
        bsl: 'yes',
        needs: 'Uses a hearing aid',
        urgency: 'routine',
        reason: 'I keep falling in the garden',
      });
      assert.equal(sent.statusCode, 303, sent.body);
      const location = sent.headers.location as string;
      assert.match(location, /^\/refer\/confirmation\/CPA-[A-Z0-9]{8}$/);
      const confirmation = await browser.get(location);
      assert.equal(confirmation.statusCode, 200);
      assert.match(confirmation.body, /Referral sent/);
      assert.match(confirmation.body, /You should hear from us by/);
      assert.doesNotMatch(confirmation.body, /Margaret|Holt/, 'the confirmation shows no personal details');
      const row = await t.database.db
        .selectFrom('access_referrals')
        .select(['source', 'communication'])
        .where('reference', '=', location.split('/').pop()!)
        .executeTakeFirstOrThrow();
      assert.equal(row.source, 'self');
      const comm = typeof row.communication === 'string' ? JSON.parse(row.communication) : row.communication;
      assert.deepEqual(comm, {
        language: 'Polish',
        interpreter: true,
        bsl: true,
        needs: 'Uses a hearing aid',
        preferredContact: 'phone',
      });
      const notSelf = await browser.get('/refer/district-nursing');
      assert.equal(notSelf.statusCode, 404);
      assert.match(notSelf.body, /You cannot refer yourself/);
    });

    test('staff pages: worklist, claim, triage, accept and signposting from a referral', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('spa');
      const list = await browser.get('/access');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Referrals/);
      const r = (await post('/api/referrals', referral(12, { component: 'falls-prevention' }))).json();
      const page = await browser.get(`/access/referrals/${r.id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Timeline/);
      const claimed = await browser.post(`/access/referrals/${r.id}/claim`, {});
      assert.equal(claimed.statusCode, 303);
      const again = await browser.post(`/access/referrals/${r.id}/claim`, {});
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /already claimed/);
      const noReason = await browser.post(`/access/referrals/${r.id}/triage`, {});
      assert.equal(noReason.statusCode, 303);
      const redirect = await browser.post(`/access/referrals/${r.id}/redirect`, { reason: '' });
      assert.equal(redirect.statusCode, 400);
      assert.match(redirect.body, /href="#redirect-reason"/);
      const accepted = await browser.post(`/access/referrals/${r.id}/accept`, { serviceId: '' });
      assert.equal(accepted.statusCode, 303);
      const after = await browser.get(`/access/referrals/${r.id}?done=accept`);
      assert.match(after.body, /Referral accepted/);
      assert.match(after.body, /Accepted by a service/);
      const serviceList = await browser.get('/access?view=accepted&service=islington-falls-prevention');
      assert.equal(serviceList.statusCode, 200);
      assert.match(serviceList.body, /Test Person12/, "on the receiving service's worklist");
      const otherService = await browser.get('/access?view=accepted&service=camden-district-nursing');
      assert.doesNotMatch(otherService.body, /Test Person12/);
      const signpost = await browser.get(`/access/referrals/${r.id}?need=loneliness`);
      assert.equal(signpost.statusCode, 200);
      assert.match(signpost.body, /Signpost to local support/);
      const created = await browser.post('/access/new', {
        component: 'podiatry',
        urgency: 'routine',
        reason: 'Thick nails',
        nhsNumber: nhs(300),
        givenName: 'Pro',
        familyName: 'Referral',
        birthDay: '2',
        birthMonth: '3',
        birthYear: '1950',
        postcode: 'N17 6RA',
        preferredContact: 'letter',
        interpreter: 'no',
      });
      assert.equal(created.statusCode, 303, created.body);
      assert.match(created.headers.location as string, /^\/access\/referrals\/[0-9a-f-]{36}\?done=created$/);
    });
  });
}

describe('the public self-referral form is rate limited', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('pglite', { env: { PUBLIC_POST_RATE_LIMIT: '2' } });
  });
  after(async () => t?.close());

  test('after the limit, another submission from the same address is refused with 429', async () => {
    const browser = new Browser(t.app);
    await browser.get('/refer/falls-prevention');
    assert.equal((await browser.post('/refer/falls-prevention', {})).statusCode, 400);
    assert.equal((await browser.post('/refer/falls-prevention', {})).statusCode, 400);
    const limited = await browser.post('/refer/falls-prevention', {});
    assert.equal(limited.statusCode, 429);
    assert.match(limited.body, /Too many requests/);
  });
});

// Business time comes from the app's clock: these tests fix it, so each has one outcome whatever the time of
// day they run. The demo data (and the scheduling team's rota) is loaded relative to the same clock.
for (const engine of testEngines()) {
  describe(`referrals at known instants on ${engine}`, () => {
    let t: TestApp;
    // Monday 30 March 2026, 10:15 in London: the first working day of British Summer Time (BST began
    // at 01:00 UTC on Sunday 29 March), so London is UTC+1.
    const clock = steppingClock('2026-03-30T09:15:00Z');
    const spa = { authorization: 'Bearer instants-spa' };
    before(async () => {
      t = await startTestApp(engine, { clock });
      await issueToken(t.database.db, systemActor('QMJ'), { label: 'spa', role: 'spa', value: 'instants-spa' });
    });
    after(async () => t?.close());
    const post = (url: string, payload: unknown) =>
      t.app.inject({ method: 'POST', url, payload: payload as object, headers: spa });
    const ucr = (n: number) =>
      referral(n, {
        component: 'urgent-community-response',
        urgency: 'urgent',
        person: { ...referral(n).person, postcode: 'N12 0DR' },
      });
    const acceptUcr = async (n: number) => {
      const r = (await post('/api/referrals', ucr(n))).json();
      assert.equal((await post(`/api/referrals/${r.id}/triage`, {})).statusCode, 200);
      const accepted = await post(`/api/referrals/${r.id}/accept`, {});
      assert.equal(accepted.statusCode, 200, accepted.body);
      const visits = await t.database.db
        .selectFrom('scheduling_visits')
        .select(['priority', 'patient_ref', 'day', 'window_start', 'window_end'])
        .where('referral_id', '=', r.id)
        .execute();
      return { r, accepted: accepted.json(), visits };
    };

    test('an urgent community response accepted at 10:15 BST is booked on the board with a 10:15 to 12:15 window', async () => {
      const { r, accepted, visits } = await acceptUcr(13);
      assert.equal(accepted.firstContactDue, '2026-03-30T11:15:00.000Z', 'two hours after receipt');
      const visitEvent = accepted.events.find((e: { type: string }) => e.type === 'visit');
      assert.match(visitEvent.note, /^Visit booked on the North Central London .+ board$/);
      assert.equal(visits.length, 1);
      assert.equal(visits[0].priority, 'urgent-2h');
      assert.equal(visits[0].patient_ref, r.reference, 'the board shows the reference, never the name');
      assert.equal(visits[0].day, '2026-03-30');
      // London wall-clock minutes: 10:15 is 615 (09:15, the UTC hour, would be 555).
      assert.deepEqual([visits[0].window_start, visits[0].window_end], [615, 735]);
    });

    test('one accepted at 22:45 BST goes onto the board unplaced: no clinician works that late', async () => {
      clock.set('2026-03-30T21:45:00Z');
      const { accepted, visits } = await acceptUcr(14);
      const visitEvent = accepted.events.find((e: { type: string }) => e.type === 'visit');
      assert.match(visitEvent.note, /^Visit added to the .+ board, not yet placed with a clinician$/);
      assert.equal(visits.length, 1);
      assert.deepEqual([visits[0].window_start, visits[0].window_end], [1365, 1439]);
    });

    test('a working-days standard skips the Easter bank holidays: received Thursday 18:00, due Wednesday 17:00', async () => {
      // Thursday 2 April 2026 18:00 BST is after the working day ends; Good Friday (3 April) and Easter
      // Monday (6 April) are bank holidays, so day 0 is Tuesday 7 April and one working day later is
      // Wednesday 8 April at 17:00 BST (16:00 UTC).
      clock.set('2026-04-02T17:00:00Z');
      const created = await post('/api/referrals', referral(15, { urgency: 'urgent' }));
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().firstContactDue, '2026-04-08T16:00:00.000Z');
      const listed = await t.app.inject({ url: `/api/referrals/${created.json().id}`, headers: spa });
      assert.equal(listed.json().breach, 'on-track');
      clock.set('2026-04-08T16:01:00Z');
      const later = await t.app.inject({ url: `/api/referrals/${created.json().id}`, headers: spa });
      assert.equal(later.json().breach, 'breached', 'one minute after the due time, by the app clock');
    });
  });
}
