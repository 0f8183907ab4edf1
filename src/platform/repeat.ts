// Background work in the running app (outbox delivery, the missed-observation sweep): a task every
// `intervalMs`, never two at once, failures logged and retried on the next tick, and a stop that waits for the
// run in flight so shutdown does not cut it off.

/** Runs `task` every `intervalMs` until stopped; a tick while a run is in flight is skipped. */
export function repeatEvery(
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: (error: Error) => void,
): { stop: () => Promise<void> } {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = task()
      .catch((error: unknown) => onError(error as Error))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
