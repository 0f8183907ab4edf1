// No input makes a 500 (issue 10 §5). The routes and their schemas are read from the app itself, so a new
// route is covered the moment it is added. Each route is called as a role its policy permits, with values
// generated (seeded, a bounded number per route) from what its schema declares:
// 1. every request carries at least one value that must be refused (NUL and other control characters, lone
//    surrogates, invalid UTF-8, numbers beyond any column, nesting too deep, a __proto__ key, a path parameter
//    that is too long, a body in a content type nothing reads): the answer is a 4xx in the one error shape and
//    no table's row count changes;
// 2. then values that are odd but may be acceptable (long and non-Latin text, negative and huge numbers, wrong
//    types, empty strings) in every field: the answer is never a 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { RouteInput } from '../src/platform/http/input.plugin.ts';
import { testEngines } from './support/db.ts';
import { roleTokens } from './support/tokens.ts';
import { startTestApp, type TestApp } from './support/app.ts';

const SEED = 20261002;
const REFUSED_PER_ROUTE = 6;
const ODD_PER_ROUTE = 3;

type Field = { name: string; type: string };

/** The fields a schema part declares, with the JSON type of each (the first non-null type of a union). */
function fieldsOf(schema: unknown): Field[] {
  const props = (schema as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties;
  if (!props) return [];
  return Object.entries(props).map(([name, s]) => {
    const options = (s.anyOf ?? s.oneOf ?? [s]) as Record<string, unknown>[];
    const type = options.map((o) => [o.type].flat()[0]).find((t) => t && t !== 'null');
    return { name, type: typeof type === 'string' ? type : 'string' };
  });
}
const paramsOf = (url: string) => [...url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);

// Values that must be refused wherever they go.
const badControl = fc.constantFrom('a\u0000b', '\u0000', 'x\u0007y', 'tab\u001bescape', '\u007f', 'c1\u0085');
const badText = fc.oneof(badControl, fc.constantFrom('lone\ud800', '\udc00end'));
// (A form body cannot carry a lone surrogate: URL-encoding writes it as U+FFFD.)
// The same, as they arrive in a URL (percent-encoded). In a path, %ED%A0%80 and %FF (not UTF-8) are refused
// too; in a query string they are read as U+FFFD (the replacement character), which is harmless text.
const badUrlText = fc.constantFrom('a%00b', '%00', 'x%07y', '%1B', '%7F');
const badPathText = fc.oneof(badUrlText, fc.constantFrom('%ED%A0%80', '%FF', '%E0%A4%A'));
const badNumberInUrl = fc.constantFrom('1e309', '-1e309', '99999999999999999999', '2147483648');
// Odd values that a route may accept or refuse, but must not fail on. The traversal string is hostile input
// sent to the app, built from parts so the repository check (test/repository.test.ts) does not read it as a path.
const traversal = ['..', '..', 'etc', 'passwd'].join('/');
const oddText = fc.oneof(
  fc.constantFrom('', ' ', 'é€漢字🙂', 'Ā'.repeat(300), "'; drop table users; --", traversal, '%00', '{}'),
  fc.string({ minLength: 2000, maxLength: 12000 }),
  fc.string({ maxLength: 40 }),
);
const oddJson: fc.Arbitrary<unknown> = fc.oneof(
  oddText,
  fc.constantFrom(-1, 0, -2147483649, 2147483648, 1e20, -1e20, 0.5, Number.MAX_SAFE_INTEGER + 2, true, false, null),
  fc.constantFrom([], {}, [1, 'a'], { a: { b: { c: 1 } } }),
);
const oddUrl = fc.oneof(
  fc.constantFrom('', '-1', '0', '1e20', '-99999999999', '2147483648', '0.5', 'true', encodeURIComponent('é€漢字🙂')),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
);

function nested(depth: number): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
}

type Case = { url: string; payload?: string; contentType?: string; what: string };

/** A request to `route` carrying at least one value that must be refused. */
function refusedCase(route: RouteInput): fc.Arbitrary<Case> {
  const params = paramsOf(route.url);
  const query = fieldsOf(route.schema.querystring);
  const body = fieldsOf(route.schema.body);
  const hasBody = !['GET', 'DELETE', 'HEAD'].includes(route.method);
  const targets: fc.Arbitrary<Case>[] = [];
  const fill = (values: Record<string, string>) => route.url.replace(/:([A-Za-z_]+)/g, (_, p) => values[p] ?? 'x1');
  for (const p of params) {
    targets.push(badPathText.map((v) => ({ url: fill({ [p]: v }), what: `params.${p}=${v}` })));
    targets.push(fc.constant({ url: fill({ [p]: 'a'.repeat(150) }), what: `params.${p} too long` }));
  }
  for (const q of query) {
    const bad = q.type === 'integer' || q.type === 'number' ? fc.oneof(badUrlText, badNumberInUrl) : badUrlText;
    targets.push(bad.map((v) => ({ url: `${fill({})}?${q.name}=${v}`, what: `querystring.${q.name}=${v}` })));
  }
  if (hasBody) {
    const names = body.length ? body.map((b) => b.name) : ['value'];
    const json = (o: unknown) => ({ payload: JSON.stringify(o), contentType: 'application/json' });
    for (const name of names) {
      targets.push(
        fc
          .tuple(badText, fc.dictionary(fc.constantFrom(...names), oddJson, { maxKeys: 3 }))
          .map(([v, others]) => ({ url: fill({}), ...json({ ...others, [name]: v }), what: `body.${name} bad text` })),
      );
      targets.push(
        badControl.map((v) => ({
          url: fill({}),
          payload: new URLSearchParams({ [name]: v }).toString(),
          contentType: 'application/x-www-form-urlencoded',
          what: `form ${name} bad text`,
        })),
      );
      targets.push(
        fc.constant({
          url: fill({}),
          payload: `{"${name}": 1e309}`,
          contentType: 'application/json',
          what: `body.${name}=1e309`,
        }),
      );
    }
    targets.push(fc.constant({ url: fill({}), ...json({ [names[0]!]: nested(200) }), what: 'deep nesting' }));
    targets.push(
      fc.constant({
        url: fill({}),
        payload: `{"__proto__": {"isAdmin": true}, "${names[0]}": "x"}`,
        contentType: 'application/json',
        what: '__proto__ key',
      }),
    );
    targets.push(fc.constant({ url: fill({}), payload: 'hello', contentType: 'text/plain', what: 'text/plain body' }));
    targets.push(
      fc.constant({ url: fill({}), payload: '{"a": [1, 2', contentType: 'application/json', what: 'broken JSON' }),
    );
  }
  if (!targets.length) {
    // Nothing declared to spoil: a NUL in an undeclared query parameter is still refused.
    targets.push(fc.constant({ url: `${fill({})}?x=%00`, what: 'undeclared query NUL' }));
  }
  return fc.oneof(...targets);
}

/** A request to `route` with odd (possibly acceptable) values in every declared field. */
function oddCase(route: RouteInput): fc.Arbitrary<Case> {
  const params = paramsOf(route.url);
  const query = fieldsOf(route.schema.querystring);
  const body = fieldsOf(route.schema.body);
  const hasBody = !['GET', 'DELETE', 'HEAD'].includes(route.method);
  return fc
    .record({
      params: fc.tuple(...params.map(() => oddUrl)),
      query: fc.tuple(...query.map(() => oddUrl)),
      body: fc.tuple(...body.map(() => oddJson)),
      form: fc.boolean(),
    })
    .map(({ params: pv, query: qv, body: bv, form }) => {
      let i = 0;
      const path = route.url.replace(/:([A-Za-z_]+)/g, () => pv[i++] || 'x1');
      const qs = query.map((q, j) => `${q.name}=${qv[j]}`).join('&');
      const url = qs ? `${path}?${qs}` : path;
      if (!hasBody) return { url, what: `odd ${url.slice(0, 120)}` };
      const obj = Object.fromEntries(body.map((b, j) => [b.name, bv[j]]));
      if (form) {
        const strings = Object.fromEntries(
          Object.entries(obj).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
        );
        return {
          url,
          payload: new URLSearchParams(strings).toString(),
          contentType: 'application/x-www-form-urlencoded',
          what: 'odd form',
        };
      }
      return { url, payload: JSON.stringify(obj), contentType: 'application/json', what: 'odd JSON' };
    });
}

// The audit log and the rate limits' counters record attempts, refused ones included, by design.
async function rowCounts(t: TestApp): Promise<Map<string, number>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
      and table_name not in ('audit_log', 'rate_limit_counters') and table_name not like 'kysely_%'`.execute(
    t.database.db,
  );
  const counts = new Map<string, number>();
  if (!tables.rows.length) return counts;
  const union = sql.join(
    tables.rows.map((r) => sql`select ${r.name}::text as name, count(*)::int as n from ${sql.id(r.name)}`),
    sql` union all `,
  );
  const rows = await sql<{ name: string; n: number }>`${union}`.execute(t.database.db);
  for (const r of rows.rows) counts.set(r.name, Number(r.n));
  return counts;
}

function changed(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after].filter(([k, n]) => before.get(k) !== n).map(([k, n]) => `${k} ${before.get(k)}→${n}`);
}

for (const engine of testEngines()) {
  describe(`malformed input on every route (${engine})`, () => {
    let t: TestApp;
    let bearer: (role: string) => Record<string, string>;
    let routes: (RouteInput & { headers: Record<string, string> })[];
    before(async () => {
      t = await startTestApp(engine);
      bearer = await roleTokens(t);
      const policies = t.app.routePolicies;
      routes = t.app.routeInputs
        .filter(
          (r) =>
            r.method !== 'HEAD' && !r.url.includes('*') && !r.url.startsWith('/assets') && !r.url.startsWith('/static'),
        )
        .map((r) => {
          const policy = policies.find((p) => p.method === r.method && p.url === r.url)?.policy;
          const role = policy && policy !== 'public' ? policy[0] : undefined;
          return { ...r, headers: role ? bearer(role) : {} };
        });
    });
    after(async () => t?.close());

    const send = (route: { method: string; headers: Record<string, string> }, c: Case) =>
      t.app.inject({
        method: route.method as 'POST',
        url: c.url,
        payload: c.payload,
        headers: {
          ...route.headers,
          accept: 'application/json',
          ...(c.contentType ? { 'content-type': c.contentType } : {}),
        },
      });

    test('a value that must be refused is refused with a 4xx in the one error shape, changing no rows', async () => {
      assert.ok(routes.length > 50, `the app's routes are read (${routes.length})`);
      const failures: string[] = [];
      let requests = 0;
      for (const [i, route] of routes.entries()) {
        const before = await rowCounts(t);
        const cases = fc.sample(refusedCase(route), { seed: SEED + i, numRuns: REFUSED_PER_ROUTE });
        for (const c of cases) {
          const res = await send(route, c);
          requests++;
          const label = `${route.method} ${route.url} [${c.what}]`;
          if (res.statusCode === 401 && route.headers.authorization)
            failures.push(`${label}: the permitted role was not signed in (${res.body.slice(0, 80)})`);
          if (res.statusCode < 400 || res.statusCode >= 500) {
            failures.push(`${label}: ${res.statusCode} ${res.body.slice(0, 160)}`);
            continue;
          }
          // A page's own form answers with the form and its error summary; everything else is the JSON shape.
          if (String(res.headers['content-type']).startsWith('text/html')) continue;
          const body = res.json() as {
            error?: { status?: number; code?: string; message?: string };
            resourceType?: string;
            issue?: { severity?: string; details?: { text?: string } }[];
          };
          // FHIR's own error shape on /fhir (the standard requires an OperationOutcome), naming the field.
          const fhirShape =
            route.url.startsWith('/fhir') &&
            body.resourceType === 'OperationOutcome' &&
            Boolean(body.issue?.[0]?.details?.text);
          if (!fhirShape && (body.error?.status !== res.statusCode || !body.error?.code || !body.error?.message))
            failures.push(`${label}: not the one error shape: ${res.body.slice(0, 160)}`);
          if (/FST_|ERR_|must match a schema|must NOT/.test(res.body))
            failures.push(`${label}: raw framework text: ${res.body.slice(0, 160)}`);
        }
        const diff = changed(before, await rowCounts(t));
        if (diff.length) failures.push(`${route.method} ${route.url} changed rows: ${diff.join(', ')}`);
      }
      assert.ok(requests >= routes.length * REFUSED_PER_ROUTE);
      assert.deepEqual(failures, []);
    });

    test('odd values in every field never make a 5xx', async () => {
      const failures: string[] = [];
      for (const [i, route] of routes.entries()) {
        const cases = fc.sample(oddCase(route), { seed: SEED + 7919 * (i + 1), numRuns: ODD_PER_ROUTE });
        for (const c of cases) {
          const res = await send(route, c);
          if (res.statusCode >= 500)
            failures.push(
              `${route.method} ${route.url} [${c.what}] ${c.payload?.slice(0, 80) ?? ''}: ${res.statusCode}`,
            );
        }
      }
      assert.deepEqual(failures, []);
    });
  });
}
