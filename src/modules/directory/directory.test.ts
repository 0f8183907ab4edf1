import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadOfferFolder } from '../offer/index.ts';
import {
  type Directory,
  isDramaNumber,
  loadDirectory,
  type RoutableService,
  searchDirectory,
  validateDirectory,
} from './index.ts';

const BOROUGHS = ['E09000003', 'E09000007', 'E09000010', 'E09000014', 'E09000019'];

describe('NCL directory', async () => {
  const offer = await loadOfferFolder('data/ncl/offer');
  const dir = await loadDirectory('data/ncl/directory.json', {
    boroughs: BOROUGHS,
    components: offer.components.map((c) => c.code),
  });

  it('has the real trusts with ODS codes, the five councils and only illustrative contacts', () => {
    const codes = dir.organisations.map((o) => o.code);
    for (const c of ['RKE', 'RYX', 'RV3', 'RRP', 'TAF', 'RNK', 'RAL', 'RRV', 'RAP', 'RP4', 'QMJ', ...BOROUGHS]) {
      assert.ok(codes.includes(c), c);
    }
    for (const s of [...dir.services, ...dir.assets]) {
      assert.equal(s.contact.illustrative, true);
      if (s.contact.phone) assert.ok(isDramaNumber(s.contact.phone), s.contact.phone);
    }
  });

  it("gives every service the referral router's shape", () => {
    const routable: RoutableService[] = dir.services;
    assert.ok(routable.length > 250);
  });

  it("has children's hospital at home only in Islington (seed 004)", () => {
    const chah = dir.services.filter((s) => s.componentCodes.includes('childrens-hospital-at-home'));
    assert.deepEqual(
      chah.map((s) => s.boroughs),
      [['E09000019']],
    );
  });

  it('finds services through the offer words, filtered by borough and age', () => {
    const hits = searchDirectory(
      dir,
      { text: 'stammer', borough: 'E09000003', age: 5 },
      { components: offer.components },
    );
    assert.equal(hits[0].kind, 'service');
    assert.equal(hits[0].item.id, 'barnet-speech-and-language-therapy-children');
    const diabetes = searchDirectory(dir, { need: 'diabetes', borough: 'E09000010', age: 70 });
    const ids = diabetes.map((h) => h.item.id);
    assert.ok(ids.includes('enfield-diabetes-specialist-nursing-and-education'));
    assert.ok(ids.includes('enfield-diabetes-walk'));
    assert.ok(diabetes.every((h) => h.item.boroughs.includes('E09000010')));
    const child = searchDirectory(dir, { need: 'diabetes', age: 8 });
    assert.ok(child.every((h) => !h.item.ageGroups || h.item.ageGroups.includes('children-young-people')));
    // Every diabetes service is for adults, so the check above holds on an empty list; speech and language
    // has services for both, so the age filter must keep some and drop others.
    const forChildren = (h: { item: { ageGroups?: readonly string[] } }) =>
      !h.item.ageGroups || h.item.ageGroups.includes('children-young-people');
    const speech = searchDirectory(dir, { need: 'speech', age: 8 });
    const speechAnyAge = searchDirectory(dir, { need: 'speech' });
    assert.ok(speech.length > 0, 'a child finds speech and language services');
    assert.ok(speech.length < speechAnyAge.length, 'the adult-only speech services are dropped');
    assert.ok(speech.every(forChildren));
    assert.ok(!speechAnyAge.every(forChildren), 'there were adult-only services to drop');
  });
});

describe('searchDirectory', () => {
  const contact = { phone: '020 7946 0001', illustrative: true };
  const dir: Pick<Directory, 'services' | 'assets'> = {
    services: [
      {
        id: 'a',
        name: 'Memory clinic',
        organisationCode: 'X',
        componentCodes: ['memory-assessment-and-dementia-support'],
        ageGroups: ['older-adults'],
        boroughs: ['E09000003'],
        hours: 'weekdays',
        accessRoutes: ['professional-referral'],
        contact,
      },
    ],
    assets: [
      {
        id: 'b',
        name: 'Dementia café',
        description: 'A café for people with memory problems',
        kind: 'voluntary',
        needs: ['dementia'],
        boroughs: ['E09000007'],
        contact,
      },
    ],
  };
  it('ranks name matches above description matches and requires every word', () => {
    assert.deepEqual(
      searchDirectory(dir, { text: 'memory' }).map((h) => h.item.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      searchDirectory(dir, { text: 'memory cafe' }).map((h) => h.item.id),
      [],
    );
    assert.deepEqual(
      searchDirectory(dir, { text: 'dementia café' }).map((h) => h.item.id),
      ['b'],
    );
  });
  it('filters by need, age group and borough', () => {
    assert.deepEqual(
      searchDirectory(dir, { need: 'dementia' }).map((h) => h.item.id),
      ['b', 'a'],
    );
    assert.deepEqual(
      searchDirectory(dir, { ageGroup: 'children-young-people' }).map((h) => h.item.id),
      ['b'],
    );
    assert.deepEqual(
      searchDirectory(dir, { borough: 'E09000003' }).map((h) => h.item.id),
      ['a'],
    );
  });
});

describe('validateDirectory', () => {
  it('refuses real-looking numbers on illustrative entries and dangling organisation codes', () => {
    const r = validateDirectory({
      systemId: 'QMJ',
      period: '2021-22',
      organisations: [{ code: 'RKE', name: 'Whittington Health NHS Trust', kind: 'nhs-trust' }],
      sites: [],
      services: [
        {
          id: 's',
          name: 'S',
          organisationCode: 'NOPE',
          componentCodes: ['x'],
          ageGroups: ['adults'],
          boroughs: ['E09000003'],
          hours: 'weekdays',
          accessRoutes: ['self-referral'],
          contact: { phone: '020 7123 4567' },
          illustrative: true,
        },
      ],
      assets: [],
    });
    assert.equal(r.ok, false);
    const paths = r.ok ? [] : r.errors.map((e) => e.path);
    assert.deepEqual(paths.sort(), [
      'services[0].ageGroups[0]',
      'services[0].contact.phone',
      'services[0].organisationCode',
    ]);
  });
});
