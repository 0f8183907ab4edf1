import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detailsThatDiffer, type PersonDetails } from './person-details.ts';

const record: PersonDetails = {
  nhsNumber: '9434765919',
  givenName: 'Maureen',
  familyName: 'Okafor',
  birthDate: '1946-05-12',
  postcode: 'N19 5HX',
  gpPractice: 'F83004',
  phone: '020 7946 0000',
  email: null,
};

test('the same details in another spacing or case are not a difference', () => {
  assert.deepEqual(
    detailsThatDiffer(record, {
      ...record,
      givenName: ' maureen ',
      postcode: 'n195hx',
      phone: '+44 20 7946 0000',
      gpPractice: 'f83004',
    }),
    [],
  );
});

test('details left out are not a difference; a new or changed one is', () => {
  assert.deepEqual(detailsThatDiffer(record, { ...record, phone: null, gpPractice: null }), []);
  assert.deepEqual(
    detailsThatDiffer(record, { ...record, familyName: 'Smith', birthDate: '1980-01-01', email: 'a@example.com' }),
    ['familyName', 'birthDate', 'email'],
  );
});
