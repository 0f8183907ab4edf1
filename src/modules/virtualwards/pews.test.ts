import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESCALATION_CLOCKS, bedDays, overdueEscalation, scoreEscalation } from './escalation.ts';
import { parseObservation } from './observation.ts';
import { ILLUSTRATIVE_PEWS, ageBandFor, scorePews } from './pews.ts';

test('paediatric score: the age band decides the thresholds, and missing parameters are reported', () => {
  assert.equal(ageBandFor(ILLUSTRATIVE_PEWS, 0).code, '0-11m');
  assert.equal(ageBandFor(ILLUSTRATIVE_PEWS, 12).code, '1-4y');
  assert.equal(ageBandFor(ILLUSTRATIVE_PEWS, 155).code, '5-12y');
  assert.throws(() => ageBandFor(ILLUSTRATIVE_PEWS, 240), /no paediatric age band/);
  // A respiration rate of 45 is normal-ish for a baby, high for a 10-year-old.
  const baby = scorePews({
    ageMonths: 6,
    respirationRate: 45,
    heartRate: 140,
    spo2: 97,
    onOxygen: false,
    consciousness: 'A',
  });
  const child = scorePews({
    ageMonths: 120,
    respirationRate: 45,
    heartRate: 100,
    spo2: 97,
    onOxygen: false,
    consciousness: 'A',
  });
  assert.deepEqual([baby.score, baby.risk], [0, 'low']);
  assert.deepEqual([child.score, child.risk], [3, 'low-medium']);
  const partial = scorePews({ ageMonths: 30, heartRate: 175 });
  assert.equal(partial.score, null);
  assert.deepEqual(partial.missing, ['respirationRate', 'spo2', 'oxygen', 'consciousness']);
  assert.equal(partial.illustrative, true);
});

test('escalation clocks: each band above low sets a due time, and a higher risk supersedes an open lower one', () => {
  const at = new Date('2026-12-02T10:00:00Z');
  assert.equal(scoreEscalation('low', at, []), null);
  const medium = scoreEscalation('medium', at, []);
  assert.equal(medium?.dueAt.toISOString(), '2026-12-02T11:00:00.000Z');
  assert.equal(scoreEscalation('medium', at, ['medium']), null, 'one open medium is enough');
  const high = scoreEscalation('high', at, ['medium']);
  assert.equal(high?.dueAt.getTime(), at.getTime() + ESCALATION_CLOCKS.high.minutes * 60_000);
});

test('an observation missed by more than the grace period is an escalation', () => {
  const expected = new Date('2026-12-02T08:00:00Z');
  assert.equal(overdueEscalation(expected, new Date('2026-12-02T08:30:00Z')), null);
  assert.equal(
    overdueEscalation(expected, new Date('2026-12-02T08:31:00Z'))?.dueAt.toISOString(),
    '2026-12-02T09:30:00.000Z',
  );
  assert.equal(bedDays(new Date('2026-12-01T10:00:00Z'), new Date('2026-12-04T09:00:00Z')), 3);
  assert.equal(bedDays(new Date('2026-12-01T10:00:00Z'), new Date('2026-12-01T15:00:00Z')), 1);
});

test('observations: impossible values refused naming the field; unusual but possible values kept', () => {
  const bad = parseObservation({ spo2: 101, pulse: 0, temperature: 60, respirationRate: 'fast', consciousness: 'Z' });
  assert.deepEqual(
    bad.errors.map((e) => e.field),
    ['respirationRate', 'spo2', 'pulse', 'temperature', 'consciousness'],
  );
  assert.match(bad.errors.find((e) => e.field === 'spo2')?.message ?? '', /between 50 and 100/);
  const unusual = parseObservation({ pulse: '190', temperature: '40.5', onOxygen: 'air' });
  assert.deepEqual(unusual.errors, []);
  assert.deepEqual(unusual.observation, { pulse: 190, temperature: 40.5, onOxygen: false });
  const required = parseObservation({}, { requireAll: true });
  assert.equal(required.errors.length, 7);
});
