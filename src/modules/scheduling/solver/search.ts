import type { Inst } from './model.ts';
import type { Rng } from './rng.ts';
import type { Sol } from './solution.ts';

// Ruin & recreate moves of SISR (Christiaens & Vanden Berghe 2020, "Slack Induction by String Removals"):
// remove a few strings of consecutive visits from routes near a random seed visit, then re-insert every
// absent visit at its cheapest feasible position, skipping positions at random ("blinks") to diversify.

const C_BAR = 10; // average number of visits removed
const L_MAX = 10; // longest string removed
const BLINK = 0.01;
const SPLIT_RATE = 0.5;
const SPLIT_CONTINUE = 0.5;

export const ORDER_RANDOM = 0;
export const ORDER_DEMAND = 1;
export const ORDER_FAR = 2;
export const ORDER_CLOSE = 3;
export const ORDER_TIGHT = 4;
export const ORDER_ABSENCE = 5;

export class RuinRecreate {
  readonly I: Inst;
  readonly rng: Rng;
  /** Visits currently out of the solution being built. */
  pool: Int32Array;
  poolSize = 0;
  /** Vehicles the recreate step may use (the route-minimisation phase closes some). */
  readonly allowed: Uint8Array;
  /** How often each visit was left out (the "absence" counters of SISR's fleet minimisation). */
  readonly absence: Float64Array;
  private readonly stamp: Int32Array;
  private stampNow = 0;
  private readonly touched: Int32Array;
  private readonly key: Float64Array;
  bestK = -1;
  bestPos = -1;

  constructor(I: Inst, rng: Rng) {
    this.I = I;
    this.rng = rng;
    this.pool = new Int32Array(Math.max(1, I.n));
    this.allowed = new Uint8Array(I.m).fill(1);
    this.absence = new Float64Array(I.n);
    this.stamp = new Int32Array(I.m);
    this.touched = new Int32Array(I.m);
    this.key = new Float64Array(I.n);
  }

  /** Collects the visits that are not in any route into the pool. */
  collectAbsent(s: Sol): void {
    this.poolSize = 0;
    for (let u = 0; u < this.I.n; u++) if (s.routeOf[u] < 0) this.pool[this.poolSize++] = u;
  }

  ruin(s: Sol): void {
    const { I, rng } = this;
    const { n } = I;
    const assigned = s.assignedCount();
    if (assigned === 0) return;
    const lsMax = Math.min(L_MAX, assigned / s.vehicles());
    const ksMax = (4 * C_BAR) / (1 + lsMax) - 1;
    const ks = Math.floor(rng() * ksMax) + 1;
    let seed = Math.floor(rng() * n);
    for (let tries = 0; s.routeOf[seed] < 0; tries++) seed = tries < 20 ? Math.floor(rng() * n) : (seed + 1) % n;
    const stamp = ++this.stampNow;
    let nt = 0;
    const base = seed * n;
    for (let i = 0; i < n && nt < ks; i++) {
      const c = I.adj[base + i];
      const k = s.routeOf[c];
      if (k < 0 || this.stamp[k] === stamp) continue;
      this.stamp[k] = stamp;
      this.touched[nt++] = k;
      const L = s.len[k];
      const ltMax = Math.min(L, lsMax);
      const lt = Math.min(L, Math.floor(1 + rng() * ltMax));
      if (lt < L && rng() < SPLIT_RATE) this.removeSplitString(s, k, c, lt);
      else this.removeString(s, k, c, lt);
    }
    for (let i = 0; i < nt; i++) {
      const k = this.touched[i];
      s.compact(k);
      // Removing visits cannot break a route under the triangle inequality; a non-metric matrix can.
      if (!s.feasible(k)) {
        for (let j = 0; j < s.len[k]; j++) this.pool[this.poolSize++] = s.seq[k][j];
        s.removeRoute(k);
      }
    }
  }

  private removeString(s: Sol, k: number, c: number, l: number): void {
    const p = s.posOf[c];
    const L = s.len[k];
    const lo = Math.max(0, p - l + 1);
    const hi = Math.min(p, L - l);
    const i0 = lo + Math.floor(this.rng() * (hi - lo + 1));
    const seq = s.seq[k];
    for (let i = i0; i < i0 + l; i++) {
      s.routeOf[seq[i]] = -1;
      this.pool[this.poolSize++] = seq[i];
    }
  }

  // Removes l visits from a string of l+m around c, keeping m consecutive visits in the middle.
  private removeSplitString(s: Sol, k: number, c: number, l: number): void {
    const L = s.len[k];
    let m = 1;
    while (l + m < L && this.rng() < SPLIT_CONTINUE) m++;
    const total = l + m;
    const p = s.posOf[c];
    const lo = Math.max(0, p - total + 1);
    const hi = Math.min(p, L - total);
    const i0 = lo + Math.floor(this.rng() * (hi - lo + 1));
    const keepAt = i0 + Math.floor(this.rng() * (l + 1));
    const seq = s.seq[k];
    for (let i = i0; i < i0 + total; i++) {
      if (i >= keepAt && i < keepAt + m) continue;
      s.routeOf[seq[i]] = -1;
      this.pool[this.poolSize++] = seq[i];
    }
  }

  pickOrder(withAbsence: boolean): number {
    // Weights from SISR (random 4, demand 4, far 2, close 1) plus tight windows first, which helps VRPTW.
    const r = this.rng() * (withAbsence ? 16 : 13);
    if (r < 4) return ORDER_RANDOM;
    if (r < 8) return ORDER_DEMAND;
    if (r < 10) return ORDER_FAR;
    if (r < 11) return ORDER_CLOSE;
    if (r < 13) return ORDER_TIGHT;
    return ORDER_ABSENCE;
  }

  /** Sorts the pool: higher penalty first, then by the chosen order; ties stay shuffled. */
  sortPool(order: number): void {
    const { I, rng, key, pool } = this;
    const size = this.poolSize;
    for (let i = size - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    if (size < 2) return;
    for (let i = 0; i < size; i++) {
      const u = pool[i];
      let k = 0;
      if (order === ORDER_DEMAND) k = -I.demand[u];
      else if (order === ORDER_FAR) k = -I.depotCost[u];
      else if (order === ORDER_CLOSE) k = I.depotCost[u];
      else if (order === ORDER_TIGHT) k = I.due[u] - I.ready[u];
      else if (order === ORDER_ABSENCE) k = -this.absence[u];
      key[u] = k;
    }
    const arr = Array.from(pool.subarray(0, size));
    arr.sort((a, b) => I.penalty[b] - I.penalty[a] || key[a] - key[b]);
    pool.set(arr);
  }

  /**
   * Cheapest feasible insertion of u; non-empty routes first and an unused vehicle only when no used
   * route can take it (vehicles come before distance in the objective). Sets bestK/bestPos; returns cost.
   */
  findInsertion(s: Sol, u: number, blink: boolean, openNew: boolean): number {
    const { I, rng } = this;
    const { n, m, N, time, cost, ready, due, service, demand, capacity, compat, prefVehicle, moveCost } = I;
    const fwd = s.fwd;
    const bwd = s.bwd;
    const ru = ready[u];
    const du = due[u];
    const su = service[u];
    const uN = u * N;
    let best = Number.POSITIVE_INFINITY;
    this.bestK = -1;
    this.bestPos = -1;
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1 && (this.bestK >= 0 || !openNew || !I.vehiclesFirst)) break;
      for (let k = 0; k < m; k++) {
        const L = s.len[k];
        if (!this.allowed[k]) continue;
        // Vehicles first: used routes in pass 0, unused vehicles in pass 1. Otherwise all in one pass.
        if (I.vehiclesFirst ? (pass === 0) !== L > 0 : L === 0 && !openNew) continue;
        if (!compat[u * m + k] || s.load[k] + demand[u] > capacity[k]) continue;
        const extra = moveCost > 0 && prefVehicle[u] >= 0 && prefVehicle[u] !== k ? moveCost : 0;
        const seq = s.seq[k];
        const end = n + 2 * k + 1;
        let prev = end - 1;
        for (let p = 0; p <= L; p++) {
          const next = p < L ? seq[p] : end;
          const arr = fwd[prev] + service[prev] + time[prev * N + u];
          // Later positions start later still (metric travel times), so none of them can fit.
          if (arr > du) break;
          const st = Math.max(arr, ru);
          if (st + su + time[uN + next] <= bwd[next]) {
            const delta = cost[prev * N + u] + cost[uN + next] - cost[prev * N + next] + extra;
            if (delta < best && !(blink && rng() < BLINK)) {
              best = delta;
              this.bestK = k;
              this.bestPos = p;
            }
          }
          prev = next;
        }
      }
    }
    return best;
  }

  /**
   * Insertion of u that ejects one visit w with a lower absence counter (Nagata & Bräysy 2009's ejection,
   * limited to one visit): hard-to-place visits displace easy ones, which the absence-driven search then
   * re-inserts elsewhere. O(L²) per route using the forward/backward bookkeeping. Returns the ejected visit.
   */
  findEjection(s: Sol, u: number): number {
    const { I } = this;
    const { n, m, N, time, cost, ready, due, service, demand, capacity, compat } = I;
    const fwd = s.fwd;
    const bwd = s.bwd;
    const abs = this.absence;
    const au = abs[u];
    const ru = ready[u];
    const du = due[u];
    const su = service[u];
    const uN = u * N;
    let bestAbs = Number.POSITIVE_INFINITY;
    let bestDelta = Number.POSITIVE_INFINITY;
    let bestW = -1;
    let bestPrev = -1;
    let bestK = -1;
    for (let k = 0; k < m; k++) {
      const L = s.len[k];
      if (!this.allowed[k] || L === 0 || !compat[u * m + k]) continue;
      const seq = s.seq[k];
      const start = n + 2 * k;
      const end = start + 1;
      const room = capacity[k] - s.load[k] - demand[u];
      // Case A: u goes in at p, and w = seq[j] with j >= p is ejected.
      for (let p = 0; p < L; p++) {
        const prev = p === 0 ? start : seq[p - 1];
        const arr = fwd[prev] + service[prev] + time[prev * N + u];
        if (arr > du) break;
        let t = Math.max(arr, ru);
        let cur = u;
        const insDelta = cost[prev * N + u] + cost[uN + seq[p]] - cost[prev * N + seq[p]];
        for (let j = p; j < L; j++) {
          const w = seq[j];
          const nxt = j + 1 < L ? seq[j + 1] : end;
          if (abs[w] < au && demand[w] >= -room && abs[w] <= bestAbs) {
            if (t + service[cur] + time[cur * N + nxt] <= bwd[nxt]) {
              const before = j === p ? prev : seq[j - 1];
              const delta =
                j === p
                  ? cost[prev * N + u] + cost[uN + nxt] - cost[prev * N + w] - cost[w * N + nxt]
                  : insDelta + cost[before * N + nxt] - cost[before * N + w] - cost[w * N + nxt];
              if (abs[w] < bestAbs || delta < bestDelta) {
                bestAbs = abs[w];
                bestDelta = delta;
                bestW = w;
                bestPrev = prev;
                bestK = k;
              }
            }
          }
          const a = t + service[cur] + time[cur * N + w];
          t = Math.max(a, ready[w]);
          if (t > due[w]) break;
          cur = w;
        }
      }
      // Case B: w = seq[j] is ejected and u goes in later, after seq[p-1] with p >= j+2.
      for (let j = 0; j < L - 1; j++) {
        const w = seq[j];
        if (!(abs[w] < au) || demand[w] < -room || abs[w] > bestAbs) continue;
        const prev0 = j === 0 ? start : seq[j - 1];
        const skip = cost[prev0 * N + seq[j + 1]] - cost[prev0 * N + w] - cost[w * N + seq[j + 1]];
        let cur = prev0;
        let t = fwd[prev0];
        for (let p = j + 2; p <= L; p++) {
          const x = seq[p - 1];
          const a = t + service[cur] + time[cur * N + x];
          t = Math.max(a, ready[x]);
          if (t > due[x]) break;
          cur = x;
          const nxt = p < L ? seq[p] : end;
          const arr = t + service[cur] + time[cur * N + u];
          if (arr > du) break;
          const tu = Math.max(arr, ru);
          if (tu + su + time[uN + nxt] <= bwd[nxt]) {
            const delta = skip + cost[cur * N + u] + cost[uN + nxt] - cost[cur * N + nxt];
            if (abs[w] < bestAbs || delta < bestDelta) {
              bestAbs = abs[w];
              bestDelta = delta;
              bestW = w;
              bestPrev = cur;
              bestK = k;
            }
          }
        }
      }
    }
    if (bestW < 0) return -1;
    s.routeOf[bestW] = -1;
    s.compact(bestK);
    const pos = bestPrev >= n ? 0 : s.posOf[bestPrev] + 1;
    s.insert(u, bestK, pos);
    return bestW;
  }

  /**
   * Re-inserts the pool in order; what cannot be placed stays in the pool. With `eject`, a visit that does
   * not fit may displace one with a lower absence counter, which goes back to the end of the queue.
   */
  recreate(s: Sol, order: number, blink: boolean, openNew: boolean, eject = false): void {
    this.sortPool(order);
    let size = this.poolSize;
    let left = 0;
    let ejections = 0;
    const queue = eject ? Array.from(this.pool.subarray(0, size)) : null;
    for (let i = 0; i < size; i++) {
      const u = queue ? queue[i] : this.pool[i];
      this.findInsertion(s, u, blink, openNew);
      if (this.bestK >= 0) {
        s.insert(u, this.bestK, this.bestPos);
        continue;
      }
      if (queue && ejections < 2 * this.poolSize + 4) {
        const w = this.findEjection(s, u);
        if (w >= 0) {
          ejections++;
          queue.push(w);
          size++;
          continue;
        }
      }
      this.pool[left++] = u;
    }
    this.poolSize = left;
  }
}
