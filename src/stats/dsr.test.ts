import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DsrGroup, dsr } from './dsr.ts';
import { ESP2013, ESP2013_BANDS, ESP2013_WEIGHTS } from './esp2013.ts';
import { assertClose, readPheJson } from './test-helpers.ts';

type DsrCase = {
  groups: DsrGroup[];
  multiplier: number;
  confidence: 0.95 | 0.998;
  value: number;
  lower: number;
  upper: number;
};

describe('dsr (Dobson, ESP2013)', () => {
  readPheJson<DsrCase[]>('dsr.json').forEach((example, i) => {
    it(`reproduces PHE worked example ${i + 1} at ${example.confidence}`, () => {
      const result = dsr(example.groups, { confidence: example.confidence, multiplier: example.multiplier });
      assert.equal(result.suppressed, false);
      assertClose(result.value, example.value, 1e-6, 'value');
      assertClose(result.lower, example.lower, 1e-6, 'lower');
      assertClose(result.upper, example.upper, 1e-6, 'upper');
    });
  });

  it('exports the 2013 European Standard Population in 19 bands summing to 100,000', () => {
    assert.equal(ESP2013_BANDS.length, 19);
    assert.equal(ESP2013_WEIGHTS.length, 19);
    assert.equal(
      ESP2013_WEIGHTS.reduce((a, b) => a + b, 0),
      100_000,
    );
    assert.equal(ESP2013['0-4'], 5000);
    assert.equal(ESP2013['90+'], 1000);
  });

  it('the fixtures use the ESP2013 weights', () => {
    const [first] = readPheJson<DsrCase[]>('dsr.json');
    assert.deepEqual(
      first.groups.map((g) => g.standardPopulation),
      [...ESP2013_WEIGHTS],
    );
  });

  it('equals the crude rate when every band has the same rate', () => {
    const groups = ESP2013_WEIGHTS.map((w) => ({ count: 20, population: 10_000, standardPopulation: w }));
    const result = dsr(groups, { confidence: 0.95, multiplier: 100_000 });
    assertClose(result.value, 200, 1e-12, 'value');
  });

  it('suppresses a total count below 10 and a band with no population', () => {
    const few = ESP2013_WEIGHTS.map((w, i) => ({ count: i < 9 ? 1 : 0, population: 1000, standardPopulation: w }));
    assert.equal(dsr(few, { confidence: 0.95, multiplier: 1e5 }).suppressed, 'small-count');
    const zeroCounts = ESP2013_WEIGHTS.map((w) => ({ count: 0, population: 1000, standardPopulation: w }));
    assert.equal(dsr(zeroCounts, { confidence: 0.95, multiplier: 1e5 }).suppressed, 'small-count');
    const hole = ESP2013_WEIGHTS.map((w, i) => ({ count: 50, population: i === 3 ? 0 : 1000, standardPopulation: w }));
    assert.equal(dsr(hole, { confidence: 0.95, multiplier: 1e5 }).suppressed, 'zero-denominator');
  });

  it('throws a RangeError for programmer errors', () => {
    assert.throws(() => dsr([], { confidence: 0.95, multiplier: 1e5 }), RangeError);
    assert.throws(
      () => dsr([{ count: -1, population: 10, standardPopulation: 5 }], { confidence: 0.95, multiplier: 1e5 }),
      RangeError,
    );
    assert.throws(
      () => dsr([{ count: 1, population: 10, standardPopulation: 0 }], { confidence: 0.95, multiplier: 1e5 }),
      RangeError,
    );
  });
});
