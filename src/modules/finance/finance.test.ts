// The pure finance model: costs, savings, the ramp, levers, Monte Carlo percentiles, phasing feasibility and
// optimality (greedy ≤ MILP, brute force on small problems), with fast-check properties.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { BaselineRow, GapCell, VariationRow } from '../baseline/index.ts';
import type { Component } from '../offer/index.ts';
import {
  applyAssumptionChanges,
  costItems,
  defaultAssumptions,
  evaluatePlan,
  evaluatePlanFast,
  fixedLevers,
  fundingBySource,
  gapFacts,
  type ModelInput,
  monteCarlo,
  type PhasingProblem,
  percentile,
  planViolations,
  planYears,
  bandCosts,
  providerProductivity,
  projectPlan,
  rampShare,
  rng,
  runScenario,
  samplePert,
  solveGreedy,
  solveMilp,
  tornado,
  validatePhasing,
  valuesOf,
} from './index.ts';

const A = valuesOf(defaultAssumptions());
const with_ = (changes: Record<string, number>) => ({ ...A, ...changes });

// A small made-up system: two boroughs, urgent community response (admission avoidance) and district nursing.
const provision = (ageGroup: string, routes: string[] = ['professional-referral']) =>
  ({
    ageGroup,
    accessRoutes: routes,
    pointsOfDelivery: ['home'],
    responseStandards: [],
  }) as unknown as Component['provisions'][number];
const components = [
  {
    code: 'urgent-community-response',
    domain: 'community',
    provisions: [provision('older-adults', ['central-point-of-access'])],
  },
  {
    code: 'district-nursing',
    domain: 'community',
    provisions: [provision('older-adults'), provision('working-age-adults')],
  },
  { code: 'central-point-of-access', domain: 'community', provisions: [provision('older-adults')] },
] as unknown as Component[];
const v = (borough: string, component: string, staffWte: number, population: number): VariationRow =>
  ({ borough, component, staffWte, population, needWeightedPopulation: null }) as unknown as VariationRow;
const cell = (
  borough: string,
  component: string,
  ageGroup: string,
  status: GapCell['status'],
  codes: string[] = [],
): GapCell => ({
  period: '2021-22',
  borough,
  component,
  ageGroup,
  status,
  reasons: codes.map((code) => ({ code, message: '', expected: '', actual: '' })) as GapCell['reasons'],
});
const row = (borough: string, component: string, wte: number, spendPence: number, contacts: number): BaselineRow => ({
  period: '2021-22',
  borough,
  component,
  ageGroup: 'older-adults',
  offered: 'full',
  staffWte: { nursing: wte * 0.8, support: wte * 0.2 },
  spendPence,
  contacts,
});
const input: ModelInput = {
  boroughs: [
    { code: 'B1', name: 'One' },
    { code: 'B2', name: 'Two' },
  ],
  components,
  gaps: [
    cell('B1', 'urgent-community-response', 'older-adults', 'partly', ['out-of-hours']),
    cell('B2', 'urgent-community-response', 'older-adults', 'meets'),
    cell('B1', 'district-nursing', 'older-adults', 'meets'),
    cell('B1', 'district-nursing', 'working-age-adults', 'meets'),
    cell('B2', 'district-nursing', 'older-adults', 'not-offered'),
    cell('B2', 'district-nursing', 'working-age-adults', 'not-offered'),
    cell('B1', 'central-point-of-access', 'older-adults', 'partly', ['hours']),
    cell('B2', 'central-point-of-access', 'older-adults', 'meets'),
  ],
  variation: [
    v('B1', 'urgent-community-response', 5, 100000),
    v('B2', 'urgent-community-response', 20, 100000),
    v('B1', 'district-nursing', 40, 200000),
    v('B2', 'district-nursing', 0, 100000),
    v('B1', 'central-point-of-access', 2, 100000),
    v('B2', 'central-point-of-access', 3, 100000),
  ],
  rows: [
    row('B1', 'urgent-community-response', 5, 50_000_000, 5000),
    row('B2', 'urgent-community-response', 20, 150_000_000, 20000),
    row('B1', 'district-nursing', 40, 300_000_000, 40000),
    row('B1', 'central-point-of-access', 2, 10_000_000, 4000),
    row('B2', 'central-point-of-access', 3, 30_000_000, 4000),
  ],
};
const facts = gapFacts(input);
const byId = (items: ReturnType<typeof costItems>, id: string) => items.find((i) => i.id === id)!;

describe('cost of closing each gap', () => {
  test('a gap item for every borough and component the matrix marks, none for cells that meet the offer', () => {
    assert.deepEqual(
      facts.items.map((i) => i.id),
      ['B1:central-point-of-access', 'B1:urgent-community-response', 'B2:district-nursing'],
    );
  });

  test('partly met: staff up to the best-in-class rate (staff per head, at the chosen quantile) times the population', () => {
    const items = costItems(facts, with_({ 'capacity.targetQuantile': 1 }));
    const ucr = byId(items, 'B1:urgent-community-response');
    // Best rate is B2's 20 per 100,000; B1 has 5, so 15 WTE to add.
    assert.equal(ucr.targetWte, 20);
    assert.equal(ucr.addWte, 15);
    // 80% nurses and 20% support workers, at their unit costs, plus the extra non-pay.
    const pay = 15 * 0.8 * A['cost.wte.nursing'] + 15 * 0.2 * A['cost.wte.support'];
    assert.ok(Math.abs(ucr.annualCost - pay * (1 + A['cost.nonPayExtra'])) < 1e-6);
    assert.equal(ucr.setupCost, 15 * A['setup.perWte']);
  });

  test('not offered: the whole target staffing, and the one-off cost of a new service', () => {
    const items = costItems(facts, A);
    const dn = byId(items, 'B2:district-nursing');
    assert.equal(dn.status, 'not-offered');
    assert.equal(dn.addWte, 20); // B1's 40 per 200,000 is the only rate: 20 per 100,000
    assert.equal(dn.setupCost, 20 * A['setup.perWte'] + A['setup.newService']);
  });

  test('an item that relies on the central point of access requires the CPA item in its borough', () => {
    assert.deepEqual(byId(costItems(facts, A), 'B1:urgent-community-response').requires, [
      'B1:central-point-of-access',
    ]);
  });

  test('staff by band: where the baseline gives the bands of a service, its new staff are costed at that band mix', () => {
    // UCR's rows give bands: 3 WTE at band 5 for every 1 at band 7, across the boroughs.
    const banded: ModelInput = {
      ...input,
      rows: input.rows.map((r) =>
        r.component === 'urgent-community-response'
          ? { ...r, bandWte: { 'band-5': r.staffWte.nursing! * 0.75, 'band-7': r.staffWte.nursing! * 0.25 } }
          : r,
      ),
    };
    const f = gapFacts(banded);
    const a = with_({ 'capacity.targetQuantile': 1 });
    const ucr = byId(costItems(f, a), 'B1:urgent-community-response');
    const perWte = 0.75 * A['cost.band.band-5'] + 0.25 * A['cost.band.band-7'];
    // Every non-medical WTE (nurses and support workers alike) at the mix; 15 WTE to add as before.
    assert.ok(Math.abs(ucr.annualCost - 15 * perWte * (1 + A['cost.nonPayExtra'])) < 1e-6);
    // A dearer band 7 raises it; the nurse's group cost no longer moves it; services with no bands keep it.
    const dearer = byId(costItems(f, with_({ 'capacity.targetQuantile': 1, 'cost.band.band-7': 200_000 })), ucr.id);
    assert.ok(dearer.annualCost > ucr.annualCost);
    const groupDearer = costItems(f, with_({ 'capacity.targetQuantile': 1, 'cost.wte.nursing': 200_000 }));
    assert.equal(byId(groupDearer, ucr.id).annualCost, ucr.annualCost);
    assert.ok(
      byId(groupDearer, 'B2:district-nursing').annualCost > byId(costItems(f, a), 'B2:district-nursing').annualCost,
    );
    // The Monte Carlo fast path costs it the same way.
    const slow = projectPlan(costItems(f, a), [0, 0, 0], a, fixedLevers(banded, a, 3));
    const fast = evaluatePlanFast(f, [0, 0, 0], a, 3);
    for (let t = 0; t < 3; t++)
      assert.ok(Math.abs(slow.investment[t] - fast.investment[t]) < 1e-6 * slow.investment[t]);
  });

  test('a higher unit cost raises the cost; a larger effect raises the savings (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1000, max: 300000, noNaN: true }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        (cost, effect) => {
          const base = costItems(
            facts,
            with_({ 'cost.wte.nursing': cost, 'effect.urgent-community-response': effect }),
          );
          const dearer = costItems(
            facts,
            with_({ 'cost.wte.nursing': cost * 1.1, 'effect.urgent-community-response': effect }),
          );
          const bigger = costItems(
            facts,
            with_({ 'cost.wte.nursing': cost, 'effect.urgent-community-response': effect + 5 }),
          );
          const sum = (xs: typeof base, f: (i: (typeof base)[number]) => number) => xs.reduce((s, i) => s + f(i), 0);
          assert.ok(sum(dearer, (i) => i.annualCost) > sum(base, (i) => i.annualCost));
          assert.ok(sum(bigger, (i) => i.bedDaysSaved) > sum(base, (i) => i.bedDaysSaved));
          assert.ok(sum(bigger, (i) => i.grossSaving) > sum(base, (i) => i.grossSaving));
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('savings', () => {
  test('avoided admissions × length of stay = bed days, valued at the non-elective cost; only a share is cashable', () => {
    const items = costItems(facts, with_({ 'capacity.targetQuantile': 1 }));
    const ucr = byId(items, 'B1:urgent-community-response');
    assert.ok(Math.abs(ucr.admissionsAvoided - 15 * A['effect.urgent-community-response']) < 1e-9);
    assert.ok(Math.abs(ucr.bedDaysSaved - ucr.admissionsAvoided * A['savings.losDays']) < 1e-9);
    assert.ok(Math.abs(ucr.grossSaving - ucr.admissionsAvoided * A['unit.nonElective']) < 1e-6);
    assert.ok(Math.abs(ucr.cashableSaving - ucr.grossSaving * A['savings.cashableShare']) < 1e-6);
    assert.equal(byId(items, 'B2:district-nursing').bedDaysSaved, 0); // no evidence of avoided admissions
  });

  test('the ramp: nothing before the lead time, full effect once it and the ramp have passed, never decreasing', () => {
    const a = with_({ 'recruit.leadMonths': 12, 'savings.rampYears': 1 });
    assert.equal(rampShare(0, a), 0);
    assert.ok(rampShare(1, a) > 0 && rampShare(1, a) < 1);
    assert.equal(rampShare(2, a), 1);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 24, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (lead, ramp) => {
          const b = with_({ 'recruit.leadMonths': lead, 'savings.rampYears': ramp });
          let last = 0;
          for (let k = 0; k < 8; k++) {
            const s = rampShare(k, b);
            assert.ok(s >= last - 1e-12 && s <= 1 + 1e-12);
            last = s;
          }
        },
      ),
    );
  });

  test('a plan’s bed days follow the ramp; beds equivalent is bed days ÷ 365; system savings reinvest last year’s cashable share', () => {
    const items = costItems(facts, A);
    const levers = fixedLevers(input, A, 3);
    const start = items.map(() => 0);
    const r = projectPlan(items, start, A, levers);
    const full = items.reduce((s, i) => s + i.bedDaysSaved, 0);
    assert.ok(Math.abs(r.bedDaysSaved[2] - full * rampShare(2, A)) < 1e-6);
    assert.ok(Math.abs(r.bedsEquivalent[1] - r.bedDaysSaved[1] / 365) < 1e-9);
    assert.equal(r.funding.systemSavings[0], 0);
    assert.ok(Math.abs(r.funding.systemSavings[2] - A['savings.reinvestShare'] * r.cashableSavings[1]) < 1e-6);
  });
});

describe('the Monte Carlo fast path', () => {
  test('gives the same investment, net cost and bed days as costing the items and projecting the plan (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 10000, max: 200000, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.array(fc.integer({ min: -1, max: 2 }), { minLength: 3, maxLength: 3 }),
        (q, cost, effect, start) => {
          const a = with_({
            'capacity.targetQuantile': q,
            'cost.wte.nursing': cost,
            'effect.urgent-community-response': effect,
          });
          const slow = projectPlan(costItems(facts, a), start, a, fixedLevers(input, a, 3));
          const fast = evaluatePlanFast(facts, start, a, 3);
          for (let t = 0; t < 3; t++) {
            assert.ok(Math.abs(slow.investment[t] - fast.investment[t]) < 1e-6 * Math.max(1, slow.investment[t]));
            assert.ok(Math.abs(slow.netCost[t] - fast.netCost[t]) < 1e-6 * Math.max(1, Math.abs(slow.netCost[t])));
            assert.ok(Math.abs(slow.bedDaysSaved[t] - fast.bedDays[t]) < 1e-6 * Math.max(1, slow.bedDaysSaved[t]));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('funding levers', () => {
  test('funding by source: growth monies and national allocations are new money, the other levers recycle', () => {
    const years = (v: number) => [v, v];
    const split = fundingBySource({
      efficiency: years(1),
      scale: years(2),
      systemSavings: years(3),
      redistribution: years(4),
      growth: years(10),
      national: years(20),
    });
    assert.deepEqual(split, { newMoney: 60, ownLevers: 20 });
  });

  test('productivity: cost per contact against the best quartile, and the money reaching it would release', () => {
    // These rows name no provider, so each borough is benchmarked as one.
    const p = providerProductivity(input.rows, 0).rows;
    const b1 = p.find((x) => x.boroughs[0] === 'B1' && x.component === 'urgent-community-response')!;
    // B1 spends £500,000 on 5,000 contacts (£100 each); B2 £75 each, the best: £25 × 5,000 released.
    assert.equal(b1.costPerContact, 100);
    assert.equal(b1.bestCostPerContact, 75);
    assert.equal(b1.release, 125000);
    assert.equal(b1.contactsPerWte, 1000);
  });

  test('per provider: boroughs with one provider pool, best quartile of the peers, skill mix by band', () => {
    const r = (borough: string, provider: string | undefined, spend: number, contacts: number, bands?: object) => ({
      ...row(borough, 'urgent-community-response', 10, spend * 100, contacts),
      ...(provider ? { provider } : {}),
      ...(bands ? { bandWte: bands } : {}),
    });
    const rows: BaselineRow[] = [
      // P1 serves B1 and B2: £1,000,000 on 10,000 contacts (£100 a contact), 20 WTE, half band 5, half band 7.
      r('B1', 'P1', 400_000, 5000, { 'band-5': 5, 'band-7': 3 }),
      r('B2', 'P1', 600_000, 5000, { 'band-5': 5, 'band-7': 7 }),
      // P2 £50 a contact, all band 6; P3 £80; B4 names no provider: £200 a contact.
      r('B3', 'P2', 500_000, 10000, { 'band-6': 10 }),
      r('B5', 'P3', 800_000, 10000),
      r('B4', undefined, 2_000_000, 10000),
      { ...r('B4', 'P2', 0, 0), component: 'district-nursing', offered: 'none' },
    ];
    const rep = providerProductivity(rows, 0, new Map([['P1', 'Provider one']]), new Map([['B4', 'Four']]));
    assert.equal(rep.rows.length, 4); // a service not offered is not benchmarked
    const p1 = rep.rows.find((x) => x.provider === 'P1')!;
    assert.equal(p1.providerName, 'Provider one');
    assert.deepEqual(p1.boroughs, ['B1', 'B2']);
    assert.equal(p1.costPerContact, 100);
    assert.equal(p1.contactsPerWte, 500);
    assert.equal(p1.bestCostPerContact, 50); // quantile 0: the cheapest peer
    assert.equal(p1.release, 500_000); // (£100 − £50) × 10,000
    assert.deepEqual(p1.bandMix, { 'band-5': 0.5, 'band-7': 0.5 });
    assert.equal(p1.seniorShare, 0.5);
    assert.deepEqual(p1.bestBandMix, { 'band-6': 1 }); // the mix of the best provider
    const b4 = rep.rows.find((x) => x.provider === null)!;
    assert.equal(b4.providerName, 'Four (provider not given)');
    assert.equal(b4.release, 1_500_000);
    assert.equal(b4.seniorShare, null);
    assert.equal(rep.rows[0], b4); // largest release first
    assert.equal(rep.totalRelease, 1_500_000 + 500_000 + 300_000);
    assert.deepEqual(
      rep.providers.map((x) => [x.code, x.release]),
      [
        ['P1', 500_000],
        ['P3', 300_000],
        ['P2', 0],
      ],
    );
    // At the best quartile (0.25) of £50, £80, £100 and £200 the best is £72.50; a lower bar releases less.
    const q = providerProductivity(rows, 0.25);
    assert.equal(q.rows.find((x) => x.provider === 'P1')!.bestCostPerContact, 72.5);
    assert.ok(q.totalRelease < rep.totalRelease);
    // A service with one provider has no best in class to compare with.
    assert.equal(providerProductivity([rows[2]], 0.25).rows[0].bestCostPerContact, null);
  });

  test('skill mix costed: what the same band staff would cost less in the best-in-class mix', () => {
    const r = (borough: string, provider: string, spend: number, bands: object) => ({
      ...row(borough, 'urgent-community-response', 10, spend * 100, 10000),
      provider,
      bandWte: bands,
    });
    const rows: BaselineRow[] = [
      r('B1', 'P1', 1_000_000, { 'band-5': 10, 'band-7': 10 }),
      r('B2', 'P2', 500_000, { 'band-6': 10 }),
      r('B3', 'P3', 800_000, {}),
    ];
    const cost = { ...bandCosts(A), 'band-5': 40_000, 'band-6': 50_000, 'band-7': 80_000 };
    const rep = providerProductivity(rows, 0, new Map(), new Map(), cost);
    const of = (p: string) => rep.rows.find((x) => x.provider === p)!;
    // P1's 20 WTE cost £60,000 each in its half band 5, half band 7 mix; £50,000 in P2's all band 6.
    assert.equal(of('P1').skillMixRelease, 20 * 10_000);
    assert.equal(of('P2').skillMixRelease, 0); // the best in class itself
    assert.equal(of('P3').skillMixRelease, null); // no bands given
    assert.equal(rep.totalSkillMixRelease, 200_000);
    // Dearer senior bands raise it; at the published costs half band 5, half band 7 costs what band 6 does.
    const dearer = providerProductivity(rows, 0, new Map(), new Map(), { ...cost, 'band-7': 90_000 });
    assert.ok(dearer.totalSkillMixRelease > rep.totalSkillMixRelease);
    assert.equal(providerProductivity(rows, 0).rows.find((x) => x.provider === 'P1')!.skillMixRelease, 0);
  });

  test('efficiency ramps up to its full release; growth follows the assumed profile; redistribution is capped', () => {
    const a = with_({ 'efficiency.bestQuantile': 0, 'efficiency.captureShare': 1, 'efficiency.rampYears': 2 });
    const l = fixedLevers(input, a, 3);
    const release = 125000 + 1_000_000 * 0; // only B1's UCR is above the best; CPA rows are £25 and £75 a contact
    const cpa = (75 - 25) * 4000;
    assert.ok(Math.abs(l.byLever.efficiency[1] - (release + cpa)) < 1e-6);
    assert.ok(Math.abs(l.byLever.efficiency[0] - (release + cpa) / 2) < 1e-6);
    // The release is the per-provider benchmark's, rows with no provider standing as their borough.
    assert.ok(Math.abs(l.byLever.efficiency[1] - providerProductivity(input.rows, 0).totalRelease) < 1e-6);
    assert.deepEqual(l.byLever.growth, [a['funding.growth.y1'], a['funding.growth.y2'], a['funding.growth.y3']]);
    for (let t = 0; t < 3; t++)
      assert.ok(l.byLever.redistribution[t] <= l.baselineSpend * a['redistribution.capPerYear'] * (t + 1) + 1e-9);
  });
});

describe('assumptions', () => {
  const who = { name: 'Test', at: '2024-01-01T00:00:00.000Z' };
  test('unknown keys, negative costs and low > most likely > high are refused, naming the field', () => {
    const list = defaultAssumptions();
    assert.throws(
      () => applyAssumptionChanges(list, [{ key: 'cost.unicorns', value: 1 }], who),
      (e: { fields: { field: string }[] }) => e.fields[0].field === 'assumptions[0].key',
    );
    assert.throws(
      () => applyAssumptionChanges(list, [{ key: 'cost.wte.nursing', value: -1 }], who),
      (e: { fields: { field: string }[] }) => e.fields[0].field === 'assumptions[0].value',
    );
    assert.throws(
      () => applyAssumptionChanges(list, [{ key: 'cost.wte.nursing', value: 90000, low: 95000 }], who),
      (e: { fields: { field: string }[] }) => e.fields[0].field === 'assumptions[0].low',
    );
    assert.throws(
      () => applyAssumptionChanges(list, [{ key: 'cost.wte.nursing', value: 90000, high: 80000 }], who),
      (e: { fields: { field: string }[] }) => e.fields[0].field === 'assumptions[0].high',
    );
  });
  test('a change records who made it and widens the range to hold a new most likely value', () => {
    const { assumptions, changed } = applyAssumptionChanges(
      defaultAssumptions(),
      [{ key: 'cost.wte.nursing', value: 200000 }],
      who,
    );
    const a = assumptions.find((x) => x.key === 'cost.wte.nursing')!;
    assert.equal(a.value, 200000);
    assert.equal(a.high, 200000);
    assert.equal(a.changedBy, 'Test');
    assert.equal(changed.length, 1);
    assert.ok(defaultAssumptions().every((x) => x.illustrative === (x.source === null)));
  });
});

describe('Monte Carlo', () => {
  test('seeded draws repeat exactly; PERT draws stay within low and high and centre near the PERT mean', () => {
    const a = rng(42);
    const b = rng(42);
    for (let i = 0; i < 5; i++) assert.equal(a(), b());
    const u = rng(7);
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = samplePert(10, 20, 50, u);
      assert.ok(x >= 10 && x <= 50);
      sum += x;
    }
    // PERT mean = (low + 4 × mode + high) / 6 = 23.33
    assert.ok(Math.abs(sum / n - (10 + 80 + 50) / 6) < 0.3);
  });

  test('percentiles of a known sample, and P10 ≤ P50 ≤ P90 in every year', () => {
    const s = Float64Array.from({ length: 101 }, (_, i) => i);
    assert.equal(percentile(s, 0.1), 10);
    assert.equal(percentile(s, 0.9), 90);
    const out = monteCarlo({
      uncertain: [{ key: 'x', low: 1, value: 2, high: 4 }],
      base: { x: 2 },
      draws: 2000,
      seed: 3,
      metrics: ['m'] as const,
      years: 3,
      evaluate: (v) => ({ m: [v.x, v.x * 2, v.x * 3] }),
    });
    for (let t = 0; t < 3; t++) {
      assert.ok(out.bands.m.p10[t] <= out.bands.m.p50[t] && out.bands.m.p50[t] <= out.bands.m.p90[t]);
      assert.ok(out.bands.m.p10[t] >= (t + 1) * 1 && out.bands.m.p90[t] <= (t + 1) * 4);
    }
    assert.ok(Math.abs(out.totals.m.p50 - 6 * out.bands.m.p50[0]) < 1e-9);
  });

  test('the tornado ranks the assumption with the larger swing first', () => {
    const bars = tornado(
      [
        { key: 'small', low: 0, value: 1, high: 2 },
        { key: 'big', low: 0, value: 1, high: 10 },
      ],
      { small: 1, big: 1 },
      (v) => v.small + v.big,
    );
    assert.deepEqual(
      bars.map((b) => b.key),
      ['big', 'small'],
    );
    assert.equal(bars[0].swing, 10);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Phasing

const item = (
  id: string,
  annualCost: number,
  setupCost: number,
  annualBenefit: number,
  wte = 1,
  requires: string[] = [],
) => ({
  id,
  annualCost,
  setupCost,
  annualBenefit,
  wte: { nursing: wte },
  requires,
});

/** Every start-year assignment (small problems only): the true optimum. */
function bruteForce(p: PhasingProblem): number {
  const n = p.items.length;
  const T = p.years.length;
  let best = 0;
  const start = new Array(n).fill(-1);
  const rec = (i: number) => {
    if (i === n) {
      if (planViolations(p, start).length === 0) best = Math.max(best, evaluatePlan(p, start).objective);
      return;
    }
    for (let t = -1; t < T; t++) {
      start[i] = t;
      rec(i + 1);
    }
    start[i] = -1;
  };
  rec(0);
  return best;
}

const problemArb = fc
  .record({
    T: fc.integer({ min: 1, max: 3 }),
    items: fc.array(
      fc.record({
        annualCost: fc.integer({ min: 0, max: 50 }),
        setupCost: fc.integer({ min: 0, max: 30 }),
        annualBenefit: fc.integer({ min: 0, max: 40 }),
        wte: fc.integer({ min: 0, max: 4 }),
        dep: fc.boolean(),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    budget: fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 3, maxLength: 3 }),
    cap: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 3, maxLength: 3 }),
  })
  .map(
    ({ T, items, budget, cap }): PhasingProblem => ({
      years: planYears('2023-24', T),
      budget: budget.slice(0, T),
      recruitable: { nursing: cap.slice(0, T) },
      items: items.map((x, i) =>
        item(`i${i}`, x.annualCost, x.setupCost, x.annualBenefit, x.wte, x.dep && i > 0 ? [`i${i - 1}`] : []),
      ),
    }),
  );

const startsOf = (p: PhasingProblem, r: { items: { startYear: string | null }[] }) =>
  r.items.map((i) => (i.startYear ? p.years.indexOf(i.startYear) : -1));

describe('phasing', () => {
  test('a known problem: the MILP finds the optimum a person can check', async () => {
    const p: PhasingProblem = {
      years: ['2023-24', '2024-25'],
      budget: [10, 20],
      recruitable: { nursing: [1, 1] },
      items: [item('a', 10, 0, 5), item('b', 10, 0, 4), item('c', 5, 0, 1, 0, ['a'])],
    };
    // Only one start a year (recruitment); a in year 1 (2 years × 5) then b in year 2 (4), c can join a's year
    // only if the budget allows: year 1 is full, year 2 has 20 − 10 − 10 = 0 left. Optimum 14.
    const r = await solveMilp(p);
    assert.equal(r.objective, 14);
    assert.deepEqual(
      r.items.map((i) => i.startYear),
      ['2023-24', '2024-25', null],
    );
    assert.equal(r.method, 'milp');
    assert.ok((r.optimalityGap ?? 1) <= 1e-6);
  });

  test('bad problems are refused naming the field: short budget, unknown requirement, a cycle', () => {
    const base: PhasingProblem = {
      years: ['2023-24', '2024-25'],
      budget: [1, 1],
      recruitable: { nursing: [1, 1] },
      items: [item('a', 1, 0, 1)],
    };
    const field = (p: PhasingProblem) => {
      try {
        validatePhasing(p);
        return null;
      } catch (e) {
        return (e as { fields: { field: string }[] }).fields[0].field;
      }
    };
    assert.equal(field({ ...base, budget: [1] }), 'budget');
    assert.equal(field({ ...base, items: [item('a', 1, 0, 1, 1, ['zz'])] }), 'items[0].requires[0]');
    assert.equal(
      field({ ...base, items: [item('a', 1, 0, 1, 1, ['b']), item('b', 1, 0, 1, 1, ['a'])] }),
      'items[0].requires',
    );
    assert.equal(field({ ...base, items: [item('a', -1, 0, 1)] }), 'items[0].annualCost');
    assert.equal(field(base), null);
  });

  test('an infeasible problem (an item that must start but never fits) says which constraint', async () => {
    const p: PhasingProblem = {
      years: ['2023-24'],
      budget: [5],
      recruitable: { nursing: [1] },
      items: [{ ...item('a', 10, 0, 1), mustStart: true }],
    };
    await assert.rejects(solveMilp(p), (e: { code: string; fields: { field: string; message: string }[] }) => {
      assert.equal(e.code, 'infeasible');
      assert.match(e.fields[0].message, /more than any year's budget/);
      return true;
    });
  });

  test('plans never break a budget or recruitment limit; greedy ≤ MILP = brute force (property)', async () => {
    await fc.assert(
      fc.asyncProperty(problemArb, async (p) => {
        const g = solveGreedy(p);
        const m = await solveMilp({ ...p, mipRelGap: 0 });
        assert.deepEqual(planViolations(p, startsOf(p, g)), []);
        assert.deepEqual(planViolations(p, startsOf(p, m)), []);
        assert.ok(g.objective <= m.objective + 1e-6);
        assert.ok(Math.abs(m.objective - bruteForce(p)) < 1e-6);
      }),
      { numRuns: 40 },
    );
  });

  test('raising the budget never lowers the optimum (property)', async () => {
    await fc.assert(
      fc.asyncProperty(problemArb, fc.integer({ min: 1, max: 100 }), async (p, extra) => {
        const m = await solveMilp({ ...p, mipRelGap: 0 });
        const more = await solveMilp({ ...p, budget: p.budget.map((b) => b + extra), mipRelGap: 0 });
        assert.ok(more.objective >= m.objective - 1e-6);
      }),
      { numRuns: 25 },
    );
  });

  test('reinvested savings add to later budgets, and plans using them stay feasible', async () => {
    const p: PhasingProblem = {
      years: planYears('2023-24', 3),
      budget: [10, 0, 0],
      recruitable: { nursing: [5, 5, 5] },
      items: [{ ...item('saver', 10, 0, 1), cashableSaving: 40 }, item('later', 10, 0, 3)],
      reinvestment: { share: 0.5, ramp: [1, 1, 1] },
    };
    const r = await solveMilp(p);
    // Year 2 funding = 0 + 0.5 × 40 = 20: the saver keeps running (10) and "later" starts (10).
    assert.deepEqual(
      r.items.map((i) => i.startYear),
      ['2023-24', '2024-25'],
    );
    assert.deepEqual(planViolations(p, startsOf(p, r)), []);
  });
});

describe('a whole run', () => {
  test('costs, phases and draws the small system reproducibly; the plan stays within its funding', async () => {
    const opts = { firstYear: '2023-24', draws: 300, seed: 9, timeLimitSeconds: 5 };
    const assumptions = applyAssumptionChanges(defaultAssumptions(), [{ key: 'plan.horizonYears', value: 3 }], {
      name: 't',
      at: '2024-01-01T00:00:00Z',
    }).assumptions;
    const a = await runScenario(input, assumptions, opts);
    const b = await runScenario(input, assumptions, opts);
    assert.deepEqual(a.results.years, ['2023-24', '2024-25', '2025-26']);
    assert.deepEqual(a.results.bedDaysSaved, b.results.bedDaysSaved);
    for (let t = 0; t < 3; t++) assert.ok(a.results.investment[t] <= a.results.fundingTotal[t] + 1e-6);
    assert.ok(a.phasing.greedyObjective <= a.phasing.objective + 1e-6);
    // The CPA item starts no later than the UCR item that relies on it.
    const cpa = a.items.find((i) => i.id === 'B1:central-point-of-access')!;
    const ucr = a.items.find((i) => i.id === 'B1:urgent-community-response')!;
    if (ucr.startYear) assert.ok(cpa.startYear !== null && cpa.startYear <= ucr.startYear);
  });
});
