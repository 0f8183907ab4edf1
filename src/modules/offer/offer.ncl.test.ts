// The NCL core offer as data: it loads, validates and holds the national standards.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  AGE_GROUP_CODES,
  type AgeGroupCode,
  COORDINATING_FUNCTIONS,
  type OfferDocument,
  type ResponseStandard,
} from './offer.ts';
import { loadOfferFolder } from './offer.files.ts';
import { validateOfferDocument } from './offer.validate.ts';

const DATA = new URL('../../../data/ncl/offer/', import.meta.url).pathname;

let offer: OfferDocument;
before(async () => {
  offer = await loadOfferFolder(DATA);
});

function standards(code: string, ageGroup: AgeGroupCode): ResponseStandard[] {
  const c = offer.components.find((x) => x.code === code);
  assert.ok(c, `component ${code}`);
  const p = c.provisions.find((x) => x.ageGroup === ageGroup);
  assert.ok(p, `${code} for ${ageGroup}`);
  return p.responseStandards;
}

function sourced(list: ResponseStandard[], urgency: string, firstContact: string): ResponseStandard {
  const s = list.find((x) => x.urgency === urgency && x.firstContact === firstContact);
  assert.ok(s, `${urgency} ${firstContact}`);
  assert.ok(s.source?.title, 'a national standard cites its source');
  assert.notEqual(s.illustrative, true, 'a national standard is not illustrative');
  return s;
}

describe('NCL core offer data', () => {
  it('loads and validates as a whole document', () => {
    assert.equal(validateOfferDocument(structuredClone(offer)).ok, true);
    assert.equal(offer.version.status, 'published');
  });

  it('has at least 60 components across community and mental health', () => {
    assert.ok(offer.components.length >= 60, String(offer.components.length));
    const domains = new Set(offer.components.map((c) => c.domain));
    assert.ok(domains.has('community') && domains.has('mental-health') && domains.has('both'));
  });

  it('serves all four age groups', () => {
    const groups = new Set(offer.components.flatMap((c) => c.provisions.map((p) => p.ageGroup)));
    assert.deepEqual([...groups].sort(), [...AGE_GROUP_CODES].sort());
  });

  it('has the three coordinating functions for every age group', () => {
    for (const fn of COORDINATING_FUNCTIONS) {
      const c = offer.components.find((x) => x.code === fn.code);
      assert.equal(c?.kind, 'coordinating-function');
      assert.deepEqual(
        c?.provisions.map((p) => p.ageGroup),
        [...AGE_GROUP_CODES],
      );
    }
  });

  it('covers the services the source documents name', () => {
    const codes = new Set(offer.components.map((c) => c.code));
    for (const code of [
      'district-nursing',
      'podiatry',
      'speech-and-language-therapy-children',
      'speech-and-language-therapy-adults',
      'physiotherapy-and-msk',
      'childrens-community-nursing',
      'childrens-hospital-at-home',
      'care-home-in-reach',
      'diabetes-specialist-nursing-and-education',
      'urgent-community-response',
      'virtual-wards',
      'nhs-talking-therapies',
      'camhs-community',
      'camhs-crisis',
      'eating-disorders-children',
      'eating-disorders-adults',
      'adhd-assessment',
      'autism-assessment',
      'early-intervention-in-psychosis',
      'crisis-lines',
      'young-adult-transition-service',
      'silver-triage',
      'childrens-continuing-care',
      'childrens-palliative-care',
      'memory-assessment-and-dementia-support',
      'perinatal-mental-health',
      'mental-health-support-teams-in-schools',
      'ips-employment-support',
      'smi-physical-health-checks',
      'social-prescribing',
    ]) {
      assert.ok(codes.has(code), code);
    }
  });

  it('holds the national standards with their sources', () => {
    for (const g of ['working-age-adults', 'older-adults'] as const) {
      assert.equal(sourced(standards('urgent-community-response', g), 'urgent', 'PT2H').target, 0.7);
    }
    const tt = standards('nhs-talking-therapies', 'working-age-adults');
    assert.equal(sourced(tt, 'routine', 'P6W').target, 0.75);
    assert.equal(sourced(tt, 'routine', 'P18W').target, 0.95);
    assert.equal(
      sourced(standards('early-intervention-in-psychosis', 'working-age-adults'), 'routine', 'P2W').target,
      0.6,
    );
    const ed = standards('eating-disorders-children', 'children-young-people');
    assert.equal(sourced(ed, 'urgent', 'P1W').target, 0.95);
    assert.equal(sourced(ed, 'routine', 'P4W').target, 0.95);
  });

  it('marks every figure without a source as illustrative', () => {
    for (const c of offer.components) {
      for (const p of c.provisions) {
        assert.ok(p.hours.source || p.hours.illustrative, `${c.code} ${p.ageGroup} hours`);
        for (const s of p.responseStandards) {
          assert.ok(s.source || s.illustrative, `${c.code} ${p.ageGroup} ${s.urgency}`);
        }
      }
    }
  });

  it('lists stammer and stutter for speech and language therapy', () => {
    for (const code of ['speech-and-language-therapy-children', 'speech-and-language-therapy-adults']) {
      const c = offer.components.find((x) => x.code === code)!;
      const words = [...c.synonyms, ...c.conditions].map((s) => s.toLowerCase());
      assert.ok(words.includes('stammer') && words.includes('stutter'), code);
    }
  });

  it('commits to interpreting, BSL and not digital-only everywhere', () => {
    for (const c of offer.components) {
      for (const p of c.provisions) {
        const a = p.accessibility;
        assert.ok(a.interpreting && a.bsl && a.notDigitalOnly, `${c.code} ${p.ageGroup}`);
        if (p.ageGroup === 'older-adults') assert.ok(a.dementiaFriendly, `${c.code} older adults`);
      }
    }
  });
});
