import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import data from '../../../data/bank-holidays-england-and-wales.json' with { type: 'json' };
import {
  calendarFromGovUk,
  createWorkingCalendar,
  ENGLAND_AND_WALES,
  easterSunday,
  OutsideCalendarError,
  ruleBasedBankHolidays,
} from './bank-holidays.ts';

describe('England and Wales bank holidays', () => {
  it('covers 2024 to 2028 and says where the dates should be checked', () => {
    assert.deepEqual(ENGLAND_AND_WALES.coverage, { from: '2024-01-01', to: '2028-12-31' });
    assert.equal(data.source.url, 'https://www.gov.uk/bank-holidays.json');
    assert.equal(data.checked, false, 'set "checked" to true once the dates are compared with GOV.UK');
    assert.equal(ENGLAND_AND_WALES.holidays.length, 40);
  });

  it('finds Easter Sunday', () => {
    assert.equal(easterSunday(2000), '2000-04-23');
    assert.equal(easterSunday(2019), '2019-04-21');
    assert.equal(easterSunday(2024), '2024-03-31');
    assert.equal(easterSunday(2025), '2025-04-20');
    assert.equal(easterSunday(2026), '2026-04-05');
    assert.equal(easterSunday(2027), '2027-03-28');
    assert.equal(easterSunday(2028), '2028-04-16');
  });

  it('match the standing rules year by year (a check on the data file for typing mistakes)', () => {
    for (let year = 2024; year <= 2028; year++) {
      const inFile = ENGLAND_AND_WALES.holidays.filter((h) => h.date.startsWith(`${year}-`)).map((h) => h.date);
      const expected = ruleBasedBankHolidays(year)
        .map((h) => h.date)
        .sort();
      assert.deepEqual(inFile, expected, String(year));
    }
  });

  it('move Christmas, Boxing Day and New Year to weekdays when they fall at a weekend', () => {
    const on = (date: string) => ENGLAND_AND_WALES.isBankHoliday(date);
    // 2026: Boxing Day is a Saturday → Monday 28th.
    assert.ok(on('2026-12-25') && !on('2026-12-26') && on('2026-12-28'));
    // 2027: Christmas Saturday, Boxing Day Sunday → Monday 27th and Tuesday 28th.
    assert.ok(!on('2027-12-25') && on('2027-12-27') && on('2027-12-28'));
    // 2028: New Year's Day is a Saturday → Monday 3 January.
    assert.ok(!on('2028-01-01') && on('2028-01-03'));
  });

  it('know working days: weekdays that are not bank holidays', () => {
    assert.equal(ENGLAND_AND_WALES.isWorkingDay('2025-04-17'), true); // Thursday before Easter
    assert.equal(ENGLAND_AND_WALES.isWorkingDay('2025-04-18'), false); // Good Friday
    assert.equal(ENGLAND_AND_WALES.isWorkingDay('2025-04-21'), false); // Easter Monday
    assert.equal(ENGLAND_AND_WALES.isWorkingDay('2025-04-19'), false); // Saturday
    assert.equal(ENGLAND_AND_WALES.isWorkingDay('2025-04-22'), true);
  });

  it('refuse to guess outside the years they cover', () => {
    assert.throws(() => ENGLAND_AND_WALES.isWorkingDay('2029-01-02'), OutsideCalendarError);
    assert.throws(() => ENGLAND_AND_WALES.isBankHoliday('2023-12-25'), /known only from 2024-01-01 to 2028-12-31/);
  });

  it('read a file in GOV.UK shape, assuming whole years when coverage is not given', () => {
    const cal = calendarFromGovUk({
      'england-and-wales': {
        division: 'england-and-wales',
        events: [
          { title: 'Christmas Day', date: '2030-12-25', notes: '', bunting: true },
          { title: 'New Year’s Day', date: '2030-01-01', notes: '', bunting: true },
        ],
      },
    });
    assert.deepEqual(cal.coverage, { from: '2030-01-01', to: '2030-12-31' });
    assert.equal(cal.isBankHoliday('2030-12-25'), true);
    assert.throws(() => calendarFromGovUk({ scotland: { events: [] } }), /england-and-wales/);
    assert.throws(() =>
      createWorkingCalendar([{ date: '2031-01-01', title: 'x' }], { from: '2030-01-01', to: '2030-12-31' }),
    );
  });
});
