import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dsr, ESP2013, proportion, rate } from '../../stats/index.ts';
import {
  computeIndicatorValues,
  countsFromReturnRows,
  DEFAULT_DISCLOSURE,
  type IndicatorValue,
  isSmallCount,
  suppressCountTable,
} from './compute.ts';
import { loadFramework } from './framework.files.ts';
import { BARNET, CAMDEN, count, ENFIELD, FIVE, HARINGEY, ISLINGTON, indicator } from './test-fixtures.ts';

const pct = indicator('LW1.1');
const total = (values: IndicatorValue[], area: string) =>
  values.find((v) => v.area === area && v.breakdown === 'total') as IndicatorValue;
const close = (a: number | null, b: number) =>
  assert.ok(a !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('computeIndicatorValues', () => {
  const counts = [
    count(BARNET, 450, 500),
    count(CAMDEN, 300, 400),
    count(ENFIELD, 330, 500),
    count(HARINGEY, 380, 500),
    count(ISLINGTON, 150, 200),
  ];

  it('computes Wilson intervals via src/stats, in the indicator unit, with the NCL sum', () => {
    const values = computeIndicatorValues(pct, counts);
    const barnet = total(values, BARNET);
    const p95 = proportion(450, 500, { confidence: 0.95 });
    const p998 = proportion(450, 500, { confidence: 0.998 });
    assert.ok(p95.suppressed === false && p998.suppressed === false);
    close(barnet.value, 90);
    close(barnet.lower95, p95.lower * 100);
    close(barnet.upper998, p998.upper * 100);
    assert.equal(barnet.method, 'wilson');
    const ncl = total(values, 'QMJ');
    assert.deepEqual([ncl.numerator, ncl.denominator, ncl.areaName], [1610, 2100, 'North Central London']);
    assert.equal(ncl.comparison, null);
  });

  it('compares boroughs with NCL using polarity, at 95% and 99.8%', () => {
    const values = computeIndicatorValues(pct, counts);
    const c = (area: string) => total(values, area).comparison;
    assert.deepEqual(c(BARNET), {
      benchmarkArea: 'QMJ',
      benchmarkValue: (1610 / 2100) * 100,
      at95: 'better',
      at998: 'better',
    });
    assert.equal(c(ENFIELD)?.at95, 'worse');
    assert.equal(c(ISLINGTON)?.at95, 'similar');
    const lower = computeIndicatorValues({ ...pct, polarity: 'lower-is-better' }, counts);
    assert.equal(total(lower, BARNET).comparison?.at95, 'worse');
    const neither = computeIndicatorValues({ ...pct, polarity: 'neither' }, counts);
    assert.equal(total(neither, BARNET).comparison?.at95, 'higher');
    assert.equal(total(neither, ENFIELD).comparison?.at95, 'lower');
  });

  it('adds up rows from several providers for one borough', () => {
    const values = computeIndicatorValues(pct, [...counts, count(HARINGEY, 20, 100, { provider: 'RKE' })]);
    assert.deepEqual([total(values, HARINGEY).numerator, total(values, HARINGEY).denominator], [400, 600]);
  });

  it('gives no NCL total unless all five boroughs have figures', () => {
    const values = computeIndicatorValues(pct, counts.slice(0, 4));
    const ncl = total(values, 'QMJ');
    assert.equal(ncl.value, null);
    assert.equal(ncl.suppressed?.reason, 'incomplete');
    assert.equal(total(values, BARNET).comparison?.at95, 'not-compared');
    assert.equal(computeIndicatorValues(pct, counts, { includeNcl: false }).length, 5);
  });

  it('uses an NCL figure given directly instead of the sum', () => {
    const values = computeIndicatorValues(pct, [...counts, count('QMJ', 10, 20)]);
    assert.equal(total(values, 'QMJ').value, 50);
  });

  it('suppresses small counts and their complement, and says why', () => {
    const values = computeIndicatorValues(pct, [
      count(BARNET, 3, 500),
      count(CAMDEN, 397, 400),
      count(ENFIELD, 0, 500),
      count(HARINGEY, 380, 500),
      count(ISLINGTON, 150, 200),
    ]);
    const b = total(values, BARNET);
    assert.deepEqual([b.value, b.numerator, b.denominator, b.lower95], [null, null, null, null]);
    assert.equal(b.suppressed?.reason, 'small-count');
    assert.match(b.suppressed?.message ?? '', /Fewer than 5/);
    assert.equal(total(values, CAMDEN).suppressed?.reason, 'complement');
    assert.equal(total(values, ENFIELD).value, 0); // zero discloses nothing
    assert.equal(total(values, BARNET).comparison?.at95, 'not-compared');
  });

  it('suppresses one more borough when a single hidden one could be recalculated from the NCL total', () => {
    const values = computeIndicatorValues(pct, [
      count(BARNET, 3, 500),
      count(CAMDEN, 30, 400),
      count(ENFIELD, 20, 500),
      count(HARINGEY, 380, 500),
      count(ISLINGTON, 150, 200),
    ]);
    assert.equal(total(values, BARNET).suppressed?.reason, 'small-count');
    assert.equal(total(values, ENFIELD).suppressed?.reason, 'secondary');
    assert.equal(total(values, CAMDEN).suppressed, null);
    assert.notEqual(total(values, 'QMJ').value, null);
    const off = computeIndicatorValues({ ...pct, disclosure: { ...pct.disclosure, secondarySuppression: false } }, [
      count(BARNET, 3, 500),
      ...counts.slice(1),
    ]);
    assert.equal(off.filter((v) => v.suppressed).length, 1);
  });

  it('applies secondary suppression within a borough’s deprivation quintiles', () => {
    const q = (value: string, n: number, d: number) =>
      count(HARINGEY, n, d, { breakdown: 'deprivation-quintile', breakdownValue: value });
    const values = computeIndicatorValues(pct, [
      count(HARINGEY, 200, 400),
      q('1', 2, 80),
      q('2', 50, 80),
      q('3', 48, 80),
      q('4', 60, 80),
      q('5', 40, 80),
    ]);
    const group = (v: string) => values.find((x) => x.area === HARINGEY && x.breakdownValue === v) as IndicatorValue;
    assert.equal(group('1').suppressed?.reason, 'small-count');
    assert.equal(group('5').suppressed?.reason, 'secondary');
    assert.equal(group('2').comparison?.benchmarkArea, HARINGEY); // groups are compared with their own area
  });

  it('computes rates with Byar or exact limits and DSRs with Dobson against ESP2013', () => {
    const r = computeIndicatorValues(indicator('LW1.2'), [
      { ...count(BARNET, 120, 389300), indicatorCode: 'LW1.2', period: '2023/24' },
    ]);
    const expected = rate(120, 389300, { multiplier: 100000, confidence: 0.95 });
    close(total(r, BARNET).lower95, expected.lower as number);
    const bands = ['65-69', '70-74', '75-79'] as const;
    const dsrCounts = bands.map((band, i) => ({
      ...count(CAMDEN, 20 + 10 * i, 8000 - 1000 * i),
      indicatorCode: 'LW1.3',
      period: '2023/24',
      breakdown: 'age-band' as const,
      breakdownValue: band,
    }));
    const d = computeIndicatorValues(indicator('LW1.3'), dsrCounts);
    const exp = dsr(
      dsrCounts.map((c) => ({
        count: c.numerator,
        population: c.denominator,
        standardPopulation: ESP2013[c.breakdownValue as '65-69'],
      })),
      { multiplier: 100000, confidence: 0.95 },
    );
    close(total(d, CAMDEN).value, exp.value as number);
    close(total(d, CAMDEN).upper95, exp.upper as number);
    assert.equal(total(d, CAMDEN).method, 'dobson');
  });

  it('publishes medians without an interval and does not combine them', () => {
    const med = indicator('LW1.4');
    const values = computeIndicatorValues(
      med,
      FIVE.map((area, i) => ({ ...count(area, 10 + i, 40), indicatorCode: 'LW1.4' })),
    );
    assert.equal(total(values, CAMDEN).value, 11);
    assert.match(total(values, CAMDEN).intervalNote ?? '', /individual times/);
    assert.equal(total(values, 'QMJ').suppressed?.reason, 'not-combinable');
    const few = computeIndicatorValues(med, [{ ...count(CAMDEN, 11, 3), indicatorCode: 'LW1.4' }]);
    assert.equal(total(few, CAMDEN).suppressed?.reason, 'small-count'); // 3 people
  });

  it('computes means with pooled standard deviations', () => {
    const mean = { ...pct, type: 'mean' as const, multiplier: 1 };
    const values = computeIndicatorValues(mean, [
      count(BARNET, 100, 10, { standardDeviation: 2 }),
      count(CAMDEN, 300, 20, { standardDeviation: 3 }),
    ]);
    close(total(values, BARNET).value, 10);
    assert.equal(total(values, BARNET).method, 'student-t');
    const noSd = computeIndicatorValues(mean, [count(BARNET, 100, 10)]);
    assert.match(total(noSd, BARNET).intervalNote ?? '', /standard deviation/);
  });

  it('turns zero denominators into a suppressed value, never NaN', () => {
    const values = computeIndicatorValues(pct, [count(BARNET, 0, 0)]);
    assert.equal(total(values, BARNET).suppressed?.reason, 'zero-denominator');
    assert.equal(total(values, BARNET).value, null);
  });

  it('keeps only its own indicator and orders by period, area, group', () => {
    const values = computeIndicatorValues(pct, [
      count(CAMDEN, 1, 2, { indicatorCode: 'LW1.2' }),
      count(CAMDEN, 10, 20, { period: '2023/24 Q2' }),
      count(BARNET, 10, 20, { period: '2023/24 Q2' }),
      count(BARNET, 10, 20),
    ]);
    assert.deepEqual(
      values.map((v) => `${v.period} ${v.areaName}`),
      [
        '2023/24 Q1 North Central London',
        '2023/24 Q1 Barnet',
        '2023/24 Q2 North Central London',
        '2023/24 Q2 Barnet',
        '2023/24 Q2 Camden',
      ],
    );
  });

  it('maps validated return rows to counts', () => {
    const counts = countsFromReturnRows(
      [
        {
          row: 2,
          indicatorCode: 'LW1.1',
          period: '2023/24 Q1',
          borough: BARNET,
          breakdown: 'total',
          breakdownValue: '',
          numerator: 1,
          denominator: 2,
          notes: '',
        },
      ],
      'RRP',
    );
    assert.deepEqual(counts, [count(BARNET, 1, 2, { provider: 'RRP' })]);
  });

  it('properties: published intervals contain the value, stay in 0–100, and no NaN', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2000), fc.nat(2000)), { minLength: 5, maxLength: 5 }), (pairs) => {
        const values = computeIndicatorValues(
          pct,
          FIVE.map((area, i) => count(area, Math.min(pairs[i][0], pairs[i][1]), Math.max(pairs[i][0], pairs[i][1]))),
        );
        assert.equal(values.length, 6, 'five boroughs and the NCL total, or the loop below checks nothing');
        for (const v of values) {
          for (const x of [v.value, v.lower95, v.upper95, v.lower998, v.upper998])
            assert.ok(x === null || Number.isFinite(x));
          if (v.value === null) {
            assert.ok(v.suppressed !== null && v.numerator === null);
            continue;
          }
          assert.ok((v.lower998 as number) <= (v.lower95 as number) + 1e-9);
          assert.ok((v.lower95 as number) <= v.value + 1e-9 && v.value <= (v.upper95 as number) + 1e-9);
          assert.ok((v.upper95 as number) <= (v.upper998 as number) + 1e-9);
          assert.ok((v.lower998 as number) >= 0 && (v.upper998 as number) <= 100);
        }
        // Never exactly one suppressed borough beside a published NCL total.
        const disclosure = ['small-count', 'complement', 'small-denominator', 'secondary'];
        const hidden = values.filter((v) => v.area !== 'QMJ' && disclosure.includes(v.suppressed?.reason ?? ''));
        const ncl = values.find((v) => v.area === 'QMJ');
        assert.ok(ncl, 'the NCL total is computed');
        if (ncl.suppressed === null) assert.notEqual(hidden.length, 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe("suppressCountTable (disclosure control for other modules' tables of counts)", () => {
  it("agrees with the framework file's default rule and hides 1 to 4, never 0 or 5", async () => {
    const framework = await loadFramework('data/ncl/outcomes/framework.json');
    assert.deepEqual(DEFAULT_DISCLOSURE, framework.defaultDisclosure);
    assert.deepEqual(
      [0, 1, 4, 5].map((n) => isSmallCount(n)),
      [false, true, true, false],
    );
  });
  it('hides a second cell where one hidden cell could be worked out from a published total', () => {
    // Two wards × two outcomes, row totals last, column totals in the last row.
    const hidden = suppressCountTable([
      [3, 10, 13],
      [8, 20, 28],
      [11, 30, 41],
    ]);
    // 3 is small; then 10 hides (its row), 8 (its column) and 20 (the second column).
    assert.equal(hidden[0]?.[0], true);
    assert.equal(hidden[0]?.[1], true);
    assert.equal(hidden[1]?.[0], true);
    assert.equal(hidden[0]?.[2], false, 'the ward total of 13 is published');
    for (const [row, total] of hidden.map((r, i) => [r, i] as const)) {
      void total;
      assert.notEqual(row.slice(0, -1).filter(Boolean).length, 1, 'no row with exactly one hidden cell');
    }
  });
  it('leaves a table without small counts alone', () => {
    const hidden = suppressCountTable([
      [6, 10, 16],
      [8, 0, 8],
      [14, 10, 24],
    ]);
    assert.ok(hidden.flat().every((h) => !h));
  });
});
