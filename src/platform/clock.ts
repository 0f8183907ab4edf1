// The one source of "now" for business time (due dates, breach status, today's visits, reporting periods).
// The app receives a Clock through AppDeps; routes read it once per request and pass `now` into the module
// services, which never read the system clock themselves. Tests fix it at known instants (a bank holiday,
// the BST change) so each asserts one outcome whatever the time of day they run.
//
//   const clock = fixedClock('2024-03-31T00:30:00Z');   // the hour before British Summer Time begins
//   clock.now();                                         // always that instant
//   const moving = steppingClock('2024-05-06T09:00:00Z'); moving.advance(60_000);

export interface Clock {
  now(): Date;
}

/** The real clock, for production. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock stopped at one instant (ISO 8601 with an offset or Z, or a Date). */
export function fixedClock(at: string | Date): Clock {
  const instant = toInstant(at);
  return { now: () => new Date(instant) };
}

/** A clock tests can move: starts at `at` and only changes when told to. */
export function steppingClock(at: string | Date): Clock & { advance(ms: number): void; set(at: string | Date): void } {
  let instant = toInstant(at);
  return {
    now: () => new Date(instant),
    advance(ms: number) {
      instant += ms;
    },
    set(next: string | Date) {
      instant = toInstant(next);
    },
  };
}

function toInstant(at: string | Date): number {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(ms)) throw new Error(`Not a valid instant: ${String(at)}`);
  return ms;
}
