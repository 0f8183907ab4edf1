import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DsrGroup, dsr } from './dsr.ts';
import { ESP2013, ESP2013_BANDS, ESP2013_WEIGHTS } from './esp2013.ts';
import { assertClose, num, readPackageCsv, readPheJson } from './test-helpers.ts';

type DsrCase = {
  groups: DsrGroup[];
  multiplier: number;
  confidence: 0.95 | 0.998;
  value: number;
  lower: number;
  upper: number;
};

describe('dsr (Dobson, ESP2013)', () => {
  readPheJson<DsrCase[]>('dsr.json').forEach((example, i) => {
    it(`reproduces PHE worked example ${i + 1} at ${example.confidence}`, () => {
      const result = dsr(example.groups, { confidence: example.confidence, multiplier: example.multiplier });
      assert.equal(result.suppressed, false);
      assertClose(result.value, example.value, 1e-6, 'value');
      assertClose(result.lower, example.lower, 1e-6, 'lower');
      assertClose(result.upper, example.upper, 1e-6, 'upper');
    });
  });

  it('exports the 2013 European Standard Population in 19 bands summing to 100,000', () => {
    assert.equal(ESP2013_BANDS.length, 19);
    assert.equal(ESP2013_WEIGHTS.length, 19);
    assert.equal(
      ESP2013_WEIGHTS.reduce((a, b) => a + b, 0),
      100_000,
    );
    assert.equal(ESP2013['0-4'], 5000);
    assert.equal(ESP2013['90+'], 1000);
  });

  it('the fixtures use the ESP2013 weights', () => {
    const [first] = readPheJson<DsrCase[]>('dsr.json');
    assert.deepEqual(
      first.groups.map((g) => g.standardPopulation),
      [...ESP2013_WEIGHTS],
    );
  });

  it('equals the crude rate when every band has the same rate', () => {
    const groups = ESP2013_WEIGHTS.map((w) => ({ count: 20, population: 10_000, standardPopulation: w }));
    const result = dsr(groups, { confidence: 0.95, multiplier: 100_000 });
    assertClose(result.value, 200, 1e-12, 'value');
  });

  it('suppresses a total count below 10 and a band with no population', () => {
    const few = ESP2013_WEIGHTS.map((w, i) => ({ count: i < 9 ? 1 : 0, population: 1000, standardPopulation: w }));
    assert.equal(dsr(few, { confidence: 0.95, multiplier: 1e5 }).suppressed, 'small-count');
    const zeroCounts = ESP2013_WEIGHTS.map((w) => ({ count: 0, population: 1000, standardPopulation: w }));
    assert.equal(dsr(zeroCounts, { confidence: 0.95, multiplier: 1e5 }).suppressed, 'small-count');
    const hole = ESP2013_WEIGHTS.map((w, i) => ({ count: 50, population: i === 3 ? 0 : 1000, standardPopulation: w }));
    assert.equal(dsr(hole, { confidence: 0.95, multiplier: 1e5 }).suppressed, 'zero-denominator');
  });

  it('throws a RangeError for programmer errors', () => {
    assert.throws(() => dsr([], { confidence: 0.95, multiplier: 1e5 }), RangeError);
    assert.throws(
      () => dsr([{ count: -1, population: 10, standardPopulation: 5 }], { confidence: 0.95, multiplier: 1e5 }),
      RangeError,
    );
    assert.throws(
      () => dsr([{ count: 1, population: 10, standardPopulation: 0 }], { confidence: 0.95, multiplier: 1e5 }),
      RangeError,
    );
  });
});

describe('dsr for events that are not independent (calculate_dsr, independent_events = FALSE)', () => {
  // The package's testdata_nonindepe: persons with 1, 2, 3 or 4 events per age band (frequency 4
  // dropped for the dummy, small and tiny areas, as the package's test does), ESP 2013 weights.
  const persons = readPackageCsv('dsr-nonindependent.csv');
  const results = readPackageCsv('dsr-results.csv').filter((row) => row.area.startsWith('testdata_nonind'));
  for (const expected of results) {
    it(`reproduces ${expected.area} at 95% and 99.8%`, () => {
      const rows = persons.filter((row) => row.area === expected.area);
      assert.equal(rows.length, ESP2013_WEIGHTS.length);
      const frequencies = expected.area === 'testdata_nonind_big' ? [1, 2, 3, 4] : [1, 2, 3];
      const groups = frequencies.flatMap((f) =>
        rows.map((row, band) => ({
          ageBand: row.ageband,
          eventFrequency: f,
          count: num(row[`f${f}`]) ?? 0, // an empty cell is R's NA, which the package counts as 0
          population: Number(row.pop),
          standardPopulation: ESP2013_WEIGHTS[band],
        })),
      );
      for (const [confidence, lo, hi] of [
        [0.95, 'lower95_0cl', 'upper95_0cl'],
        [0.998, 'lower99_8cl', 'upper99_8cl'],
      ] as const) {
        const result = dsr(groups, { confidence, multiplier: 100000, independentEvents: false });
        if (num(expected.value) === null) {
          assert.equal(result.suppressed, 'small-count');
          continue;
        }
        assert.equal(result.suppressed, false);
        assert.equal(result.suppressed === false && result.method, 'dobson-non-independent');
        // The spreadsheet gives 8 decimal places.
        assertClose(result.value, Number(expected.value), 1e-9, 'value');
        assertClose(result.lower, Number(expected[lo]), 1e-9, `${confidence} lower`);
        assertClose(result.upper, Number(expected[hi]), 1e-9, `${confidence} upper`);
      }
    });
  }

  it('gives the independent interval when everyone has one event', () => {
    const bands = ESP2013_WEIGHTS.map((w, i) => ({ count: 5 + i, population: 1000 + 10 * i, standardPopulation: w }));
    const independent = dsr(bands, { confidence: 0.95, multiplier: 1e5 });
    const persons = dsr(
      bands.map((b, i) => ({ ...b, ageBand: String(i), eventFrequency: 1 })),
      { confidence: 0.95, multiplier: 1e5, independentEvents: false },
    );
    assertClose(persons.value, independent.value as number, 1e-12, 'value');
    assertClose(persons.lower, independent.lower as number, 1e-12, 'lower');
    assertClose(persons.upper, independent.upper as number, 1e-12, 'upper');
  });

  it('refuses groups without a band or frequency, and bands whose populations differ', () => {
    const base = { count: 5, population: 100, standardPopulation: 1000 };
    const options = { confidence: 0.95, multiplier: 1e5, independentEvents: false } as const;
    assert.throws(() => dsr([{ ...base, eventFrequency: 1 }], options), /ageBand/);
    assert.throws(() => dsr([{ ...base, ageBand: 'a' }], options), /eventFrequency/);
    assert.throws(
      () =>
        dsr(
          [
            { ...base, ageBand: 'a', eventFrequency: 1 },
            { ...base, ageBand: 'a', eventFrequency: 2, population: 101 },
          ],
          options,
        ),
      /different populations/,
    );
  });
});
