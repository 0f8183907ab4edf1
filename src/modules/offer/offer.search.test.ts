import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Component, OfferDocument } from './offer.ts';
import { loadOfferFolder } from './offer.files.ts';
import { scoreComponent, searchComponents, stem, terms } from './offer.search.ts';

const DATA = new URL('../../../data/ncl/offer/', import.meta.url).pathname;

let offer: OfferDocument;
before(async () => {
  offer = await loadOfferFolder(DATA);
});

const codes = (query: string, filters = {}) =>
  searchComponents(offer.components, query, filters).map((r) => r.component.code);

describe('stemming', () => {
  it('folds plurals and -ing', () => {
    assert.equal(stem('stammering'), 'stammer');
    assert.equal(stem('stuttering'), 'stutter');
    assert.equal(stem('eating'), 'eat');
    assert.equal(stem('memories'), 'memory');
    assert.equal(stem('disorders'), 'disorder');
    assert.equal(stem('falls'), 'fall');
    assert.equal(stem('bus'), 'bus');
    assert.equal(stem('class'), 'class');
    assert.deepEqual(terms('Help with my eating'), ['eat']);
  });
});

describe('searchComponents on the NCL offer', () => {
  it('"stammer" finds speech and language therapy first', () => {
    const top = codes('stammer').slice(0, 2).sort();
    assert.deepEqual(top, ['speech-and-language-therapy-adults', 'speech-and-language-therapy-children']);
    assert.equal(
      codes('my child is stuttering', { ageGroup: 'children-young-people' })[0],
      'speech-and-language-therapy-children',
    );
  });

  it('"memory" finds memory assessment first', () => {
    assert.equal(codes('memory')[0], 'memory-assessment-and-dementia-support');
    assert.equal(codes('memories')[0], 'memory-assessment-and-dementia-support');
  });

  it('"eating" finds eating disorder services first', () => {
    assert.deepEqual(codes('eating').slice(0, 2).sort(), ['eating-disorders-adults', 'eating-disorders-children']);
    assert.equal(codes('eating', { ageGroup: 'children-young-people' })[0], 'eating-disorders-children');
  });

  it('"diabetes" finds diabetes nursing first, and podiatry among the results', () => {
    const found = codes('diabetes');
    assert.equal(found[0], 'diabetes-specialist-nursing-and-education');
    assert.ok(found.includes('podiatry'));
  });

  it('"low mood" prefers services matching the whole phrase', () => {
    const results = searchComponents(offer.components, 'low mood');
    const phrase = results.filter((r) => r.matches.some((m) => m.kind === 'phrase'));
    assert.ok(phrase.length >= 3);
    assert.deepEqual(results.slice(0, phrase.length), phrase, 'whole-phrase matches come first');
    assert.ok(phrase.some((r) => r.component.code === 'nhs-talking-therapies'));
    assert.ok(codes('low mood', { ageGroup: 'working-age-adults' }).slice(0, 2).includes('nhs-talking-therapies'));
    const young = codes('low mood', { ageGroup: 'children-young-people' }).slice(0, 3);
    assert.ok(
      young.includes('camhs-community') && young.includes('mental-health-support-teams-in-schools'),
      String(young),
    );
  });

  it('filters by age group, category and domain', () => {
    for (const code of codes('', { ageGroup: 'older-adults' })) {
      const c = offer.components.find((x) => x.code === code)!;
      assert.ok(
        c.provisions.some((p) => p.ageGroup === 'older-adults'),
        code,
      );
    }
    assert.deepEqual(codes('', { category: 'finding-and-coordinating-care' }).sort(), [
      'care-coordination-and-case-management',
      'central-point-of-access',
      'trusted-holistic-assessment',
    ]);
    const community = codes('', { domain: 'community' });
    assert.ok(community.includes('district-nursing'));
    assert.ok(community.includes('central-point-of-access'), 'domain "both" counts as community');
    assert.ok(!community.includes('nhs-talking-therapies'));
    assert.deepEqual(codes('memory', { domain: 'community', category: 'therapies' }), []);
  });

  it('filters by a resident’s age across overlapping age groups', () => {
    const at20 = codes('', { age: 20 });
    assert.ok(at20.includes('district-nursing'), 'working-age-adults provision serves a 20-year-old');
    assert.ok(at20.includes('young-adult-transition-service'));
    assert.ok(!at20.includes('health-visiting'));
    assert.ok(!codes('', { age: 70 }).includes('young-adult-transition-service'));
  });

  it('lists everything by name for an empty query, and nothing for nonsense', () => {
    const all = searchComponents(offer.components, '   ');
    assert.equal(all.length, offer.components.length);
    const names = all.map((r) => r.component.name);
    assert.deepEqual(
      names,
      [...names].sort((a, b) => a.localeCompare(b, 'en')),
    );
    assert.deepEqual(codes('xylophone'), []);
  });
});

describe('scoreComponent', () => {
  const base: Component = {
    code: 'x',
    name: 'Foot clinic',
    residentSummary: 'Help with feet.',
    description: 'A clinic.',
    domain: 'community',
    category: 'therapies',
    kind: 'service',
    synonyms: ['podiatry'],
    conditions: ['verruca'],
    provisions: [],
  };

  it('scores an exact synonym or condition above a partial match', () => {
    const exact = scoreComponent(base, 'verruca');
    const partial = scoreComponent({ ...base, conditions: ['verrucas and corns'] }, 'verru');
    assert.ok(exact.score > partial.score, `${exact.score} > ${partial.score}`);
    assert.equal(partial.matches[0].kind, 'partial');
    assert.equal(
      exact.matches.some((m) => m.kind === 'phrase' && m.field === 'conditions'),
      true,
    );
  });

  it('scores a name match above a summary match', () => {
    const inName = scoreComponent(base, 'clinic');
    const inSummary = scoreComponent({ ...base, name: 'Podiatry', residentSummary: 'A clinic for feet.' }, 'clinic');
    assert.ok(inName.score > inSummary.score);
  });

  it('ignores partial matches shorter than 5 letters', () => {
    assert.equal(scoreComponent(base, 'foo').score, 0);
    assert.equal(scoreComponent({ ...base, conditions: ['heart'] }, 'hearing').score, 0);
  });
});
