// Idempotent commands: the same Idempotency-Key from the same caller gives the same answer and changes
// nothing the second time. The key row is inserted first in the command's own transaction: a concurrent
// retry waits on the unique key, then finds the stored answer.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from './auth/roles.ts';
import { type AnyDb, inTransaction, writeLater } from './db/database.ts';
import { DomainError } from './errors.ts';

export type CommandResult<T> = { status: number; body: T };

export function requestHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

const KEY = /^[A-Za-z0-9_\-:.]{1,200}$/;

export async function withIdempotency<T>(
  db: AnyDb,
  actor: Actor,
  idempotency: { key: string | undefined; route: string; request: unknown },
  command: (tx: AnyDb) => Promise<CommandResult<T>>,
): Promise<CommandResult<T> & { replayed: boolean }> {
  const { key, route } = idempotency;
  if (key === undefined) return { ...(await inTransaction(db, command)), replayed: false };
  if (!KEY.test(key)) {
    throw new DomainError(
      400,
      'invalid_idempotency_key',
      'Idempotency-Key must be 1 to 200 letters, digits, - _ : or .',
      [{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 200 letters, digits, - _ : or .' }],
    );
  }
  const hash = requestHash(idempotency.request);
  return inTransaction(db, async (tx) => {
    const inserted = await tx
      .insertInto('idempotency_keys')
      .values({ system_id: actor.systemId, actor_id: actor.id, key, route, request_hash: hash })
      .onConflict((oc) => oc.columns(['system_id', 'actor_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!inserted) {
      const stored = await tx
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('system_id', '=', actor.systemId)
        .where('actor_id', '=', actor.id)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (stored.route !== route || stored.request_hash !== hash) {
        throw new DomainError(
          422,
          'idempotency_key_reused',
          'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
        );
      }
      const body = typeof stored.response_body === 'string' ? JSON.parse(stored.response_body) : stored.response_body;
      return { status: stored.response_status as number, body: body as T, replayed: true };
    }
    const result = await command(tx);
    // The answer goes with the commit, in one round trip on PostgreSQL (write-behind.ts).
    await writeLater(
      tx,
      tx
        .updateTable('idempotency_keys')
        .set({ response_status: result.status, response_body: sql`${JSON.stringify(result.body)}::jsonb` })
        .where('system_id', '=', actor.systemId)
        .where('actor_id', '=', actor.id)
        .where('key', '=', key),
    );
    return { ...result, replayed: false };
  });
}
