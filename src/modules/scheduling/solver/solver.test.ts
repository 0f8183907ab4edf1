import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  checkPlan,
  haversineKm,
  insertVisit,
  type Plan,
  type Problem,
  parseSolomon,
  replan,
  solomonToProblem,
  solve,
  solveInWorker,
  type Vehicle,
  type Visit,
} from './index.ts';

// The Solomon instances are copied into the repository (data/benchmarks/solomon, with their README).
const SOLOMON = fileURLToPath(new URL('../../../../data/benchmarks/solomon/', import.meta.url));
const C101 = `${SOLOMON}c101.txt`;

function firstCustomers(text: string, count: number): Problem {
  const inst = parseSolomon(text);
  return solomonToProblem({ ...inst, customers: inst.customers.slice(0, count) });
}

function assertFeasible(problem: Problem, plan: Plan): void {
  const r = checkPlan(problem, plan);
  assert.deepEqual(r.errors, []);
  assert.ok(Math.abs(r.distance - plan.cost.distance) < 1e-6, 'reported distance matches the checker');
}

function assignment(plan: Plan): Map<string, string> {
  return new Map(plan.routes.flatMap((r) => r.visits.map((v) => [v.visitId, r.vehicleId] as const)));
}

// Small random instances on a 100×100 grid with skills, locks, capacity and priorities.
const arbProblem = fc
  .record({
    vehicles: fc.array(
      fc.record({
        skills: fc.subarray(['nurse', 'physio', 'prescriber']),
        start: fc.integer({ min: 0, max: 200 }),
        length: fc.integer({ min: 100, max: 600 }),
        depot: fc.integer({ min: 0, max: 2 }),
        capacity: fc.integer({ min: 1, max: 8 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    visits: fc.array(
      fc.record({
        x: fc.integer({ min: 0, max: 100 }),
        y: fc.integer({ min: 0, max: 100 }),
        start: fc.integer({ min: 0, max: 500 }),
        width: fc.integer({ min: 0, max: 300 }),
        duration: fc.integer({ min: 0, max: 60 }),
        skill: fc.constantFrom(undefined, 'nurse', 'physio', 'prescriber'),
        priority: fc.constantFrom('urgent', 'time-critical', 'routine'),
        demand: fc.integer({ min: 0, max: 3 }),
        lock: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 4 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
  })
  .map(({ vehicles, visits }): Problem => {
    const pts = [[20, 20], [80, 50], [50, 90], ...visits.map((v) => [v.x, v.y])];
    const size = pts.length;
    const time = new Float64Array(size * size);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) time[i * size + j] = Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]);
    }
    const vs: Vehicle[] = vehicles.map((v, k) => ({
      id: `c${k}`,
      skills: v.skills,
      shift: { start: v.start, end: v.start + v.length },
      startLocation: v.depot,
      endLocation: (v.depot + k) % 3,
      capacity: v.capacity,
    }));
    const js: Visit[] = visits.map((v, i) => ({
      id: `v${i}`,
      location: i + 3,
      window: { start: v.start, end: v.start + v.width },
      duration: v.duration,
      skills: v.skill ? [v.skill] : [],
      priority: v.priority as Visit['priority'],
      demand: v.demand,
      lockedTo: v.lock === null || v.lock >= vs.length ? undefined : `c${v.lock}`,
    }));
    return { matrix: { size, time }, vehicles: vs, visits: js };
  });

// Tries every position for an unassigned visit using only the independent checker.
function canInsertSomewhere(problem: Problem, plan: Plan, visitId: string): boolean {
  const vehiclesUsed = new Set(plan.routes.map((r) => r.vehicleId));
  const routes = [
    ...plan.routes,
    ...problem.vehicles
      .filter((v) => !vehiclesUsed.has(v.id))
      .map((v) => ({
        vehicleId: v.id,
        departure: v.shift.start,
        return: 0,
        visits: [],
        distance: 0,
        travelTime: 0,
        load: 0,
      })),
  ];
  for (let r = 0; r < routes.length; r++) {
    for (let p = 0; p <= routes[r].visits.length; p++) {
      const visits = [...routes[r].visits];
      visits.splice(p, 0, { visitId, arrival: 0, start: 0, end: 0 });
      const trial: Plan = {
        ...plan,
        routes: routes.map((x, i) => (i === r ? { ...x, visits } : x)),
        unassigned: plan.unassigned.filter((id) => id !== visitId),
      };
      if (checkPlan(problem, trial).feasible) return true;
    }
  }
  return false;
}

describe('Solomon parser', () => {
  it('reads the vehicle block and the customer table of c101', () => {
    const inst = parseSolomon(readFileSync(C101, 'utf8'));
    assert.equal(inst.name, 'C101');
    assert.equal(inst.vehicles, 25);
    assert.equal(inst.capacity, 200);
    assert.equal(inst.customers.length, 100);
    assert.deepEqual(inst.depot, { id: 0, x: 40, y: 50, demand: 0, ready: 0, due: 1236, service: 0 });
    assert.deepEqual(inst.customers[0], { id: 1, x: 45, y: 68, demand: 10, ready: 912, due: 967, service: 90 });
  });

  it('explains what is wrong with a malformed file', () => {
    assert.throws(() => parseSolomon('hello', 'f.txt'), /f\.txt: not a Solomon instance \(no VEHICLE section\)/);
    assert.throws(
      () => parseSolomon('X\nVEHICLE\nNUMBER CAPACITY\n 2 10\nCUSTOMER\n 0 1 2 3', 'f'),
      /line 6: expected 7 numbers/,
    );
    assert.throws(
      () => parseSolomon('X\nVEHICLE\nNUMBER CAPACITY\n 2 10\nCUSTOMER\n 0 0 0 0 0 9 0\n 1 1 1 1 5 4 1', 'f'),
      /due date before ready time/,
    );
  });

  it('uses Euclidean distances in double precision as travel times', () => {
    const p = firstCustomers(readFileSync(C101, 'utf8'), 3);
    assert.equal(p.matrix?.time[1], Math.hypot(45 - 40, 68 - 50));
  });
});

describe('solve', () => {
  it('solves the first 25 customers of c101 to a feasible 3-vehicle plan', () => {
    const problem = firstCustomers(readFileSync(C101, 'utf8'), 25);
    const plan = solve(problem, { maxIterations: 3000, seed: 1 });
    assertFeasible(problem, plan);
    assert.deepEqual(plan.unassigned, []);
    assert.equal(plan.cost.vehicles, 3);
    assert.ok(plan.cost.distance < 191.82, `distance ${plan.cost.distance}`); // optimum 191.81
  });

  it('is deterministic for a seed and an iteration limit', () => {
    const problem = firstCustomers(readFileSync(`${SOLOMON}r101.txt`, 'utf8'), 40);
    const a = solve(problem, { maxIterations: 1500, seed: 7 });
    const b = solve(problem, { maxIterations: 1500, seed: 7 });
    assert.deepEqual(
      a.routes.map((r) => r.visits.map((v) => v.visitId)),
      b.routes.map((r) => r.visits.map((v) => v.visitId)),
    );
    assert.equal(a.cost.distance, b.cost.distance);
  });

  it('keeps an urgent visit and drops a routine one when only one fits', () => {
    const time = new Float64Array([0, 10, 10, 10, 0, 1, 10, 1, 0]);
    const problem: Problem = {
      matrix: { size: 3, time },
      vehicles: [{ id: 'n1', shift: { start: 0, end: 100 }, startLocation: 0 }],
      visits: [
        { id: 'routine', location: 1, window: { start: 20, end: 30 }, duration: 40, priority: 'routine' },
        { id: 'urgent', location: 2, window: { start: 20, end: 30 }, duration: 40, priority: 'urgent' },
      ],
    };
    const plan = solve(problem, { maxIterations: 200, seed: 1 });
    assertFeasible(problem, plan);
    assert.deepEqual(plan.unassigned, ['routine']);
  });

  it('respects skills and locks', () => {
    const time = new Float64Array(16).fill(5);
    const problem: Problem = {
      matrix: { size: 4, time },
      vehicles: [
        { id: 'nurse', skills: ['nurse'], shift: { start: 0, end: 500 }, startLocation: 0 },
        { id: 'physio', skills: ['physio'], shift: { start: 0, end: 500 }, startLocation: 0 },
      ],
      visits: [
        { id: 'a', location: 1, duration: 10, skills: ['physio'] },
        { id: 'b', location: 2, duration: 10, lockedTo: 'nurse' },
        { id: 'c', location: 3, duration: 10, skills: ['prescriber'] },
      ],
    };
    const plan = solve(problem, { maxIterations: 300, seed: 3 });
    assertFeasible(problem, plan);
    const who = assignment(plan);
    assert.equal(who.get('a'), 'physio');
    assert.equal(who.get('b'), 'nurse');
    assert.deepEqual(plan.unassigned, ['c']);
  });

  it('returns feasible plans on random instances, leaving out only visits that cannot be inserted', () => {
    fc.assert(
      fc.property(arbProblem, fc.integer({ min: 0, max: 1000 }), (problem, seed) => {
        const plan = solve(problem, { maxIterations: 150, seed });
        assertFeasible(problem, plan);
        for (const id of plan.unassigned) assert.ok(!canInsertSomewhere(problem, plan, id), `${id} fits`);
      }),
      { numRuns: 120, seed: 42 },
    );
  });

  it('runs in a worker thread', async () => {
    const problem = firstCustomers(readFileSync(C101, 'utf8'), 25);
    const plan = await solveInWorker(problem, { maxIterations: 500, seed: 1 });
    assertFeasible(problem, plan);
  });
});

describe('insertVisit and replan', () => {
  const base = () => firstCustomers(readFileSync(`${SOLOMON}r201.txt`, 'utf8'), 30);

  it('keeps every other assignment and order when the new visit fits', () => {
    const full0 = firstCustomers(readFileSync(`${SOLOMON}r201.txt`, 'utf8'), 31);
    const problem = { ...full0, visits: full0.visits.slice(0, 30) };
    const plan = solve(problem, { maxIterations: 1000, seed: 1 });
    const visit: Visit = { id: 'new', location: 31, window: { start: 0, end: 1000 }, duration: 10, priority: 'urgent' };
    const after = insertVisit(plan, problem, visit);
    const full = { ...problem, visits: [...problem.visits, visit] };
    assertFeasible(full, after);
    assert.ok(assignment(after).has('new'));
    for (const r of plan.routes) {
      const now = after.routes.find((x) => x.vehicleId === r.vehicleId);
      assert.deepEqual(
        now?.visits.map((v) => v.visitId).filter((id) => id !== 'new'),
        r.visits.map((v) => v.visitId),
      );
    }
  });

  it('keeps other assignments (property)', () => {
    fc.assert(
      fc.property(arbProblem, (problem) => {
        const [extra, ...rest] = problem.visits;
        const smaller = { ...problem, visits: rest };
        const plan = solve(smaller, { maxIterations: 100, seed: 1 });
        const after = insertVisit(plan, problem, extra, { maxIterations: 200 });
        assertFeasible(problem, after);
        const before = assignment(plan);
        const now = assignment(after);
        if (now.has(extra.id) && [...before].every(([v, k]) => now.get(v) === k)) return;
        // Moving anything is only allowed when the new visit could not go in untouched.
        assert.ok(!canInsertSomewhere(problem, { ...plan, unassigned: [...plan.unassigned, extra.id] }, extra.id));
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('repairs the plan when the urgent visit does not fit as it stands', () => {
    const time = new Float64Array(16).fill(10);
    for (let i = 0; i < 4; i++) time[i * 4 + i] = 0;
    const problem: Problem = {
      matrix: { size: 4, time },
      vehicles: [{ id: 'a', shift: { start: 0, end: 300 }, startLocation: 0 }],
      visits: [
        { id: 'x', location: 1, window: { start: 10, end: 100 }, duration: 60 },
        { id: 'y', location: 2, window: { start: 10, end: 200 }, duration: 60 },
      ],
    };
    // x then y fill the morning; the urgent visit can only go first, which pushes x out of its window.
    const plan = solve(problem, { maxIterations: 200, seed: 1 });
    assert.deepEqual(plan.unassigned, []);
    const urgent: Visit = { id: 'u', location: 3, window: { start: 10, end: 20 }, duration: 100, priority: 'urgent' };
    const after = insertVisit(plan, problem, urgent);
    const full = { ...problem, visits: [...problem.visits, urgent] };
    assertFeasible(full, after);
    assert.ok(assignment(after).has('u'));
    assert.deepEqual(after.unassigned, ['x']);
  });

  it('replan prefers keeping visits with their clinician', () => {
    const problem = base();
    const plan = solve(problem, { maxIterations: 1000, seed: 1 });
    const again = replan(problem, plan, { maxIterations: 1000, seed: 99 });
    assertFeasible(problem, again);
    const before = assignment(plan);
    const now = assignment(again);
    const moved = [...before].filter(([v, k]) => now.get(v) !== k).length;
    assert.equal(moved, 0);
    assert.ok(again.cost.distance <= plan.cost.distance + 1e-9);
  });
});

describe('travel', () => {
  it('haversine distance between Camden and Islington town halls is about 2 km', () => {
    const d = haversineKm({ lat: 51.5296, lon: -0.1257 }, { lat: 51.5416, lon: -0.1027 });
    assert.ok(d > 1.5 && d < 2.5, String(d));
  });

  it('a problem with locations uses the default provider', () => {
    const problem: Problem = {
      locations: [
        { lat: 51.5296, lon: -0.1257 },
        { lat: 51.5416, lon: -0.1027 },
      ],
      vehicles: [{ id: 'n', shift: { start: 480, end: 1020 }, startLocation: 0 }],
      visits: [{ id: 'v', location: 1, window: { start: 540, end: 660 }, duration: 30, priority: 'urgent' }],
    };
    const plan = solve(problem, { maxIterations: 50 });
    assertFeasible(problem, plan);
    assert.equal(plan.unassigned.length, 0);
    assert.ok(plan.routes[0].travelTime > 5 && plan.routes[0].travelTime < 30);
  });
});
