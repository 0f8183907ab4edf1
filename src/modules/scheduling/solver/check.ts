import { resolveMatrix } from './travel.ts';
import type { Plan, Problem } from './types.ts';

// Independent feasibility checker: re-simulates every route from the problem and the plan alone,
// sharing nothing with the solver's bookkeeping, so tests can trust it as an oracle.
export type CheckResult = {
  feasible: boolean;
  errors: string[];
  distance: number;
  travelTime: number;
  vehicles: number;
};

const TOL = 1e-6;

export function checkPlan(problem: Problem, plan: Plan): CheckResult {
  const errors: string[] = [];
  const matrix = resolveMatrix(problem);
  const size = matrix.size;
  const tm = matrix.time;
  const dm = matrix.distance ?? matrix.time;
  const visits = new Map(problem.visits.map((v) => [v.id, v]));
  const vehicles = new Map(problem.vehicles.map((v) => [v.id, v]));
  const seen = new Set<string>();
  const usedVehicles = new Set<string>();
  let distance = 0;
  let travelTime = 0;
  for (const route of plan.routes) {
    const veh = vehicles.get(route.vehicleId);
    if (!veh) {
      errors.push(`route for unknown vehicle ${route.vehicleId}`);
      continue;
    }
    if (usedVehicles.has(veh.id)) errors.push(`vehicle ${veh.id} has more than one route`);
    usedVehicles.add(veh.id);
    const has = new Set(veh.skills ?? []);
    let here = veh.startLocation;
    let clock = veh.shift.start;
    if (route.departure < veh.shift.start - TOL) errors.push(`vehicle ${veh.id} leaves before its shift starts`);
    let load = 0;
    for (const pv of route.visits) {
      const v = visits.get(pv.visitId);
      if (!v) {
        errors.push(`unknown visit ${pv.visitId} on ${veh.id}`);
        continue;
      }
      if (seen.has(v.id)) errors.push(`visit ${v.id} is planned more than once`);
      seen.add(v.id);
      for (const s of v.skills ?? [])
        if (!has.has(s)) errors.push(`vehicle ${veh.id} lacks skill ${s} for visit ${v.id}`);
      if (v.lockedTo !== undefined && v.lockedTo !== veh.id)
        errors.push(`visit ${v.id} is locked to ${v.lockedTo}, planned on ${veh.id}`);
      const travel = tm[here * size + v.location];
      distance += dm[here * size + v.location];
      travelTime += travel;
      const arrive = clock + travel;
      const start = Math.max(arrive, v.window?.start ?? arrive);
      if (v.window && start > v.window.end + TOL) {
        errors.push(`visit ${v.id} on ${veh.id} starts at ${start}, after its window ends (${v.window.end})`);
      }
      if (Math.abs(pv.start - start) > TOL && pv.start < start - TOL) {
        errors.push(`visit ${v.id}: planned start ${pv.start} is earlier than possible (${start})`);
      }
      clock = start + v.duration;
      load += v.demand ?? 0;
      here = v.location;
    }
    const endLoc = veh.endLocation ?? veh.startLocation;
    distance += dm[here * size + endLoc];
    travelTime += tm[here * size + endLoc];
    const back = clock + tm[here * size + endLoc];
    if (back > veh.shift.end + TOL)
      errors.push(`vehicle ${veh.id} returns at ${back}, after its shift ends (${veh.shift.end})`);
    if (veh.capacity !== undefined && load > veh.capacity + TOL) {
      errors.push(`vehicle ${veh.id} carries ${load}, over its capacity ${veh.capacity}`);
    }
  }
  const unassigned = new Set(plan.unassigned);
  for (const id of plan.unassigned) if (seen.has(id)) errors.push(`visit ${id} is both planned and unassigned`);
  for (const v of problem.visits) if (!seen.has(v.id) && !unassigned.has(v.id)) errors.push(`visit ${v.id} is missing`);
  return { feasible: errors.length === 0, errors, distance, travelTime, vehicles: usedVehicles.size };
}
