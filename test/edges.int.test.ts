// The edge of the application (issue 10 §5 and §6): each input that used to make a 500, and each error that
// used to come back in a framework's own format, now answers in the one error shape with one plain message per
// field. The property test over every route is test/malformed-input.int.test.ts.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { DEMO_PASSWORD } from '../src/seed.ts';
import { testEngines } from './support/db.ts';
import { roleTokens } from './support/tokens.ts';

type ErrorJson = {
  error: { status: number; code: string; message: string; fields?: { field: string; message: string }[] };
};

function oneShape(body: unknown, status: number): ErrorJson['error'] {
  const e = (body as ErrorJson).error;
  assert.equal(e.status, status);
  assert.equal(typeof e.code, 'string');
  assert.equal(typeof e.message, 'string');
  assert.equal(typeof (body as { requestId?: unknown }).requestId, 'string');
  assert.doesNotMatch(JSON.stringify(body), /FST_|ERR_|must match a schema|must NOT/);
  if (e.fields) {
    const names = e.fields.map((f) => f.field);
    assert.equal(new Set(names).size, names.length, `one message per field: ${names.join(', ')}`);
  }
  return e;
}

for (const engine of testEngines()) {
  describe(`the edge (${engine})`, () => {
    let t: TestApp;
    let bearer: (role: string) => Record<string, string>;
    before(async () => {
      t = await startTestApp(engine);
      bearer = await roleTokens(t);
    });
    after(async () => t?.close());

    const api = (method: string, url: string, payload?: string, role = 'coordinator') =>
      t.app.inject({
        method: method as 'POST',
        url,
        payload,
        headers: {
          ...bearer(role),
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
      });

    const openVisit = async () =>
      (
        await sql<{ id: string }>`select id from scheduling_visits where status = 'open' order by id limit 1`.execute(
          t.database.db,
        )
      ).rows[0]!.id;

    test('a NUL byte in a query string, a path parameter or a JSON field is refused naming the field', async () => {
      const q = await api('GET', '/api/directory/services?q=a%00b', undefined, 'commissioner');
      assert.equal(q.statusCode, 400);
      assert.deepEqual(
        oneShape(q.json(), 400).fields?.map((f) => f.field),
        ['querystring.q'],
      );
      const p = await api('GET', '/api/offer/components/a%00b', undefined, 'commissioner');
      assert.equal(p.statusCode, 400);
      assert.equal(oneShape(p.json(), 400).fields?.[0]?.field, 'params.code');
      const b = await api('POST', `/api/scheduling/visits/${await openVisit()}/lock`, '{"clinicianId": "a\\u0000b"}');
      assert.equal(b.statusCode, 400);
      const fields = oneShape(b.json(), 400).fields!;
      assert.deepEqual(
        fields.map((f) => f.field),
        ['clinicianId'],
      );
      assert.match(fields[0]!.message, /control characters/);
    });

    test('a lone surrogate inside JSON is refused before it reaches jsonb', async () => {
      const res = await api('POST', `/api/scheduling/visits/${await openVisit()}/lock`, '{"clinicianId": "x\\ud800"}');
      assert.equal(res.statusCode, 400);
      assert.match(oneShape(res.json(), 400).fields![0]!.message, /clinicianId must be valid text/);
    });

    test('page=1e309 is refused as too large, not read as Infinity', async () => {
      const res = await api('GET', '/api/directory/services?page=1e309', undefined, 'commissioner');
      assert.equal(res.statusCode, 400);
      const fields = oneShape(res.json(), 400).fields!;
      assert.deepEqual(
        fields.map((f) => f.field),
        ['querystring.page'],
      );
      const huge = await api('GET', '/api/directory/services?page=99999999999', undefined, 'commissioner');
      assert.equal(huge.statusCode, 400);
    });

    test('a visit can be locked and unlocked ({"clinicianId": null})', async () => {
      const id = await openVisit();
      const day = (
        await sql<{
          team_id: string;
          day: string;
        }>`select team_id, day::text as day from scheduling_visits where id = ${id}`.execute(t.database.db)
      ).rows[0]!;
      const clinician = (
        await sql<{ id: string }>`
          select c.id from scheduling_clinicians c join scheduling_shifts s on s.clinician_id = c.id
          where c.team_id = ${day.team_id} and s.day = ${day.day}::date order by c.id limit 1`.execute(t.database.db)
      ).rows[0];
      if (clinician) {
        const lock = await api(
          'POST',
          `/api/scheduling/visits/${id}/lock`,
          JSON.stringify({ clinicianId: clinician.id }),
        );
        // Locking may be refused when the clinician lacks the skills; it must never be a server error.
        assert.ok(lock.statusCode === 200 || lock.statusCode === 400, lock.body);
      }
      const unlock = await api('POST', `/api/scheduling/visits/${id}/lock`, JSON.stringify({ clinicianId: null }));
      assert.equal(unlock.statusCode, 200, unlock.body);
      assert.equal(unlock.json().visit.lockedClinicianId, null);
      const row = await sql<{
        locked: string | null;
      }>`select locked_clinician_id as locked from scheduling_visits where id = ${id}`.execute(t.database.db);
      assert.equal(row.rows[0]!.locked, null);
    });

    test('a path parameter that is not a valid id is a 400 or 404, never a 500', async () => {
      const res = await api('POST', '/api/scheduling/visits/not-a-uuid/lock', JSON.stringify({ clinicianId: null }));
      assert.ok(res.statusCode === 400 || res.statusCode === 404, `${res.statusCode}`);
      oneShape(res.json(), res.statusCode);
    });

    test('sign-in with a next address above U+00FF signs the person in and sends them there', async () => {
      const browser = new Browser(t.app);
      await browser.get('/sign-in');
      const res = await browser.post('/sign-in', {
        username: 'commissioner',
        password: DEMO_PASSWORD,
        next: '/directory?q=€café',
      });
      assert.equal(res.statusCode, 303, res.body.slice(0, 200));
      assert.equal(res.headers.location, '/directory?q=%E2%82%ACcaf%C3%A9');
      const signedIn = await browser.get('/directory?q=%E2%82%ACcaf%C3%A9');
      assert.equal(signedIn.statusCode, 200);
      const again = await browser.get('/sign-in?next=%2Fdirectory%3Fq%3D%E2%82%AC');
      assert.equal(again.statusCode, 303);
      assert.equal(again.headers.location, '/directory?q=%E2%82%AC');
    });

    test('a union that fails gives one plain message for its field', async () => {
      const res = await api(
        'POST',
        `/api/scheduling/visits/${await openVisit()}/lock`,
        JSON.stringify({ clinicianId: 5 }),
      );
      assert.equal(res.statusCode, 400);
      const fields = oneShape(res.json(), 400).fields!;
      assert.deepEqual(fields, [{ field: 'clinicianId', message: 'clinicianId must be text or empty (null)' }]);
    });

    test('a too-long path parameter is answered in the one shape', async () => {
      const res = await api('GET', `/api/offer/components/${'a'.repeat(150)}`, undefined, 'commissioner');
      assert.equal(res.statusCode, 414);
      assert.equal(oneShape(res.json(), 414).code, 'path_too_long');
      const bad = await api('GET', '/api/offer/components/%E0%A4%A', undefined, 'commissioner');
      assert.equal(bad.statusCode, 400);
      assert.equal(oneShape(bad.json(), 400).code, 'bad_address');
    });

    test('a body with a __proto__ key is refused by name, not called invalid JSON', async () => {
      const res = await api(
        'POST',
        `/api/scheduling/visits/${await openVisit()}/lock`,
        '{"__proto__": {"x": 1}, "clinicianId": null}',
      );
      assert.equal(res.statusCode, 400);
      const e = oneShape(res.json(), 400);
      assert.equal(e.code, 'forbidden_field');
      assert.match(e.message, /__proto__/);
      const broken = await api('POST', `/api/scheduling/visits/${await openVisit()}/lock`, '{"clinicianId": ');
      assert.equal(oneShape(broken.json(), 400).code, 'malformed_json');
    });

    test('JSON nested too deeply is refused', async () => {
      const deep = `${'['.repeat(100)}1${']'.repeat(100)}`;
      const res = await api('POST', `/api/scheduling/visits/${await openVisit()}/lock`, `{"clinicianId": ${deep}}`);
      assert.equal(res.statusCode, 400);
      oneShape(res.json(), 400);
    });

    test('the published offer explains its age groups: code, name and the ages each covers', async () => {
      const res = await t.app.inject('/api/offer');
      assert.equal(res.statusCode, 200);
      const body = res.json() as {
        ageGroups: { code: string; name: string; minAge: number; maxAge: number | null }[];
        components: { provisions: { ageGroup: string }[] }[];
      };
      assert.deepEqual(body.ageGroups, [
        { code: 'children-young-people', name: 'Children and young people', minAge: 0, maxAge: 17 },
        { code: 'young-adults', name: 'Young adults', minAge: 18, maxAge: 25 },
        { code: 'working-age-adults', name: 'Working-age adults', minAge: 18, maxAge: 64 },
        { code: 'older-adults', name: 'Older adults', minAge: 65, maxAge: null },
      ]);
      const codes = new Set(body.ageGroups.map((g) => g.code));
      for (const c of body.components) for (const p of c.provisions) assert.ok(codes.has(p.ageGroup), p.ageGroup);
      const spec = (await t.app.inject('/api/openapi.json')).json();
      const schema = spec.paths['/api/offer'].get.responses['200'].content['application/json'].schema;
      assert.ok(schema.properties.ageGroups, 'the API description documents ageGroups');
    });

    test('headers too large (431) come back in the one shape', async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      {
        const { port } = t.app.server.address() as AddressInfo;
        const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = http.request(
            { host: '127.0.0.1', port, path: '/healthz', headers: { 'x-big': 'a'.repeat(40_000) } },
            (res) => {
              let body = '';
              res.on('data', (c) => {
                body += c;
              });
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            },
          );
          req.on('error', reject);
          req.end();
        });
        assert.equal(answer.status, 431);
        assert.equal(oneShape(JSON.parse(answer.body), 431).code, 'headers_too_large');
      }
    });
  });
}
