import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGE_GROUPS, ageGroupsForAge, CATEGORIES, CATEGORY_CODES, describeAgeBounds, getAgeGroup } from './offer.ts';

describe('age groups', () => {
  it('have the exact bounds of the offer, inclusive, with 65+ open-ended', () => {
    assert.deepEqual(
      AGE_GROUPS.map((g) => [g.code, g.minAge, g.maxAge]),
      [
        ['children-young-people', 0, 17],
        ['young-adults', 18, 25],
        ['working-age-adults', 18, 64],
        ['older-adults', 65, null],
      ],
    );
  });

  it('place an age in every group it belongs to', () => {
    assert.deepEqual(ageGroupsForAge(0), ['children-young-people']);
    assert.deepEqual(ageGroupsForAge(17), ['children-young-people']);
    assert.deepEqual(ageGroupsForAge(18), ['young-adults', 'working-age-adults']);
    assert.deepEqual(ageGroupsForAge(25), ['young-adults', 'working-age-adults']);
    assert.deepEqual(ageGroupsForAge(26), ['working-age-adults']);
    assert.deepEqual(ageGroupsForAge(64), ['working-age-adults']);
    assert.deepEqual(ageGroupsForAge(65), ['older-adults']);
    assert.deepEqual(ageGroupsForAge(104), ['older-adults']);
  });

  it('describe their bounds in words', () => {
    assert.equal(describeAgeBounds(getAgeGroup('children-young-people')!), '0 to 17');
    assert.equal(describeAgeBounds(getAgeGroup('older-adults')!), '65 and over');
    assert.equal(getAgeGroup('adults'), undefined);
  });
});

describe('categories', () => {
  it('have unique codes and resident-facing names', () => {
    assert.equal(new Set(CATEGORY_CODES).size, CATEGORIES.length);
    for (const c of CATEGORIES) assert.ok(c.name && c.description, c.code);
  });
});
