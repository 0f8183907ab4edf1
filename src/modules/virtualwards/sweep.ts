// The missed-observation sweep runs in the background of the running app, so a patient whose observation has
// not arrived is escalated when it is missed, not when someone next opens the escalation worklist.
import type { Clock } from '../../platform/clock.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { repeatEvery } from '../../platform/repeat.ts';
import * as repo from './virtualwards.repository.ts';
import { raiseMissedObservations, rollVisitHorizon } from './virtualwards.service.ts';

type Log = { warn(entry: Record<string, unknown>, message: string): void };

/**
 * Raises the missed-observation escalations of every system with a patient on a virtual ward, and rolls each
 * admission's daily visits on the scheduling board forward to the end of the 7-day horizon. Idempotent.
 * Returns the escalations raised.
 */
export async function sweepMissedObservations(db: AnyDb, now: Date): Promise<number> {
  let raised = 0;
  for (const systemId of await repo.systemsWithActiveAdmissions(db)) {
    raised += await raiseMissedObservations(db, systemId, now);
    await rollVisitHorizon(db, systemId, now);
  }
  return raised;
}

/** Sweeps every `intervalMs` until stopped; one sweep at a time. Returns `stop` for shutdown. */
export function startMissedObservationSweep(
  db: AnyDb,
  clock: Clock,
  log: Log,
  { intervalMs = 60_000 }: { intervalMs?: number } = {},
): { stop: () => Promise<void> } {
  return repeatEvery(
    intervalMs,
    () => sweepMissedObservations(db, clock.now()),
    (error) => log.warn({ err: error.message }, 'missed-observation sweep failed; will retry'),
  );
}
