// Visit-scheduling solver (VRPTW with skills, shifts, priorities, locks and droppable visits). Pure, no I/O.
//
//   import { checkPlan, insertVisit, solve, solveInWorker } from './modules/scheduling/solver/index.ts';
//   const problem = {
//     locations: [{ lat: 51.55, lon: -0.2 }, { lat: 51.56, lon: -0.1 }, { lat: 51.54, lon: -0.12 }],
//     vehicles: [{ id: 'nurse-1', skills: ['nurse'], shift: { start: 480, end: 1020 }, startLocation: 0 }],
//     visits: [{ id: 'v1', location: 1, window: { start: 540, end: 660 }, duration: 30, priority: 'urgent' }],
//   } satisfies Problem;                                     // times in minutes from midnight
//   const plan = solve(problem, { timeLimitMs: 2000, seed: 1 }); // or { maxIterations: 5000 } to be reproducible
//   checkPlan(problem, plan).feasible;                          // true
//   const next = insertVisit(plan, problem, { id: 'v2', location: 2, duration: 45, priority: 'urgent',
//     window: { start: 700, end: 820 } });                      // keeps everyone else's day when it can
//   const plan2 = await solveInWorker(problem, { timeLimitMs: 5000 }); // off the main thread

export { type CheckResult, checkPlan } from './check.ts';
export { type InsertOptions, insertVisit, replan } from './stability.ts';
export { parseSolomon, type SolomonInstance, solomonToProblem } from './solomon.ts';
export { solve } from './solve.ts';
export {
  DEFAULT_SPEED_BANDS,
  haversineKm,
  haversineProvider,
  resolveMatrix,
  type SpeedBand,
  speedAt,
  travelMinutes,
  withMatrix,
} from './travel.ts';
export * from './types.ts';
export { solveInWorker } from './worker-client.ts';
