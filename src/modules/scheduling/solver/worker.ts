// Worker-thread entry: solves the posted problem so the caller's event loop stays free.
import { parentPort, workerData } from 'node:worker_threads';
import { solve } from './solve.ts';
import type { Problem, SolveOptions } from './types.ts';

const { problem, options } = workerData as { problem: Problem; options: SolveOptions };
parentPort?.postMessage(solve(problem, options));
