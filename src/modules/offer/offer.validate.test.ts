import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { OfferDocument } from './offer.ts';
import { loadOfferFolder } from './offer.files.ts';
import {
  type ValidationResult,
  validateComponent,
  validateOfferDocument,
  validateOfferVersion,
} from './offer.validate.ts';

// Tests break imported JSON in arbitrary places, as a careless edit or import would.
// biome-ignore lint/suspicious/noExplicitAny: the shape is deliberately unchecked here
type Json = any;

const DATA = new URL('../../../data/ncl/offer/', import.meta.url).pathname;

let ncl: OfferDocument;
before(async () => {
  ncl = await loadOfferFolder(DATA);
});

/** A mutable JSON copy of the NCL offer, as an import would arrive. */
function doc(): Json {
  return structuredClone(ncl);
}

function indexOf(d: Json, code: string): number {
  const i = d.components.findIndex((c: Json) => c.code === code);
  assert.notEqual(i, -1, code);
  return i;
}

function errorAt(result: ValidationResult<unknown>, path: string, message?: RegExp): void {
  assert.equal(result.ok, false, 'expected validation to fail');
  if (result.ok) return;
  const found = result.errors.find((e) => e.path === path);
  assert.ok(found, `no error at ${path}; got:\n${result.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  if (message) assert.match(found.message, message);
}

describe('validateOfferDocument', () => {
  it('accepts the NCL offer and returns an equal value', () => {
    const r = validateOfferDocument(doc());
    assert.equal(r.ok, true);
    if (r.ok) assert.deepEqual(r.value, ncl);
  });

  it('rejects something that is not an offer at all', () => {
    errorAt(validateOfferDocument(null), '', /JSON object/);
    errorAt(validateOfferDocument({ version: {}, components: 'x' }), 'components', /list of components/);
  });

  it('requires unique component codes', () => {
    const d = doc();
    const i = indexOf(d, 'podiatry');
    d.components.push(structuredClone(d.components[i]));
    errorAt(
      validateOfferDocument(d),
      `components[${d.components.length - 1}].code`,
      new RegExp(`already used by components\\[${i}\\]`),
    );
  });

  it('requires kebab-case codes', () => {
    const d = doc();
    d.components[0].code = 'District Nursing';
    errorAt(validateOfferDocument(d), 'components[0].code', /lower-case letters, numbers and hyphens/);
  });

  it('requires the three coordinating functions, as coordinating functions', () => {
    const d = doc();
    d.components.splice(indexOf(d, 'trusted-holistic-assessment'), 1);
    d.components[indexOf(d, 'central-point-of-access')].kind = 'service';
    const r = validateOfferDocument(d);
    errorAt(r, 'components', /Trusted holistic assessment.*trusted-holistic-assessment/);
    errorAt(r, `components[${indexOf(d, 'central-point-of-access')}].kind`, /coordinating-function/);
  });

  it('requires known age groups and no repeats per component', () => {
    const d = doc();
    const i = indexOf(d, 'district-nursing');
    d.components[i].provisions[0].ageGroup = 'adults';
    errorAt(validateOfferDocument(d), `components[${i}].provisions[0].ageGroup`, /children-young-people.*older-adults/);

    const e = doc();
    e.components[i].provisions.push(structuredClone(e.components[i].provisions[0]));
    errorAt(validateOfferDocument(e), `components[${i}].provisions[2].ageGroup`, /only once.*provisions\[0\]/);
  });

  it('requires known enum values', () => {
    const d = doc();
    const i = indexOf(d, 'podiatry');
    d.components[i].domain = 'physical';
    d.components[i].category = 'feet';
    d.components[i].kind = 'clinic';
    d.components[i].provisions[0].responseStandards[0].clock = 'office-hours';
    d.components[i].provisions[0].pointsOfDelivery = ['home', 'moon'];
    d.components[i].provisions[0].accessRoutes = ['email'];
    const r = validateOfferDocument(d);
    errorAt(r, `components[${i}].domain`, /community, mental-health or both/);
    errorAt(r, `components[${i}].category`, /Choose a category/);
    errorAt(r, `components[${i}].kind`, /service or coordinating-function/);
    errorAt(r, `components[${i}].provisions[0].responseStandards[0].clock`, /calendar or working-days/);
    errorAt(r, `components[${i}].provisions[0].pointsOfDelivery[1]`, /point of delivery/);
    errorAt(r, `components[${i}].provisions[0].accessRoutes[0]`, /self-referral/);
  });

  it('requires durations to parse, with a plain hint', () => {
    const d = doc();
    const i = indexOf(d, 'urgent-community-response');
    d.components[i].provisions[0].responseStandards[1].firstContact = '2 hours';
    d.components[i].provisions[0].responseStandards[0].followUp = 'P1M';
    const r = validateOfferDocument(d);
    errorAt(
      r,
      `components[${i}].provisions[0].responseStandards[1].firstContact`,
      /^Enter a duration such as PT2H \(2 hours\) or P6W \(6 weeks\)$/,
    );
    errorAt(r, `components[${i}].provisions[0].responseStandards[0].followUp`, /weeks or days/);
  });

  it('requires whole days on a working-days clock', () => {
    const d = doc();
    const i = indexOf(d, 'central-point-of-access');
    d.components[i].provisions[0].responseStandards[1].firstContact = 'PT8H';
    errorAt(validateOfferDocument(d), `components[${i}].provisions[0].responseStandards[1].firstContact`, /P5D/);
  });

  it('requires urgencies that are standard or defined by the component', () => {
    const d = doc();
    const i = indexOf(d, 'wheelchair-service');
    d.components[i].provisions[0].responseStandards[0].urgency = 'soon';
    errorAt(
      validateOfferDocument(d),
      `components[${i}].provisions[0].responseStandards[0].urgency`,
      /urgencyLevels \(repair\)/,
    );
  });

  it('refuses the same urgency and time twice, but allows tiers of one standard', () => {
    const d = doc();
    const i = indexOf(d, 'nhs-talking-therapies');
    assert.equal(validateOfferDocument(d).ok, true, 'P6W and P18W routine tiers are allowed');
    d.components[i].provisions[0].responseStandards[1].firstContact = 'P6W';
    errorAt(
      validateOfferDocument(d),
      `components[${i}].provisions[0].responseStandards[1].firstContact`,
      /already gives P6W/,
    );
  });

  it('requires a source or an illustrative label on every figure', () => {
    const d = doc();
    const i = indexOf(d, 'district-nursing');
    delete d.components[i].provisions[0].responseStandards[0].illustrative;
    delete d.components[i].provisions[0].hours.illustrative;
    const r = validateOfferDocument(d);
    errorAt(r, `components[${i}].provisions[0].responseStandards[0]`, /source.*illustrative/);
    errorAt(r, `components[${i}].provisions[0].hours`, /source.*illustrative/);
  });

  it('requires HH:MM times with close after open', () => {
    const d = doc();
    const i = indexOf(d, 'podiatry');
    const days = d.components[i].provisions[0].hours.days;
    days.monday = { open: '18:00', close: '09:00' };
    days.tuesday = { open: '8am', close: '24:00' };
    days.wednesday = { open: '08:00', close: '25:00' };
    delete days.sunday;
    const p = `components[${i}].provisions[0].hours.days`;
    const r = validateOfferDocument(d);
    errorAt(r, `${p}.monday.close`, /after the opening time \(18:00\)/);
    errorAt(r, `${p}.tuesday.open`, /HH:MM/);
    errorAt(r, `${p}.wednesday.close`, /HH:MM/);
    errorAt(r, `${p}.sunday`, /sunday/);
    assert.equal(
      r.ok ? 0 : r.errors.filter((e) => e.path === `${p}.tuesday.close`).length,
      0,
      '24:00 closes at midnight',
    );
  });

  it('requires at least one access route and point of delivery per provision', () => {
    const d = doc();
    const i = indexOf(d, 'district-nursing');
    d.components[i].provisions[1].accessRoutes = [];
    delete d.components[i].provisions[1].pointsOfDelivery;
    const r = validateOfferDocument(d);
    errorAt(r, `components[${i}].provisions[1].accessRoutes`, /at least one access route/);
    errorAt(r, `components[${i}].provisions[1].pointsOfDelivery`, /at least one point of delivery/);
  });

  it('names misspelt fields instead of ignoring them', () => {
    const d = doc();
    d.components[0].provisions[0].acessRoutes = ['walk-in'];
    errorAt(validateOfferDocument(d), 'components[0].provisions[0].acessRoutes', /no field called "acessRoutes"/);
  });

  it('checks targets, sources and version metadata', () => {
    const d = doc();
    const i = indexOf(d, 'nhs-talking-therapies');
    d.components[i].provisions[0].responseStandards[0].target = 75;
    d.components[i].provisions[0].responseStandards[1].source.url = 'england.nhs.uk';
    d.version.effectiveFrom = '2022-02-30';
    d.version.status = 'draft';
    const r = validateOfferDocument(d);
    errorAt(r, `components[${i}].provisions[0].responseStandards[0].target`, /0\.95 for 95%/);
    errorAt(r, `components[${i}].provisions[0].responseStandards[1].source.url`, /https:\/\//);
    errorAt(r, 'version.effectiveFrom', /YYYY-MM-DD/);
    errorAt(r, 'version.publishedAt', /draft has not been published/);
  });
});

describe('validateComponent and validateOfferVersion', () => {
  it('validate parts on their own, with paths from the part', () => {
    const c: Json = structuredClone(ncl.components[0]);
    assert.equal(validateComponent(c).ok, true);
    c.name = ' ';
    errorAt(validateComponent(c), 'name', /name of the service/);
    const v: Json = { ...ncl.version, status: 'retired', publishedAt: null };
    errorAt(validateOfferVersion(v), 'publishedAt', /retired version/);
  });
});
