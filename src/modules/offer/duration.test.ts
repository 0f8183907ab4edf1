import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeDuration,
  durationFromWords,
  durationToMilliseconds,
  formatDuration,
  humaniseDuration,
  parseDuration,
  workingDays,
} from './duration.ts';

describe('parseDuration', () => {
  it('reads the durations the offer uses', () => {
    assert.deepEqual(parseDuration('PT2H'), {
      years: 0,
      months: 0,
      weeks: 0,
      days: 0,
      hours: 2,
      minutes: 0,
      seconds: 0,
    });
    assert.equal(parseDuration('P6W')?.weeks, 6);
    assert.equal(parseDuration('P5D')?.days, 5);
    assert.deepEqual(parseDuration('P1DT12H30M'), {
      years: 0,
      months: 0,
      weeks: 0,
      days: 1,
      hours: 12,
      minutes: 30,
      seconds: 0,
    });
    assert.equal(parseDuration('P1Y2M')?.months, 2);
  });

  it('refuses text that is not an ISO 8601 duration', () => {
    for (const bad of ['', 'P', 'PT', 'P1DT', '2 hours', 'PT2', 'P-1D', 'P1.5D', 'pt2h', 'P2H', 'T2H']) {
      assert.equal(parseDuration(bad), null, bad);
    }
  });

  it('round-trips through formatDuration', () => {
    for (const text of ['PT2H', 'P6W', 'P5D', 'P1DT12H', 'PT15M', 'P1Y2M3W4DT5H6M7S']) {
      const d = parseDuration(text);
      assert.ok(d);
      assert.equal(formatDuration(d), text);
    }
  });
});

describe('durationToMilliseconds', () => {
  it('gives exact lengths for weeks, days and times', () => {
    assert.equal(durationToMilliseconds('PT2H'), 2 * 3600_000);
    assert.equal(durationToMilliseconds('P6W'), 42 * 86_400_000);
    assert.equal(durationToMilliseconds('P1DT30M'), 86_400_000 + 1_800_000);
  });

  it('throws for months and years, which have no exact length', () => {
    assert.throws(() => durationToMilliseconds('P1M'), /weeks or days/);
    assert.throws(() => durationToMilliseconds('nonsense'), /Not an ISO 8601 duration/);
  });
});

describe('humaniseDuration', () => {
  it('says it in plain words for residents', () => {
    assert.equal(humaniseDuration('PT2H'), 'within 2 hours');
    assert.equal(humaniseDuration('P6W'), 'within 6 weeks');
    assert.equal(humaniseDuration('P1W'), 'within 1 week');
    assert.equal(humaniseDuration('P5D', 'working-days'), 'within 5 working days');
    assert.equal(humaniseDuration('P1D', 'working-days'), 'within 1 working day');
    assert.equal(humaniseDuration('PT24H'), 'within 24 hours');
    assert.equal(humaniseDuration('PT1H30M'), 'within 1 hour and 30 minutes');
    assert.equal(humaniseDuration('P1DT2H30M'), 'within 1 day, 2 hours and 30 minutes');
  });

  it('falls back to calendar words when a working-days duration has hours', () => {
    assert.equal(describeDuration('PT4H', 'working-days'), '4 hours');
    assert.equal(workingDays(parseDuration('P3D')!), 3);
    assert.equal(workingDays(parseDuration('P1W')!), null);
  });
});

describe('durationFromWords', () => {
  it('reads what people write, and keeps an ISO duration', () => {
    assert.equal(durationFromWords('18 weeks'), 'P18W');
    assert.equal(durationFromWords('within 2 hours'), 'PT2H');
    assert.equal(durationFromWords('1 day and 12 hours'), 'P1DT12H');
    assert.equal(durationFromWords('5 working days'), 'P5D');
    assert.equal(durationFromWords('1 week 2 days'), 'P9D');
    assert.equal(durationFromWords('30 minutes'), 'PT30M');
    assert.equal(durationFromWords('p6w'), 'P6W');
    assert.equal(durationFromWords('soon'), null);
    assert.equal(durationFromWords('six weeks'), null);
    assert.equal(durationFromWords(''), null);
  });
  it('reads back what describeDuration writes', () => {
    for (const iso of ['PT2H', 'P5D', 'P6W', 'P1DT12H', 'PT30M'])
      assert.equal(durationFromWords(describeDuration(iso)), iso);
  });
});
