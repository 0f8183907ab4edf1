import type { Inst } from './model.ts';
import type { Sol } from './solution.ts';

// 2-opt* (Potvin & Rousseau 1995): swap the tails of two routes. Ruin & recreate moves a few visits at a
// time and rarely reproduces such a long-segment exchange, which matters when routes are long (Solomon
// C2/R2). Each move is checked in O(1) with fwd/bwd and prefix loads, so a full pass is O(Σ La·Lb).

/** Pairs of vehicles that are interchangeable for a tail: same end, shift end, capacity and compatibility. */
export function interchangeable(I: Inst): Uint8Array {
  const { n, m, N, time, dist, due, capacity, compat } = I;
  const same = new Uint8Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let ok = due[n + 2 * a + 1] === due[n + 2 * b + 1] && capacity[a] === capacity[b];
      const ea = n + 2 * a + 1;
      const eb = n + 2 * b + 1;
      for (let x = 0; ok && x < N; x++) {
        ok = time[x * N + ea] === time[x * N + eb] && dist[x * N + ea] === dist[x * N + eb];
      }
      for (let u = 0; ok && u < n; u++) ok = compat[u * m + a] === compat[u * m + b];
      same[a * m + b] = ok ? 1 : 0;
    }
  }
  return same;
}

/** First-improvement 2-opt* descent. Returns true if the solution changed. */
export function twoOptStar(s: Sol, same: Uint8Array, allowed: Uint8Array): boolean {
  const I = s.I;
  if (I.moveCost > 0) return false; // tail swaps would need the stability cost per moved visit
  const { n, m, N, time, cost, service, capacity } = I;
  const fwd = s.fwd;
  const bwd = s.bwd;
  const cum = s.cumLoad;
  let changed = false;
  let improved = true;
  let guard = 0;
  while (improved && guard++ < 50) {
    improved = false;
    for (let ka = 0; ka < m && !improved; ka++) {
      const La = s.len[ka];
      if (La === 0 || !allowed[ka]) continue;
      for (let kb = ka + 1; kb < m && !improved; kb++) {
        const Lb = s.len[kb];
        if (Lb === 0 || !allowed[kb] || !same[ka * m + kb]) continue;
        const A = s.seq[ka];
        const B = s.seq[kb];
        const sA = n + 2 * ka;
        const sB = n + 2 * kb;
        const eA = sA + 1;
        const eB = sB + 1;
        const loadA = s.load[ka];
        const loadB = s.load[kb];
        for (let i = -1; i < La && !improved; i++) {
          const x = i >= 0 ? A[i] : sA;
          const na = i + 1 < La ? A[i + 1] : eA;
          const preA = i >= 0 ? cum[x] : 0;
          const dx = fwd[x] + service[x];
          for (let j = -1; j < Lb; j++) {
            const y = j >= 0 ? B[j] : sB;
            const nb = j + 1 < Lb ? B[j + 1] : eB;
            if (na === eA && nb === eB) continue;
            const preB = j >= 0 ? cum[y] : 0;
            if (preA + (loadB - preB) > capacity[ka] || preB + (loadA - preA) > capacity[kb]) continue;
            const toA = nb === eB ? eA : nb; // new successor of x in route A
            const toB = na === eA ? eB : na; // new successor of y in route B
            const delta = cost[x * N + toA] + cost[y * N + toB] - cost[x * N + na] - cost[y * N + nb];
            if (delta > -1e-9) continue;
            if (dx + time[x * N + toA] > bwd[toA === eA ? eA : toA]) continue;
            if (fwd[y] + service[y] + time[y * N + toB] > bwd[toB === eB ? eB : toB]) continue;
            // Apply: A = A[..i] + B[j+1..], B = B[..j] + A[i+1..].
            const tailA = A.slice(i + 1, La);
            const tailB = B.slice(j + 1, Lb);
            A.set(tailB, i + 1);
            B.set(tailA, j + 1);
            s.len[ka] = i + 1 + tailB.length;
            s.len[kb] = j + 1 + tailA.length;
            s.update(ka);
            s.update(kb);
            improved = true;
            changed = true;
            break;
          }
        }
      }
    }
  }
  return changed;
}
