import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock, steppingClock, systemClock } from './clock.ts';

describe('clock', () => {
  it('a fixed clock always answers the same instant, and a fresh Date each time', () => {
    const clock = fixedClock('2024-03-31T00:30:00Z');
    const a = clock.now();
    a.setUTCFullYear(1999);
    assert.equal(clock.now().toISOString(), '2024-03-31T00:30:00.000Z');
  });
  it('a stepping clock moves only when told', () => {
    const clock = steppingClock('2024-05-06T09:00:00+01:00');
    assert.equal(clock.now().toISOString(), '2024-05-06T08:00:00.000Z');
    clock.advance(90 * 60_000);
    assert.equal(clock.now().toISOString(), '2024-05-06T09:30:00.000Z');
    clock.set('2024-12-25T12:00:00Z');
    assert.equal(clock.now().toISOString(), '2024-12-25T12:00:00.000Z');
  });
  it('refuses an instant that is not one', () => {
    assert.throws(() => fixedClock('31/03/2024'), /Not a valid instant/);
  });
  it('the system clock is the real time', () => {
    assert.ok(Math.abs(systemClock.now().getTime() - Date.now()) < 1000);
  });
});
