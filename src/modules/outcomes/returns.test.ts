import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeReturnProblem,
  expectedReturnRows,
  RETURN_COLUMNS,
  RETURN_TEMPLATE,
  returnStatus,
  returnTemplateRows,
  validateReturnRows,
} from './returns.ts';
import { testFramework } from './test-fixtures.ts';

const framework = testFramework();
const context = { framework, providerCode: 'RRP', period: '2023/24 Q1' };
const good = (over: Record<string, unknown> = {}) => ({
  indicator_code: 'LW1.1',
  period: '2023/24 Q1',
  borough: 'E09000003',
  breakdown: '',
  breakdown_value: '',
  numerator: '40',
  denominator: 50,
  notes: '',
  ...over,
});
const problems = (rows: Record<string, unknown>[], ctx = context) => validateReturnRows(rows, ctx).errors;

describe('return template', () => {
  it('has the agreed columns in order', () => {
    assert.deepEqual(
      RETURN_TEMPLATE.map((c) => c.name),
      ['indicator_code', 'period', 'borough', 'breakdown', 'breakdown_value', 'numerator', 'denominator', 'notes'],
    );
    assert.deepEqual(
      [...RETURN_COLUMNS],
      RETURN_TEMPLATE.map((c) => c.name),
    );
  });

  it('prefills the rows a provider owes for its boroughs', () => {
    const rows = returnTemplateRows(framework, 'RRP', '2023/24 Q1');
    assert.deepEqual(rows[0], [...RETURN_COLUMNS]);
    // LW1.1 is quarterly and mental health; LW1.3 is annual (due at Q4); LW1.2 national; LW1.4 computed.
    assert.deepEqual(
      rows.slice(1).map((r) => `${r[0]} ${r[2]}`),
      ['LW1.1 E09000003', 'LW1.1 E09000010', 'LW1.1 E09000014'],
    );
    const q4 = expectedReturnRows(framework, 'TAF', '2023/24 Q4').map((r) => `${r.indicatorCode} ${r.period}`);
    assert.deepEqual([...new Set(q4)], ['LW1.1 2023/24 Q4', 'LW1.3 2023/24']);
    assert.deepEqual(expectedReturnRows(framework, 'RKE', '2023/24 Q1'), []); // community: none of these
  });
});

describe('validateReturnRows', () => {
  it('accepts good rows, normalising borough names and numbers', () => {
    const r = validateReturnRows(
      [good(), good({ borough: 'enfield', numerator: 3, denominator: '3' }), good({ borough: 'Haringey' })],
      context,
    );
    assert.deepEqual(r.errors, []);
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.rows.map((x) => [x.row, x.borough, x.numerator, x.denominator]),
      [
        [2, 'E09000003', 40, 50],
        [3, 'E09000010', 3, 3],
        [4, 'E09000014', 40, 50],
      ],
    );
    assert.deepEqual(r.warnings, []);
  });

  it('names row, column and what was expected', () => {
    const errors = problems([good(), good({ indicator_code: 'XX9.9' })]);
    assert.deepEqual(errors, [
      {
        row: 3,
        column: 'indicator_code',
        value: 'XX9.9',
        message: "Unknown indicator 'XX9.9': use a code from the framework",
      },
    ]);
    assert.equal(
      describeReturnProblem(errors[0]),
      "Row 3, indicator_code: Unknown indicator 'XX9.9': use a code from the framework",
    );
  });

  it('rejects a numerator above the denominator, negatives and non-numbers', () => {
    const errors = problems([
      good({ numerator: 51 }),
      good({ borough: 'E09000010', numerator: '-1' }),
      good({ borough: 'E09000014', denominator: '1,000' }),
      good({ borough: 'Barnet', period: '2023/24 Q1', numerator: '4.5' }),
    ]);
    assert.deepEqual(
      errors.map((e) => [e.row, e.column]),
      [
        [2, 'numerator'],
        [3, 'numerator'],
        [4, 'denominator'],
        [5, 'numerator'],
      ],
    );
    assert.match(errors[0].message, /must not be more than the denominator/);
    assert.match(errors[1].message, /not a negative number/);
    assert.match(errors[2].message, /whole number/);
  });

  it('rejects wrong period formats and periods outside the return', () => {
    const errors = problems([
      good({ period: 'Q1 2023' }),
      good({ period: '2023/24' }),
      good({ borough: 'E09000010', period: '2023/24 Q2' }),
    ]);
    assert.deepEqual(
      errors.map((e) => [e.row, e.column]),
      [
        [2, 'period'],
        [3, 'period'],
        [4, 'period'],
      ],
    );
    assert.match(errors[0].message, /Expected a financial quarter such as 2024\/25 Q2 \(LW1\.1 is quarterly\)/);
    assert.match(errors[2].message, /outside this return's period, 2023\/24 Q1/);
  });

  it('finds duplicate rows', () => {
    const errors = problems([good(), good({ borough: 'Barnet', notes: 'again' })]);
    assert.deepEqual(errors, [
      { row: 3, column: '', value: '', message: 'Duplicate of row 2: same indicator, period, borough and breakdown' },
    ]);
  });

  it("stops a provider submitting another provider's rows", () => {
    const errors = problems([
      good({ borough: 'Camden' }),
      good({ breakdown: 'provider', breakdown_value: 'TAF' }),
      good({ indicator_code: 'LW1.2', period: '2023/24' }),
      good({ indicator_code: 'LW1.4' }),
    ]);
    assert.deepEqual(
      errors.map((e) => [e.row, e.column]),
      [
        [2, 'borough'],
        [3, 'breakdown_value'],
        [4, 'indicator_code'],
        [4, 'period'], // and annual figures belong in the Q4 return
        [5, 'indicator_code'],
      ],
    );
    assert.match(errors[0].message, /RRP reports for Barnet, Enfield, Haringey; Camden is another provider's/);
    assert.match(errors[1].message, /expected RRP, got TAF/);
    assert.match(errors[2].message, /comes from Fingertips, not from provider returns/);
    assert.match(errors[4].message, /computed by the system/);
    const community = problems([good({ borough: 'Haringey' })], { ...context, providerCode: 'RKE' });
    assert.match(community[0].message, /reported by mental-health providers; RKE runs community services/);
  });

  it('lets the ICB (QMJ) load national and system figures for any borough', () => {
    const r = validateReturnRows(
      [
        good({ indicator_code: 'LW1.2', period: '2023/24', borough: 'Camden' }),
        good({ indicator_code: 'LW1.4', numerator: '12.5' }),
      ],
      { framework, providerCode: 'QMJ', period: '2023/24' },
    );
    assert.deepEqual(r.errors, []);
  });

  it('checks breakdowns and their values', () => {
    const errors = problems([
      good({ breakdown: 'deprivation-quintile', breakdown_value: '6' }),
      good({ breakdown: 'sex', breakdown_value: 'female' }),
      good({ breakdown: 'borough' }),
      good({ breakdown_value: '3' }),
      good({ breakdown: 'deprivation-quintile', breakdown_value: '1' }),
    ]);
    assert.deepEqual(
      errors.map((e) => [e.row, e.column]),
      [
        [2, 'breakdown_value'],
        [3, 'breakdown'],
        [4, 'breakdown'],
        [5, 'breakdown_value'],
      ],
    );
    assert.match(errors[0].message, /1 \(most deprived\) to 5/);
    assert.match(errors[1].message, /broken down by borough, provider, deprivation-quintile only/);
  });

  it('needs age bands from the European Standard Population for a standardised rate', () => {
    const ctx = { framework, providerCode: 'TAF', period: '2023/24 Q4' };
    const base = { indicator_code: 'LW1.3', period: '2023/24', borough: 'Camden' };
    const errors = problems(
      [
        good({ ...base, breakdown: 'age-band', breakdown_value: '65-69' }),
        good({ ...base }),
        good({ ...base, breakdown: 'age-band', breakdown_value: '65-74' }),
      ],
      ctx,
    );
    assert.deepEqual(
      errors.map((e) => [e.row, e.column]),
      [
        [3, 'breakdown'],
        [4, 'breakdown_value'],
      ],
    );
  });

  it('reports missing and unexpected columns once, and skips blank lines', () => {
    const { notes, ...noNotes } = good();
    assert.equal(notes, '');
    assert.deepEqual(problems([noNotes]), []); // notes is optional
    const { numerator, ...noNumerator } = good();
    assert.ok(numerator);
    assert.deepEqual(problems([noNumerator, noNumerator]), [
      { row: 1, column: 'numerator', value: '', message: "Column 'numerator' is missing" },
    ]);
    const extra = problems([{ ...good(), colour: 'red' }]);
    assert.equal(extra.length, 1);
    assert.match(extra[0].message, /Unexpected column 'colour'/);
    const blank = Object.fromEntries(RETURN_COLUMNS.map((c) => [c, '']));
    assert.deepEqual(problems([good(), blank]), []);
  });

  it('warns about expected rows that are not there', () => {
    const r = validateReturnRows([good()], context);
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.warnings.map((w) => w.message),
      ['No 2023/24 Q1 total for LW1.1 in Enfield', 'No 2023/24 Q1 total for LW1.1 in Haringey'],
    );
  });

  it('refuses an unknown provider', () => {
    const r = validateReturnRows([good()], { ...context, providerCode: 'RXX' });
    assert.equal(r.ok, false);
    assert.match(r.errors[0].message, /not a provider/);
  });
});

describe('returnStatus', () => {
  const expected = [
    { providerCode: 'RRP', period: '2023/24 Q1' },
    { providerCode: 'TAF', period: '2023/24 Q1' },
    { providerCode: 'RKE', period: '2023/24 Q1' },
    { providerCode: 'RRP', period: '2023/24 Q2' },
  ];
  const due = { '2023/24 Q1': '2023-07-20', '2023/24 Q2': '2023-10-20' };

  it('lists late and missing returns', () => {
    const report = returnStatus(
      expected,
      [
        { providerCode: 'RRP', period: '2023/24 Q1', submittedAt: '2023-07-20T22:00:00Z' },
        { providerCode: 'RRP', period: '2023/24 Q1', submittedAt: '2023-08-02T09:00:00Z' }, // resubmitted
        { providerCode: 'TAF', period: '2023/24 Q1', submittedAt: '2023-07-23T10:00:00Z' },
        { providerCode: 'RNK', period: '2023/24 Q1', submittedAt: '2023-07-01T10:00:00Z' },
      ],
      due,
      '2023-07-25T12:00:00Z',
    );
    assert.deepEqual(
      report.items.map((i) => [i.providerCode, i.period, i.state, i.daysLate, i.submissions]),
      [
        ['RRP', '2023/24 Q1', 'on-time', 0, 2],
        ['TAF', '2023/24 Q1', 'received-late', 3, 1],
        ['RKE', '2023/24 Q1', 'missing', 5, 0],
        ['RRP', '2023/24 Q2', 'not-yet-due', 0, 0],
      ],
    );
    assert.deepEqual(
      report.late.map((i) => i.providerCode),
      ['TAF'],
    );
    assert.deepEqual(
      report.missing.map((i) => i.providerCode),
      ['RKE'],
    );
    assert.deepEqual(
      report.unexpected.map((r) => r.providerCode),
      ['RNK'],
    );
    assert.equal(report.items[0].lastSubmittedAt, '2023-08-02T09:00:00.000Z');
  });

  it('counts a return on the due date as on time, and the next day as late', () => {
    const at = (submittedAt: string) =>
      returnStatus([expected[0]], [{ ...expected[0], submittedAt }], due, new Date('2024-01-01')).items[0].state;
    assert.equal(at('2023-07-20T23:59:59Z'), 'on-time');
    assert.equal(at('2023-07-21T00:00:00Z'), 'received-late');
  });

  it('throws for a period with no due date (a programmer error)', () => {
    assert.throws(() => returnStatus(expected, [], {}, new Date()), /no due date for period 2023\/24 Q1/);
  });
});
