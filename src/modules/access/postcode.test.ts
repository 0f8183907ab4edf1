import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NCL_POSTCODE_DISTRICTS } from './index.ts';
import {
  boroughLookupFromDistricts,
  createBoroughLookup,
  isValidPostcode,
  normalisePostcode,
  POSTCODE_FORMAT_MESSAGE,
  POSTCODE_OUTSIDE_AREA_MESSAGE,
  parsePostcode,
  resolveBorough,
  validatePostcodeDistricts,
} from './postcode.ts';

const BARNET = 'E09000003';
const CAMDEN = 'E09000007';
const ENFIELD = 'E09000010';
const HARINGEY = 'E09000014';
const ISLINGTON = 'E09000019';
const NCL = [BARNET, CAMDEN, ENFIELD, HARINGEY, ISLINGTON];

describe('postcode format', () => {
  it('normalises however it is typed', () => {
    assert.equal(normalisePostcode('n19 5hx'), 'N19 5HX');
    assert.equal(normalisePostcode('N195HX'), 'N19 5HX');
    assert.equal(normalisePostcode('  n1 9  5hx '), 'N19 5HX');
    assert.equal(normalisePostcode('wc1x 8ha'), 'WC1X 8HA');
  });

  it('accepts every outward shape: A9, A99, AA9, AA99, A9A, AA9A', () => {
    for (const p of ['N1 9GU', 'N19 5HX', 'EN1 3EB', 'NW11 7HX', 'W1A 1AA', 'EC1A 1BB', 'N1C 4AG', 'GIR 0AA']) {
      assert.ok(isValidPostcode(p), p);
    }
  });

  it('splits a postcode into area, district, sector and inward code', () => {
    assert.deepEqual(parsePostcode('wc1x8ha'), {
      postcode: 'WC1X 8HA',
      outward: 'WC1X',
      inward: '8HA',
      area: 'WC',
      district: 'WC1X',
      sector: 'WC1X 8',
    });
  });

  it('refuses partial postcodes and letters in places Royal Mail never uses them', () => {
    for (const p of [
      '',
      'N19',
      'N19 5',
      '5HX',
      'N19 5H',
      'N19 5HXX',
      'Q1 1AA', // Q never starts a postcode
      'NJ1 1AA', // J is never second
      'N19 5CX', // C is never in the inward code
      'N19 5HI',
      'N1Z 1AA', // Z never follows A9
      'NW1C 1AA', // C never follows AA9
      '119 5HX',
      'N19-5HX',
    ]) {
      assert.equal(parsePostcode(p), null, p);
    }
    assert.equal(parsePostcode(undefined), null);
    assert.equal(parsePostcode(12345), null);
  });
});

describe('postcode to borough', () => {
  const lookup = boroughLookupFromDistricts(NCL_POSTCODE_DISTRICTS);

  it('finds the borough of a postcode in each NCL borough', () => {
    const cases: [string, string][] = [
      ['N19 5HX', ISLINGTON],
      ['NW3 2QG', CAMDEN],
      ['EN1 3EB', ENFIELD],
      ['N17 0AP', HARINGEY],
      ['NW4 4BT', BARNET],
      ['wc1e 6bt', CAMDEN],
      ['EC1V 2NX', ISLINGTON],
    ];
    for (const [p, gss] of cases) {
      const r = resolveBorough(p, lookup, NCL);
      assert.ok(r.ok, p);
      assert.equal(r.borough, gss, p);
    }
  });

  it('tells a badly typed postcode apart from one outside the area', () => {
    assert.deepEqual(resolveBorough('N19', lookup, NCL), {
      ok: false,
      problem: 'format',
      message: POSTCODE_FORMAT_MESSAGE,
    });
    assert.equal(POSTCODE_FORMAT_MESSAGE, 'Enter a full UK postcode, like N19 5HX');

    // Leeds: a real postcode, no district in the table.
    const leeds = resolveBorough('LS1 4AP', lookup, NCL);
    assert.equal(leeds.ok, false);
    assert.equal(!leeds.ok && leeds.problem, 'outside-area');
    assert.equal(!leeds.ok && leeds.message, POSTCODE_OUTSIDE_AREA_MESSAGE);
    assert.equal(!leeds.ok && leeds.postcode?.postcode, 'LS1 4AP');
    assert.equal(POSTCODE_OUTSIDE_AREA_MESSAGE, 'We cannot find a borough for this postcode in this area');

    // St John's Wood: in the table, but mostly Westminster, which is not an NCL borough.
    const nw8 = resolveBorough('NW8 9AY', lookup, NCL);
    assert.equal(!nw8.ok && nw8.problem, 'outside-area');
    // Without a list of area boroughs, the lookup's answer stands.
    const any = resolveBorough('NW8 9AY', lookup);
    assert.equal(any.ok && any.borough, 'E09000033');
  });

  it('can be replaced: a full postcode beats its sector, which beats its district', () => {
    const custom = createBoroughLookup({ N6: HARINGEY, 'n6 6': CAMDEN, n66ba: ISLINGTON });
    const at = (p: string) => {
      const r = resolveBorough(p, custom, NCL);
      return r.ok ? r.borough : r.problem;
    };
    assert.equal(at('N6 4AA'), HARINGEY);
    assert.equal(at('N6 6AA'), CAMDEN);
    assert.equal(at('N6 6BA'), ISLINGTON);
    assert.equal(at('N7 6BA'), 'outside-area');
  });
});

describe('NCL postcode districts (data/ncl/postcode-districts.json)', () => {
  const file = NCL_POSTCODE_DISTRICTS;
  const districts = new Map(file.districts.map((d) => [d.district, d]));

  it('is marked illustrative and says how districts were assigned', () => {
    assert.equal(file.illustrative, true);
    assert.match(file.method, /most of its addresses/);
    assert.match(file.method, /ONS Postcode Directory/);
    assert.deepEqual([...file.area.boroughs].sort(), NCL);
  });

  it('covers the N, NW, EN, WC1 and EC1 districts the brief names', () => {
    const expected = [
      ...Array.from({ length: 22 }, (_, i) => `N${i + 1}`),
      'NW1',
      'NW3',
      'NW5',
      'NW6',
      'NW7',
      'NW8',
      'NW11',
      'EN1',
      'EN2',
      'EN3',
      'EN4',
      'EN5',
    ];
    for (const d of expected) assert.ok(districts.has(d), d);
    // WC1 and EC1 are split into their real districts.
    for (const d of [
      'WC1A',
      'WC1B',
      'WC1E',
      'WC1H',
      'WC1N',
      'WC1R',
      'WC1V',
      'WC1X',
      'EC1M',
      'EC1N',
      'EC1R',
      'EC1V',
      'EC1Y',
    ]) {
      assert.ok(districts.has(d), d);
    }
  });

  it('gives every NCL borough some districts, and names every code it uses', () => {
    for (const b of NCL)
      assert.ok(
        file.districts.some((d) => d.borough === b),
        b,
      );
    for (const d of file.districts) {
      assert.ok(file.boroughNames[d.borough], d.district);
      assert.ok(!d.alsoIn.includes(d.borough), `${d.district} lists its own borough in alsoIn`);
    }
  });

  it('validates, and names the path of each problem in a broken file', () => {
    assert.equal(validatePostcodeDistricts(file).ok, true);
    const broken = {
      ...file,
      illustrative: 'yes',
      districts: [
        { district: 'N19', places: [], borough: ISLINGTON, alsoIn: [] },
        { district: 'N19', places: [], borough: 'Islington', alsoIn: ['E09000099'] },
        { district: 'N 19', places: 'x', borough: ISLINGTON },
      ],
    };
    const r = validatePostcodeDistricts(broken);
    assert.equal(r.ok, false);
    const paths = !r.ok ? r.errors.map((e) => e.path) : [];
    assert.deepEqual(paths, [
      'illustrative',
      'districts[1].district',
      'districts[1].borough',
      'districts[1].alsoIn[0]',
      'districts[2].district',
      'districts[2].places',
      'districts[2].alsoIn',
    ]);
  });
});
