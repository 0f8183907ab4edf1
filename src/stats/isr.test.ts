import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectedCount, isr, isrFromTotals } from './isr.ts';
import { assertClose } from './test-helpers.ts';

describe('indirectly standardised ratio', () => {
  it('uses Byar limits on the observed count from 10 events (30 observed, 20 expected)', () => {
    const result = isrFromTotals(30, 20, { confidence: 0.95, multiplier: 100 });
    assertClose(result.value, 150, 1e-12, 'value');
    assertClose(result.lower, 101.18469546633196, 1e-9, 'lower');
    assertClose(result.upper, 214.1418597099935, 1e-9, 'upper');
    assert.equal(result.suppressed === false && result.method, 'byar');
  });

  it('uses exact limits below 10 events (4 observed, 2.5 expected)', () => {
    const result = isrFromTotals(4, 2.5, { confidence: 0.95, multiplier: 100 });
    assertClose(result.value, 160, 1e-12, 'value');
    assertClose(result.lower, 43.594614945052996, 1e-9, 'lower');
    assertClose(result.upper, 409.6635470161478, 1e-9, 'upper');
  });

  it('builds expected events from reference rates', () => {
    const groups = [
      { count: 10, population: 1000, referenceRate: 0.005 },
      { count: 20, population: 2000, referenceRate: 0.0075 },
    ];
    assertClose(expectedCount(groups), 20, 1e-12, 'expected');
    const result = isr(groups, { confidence: 0.95, multiplier: 1 });
    assert.equal(result.observed, 30);
    assertClose(result.value, 1.5, 1e-12, 'ratio');
  });

  it('suppresses when nothing is expected and handles zero observed', () => {
    assert.equal(isrFromTotals(3, 0, { confidence: 0.95, multiplier: 100 }).suppressed, 'zero-expected');
    const none = isrFromTotals(0, 5, { confidence: 0.95, multiplier: 100 });
    assert.equal(none.value, 0);
    assert.equal(none.lower, 0);
  });

  it('throws a RangeError for programmer errors', () => {
    assert.throws(() => isrFromTotals(-1, 5, { confidence: 0.95, multiplier: 100 }), RangeError);
    assert.throws(() => isr([], { confidence: 0.95, multiplier: 100 }), RangeError);
  });
});
