// Search quality on residents' own words (issue 19). Each everyday phrase must put the service a clinician
// would expect first within the top three, and the mean reciprocal rank over the whole set must stay above its
// floor; each crisis phrase must read as a crisis and list the crisis line first (hazard H13).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadOfferFolder } from './offer.files.ts';
import type { OfferDocument } from './offer.ts';
import { readsAsCrisis } from './offer.safety.ts';
import { searchComponents } from './offer.search.ts';
import { CRISIS_PHRASES, NOT_CRISIS_PHRASES, RESIDENT_PHRASES } from './offer.search.phrases.ts';

const DATA = new URL('../../../data/ncl/offer/', import.meta.url).pathname;
/** Measured 0.986 when the set was written (36 of 37 first, the other second); the floor leaves a little room. */
const MRR_FLOOR = 0.9;

let offer: OfferDocument;
before(async () => {
  offer = await loadOfferFolder(DATA);
});

const codes = (query: string) => searchComponents(offer.components, query).map((r) => r.component.code);

describe('search understands residents', () => {
  it('puts the expected service in the top three for every phrase, and keeps the mean reciprocal rank above its floor', () => {
    const misses: string[] = [];
    let reciprocal = 0;
    let top3 = 0;
    for (const p of RESIDENT_PHRASES) {
      const found = codes(p.query);
      const rank = found.indexOf(p.expected) + 1;
      reciprocal += rank > 0 ? 1 / rank : 0;
      if (rank > 0 && rank <= 3) top3++;
      else misses.push(`"${p.query}": ${p.expected} at ${rank || 'none'}; top three ${found.slice(0, 3).join(', ')}`);
    }
    const mrr = reciprocal / RESIDENT_PHRASES.length;
    console.log(
      `search quality: ${top3} of ${RESIDENT_PHRASES.length} phrases with the expected service in the top three; mean reciprocal rank ${mrr.toFixed(3)} (floor ${MRR_FLOOR})`,
    );
    assert.deepEqual(misses, []);
    assert.ok(mrr >= MRR_FLOOR, `mean reciprocal rank ${mrr.toFixed(3)} fell below ${MRR_FLOOR}`);
  });

  it('"feeling low" finds NHS Talking Therapies first, and "my son can\'t concentrate at school" finds ADHD assessment', () => {
    assert.equal(codes('feeling low')[0], 'nhs-talking-therapies');
    assert.ok(codes("my son can't concentrate at school").slice(0, 3).includes('adhd-assessment'));
  });
});

describe('search is safe', () => {
  it('reads every crisis phrase as a crisis and lists the crisis line first', () => {
    for (const q of CRISIS_PHRASES) {
      assert.ok(readsAsCrisis(q), `"${q}" reads as a crisis`);
      const found = codes(q);
      assert.equal(found[0], 'crisis-lines', `"${q}": ${found.slice(0, 3).join(', ')}`);
    }
  });

  it('does not send "can\'t cope, feel like ending it" to end-of-life care', () => {
    const top = codes("can't cope, feel like ending it").slice(0, 5);
    assert.ok(!top.includes('adult-palliative-and-end-of-life-care'), top.join(', '));
    assert.ok(top.includes('crisis-resolution-and-home-treatment'));
  });

  it("lists the children's crisis service second when the words are about a child", () => {
    assert.deepEqual(codes('my son is self-harming').slice(0, 2), ['crisis-lines', 'camhs-crisis']);
  });

  it('does not read everyday searches as a crisis', () => {
    for (const q of NOT_CRISIS_PHRASES) assert.equal(readsAsCrisis(q), false, q);
    assert.equal(codes('end of life care for my dad')[0], 'adult-palliative-and-end-of-life-care');
  });
});
