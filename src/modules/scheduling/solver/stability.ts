import { compile } from './model.ts';
import { createRng } from './rng.ts';
import { RuinRecreate } from './search.ts';
import { Sol } from './solution.ts';
import { loadPlan, solve, toPlan } from './solve.ts';
import type { Plan, Problem, SolveOptions, Visit } from './types.ts';

// Mid-day changes: keep each clinician's day as it was unless the new visit cannot be placed otherwise.

function assignmentOf(plan: Plan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of plan.routes) for (const v of r.visits) out[v.visitId] = r.vehicleId;
  return out;
}

/**
 * Re-plans from a previous plan; moving a visit to another clinician costs `stabilityWeight` (default: the
 * mean travel cost between two visits) on the distance level of the objective. Vehicle minimisation is
 * off unless asked for, since emptying a clinician's day is a big change.
 */
export function replan(problem: Problem, previousPlan: Plan, options: SolveOptions = {}): Plan {
  return solve(problem, {
    minimiseVehicles: false,
    ...options,
    initial: previousPlan,
    previousAssignment: options.previousAssignment ?? assignmentOf(previousPlan),
  });
}

export type InsertOptions = { seed?: number; maxIterations?: number; timeLimitMs?: number; stabilityWeight?: number };

/**
 * Adds a visit to a plan: the cheapest feasible insertion that leaves every other visit where it is; only if
 * there is none, a short repair (re-plan with a strong preference for the previous clinicians).
 * The visit is added to the problem if it is not there yet.
 */
export function insertVisit(plan: Plan, problem: Problem, visit: Visit, options: InsertOptions = {}): Plan {
  const full = problem.visits.some((v) => v.id === visit.id)
    ? problem
    : { ...problem, visits: [...problem.visits, visit] };
  const I = compile(full);
  const s = new Sol(I);
  loadPlan(s, plan);
  const u = I.visitIndex.get(visit.id) ?? -1;
  if (u >= 0 && s.routeOf[u] < 0) {
    const rr = new RuinRecreate(I, createRng(options.seed ?? 1));
    rr.findInsertion(s, u, false, true);
    if (rr.bestK >= 0) s.insert(u, rr.bestK, rr.bestPos);
  }
  if (u < 0 || s.routeOf[u] >= 0) return toPlan(I, { best: s, iterations: 0, elapsedMs: 0, seed: options.seed ?? 1 });
  const kept = toPlan(I, { best: s, iterations: 0, elapsedMs: 0, seed: options.seed ?? 1 });
  return replan(full, kept, {
    seed: options.seed,
    maxIterations: options.maxIterations ?? (options.timeLimitMs === undefined ? 5000 : undefined),
    timeLimitMs: options.timeLimitMs,
    stabilityWeight: options.stabilityWeight ?? 10 * I.scale,
  });
}
