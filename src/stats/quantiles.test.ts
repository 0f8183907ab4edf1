import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignQuantiles } from './quantiles.ts';
import { num, readPackageCsv } from './test-helpers.ts';

describe('quantiles (phe_quantile) against the package test data (testdata_Quantiles)', () => {
  const rows = readPackageCsv('quantiles.csv').filter((row) => row.Test.startsWith('Good'));
  // As the package's tests: regional deciles by indicator and sex, septiles by indicator and sex,
  // quartiles of everything; "Low is good" indicators inverted so quantile 1 holds the highest values.
  const sets = [
    { groupSet: 'IndSexReg', quantiles: 10, key: (r: Record<string, string>) => `${r.IndSexRef}|${r.ParentCode}` },
    { groupSet: 'IndSex', quantiles: 7, key: (r: Record<string, string>) => r.IndSexRef },
    { groupSet: 'None', quantiles: 4, key: () => 'all', invert: true },
  ];
  for (const set of sets) {
    it(`${set.groupSet}: ${set.quantiles} quantiles`, () => {
      const groups = new Map<string, Record<string, string>[]>();
      for (const row of rows.filter((r) => r.GroupSet === set.groupSet)) {
        groups.set(set.key(row), [...(groups.get(set.key(row)) ?? []), row]);
      }
      let checked = 0;
      for (const group of groups.values()) {
        // The package maps "RAG - Low is good" to invert = TRUE; its dummy rows say true or false directly.
        const invert = set.invert ?? ['RAG - Low is good', 'true'].includes(group[0].Polarity);
        const result = assignQuantiles(
          group.map((r) => num(r.Value)),
          { quantiles: set.quantiles, invert },
        );
        group.forEach((row, i) => {
          assert.equal(result[i], num(row.QuantileInGrp), `${row.IndSexRef} ${row.AreaCode}`);
          checked++;
        });
      }
      assert.ok(checked > 100);
    });
  }

  it('quintiles of ten values, with ties sharing the lower rank, and too few values give none', () => {
    assert.deepEqual(
      assignQuantiles([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], { quantiles: 5 }),
      [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
    );
    assert.deepEqual(
      assignQuantiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { quantiles: 5, invert: false }),
      [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
    );
    assert.deepEqual(assignQuantiles([5, 5, 5, 5, 5], { quantiles: 5 }), [1, 1, 1, 1, 1]);
    assert.deepEqual(assignQuantiles([3, null, 1, 2], { quantiles: 5 }), [null, null, null, null]);
    assert.deepEqual(assignQuantiles([3, null, 1, 2, 4, 5], { quantiles: 5 })[1], null);
    assert.throws(() => assignQuantiles([1, 2], { quantiles: 1 }), RangeError);
  });
});
