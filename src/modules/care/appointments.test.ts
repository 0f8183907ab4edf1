import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAppointment, notificationFor } from './appointments.ts';

const base = { preferredContact: 'text', language: null, interpreter: false, bsl: false, needs: null };

test('a change is sent by the recorded contact preference', () => {
  assert.equal(notificationFor(base).channel, 'text');
  assert.equal(notificationFor({ ...base, preferredContact: 'letter' }).channel, 'letter');
});

test('no usable preference falls back to a letter', () => {
  assert.equal(notificationFor({ ...base, preferredContact: null }).channel, 'letter');
  assert.equal(notificationFor({ ...base, preferredContact: 'pigeon' }).channel, 'letter');
});

test('recorded needs choose an accessible format and interpreting needs are carried', () => {
  assert.equal(notificationFor({ ...base, needs: 'Partially sighted: large print please' }).format, 'large-print');
  assert.equal(notificationFor({ ...base, needs: 'Reads Braille' }).format, 'braille');
  assert.equal(notificationFor({ ...base, needs: 'Learning disability; easy read' }).format, 'easy-read');
  assert.equal(notificationFor(base).format, 'standard');
  const n = notificationFor({ ...base, bsl: true, interpreter: true, language: 'Turkish' });
  assert.deepEqual([n.bsl, n.interpreter, n.language], [true, true, 'Turkish']);
});

test('an appointment needs a service, a date not in the past, a time and a place', () => {
  const r = checkAppointment({ service: '', date: '2026-12-01', time: '25:00', place: '' }, '2026-12-02', {
    needReason: true,
  });
  assert.deepEqual(
    r.errors.map((e) => e.field),
    ['service', 'date', 'time', 'place', 'reason'],
  );
  const ok = checkAppointment(
    { service: 'Memory clinic', date: '2026-12-02', time: '09:30', place: 'Royal Free' },
    '2026-12-02',
    { needReason: false },
  );
  assert.deepEqual(ok.errors, []);
});

test('the timeline sentence shows plain dates, old ISO sentences included', async () => {
  const { describeAppointment, plainSummary } = await import('./appointments.ts');
  assert.equal(
    describeAppointment({ service: 'Leg ulcer clinic', date: '2030-01-22', time: '14:00', place: 'Kentish Town' }),
    'Leg ulcer clinic, 22 January 2030 at 14:00, Kentish Town',
  );
  // British Summer Time does not move the day.
  assert.equal(plainSummary('Clinic, 2030-06-30 at 23:30, Home'), 'Clinic, 30 June 2030 at 23:30, Home');
  assert.equal(plainSummary('No date here'), 'No date here');
});
