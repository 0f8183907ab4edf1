// The entry point's contract that other tools rely on.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as stats from './index.ts';

describe('src/stats/index.ts', () => {
  it('exports proportion, rate and dsr returning numeric { value, lower, upper }', () => {
    const results = [
      stats.proportion(30, 100, { confidence: 0.95 }),
      stats.rate(100, 50_000, { multiplier: 100_000, confidence: 0.998 }),
      stats.dsr(
        stats.ESP2013_WEIGHTS.map((w) => ({ count: 10, population: 5000, standardPopulation: w })),
        { multiplier: 100_000, confidence: 0.95 },
      ),
    ];
    for (const r of results) {
      for (const key of ['value', 'lower', 'upper'] as const) assert.equal(typeof r[key], 'number');
    }
  });

  it('exports the other methods', () => {
    for (const name of [
      'isr',
      'isrFromTotals',
      'mean',
      'meanFromSummary',
      'sii',
      'slopeIndexOfInequality',
      'proportionFunnelLimits',
      'rateFunnelLimits',
      'ratioFunnelLimits',
      'compareWithBenchmark',
      'significance',
      'normalQuantile',
      'tQuantile',
      'chiSquareQuantile',
    ] as const) {
      assert.equal(typeof stats[name], 'function', name);
    }
  });
});
