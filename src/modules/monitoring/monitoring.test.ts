import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  benefitsLaggingSpend,
  checkProfile,
  checkTolerance,
  envelopePosition,
  forecastYearEnd,
  isFinancialYear,
  profileQuarters,
  quarterOf,
  sumReported,
  variance,
} from './monitoring.ts';
import { actualWords, groupActuals, outcomePeriod, quarterOfMonth } from './monitoring.actuals.ts';
import { checkReturnRows, parsePounds } from './monitoring.returns.ts';

test('variance: words beside the colour, behind and ahead by the rounded percentage', () => {
  const behind = variance(100, 88);
  assert.equal(behind.status, 'behind');
  assert.equal(behind.words, 'behind by 12%');
  assert.equal(behind.colour, 'red');
  assert.equal(behind.difference, -12);
  assert.ok(Math.abs((behind.share ?? 0) + 0.12) < 1e-12);

  const ahead = variance(200, 220, { tolerance: 0.05 });
  assert.equal(ahead.words, 'ahead by 10%');
  assert.equal(ahead.colour, 'blue');

  const onTrack = variance(100, 96);
  assert.equal(onTrack.status, 'on-track');
  assert.equal(onTrack.words, 'on track');
  assert.equal(onTrack.colour, 'green');
});

test('variance: the tolerance is settable and inclusive, on the percentage the words show', () => {
  assert.equal(variance(100, 95, { tolerance: 0.05 }).status, 'on-track');
  assert.equal(variance(100, 94, { tolerance: 0.05 }).words, 'behind by 6%');
  assert.equal(variance(100, 94, { tolerance: 0.1 }).words, 'on track');
  assert.equal(variance(100, 80, { tolerance: 0 }).words, 'behind by 20%');
  assert.equal(variance(100, 100, { tolerance: 0 }).words, 'on track');
  // 4.6% reads as 5%: within a 5% tolerance the status agrees with what is shown.
  assert.equal(variance(1000, 954, { tolerance: 0.05 }).status, 'on-track');
  assert.equal(checkTolerance(0.05), null);
  assert.match(checkTolerance(0.6) ?? '', /from 0 to 50/);
  assert.match(checkTolerance(-0.01) ?? '', /from 0 to 50/);
});

test('variance: spend over plan is overspent (red), under is underspent; nothing reported is not zero', () => {
  const over = variance(1000, 1150, { kind: 'spend' });
  assert.equal(over.words, 'overspent by 15%');
  assert.equal(over.colour, 'red');
  assert.equal(variance(1000, 700, { kind: 'spend' }).words, 'underspent by 30%');
  const none = variance(100, null);
  assert.equal(none.status, 'not-reported');
  assert.equal(none.words, 'not yet reported');
  assert.equal(none.difference, null);
  assert.equal(variance(null, 5).status, 'no-plan');
  assert.equal(variance(0, 0).words, 'on track');
  assert.equal(variance(0, 3).status, 'ahead');
  assert.equal(sumReported([null, undefined]), null);
  assert.equal(sumReported([null, 2, 3]), 5);
});

test('forecast: run rate of the reported quarters to the year end; a gap stops the run', () => {
  assert.deepEqual(forecastYearEnd([]), { quartersReported: 0, toDate: null, runRate: null, yearEnd: null });
  const two = forecastYearEnd([100, 140, null, null]);
  assert.equal(two.quartersReported, 2);
  assert.equal(two.toDate, 240);
  assert.equal(two.runRate, 120);
  assert.equal(two.yearEnd, 480);
  assert.equal(forecastYearEnd([100, null, 300]).quartersReported, 1);
  assert.equal(forecastYearEnd([10, 20, 30, 40]).yearEnd, 100);
});

test('profile: quarters by percentage, checked to add up to 100', () => {
  assert.deepEqual(profileQuarters(400), [100, 100, 100, 100]);
  assert.deepEqual(profileQuarters(1000, [10, 20, 30, 40]), [100, 200, 300, 400]);
  assert.equal(checkProfile([10, 20, 30, 40]), null);
  assert.match(checkProfile([10, 20, 30, 30]) ?? '', /add up to 100% \(they add up to 90%\)/);
  assert.match(checkProfile([110, -10, 0, 0]) ?? '', /0 or more/);
  assert.match(checkProfile([50, 50]) ?? '', /four percentages/);
});

test('benefits lagging spend: spent most of the plan, delivered little of the benefit, biggest gap first', () => {
  const lags = benefitsLaggingSpend(
    [
      { component: 'ucr', spendPlanned: 100, spendActual: 95, benefitPlanned: 1000, benefitActual: 400 },
      { component: 'vw', spendPlanned: 100, spendActual: 90, benefitPlanned: 500, benefitActual: 450 },
      { component: 'chh', spendPlanned: 100, spendActual: 80, benefitPlanned: 100, benefitActual: 60 },
      { component: 'none', spendPlanned: 100, spendActual: 80, benefitPlanned: 0, benefitActual: 0 },
      { component: 'unreported', spendPlanned: 100, spendActual: null, benefitPlanned: 10, benefitActual: 1 },
    ],
    0.05,
  );
  assert.deepEqual(
    lags.map((l) => l.component),
    ['ucr', 'chh'],
  );
  assert.equal(lags[0].words, 'spent 95% of planned spend but delivered 40% of the planned benefit');
});

test('envelope: spend to date against the plan to date and the year, forecast from the run rate', () => {
  const e = envelopePosition([250, 250, 250, 250], [200, 220, null, null]);
  assert.equal(e.envelope, 1000);
  assert.equal(e.plannedToDate, 500);
  assert.equal(e.spendToDate, 420);
  assert.equal(e.toDate.words, 'underspent by 16%');
  assert.equal(e.forecast.yearEnd, 840);
  assert.equal(e.yearEnd.words, 'underspent by 16%');
  assert.equal(e.shareOfEnvelope, 0.42);
  assert.match(e.words, /42% of the year's envelope spent after 2 quarters/);
  const over = envelopePosition([100, 100, 100, 100], [130]);
  assert.equal(over.yearEnd.words, 'overspent by 30%');
  assert.match(over.words, /overspent against the envelope by 30%/);
  assert.equal(envelopePosition([100, 100, 100, 100], []).words, 'No spend reported yet this year');
});

test('financial years and quarters', () => {
  assert.equal(isFinancialYear('2023-24'), true);
  assert.equal(isFinancialYear('2023-25'), false);
  assert.equal(isFinancialYear('1999-00'), true);
  assert.deepEqual(quarterOf('2023-04-01'), { year: '2023-24', quarter: 1 });
  assert.deepEqual(quarterOf('2023-12-31'), { year: '2023-24', quarter: 3 });
  assert.deepEqual(quarterOf('2024-03-31'), { year: '2023-24', quarter: 4 });
  assert.deepEqual(quarterOf('2024-07-15'), { year: '2024-25', quarter: 2 });
});

test('return: every problem named by row and column; negative spend, unknown borough and component', () => {
  const header = ['provider', 'financial_year', 'quarter', 'borough', 'component', 'spend'];
  const row = (n: number, cells: Record<string, string>) => ({
    rowNumber: n,
    cells: {
      provider: 'RKE',
      financial_year: '2023-24',
      quarter: '1',
      borough: 'E09000007',
      component: 'ucr',
      spend: '100',
      ...cells,
    },
  });
  const ctx = { boroughs: ['E09000007', 'E09000003'], components: ['ucr', 'vw'] };
  const good = checkReturnRows(header, [row(2, {}), row(3, { component: 'vw', spend: '£1,250.5' })], ctx);
  assert.ok(good.ok);
  assert.equal(good.value.quarter, 1);
  assert.deepEqual(
    good.value.rows.map((r) => r.spendPence),
    [10000, 125050],
  );
  const bad = checkReturnRows(
    header,
    [
      row(2, { spend: '-5' }),
      row(4, { borough: 'E09999999' }),
      row(5, { component: 'nope' }),
      row(6, { quarter: '5' }),
    ],
    ctx,
  );
  assert.ok(!bad.ok);
  assert.deepEqual(
    bad.problems.map((p) => [p.row, p.column, p.message]),
    [
      [2, 'spend', 'spend is negative'],
      [4, 'borough', 'Unknown borough E09999999'],
      [5, 'component', 'Unknown component nope'],
      [6, 'quarter', 'quarter is not 1 to 4'],
    ],
  );
  const mixed = checkReturnRows(header, [row(2, {}), row(3, { provider: 'RYX', component: 'vw' }), row(4, {})], ctx);
  assert.ok(!mixed.ok);
  assert.deepEqual(
    mixed.problems.map((p) => [p.row, p.column]),
    [
      [3, 'provider'],
      [4, 'component'],
    ],
  );
  const headerBad = checkReturnRows(['provider', 'spend', 'colour'], [], ctx);
  assert.ok(!headerBad.ok);
  assert.ok(headerBad.problems.some((p) => p.message === 'Unknown column "colour"'));
  assert.ok(headerBad.problems.some((p) => p.message === 'Missing column borough'));
  assert.deepEqual(parsePounds('-£3'), { negative: true });
  assert.equal(parsePounds('1.234'), null);
});

test('actuals from other modules are grouped into the borough’s financial quarters, by London month', () => {
  assert.equal(quarterOfMonth('2023-24', '2023-04'), 1);
  assert.equal(quarterOfMonth('2023-24', '2024-03'), 4);
  assert.equal(quarterOfMonth('2023-24', '2024-04'), null);
  assert.equal(outcomePeriod('2023-24', 2), '2023/24 Q2');
  const a = groupActuals('2023-24', 'E09000019', {
    compliance: [
      { borough: 'E09000019', month: '2023-05', referrals: 10, standard: { met: 6, breached: 2, pending: 1 } },
      { borough: 'E09000019', month: '2023-06', referrals: 4, standard: { met: 2, breached: 0, pending: 0 } },
      { borough: 'E09000007', month: '2023-06', referrals: 9, standard: { met: 9, breached: 0, pending: 0 } },
      { borough: 'E09000019', month: '2024-04', referrals: 9, standard: { met: 9, breached: 0, pending: 0 } },
    ],
    bedDays: [{ quarter: 2, borough: 'E09000019', discharges: 3, bedDays: 21 }],
    conveyance: [{ borough: 'E09000019', month: '2023-11', calls: 6, withOutcome: 5, notConveyed: 4 }],
    oap: [{ borough: 'E09000019', month: '2024-01', placements: 2, days: 40, inappropriateDays: 10 }],
    outcomes: [
      {
        code: 'X1',
        title: 'Test indicator',
        unit: '%',
        polarity: 'higher-is-better',
        values: [
          { period: '2023/24 Q1', area: 'E09000019', breakdown: 'total', value: 70, suppressed: null },
          { period: '2023/24 Q2', area: 'E09000019', breakdown: 'total', value: 74.46, suppressed: null },
          { period: '2023/24 Q2', area: 'E09000019', breakdown: 'sex', value: 99, suppressed: null },
        ],
      },
    ],
  });
  assert.deepEqual(a.quarters[0].compliance, { referrals: 14, met: 8, breached: 2, pending: 1, share: 0.8 });
  assert.equal(actualWords(a.quarters[0]).compliance, '80% met the standard (8 of 10)');
  assert.equal(actualWords(a.quarters[1]).compliance, 'no referrals recorded');
  assert.equal(a.quarters[1].bedDaysAtHome.bedDays, 21);
  assert.equal(a.quarters[2].conveyance.rate, 0.8);
  assert.equal(a.quarters[3].oap.days, 40);
  assert.equal(a.outcomes[0].movement, 'up from 70% in Q1 to 74.5% in Q2 (improving)');
  assert.equal(a.outcomes[0].values[2].value, null);
});
