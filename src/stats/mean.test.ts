import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mean, meanFromSummary } from './mean.ts';
import { assertClose } from './test-helpers.ts';

describe('mean with t interval', () => {
  const values = [2, 4, 4, 4, 5, 5, 7, 9];

  it('matches mean ± t(0.975, 7)·s/√n', () => {
    const result = mean(values, { confidence: 0.95 });
    assertClose(result.value, 5, 1e-15, 'value');
    assertClose(result.lower, 3.21251208176379, 1e-10, 'lower');
    assertClose(result.upper, 6.787487918236209, 1e-10, 'upper');
    assert.equal(result.suppressed === false && result.method, 'student-t');
  });

  it('matches at 99.8%', () => {
    const result = mean(values, { confidence: 0.998 });
    assertClose(result.lower, 1.3826610546303835, 1e-10, 'lower');
    assertClose(result.upper, 8.617338945369617, 1e-10, 'upper');
  });

  it('agrees between raw values and a summary', () => {
    const summary = meanFromSummary({ count: 8, mean: 5, standardDeviation: Math.sqrt(32 / 7) }, { confidence: 0.95 });
    assertClose(summary.lower, 3.21251208176379, 1e-10, 'lower');
  });

  it('suppresses fewer than two values', () => {
    assert.equal(mean([], { confidence: 0.95 }).suppressed, 'too-few-values');
    assert.equal(mean([3], { confidence: 0.95 }).suppressed, 'too-few-values');
  });

  it('gives a zero-width interval when every value is the same', () => {
    const result = mean([4, 4, 4], { confidence: 0.95 });
    assert.equal(result.lower, 4);
    assert.equal(result.upper, 4);
  });

  it('throws a RangeError for non-finite values or a bad summary', () => {
    assert.throws(() => mean([1, Number.NaN], { confidence: 0.95 }), RangeError);
    assert.throws(
      () => meanFromSummary({ count: 3, mean: 1, standardDeviation: -1 }, { confidence: 0.95 }),
      RangeError,
    );
  });
});
