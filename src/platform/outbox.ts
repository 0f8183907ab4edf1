// The outbox: messages written in the same transaction as the change they announce, delivered afterwards by
// a poller through an adapter (email/SMS/letter gateways in production; a log line in the demo). Delivery is
// at-least-once; a failing message is retried with a growing delay.
import { sql } from 'kysely';
import type { AnyDb } from './db/database.ts';

export type OutboxMessage = {
  systemId: string;
  topic: string;
  /** How it reaches the person or system: phone, text, email, letter, or a system name. */
  channel: string;
  payload: Record<string, unknown>;
};

export type PendingMessage = OutboxMessage & { id: number; attempts: number };

export interface DeliveryAdapter {
  deliver(message: PendingMessage): Promise<void>;
}

// `now` is set from the application's clock rather than the database default: deliverPending compares it with
// a JavaScript Date (millisecond precision), and a microsecond database now() could otherwise be a fraction
// of a millisecond "in the future" and the message missed on the first poll.
export async function enqueue(tx: AnyDb, message: OutboxMessage, { now = new Date() } = {}): Promise<void> {
  await tx
    .insertInto('outbox')
    .values({
      next_attempt_at: now,
      system_id: message.systemId,
      topic: message.topic,
      channel: message.channel,
      payload: sql`${JSON.stringify(message.payload)}::jsonb`,
    })
    .execute();
}

/** Delivers up to `limit` due messages; returns how many were delivered and how many failed. */
export async function deliverPending(
  db: AnyDb,
  adapter: DeliveryAdapter,
  { limit = 50, now = new Date() } = {},
): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  // Claim rows with SKIP LOCKED so several application servers can deliver side by side.
  const rows = await db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom('outbox')
      .selectAll()
      .where('delivered_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length) {
      await tx
        .updateTable('outbox')
        .set({ next_attempt_at: new Date(now.getTime() + 60_000) })
        .where(
          'id',
          'in',
          due.map((r) => r.id),
        )
        .execute();
    }
    return due;
  });
  for (const row of rows) {
    const message: PendingMessage = {
      id: Number(row.id),
      systemId: row.system_id,
      topic: row.topic,
      channel: row.channel,
      payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
      attempts: row.attempts,
    };
    try {
      await adapter.deliver(message);
      await db
        .updateTable('outbox')
        .set({ delivered_at: new Date(), attempts: row.attempts + 1 })
        .where('id', '=', row.id)
        .execute();
      delivered++;
    } catch (error) {
      const backoffMs = Math.min(3_600_000, 30_000 * 2 ** row.attempts);
      await db
        .updateTable('outbox')
        .set({
          attempts: row.attempts + 1,
          last_error: (error as Error).message.slice(0, 500),
          next_attempt_at: new Date(now.getTime() + backoffMs),
        })
        .where('id', '=', row.id)
        .execute();
      failed++;
    }
  }
  return { delivered, failed };
}

/** The demo's adapter: records that a message would be sent, without the person's details. */
export class LogDeliveryAdapter implements DeliveryAdapter {
  readonly sent: PendingMessage[] = [];
  readonly #log: (entry: Record<string, unknown>, message: string) => void;
  constructor(log: (entry: Record<string, unknown>, message: string) => void = () => {}) {
    this.#log = log;
  }
  async deliver(message: PendingMessage): Promise<void> {
    this.sent.push(message);
    this.#log(
      { outboxId: message.id, topic: message.topic, channel: message.channel },
      'notification delivered (log adapter)',
    );
  }
}
