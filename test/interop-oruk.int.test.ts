// Open Referral UK 3.0 at /oruk, on every engine: each answer is valid against the standard's own compiled
// schemas (ajv, draft 2020-12), also with every object closed so a misspelt field fails; paging and the
// standard's filters (search, taxonomy term, organisation) work; ids are stable UUIDs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { getDirectory } from '../src/modules/directory/index.ts';
import {
  type OrukContext,
  orukServiceAtLocation,
  orukServiceAtLocationListItem,
  recordUuid,
  serviceLocations,
} from '../src/modules/interop/index.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';
import { explain, orukExample, orukValidators } from './support/standards.ts';

const open = orukValidators();
const strict = orukValidators({ strict: true });

function valid(name: keyof typeof open, body: unknown) {
  assert.ok(open[name](body), `${name} (published schema):\n${explain(open[name].errors)}`);
  assert.ok(strict[name](body), `${name} (closed schema):\n${explain(strict[name].errors)}`);
}

test('the validators reject what the standard rejects (so a pass means something)', () => {
  assert.ok(open.servicePage(orukExample('service_list.json')), explain(open.servicePage.errors));
  assert.ok(open.service(orukExample('service_full.json')), explain(open.service.errors));
  assert.equal(open.service({ id: 'not-a-uuid', name: 'x', status: 'active' }), false);
  assert.equal(open.service({ id: recordUuid('QMJ', 'service', 'x'), name: 'x', status: 'open' }), false);
  assert.equal(
    strict.service({ id: recordUuid('QMJ', 'service', 'x'), name: 'x', status: 'active', phone: '1' }),
    false,
  );
});

test('a service that names its sites is at each site, with its address; one that names none, at its boroughs', () => {
  const site = {
    id: 'whittington-hospital',
    name: 'Whittington Hospital',
    organisationCode: 'RKE',
    address: 'Magdala Avenue, London',
    postcode: 'N19 5NF',
    borough: 'E09000019',
  };
  const ctx: OrukContext = {
    systemId: 'QMJ',
    systemName: 'North Central London',
    organisations: new Map(),
    terms: new Map(),
    boroughNames: new Map([
      ['E09000019', 'Islington'],
      ['E09000007', 'Camden'],
    ]),
    sites: new Map([[site.id, site]]),
    ageGroups: [],
  };
  const base = {
    id: 'x-clinic',
    name: 'X clinic',
    organisationCode: 'RKE',
    componentCodes: [],
    ageGroups: [],
    boroughs: ['E09000019', 'E09000007'],
    hours: 'Mondays',
    accessRoutes: [],
    contact: {},
  };
  const atSite = serviceLocations(ctx, { ...base, siteIds: [site.id, 'no-such-site'] });
  assert.deepEqual(
    atSite.map((l) => l.kind),
    ['site'],
  );
  // biome-ignore lint/suspicious/noExplicitAny: ORUK JSON
  const full: any = orukServiceAtLocation(ctx, atSite[0]!);
  valid('serviceAtLocation', full);
  assert.equal(full.location.addresses[0].postal_code, 'N19 5NF');
  assert.equal(full.location.addresses[0].address_1, 'Magdala Avenue');
  valid('serviceAtLocationPage', {
    total_items: 1,
    total_pages: 1,
    page_number: 1,
    size: 1,
    first_page: true,
    last_page: true,
    empty: false,
    contents: [orukServiceAtLocationListItem(ctx, atSite[0]!)],
  });
  const atBoroughs = serviceLocations(ctx, base);
  assert.deepEqual(
    atBoroughs.map((l) => (l.kind === 'borough' ? l.borough : '')),
    ['E09000019', 'E09000007'],
  );
  const camden = orukServiceAtLocation(ctx, atBoroughs[1]!);
  valid('serviceAtLocation', camden);
  assert.equal(camden.location.name, 'Camden');
  assert.equal(camden.location.external_identifier, 'E09000007');
  assert.notEqual(camden.id, orukServiceAtLocation(ctx, atBoroughs[0]!).id);
  // The validators refuse what the schema refuses.
  assert.equal(open.serviceAtLocation({ ...camden, location: { ...camden.location, location_type: 'area' } }), false);
  assert.equal(strict.serviceAtLocation({ ...camden, location: { ...camden.location, postcode: 'N1' } }), false);
});

for (const engine of testEngines()) {
  describe(`Open Referral UK feed on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(async () => t?.close());

    test('the root says which version and profile it speaks', async () => {
      for (const url of ['/oruk', '/oruk/']) {
        const res = await t.app.inject({ url });
        assert.equal(res.statusCode, 200);
        assert.match(res.headers['content-type'] as string, /^application\/json/);
        valid('root', res.json());
        assert.equal(res.json().version, '3.0');
      }
    });

    test('services are paged: every page valid, no service twice, totals add up', async () => {
      const first = await t.app.inject({ url: '/oruk/services?per_page=100' });
      assert.equal(first.statusCode, 200);
      const body = first.json();
      valid('servicePage', body);
      assert.equal(body.total_items, 306);
      assert.equal(body.total_pages, 4);
      assert.equal(body.size, 100);
      assert.equal(body.first_page, true);
      assert.equal(body.last_page, false);
      const ids = new Set<string>(body.contents.map((s: { id: string }) => s.id));
      for (let page = 2; page <= 4; page++) {
        const next = (await t.app.inject({ url: `/oruk/services?per_page=100&page=${page}` })).json();
        valid('servicePage', next);
        assert.equal(next.page_number, page);
        for (const s of next.contents) ids.add(s.id);
        if (page === 4) {
          assert.equal(next.size, 6);
          assert.equal(next.last_page, true);
        }
      }
      assert.equal(ids.size, 306);
      const beyond = (await t.app.inject({ url: '/oruk/services?per_page=100&page=9' })).json();
      valid('servicePage', beyond);
      assert.equal(beyond.empty, true);
      assert.equal(beyond.size, 0);
      const bad = await t.app.inject({ url: '/oruk/services?per_page=1000' });
      assert.equal(bad.statusCode, 400);
    });

    test('a service by id is fully nested, valid, and its organisation carries its ODS code', async () => {
      const id = recordUuid(DEMO_SYSTEM.id, 'service', 'barnet-adhd-assessment');
      const res = await t.app.inject({ url: `/oruk/services/${id}` });
      assert.equal(res.statusCode, 200);
      const s = res.json();
      valid('service', s);
      assert.equal(s.id, id);
      assert.equal(s.name, 'ADHD assessment and support, Barnet');
      assert.equal(s.organization.organization_identifiers[0].identifier, 'RRP');
      assert.equal(s.organization.organization_identifiers[0].identifier_type, 'ODS code');
      assert.deepEqual(
        s.service_areas.map((a: { extent: string }) => a.extent),
        ['E09000003'],
      );
      assert.equal(s.service_areas[0].name, 'Barnet');
      assert.equal(s.attributes[0].taxonomy_term.term, 'adhd-assessment');
      assert.equal(s.minimum_age, 0);
      assert.equal(s.maximum_age, undefined, 'older adults have no upper age');
      assert.equal(s.schedules[0].description, 'Monday to Friday 09:00 to 17:00; weekends closed');
      // Every service in the feed, nested, is valid.
      const all = (await t.app.inject({ url: '/oruk/services?per_page=100&page=1' })).json().contents;
      for (const item of all.slice(0, 40))
        valid('service', (await t.app.inject({ url: `/oruk/services/${item.id}` })).json());
      const missing = await t.app.inject({ url: `/oruk/services/${recordUuid(DEMO_SYSTEM.id, 'service', 'nope')}` });
      assert.equal(missing.statusCode, 404);
    });

    test('search, taxonomy term and organisation filters narrow the feed', async () => {
      const diabetes = (await t.app.inject({ url: '/oruk/services?search=diabetes&per_page=100' })).json();
      valid('servicePage', diabetes);
      assert.ok(diabetes.total_items >= 1 && diabetes.total_items < 306);
      assert.ok(diabetes.contents.some((s: { name: string }) => /diabetes/i.test(s.name)));

      const terms = (await t.app.inject({ url: '/oruk/taxonomy_terms?per_page=100' })).json();
      valid('taxonomyTermPage', terms);
      const nursing = terms.contents.find((x: { term: string }) => x.term === 'district-nursing');
      assert.ok(nursing, 'district nursing is a term');
      const byTerm = (await t.app.inject({ url: `/oruk/services?taxonomy_term_id=${nursing.id}` })).json();
      valid('servicePage', byTerm);
      assert.equal(byTerm.total_items, 5, 'the same five district nursing services as the directory API');

      const taxonomies = (await t.app.inject({ url: '/oruk/taxonomies' })).json();
      valid('taxonomyPage', taxonomies);
      assert.equal(taxonomies.total_items, 1);
      assert.equal(nursing.taxonomy_id, taxonomies.contents[0].id);

      const rke = recordUuid(DEMO_SYSTEM.id, 'organization', 'RKE');
      const byOrg = (await t.app.inject({ url: `/oruk/services?organization_id=${rke}&per_page=100` })).json();
      valid('servicePage', byOrg);
      assert.ok(byOrg.total_items > 0);
      assert.ok(byOrg.contents.every((s: { organization_id: string }) => s.organization_id === rke));
      const none = (await t.app.inject({ url: `/oruk/services?taxonomy_term_id=${rke}` })).json();
      assert.equal(none.total_items, 0);
      assert.equal(none.empty, true);
    });

    test('services at locations: one per service and borough it serves (no service names a site), paged, filtered, valid', async () => {
      const directory = (await getDirectory(t.database.db, DEMO_SYSTEM.id))!;
      const expected = directory.services.reduce(
        (n, s) => n + (s.siteIds?.length ? s.siteIds.length : s.boroughs.length),
        0,
      );
      assert.equal(
        directory.services.filter((s) => s.siteIds?.length).length,
        0,
        'the demo directory links no service to a site',
      );
      const first = (await t.app.inject({ url: '/oruk/service_at_locations?per_page=100' })).json();
      valid('serviceAtLocationPage', first);
      assert.equal(first.total_items, expected);
      assert.equal(first.size, 100);
      const ids = new Set<string>();
      for (let page = 1; page <= first.total_pages; page++) {
        const res = await t.app.inject({ url: `/oruk/service_at_locations?per_page=100&page=${page}` });
        assert.equal(res.statusCode, 200);
        const body = res.json();
        valid('serviceAtLocationPage', body);
        for (const x of body.contents) {
          ids.add(x.id);
          assert.equal(x.service_id, x.service.id);
          assert.equal(x.location_id, x.location.id);
        }
      }
      assert.equal(ids.size, expected, 'no entry twice');

      const serviceId = recordUuid(DEMO_SYSTEM.id, 'service', 'barnet-adhd-assessment');
      const adhd = first.contents.find((x: { service_id: string }) => x.service_id === serviceId)
        ? first.contents.find((x: { service_id: string }) => x.service_id === serviceId)
        : (await t.app.inject({ url: '/oruk/service_at_locations?search=ADHD&per_page=100' }))
            .json()
            .contents.find((x: { service_id: string }) => x.service_id === serviceId);
      assert.ok(adhd, 'the Barnet ADHD service is at a location');
      assert.equal(adhd.location.name, 'Barnet');
      assert.equal(adhd.location.external_identifier, 'E09000003');
      const one = await t.app.inject({ url: `/oruk/service_at_locations/${adhd.id}` });
      assert.equal(one.statusCode, 200);
      const full = one.json();
      valid('serviceAtLocation', full);
      assert.equal(full.id, adhd.id);
      assert.equal(full.service.name, 'ADHD assessment and support, Barnet');
      assert.equal(full.service.organization.organization_identifiers[0].identifier, 'RRP');
      // The service itself lists the same entry among its services at locations.
      const svc = (await t.app.inject({ url: `/oruk/services/${serviceId}` })).json();
      assert.deepEqual(
        svc.service_at_locations.map((x: { id: string }) => x.id),
        [adhd.id],
      );
      const missing = await t.app.inject({
        url: `/oruk/service_at_locations/${recordUuid(DEMO_SYSTEM.id, 'service', 'nope')}`,
      });
      assert.equal(missing.statusCode, 404);

      const terms = (await t.app.inject({ url: '/oruk/taxonomy_terms?per_page=100' })).json();
      const nursing = terms.contents.find((x: { term: string }) => x.term === 'district-nursing');
      const byTerm = (await t.app.inject({ url: `/oruk/service_at_locations?taxonomy_term_id=${nursing.id}` })).json();
      valid('serviceAtLocationPage', byTerm);
      assert.equal(byTerm.total_items, 5, 'five district nursing services, one borough each');
      const diabetes = (await t.app.inject({ url: '/oruk/service_at_locations?search=diabetes&per_page=100' })).json();
      valid('serviceAtLocationPage', diabetes);
      assert.ok(diabetes.total_items >= 1 && diabetes.total_items < expected);
      const otherTaxonomy = (
        await t.app.inject({
          url: `/oruk/service_at_locations?taxonomy_id=${recordUuid(DEMO_SYSTEM.id, 'taxonomy', 'x')}`,
        })
      ).json();
      assert.equal(otherTaxonomy.total_items, 0);
      assert.equal((await t.app.inject({ url: '/oruk/service_at_locations?per_page=0' })).statusCode, 400);
    });

    test('modified_after: services are as new as the directory load they came from; a bad date is a 400', async () => {
      const loaded = new Date(
        (
          await sql<{
            at: Date | string;
          }>`select loaded_at as at from directories where system_id = ${DEMO_SYSTEM.id}`.execute(t.database.db)
        ).rows[0]!.at,
      );
      const at = (ms: number) => encodeURIComponent(new Date(loaded.getTime() + ms).toISOString());
      const before = (await t.app.inject({ url: `/oruk/services?modified_after=${at(-1000)}&per_page=5` })).json();
      valid('servicePage', before);
      assert.equal(before.total_items, 306, 'every service was modified after a second before the load');
      assert.equal(before.contents[0].last_modified, loaded.toISOString());
      const same = (await t.app.inject({ url: `/oruk/services?modified_after=${at(0)}` })).json();
      assert.equal(same.total_items, 306, 'on or after');
      const later = (await t.app.inject({ url: `/oruk/services?modified_after=${at(1000)}&search=diabetes` })).json();
      valid('servicePage', later);
      assert.equal(later.total_items, 0);
      assert.equal(later.empty, true);
      const day = (await t.app.inject({ url: '/oruk/services?modified_after=2000-01-01' })).json();
      assert.equal(day.total_items, 306, 'a date alone is accepted');
      const one = (await t.app.inject({ url: `/oruk/services/${before.contents[0].id}` })).json();
      valid('service', one);
      assert.equal(one.last_modified, loaded.toISOString());
      for (const badDate of ['yesterday', '2026-13-45', '2026-02-30', '2026-03-10T25:00:00Z']) {
        const bad = await t.app.inject({ url: `/oruk/services?modified_after=${badDate}` });
        assert.equal(bad.statusCode, 400, badDate);
        const fields = bad.json().error.fields;
        assert.equal(fields.length, 1);
        assert.equal(fields[0].field, 'modified_after');
        assert.match(fields[0].message, /modified_after must be a date/);
      }
    });
  });
}
