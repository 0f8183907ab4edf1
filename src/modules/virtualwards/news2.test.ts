import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  NEWS2_PARAMETERS,
  type Observation,
  scoreNews2,
  scorePulse,
  scoreRespirationRate,
  scoreSpo2Scale1,
  scoreSpo2Scale2,
  scoreSystolicBP,
  scoreTemperature,
} from './news2.ts';

// Each row: [value at the edge, expected part], both sides of every band edge of the RCP 2017 chart.
const EDGES: Record<string, [number, number][]> = {
  respirationRate: [
    [8, 3],
    [9, 1],
    [11, 1],
    [12, 0],
    [20, 0],
    [21, 2],
    [24, 2],
    [25, 3],
  ],
  spo2Scale1: [
    [91, 3],
    [92, 2],
    [93, 2],
    [94, 1],
    [95, 1],
    [96, 0],
    [100, 0],
  ],
  systolicBP: [
    [90, 3],
    [91, 2],
    [100, 2],
    [101, 1],
    [110, 1],
    [111, 0],
    [219, 0],
    [220, 3],
  ],
  pulse: [
    [40, 3],
    [41, 1],
    [50, 1],
    [51, 0],
    [90, 0],
    [91, 1],
    [110, 1],
    [111, 2],
    [130, 2],
    [131, 3],
  ],
  temperature: [
    [35.0, 3],
    [35.1, 1],
    [36.0, 1],
    [36.1, 0],
    [38.0, 0],
    [38.1, 1],
    [39.0, 1],
    [39.1, 2],
  ],
};

describe('NEWS2 (RCP 2017)', () => {
  test('every band edge of every parameter', () => {
    const fns: Record<string, (v: number) => number> = {
      respirationRate: scoreRespirationRate,
      spo2Scale1: scoreSpo2Scale1,
      systolicBP: scoreSystolicBP,
      pulse: scorePulse,
      temperature: scoreTemperature,
    };
    for (const [name, rows] of Object.entries(EDGES)) {
      for (const [value, expected] of rows) assert.equal(fns[name]?.(value), expected, `${name} ${value}`);
    }
  });

  test('SpO2 scale 2: low saturations as scale 1 shifted, high ones scored only on oxygen', () => {
    const onOxygen: [number, number][] = [
      [83, 3],
      [84, 2],
      [85, 2],
      [86, 1],
      [87, 1],
      [88, 0],
      [92, 0],
      [93, 1],
      [94, 1],
      [95, 2],
      [96, 2],
      [97, 3],
      [100, 3],
    ];
    for (const [v, e] of onOxygen) assert.equal(scoreSpo2Scale2(v, true), e, `on oxygen ${v}`);
    for (const v of [88, 93, 97, 100]) assert.equal(scoreSpo2Scale2(v, false), 0, `on air ${v}`);
    assert.equal(scoreSpo2Scale2(85, false), 2);
  });

  test('a full set: score, parts and the clinical risk bands', () => {
    const normal: Observation = {
      respirationRate: 16,
      spo2: 97,
      spo2Scale: 1,
      onOxygen: false,
      systolicBP: 130,
      pulse: 70,
      consciousness: 'A',
      temperature: 37,
    };
    assert.deepEqual({ score: scoreNews2(normal).score, risk: scoreNews2(normal).risk }, { score: 0, risk: 'low' });
    // 4 without any 3: low.
    assert.equal(scoreNews2({ ...normal, respirationRate: 22, onOxygen: true }).risk, 'low');
    // a single 3 (new confusion) with an aggregate of 3: low-medium.
    const confused = scoreNews2({ ...normal, consciousness: 'C' });
    assert.deepEqual([confused.score, confused.risk], [3, 'low-medium']);
    // 5 and 6: medium.
    assert.equal(scoreNews2({ ...normal, respirationRate: 22, onOxygen: true, pulse: 95 }).score, 5);
    assert.equal(scoreNews2({ ...normal, respirationRate: 22, onOxygen: true, pulse: 95 }).risk, 'medium');
    // 7: high.
    const high = scoreNews2({ ...normal, respirationRate: 25, onOxygen: true, systolicBP: 95 });
    assert.deepEqual([high.score, high.risk], [7, 'high']);
    assert.deepEqual(high.parameterScores, {
      respirationRate: 3,
      spo2: 0,
      airOrOxygen: 2,
      systolicBP: 2,
      pulse: 0,
      consciousness: 0,
      temperature: 0,
    });
  });

  test('a missing parameter is reported, not scored as 0, and the risk is what the rest already prove', () => {
    const partial = scoreNews2({ respirationRate: 26, pulse: 135, systolicBP: 130, consciousness: 'A' });
    assert.equal(partial.score, null);
    assert.equal(partial.complete, false);
    assert.deepEqual(partial.missing, ['spo2', 'airOrOxygen', 'temperature']);
    assert.equal(partial.partialScore, 6);
    assert.equal(partial.risk, 'medium');
    // scale 2 above 92% cannot be scored without knowing air or oxygen
    const unknown = scoreNews2({ spo2: 95, spo2Scale: 2 });
    assert.equal(unknown.parameterScores.spo2, null);
    assert.ok(unknown.missing.includes('spo2'));
  });

  const observation = fc.record({
    respirationRate: fc.integer({ min: 1, max: 80 }),
    spo2: fc.integer({ min: 50, max: 100 }),
    spo2Scale: fc.constantFrom(1 as const, 2 as const),
    onOxygen: fc.boolean(),
    systolicBP: fc.integer({ min: 40, max: 300 }),
    pulse: fc.integer({ min: 20, max: 250 }),
    consciousness: fc.constantFrom('A' as const, 'C' as const, 'V' as const, 'P' as const, 'U' as const),
    temperature: fc.integer({ min: 250, max: 440 }).map((t) => t / 10),
  });

  test('property: the score is the sum of the parts, and the risk follows the bands', () => {
    fc.assert(
      fc.property(observation, (o) => {
        const result = scoreNews2(o);
        const parts = NEWS2_PARAMETERS.map((p) => result.parameterScores[p] as number);
        assert.equal(
          result.score,
          parts.reduce((a, b) => a + b, 0),
        );
        const expected =
          (result.score as number) >= 7
            ? 'high'
            : (result.score as number) >= 5
              ? 'medium'
              : parts.includes(3)
                ? 'low-medium'
                : 'low';
        assert.equal(result.risk, expected);
      }),
      { seed: 20261202, numRuns: 2000 },
    );
  });

  test('property: a worse value never lowers its part', () => {
    // "Worse" is further from the middle of the normal band, on either side.
    const checks: [(v: number) => number, number, number, number][] = [
      [scoreRespirationRate, 16, 1, 80],
      [scoreSpo2Scale1, 100, 50, 100],
      [scoreSystolicBP, 150, 40, 300],
      [scorePulse, 70, 20, 250],
      [scoreTemperature, 37, 25, 44],
      [(v) => scoreSpo2Scale2(v, true), 90, 50, 100],
    ];
    for (const [fn, middle, min, max] of checks) {
      fc.assert(
        fc.property(fc.double({ min, max, noNaN: true }), fc.double({ min, max, noNaN: true }), (a, b) => {
          const [near, far] = Math.abs(a - middle) <= Math.abs(b - middle) ? [a, b] : [b, a];
          if (Math.sign(near - middle) !== Math.sign(far - middle) && near !== middle) return;
          const round = (v: number) => (fn === scoreTemperature ? v : Math.round(v));
          assert.ok(fn(round(far)) >= fn(round(near)), `${fn.name}: ${far} scored below ${near}`);
        }),
        { seed: 7, numRuns: 1000 },
      );
    }
  });
});
