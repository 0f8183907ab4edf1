// Delivers the outbox (referral notifications among others) in the background of the running app: several
// workers claim batches side by side (platform/outbox.ts startOutboxWorkers), as many as OUTBOX_WORKERS, so
// delivery keeps up with intake (issue 18). The demo uses the log adapter: it records that a message would go
// by phone, text, email or letter, without personal details. A deployment passes its gateway adapter instead.
import type { AnyDb } from '../../platform/db/database.ts';
import { type DeliveryAdapter, LogDeliveryAdapter, startOutboxWorkers } from '../../platform/outbox.ts';

type Log = {
  info(entry: Record<string, unknown>, message: string): void;
  warn(entry: Record<string, unknown>, message: string): void;
};

/** Starts the outbox workers until stopped. Returns `stop` for shutdown (each finishes the batch in hand). */
export function startNotificationDelivery(
  db: AnyDb,
  log: Log,
  {
    intervalMs = 1_000,
    workers = 4,
    batchSize = 50,
    adapter,
  }: { intervalMs?: number; workers?: number; batchSize?: number; adapter?: DeliveryAdapter } = {},
): { stop: () => Promise<void> } {
  const delivery = adapter ?? new LogDeliveryAdapter((entry, message) => log.info(entry, message));
  return startOutboxWorkers(db, delivery, {
    workers,
    batchSize,
    idleMs: intervalMs,
    onError: (error) => log.warn({ err: error.message }, 'outbox delivery failed; will retry'),
  });
}
