import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import districtsFile from '../../../data/ncl/deprivation/postcode-districts.json' with { type: 'json' };
import {
  ageBandOf,
  CHILD_AGE_BANDS,
  DEPRIVATION_ILLUSTRATIVE,
  deprivationQuintileOf,
  districtQuintiles,
  OLDER_AGE_BANDS,
} from './deprivation.ts';

describe('deprivation quintiles of postcode districts', () => {
  it('ranks the districts into five local quintiles of near-equal size, the highest scores in quintile 1', () => {
    const quintiles = districtQuintiles(districtsFile);
    const sizes = [1, 2, 3, 4, 5].map((q) => [...quintiles.values()].filter((v) => v === q).length);
    assert.equal(quintiles.size, districtsFile.districts.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 3, `sizes ${sizes}`);
    const scoreOf = new Map(districtsFile.districts.map((d) => [d.district, d.score]));
    const q1 = [...quintiles].filter(([, q]) => q === 1).map(([d]) => scoreOf.get(d) as number);
    const q5 = [...quintiles].filter(([, q]) => q === 5).map(([d]) => scoreOf.get(d) as number);
    assert.ok(Math.min(...q1) > Math.max(...q5));
  });

  it('looks a district up case-blind and gives none outside the file', () => {
    assert.equal(DEPRIVATION_ILLUSTRATIVE, true);
    assert.equal(deprivationQuintileOf('n17'), deprivationQuintileOf('N17'));
    assert.equal(deprivationQuintileOf('N17'), '1');
    assert.equal(deprivationQuintileOf('N16'), null); // mostly Hackney
    assert.equal(deprivationQuintileOf('ZZ9'), null);
  });

  it('puts ages in their bands, 90+ open-ended, and nothing outside the bands', () => {
    assert.equal(ageBandOf(0, CHILD_AGE_BANDS), '0-4');
    assert.equal(ageBandOf(17, CHILD_AGE_BANDS), '15-17');
    assert.equal(ageBandOf(18, CHILD_AGE_BANDS), null);
    assert.equal(ageBandOf(65, OLDER_AGE_BANDS), '65-69');
    assert.equal(ageBandOf(89, OLDER_AGE_BANDS), '85-89');
    assert.equal(ageBandOf(104, OLDER_AGE_BANDS), '90+');
    assert.equal(ageBandOf(64, OLDER_AGE_BANDS), null);
  });
});
