import { Worker } from 'node:worker_threads';
import { withMatrix } from './travel.ts';
import type { Plan, Problem, SolveOptions } from './types.ts';

/** Runs solve() in a worker thread. The matrix is built here first because providers are not cloneable. */
export function solveInWorker(problem: Problem, options: SolveOptions = {}): Promise<Plan> {
  const data = { problem: withMatrix(problem), options };
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: data });
    let done = false;
    worker.once('message', (plan: Plan) => {
      done = true;
      resolve(plan);
    });
    worker.once('error', (e) => {
      done = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`solver worker exited with code ${code} before returning a plan`));
    });
  });
}
