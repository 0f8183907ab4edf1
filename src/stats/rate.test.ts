import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { byarLimits, poissonLimits, rate } from './rate.ts';
import { assertClose, readPheCsv } from './test-helpers.ts';

describe('rate (Byar / exact Poisson)', () => {
  for (const row of readPheCsv('rates.csv')) {
    it(`reproduces the PHE worked example ${row.count} per ${row.denominator} at ${row.confidence}`, () => {
      const result = rate(row.count, row.denominator, {
        confidence: row.confidence as 0.95 | 0.998,
        multiplier: row.multiplier,
      });
      assert.equal(result.suppressed, false);
      assertClose(result.value, row.value, 1e-6, 'value');
      assertClose(result.lower, row.lower, 1e-6, 'lower');
      assertClose(result.upper, row.upper, 1e-6, 'upper');
    });
  }

  it('uses exact Poisson limits below 10 and Byar from 10', () => {
    assert.equal(poissonLimits(9, 0.95).method, 'exact-poisson');
    assert.equal(poissonLimits(10, 0.95).method, 'byar');
    // Exact limits for 5 events (chi-square tables / R: qchisq(c(.025,.975), c(10,12))/2).
    const five = poissonLimits(5, 0.95);
    assertClose(five.lower, 1.6234863901184207, 1e-9, 'lower');
    assertClose(five.upper, 11.66833207932267, 1e-9, 'upper');
  });

  it('handles a zero count: lower 0, upper the exact limit (3.689 events at 95%)', () => {
    const result = rate(0, 1000, { confidence: 0.95, multiplier: 1000 });
    assert.equal(result.value, 0);
    assert.equal(result.lower, 0);
    assertClose(result.upper, 3.688879454113936, 1e-9, 'upper');
  });

  it('Byar is close to exact at 10 events, which is why the switch sits there', () => {
    const byar = byarLimits(10, 0.95);
    const exact = poissonLimits(9.999999999, 0.95);
    assert.ok(Math.abs(byar.lower - exact.lower) / exact.lower < 0.01);
    assert.ok(Math.abs(byar.upper - exact.upper) / exact.upper < 0.01);
  });

  it('suppresses a zero denominator and, when asked, small counts', () => {
    assert.equal(rate(3, 0, { confidence: 0.95, multiplier: 1e5 }).suppressed, 'zero-denominator');
    assert.equal(rate(3, 100, { confidence: 0.95, multiplier: 1e5, suppressBelow: 5 }).suppressed, 'small-count');
  });

  it('throws a RangeError for programmer errors', () => {
    assert.throws(() => rate(-1, 10, { confidence: 0.95, multiplier: 1 }), RangeError);
    assert.throws(() => rate(1, 10, { confidence: 0.95, multiplier: 0 }), RangeError);
    assert.throws(() => rate(1, 10, { confidence: 1, multiplier: 1 }), RangeError);
  });
});
