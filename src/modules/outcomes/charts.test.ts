import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proportionFunnelLimits, slopeIndexOfInequality, standardErrorFromInterval } from '../../stats/index.ts';
import {
  boroughComparison,
  comparisonTable,
  describeComparison,
  funnelPlot,
  funnelTable,
  inequalityBreakdown,
  PAGE_SII_REPETITIONS,
  inequalityTable,
  latestPeriod,
  medianWithInterval,
  tableToCsv,
  trendSeries,
  trendTable,
  valuesTable,
} from './charts.ts';
import { computeIndicatorValues } from './compute.ts';
import { BARNET, CAMDEN, count, ENFIELD, FIVE, HARINGEY, ISLINGTON, indicator } from './test-fixtures.ts';

const pct = indicator('LW1.1');
const counts = [
  count(BARNET, 450, 500),
  count(CAMDEN, 300, 400),
  count(ENFIELD, 330, 500),
  count(HARINGEY, 380, 500),
  count(ISLINGTON, 150, 200),
  ...FIVE.map((area) => count(area, 60, 100, { period: '2022/23 Q4' })),
];
const values = computeIndicatorValues(pct, counts);

describe('charts', () => {
  it('orders the borough comparison NCL first and finds the latest period', () => {
    assert.equal(latestPeriod(values), '2023/24 Q1');
    assert.deepEqual(
      boroughComparison(values, '2023/24 Q1').map((v) => v.areaName),
      ['North Central London', 'Barnet', 'Camden', 'Enfield', 'Haringey', 'Islington'],
    );
  });

  it('gives a trend oldest first', () => {
    assert.deepEqual(
      trendSeries(values, { area: BARNET }).map((v) => [v.period, v.value]),
      [
        ['2022/23 Q4', 60],
        ['2023/24 Q1', 90],
      ],
    );
  });

  it('draws funnel limits around the NCL value and places each borough', () => {
    const f = funnelPlot(pct, values, '2023/24 Q1', { points: 10 });
    assert.ok(f.available);
    const target = (1610 / 2100) * 100;
    assert.equal(f.target, target);
    assert.equal(f.limits.length, 10);
    const barnet = f.points.find((p) => p.area === BARNET);
    assert.deepEqual([barnet?.at95, barnet?.at998], ['better', 'better']);
    assert.equal(f.points.find((p) => p.area === ISLINGTON)?.at95, 'similar');
    const at500 = proportionFunnelLimits(target / 100, 500);
    const row = funnelTable(pct, f).rows.find((r) => r.area === BARNET);
    assert.ok(Math.abs((row?.upper95 as number) - at500.upper95 * 100) < 1e-9);
    for (const l of f.limits) assert.ok(l.lower998 <= l.lower95 && l.lower95 <= target && target <= l.upper95);
  });

  it('explains when a funnel is not available', () => {
    const med = funnelPlot(indicator('LW1.4'), [], '2023/24 Q1');
    assert.ok(!med.available && /median time/.test(med.reason));
    const none = funnelPlot(pct, values, '2019/20');
    assert.ok(!none.available && /no NCL value/.test(none.reason));
    assert.equal(funnelTable(pct, none).rows.length, 0);
  });

  it('computes the slope index across deprivation quintiles with src/stats', () => {
    const q = [40, 50, 60, 70, 80];
    const withQuintiles = computeIndicatorValues(pct, [
      count(HARINGEY, 300, 500),
      ...q.map((n, i) => count(HARINGEY, n, 100, { breakdown: 'deprivation-quintile', breakdownValue: String(i + 1) })),
    ]);
    const b = inequalityBreakdown(withQuintiles, { period: '2023/24 Q1', area: HARINGEY });
    assert.deepEqual(
      b.quintiles.map((v) => v.breakdownValue),
      ['1', '2', '3', '4', '5'],
    );
    const expected = slopeIndexOfInequality(
      b.quintiles.map((v) => ({
        population: 100,
        value: v.value as number,
        standardError: standardErrorFromInterval(v.lower95 as number, v.upper95 as number),
      })),
      { confidence: 0.95 },
    );
    assert.equal(b.sii95.value, expected.value);
    assert.ok(Math.abs((b.sii95.value as number) - 50) < 1e-9); // 40% → 80%: a 50-point slope over the ranks
    assert.ok((b.sii998.lower as number) < (b.sii95.lower as number));
    const table = inequalityTable(pct, b);
    assert.equal(table.rows.at(-2)?.breakdown, 'slope-index-of-inequality');
    assert.equal(table.rows.at(-1)?.breakdown, 'relative-index-of-inequality');
    // The fitted line runs from 35% at the most deprived end to 85% at the least: RII 85/35.
    assert.ok(Math.abs((table.rows.at(-1)?.value as number) - 85 / 35) < 1e-9);

    // With the definition, a proportion's SII follows phe_sii (value type 2): the same slope in
    // percentage points, its interval simulated on the logit scale with the page's seed.
    const typed = inequalityBreakdown(withQuintiles, { period: '2023/24 Q1', area: HARINGEY }, pct);
    assert.ok(typed.sii95.suppressed === false);
    assert.ok(Math.abs(typed.sii95.value - 50) < 1e-9);
    assert.equal(typed.sii95.valueType, 'proportion');
    assert.equal(typed.sii95.repetitions, PAGE_SII_REPETITIONS);
    assert.ok(typed.sii95.lower < 50 && typed.sii95.upper > 50);
    assert.deepEqual(inequalityBreakdown(withQuintiles, { period: '2023/24 Q1', area: HARINGEY }, pct), typed);
    const median = inequalityBreakdown(
      withQuintiles,
      { period: '2023/24 Q1', area: HARINGEY },
      {
        ...pct,
        type: 'median-time',
      },
    );
    assert.match(median.sii95.suppressed === false ? '' : median.sii95.message, /without confidence intervals/);
  });

  it('suppresses the slope index when a quintile is missing or hidden, with a reason', () => {
    const b = inequalityBreakdown(values, { period: '2023/24 Q1', area: HARINGEY });
    assert.equal(b.sii95.suppressed, 'too-few-groups');
    assert.match(inequalityTable(pct, b).rows.at(-2)?.note as string, /at least 5/);
  });

  it('words comparisons so the legend does not rely on colour', () => {
    assert.equal(describeComparison('better', 'QMJ', '95%'), 'Better than North Central London (95%)');
    assert.equal(describeComparison('similar', HARINGEY, '99.8%'), 'Similar to the Haringey total (99.8%)');
    assert.equal(describeComparison('not-compared', 'QMJ', '95%'), 'Not compared');
  });

  it('gives every chart as a table and as CSV', () => {
    const table = comparisonTable(pct, values, '2023/24 Q1');
    assert.equal(table.rows.length, 6);
    assert.match(table.title, /^LW1\.1 A proportion \(%\): boroughs compared/);
    const csv = tableToCsv(table);
    const lines = csv.split('\r\n');
    assert.equal(lines[0].split(',')[0], 'Period');
    assert.match(lines[2], /^2023\/24 Q1,E09000003,Barnet,total,,450,500,90,/);
    assert.match(lines[2], /Better than North Central London \(95%\)/);
    assert.equal(trendTable(pct, values, { area: CAMDEN }).rows.length, 2);
    assert.equal(valuesTable(pct, values).rows.length, values.length);
    const negative = tableToCsv({
      title: '',
      columns: [
        { key: 'v', label: 'V' },
        { key: 't', label: 'T' },
      ],
      rows: [{ v: -1.5, t: '=SUM(A1)' }],
    });
    assert.equal(negative, "V,T\r\n-1.5,'=SUM(A1)\r\n");
  });

  it('gives medians of individual times with an order-statistic interval', () => {
    const times = Array.from({ length: 100 }, (_, i) => i + 1);
    const m = medianWithInterval(times);
    assert.ok(m.value !== null);
    assert.equal(m.value, 50.5);
    // n = 100: ranks 50 − 9.8 → 40 and 1 + 50 + 9.8 → 61 (Campbell & Gardner).
    assert.deepEqual([m.lower, m.upper], [40, 61]);
    assert.equal(medianWithInterval([3]).value, null);
    assert.throws(() => medianWithInterval([-1, 2]), RangeError);
  });
});
