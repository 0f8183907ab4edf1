import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ageOn,
  ageProblem,
  BED_STATES,
  type BedEvent,
  type BedFacts,
  type BedState,
  daysBetween,
  defaultAppropriate,
  delayedDays,
  haversineKm,
  nextState,
  oapDays,
  openBedsAt,
  stateAt,
  oapDaysByMonth,
  proposeBeds,
  sexProblem,
  unsuitability,
  type WardFacts,
  waitText,
} from './beds.ts';

const ward = (id: string, over: Partial<WardFacts> = {}): WardFacts => ({
  id,
  trustCode: 'G6V2S',
  borough: 'Camden',
  type: 'adult-acute',
  sex: 'female',
  name: id,
  ...over,
});
const bed = (id: string, wardId: string, over: Partial<BedFacts> = {}): BedFacts => ({
  id,
  wardId,
  label: id,
  bay: null,
  state: 'available',
  ...over,
});

test('sex rules: single-sex wards match their sex; mixed wards by bay, a single room suits anyone', () => {
  assert.equal(sexProblem({ sex: 'female' }, { bay: null }, 'female'), null);
  assert.match(sexProblem({ sex: 'male' }, { bay: null }, 'female') ?? '', /male ward/);
  assert.equal(sexProblem({ sex: 'mixed' }, { bay: 'female' }, 'female'), null);
  assert.match(sexProblem({ sex: 'mixed' }, { bay: 'male' }, 'female') ?? '', /male bay of a mixed ward/);
  assert.equal(sexProblem({ sex: 'mixed' }, { bay: 'single-room' }, 'male'), null);
  assert.equal(sexProblem({ sex: 'mixed' }, { bay: 'single-room' }, 'female'), null);
  assert.match(sexProblem({ sex: 'mixed' }, { bay: null }, 'male') ?? '', /no single-sex bay/);
});

test('unsuitability names every reason: state, type and sex', () => {
  const w = ward('w', { type: 'picu', sex: 'male' });
  const reasons = unsuitability(
    w,
    bed('b', 'w', { state: 'closed' }),
    { type: 'adult-acute', sex: 'female', homeBorough: null },
    'not enough staff',
  );
  assert.equal(reasons.length, 3);
  assert.match(reasons[0], /closed \(not enough staff\)/);
  assert.match(reasons[1], /psychiatric intensive care/i);
  assert.match(reasons[2], /male ward/);
  assert.deepEqual(
    unsuitability(ward('w'), bed('b', 'w'), { type: 'adult-acute', sex: 'female', homeBorough: 'Camden' }),
    [],
  );
});

test('proposals: the home borough first, then elsewhere in NCL nearest first; only suitable free beds', () => {
  const wards = [
    ward('far', { borough: 'Barnet', name: 'Far' }),
    ward('near', { borough: 'Haringey', name: 'Near' }),
    ward('home', { borough: 'Enfield', name: 'Home' }),
    ward('male', { borough: 'Enfield', sex: 'male', name: 'Male' }),
  ];
  const beds = [
    bed('f1', 'far'),
    bed('n1', 'near'),
    bed('h2', 'home', { label: 'Bed 10' }),
    bed('h1', 'home', { label: 'Bed 2' }),
    bed('h3', 'home', { state: 'occupied' }),
    bed('m1', 'male'),
  ];
  const km: Record<string, number> = { far: 12, near: 5, home: 9 };
  const out = proposeBeds(wards, beds, { type: 'adult-acute', sex: 'female', homeBorough: 'Enfield' }, (w) => km[w.id]);
  assert.deepEqual(
    out.map((p) => p.bed.id),
    ['h1', 'h2', 'n1', 'f1'],
  );
  assert.deepEqual(
    out.map((p) => p.tier),
    ['same-borough', 'same-borough', 'ncl', 'ncl'],
  );
  assert.deepEqual(
    proposeBeds(wards, beds, { type: 'picu', sex: 'female', homeBorough: 'Enfield' }),
    [],
    'none: out of area',
  );
});

test('property: every proposal is suitable, the home borough always comes before the rest', () => {
  const wardArb = fc.record({
    id: fc.constantFrom('a', 'b', 'c', 'd'),
    trustCode: fc.constant('G6V2S'),
    borough: fc.constantFrom('Barnet', 'Camden', 'Enfield'),
    type: fc.constantFrom('adult-acute' as const, 'picu' as const),
    sex: fc.constantFrom('male' as const, 'female' as const, 'mixed' as const),
    name: fc.string({ maxLength: 3 }),
  });
  fc.assert(
    fc.property(
      fc.uniqueArray(wardArb, { selector: (w) => w.id, maxLength: 4 }),
      fc.array(
        fc.record({
          wardId: fc.constantFrom('a', 'b', 'c', 'd'),
          bay: fc.constantFrom(null, 'male' as const, 'female' as const, 'single-room' as const),
          state: fc.constantFrom(...BED_STATES),
        }),
        { maxLength: 20 },
      ),
      fc.constantFrom('male' as const, 'female' as const),
      fc.constantFrom('Barnet', 'Camden', 'Enfield'),
      (wards, rawBeds, sex, home) => {
        const beds = rawBeds.map((b, i) => ({ ...b, id: `b${i}`, label: `Bed ${i}` }));
        const need = { type: 'adult-acute' as const, sex, homeBorough: home };
        const out = proposeBeds(wards, beds, need);
        for (const p of out) assert.deepEqual(unsuitability(p.ward, p.bed, need), []);
        const suitable = beds.filter((b) => {
          const w = wards.find((x) => x.id === b.wardId);
          return w && unsuitability(w, b, need).length === 0;
        });
        assert.equal(out.length, suitable.length);
        const firstElsewhere = out.findIndex((p) => p.tier === 'ncl');
        if (firstElsewhere >= 0) assert.ok(out.slice(firstElsewhere).every((p) => p.tier === 'ncl'));
      },
    ),
  );
});

test('property: no bed is ever held by two people, whatever order the events come in', () => {
  // A model of the service: a holder is recorded only when the bed's transition succeeds.
  const events: BedEvent[] = [
    'allocate',
    'cancel-allocation',
    'admit',
    'start-leave',
    'end-leave',
    'discharge',
    'close',
    'open',
  ];
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          bed: fc.integer({ min: 0, max: 2 }),
          person: fc.integer({ min: 0, max: 5 }),
          event: fc.constantFrom(...events),
        }),
        {
          maxLength: 200,
        },
      ),
      (steps) => {
        const state: BedState[] = ['available', 'available', 'available'];
        const holder: (number | null)[] = [null, null, null];
        for (const s of steps) {
          // Only the holder can be admitted, go on leave or be discharged; anyone may try to take a free bed.
          if (s.event !== 'allocate' && s.event !== 'close' && s.event !== 'open' && holder[s.bed] !== s.person)
            continue;
          const next = nextState(state[s.bed], s.event);
          if (next === null) continue;
          if (s.event === 'allocate') {
            assert.equal(holder[s.bed], null, 'a bed that can be allocated has no holder');
            holder[s.bed] = s.person;
          }
          if (s.event === 'discharge' || s.event === 'cancel-allocation') holder[s.bed] = null;
          state[s.bed] = next;
          const held = state[s.bed] === 'reserved' || state[s.bed] === 'occupied' || state[s.bed] === 'leave';
          assert.equal(held, holder[s.bed] !== null, `state ${state[s.bed]} and holder agree`);
        }
        // A person never holds two beds through one allocation each, and each held bed has exactly one holder.
        for (let b = 0; b < 3; b++)
          if (state[b] === 'available' || state[b] === 'closed') assert.equal(holder[b], null);
      },
    ),
  );
});

test('a second allocation of a reserved, occupied, on-leave or closed bed is refused by the transition', () => {
  for (const s of ['reserved', 'occupied', 'leave', 'closed'] as BedState[])
    assert.equal(nextState(s, 'allocate'), null, s);
  assert.equal(nextState('available', 'allocate'), 'reserved');
  assert.equal(nextState('leave', 'discharge'), 'available');
  assert.equal(nextState('available', 'discharge'), null);
});

test('OAP days are nights away; an active placement counts to today', () => {
  assert.equal(oapDays({ startDate: '2026-11-03', endDate: '2026-11-05' }, '2026-12-01'), 2);
  assert.equal(oapDays({ startDate: '2026-11-03', endDate: '2026-11-03' }, '2026-12-01'), 0);
  assert.equal(oapDays({ startDate: '2026-11-20', endDate: null }, '2026-12-02'), 12);
  assert.equal(oapDays({ startDate: '2026-12-05', endDate: null }, '2026-12-02'), 0, 'not started yet');
  assert.deepEqual(
    [...oapDaysByMonth({ startDate: '2028-02-27', endDate: '2028-03-02' }, '2028-04-01')],
    [
      ['2028-02', 3],
      ['2028-03', 1],
    ],
    '2028 is a leap year: 27, 28 and 29 February, then 1 March',
  );
  assert.deepEqual(
    [...oapDaysByMonth({ startDate: '2026-12-30', endDate: '2027-01-02' }, '2027-02-01')],
    [
      ['2026-12', 2],
      ['2027-01', 1],
    ],
  );
});

test('property: OAP days by month add up to the total, each month within its length', () => {
  const day = fc
    .integer({ min: 0, max: 3000 })
    .map((n) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
  fc.assert(
    fc.property(day, fc.option(fc.integer({ min: 0, max: 800 })), day, (start, length, today) => {
      const end = length === null ? null : new Date(Date.parse(start) + length * 86_400_000).toISOString().slice(0, 10);
      const p = { startDate: start, endDate: end };
      const months = oapDaysByMonth(p, today);
      const sum = [...months.values()].reduce((s, d) => s + d, 0);
      assert.equal(sum, oapDays(p, today));
      for (const [m, d] of months) {
        assert.ok(d > 0 && d <= 31, `${m}: ${d}`);
        assert.ok(m >= start.slice(0, 7));
      }
      if (end) assert.equal(oapDays(p, today), daysBetween(start, end));
    }),
  );
});

test('delayed days, waits in words, distance, appropriateness', () => {
  assert.equal(delayedDays(null, '2026-12-02'), 0);
  assert.equal(delayedDays('2026-11-20', '2026-12-02'), 12);
  assert.equal(delayedDays('2026-11-20', '2026-12-02', '2026-11-25'), 5);
  assert.equal(waitText(0), '0 minutes');
  assert.equal(waitText(61), '1 hour 1 minute');
  assert.equal(waitText(60 * 26), '1 day 2 hours');
  assert.equal(waitText(60 * 48), '2 days');
  const km = haversineKm({ lat: 51.565, lon: -0.13 }, { lat: 51.38, lon: 0.5 });
  assert.ok(km > 45 && km < 50, `N19 to Rochester ${km}`);
  assert.equal(defaultAppropriate('10'), false);
  assert.equal(defaultAppropriate('14'), true);
});

test("beds open each midnight come from the recorded closures and openings, not today's count", () => {
  const at = (d: string) => Date.parse(`${d}T00:00:00Z`);
  const beds = [
    { id: 'a', state: 'available' as const },
    { id: 'b', state: 'closed' as const },
    { id: 'c', state: 'occupied' as const },
  ];
  const changes = [
    // b closed on the 3rd; a closed on the 1st and opened on the 4th; c has no recorded change
    { bedId: 'b', fromState: 'available' as const, toState: 'closed' as const, at: '2026-11-03T09:00:00Z' },
    { bedId: 'a', fromState: 'available' as const, toState: 'closed' as const, at: '2026-11-01T12:00:00Z' },
    { bedId: 'a', fromState: 'closed' as const, toState: 'available' as const, at: '2026-11-04T08:00:00Z' },
  ];
  const days = ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05'].map(at);
  assert.deepEqual(openBedsAt(beds, changes, days), [3, 2, 2, 1, 2]);
  // a row made when changes began to be kept (state before not known): the state it set, before and after
  const unknown = [{ bedId: 'b', fromState: null, toState: 'closed' as const, at: '2026-11-03T09:00:00Z' }];
  assert.equal(stateAt(unknown, 'closed', at('2026-11-01')), 'closed');
  assert.equal(stateAt([], 'available', at('2026-11-01')), 'available');
});

test('property: open beds each instant never exceed the beds, and match the state each bed was left in', () => {
  const states = fc.constantFrom(...BED_STATES);
  fc.assert(
    fc.property(
      fc.array(fc.record({ bed: fc.integer({ min: 0, max: 4 }), to: states, day: fc.integer({ min: 0, max: 9 }) }), {
        maxLength: 30,
      }),
      (raw) => {
        const beds = [0, 1, 2, 3, 4].map((i) => ({ id: `b${i}`, state: 'available' as BedState }));
        const changes = raw.map((r, k) => ({
          bedId: `b${r.bed}`,
          fromState: null,
          toState: r.to,
          at: new Date(Date.UTC(2026, 10, 1 + r.day, 0, k)).toISOString(),
        }));
        const instants = [0, 3, 6, 9, 12].map((d) => Date.UTC(2026, 10, 1 + d, 12));
        const open = openBedsAt(beds, changes, instants);
        open.forEach((n, i) => {
          assert.ok(n >= 0 && n <= beds.length);
          const closed = beds.filter((b) => {
            const mine = changes.filter((c) => c.bedId === b.id && Date.parse(c.at) <= instants[i]);
            const last = mine.sort((x, y) => Date.parse(x.at) - Date.parse(y.at)).at(-1);
            const first = changes
              .filter((c) => c.bedId === b.id)
              .sort((x, y) => Date.parse(x.at) - Date.parse(y.at))[0];
            return (last?.toState ?? first?.toState ?? b.state) === 'closed';
          }).length;
          assert.equal(n, beds.length - closed);
        });
      },
    ),
  );
});

test("age rules: a children and young people's bed only under 18, every other ward 18 and over", () => {
  assert.equal(ageOn('2009-03-05', '2027-03-04'), 17);
  assert.equal(ageOn('2009-03-05', '2027-03-05'), 18);
  assert.equal(ageProblem('cyp', 17), null);
  assert.match(ageProblem('cyp', 18) ?? '', /under 18; this person is 18/);
  assert.equal(ageProblem('adult-acute', 18), null);
  assert.match(ageProblem('picu', 16) ?? '', /adult ward; this person is 16/);
  assert.equal(ageProblem('cyp', null), null, 'age not known: not refused on age');
  const w = ward('w', { type: 'cyp', sex: 'female' });
  const need = { type: 'cyp' as const, sex: 'female' as const, homeBorough: null };
  assert.deepEqual(unsuitability(w, bed('b', 'w'), { ...need, age: 15 }), []);
  assert.equal(unsuitability(w, bed('b', 'w'), { ...need, age: 30 }).length, 1);
  assert.equal(proposeBeds([w], [bed('b', 'w')], { ...need, age: 30 }).length, 0);
});
