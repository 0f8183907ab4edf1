import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIFE_TABLE_START_AGES, type LifeTableBand, lifeExpectancy } from './life-expectancy.ts';
import { readPackageJson } from './test-helpers.ts';

type LeCase = {
  name: string;
  confidence: number;
  startAges: number[];
  population: number[];
  deaths: number[];
  value: (number | null)[];
  lower?: number[];
  upper?: number[];
};
const { cases, decimals } = readPackageJson<{ cases: LeCase[]; decimals: number }>('life-expectancy.json');
const bandsOf = (c: LeCase): LifeTableBand[] =>
  c.startAges.map((startAge, i) => ({ startAge, population: c.population[i], deaths: c.deaths[i] }));
// The package's tests compare to 4 decimal places.
const round = (x: number | null) => (x === null ? null : Math.round(x * 10 ** decimals) / 10 ** decimals);

describe('life expectancy (Chiang II, Silcocks final band) against phe_life_expectancy', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = lifeExpectancy(bandsOf(c), { confidence: c.confidence });
      assert.deepEqual(
        result.map((r) => r.startAge),
        [...LIFE_TABLE_START_AGES],
      );
      result.forEach((r, i) => {
        assert.equal(round(r.value), round(c.value[i]), `value at ${r.startAge}`);
        if (r.suppressed === false && c.lower && c.upper) {
          assert.equal(round(r.lower), round(c.lower[i]), `lower at ${r.startAge}`);
          assert.equal(round(r.upper), round(c.upper[i]), `upper at ${r.startAge}`);
        }
      });
    });
  }

  const df1 = bandsOf(cases[0]);

  it('gives the same answer whatever order the bands come in, and takes 95 as 0.95', () => {
    const a = lifeExpectancy(df1, { confidence: 0.95 });
    const b = lifeExpectancy([...df1].reverse(), { confidence: 95 });
    assert.deepEqual(a, b);
  });

  it('suppresses wide intervals by the 95% rule at any level, with the reason', () => {
    const wide = lifeExpectancy(bandsOf(cases[1]), { confidence: 0.9 });
    assert.equal(wide[8].suppressed, false);
    assert.equal(wide[9].suppressed, 'wide-interval');
  });

  it('a wider level gives a wider interval around the same value', () => {
    const at95 = lifeExpectancy(df1, { confidence: 0.95 });
    const at998 = lifeExpectancy(df1, { confidence: 0.998 });
    at95.forEach((r, i) => {
      const s = at998[i];
      assert.ok(r.suppressed === false && s.suppressed === false);
      assert.equal(r.value, s.value);
      assert.ok(s.lower < r.lower && r.upper < s.upper);
    });
  });

  it('publishes nothing for a missing band, an empty band, more deaths than people or 5,000 people or fewer', () => {
    assert.ok(lifeExpectancy(df1.slice(1), { confidence: 0.95 }).every((r) => r.suppressed === 'too-few-bands'));
    const empty = df1.map((b, i) => (i === 5 ? { ...b, population: 0 } : b));
    assert.ok(lifeExpectancy(empty, { confidence: 0.95 }).every((r) => r.suppressed === 'zero-denominator'));
    const small = df1.map((b) => ({ ...b, population: 200, deaths: 5 }));
    assert.ok(lifeExpectancy(small, { confidence: 0.95 }).every((r) => r.suppressed === 'small-population'));
    assert.throws(
      () =>
        lifeExpectancy(
          df1.map((b) => ({ ...b, deaths: -1 })),
          { confidence: 0.95 },
        ),
      RangeError,
    );
  });
});
