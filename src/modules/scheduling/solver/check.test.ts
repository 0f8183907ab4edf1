import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPlan, type Plan, type Problem, solve, solveInWorker } from './index.ts';

// A line of 4 places 10 apart; one nurse and one physio with capacity 2.
const time = new Float64Array(16);
for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) time[i * 4 + j] = 10 * Math.abs(i - j);
const problem: Problem = {
  matrix: { size: 4, time },
  vehicles: [
    { id: 'nurse', skills: ['nurse'], shift: { start: 0, end: 200 }, startLocation: 0, capacity: 2 },
    { id: 'physio', skills: ['physio'], shift: { start: 0, end: 200 }, startLocation: 0, capacity: 2 },
  ],
  visits: [
    { id: 'a', location: 1, window: { start: 0, end: 30 }, duration: 10, demand: 1 },
    { id: 'b', location: 2, window: { start: 0, end: 100 }, duration: 10, demand: 1, skills: ['nurse'] },
    { id: 'c', location: 3, window: { start: 0, end: 150 }, duration: 10, demand: 1, lockedTo: 'physio' },
  ],
};

function plan(routes: Record<string, string[]>, unassigned: string[] = []): Plan {
  return {
    routes: Object.entries(routes).map(([vehicleId, ids]) => ({
      vehicleId,
      departure: 0,
      return: 0,
      // Reported times later than possible are allowed (waiting), so these never trip the time check.
      visits: ids.map((visitId) => ({ visitId, arrival: 1e9, start: 1e9, end: 1e9 })),
      distance: 0,
      travelTime: 0,
      load: 0,
    })),
    unassigned,
    cost: { unassignedPenalty: 0, vehicles: 0, distance: 0, travelTime: 0 },
    stats: { iterations: 0, elapsedMs: 0, seed: 0 },
  };
}

describe('checkPlan (the oracle itself)', () => {
  it('accepts a feasible plan and recomputes its distance', () => {
    const r = checkPlan(problem, plan({ nurse: ['a', 'b'], physio: ['c'] }));
    assert.deepEqual(r.errors, []);
    assert.equal(r.distance, 20 + 20 + 60);
  });

  it('finds each kind of violation', () => {
    const cases: [Plan, RegExp][] = [
      [plan({ nurse: ['a', 'b', 'a'], physio: ['c'] }), /planned more than once/],
      [plan({ nurse: ['b'], physio: ['c'] }), /visit a is missing/],
      [plan({ nurse: ['a', 'b'], physio: ['c'] }, ['a']), /both planned and unassigned/],
      [plan({ physio: ['a', 'b', 'c'] }), /lacks skill nurse/],
      [plan({ nurse: ['a', 'b', 'c'] }), /locked to physio/],
      [
        {
          ...plan({ nurse: ['a', 'b'], physio: ['c'] }),
          routes: [
            { ...plan({ nurse: ['a'] }).routes[0], visits: [{ visitId: 'a', arrival: 0, start: 0, end: 10 }] },
            ...plan({ nurse: ['b'], physio: ['c'] }).routes.slice(1),
          ],
        },
        /earlier than possible/,
      ],
      [plan({ nurse: ['b', 'a'], physio: ['c'] }), /after its window ends/],
      [plan({ nurse: ['a', 'b'], physio: ['c'], ghost: [] }), /unknown vehicle ghost/],
    ];
    for (const [p, re] of cases) assert.match(checkPlan(problem, p).errors.join('\n'), re);
    const tight: Problem = {
      ...problem,
      vehicles: problem.vehicles.map((v) => ({ ...v, capacity: 1, shift: { start: 0, end: 45 } })),
    };
    const errors = checkPlan(tight, plan({ nurse: ['a', 'b'], physio: ['c'] })).errors.join('\n');
    assert.match(errors, /over its capacity/);
    assert.match(errors, /after its shift ends/);
  });
});

describe('time limits and worker threads', () => {
  it('returns the best plan so far when the time limit runs out', () => {
    const t0 = performance.now();
    const p = solve(problem, { timeLimitMs: 150, seed: 1 });
    assert.ok(performance.now() - t0 < 1000);
    assert.deepEqual(checkPlan(problem, p).errors, []);
    assert.deepEqual(p.unassigned, []);
  });

  it('keeps the caller’s event loop free while solving in a worker', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const p = await solveInWorker(problem, { timeLimitMs: 300, seed: 1 });
    clearInterval(timer);
    assert.ok(ticks >= 10, `only ${ticks} ticks`);
    assert.deepEqual(checkPlan(problem, p).errors, []);
  });
});
