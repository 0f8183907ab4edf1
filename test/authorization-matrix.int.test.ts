// Every route, every role: a role outside a route's policy is refused (403) before anything else happens,
// a role inside it is never refused, and nobody signed out gets in. Routes are read from the app itself, so
// a new route is covered the moment it is added.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ROLES } from '../src/platform/auth/roles.ts';
import { bearer, startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp('pglite');
});
after(async () => t?.close());

const concrete = (url: string) => url.replace(/:[A-Za-z_]+/g, 'no-such-id').replace(/\*$/, 'x');

test('each role reaches exactly the routes its policy allows', async () => {
  const routes = t.app.routePolicies.filter((r) => r.policy !== 'public' && r.method !== 'HEAD');
  assert.ok(routes.length > 5, 'the app has staff routes');
  const failures: string[] = [];
  for (const route of routes) {
    const allowed = route.policy as readonly string[];
    for (const role of ROLES) {
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: concrete(route.url),
        headers: { ...bearer(role), accept: 'application/json', 'content-type': 'application/json' },
        payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}',
      });
      // The platform's JSON error, or (under /fhir) the same refusal as a FHIR OperationOutcome.
      const body = res.statusCode === 403 ? res.json() : null;
      const refused = body?.error?.code === 'forbidden' || body?.issue?.[0]?.code === 'forbidden';
      if (allowed.includes(role) && refused) failures.push(`${role} refused on ${route.method} ${route.url}`);
      if (!allowed.includes(role) && !refused)
        failures.push(`${role} not refused on ${route.method} ${route.url} (${res.statusCode})`);
    }
    const anonymous = await t.app.inject({
      method: route.method as 'GET',
      url: concrete(route.url),
      headers: { accept: 'application/json' },
    });
    if (anonymous.statusCode !== 401 && anonymous.statusCode !== 303) {
      failures.push(`anonymous got ${anonymous.statusCode} on ${route.method} ${route.url}`);
    }
  }
  assert.deepEqual(failures, []);
});
