// The daily visits a monitoring plan asks for, as slots on the scheduling board. Pure: no storage.
//
// A ward's visiting day runs 08:00 to 20:00 London time, split evenly between the visits a day (2 a day:
// 08:00–13:30 and 14:00–19:30 as the window for the start of a 30-minute visit). Visits are booked for today
// (the slots whose latest start is still ahead) and each of the next 6 days: a 7-day horizon. The plan has
// no planned length of stay, so the horizon is rolled forward each day by the background sweep (and at any
// plan change) rather than sized to the stay.
import { addDays, londonDate, londonDateTime } from '../../platform/london-time.ts';

export const VISIT_HORIZON_DAYS = 7;
export const VISITING_DAY = { start: 8 * 60, end: 20 * 60 } as const;
export const WARD_VISIT_MINUTES = 30;

export type VisitSlot = { day: string; slot: number; visitsPerDay: number; windowStart: string; windowEnd: string };

const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** The slots of one day for `visitsPerDay` visits: earliest and latest start of each, on the 24-hour clock. */
export function daySlots(visitsPerDay: number): { start: number; latest: number }[] {
  if (visitsPerDay <= 0) return [];
  const span = Math.floor((VISITING_DAY.end - VISITING_DAY.start) / visitsPerDay);
  return Array.from({ length: visitsPerDay }, (_, i) => {
    const start = VISITING_DAY.start + i * span;
    return { start, latest: start + span - WARD_VISIT_MINUTES };
  });
}

/** Every slot wanted from `now` to the end of the horizon; today's only if their latest start is ahead. */
export function wantedSlots(visitsPerDay: number, now: Date, horizonDays = VISIT_HORIZON_DAYS): VisitSlot[] {
  const today = londonDate(now);
  const t = londonDateTime(now);
  const minuteNow = t.hour * 60 + t.minute;
  const out: VisitSlot[] = [];
  for (let d = 0; d < horizonDays; d++) {
    const day = addDays(today, d);
    daySlots(visitsPerDay).forEach((s, slot) => {
      if (d === 0 && s.latest <= minuteNow) return;
      out.push({ day, slot, visitsPerDay, windowStart: clock(s.start), windowEnd: clock(s.latest) });
    });
  }
  return out;
}

export type BookedSlot = { visitId: string; day: string; slot: number; visitsPerDay: number };

/**
 * What to change on the board: slots wanted but not booked are booked; booked visits from today on that the
 * plan no longer wants (fewer visits a day, or a different split) are cancelled. Past days are left alone.
 */
export function reconcileSlots(
  booked: readonly BookedSlot[],
  wanted: readonly VisitSlot[],
  today: string,
): { book: VisitSlot[]; cancel: string[] } {
  const key = (s: { day: string; slot: number; visitsPerDay: number }) => `${s.day}/${s.slot}/${s.visitsPerDay}`;
  const wantedKeys = new Set(wanted.map(key));
  const bookedKeys = new Set(booked.map(key));
  return {
    book: wanted.filter((s) => !bookedKeys.has(key(s))),
    cancel: booked.filter((b) => b.day >= today && !wantedKeys.has(key(b))).map((b) => b.visitId),
  };
}

/** The board reference of an admission: `VW-` and the first 8 characters of its id, never a name. */
export function visitReference(admissionId: string): string {
  return `VW-${admissionId.slice(0, 8).toUpperCase()}`;
}
