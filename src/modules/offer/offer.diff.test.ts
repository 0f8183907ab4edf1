import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Component, OfferDocument } from './offer.ts';
import { deepEqual, diffComponent, diffOffers, hasComponentChanges } from './offer.diff.ts';
import { loadOfferFolder } from './offer.files.ts';

const DATA = new URL('../../../data/ncl/offer/', import.meta.url).pathname;

let v1: OfferDocument;
before(async () => {
  v1 = await loadOfferFolder(DATA);
});

function next(): OfferDocument {
  const d = structuredClone(v1);
  d.version = { ...d.version, id: 'ncl-core-offer-2', number: 2, status: 'draft', publishedAt: null };
  return d;
}

function find(d: OfferDocument, code: string): Component {
  const c = d.components.find((x) => x.code === code);
  assert.ok(c, code);
  return c;
}

describe('diffOffers', () => {
  it('finds nothing between identical offers, whatever the order', () => {
    const d = structuredClone(v1);
    d.components.reverse();
    const diff = diffOffers(v1, d);
    assert.equal(hasComponentChanges(diff), false);
    assert.deepEqual(diff.version, []);
    assert.equal(diff.unchangedCount, v1.components.length);
  });

  it('reports added and removed components, sorted by code', () => {
    const d = next();
    d.components = d.components.filter((c) => c.code !== 'podiatry' && c.code !== 'lymphoedema-service');
    const added = structuredClone(find(v1, 'falls-prevention'));
    added.code = 'bone-health';
    added.name = 'Bone health';
    d.components.push(added);
    const diff = diffOffers(v1, d);
    assert.deepEqual(diff.added, [{ code: 'bone-health', name: 'Bone health' }]);
    assert.deepEqual(diff.removed, [
      { code: 'lymphoedema-service', name: 'Lymphoedema service' },
      { code: 'podiatry', name: 'Podiatry (foot health)' },
    ]);
    assert.deepEqual(diff.changed, []);
  });

  it('reports changes field by field with before and after', () => {
    const d = next();
    const dn = find(d, 'district-nursing');
    dn.name = 'Community nursing';
    dn.synonyms = [...dn.synonyms, 'night nursing'];
    const older = dn.provisions.find((p) => p.ageGroup === 'older-adults')!;
    older.responseStandards[0].firstContact = 'PT2H';
    older.hours.days!.sunday = { closed: true };
    const diff = diffOffers(v1, d);
    assert.equal(diff.changed.length, 1);
    const change = diff.changed[0];
    assert.equal(change.code, 'district-nursing');
    assert.equal(change.name, 'Community nursing');
    assert.deepEqual(change.changes, [
      { path: 'name', before: 'District nursing', after: 'Community nursing' },
      {
        path: 'provisions[older-adults].hours.days.sunday',
        before: { open: '08:00', close: '22:00' },
        after: { closed: true },
      },
      { path: 'provisions[older-adults].responseStandards[urgent].firstContact', before: 'PT4H', after: 'PT2H' },
      { path: 'synonyms', before: find(v1, 'district-nursing').synonyms, after: dn.synonyms },
    ]);
    assert.deepEqual(diff.version, [
      { path: 'id', before: 'ncl-core-offer-1', after: 'ncl-core-offer-2' },
      { path: 'number', before: 1, after: 2 },
      { path: 'publishedAt', before: '2022-04-01T08:00:00Z', after: null },
      { path: 'status', before: 'published', after: 'draft' },
    ]);
  });

  it('matches provisions by age group and standards by urgency, not by position', () => {
    const d = next();
    const tt = find(d, 'nhs-talking-therapies');
    tt.provisions.reverse();
    const wa = tt.provisions.find((p) => p.ageGroup === 'working-age-adults')!;
    wa.responseStandards[1].target = 0.9;
    const ucr = find(d, 'urgent-community-response');
    ucr.provisions = ucr.provisions.filter((p) => p.ageGroup !== 'working-age-adults');
    const diff = diffOffers(v1, d);
    assert.deepEqual(
      diff.changed.map((c) => [c.code, c.changes.map((x) => x.path)]),
      [
        ['nhs-talking-therapies', ['provisions[working-age-adults].responseStandards[routine#2].target']],
        ['urgent-community-response', ['provisions[working-age-adults]']],
      ],
    );
    const removed = diff.changed[1].changes[0];
    assert.equal(removed.after, undefined);
    assert.equal((removed.before as { ageGroup: string }).ageGroup, 'working-age-adults');
  });

  it('reports a field that appears or disappears', () => {
    const a = structuredClone(find(v1, 'virtual-wards'));
    const b = structuredClone(a);
    b.urgencyLevels = [{ code: 'step-down', name: 'Leaving hospital early' }];
    delete b.provisions[0].hours.note;
    assert.deepEqual(diffComponent(a, b), [
      { path: 'provisions[working-age-adults].hours.note', before: a.provisions[0].hours.note, after: undefined },
      { path: 'urgencyLevels', before: undefined, after: [{ code: 'step-down', name: 'Leaving hospital early' }] },
    ]);
  });

  it('is deterministic and does not change its inputs', () => {
    const d = next();
    find(d, 'podiatry').conditions.push('verruca');
    const copy = structuredClone(d);
    const one = diffOffers(v1, d);
    const two = diffOffers(structuredClone(v1), structuredClone(d));
    assert.deepEqual(one, two);
    assert.deepEqual(d, copy);
  });
});

describe('deepEqual', () => {
  it('ignores key order and undefined fields', () => {
    assert.equal(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }), true);
    assert.equal(deepEqual({ a: 1, b: undefined }, { a: 1 }), true);
    assert.equal(deepEqual([1, 2], [2, 1]), false);
    assert.equal(deepEqual({ a: null }, { a: undefined }), false);
  });
});
