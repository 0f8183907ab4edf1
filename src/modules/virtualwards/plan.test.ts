import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scoreNews2 } from './news2.ts';
import { expectedMissing, PLAN_OBSERVATIONS, parsePlanObservations } from './plan.ts';

describe("the monitoring plan's observations", () => {
  test('reads arrays, one name or a comma list, in chart order without repeats', () => {
    assert.deepEqual(parsePlanObservations(['temperature', 'pulse', 'pulse']), {
      ok: true,
      observations: ['pulse', 'temperature'],
    });
    assert.deepEqual(parsePlanObservations('spo2'), { ok: true, observations: ['spo2'] });
    assert.deepEqual(parsePlanObservations(' pulse , respirationRate '), {
      ok: true,
      observations: ['respirationRate', 'pulse'],
    });
    assert.deepEqual(parsePlanObservations([...PLAN_OBSERVATIONS].reverse()), {
      ok: true,
      observations: [...PLAN_OBSERVATIONS],
    });
  });

  test('refuses none, unknown names and other types', () => {
    for (const bad of [[], '', ' , ', ['pulse', 'heartRate'], 7, [1], null]) {
      const r = parsePlanObservations(bad);
      assert.equal(r.ok, false, JSON.stringify(bad));
    }
    const r = parsePlanObservations(['pulse', 'heartRate']);
    assert.ok(!r.ok && /heartRate/.test(r.message));
  });

  test('only expected parameters are reported missing; NEWS2 still needs all seven', () => {
    const result = scoreNews2({ respirationRate: 16, pulse: 72 });
    assert.equal(result.score, null);
    assert.deepEqual(expectedMissing(result.missing, ['respirationRate', 'pulse']), []);
    assert.deepEqual(expectedMissing(result.missing, ['respirationRate', 'spo2', 'pulse']), ['spo2']);
  });
});
