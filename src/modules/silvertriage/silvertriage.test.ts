import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callFigures, coveredHours, onCallAt, rotaGaps } from './silvertriage.ts';

const at = (s: string) => new Date(s);

test('rota: who is on call, and the gaps a 09:00 to 17:00 rota leaves in a day', () => {
  const slots = [
    { startsAt: at('2026-12-01T09:00:00Z'), endsAt: at('2026-12-01T13:00:00Z'), clinicianName: 'Dr A' },
    { startsAt: at('2026-12-01T13:00:00Z'), endsAt: at('2026-12-01T17:00:00Z'), clinicianName: 'Dr B' },
  ];
  assert.equal(onCallAt(slots, at('2026-12-01T12:59:00Z'))?.clinicianName, 'Dr A');
  assert.equal(onCallAt(slots, at('2026-12-01T13:00:00Z'))?.clinicianName, 'Dr B');
  assert.equal(onCallAt(slots, at('2026-12-01T17:00:00Z')), null);
  const gaps = rotaGaps(slots, at('2026-12-01T00:00:00Z'), at('2026-12-02T00:00:00Z'));
  assert.deepEqual(
    gaps.map((g) => [g.startsAt.toISOString().slice(11, 16), g.endsAt.toISOString().slice(11, 16)]),
    [
      ['00:00', '09:00'],
      ['17:00', '00:00'],
    ],
  );
  assert.equal(coveredHours(slots, at('2026-12-01T00:00:00Z'), at('2026-12-02T00:00:00Z')), 8);
});

test('figures: avoided conveyance counts answered calls with an outcome; unanswered and outside-rota calls are counted', () => {
  const base = { borough: 'Camden', withinRota: true };
  const facts = [
    {
      ...base,
      calledAt: at('2026-11-03T10:00:00Z'),
      answeredAt: at('2026-11-03T10:01:00Z'),
      outcome: 'managed-at-home',
    },
    { ...base, calledAt: at('2026-11-03T11:00:00Z'), answeredAt: at('2026-11-03T11:03:00Z'), outcome: 'referred-ucr' },
    { ...base, calledAt: at('2026-11-04T11:00:00Z'), answeredAt: at('2026-11-04T11:02:00Z'), outcome: 'conveyed-ed' },
    { ...base, calledAt: at('2026-11-04T11:00:00Z'), answeredAt: at('2026-11-04T11:02:00Z'), outcome: 'referred-gp' },
    { ...base, calledAt: at('2026-11-05T19:00:00Z'), answeredAt: null, outcome: null, withinRota: false },
  ];
  const rows = callFigures(facts);
  const camden = rows.find((r) => r.borough === 'Camden' && r.month === '2026-11');
  assert.deepEqual(
    { ...camden, medianSecondsToAnswer: camden?.medianSecondsToAnswer },
    {
      borough: 'Camden',
      month: '2026-11',
      calls: 5,
      answered: 4,
      unanswered: 1,
      outsideRota: 1,
      medianSecondsToAnswer: 120,
      notConveyed: 3,
      withOutcome: 4,
      avoidedConveyanceRate: 0.75,
    },
  );
  assert.equal(rows.at(-1)?.borough, 'All');
});
