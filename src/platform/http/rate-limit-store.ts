// The rate limits' counters live in the database, so every app process behind one name counts the same
// requests: with the counters in each process's memory, two servers would allow twice the sign-in attempts
// and a third three times (issue 18, goal 4: the servers keep no state of their own). The window is the
// database's clock, which all the servers share. One statement per limited request; only sign-in and the
// public forms are limited. Implements @fastify/rate-limit's store contract (incr, read, child); the plugin's
// continueExceeding and exponentialBackoff options are not used here, so this store does not offer them.
import { sql } from 'kysely';
import type { AnyDb } from '../db/database.ts';

type Result = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Result) => void;

// Expired counters are deleted now and then, not on every request.
const SWEEP_EVERY = 200;

export function databaseRateLimitStore(db: AnyDb) {
  let sinceSweep = 0;
  const sweep = () => {
    if (++sinceSweep < SWEEP_EVERY) return;
    sinceSweep = 0;
    sql`delete from rate_limit_counters where window_ends < now()`.execute(db).catch(() => {});
  };
  return class DatabaseRateLimitStore {
    readonly prefix: string;
    constructor(_options: unknown, prefix = '') {
      this.prefix = prefix;
    }
    incr(key: string, cb: Callback, timeWindowMs: number): void {
      sweep();
      sql<Result>`
        insert into rate_limit_counters as c (key, hits, window_ends)
        values (${this.prefix + key}, 1, now() + ${timeWindowMs} * interval '1 millisecond')
        on conflict (key) do update set
          hits = case when c.window_ends <= now() then 1 else c.hits + 1 end,
          window_ends = case
            when c.window_ends <= now() then now() + ${timeWindowMs} * interval '1 millisecond'
            else c.window_ends end
        returning hits as current,
          greatest(0, ceil(extract(epoch from (window_ends - now())) * 1000))::int as ttl`
        .execute(db)
        .then(({ rows }) => cb(null, rows[0]), cb);
    }
    read(key: string, cb: Callback): void {
      sql<Result>`
        select hits as current, greatest(0, ceil(extract(epoch from (window_ends - now())) * 1000))::int as ttl
        from rate_limit_counters where key = ${this.prefix + key} and window_ends > now()`
        .execute(db)
        .then(({ rows }) => cb(null, rows[0] ?? { current: 0, ttl: 0 }), cb);
    }
    /** One store per limited route, its keys apart from the others'. */
    child(route: { routeInfo: { method?: string; url?: string } }): DatabaseRateLimitStore {
      return new DatabaseRateLimitStore(
        route,
        `${this.prefix}${route.routeInfo.method ?? ''} ${route.routeInfo.url ?? ''} `,
      );
    }
  };
}
