import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { type AgeGroupProvision, loadOfferFolder } from '../offer/index.ts';
import { loadPlaces, type Place } from '../places/index.ts';
import {
  assessRow,
  BASELINE_HEADER,
  type BaselineRow,
  baselineTemplateCsv,
  caseForChange,
  COMMUNITY_TOTAL,
  gapMatrix,
  parseBaselineCsv,
  poundsToPence,
  SYSTEM_TOTAL,
  validateBaselineRows,
  variation,
} from './index.ts';

const day = { open: '08:00', close: '20:00' };
const provision: AgeGroupProvision = {
  ageGroup: 'children-young-people',
  hours: {
    twentyFourSeven: false,
    days: {
      monday: day,
      tuesday: day,
      wednesday: day,
      thursday: day,
      friday: day,
      saturday: { open: '09:00', close: '13:00' },
      sunday: { closed: true },
    },
  },
  outOfHours: 'Call 111',
  responseStandards: [{ urgency: 'routine', firstContact: 'P8W', clock: 'calendar', target: 0.95 }],
  accessRoutes: ['self-referral', 'professional-referral'],
  eligibility: [],
  pointsOfDelivery: ['clinic', 'home'],
  bestPractice: [],
  integration: [],
  workforce: [],
  accessibility: { interpreting: true, bsl: true, dementiaFriendly: false, notDigitalOnly: true, other: [] },
};
const good: BaselineRow = {
  period: '2021-22',
  borough: 'E09000003',
  component: 'x',
  ageGroup: 'children-young-people',
  offered: 'full',
  hours: {
    weekday: { kind: 'open', open: '08:00', close: '20:00' },
    weekend: { kind: 'open', open: '09:00', close: '13:00' },
  },
  accessRoutes: ['self-referral', 'professional-referral'],
  pointsOfDelivery: ['clinic', 'home'],
  ages: { from: 0, to: 17 },
  medianWaitWeeks: 4,
  p90WaitWeeks: 8,
  staffWte: {},
};
const reasons = (row: BaselineRow | undefined) => assessRow(row, provision).reasons.map((r) => r.code);

describe('gap matrix rules', () => {
  it('meets when every standard is met, not-offered without a row or when none', () => {
    assert.deepEqual(assessRow(good, provision), { status: 'meets', reasons: [] });
    assert.equal(assessRow(undefined, provision).status, 'not-offered');
    assert.equal(assessRow({ ...good, offered: 'none' }, provision).status, 'not-offered');
  });
  it('hours: weekday opening narrower than the offer', () => {
    const row = {
      ...good,
      hours: { ...good.hours!, weekday: { kind: 'open' as const, open: '09:00', close: '17:00' } },
    };
    assert.deepEqual(reasons(row), ['hours']);
    assert.equal(assessRow(row, provision).status, 'partly');
  });
  it('out-of-hours: no weekend cover, or not 24/7 when the offer is', () => {
    assert.deepEqual(reasons({ ...good, hours: { ...good.hours!, weekend: { kind: 'closed' } } }), ['out-of-hours']);
    const allDay = { ...provision, hours: { twentyFourSeven: true } };
    assert.deepEqual(
      assessRow(good, allDay).reasons.map((r) => r.code),
      ['out-of-hours'],
    );
    assert.deepEqual(
      assessRow({ ...good, hours: { weekday: { kind: '24h' }, weekend: { kind: '24h' } } }, allDay).reasons,
      [],
    );
  });
  it('response-time: a 95% standard is checked against the 90th percentile, a 75% one against the median', () => {
    assert.deepEqual(reasons({ ...good, p90WaitWeeks: 8.5 }), ['response-time']);
    const loose = { ...provision, responseStandards: [{ ...provision.responseStandards[0], target: 0.75 }] };
    assert.deepEqual(assessRow({ ...good, p90WaitWeeks: 12 }, loose).reasons, []);
    assert.deepEqual(
      assessRow({ ...good, medianWaitWeeks: 9, p90WaitWeeks: 12 }, loose).reasons.map((r) => r.code),
      ['response-time'],
    );
  });
  it('access-route, age-coverage and point-of-delivery', () => {
    assert.deepEqual(reasons({ ...good, accessRoutes: ['professional-referral'] }), ['access-route']);
    assert.deepEqual(reasons({ ...good, ages: { from: 0, to: 15 } }), ['age-coverage']);
    assert.deepEqual(reasons({ ...good, pointsOfDelivery: ['clinic'] }), ['point-of-delivery']);
    const m = assessRow({ ...good, accessRoutes: ['professional-referral'] }, provision).reasons[0];
    assert.match(m.message, /self-referral/);
  });
  it('reported-partial when the data shows no other gap, and "full" rows that miss a standard are partly', () => {
    assert.deepEqual(reasons({ ...good, offered: 'partial', notes: 'no Saturday clinic in winter' }), [
      'reported-partial',
    ]);
    assert.equal(assessRow({ ...good, offered: 'full', ages: { from: 2, to: 17 } }, provision).status, 'partly');
  });
});

function place(code: string, total: number, cyp: number, older: number, diabetes: number): Place {
  const fig = (value: number) => ({ value, illustrative: true });
  return {
    code,
    name: code,
    systemId: 'T',
    population: {
      total: fig(total),
      'children-young-people': fig(cyp),
      'young-adults': fig(0),
      'working-age-adults': fig(total - cyp - older),
      'older-adults': fig(older),
    },
    needs: [
      { code: 'd', name: 'D', value: diabetes, unit: 'percent', direction: 'higher-is-more-need', illustrative: true },
    ],
  };
}

describe('variation arithmetic', () => {
  it('computes per head, per need-weighted head, per 100,000 and distance from the pooled system figure', async () => {
    const offer = await loadOfferFolder('data/ncl/offer');
    const comp = offer.components.find((c) => c.code === 'diabetes-specialist-nursing-and-education')!;
    const places = [place('E09000001', 1000, 200, 100, 10), place('E09000002', 3000, 1000, 500, 5)];
    const row = (borough: string, ageGroup: BaselineRow['ageGroup'], spendPence: number, wte: number): BaselineRow => ({
      period: '2021-22',
      borough,
      component: comp.code,
      ageGroup,
      offered: 'full',
      staffWte: { nursing: wte },
      spendPence,
      medianWaitWeeks: ageGroup === 'older-adults' ? 6 : 2,
    });
    const rows = [
      row('E09000001', 'working-age-adults', 60_000, 0.5),
      row('E09000001', 'older-adults', 20_000, 0.3),
      row('E09000002', 'working-age-adults', 100_000, 1),
      row('E09000002', 'older-adults', 100_000, 1),
    ];
    const v = variation({ period: '2021-22', places, components: [comp], rows, needIndicators: { [comp.code]: 'd' } });
    const a = v.find((r) => r.component === comp.code && r.borough === 'E09000001')!;
    const b = v.find((r) => r.component === comp.code && r.borough === 'E09000002')!;
    const s = v.find((r) => r.component === comp.code && r.borough === SYSTEM_TOTAL)!;
    // Adults (18+): 800 and 2,000; spend 80,000p and 200,000p.
    assert.equal(a.population, 800);
    assert.equal(a.spendPerHeadPence, 100);
    assert.equal(b.spendPerHeadPence, 100);
    assert.equal(s.spendPerHeadPence, 280_000 / 2800);
    // Cases: 80 and 100, so the 2,800 people are shared 1,244.4 : 1,555.6.
    assert.ok(Math.abs(a.needWeightedPopulation! - (2800 * 80) / 180) < 1e-9);
    assert.ok(Math.abs(a.spendPerNeedWeightedHeadPence! - 80_000 / ((2800 * 80) / 180)) < 1e-9);
    assert.ok(Math.abs(a.staffPer100k! - 100) < 1e-9);
    assert.ok(Math.abs(s.staffPer100k! - (2.8 / 2800) * 100_000) < 1e-9);
    assert.ok(Math.abs(a.distance.staffPer100k.ratio! - 1) < 1e-9);
    assert.ok(Math.abs(a.distance.spendPerNeedWeightedHead.ratio! - 80_000 / ((2800 * 80) / 180) / 100) < 1e-9);
    // Worst median against the offer's 4-week routine standard.
    assert.equal(a.medianWaitWeeks, 6);
    assert.equal(a.waitOverStandardWeeks, 2);
    assert.equal(a.distance.medianWait.difference, 0);
    const total = v.find((r) => r.component === COMMUNITY_TOTAL && r.borough === 'E09000002')!;
    assert.equal(total.population, 3000);
  });
});

describe('import validation', () => {
  const ctx = { boroughs: ['E09000003', 'E09000007'], components: ['podiatry', 'district-nursing'] };
  const blank = Object.fromEntries(BASELINE_HEADER.map((h) => [h, '']));
  const ok = {
    ...blank,
    period: '2021-22',
    borough_code: 'E09000003',
    component_code: 'podiatry',
    age_group: 'older-adults',
    offered: 'full',
  };

  it('accepts the template example row and converts pounds to pence exactly', () => {
    const r = parseBaselineCsv(baselineTemplateCsv(), { boroughs: ['E09000003'], components: ['district-nursing'] });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.rows[0].spendPence, 125_000_000);
    assert.equal(r.rows[0].line, 2);
    assert.equal(poundsToPence('0.1'), 10);
    assert.equal(poundsToPence('19.99'), 1999);
    assert.equal(poundsToPence('£5'), null);
  });
  it('bad header: missing and unknown columns', () => {
    const r = parseBaselineCsv(
      'period,borough,component_code,age_group,offered\n2021-22,E09000003,podiatry,older-adults,full\n',
      ctx,
    );
    assert.ok(!r.ok);
    assert.deepEqual(
      r.errors.map((e) => [e.row, e.column]),
      [
        [1, 'borough_code'],
        [1, 'borough'],
      ],
    );
  });
  it('provider and Agenda for Change bands: optional, checked against known organisations and the staff', () => {
    const withProviders = { ...ctx, providers: ['RYX', 'RV3'] };
    const good = validateBaselineRows(
      [{ ...ok, provider_code: 'ryx', wte_nursing: '10', wte_medical: '2', wte_band_5: '4', wte_band_6: '6' }],
      withProviders,
    );
    assert.ok(good.ok, JSON.stringify(good));
    assert.equal(good.rows[0].provider, 'RYX');
    assert.deepEqual(good.rows[0].bandWte, { 'band-5': 4, 'band-6': 6 });
    // A file with no provider or band columns at all still imports, with neither set.
    const old = validateBaselineRows(
      [
        {
          period: '2021-22',
          borough_code: 'E09000003',
          component_code: 'podiatry',
          age_group: 'older-adults',
          offered: 'full',
        },
      ],
      ctx,
    );
    assert.ok(old.ok);
    assert.equal(old.rows[0].provider, undefined);
    assert.equal(old.rows[0].bandWte, undefined);
    const bad = validateBaselineRows(
      [
        { ...ok, provider_code: 'RAL' },
        { ...ok, age_group: 'working-age-adults', provider_code: 'not a code!' },
        {
          ...ok,
          age_group: 'children-young-people',
          wte_nursing: '5',
          wte_medical: '3',
          wte_band_6: '7',
          wte_band_7: 'x',
        },
        { ...ok, age_group: 'young-adults', wte_nursing: '5', wte_medical: '3', wte_band_6: '7' },
      ],
      withProviders,
    );
    assert.ok(!bad.ok);
    assert.deepEqual(
      bad.errors.map((e) => [e.row, e.column]),
      [
        [2, 'provider_code'],
        [3, 'provider_code'],
        [4, 'wte_band_7'],
        [5, 'wte_band_8a_plus'],
      ],
    );
    assert.match(bad.errors[0].message, /Unknown provider RAL/);
    assert.match(bad.errors[3].message, /add up to 7 WTE, more than the 5 WTE/);
    // Without a directory any code that looks like one is accepted.
    assert.ok(validateBaselineRows([{ ...ok, provider_code: 'RAL' }], ctx).ok);
  });
  it('wrong type: names the row, column and what was expected', () => {
    const r = validateBaselineRows(
      [ok, { ...ok, age_group: 'working-age-adults', spend_gbp: '£1,000', median_wait_weeks: 'six' }],
      ctx,
    );
    assert.ok(!r.ok);
    assert.deepEqual(
      r.errors.map((e) => [e.row, e.column]),
      [
        [3, 'median_wait_weeks'],
        [3, 'spend_gbp'],
      ],
    );
    assert.match(r.errors[1].expected, /pounds/);
    assert.equal(r.errors[1].actual, '£1,000');
  });
  it('unknown borough or component', () => {
    const r = validateBaselineRows(
      [
        { ...ok, borough_code: 'E09000999' },
        { ...ok, component_code: 'reiki' },
      ],
      ctx,
    );
    assert.ok(!r.ok);
    assert.deepEqual(
      r.errors.map((e) => [e.row, e.column]),
      [
        [2, 'borough_code'],
        [3, 'component_code'],
      ],
    );
  });
  it('duplicate rows name the first occurrence', () => {
    const r = validateBaselineRows([ok, { ...ok, offered: 'partial' }], ctx);
    assert.ok(!r.ok);
    assert.equal(r.errors[0].row, 3);
    assert.match(r.errors[0].message, /Duplicate of row 2/);
  });
});

describe('NCL demo baseline', async () => {
  const offer = await loadOfferFolder('data/ncl/offer');
  const { places } = await loadPlaces('data/ncl/places.json');
  const parsed = parseBaselineCsv(await readFile('data/ncl/baseline/2021-22.csv', 'utf8'), {
    boroughs: places.map((p) => p.code),
    components: offer.components,
  });

  it('imports cleanly', () => {
    assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.errors.slice(0, 3)));
  });
  const rows = parsed.ok ? parsed.rows : [];
  const findings = caseForChange({ period: '2021-22', places, components: offer.components, rows });
  const sentences = findings.map((f) => f.sentence);
  const find = (re: RegExp) => {
    const f = findings.find((x) => re.test(x.sentence));
    assert.ok(f, `no finding matches ${re}\n${sentences.join('\n')}`);
    assert.equal(f.period, '2021-22');
    assert.ok(f.sources.length > 0);
    assert.ok(f.chart.bars.length >= 2);
    return f;
  };

  it('finds Enfield: over twice the diabetes prevalence of Camden, half the resource', () => {
    find(
      /^Enfield has over twice Camden's diabetes prevalence .* but half its diabetes .* resource: £2\.00 against £4\.00/,
    );
  });
  it("finds Camden's care-home in-reach 25% higher than Barnet's, despite Barnet's older population and most beds", () => {
    find(
      /^Camden's care home in-reach is 25% higher than Barnet's .*Barnet has an older population .* the most care home beds in NCL/,
    );
  });
  it('finds Barnet children waiting 20 weeks longer than Camden for speech and language therapy', () => {
    find(
      /^Children and young people in Barnet wait 20 weeks longer than in Camden to be seen by speech and language therapy/,
    );
  });
  it('finds £98 per head in Haringey against £192 in Islington', () => {
    const f = find(/^£98 per head is spent on community health services in Haringey against £192 in Islington/);
    assert.ok(f.sources.some((s) => /NCL JHOSC community health services review update/.test(s)));
  });
  it("finds Islington with five times Barnet's children's community nursing staff and the only children's hospital at home", () => {
    find(/^Islington has five times Barnet's children’s community nursing staff/);
    find(/^Islington is the only borough with children’s hospital at home/);
  });
  it('ranks findings by size', () => {
    for (let i = 1; i < findings.length; i++) assert.ok(findings[i - 1].size >= findings[i].size);
    assert.deepEqual(
      findings.map((f) => f.rank),
      findings.map((_, i) => i + 1),
    );
  });
  it('has gaps in the matrix: children’s hospital at home only in Islington', () => {
    const cells = gapMatrix({
      period: '2021-22',
      boroughs: places.map((p) => p.code),
      components: offer.components,
      rows,
    });
    const chah = cells.filter((c) => c.component === 'childrens-hospital-at-home');
    assert.deepEqual(
      chah.filter((c) => c.status !== 'not-offered').map((c) => c.borough),
      ['E09000019'],
    );
    assert.ok(cells.some((c) => c.status === 'partly'));
  });
});
