// The outbox: messages written in the same transaction as the change they announce, delivered afterwards by
// workers through an adapter (email/SMS/letter gateways in production; a log line in the demo). A failing
// message is retried with a growing delay.
//
// Several workers (in one process or in several servers) deliver side by side (issue 18): each claims a batch
// with FOR UPDATE SKIP LOCKED and, in the same short transaction, hides it from the others for a lease
// (`leaseMs`), then delivers it outside any transaction and marks each message delivered as it goes. A worker
// that dies mid-batch (killed, crashed, its server gone) leaves its undelivered messages to reappear when the
// lease runs out, so none is lost; a message marked delivered is never claimed again, so none is delivered
// twice by us. The one window left is a death after the gateway took a message and before it was marked: the
// adapter gets the message's id to pass to the gateway as its idempotency key.
import { sql } from 'kysely';
import { type AnyDb, writeLater } from './db/database.ts';

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
  await writeLater(
    tx,
    tx.insertInto('outbox').values({
      next_attempt_at: now,
      system_id: message.systemId,
      topic: message.topic,
      channel: message.channel,
      payload: sql`${JSON.stringify(message.payload)}::jsonb`,
    }),
  );
}

/** Delivers up to `limit` due messages; returns how many were delivered and how many failed. */
export async function deliverPending(
  db: AnyDb,
  adapter: DeliveryAdapter,
  { limit = 50, now = new Date(), leaseMs = 60_000 } = {},
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
        .set({ next_attempt_at: new Date(now.getTime() + leaseMs) })
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
        .where('delivered_at', 'is', null)
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

/** The backlog gauge (issue 18): how many messages wait to be delivered, and how long the oldest has waited. */
export async function outboxBacklog(
  db: AnyDb,
  now = new Date(),
): Promise<{ waiting: number; oldestWaitingSeconds: number }> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('delivered_at', 'is', null)
    .executeTakeFirstOrThrow();
  const oldest = row.oldest ? new Date(row.oldest as string | Date).getTime() : null;
  return {
    waiting: Number(row.n),
    oldestWaitingSeconds: oldest === null ? 0 : Math.max(0, Math.round((now.getTime() - oldest) / 1000)),
  };
}

export type OutboxWorkerOptions = {
  /** How many workers deliver side by side in this process (OUTBOX_WORKERS). */
  workers?: number;
  /** How many messages a worker claims at once (OUTBOX_BATCH_SIZE). */
  batchSize?: number;
  /** How long a worker waits when it found nothing to deliver. */
  idleMs?: number;
  /** How long claimed messages stay hidden from other workers: longer than a batch takes to deliver. */
  leaseMs?: number;
  onError?: (error: Error) => void;
};

/**
 * Starts `workers` delivery loops. A worker that claimed a full batch claims the next at once, so a backlog
 * drains at the adapter's pace rather than one batch per poll; an idle worker sleeps `idleMs`. `stop` lets
 * each finish the batch in hand.
 */
export function startOutboxWorkers(
  db: AnyDb,
  adapter: DeliveryAdapter,
  { workers = 4, batchSize = 50, idleMs = 1_000, leaseMs = 60_000, onError = () => {} }: OutboxWorkerOptions = {},
): { stop: () => Promise<void> } {
  let stopped = false;
  let wake: (() => void)[] = [];
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wake = wake.filter((w) => w !== done);
        resolve();
      }
      wake.push(done);
    });
  const loop = async () => {
    while (!stopped) {
      let full = false;
      try {
        const result = await deliverPending(db, adapter, { limit: batchSize, leaseMs, now: new Date() });
        full = result.delivered + result.failed >= batchSize;
      } catch (error) {
        onError(error as Error);
      }
      if (!full && !stopped) await sleep(idleMs);
    }
  };
  const running = Array.from({ length: Math.max(1, workers) }, loop);
  return {
    async stop() {
      stopped = true;
      for (const w of [...wake]) w();
      await Promise.all(running);
    },
  };
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
