import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proportionFunnelLimits } from './funnel.ts';
import { proportion } from './proportion.ts';
import { compareWithBenchmark, compareWithFunnel, Polarity, significance } from './significance.ts';
import { interval, suppressed } from './types.ts';

describe('significance against a benchmark', () => {
  const above = interval(0.6, 0.55, 0.65, 0.95, 'wilson');
  const below = interval(0.4, 0.35, 0.45, 0.95, 'wilson');
  const spanning = interval(0.5, 0.45, 0.55, 0.95, 'wilson');

  it('turns higher and lower into better and worse by polarity', () => {
    assert.equal(compareWithBenchmark(above, 0.5, Polarity.higherIsBetter), 'better');
    assert.equal(compareWithBenchmark(below, 0.5, Polarity.higherIsBetter), 'worse');
    assert.equal(compareWithBenchmark(above, 0.5, Polarity.lowerIsBetter), 'worse');
    assert.equal(compareWithBenchmark(below, 0.5, Polarity.lowerIsBetter), 'better');
    assert.equal(compareWithBenchmark(spanning, 0.5, Polarity.higherIsBetter), 'similar');
  });

  it('says higher / similar / lower where no direction is better', () => {
    assert.equal(compareWithBenchmark(above, 0.5, Polarity.noJudgement), 'higher');
    assert.equal(compareWithBenchmark(below, 0.5, Polarity.noJudgement), 'lower');
    assert.equal(compareWithBenchmark(spanning, 0.5, Polarity.noJudgement), 'similar');
  });

  it('counts an interval that touches the benchmark as similar', () => {
    assert.equal(compareWithBenchmark(above, 0.55, Polarity.higherIsBetter), 'similar');
  });

  it('does not compare suppressed values or a missing benchmark', () => {
    const hidden = suppressed('zero-denominator', 0.95, 'No one in the denominator');
    assert.equal(compareWithBenchmark(hidden, 0.5, Polarity.higherIsBetter), 'not-compared');
    assert.equal(compareWithBenchmark(above, null, Polarity.higherIsBetter), 'not-compared');
    assert.equal(compareWithBenchmark(above, Number.NaN, Polarity.higherIsBetter), 'not-compared');
  });

  it('can differ between 95% and 99.8%', () => {
    // 593/6338 = 9.36%: 95% CI 8.66–10.10%, 99.8% CI 8.29–10.55%, against a benchmark of 8.5%.
    const result = significance((confidence) => proportion(593, 6338, { confidence }), 0.085, Polarity.lowerIsBetter);
    assert.deepEqual(result, { at95: 'worse', at998: 'similar' });
  });

  it('reads a value against funnel limits at both levels', () => {
    const limits = proportionFunnelLimits(0.3, 100); // 95%: 0.210–0.390; 99.8%: 0.158–0.442
    assert.deepEqual(compareWithFunnel(0.4, limits, Polarity.higherIsBetter), { at95: 'better', at998: 'similar' });
    assert.deepEqual(compareWithFunnel(0.1, limits, Polarity.higherIsBetter), { at95: 'worse', at998: 'worse' });
    assert.deepEqual(compareWithFunnel(0.3, limits, Polarity.noJudgement), { at95: 'similar', at998: 'similar' });
    assert.deepEqual(compareWithFunnel(null, limits, Polarity.noJudgement), {
      at95: 'not-compared',
      at998: 'not-compared',
    });
  });

  it('rejects an unknown polarity', () => {
    assert.throws(() => compareWithBenchmark(above, 0.5, 'up' as Polarity), RangeError);
  });
});
