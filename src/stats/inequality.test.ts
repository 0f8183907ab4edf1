import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relativeRanks, type SiiOptions, slopeIndexOfInequality, standardErrorFromInterval } from './inequality.ts';
import { normalQuantile } from './distributions.ts';
import { assertClose, num, readPackageCsv } from './test-helpers.ts';

describe('slope and relative index of inequality', () => {
  // Five equal quintiles, most deprived first, value = 5 + 50x exactly, every standard error 1.
  // Ranks are 0.1 … 0.9; WLS weights cᵢ = 2.5(xᵢ − 0.5) = −1, −0.5, 0, 0.5, 1, so Var(SII) = Σcᵢ² = 2.5.
  const quintiles = [10, 20, 30, 40, 50].map((value) => ({ population: 1000, value, standardError: 1 }));

  it('hand-checkable quintile example: SII 50, RII 55/5 = 11', () => {
    const z = normalQuantile(0.975);
    const result = slopeIndexOfInequality(quintiles, { confidence: 0.95 });
    assert.equal(result.suppressed, false);
    assertClose(result.value, 50, 1e-12, 'SII');
    assertClose(result.lower, 50 - z * Math.sqrt(2.5), 1e-12, 'lower');
    assertClose(result.upper, 50 + z * Math.sqrt(2.5), 1e-12, 'upper');
    assertClose(result.suppressed === false ? result.fittedMostDeprived : null, 5, 1e-12, 'Y0');
    assertClose(result.rii.value, 11, 1e-12, 'RII');
    // Delta method on log RII: Var(Y0) = Var(Y1) = 0.825, Cov = −0.425 (worked by hand).
    const logSd = Math.sqrt(0.825 / 55 ** 2 + 0.825 / 5 ** 2 + (2 * 0.425) / (5 * 55));
    assertClose(result.rii.lower, 11 * Math.exp(-z * logSd), 1e-12, 'RII lower');
    assertClose(result.rii.upper, 11 * Math.exp(z * logSd), 1e-12, 'RII upper');
  });

  it('relative ranks are cumulative-population midpoints', () => {
    assert.deepEqual(
      relativeRanks([12, 10, 78]).map((x) => Math.round(x * 1e12) / 1e12),
      [0.06, 0.17, 0.61],
    );
  });

  it('matches the regression PHE fits (y√a on √a and x√a) on its own decile example', () => {
    // phe_sii documentation example, Area1; expected values from an independent least-squares fit.
    const population = [7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534];
    const value = [75.9, 78.3, 83.8, 83.6, 80.5, 81.1, 81.7, 84.2, 80.6, 86.3];
    const se = [1.64, 1.58, 1.51, 1.78, 1.7, 1.56, 1.37, 1.4, 2.43, 1.57];
    const groups = population.map((p, i) => ({ population: p, value: value[i], standardError: se[i] }));
    const result = slopeIndexOfInequality(groups, { confidence: 0.95 });
    assertClose(result.value, 7.00023476, 1e-8, 'SII');
    assertClose(result.rii.value, 1.0897097049119417, 1e-9, 'RII');
    // PHE's 100,000-draw simulation gives about 3.17 to 10.85; the analytic limits are its limit.
    assertClose(result.lower, 3.153428895451977, 1e-9, 'lower');
    assertClose(result.upper, 10.847040624707862, 1e-9, 'upper');
  });

  it('is negative when values fall towards the least deprived, and scales by the multiplier', () => {
    const falling = [0.5, 0.4, 0.3, 0.2, 0.1].map((value) => ({ population: 50, value, standardError: 0.01 }));
    const result = slopeIndexOfInequality(falling, { confidence: 0.998, multiplier: 100 });
    assertClose(result.value, -50, 1e-12, 'SII in percentage points');
    assert.ok(result.upper !== null && result.upper < 0);
  });

  it('suppresses too few quantiles, empty quantiles and a non-positive fitted line for RII', () => {
    assert.equal(slopeIndexOfInequality(quintiles.slice(0, 4), { confidence: 0.95 }).suppressed, 'too-few-groups');
    const empty = quintiles.map((g, i) => (i === 2 ? { ...g, population: 0 } : g));
    assert.equal(slopeIndexOfInequality(empty, { confidence: 0.95 }).suppressed, 'zero-population');
    const crossing = [-20, -10, 0, 10, 20].map((value) => ({ population: 10, value, standardError: 1 }));
    const result = slopeIndexOfInequality(crossing, { confidence: 0.95 });
    assert.equal(result.suppressed, false);
    assert.equal(result.rii.suppressed, 'non-positive-fitted-value');
  });

  it('derives a standard error from a 95% interval as PHE does', () => {
    assertClose(standardErrorFromInterval(8, 12), 2 / normalQuantile(0.975), 1e-15, 'se');
    assert.throws(() => standardErrorFromInterval(12, 8), RangeError);
  });

  it('throws a RangeError for programmer errors', () => {
    const bad = quintiles.map((g, i) => (i === 0 ? { ...g, standardError: -1 } : g));
    assert.throws(() => slopeIndexOfInequality(bad, { confidence: 0.95 }), RangeError);
    assert.throws(() => slopeIndexOfInequality(quintiles, { confidence: 0.95, multiplier: Number.NaN }), RangeError);
  });
});

describe('SII and RII against the PHEindicatormethods test data (testdata_SII)', () => {
  const rows = readPackageCsv('sii.csv');
  const byRecord = new Map(rows.map((row) => [Number(row.RecordNo), row]));
  type Case = {
    name: string;
    first: number;
    areas?: number;
    size?: number;
    options: Partial<SiiOptions>;
    input: 'se' | 'limits';
    /** Which spreadsheet interval columns hold which confidence level. */
    levels?: readonly [number, 1 | 2][];
    pointOnly?: boolean;
    intercept?: boolean;
  };
  const cases: Case[] = [
    { name: 'normal, standard errors', first: 1, options: {}, input: 'se' },
    { name: 'normal, limits', first: 1, options: {}, input: 'limits' },
    { name: 'normal, 99%', first: 21, options: { confidence: 0.99 }, input: 'limits', levels: [[0.99, 1]] },
    { name: 'normal, 99 as a percentage', first: 21, options: { confidence: 99 }, input: 'se', levels: [[99, 1]] },
    {
      name: 'normal, 95% and 99%',
      first: 226,
      options: {},
      input: 'se',
      levels: [
        [0.95, 1],
        [0.99, 2],
      ],
    },
    { name: 'normal, quintiles (SII only)', first: 61, size: 5, options: {}, input: 'se', pointOnly: true },
    { name: 'normal, intercept', first: 246, options: {}, input: 'limits', intercept: true },
    { name: 'rate, standard errors', first: 71, options: { valueType: 'rate' }, input: 'se' },
    { name: 'rate, limits', first: 71, options: { valueType: 'rate' }, input: 'limits' },
    { name: 'rate, intercept', first: 266, options: { valueType: 'rate' }, input: 'limits', intercept: true },
    { name: 'proportion, standard errors', first: 91, options: { valueType: 'proportion' }, input: 'se' },
    { name: 'proportion, limits', first: 91, options: { valueType: 'proportion' }, input: 'limits' },
    {
      name: 'proportion, multiplier 100',
      first: 111,
      options: { valueType: 'proportion', multiplier: 100 },
      input: 'limits',
    },
    {
      name: 'proportion, multiplier −100',
      first: 131,
      options: { valueType: 'proportion', multiplier: -100 },
      input: 'limits',
    },
    {
      name: 'rate, log transform',
      first: 306,
      options: { valueType: 'rate', transform: true },
      input: 'limits',
      intercept: true,
    },
    {
      name: 'rate, log transform, multiplier −1',
      first: 386,
      options: { valueType: 'rate', transform: true, multiplier: -1 },
      input: 'limits',
      intercept: true,
    },
    {
      name: 'rate, log transform, 98%',
      first: 406,
      options: { valueType: 'rate', transform: true },
      input: 'limits',
      levels: [[98, 1]],
      intercept: true,
    },
    {
      name: 'rate, log transform, 95% and 98%',
      first: 366,
      options: { valueType: 'rate', transform: true },
      input: 'limits',
      levels: [
        [95, 1],
        [98, 2],
      ],
      intercept: true,
    },
    {
      name: 'rate, log transform, SII only',
      first: 426,
      options: { valueType: 'rate', transform: true },
      input: 'limits',
    },
    {
      name: 'proportion, logit transform',
      first: 326,
      options: { valueType: 'proportion', transform: true },
      input: 'limits',
      intercept: true,
    },
    {
      name: 'proportion, logit transform, multiplier −1',
      first: 346,
      options: { valueType: 'proportion', transform: true, multiplier: -1 },
      input: 'limits',
      intercept: true,
    },
    {
      name: 'proportion, logit transform, 98%',
      first: 466,
      options: { valueType: 'proportion', transform: true },
      input: 'limits',
      levels: [[0.98, 1]],
      intercept: true,
    },
    {
      name: 'proportion, logit transform, 95% and 98%',
      first: 486,
      options: { valueType: 'proportion', transform: true },
      input: 'limits',
      levels: [
        [0.95, 1],
        [0.98, 2],
      ],
      intercept: true,
    },
    {
      name: 'proportion, logit transform, SII only',
      first: 446,
      options: { valueType: 'proportion', transform: true },
      input: 'limits',
    },
  ];
  // The package's tests allow 5% (relative) on simulated limits, as they use another generator.
  // Simulation noise scales with the interval's width, not the limit's size (a limit near 0 has a
  // large relative error), so we allow 2% of the expected interval's width: with 100,000 repetitions
  // the standard error of a 2.5% order statistic is about 0.3% of the width.
  const SIMULATION_SHARE_OF_WIDTH = 0.02;
  const assertLimits = (
    actual: { lower: number | null; upper: number | null },
    lo: number,
    hi: number,
    label: string,
  ) => {
    const allowed = SIMULATION_SHARE_OF_WIDTH * Math.abs(hi - lo);
    assert.ok(
      actual.lower !== null && Math.abs(actual.lower - lo) <= allowed,
      `${label} lower ${actual.lower} vs ${lo}`,
    );
    assert.ok(
      actual.upper !== null && Math.abs(actual.upper - hi) <= allowed,
      `${label} upper ${actual.upper} vs ${hi}`,
    );
  };

  for (const c of cases) {
    it(c.name, () => {
      const size = c.size ?? 10;
      for (let area = 0; area < (c.areas ?? 2); area++) {
        const start = c.first + area * size;
        const block = Array.from({ length: size }, (_, i) => byRecord.get(start + i) as Record<string, string>);
        const expected = block[0];
        const groups = block.map((row) => ({
          population: Number(row.Population),
          value: Number(row.Value),
          ...(c.input === 'se'
            ? { standardError: Number(row.StandardError) }
            : { lower: Number(row.LowerCL), upper: Number(row.UpperCL) }),
        }));
        for (const [level, column] of c.levels ?? [[0.95, 1]]) {
          const result = slopeIndexOfInequality(groups, {
            confidence: level,
            repetitions: 100_000,
            seed: 17,
            ...c.options,
          });
          assert.equal(result.suppressed, false);
          if (result.suppressed !== false) continue;
          const label = `${expected.Area} at ${level}`;
          assertClose(result.value, Number(expected.sii), 1e-9, `${label} SII`);
          if (c.pointOnly) continue;
          assertLimits(
            result,
            Number(expected[`sii_lowercl_${column}`]),
            Number(expected[`sii_uppercl_${column}`]),
            `${label} SII`,
          );
          const riiExpected = num(expected.rii);
          if (riiExpected !== null) {
            assertClose(result.rii.value, riiExpected, 1e-9, `${label} RII`);
            const lo = num(expected[`rii_lowercl_${column}`]);
            const hi = num(expected[`rii_uppercl_${column}`]);
            if (lo !== null && hi !== null) {
              assertLimits(result.rii, lo, hi, `${label} RII`);
            }
          }
          if (c.intercept) {
            // phe_sii's intercept: the fitted most-deprived end, times |multiplier| after a transform.
            const factor = result.transform ? Math.abs(c.options.multiplier ?? 1) : 1;
            assertClose(result.fittedMostDeprived * factor, Number(expected.Intercept), 1e-9, `${label} intercept`);
          }
        }
      }
    });
  }

  it('the same seed gives the same limits, another seed slightly different ones', () => {
    const groups = Array.from({ length: 10 }, (_, i) => {
      const row = byRecord.get(71 + i) as Record<string, string>;
      return {
        population: Number(row.Population),
        value: Number(row.Value),
        lower: Number(row.LowerCL),
        upper: Number(row.UpperCL),
      };
    });
    const options = { confidence: 0.95, valueType: 'rate', repetitions: 5000 } as const;
    const a = slopeIndexOfInequality(groups, { ...options, seed: 1 });
    const b = slopeIndexOfInequality(groups, { ...options, seed: 1 });
    const other = slopeIndexOfInequality(groups, { ...options, seed: 2 });
    assert.deepEqual(a, b);
    assert.notEqual(a.lower, other.lower);
    assert.equal(a.value, other.value);
  });

  it('simulation and the analytic interval agree for normal values', () => {
    const groups = Array.from({ length: 10 }, (_, i) => {
      const row = byRecord.get(1 + i) as Record<string, string>;
      return { population: Number(row.Population), value: Number(row.Value), standardError: Number(row.StandardError) };
    });
    const analytic = slopeIndexOfInequality(groups, { confidence: 0.95 });
    const simulated = slopeIndexOfInequality(groups, { confidence: 0.95, repetitions: 100_000 });
    assert.ok(analytic.suppressed === false && simulated.suppressed === false);
    assert.equal(analytic.repetitions, null);
    assert.equal(simulated.repetitions, 100_000);
    assertLimits(simulated, analytic.lower, analytic.upper, 'simulated against analytic');
  });

  it('a negative multiplier turns the gap round and inverts the RII', () => {
    const groups = [10, 20, 30, 40, 50].map((value) => ({ population: 1000, value, standardError: 1 }));
    const plus = slopeIndexOfInequality(groups, { confidence: 0.95 });
    const minus = slopeIndexOfInequality(groups, { confidence: 0.95, multiplier: -1 });
    assertClose(minus.value, -(plus.value as number), 1e-12, 'SII');
    assertClose(minus.lower, -(plus.upper as number), 1e-12, 'lower');
    assertClose(minus.rii.value, 1 / (plus.rii.value as number), 1e-12, 'RII');
    assertClose(minus.rii.lower, 1 / (plus.rii.upper as number), 1e-12, 'RII lower');
  });

  it('refuses what phe_sii refuses', () => {
    const groups = [0.1, 0.2, 0.3, 0.4, 0.5].map((value) => ({ population: 10, value, standardError: 0.1 }));
    assert.throws(() => slopeIndexOfInequality(groups, { confidence: 0.95, transform: true }), RangeError);
    assert.throws(
      () => slopeIndexOfInequality(groups, { confidence: 0.95, valueType: 'proportion', transform: true }),
      /lower and upper/,
    );
    assert.throws(() => slopeIndexOfInequality(groups, { confidence: 0.95, repetitions: 999 }), RangeError);
    assert.throws(() => slopeIndexOfInequality(groups, { confidence: 0.95, multiplier: 0 }), RangeError);
    const zero = groups.map((g, i) => (i === 0 ? { ...g, value: 0 } : g));
    assert.equal(
      slopeIndexOfInequality(zero, { confidence: 0.95, valueType: 'rate', repetitions: 1000 }).suppressed,
      'value-at-limit',
    );
  });
});
