import { Worker } from 'node:worker_threads';
import { DomainError } from '../../platform/errors.ts';
import type { WorkerJob, WorkerMessage } from './finance.worker.ts';

/** Runs a job in a worker thread; progress is reported through the callback. */
export function inWorker<T>(job: WorkerJob, onProgress?: (stage: string, share: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./finance.worker.ts', import.meta.url), { workerData: job });
    let done = false;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.stage, m.share);
      else if (m.type === 'done') {
        done = true;
        resolve(m.output as T);
      } else {
        done = true;
        reject(
          m.status ? new DomainError(m.status, m.code ?? 'failed', m.message, m.fields ?? []) : new Error(m.message),
        );
      }
    });
    worker.once('error', (e) => {
      done = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`finance worker exited with code ${code} before finishing`));
    });
  });
}
