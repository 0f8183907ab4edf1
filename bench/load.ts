// The shapes the load benchmarks share (bench/referrals.ts, bench/servers.ts): the referral each request
// submits, quantiles, statistics gathered as autovacuum would, and the open-loop driver.
import { sql } from 'kysely';
import { nhsNumberCheckDigit } from '../src/modules/access/index.ts';
import type { AnyDb } from '../src/platform/db/database.ts';

const POSTCODES = ['N19 5HX', 'NW5 2HX', 'N17 6RA', 'N9 0PZ', 'N12 0DR', 'NW1 8NH', 'EN1 1AA', 'N1 9GU'];
const COMPONENTS = [
  ['podiatry', '1948-03-04'],
  ['falls-prevention', '1940-07-21'],
  ['district-nursing', '1951-11-30'],
  ['physiotherapy-and-msk', '1979-05-15'],
  ['social-prescribing', '1990-01-09'],
  ['nhs-talking-therapies', '1996-08-18'],
] as const;

export function nhs(n: number): string {
  for (let b = n; ; b++) {
    const nine = `97${String(b).padStart(7, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

export function body(i: number) {
  const [component, birthDate] = COMPONENTS[i % COMPONENTS.length];
  return {
    person: {
      nhsNumber: nhs(i * 3),
      givenName: 'Bench',
      familyName: `Person ${i}`,
      birthDate,
      postcode: POSTCODES[i % POSTCODES.length],
      gpPractice: 'F83004',
    },
    component,
    urgency: 'routine',
    reason: 'Load test referral',
    source: 'professional',
    communication: { preferredContact: 'phone', interpreter: false, bsl: false },
  };
}

export function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** ANALYZE every table of the schema (this machine's PostgreSQL has autovacuum off; production's gathers them). */
export async function analyzeSchema(db: AnyDb, schema = 'public') {
  const tables = await sql<{ t: string }>`select tablename as t from pg_tables where schemaname = ${schema}`.execute(
    db,
  );
  for (const { t } of tables.rows) await sql`analyze ${sql.id(schema, t)}`.execute(db);
}

/**
 * Open-loop load: starts `send(n)` at `rate` a second for `duration` seconds whatever the answers' speed, with
 * at most `concurrency` in flight; a call that cannot start is counted as shed rather than queued, so a slow
 * server shows as latency and shedding, not as a quietly lower offered rate. A call that rejects counts as an
 * error. Resolves when every call has settled; `sendingEnded` is when the last one was started.
 */
export async function openLoop(
  { rate, duration, concurrency }: { rate: number; duration: number; concurrency: number },
  send: (n: number) => Promise<void>,
): Promise<{ shed: number; errors: number; sendingEnded: number }> {
  let inFlight = 0;
  let shed = 0;
  let errors = 0;
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  const total = Math.round(rate * duration);
  for (let n = 0; n < total; n++) {
    const wait = start + (n * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= concurrency) {
      shed++;
      continue;
    }
    inFlight++;
    const p: Promise<void> = send(n)
      .catch(() => {
        errors++;
      })
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  }
  const sendingEnded = performance.now();
  await Promise.all([...pending]);
  return { shed, errors, sendingEnded };
}
