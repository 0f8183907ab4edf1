// A separate outbox worker process for test/outbox-workers.int.test.ts: it claims one batch with a short
// lease, delivers a few messages (each a row in test_receipts), then stops inside the adapter holding the rest
// of the batch and says "holding" on stdout, so the test can SIGKILL it mid-batch.
import { sql } from 'kysely';
import { openPostgres } from '../../src/platform/db/database.ts';
import { deliverPending } from '../../src/platform/outbox.ts';

const url = process.env.OUTBOX_TEST_URL as string;
const schema = process.env.OUTBOX_TEST_SCHEMA as string;
const deliverBeforeHolding = Number(process.env.OUTBOX_TEST_DELIVER ?? 5);
const database = await openPostgres({ url, schema, poolSize: 2 });
setInterval(() => {}, 60_000); // keep the process alive while it holds the batch
let n = 0;
await deliverPending(
  database.db,
  {
    async deliver(message) {
      if (n++ === deliverBeforeHolding) {
        process.stdout.write('holding\n');
        await new Promise(() => {}); // never returns: the test kills this process here
      }
      await sql`insert into test_receipts (outbox_id, worker) values (${message.id}, 'child')`.execute(database.db);
    },
  },
  { limit: Number(process.env.OUTBOX_TEST_BATCH ?? 50), leaseMs: Number(process.env.OUTBOX_TEST_LEASE_MS ?? 3000) },
);
