import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createWorkingCalendar, ENGLAND_AND_WALES, OutsideCalendarError } from './bank-holidays.ts';
import {
  addCalendarDuration,
  breachStatus,
  ClockError,
  dueAt,
  firstContactDue,
  timeLeft,
  workingDayZero,
} from './clock.ts';
import { addDays, isoWeekday, londonDate, londonDateTime, londonInstant } from '../../platform/london-time.ts';

const due = (start: string, duration: string, clock: 'calendar' | 'working-days') =>
  dueAt(start, duration, clock).toISOString();
const HOUR = 3_600_000;

describe('calendar clock', () => {
  it('counts PT2H as two elapsed hours, across midnight', () => {
    assert.equal(due('2025-01-10T23:30:00Z', 'PT2H', 'calendar'), '2025-01-11T01:30:00.000Z');
    assert.equal(due('2025-07-10T23:30:00+01:00', 'PT2H', 'calendar'), '2025-07-11T00:30:00.000Z');
  });

  it('counts PT2H as two elapsed hours across both clock changes', () => {
    // 00:30 GMT on 30 March 2025 + 2 hours = 03:30 BST (02:30 UTC), not 02:30 on the wall clock.
    assert.equal(due('2025-03-30T00:30:00Z', 'PT2H', 'calendar'), '2025-03-30T02:30:00.000Z');
    // 00:30 BST on 26 October 2025 + 2 hours = 01:30 GMT (01:30 UTC): the wall clock shows only one hour later.
    assert.equal(due('2025-10-25T23:30:00Z', 'PT2H', 'calendar'), '2025-10-26T01:30:00.000Z');
    const l = londonDateTime('2025-10-26T01:30:00Z');
    assert.deepEqual([l.hour, l.minute], [1, 30]);
  });

  it('keeps the wall-clock time for days across the spring change (23 elapsed hours)', () => {
    const start = londonInstant('2025-03-29', '10:00');
    const end = dueAt(start, 'P1D', 'calendar');
    assert.equal(end.toISOString(), londonInstant('2025-03-30', '10:00').toISOString());
    assert.equal(end.getTime() - start.getTime(), 23 * HOUR);
  });

  it('keeps the wall-clock time for days across the autumn change (25 elapsed hours)', () => {
    const start = londonInstant('2025-10-25', '10:00');
    const end = dueAt(start, 'P1D', 'calendar');
    assert.equal(end.toISOString(), '2025-10-26T10:00:00.000Z');
    assert.equal(end.getTime() - start.getTime(), 25 * HOUR);
    assert.equal(due('2026-10-20T09:00:00Z', 'P1W', 'calendar'), '2026-10-27T10:00:00.000Z');
  });

  it('moves a due time that lands in the skipped hour forward, and takes the first of a repeated hour', () => {
    // 01:30 on 29 March + 1 day = 01:30 on 30 March, which does not exist: 02:30 BST.
    assert.equal(due('2025-03-29T01:30:00Z', 'P1D', 'calendar'), '2025-03-30T01:30:00.000Z');
    // 01:30 BST on 25 October + 1 day = 01:30 on 26 October, which happens twice: the first (BST).
    assert.equal(due('2025-10-25T00:30:00Z', 'P1D', 'calendar'), '2025-10-26T00:30:00.000Z');
  });

  it('adds the date part, then the time part', () => {
    // 10:00 GMT on 29 March + 1 day = 10:00 BST on 30 March, then 12 elapsed hours.
    assert.equal(due('2025-03-29T10:00:00Z', 'P1DT12H', 'calendar'), '2025-03-30T21:00:00.000Z');
    assert.equal(due('2025-01-06T09:00:00Z', 'P18W', 'calendar'), '2025-05-12T08:00:00.000Z');
  });

  it('keeps the day of the month for months, or the last day of a shorter month', () => {
    assert.equal(due('2025-01-31T09:00:00Z', 'P1M', 'calendar'), '2025-02-28T09:00:00.000Z');
    assert.equal(due('2028-01-31T09:00:00Z', 'P1M', 'calendar'), '2028-02-29T09:00:00.000Z');
    assert.equal(due('2024-02-29T09:00:00Z', 'P1Y', 'calendar'), '2025-02-28T09:00:00.000Z');
  });

  it('keeps wall-clock time for any whole number of days (property)', () => {
    const start = fc.date({
      min: new Date('2024-01-01T00:00:00Z'),
      max: new Date('2028-06-30T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(start, fc.integer({ min: 1, max: 180 }), (s, n) => {
        const l = londonDateTime(s);
        fc.pre(l.hour !== 1); // 01:00–01:59 is the only hour the clocks skip or repeat
        const end = addCalendarDuration(s, `P${n}D`);
        const e = londonDateTime(end);
        return (
          londonDate(end) === addDays(londonDate(s), n) &&
          e.hour === l.hour &&
          e.minute === l.minute &&
          e.second === l.second &&
          e.millisecond === l.millisecond
        );
      }),
    );
  });

  it('counts hours as exact elapsed time (property)', () => {
    const start = fc.date({
      min: new Date('2024-01-01T00:00:00Z'),
      max: new Date('2028-12-01T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(start, fc.integer({ min: 0, max: 500 }), (s, n) => {
        return addCalendarDuration(s, `PT${n}H`).getTime() - s.getTime() === n * HOUR;
      }),
    );
  });
});

describe('working-days clock', () => {
  it('starts the next working day after 17:00, and ends at 17:00', () => {
    // Monday 10:00 → day 0 is Monday → 1 working day later is Tuesday 17:00.
    assert.equal(due('2025-01-06T10:00:00Z', 'P1D', 'working-days'), '2025-01-07T17:00:00.000Z');
    // 16:59:59.999 is still Monday; 17:00 exactly is not.
    assert.equal(due('2025-01-06T16:59:59.999Z', 'P1D', 'working-days'), '2025-01-07T17:00:00.000Z');
    assert.equal(due('2025-01-06T17:00:00Z', 'P1D', 'working-days'), '2025-01-08T17:00:00.000Z');
    // P0D: due at the end of day 0.
    assert.equal(due('2025-01-06T10:00:00Z', 'P0D', 'working-days'), '2025-01-06T17:00:00.000Z');
  });

  it('skips weekends', () => {
    // Friday 10:00 → Monday 17:00.
    assert.equal(due('2025-01-10T10:00:00Z', 'P1D', 'working-days'), '2025-01-13T17:00:00.000Z');
    // Friday 18:00 → day 0 is Monday → Tuesday 17:00; the same for Saturday and Sunday.
    assert.equal(due('2025-01-10T18:00:00Z', 'P1D', 'working-days'), '2025-01-14T17:00:00.000Z');
    assert.equal(due('2025-01-11T10:00:00Z', 'P1D', 'working-days'), '2025-01-14T17:00:00.000Z');
    assert.equal(due('2025-01-12T23:59:00Z', 'P1D', 'working-days'), '2025-01-14T17:00:00.000Z');
    assert.equal(due('2025-01-12T10:00:00Z', 'P0D', 'working-days'), '2025-01-13T17:00:00.000Z');
    // Monday + 5 working days = the next Monday.
    assert.equal(due('2025-01-06T09:00:00Z', 'P5D', 'working-days'), '2025-01-13T17:00:00.000Z');
  });

  it('skips Christmas, Boxing Day and their substitute days', () => {
    // Wednesday 24 December 2025 → Thursday 25 and Friday 26 are bank holidays → Monday 29.
    assert.equal(due('2025-12-24T10:00:00Z', 'P1D', 'working-days'), '2025-12-29T17:00:00.000Z');
    // Thursday 24 December 2026 → Friday 25, weekend, Monday 28 (Boxing Day substitute) → Tuesday 29.
    assert.equal(due('2026-12-24T10:00:00Z', 'P1D', 'working-days'), '2026-12-29T17:00:00.000Z');
    // Thursday 23 December 2027, after 17:00 → day 0 is Friday 24; 27 and 28 are substitutes → Wednesday 29.
    assert.equal(due('2027-12-23T17:30:00Z', 'P1D', 'working-days'), '2027-12-29T17:00:00.000Z');
    // New Year 2028 moved to Monday 3 January.
    assert.equal(due('2027-12-31T10:00:00Z', 'P1D', 'working-days'), '2028-01-04T17:00:00.000Z');
  });

  it('skips Good Friday and Easter Monday', () => {
    // Thursday 17 April 2025 16:59 BST → Tuesday 22 April 17:00 BST (16:00 UTC).
    assert.equal(due('2025-04-17T16:59:00+01:00', 'P1D', 'working-days'), '2025-04-22T16:00:00.000Z');
    // 17:00 BST exactly → day 0 is Tuesday 22 → Wednesday 23.
    assert.equal(due('2025-04-17T17:00:00+01:00', 'P1D', 'working-days'), '2025-04-23T16:00:00.000Z');
    // Wednesday 1 April 2026 + 5 working days: Thu 2, (Good Friday 3, Easter Monday 6), Tue 7, Wed 8, Thu 9, Fri 10.
    assert.equal(due('2026-04-01T09:00:00+01:00', 'P5D', 'working-days'), '2026-04-10T16:00:00.000Z');
  });

  it('ends the day at 17:00 London time on either side of a clock change', () => {
    // Friday 28 March 2025 (GMT) + 1 working day = Monday 31 March 17:00 BST.
    assert.equal(due('2025-03-28T10:00:00Z', 'P1D', 'working-days'), '2025-03-31T16:00:00.000Z');
    // Friday 24 October 2025 (BST) + 1 working day = Monday 27 October 17:00 GMT.
    assert.equal(due('2025-10-24T10:00:00+01:00', 'P1D', 'working-days'), '2025-10-27T17:00:00.000Z');
    // 17:30 BST is after hours although it is 16:30 UTC.
    assert.equal(workingDayZero('2025-07-01T16:30:00Z'), '2025-07-02');
  });

  it('takes another calendar or end of day', () => {
    const noHolidays = createWorkingCalendar([], { from: '2025-01-01', to: '2025-12-31' });
    assert.equal(
      dueAt('2025-12-24T10:00:00Z', 'P1D', 'working-days', { calendar: noHolidays }).toISOString(),
      '2025-12-25T17:00:00.000Z',
    );
    assert.equal(
      dueAt('2025-01-06T17:30:00Z', 'P1D', 'working-days', { workingDayEnds: '18:00' }).toISOString(),
      '2025-01-07T18:00:00.000Z',
    );
  });

  it('refuses durations that are not whole days, and dates beyond the bank holiday data', () => {
    assert.throws(() => dueAt('2025-01-06T10:00:00Z', 'PT4H', 'working-days'), ClockError);
    assert.throws(() => dueAt('2025-01-06T10:00:00Z', 'P1W', 'working-days'), /whole days/);
    assert.throws(() => dueAt('2025-01-06T10:00:00Z', 'soon', 'calendar'), ClockError);
    assert.throws(() => dueAt('2028-12-29T10:00:00Z', 'P2D', 'working-days'), OutsideCalendarError);
  });

  it('is due at 17:00 on a working day, after the start, never earlier for a later start (property)', () => {
    const start = fc.date({
      min: new Date('2024-01-01T00:00:00Z'),
      max: new Date('2028-10-31T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(
        start,
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 5 * 24 * 60 }),
        (s, n, laterMinutes) => {
          const end = dueAt(s, `P${n}D`, 'working-days');
          const e = londonDateTime(end);
          const later = dueAt(new Date(s.getTime() + laterMinutes * 60_000), `P${n}D`, 'working-days');
          return (
            e.hour === 17 &&
            e.minute === 0 &&
            ENGLAND_AND_WALES.isWorkingDay(londonDate(end)) &&
            isoWeekday(londonDate(end)) <= 5 &&
            end.getTime() > s.getTime() &&
            later.getTime() >= end.getTime()
          );
        },
      ),
    );
  });

  it('computes first contact due from a response standard', () => {
    assert.equal(
      firstContactDue('2025-01-06T10:00:00Z', { firstContact: 'P5D', clock: 'working-days' }).toISOString(),
      '2025-01-13T17:00:00.000Z',
    );
    assert.equal(
      firstContactDue('2025-01-06T10:00:00Z', { firstContact: 'PT2H', clock: 'calendar' }).toISOString(),
      '2025-01-06T12:00:00.000Z',
    );
  });
});

describe('time left and breaches', () => {
  it('describes time left and time overdue in the two largest units', () => {
    assert.deepEqual(timeLeft('2025-01-01T12:00:00Z', '2025-01-01T09:15:00Z'), {
      milliseconds: 2.75 * HOUR,
      overdue: false,
      text: '2 hours 45 minutes left',
    });
    assert.equal(timeLeft('2025-01-04T12:00:00Z', '2025-01-01T09:15:00Z').text, '3 days 2 hours left');
    assert.equal(timeLeft('2025-01-02T12:00:00Z', '2025-01-01T12:00:00Z').text, '1 day left');
    assert.equal(timeLeft('2025-01-01T12:00:00Z', '2025-01-01T11:59:30Z').text, 'less than a minute left');
    assert.equal(timeLeft('2025-01-01T12:00:00Z', '2025-01-01T12:01:00Z').text, '1 minute overdue');
    assert.equal(timeLeft('2025-01-01T12:00:00Z', '2025-01-02T14:00:00Z').text, '1 day 2 hours overdue');
  });

  it('is not overdue at the due instant itself', () => {
    const t = timeLeft('2025-01-01T12:00:00Z', '2025-01-01T12:00:00Z');
    assert.equal(t.overdue, false);
    assert.equal(t.milliseconds, 0);
    assert.equal(breachStatus('2025-01-01T12:00:00Z', '2025-01-01T12:00:00Z'), 'due-soon');
  });

  it('gives a breach status', () => {
    const d = '2025-01-10T12:00:00Z';
    assert.equal(breachStatus(d, '2025-01-01T12:00:00Z'), 'on-track');
    assert.equal(breachStatus(d, '2025-01-09T12:00:00Z'), 'due-soon'); // 24 hours left
    assert.equal(breachStatus(d, '2025-01-09T11:59:59Z'), 'on-track');
    assert.equal(breachStatus(d, '2025-01-10T12:00:00.001Z'), 'breached');
    assert.equal(breachStatus(d, '2025-01-10T10:00:00Z', { dueSoonWithin: HOUR }), 'on-track');
    assert.equal(breachStatus(d, '2025-01-10T11:00:00Z', { dueSoonWithin: HOUR }), 'due-soon');
    // Once first contact happens, the answer is fixed, whatever the time now.
    assert.equal(breachStatus(d, '2025-02-01T00:00:00Z', { firstContactAt: '2025-01-10T12:00:00Z' }), 'met');
    assert.equal(breachStatus(d, '2025-02-01T00:00:00Z', { firstContactAt: '2025-01-10T12:00:01Z' }), 'breached');
  });
});
