import type { Inst } from './model.ts';

// A solution with per-node forward/backward time bookkeeping so that inserting a visit between two
// neighbours is checked in O(1): fwd = earliest service start given the route before it, bwd = latest
// service start that keeps the rest of the route feasible (Savelsbergh 1992; Vidal et al. 2013).
export class Sol {
  readonly I: Inst;
  readonly seq: Int32Array[];
  readonly len: Int32Array;
  readonly load: Float64Array;
  readonly rcost: Float64Array;
  readonly fwd: Float64Array;
  readonly bwd: Float64Array;
  readonly routeOf: Int32Array;
  readonly posOf: Int32Array;
  /** Load carried up to and including each visit (for tail exchanges). */
  readonly cumLoad: Float64Array;

  constructor(I: Inst) {
    this.I = I;
    this.seq = Array.from({ length: I.m }, () => new Int32Array(Math.max(1, I.n)));
    this.len = new Int32Array(I.m);
    this.load = new Float64Array(I.m);
    this.rcost = new Float64Array(I.m);
    this.fwd = new Float64Array(I.N);
    this.bwd = new Float64Array(I.N);
    this.routeOf = new Int32Array(I.n).fill(-1);
    this.posOf = new Int32Array(I.n).fill(-1);
    this.cumLoad = new Float64Array(I.n);
    for (let k = 0; k < I.m; k++) this.update(k);
  }

  copyFrom(o: Sol): void {
    for (let k = 0; k < this.I.m; k++) {
      const L = o.len[k];
      if (L > 0 || this.len[k] > 0) this.seq[k].set(o.seq[k].subarray(0, L));
    }
    this.len.set(o.len);
    this.load.set(o.load);
    this.rcost.set(o.rcost);
    this.fwd.set(o.fwd);
    this.bwd.set(o.bwd);
    this.routeOf.set(o.routeOf);
    this.posOf.set(o.posOf);
    this.cumLoad.set(o.cumLoad);
  }

  clone(): Sol {
    const s = new Sol(this.I);
    s.copyFrom(this);
    return s;
  }

  /** Recomputes the bookkeeping of route k in O(length). */
  update(k: number): void {
    const I = this.I;
    const { n, N, time, cost, ready, due, service, demand, prefVehicle, moveCost } = I;
    const s = this.seq[k];
    const L = this.len[k];
    const fwd = this.fwd;
    const bwd = this.bwd;
    const start = n + 2 * k;
    const end = start + 1;
    let prev = start;
    let t = ready[start];
    fwd[start] = t;
    let load = 0;
    let c = 0;
    for (let i = 0; i < L; i++) {
      const u = s[i];
      const arr = t + service[prev] + time[prev * N + u];
      t = Math.max(arr, ready[u]);
      fwd[u] = t;
      load += demand[u];
      this.cumLoad[u] = load;
      c += cost[prev * N + u];
      if (moveCost > 0 && prefVehicle[u] >= 0 && prefVehicle[u] !== k) c += moveCost;
      this.posOf[u] = i;
      this.routeOf[u] = k;
      prev = u;
    }
    fwd[end] = t + service[prev] + time[prev * N + end];
    if (L > 0) c += cost[prev * N + end];
    let lt = due[end];
    bwd[end] = lt;
    let next = end;
    for (let i = L - 1; i >= 0; i--) {
      const u = s[i];
      const x = lt - time[u * N + next] - service[u];
      lt = Math.min(x, due[u]);
      bwd[u] = lt;
      next = u;
    }
    const x = lt - time[start * N + next];
    bwd[start] = Math.min(x, due[start]);
    this.load[k] = load;
    this.rcost[k] = c;
  }

  /** True when every service start is within its window and the vehicle is back in time. */
  feasible(k: number): boolean {
    const { n, due, capacity } = this.I;
    if (this.load[k] > capacity[k]) return false;
    const s = this.seq[k];
    for (let i = 0; i < this.len[k]; i++) if (this.fwd[s[i]] > due[s[i]]) return false;
    const end = n + 2 * k + 1;
    return this.fwd[end] <= due[end];
  }

  insert(u: number, k: number, pos: number): void {
    const s = this.seq[k];
    const L = this.len[k];
    s.copyWithin(pos + 1, pos, L);
    s[pos] = u;
    this.len[k] = L + 1;
    this.update(k);
  }

  /** Removes every visit whose routeOf was set to -1 from route k, then updates it. */
  compact(k: number): void {
    const s = this.seq[k];
    let w = 0;
    for (let i = 0; i < this.len[k]; i++) {
      const u = s[i];
      if (this.routeOf[u] === k) s[w++] = u;
    }
    this.len[k] = w;
    this.update(k);
  }

  removeRoute(k: number): void {
    const s = this.seq[k];
    for (let i = 0; i < this.len[k]; i++) this.routeOf[s[i]] = -1;
    this.len[k] = 0;
    this.update(k);
  }

  vehicles(): number {
    let v = 0;
    for (let k = 0; k < this.I.m; k++) if (this.len[k] > 0) v++;
    return v;
  }

  totalCost(): number {
    let c = 0;
    for (let k = 0; k < this.I.m; k++) c += this.rcost[k];
    return c;
  }

  unassignedPenalty(): number {
    let p = 0;
    for (let u = 0; u < this.I.n; u++) if (this.routeOf[u] < 0) p += this.I.penalty[u];
    return p;
  }

  assignedCount(): number {
    let c = 0;
    for (let k = 0; k < this.I.m; k++) c += this.len[k];
    return c;
  }
}

export type Score = { pen: number; veh: number; cost: number };

export function score(s: Sol): Score {
  return { pen: s.unassignedPenalty(), veh: s.vehicles(), cost: s.totalCost() };
}

const EPS = 1e-9;

/** Hierarchical comparison: unassigned penalty, then vehicles, then cost. Negative when a is better. */
export function compareScore(a: Score, b: Score): number {
  if (Math.abs(a.pen - b.pen) > EPS * Math.max(1, b.pen)) return a.pen - b.pen;
  if (a.veh !== b.veh) return a.veh - b.veh;
  if (Math.abs(a.cost - b.cost) > EPS * Math.max(1, b.cost)) return a.cost - b.cost;
  return 0;
}
