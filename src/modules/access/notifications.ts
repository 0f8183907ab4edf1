// Delivers the outbox (referral notifications among others) in the background of the running app. The demo
// uses the log adapter: it records that a message would go by phone, text, email or letter, without
// personal details. A deployment passes its gateway adapter instead.
import type { AnyDb } from '../../platform/db/database.ts';
import { type DeliveryAdapter, deliverPending, LogDeliveryAdapter } from '../../platform/outbox.ts';
import { repeatEvery } from '../../platform/repeat.ts';

type Log = {
  info(entry: Record<string, unknown>, message: string): void;
  warn(entry: Record<string, unknown>, message: string): void;
};

/** Polls the outbox every `intervalMs` until stopped; one poll at a time. Returns `stop` for shutdown. */
export function startNotificationDelivery(
  db: AnyDb,
  log: Log,
  { intervalMs = 5_000, adapter }: { intervalMs?: number; adapter?: DeliveryAdapter } = {},
): { stop: () => Promise<void> } {
  const delivery = adapter ?? new LogDeliveryAdapter((entry, message) => log.info(entry, message));
  return repeatEvery(
    intervalMs,
    () => deliverPending(db, delivery),
    (error) => log.warn({ err: error.message }, 'outbox delivery failed; will retry'),
  );
}
