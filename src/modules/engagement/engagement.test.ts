import assert from 'node:assert/strict';
import { test } from 'node:test';
import { personalDataIn, validateFeedback } from './engagement.ts';

const ctx = { boroughs: ['E09000007', 'E09000019'], today: '2026-12-02' };
const good = {
  source: 'survey',
  receivedOn: '2022-01-31',
  borough: 'E09000007',
  themes: ['transition', 'personalised-care'],
  summary: 'Start planning for adult services earlier.',
  fromGroup: 'Parents of children with SEND',
};

test('personal data is recognised by kind', () => {
  assert.equal(personalDataIn('write to jo.bloggs@example.org'), 'an email address');
  assert.equal(personalDataIn('NHS number 943 476 5919'), 'an NHS number');
  assert.equal(personalDataIn('call 07700 900123'), 'a phone number');
  assert.equal(personalDataIn('lives at N19 5NF'), 'a postcode');
  assert.equal(personalDataIn('Parents of children with SEND in 2021, aged 18 to 25'), null);
});

test('good feedback passes with its themes de-duplicated', () => {
  const r = validateFeedback({ ...good, themes: 'transition; transition,personalised-care' }, ctx);
  assert.ok(r.ok);
  assert.deepEqual(r.value.themes, ['transition', 'personalised-care']);
});

test('one message per field, naming it', () => {
  const r = validateFeedback(
    {
      source: 'rumour',
      receivedOn: '2022-02-30',
      borough: 'E09000001',
      themes: ['nope'],
      summary: '',
      fromGroup: 'a@b.com',
    },
    ctx,
  );
  assert.ok(!r.ok);
  assert.deepEqual(
    r.errors.map((e) => e.field),
    ['source', 'receivedOn', 'borough', 'themes', 'summary', 'fromGroup'],
  );
  assert.match(r.errors[5].message, /group it came from seems to hold an email address/);
});

test('a date in the future and no themes are refused', () => {
  const r = validateFeedback({ ...good, receivedOn: '2026-12-03', themes: [] }, ctx);
  assert.ok(!r.ok);
  assert.deepEqual(
    r.errors.map((e) => [e.field, e.message]),
    [
      ['receivedOn', 'The date cannot be in the future'],
      ['themes', 'Select at least one theme'],
    ],
  );
});
