import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repeatEvery } from './repeat.ts';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('never runs the task twice at once, reports failures, and stop waits for the run in flight', async () => {
  let inFlight = 0;
  let most = 0;
  let runs = 0;
  let finished = 0;
  const errors: string[] = [];
  const repeating = repeatEvery(
    5,
    async () => {
      runs++;
      inFlight++;
      most = Math.max(most, inFlight);
      await wait(30);
      inFlight--;
      finished++;
      if (runs === 1) throw new Error('first run fails');
    },
    (error) => errors.push(error.message),
  );
  await wait(100);
  await repeating.stop();
  const afterStop = runs;
  assert.equal(most, 1, 'one run at a time, though the interval is shorter than a run');
  assert.ok(runs >= 2, `it ran again after the failure (${runs} runs)`);
  assert.equal(finished, runs, 'stop waited for the run in flight');
  assert.deepEqual(errors, ['first run fails']);
  await wait(30);
  assert.equal(runs, afterStop, 'nothing runs after stop');
});
