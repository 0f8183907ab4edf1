import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  addDays,
  fromLondon,
  isoWeekday,
  londonDate,
  londonDateTime,
  londonInstant,
  londonMonth,
  londonOffsetMinutes,
  pad,
  parseDate,
} from './london-time.ts';

describe('Europe/London time', () => {
  it('is GMT in winter and BST in summer, changing at 01:00 UTC on the last Sundays of March and October', () => {
    assert.equal(londonOffsetMinutes('2025-01-15T12:00:00Z'), 0);
    assert.equal(londonOffsetMinutes('2025-07-15T12:00:00Z'), 60);
    assert.equal(londonOffsetMinutes('2025-03-30T00:59:59Z'), 0);
    assert.equal(londonOffsetMinutes('2025-03-30T01:00:00Z'), 60);
    assert.equal(londonOffsetMinutes('2025-10-26T00:59:59Z'), 60);
    assert.equal(londonOffsetMinutes('2025-10-26T01:00:00Z'), 0);
    assert.equal(londonOffsetMinutes('2026-03-29T01:00:00Z'), 60);
    assert.equal(londonOffsetMinutes('2026-10-25T01:00:00Z'), 0);
  });

  it('reads wall-clock time at an instant, whatever the server time zone', () => {
    assert.deepEqual(londonDateTime('2025-06-30T23:30:00.250Z'), {
      year: 2025,
      month: 7,
      day: 1,
      hour: 0,
      minute: 30,
      second: 0,
      millisecond: 250,
    });
    assert.equal(londonDate('2025-06-30T23:30:00Z'), '2025-07-01');
    assert.equal(londonDate('2025-12-31T23:30:00Z'), '2025-12-31');
  });

  it('puts an instant in its London month', () => {
    assert.equal(londonMonth('2025-03-31T23:30:00Z'), '2025-04'); // 00:30 BST on 1 April
    assert.equal(londonMonth('2025-01-31T23:30:00Z'), '2025-01'); // GMT
    assert.equal(londonMonth('2025-10-31T23:59:59Z'), '2025-10'); // GMT again by then
  });

  it('turns wall-clock time back into an instant: the first of a repeated time, a skipped time moved on', () => {
    const at = (date: string, hour: number, minute: number) => {
      const [year, month, day] = date.split('-').map(Number);
      return fromLondon({ year, month, day, hour, minute, second: 0, millisecond: 0 }).toISOString();
    };
    assert.equal(at('2025-01-10', 9, 0), '2025-01-10T09:00:00.000Z');
    assert.equal(at('2025-07-10', 9, 0), '2025-07-10T08:00:00.000Z');
    // 01:30 on 30 March 2025 never happens: 02:30 BST.
    assert.equal(at('2025-03-30', 1, 30), '2025-03-30T01:30:00.000Z');
    assert.equal(at('2025-03-30', 2, 0), '2025-03-30T01:00:00.000Z');
    // 01:30 on 26 October 2025 happens twice: the first is BST.
    assert.equal(at('2025-10-26', 1, 30), '2025-10-26T00:30:00.000Z');
    assert.equal(at('2025-10-26', 2, 0), '2025-10-26T02:00:00.000Z');
    assert.equal(londonInstant('2025-07-01', '17:00').toISOString(), '2025-07-01T16:00:00.000Z');
  });

  it('agrees with Intl.DateTimeFormat at any instant from 1975 to 2100 (property)', () => {
    const intl = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const instant = fc.date({
      min: new Date('1975-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instant, (t) => {
        const l = londonDateTime(t);
        const mine = `${pad(l.day)}/${pad(l.month)}/${l.year}, ${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}`;
        return mine === intl.format(t);
      }),
      { numRuns: 2000 },
    );
  });

  it('does date arithmetic on plain dates', () => {
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2025-02-28', 1), '2025-03-01');
    assert.equal(addDays('2025-01-01', -1), '2024-12-31');
    assert.equal(isoWeekday('2025-03-30'), 7);
    assert.equal(isoWeekday('2025-03-31'), 1);
    assert.equal(parseDate('2025-02-29'), null);
    assert.deepEqual(parseDate('2024-02-29'), { year: 2024, month: 2, day: 29 });
    assert.throws(() => londonDate('not a date'), TypeError);
  });
});
