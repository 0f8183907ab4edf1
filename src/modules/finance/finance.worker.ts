// Worker-thread entry: runs a scenario (or solves a phasing problem) so the server's event loop stays free,
// posting progress as it goes and the output (or the error) at the end.
import { parentPort, workerData } from 'node:worker_threads';
import { DomainError } from '../../platform/errors.ts';
import { type PhasingProblem, solveMilp } from './finance.phasing.ts';
import { type RunOptions, runScenario } from './finance.run.ts';
import type { Assumption } from './finance.assumptions.ts';
import type { ModelInput } from './finance.model.ts';

export type WorkerJob =
  | { kind: 'run'; input: ModelInput; assumptions: Assumption[]; options: Omit<RunOptions, 'onProgress'> }
  | { kind: 'solve'; problem: PhasingProblem };
export type WorkerMessage =
  | { type: 'progress'; stage: string; share: number }
  | { type: 'done'; output: unknown }
  | { type: 'error'; message: string; status?: number; code?: string; fields?: { field: string; message: string }[] };

const job = workerData as WorkerJob;
const post = (m: WorkerMessage) => parentPort?.postMessage(m);
try {
  const output =
    job.kind === 'run'
      ? await runScenario(job.input, job.assumptions, {
          ...job.options,
          onProgress: (stage, share) => post({ type: 'progress', stage, share }),
        })
      : await solveMilp(job.problem);
  post({ type: 'done', output });
} catch (e) {
  if (e instanceof DomainError)
    post({ type: 'error', message: e.message, status: e.status, code: e.code, fields: e.fields });
  else post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
