import { resolveMatrix } from './travel.ts';
import { DEFAULT_PENALTY, type Problem, type SolveOptions } from './types.ts';

// Internal, array-based form of a Problem. Nodes 0..n-1 are visits; vehicle k has start node n+2k and end
// node n+2k+1, so one N×N matrix covers everything and per-node arrays hold route bookkeeping.
export type Inst = {
  n: number;
  m: number;
  N: number;
  time: Float64Array;
  cost: Float64Array;
  dist: Float64Array;
  ready: Float64Array;
  due: Float64Array;
  service: Float64Array;
  demand: Float64Array;
  penalty: Float64Array;
  capacity: Float64Array;
  /** compat[u*m+k] = 1 when vehicle k may serve visit u (skills, lock, window inside shift). */
  compat: Uint8Array;
  /** Visits sorted by cost from each visit (itself first): neighbourhoods for the ruin step. */
  adj: Int32Array;
  /** Cost from the first vehicle's start, for "far/close to depot" orderings. */
  depotCost: Float64Array;
  prefVehicle: Int32Array;
  moveCost: number;
  /** Whether fewer vehicles is the second level of the objective (else only penalty, then cost). */
  vehiclesFirst: boolean;
  /** Mean cost between two visits: scales the annealing temperature to the instance. */
  scale: number;
  visitIds: string[];
  vehicleIds: string[];
  visitIndex: Map<string, number>;
  vehicleIndex: Map<string, number>;
};

export function compile(problem: Problem, options: SolveOptions = {}): Inst {
  const matrix = resolveMatrix(problem);
  const n = problem.visits.length;
  const m = problem.vehicles.length;
  const N = n + 2 * m;
  const size = matrix.size;
  const loc = new Int32Array(N);
  const ready = new Float64Array(N);
  const due = new Float64Array(N);
  const service = new Float64Array(N);
  const demand = new Float64Array(N);
  const penalty = new Float64Array(n);
  const capacity = new Float64Array(m);
  const visitIndex = new Map<string, number>();
  const vehicleIndex = new Map<string, number>();
  const skillBit = new Map<string, number>();
  const bitOf = (s: string) => {
    let b = skillBit.get(s);
    if (b === undefined) {
      b = skillBit.size;
      if (b >= 31) throw new Error('At most 31 distinct skills are supported');
      skillBit.set(s, b);
    }
    return 1 << b;
  };
  const checkLoc = (l: number, what: string) => {
    if (!Number.isInteger(l) || l < 0 || l >= size) throw new Error(`${what}: location ${l} is not in the matrix`);
    return l;
  };
  const vehSkills = new Int32Array(m);
  problem.vehicles.forEach((v, k) => {
    if (vehicleIndex.has(v.id)) throw new Error(`Duplicate vehicle id ${v.id}`);
    vehicleIndex.set(v.id, k);
    if (!(v.shift.end >= v.shift.start)) throw new Error(`Vehicle ${v.id}: shift ends before it starts`);
    for (const s of v.skills ?? []) vehSkills[k] |= bitOf(s);
    capacity[k] = v.capacity ?? Number.POSITIVE_INFINITY;
    const s = n + 2 * k;
    loc[s] = checkLoc(v.startLocation, `Vehicle ${v.id}`);
    loc[s + 1] = checkLoc(v.endLocation ?? v.startLocation, `Vehicle ${v.id}`);
    ready[s] = ready[s + 1] = v.shift.start;
    due[s] = due[s + 1] = v.shift.end;
  });
  const reqSkills = new Int32Array(n);
  const lock = new Int32Array(n).fill(-1);
  problem.visits.forEach((v, u) => {
    if (visitIndex.has(v.id)) throw new Error(`Duplicate visit id ${v.id}`);
    visitIndex.set(v.id, u);
    loc[u] = checkLoc(v.location, `Visit ${v.id}`);
    ready[u] = v.window?.start ?? Number.NEGATIVE_INFINITY;
    due[u] = v.window?.end ?? Number.POSITIVE_INFINITY;
    if (due[u] < ready[u]) throw new Error(`Visit ${v.id}: window ends before it starts`);
    service[u] = v.duration;
    demand[u] = v.demand ?? 0;
    penalty[u] = v.penalty ?? DEFAULT_PENALTY[v.priority ?? 'routine'];
    for (const s of v.skills ?? []) reqSkills[u] |= bitOf(s);
    if (v.lockedTo !== undefined) {
      const k = vehicleIndex.get(v.lockedTo);
      // A lock to an unknown vehicle makes the visit unservable rather than silently unlocked.
      lock[u] = k === undefined ? -2 : k;
    }
  });
  const tm = matrix.time;
  const dm = matrix.distance ?? matrix.time;
  const time = new Float64Array(N * N);
  const dist = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    const li = loc[i] * size;
    for (let j = 0; j < N; j++) {
      time[i * N + j] = tm[li + loc[j]];
      dist[i * N + j] = dm[li + loc[j]];
    }
  }
  const compat = new Uint8Array(n * m);
  for (let u = 0; u < n; u++) {
    for (let k = 0; k < m; k++) {
      const s = n + 2 * k;
      const ok =
        (reqSkills[u] & ~vehSkills[k]) === 0 &&
        (lock[u] === -1 || lock[u] === k) &&
        demand[u] <= capacity[k] &&
        // Reachable in time from the start and back by the shift end.
        Math.max(ready[u], ready[s] + time[s * N + u]) <= due[u] &&
        Math.max(ready[u], ready[s] + time[s * N + u]) + service[u] + time[u * N + s + 1] <= due[s + 1];
      compat[u * m + k] = ok ? 1 : 0;
    }
  }
  const adj = new Int32Array(n * n);
  const order = Array.from({ length: n }, (_, i) => i);
  let sum = 0;
  for (let u = 0; u < n; u++) {
    const row = dist.subarray(u * N, u * N + N);
    const sorted = order.slice().sort((a, b) => (a === u ? -1 : b === u ? 1 : row[a] - row[b] || a - b));
    adj.set(sorted, u * n);
    for (let v = 0; v < n; v++) sum += row[v];
  }
  const depotCost = new Float64Array(n);
  if (m > 0) for (let u = 0; u < n; u++) depotCost[u] = dist[n * N + u];
  const prefVehicle = new Int32Array(n).fill(-1);
  if (options.previousAssignment) {
    for (const [visitId, vehicleId] of Object.entries(options.previousAssignment)) {
      const u = visitIndex.get(visitId);
      const k = vehicleIndex.get(vehicleId);
      if (u !== undefined && k !== undefined) prefVehicle[u] = k;
    }
  }
  const scale = n > 1 ? sum / (n * (n - 1)) : 1;
  return {
    n,
    m,
    N,
    time,
    dist,
    cost: dist,
    ready,
    due,
    service,
    demand,
    penalty,
    capacity,
    compat,
    adj,
    depotCost,
    prefVehicle,
    moveCost: options.stabilityWeight ?? (options.previousAssignment ? scale : 0),
    vehiclesFirst: options.minimiseVehicles !== false,
    scale: scale > 0 ? scale : 1,
    visitIds: problem.visits.map((v) => v.id),
    vehicleIds: problem.vehicles.map((v) => v.id),
    visitIndex,
    vehicleIndex,
  };
}
