import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exactPoissonLimits } from './distributions.ts';
import {
  funnelDenominators,
  poissonCountLimits,
  proportionFunnelLimits,
  rateFunnelLimits,
  ratioFunnelLimits,
} from './funnel.ts';
import { wilsonLimits } from './proportion.ts';
import { assertClose } from './test-helpers.ts';

describe('funnel plot control limits', () => {
  it('proportions: matches PHE sigma_adjustment (30% target, n = 100)', () => {
    const limits = proportionFunnelLimits(0.3, 100);
    assertClose(limits.lower95, 0.2101831668145795, 1e-12, 'lower95');
    assertClose(limits.upper95, 0.3898168331854204, 1e-12, 'upper95');
    assertClose(limits.lower998, 0.15838776541988045, 1e-12, 'lower998');
    assertClose(limits.upper998, 0.44161223458011956, 1e-12, 'upper998');
  });

  it('proportions: a point on the limit has a Wilson interval that just touches the target', () => {
    const n = 400;
    const limits = proportionFunnelLimits(0.2, n);
    assertClose(wilsonLimits(limits.upper95 * n, n, 0.95).lower, 0.2, 1e-12, 'upper limit');
    assertClose(wilsonLimits(limits.lower998 * n, n, 0.998).upper, 0.2, 1e-12, 'lower limit');
  });

  it('proportions: limits stay within [0, 1] and narrow as n grows', () => {
    const small = proportionFunnelLimits(0.95, 10);
    assert.equal(small.upper998, 1);
    const big = proportionFunnelLimits(0.95, 10_000);
    assert.ok(big.upper95 - big.lower95 < small.upper95 - small.lower95);
    assert.ok(big.lower998 < big.lower95 && big.upper95 < big.upper998);
  });

  it('rates: the lower limit at a population is where the exact interval of the count touches the target', () => {
    // 25 events; exact 95% upper limit 36.905 events. With target 100 per 100,000 (0.001 per person),
    // PHE's poisson_funnel places that point at population 36,904.9, with rate 25 / 36,904.9 × 100,000.
    const population = 36904.93169753037;
    const limits = rateFunnelLimits(100, population, { multiplier: 100_000 });
    assertClose(limits.lower95, (25 / population) * 100_000, 1e-9, 'lower95');
    const p998 = 12336.95263593863; // exact 99.8% lower limit of 25 events is 12.337
    assertClose(rateFunnelLimits(100, p998, { multiplier: 100_000 }).upper998, (25 / p998) * 100_000, 1e-9, 'upper998');
  });

  it('rates: counts on the limits have exact intervals ending at the expected count', () => {
    for (const expected of [0.5, 3, 40, 2500]) {
      const { lower, upper } = poissonCountLimits(expected, 0.95);
      if (lower > 0) assertClose(exactPoissonLimits(lower, 0.95).upper, expected, 1e-9, 'lower');
      assertClose(exactPoissonLimits(upper, 0.95).lower, expected, 1e-9, 'upper');
    }
    assert.equal(poissonCountLimits(0.5, 0.95).lower, 0);
  });

  it('ratios: limits around 1 at 10 expected events', () => {
    const limits = ratioFunnelLimits(10, { multiplier: 1 });
    assert.equal(limits.target, 1);
    assertClose(limits.lower95, 0.3833616121562075, 1e-9, 'lower95');
    assertClose(limits.upper95, 1.7127158816966186, 1e-9, 'upper95');
  });

  it('rates: a zero target gives zero-width limits', () => {
    const limits = rateFunnelLimits(0, 1000, { multiplier: 1000 });
    assert.equal(limits.upper998, 0);
  });

  it('spaces denominators geometrically from max(1, min) to max', () => {
    const xs = funnelDenominators(0, 10_000, 5);
    assert.deepEqual(
      xs.map((x) => Math.round(x)),
      [1, 10, 100, 1000, 10_000],
    );
    assert.throws(() => funnelDenominators(10, 5), RangeError);
  });

  it('throws a RangeError for programmer errors', () => {
    assert.throws(() => proportionFunnelLimits(1.2, 10), RangeError);
    assert.throws(() => proportionFunnelLimits(0.2, 0), RangeError);
    assert.throws(() => rateFunnelLimits(-1, 10, { multiplier: 1 }), RangeError);
  });
});
