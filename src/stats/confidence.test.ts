// Any confidence level, as PHEindicatormethods takes it (0.9 ≤ c < 1, or 90 ≤ c < 100 as a
// percentage), checked against the package's own test data and against the closed forms.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { byarLimits, rate } from './rate.ts';
import { proportion, wilsonLimits } from './proportion.ts';
import { dsr } from './dsr.ts';
import { mean } from './mean.ts';
import { isrFromTotals } from './isr.ts';
import { normalQuantile } from './distributions.ts';
import { confidenceLevel, zFor } from './types.ts';
import { assertClose, num, readPackageCsv } from './test-helpers.ts';

describe('confidence levels', () => {
  it('normalises percentages and refuses levels the package refuses', () => {
    assert.equal(confidenceLevel(95), 0.95);
    assert.equal(confidenceLevel(99.8), 0.998);
    assert.equal(confidenceLevel(0.9), 0.9);
    assert.equal(confidenceLevel(90), 0.9);
    for (const bad of [0.8, 50, 89.9, 1, 100, 101, -0.95, Number.NaN, '95']) {
      assert.throws(() => confidenceLevel(bad), RangeError, String(bad));
    }
  });

  it('gives the standard normal deviates for 90%, 95%, 99% and 99.8%', () => {
    // Published values of the normal quantile function.
    assertClose(zFor(0.9), 1.6448536269514722, 1e-12, '90%');
    assertClose(zFor(95), 1.959963984540054, 1e-12, '95%');
    assertClose(zFor(0.99), 2.5758293035489004, 1e-12, '99%');
    assertClose(zFor(0.998), 3.090232306167813, 1e-12, '99.8%');
    assertClose(zFor(0.999), normalQuantile(0.9995), 1e-15, '99.9%');
  });

  describe('package test data (testdata_Byars_Wilson)', () => {
    for (const row of readPackageCsv('byars-wilson.csv')) {
      const x = Number(row.x);
      const level = Number(row.confidence.replace('%', '')); // "95%" → 95, a percentage
      it(`${row.method} ${row.x}${row.n ? `/${row.n}` : ''} at ${row.confidence}`, () => {
        const limits = row.method === 'Wilson' ? wilsonLimits(x, Number(row.n), level) : byarLimits(x, level);
        const lower = num(row.lowercl);
        // The package blanks a negative Byar lower limit; ours is the formula's (negative) value.
        if (lower === null) assert.ok(limits.lower < 0);
        else assertClose(limits.lower, lower, 1e-12, 'lower');
        assertClose(limits.upper, Number(row.uppercl), 1e-12, 'upper');
      });
    }
  });

  describe('package test data (phe_proportion and phe_rate, confidence given as 95 and 99.8)', () => {
    for (const row of readPackageCsv('proportions.csv')) {
      const k = num(row.Numerator);
      const n = num(row.Denominator);
      if (k === null || n === null || row.multiplier !== '1') continue;
      it(`proportion ${k}/${n}`, () => {
        for (const [level, lo, hi] of [
          [95, 'lower95_0cl', 'upper95_0cl'],
          [99.8, 'lower99_8cl', 'upper99_8cl'],
        ] as const) {
          const p = proportion(k, n, { confidence: level });
          assert.equal(p.confidence, level / 100);
          assertClose(p.value, Number(row.value), 1e-12, 'value');
          assertClose(p.lower, Number(row[lo]), 1e-9, `${level} lower`);
          assertClose(p.upper, Number(row[hi]), 1e-9, `${level} upper`);
        }
      });
    }
    for (const row of readPackageCsv('rates.csv')) {
      const k = num(row.Numerator);
      const n = num(row.Denominator);
      if (k === null || n === null) continue;
      it(`rate ${k}/${n} ${row.statistic}`, () => {
        const multiplier = row.statistic === 'rate per 100' ? 100 : 100000;
        for (const [level, lo, hi] of [
          [95, 'lower95_0cl', 'upper95_0cl'],
          [99.8, 'lower99_8cl', 'upper99_8cl'],
        ] as const) {
          const r = rate(k, n, { confidence: level, multiplier });
          assertClose(r.value, Number(row.value), 1e-12, 'value');
          assertClose(r.lower, Number(row[lo]), 1e-9, `${level} lower`);
          assertClose(r.upper, Number(row[hi]), 1e-9, `${level} upper`);
        }
      });
    }
    it('phe_mean test areas at 95 and 99.8', () => {
      const values = new Map<string, number[]>();
      for (const row of readPackageCsv('means.csv')) {
        values.set(row.area, [...(values.get(row.area) ?? []), Number(row.values)]);
      }
      for (const row of readPackageCsv('mean-results.csv')) {
        const v = row.area === 'No grouping' ? [...values.values()].flat() : (values.get(row.area) ?? []);
        const m95 = mean(v, { confidence: 95 });
        const m998 = mean(v, { confidence: 99.8 });
        assertClose(m95.value, Number(row.value), 1e-12, `${row.area} value`);
        assertClose(m95.lower, Number(row.lower95_0cl), 1e-9, `${row.area} lower 95`);
        assertClose(m95.upper, Number(row.upper95_0cl), 1e-9, `${row.area} upper 95`);
        assertClose(m998.lower, Number(row.lower99_8cl), 1e-9, `${row.area} lower 99.8`);
        assertClose(m998.upper, Number(row.upper99_8cl), 1e-9, `${row.area} upper 99.8`);
      }
    });
  });

  it('Wilson at 90% and 99% follows the closed form with that level’s z', () => {
    for (const [level, z] of [
      [0.9, 1.6448536269514722],
      [0.99, 2.5758293035489004],
    ]) {
      const [x, n] = [65, 100];
      const p = proportion(x, n, { confidence: level });
      const root = z * Math.sqrt(z * z + 4 * x * (1 - x / n));
      assertClose(p.lower, (2 * x + z * z - root) / 2 / (n + z * z), 1e-12, `${level} lower`);
      assertClose(p.upper, (2 * x + z * z + root) / 2 / (n + z * z), 1e-12, `${level} upper`);
    }
  });

  it('every method takes 90%, 99% and 99.9%, and a wider level gives a wider interval', () => {
    const bands = [
      { count: 30, population: 5000, standardPopulation: 5000 },
      { count: 60, population: 4000, standardPopulation: 7000 },
    ];
    const methods = [
      (c: number) => proportion(40, 300, { confidence: c }),
      (c: number) => rate(7, 1000, { confidence: c, multiplier: 1000 }),
      (c: number) => rate(700, 100000, { confidence: c, multiplier: 1000 }),
      (c: number) => dsr(bands, { confidence: c, multiplier: 100000 }),
      (c: number) => mean([3, 5, 8, 13, 21], { confidence: c }),
      (c: number) => isrFromTotals(12, 9.5, { confidence: c, multiplier: 100 }),
    ];
    for (const method of methods) {
      let previous = 0;
      for (const level of [0.9, 0.95, 0.99, 0.999]) {
        const e = method(level);
        assert.equal(e.suppressed, false);
        assert.equal(e.confidence, level);
        if (e.suppressed !== false) continue;
        assert.ok(e.lower <= e.value && e.value <= e.upper);
        assert.ok(e.upper - e.lower > previous, `wider at ${level}`);
        previous = e.upper - e.lower;
      }
    }
  });
});
