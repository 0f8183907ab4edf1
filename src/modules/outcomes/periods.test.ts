import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { comparePeriods, dueDateFor, parsePeriod, periodContains } from './periods.ts';

describe('periods', () => {
  it('reads financial years, quarters and months', () => {
    assert.deepEqual(parsePeriod('2024/25'), {
      label: '2024/25',
      frequency: 'annual',
      start: '2024-04-01',
      end: '2025-03-31',
    });
    assert.deepEqual(parsePeriod('2024/25 Q4'), {
      label: '2024/25 Q4',
      frequency: 'quarterly',
      start: '2025-01-01',
      end: '2025-03-31',
    });
    assert.equal(parsePeriod('2024/25 Q1')?.end, '2024-06-30');
    assert.equal(parsePeriod('2024-02')?.end, '2024-02-29');
  });

  it('rejects years whose halves do not follow on, and other formats', () => {
    for (const bad of ['2024/26', '2024-25', '2024/25 Q5', '2024-13', 'Q1 2024/25', '']) {
      assert.equal(parsePeriod(bad), undefined, bad);
    }
    assert.equal(parsePeriod('1999/00')?.start, '1999-04-01');
  });

  it('orders periods by start, shorter first', () => {
    const sorted = ['2023/24 Q2', '2023/24', '2022/23 Q4', '2023-04', '2023/24 Q1'].sort(comparePeriods);
    assert.deepEqual(sorted, ['2022/23 Q4', '2023-04', '2023/24 Q1', '2023/24', '2023/24 Q2']);
  });

  it('knows containment and due dates', () => {
    const year = parsePeriod('2023/24');
    const q = parsePeriod('2023/24 Q3');
    assert.ok(year && q && periodContains(year, q) && !periodContains(q, year));
    assert.equal(dueDateFor('2023/24 Q3'), '2024-01-20');
    assert.equal(dueDateFor('2023/24', 30), '2024-04-30');
    assert.throws(() => dueDateFor('soon'), RangeError);
  });
});
