// Property-based tests (fast-check) with a fixed seed so runs are repeatable.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dsr } from './dsr.ts';
import { ESP2013_WEIGHTS } from './esp2013.ts';
import { mean } from './mean.ts';
import { proportion } from './proportion.ts';
import { rate } from './rate.ts';
import { slopeIndexOfInequality } from './inequality.ts';
import type { Confidence, Estimate } from './types.ts';

const settings = { seed: 7007, numRuns: 300 };
// Any level the package accepts: a fraction in [0.9, 1) or, as a percentage, [90, 100).
const confidence = fc.oneof(
  fc.constantFrom<Confidence>(0.9, 0.95, 0.99, 0.998, 95, 99.8),
  fc.double({ min: 0.9, max: 0.9999, noNaN: true }),
);
const levelPair = fc
  .tuple(fc.double({ min: 0.9, max: 0.9999, noNaN: true }), fc.double({ min: 0.9, max: 0.9999, noNaN: true }))
  .filter(([a, b]) => Math.abs(a - b) > 1e-6)
  .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

function contains(e: Estimate): void {
  assert.equal(e.suppressed, false);
  if (e.suppressed !== false) return;
  assert.ok(Number.isFinite(e.lower) && Number.isFinite(e.upper), `finite limits ${e.lower}, ${e.upper}`);
  assert.ok(e.lower <= e.value && e.value <= e.upper, `${e.lower} <= ${e.value} <= ${e.upper}`);
}

function width(e: Estimate): number {
  if (e.suppressed !== false) throw new Error('unexpected suppression');
  return e.upper - e.lower;
}

const proportionCase = fc
  .integer({ min: 1, max: 1_000_000 })
  .chain((denominator) => fc.tuple(fc.integer({ min: 0, max: denominator }), fc.constant(denominator)));

describe('properties', () => {
  it('proportion intervals contain the estimate and lie within [0, 1]', () => {
    fc.assert(
      fc.property(proportionCase, confidence, ([k, n], c) => {
        const e = proportion(k, n, { confidence: c });
        contains(e);
        assert.ok(e.lower !== null && e.lower >= 0 && e.upper !== null && e.upper <= 1);
      }),
      settings,
    );
  });

  it('proportion intervals narrow as the denominator grows at the same proportion', () => {
    fc.assert(
      fc.property(proportionCase, fc.integer({ min: 2, max: 50 }), confidence, ([k, n], m, c) => {
        assert.ok(width(proportion(k * m, n * m, { confidence: c })) < width(proportion(k, n, { confidence: c })));
      }),
      settings,
    );
  });

  it('99.8% intervals are wider than 95% ones', () => {
    fc.assert(
      fc.property(proportionCase, ([k, n]) => {
        const w95 = width(proportion(k, n, { confidence: 0.95 }));
        assert.ok(width(proportion(k, n, { confidence: 0.998 })) > w95);
      }),
      settings,
    );
  });

  it('a wider confidence level gives a wider interval, for proportions, rates and DSRs', () => {
    fc.assert(
      fc.property(proportionCase, levelPair, ([k, n], [low, high]) => {
        assert.ok(width(proportion(k, n, { confidence: high })) > width(proportion(k, n, { confidence: low })));
        assert.ok(
          width(rate(k, n, { confidence: high, multiplier: 1000 })) >
            width(rate(k, n, { confidence: low, multiplier: 1000 })),
        );
        const bands = [{ count: k + 10, population: n + 10, standardPopulation: 1000 }];
        assert.ok(
          width(dsr(bands, { confidence: high, multiplier: 1e5 })) >
            width(dsr(bands, { confidence: low, multiplier: 1e5 })),
        );
      }),
      settings,
    );
  });

  const rateCase = fc.tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: 10_000_000 }));

  it('rate intervals contain the estimate and are never negative', () => {
    fc.assert(
      fc.property(rateCase, confidence, ([count, n], c) => {
        const e = rate(count, n, { confidence: c, multiplier: 100_000 });
        contains(e);
        assert.ok(e.lower !== null && e.lower >= 0);
      }),
      settings,
    );
  });

  it('rate intervals narrow as the denominator grows at the same rate (across the exact/Byar switch)', () => {
    fc.assert(
      fc.property(rateCase, fc.integer({ min: 2, max: 50 }), confidence, ([count, n], m, c) => {
        const options = { confidence: c, multiplier: 100_000 };
        assert.ok(width(rate(count * m, n * m, options)) < width(rate(count, n, options)));
      }),
      settings,
    );
  });

  it('DSR intervals contain the estimate', () => {
    const bands = fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 100_000 })), {
      minLength: 19,
      maxLength: 19,
    });
    fc.assert(
      fc.property(bands, confidence, (rows, c) => {
        const groups = rows.map(([count, population], i) => ({
          count,
          population,
          standardPopulation: ESP2013_WEIGHTS[i],
        }));
        const e = dsr(groups, { confidence: c, multiplier: 100_000 });
        if (groups.reduce((s, g) => s + g.count, 0) < 10) assert.equal(e.suppressed, 'small-count');
        else contains(e);
      }),
      settings,
    );
  });

  it('mean intervals contain the mean', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 200 }),
        confidence,
        (values, c) => contains(mean(values, { confidence: c })),
      ),
      settings,
    );
  });

  it('never returns NaN: every result is numeric or suppressed with a reason', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), confidence, (a, b, c) => {
        const [k, n] = a <= b ? [a, b] : [b, a];
        for (const e of [proportion(k, n, { confidence: c }), rate(a, b, { confidence: c, multiplier: 1000 })]) {
          if (e.suppressed === false) assert.ok(!Number.isNaN(e.value + e.lower + e.upper));
          else assert.equal(typeof e.message, 'string');
        }
      }),
      settings,
    );
  });

  // Quantiles of a rate that rises or falls steadily from most to least deprived, with Byar-like
  // limits (value × e^(±1.96·se)) so the log transform has limits to work from.
  const monotoneQuantiles = fc
    .tuple(
      fc.array(fc.double({ min: 0.01, max: 2, noNaN: true }), { minLength: 5, maxLength: 10 }),
      fc.boolean(),
      fc.array(fc.integer({ min: 100, max: 100_000 }), { minLength: 10, maxLength: 10 }),
      fc.double({ min: 0.01, max: 0.3, noNaN: true }),
    )
    .map(([steps, rising, populations, se]) => {
      let v = 5;
      const values = steps.map((step) => (v += step));
      if (!rising) values.reverse();
      return values.map((value, i) => ({
        population: populations[i],
        value,
        lower: value * Math.exp(-1.959963984540054 * se),
        upper: value * Math.exp(1.959963984540054 * se),
      }));
    });
  const slow = { ...settings, numRuns: 40 };

  it('SII: a transform never changes the sign of the SII of a steadily rising or falling indicator', () => {
    fc.assert(
      fc.property(monotoneQuantiles, fc.constantFrom(1, -1, 100), (groups, multiplier) => {
        const options = { confidence: 0.95, valueType: 'rate', repetitions: 1000, multiplier } as const;
        const plain = slopeIndexOfInequality(groups, options);
        const logged = slopeIndexOfInequality(groups, { ...options, transform: true });
        assert.equal(Math.sign(plain.value as number), Math.sign(logged.value as number));
        assert.equal(
          Math.sign(logged.value as number),
          Math.sign(groups[groups.length - 1].value - groups[0].value) * Math.sign(multiplier),
        );
      }),
      slow,
    );
  });

  it('SII: limits bracket the value, and a wider level gives a wider interval', () => {
    fc.assert(
      fc.property(monotoneQuantiles, levelPair, fc.boolean(), (groups, [low, high], transform) => {
        const normal = groups.map((g) => ({
          population: g.population,
          value: g.value,
          lower: g.lower,
          upper: g.upper,
        }));
        for (const options of [
          { valueType: 'normal', transform: false },
          { valueType: 'rate', transform, repetitions: 2000 },
        ] as const) {
          const narrow = slopeIndexOfInequality(normal, { ...options, confidence: low });
          const wide = slopeIndexOfInequality(normal, { ...options, confidence: high });
          contains(narrow);
          contains(wide);
          contains(wide.rii);
          // Simulated limits are order statistics, so two close levels can share one: never narrower.
          assert.ok(width(wide) >= width(narrow));
        }
      }),
      slow,
    );
  });
});
