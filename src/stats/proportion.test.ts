import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proportion } from './proportion.ts';
import { assertClose, readPheCsv } from './test-helpers.ts';

describe('proportion (Wilson score interval)', () => {
  for (const row of readPheCsv('proportions.csv')) {
    it(`reproduces the PHE worked example ${row.numerator}/${row.denominator} at ${row.confidence}`, () => {
      const result = proportion(row.numerator, row.denominator, { confidence: row.confidence as 0.95 | 0.998 });
      assert.equal(result.suppressed, false);
      assertClose(result.value, row.value, 1e-6, 'value');
      assertClose(result.lower, row.lower, 1e-6, 'lower');
      assertClose(result.upper, row.upper, 1e-6, 'upper');
    });
  }

  it('gives an exact 0 lower limit for a zero numerator and 1 upper limit when all have it', () => {
    const none = proportion(0, 20, { confidence: 0.95 });
    assert.equal(none.value, 0);
    assert.equal(none.lower, 0);
    assert.ok(none.upper !== null && none.upper > 0 && none.upper < 1);
    const all = proportion(20, 20, { confidence: 0.95 });
    assert.equal(all.upper, 1);
  });

  it('suppresses a zero denominator with a reason instead of NaN', () => {
    const result = proportion(0, 0, { confidence: 0.95 });
    assert.equal(result.value, null);
    assert.equal(result.suppressed, 'zero-denominator');
  });

  it('suppresses small numerators only when asked, and never zero', () => {
    assert.equal(proportion(3, 100, { confidence: 0.95, suppressBelow: 8 }).suppressed, 'small-count');
    assert.equal(proportion(0, 100, { confidence: 0.95, suppressBelow: 8 }).suppressed, false);
    assert.equal(proportion(8, 100, { confidence: 0.95, suppressBelow: 8 }).suppressed, false);
    assert.equal(proportion(3, 100, { confidence: 0.95 }).suppressed, false);
  });

  it('throws a RangeError for programmer errors', () => {
    assert.throws(() => proportion(-1, 10, { confidence: 0.95 }), RangeError);
    assert.throws(() => proportion(11, 10, { confidence: 0.95 }), RangeError);
    assert.throws(() => proportion(1, Number.NaN, { confidence: 0.95 }), RangeError);
    assert.throws(() => proportion(1, 10, { confidence: 0.8 }), /between 0.9 and 1/);
  });
});
