import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDistrict, NCL_DISTRICTS } from './districts.ts';

test('a district is found from a district, a postcode, or a postcode without its space', () => {
  assert.equal(findDistrict('N19')?.district, 'N19');
  assert.equal(findDistrict(' n19 5hx ')?.district, 'N19');
  assert.equal(findDistrict('N226XX')?.district, 'N22');
  assert.equal(findDistrict('EN36AB')?.district, 'EN3');
  assert.equal(findDistrict('SW1A 1AA'), undefined);
  assert.equal(findDistrict(''), undefined);
});

test('every district centre lies in North Central London and each code appears once', () => {
  const codes = new Set<string>();
  for (const d of NCL_DISTRICTS) {
    assert.ok(!codes.has(d.district), d.district);
    codes.add(d.district);
    assert.ok(d.lat > 51.5 && d.lat < 51.7 && d.lon > -0.3 && d.lon < 0, d.district);
  }
});
