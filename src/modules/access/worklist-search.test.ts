import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../platform/errors.ts';
import { containsPattern, parseWorklistSearch } from './worklist-search.ts';

test('a search box reads as a reference, an NHS number or a name', () => {
  assert.equal(parseWorklistSearch('  '), undefined);
  assert.deepEqual(parseWorklistSearch('cpa-7k3p9qxm'), { kind: 'reference', reference: 'CPA-7K3P9QXM' });
  assert.deepEqual(parseWorklistSearch('943 476 5919'), { kind: 'nhsNumber', nhsNumber: '9434765919' });
  assert.deepEqual(parseWorklistSearch('Maureen  OKAFOR'), { kind: 'name', words: ['maureen', 'okafor'] });
});

test('what cannot be a search is a 400 naming the field, in plain words', () => {
  for (const text of ['12345', 'a', 'x'.repeat(101)]) {
    assert.throws(
      () => parseWorklistSearch(text),
      (e: unknown) => e instanceof ValidationError && e.fields.length === 1 && e.fields[0]?.field === 'search',
      text,
    );
  }
});

test("LIKE's own wildcards in a name are matched literally", () => {
  assert.equal(containsPattern('o_k%'), '%o\\_k\\%%');
  assert.equal(containsPattern('a\\b'), '%a\\\\b%');
});
