import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  formatNhsNumber,
  isValidNhsNumber,
  NHS_NUMBER_CHECK_MESSAGE,
  NHS_NUMBER_FORMAT_MESSAGE,
  nhsNumberCheckDigit,
  normaliseNhsNumber,
  validateNhsNumber,
} from './nhs-number.ts';

// Worked by hand, as in the NHS Data Dictionary: 943 476 591 →
// 9×10 + 4×9 + 3×8 + 4×7 + 7×6 + 6×5 + 5×4 + 9×3 + 1×2 = 299; 299 mod 11 = 2; 11 − 2 = 9.
const VALID = ['9434765919', '4010232137', '4857773457', '4505577104'];

describe('NHS number (Modulus 11)', () => {
  it('accepts known valid numbers, with or without spaces, and normalises them', () => {
    for (const n of VALID) assert.deepEqual(validateNhsNumber(n), { ok: true, value: n }, n);
    assert.deepEqual(validateNhsNumber('943 476 5919'), { ok: true, value: '9434765919' });
    assert.deepEqual(validateNhsNumber(' 943-476-5919 '), { ok: true, value: '9434765919' });
    assert.equal(formatNhsNumber('9434765919'), '943 476 5919');
  });

  it('computes the check digit as the Data Dictionary does', () => {
    assert.equal(nhsNumberCheckDigit('943476591'), 9);
    assert.equal(nhsNumberCheckDigit('401023213'), 7);
    // remainder 0 → 11 − 0 = 11 → check digit 0
    assert.equal(nhsNumberCheckDigit('000000000'), 0);
    // 1×10 + 2×9 + … + 9×2 = 210; 210 mod 11 = 1; 11 − 1 = 10 → no valid number
    assert.equal(nhsNumberCheckDigit('123456789'), null);
  });

  it('says "check the digits" for a wrong check digit, a check digit of 10, or one digit repeated', () => {
    for (const n of [
      '9434765918',
      '943 476 5910',
      '1234567890',
      '1234567891',
      '0000000000',
      '1111111111',
      '9999999999',
    ]) {
      assert.deepEqual(
        validateNhsNumber(n),
        { ok: false, problem: 'check-digit', message: NHS_NUMBER_CHECK_MESSAGE },
        n,
      );
    }
    assert.equal(NHS_NUMBER_CHECK_MESSAGE, 'This NHS number is not valid: check the digits');
  });

  it('says "enter a 10-digit NHS number" for anything that is not 10 digits', () => {
    for (const n of ['', '943476591', '94347659190', '943 476 591X', 'abcdefghij', '9434.765919']) {
      assert.deepEqual(validateNhsNumber(n), { ok: false, problem: 'format', message: NHS_NUMBER_FORMAT_MESSAGE }, n);
    }
    // A JSON number has lost any leading zero, so only strings are accepted.
    assert.equal(validateNhsNumber(9434765919).ok, false);
    assert.equal(validateNhsNumber(null).ok, false);
    assert.equal(validateNhsNumber(undefined).ok, false);
    assert.equal(NHS_NUMBER_FORMAT_MESSAGE, 'Enter a 10-digit NHS number');
    assert.equal(normaliseNhsNumber('943 476 5919'), '9434765919');
    assert.equal(normaliseNhsNumber('943 476 59'), null);
  });

  // Modulus 11 with a prime modulus and weights 10…2 (and 1 on the check digit) catches every single
  // wrong digit and every swap of two neighbouring different digits.
  const validNumber = fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 })
    .map((d) => d.join(''))
    .filter((nine) => nhsNumberCheckDigit(nine) !== null && !/^(\d)\1{8}$/.test(nine))
    .map((nine) => nine + String(nhsNumberCheckDigit(nine)));

  it('generated numbers with their check digit are valid', () => {
    fc.assert(fc.property(validNumber, (n) => isValidNhsNumber(n) || /^(\d)\1{9}$/.test(n)));
  });

  it('catches every single-digit error', () => {
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (n, at, delta) => {
        const changed = n.slice(0, at) + String((Number(n[at]) + delta) % 10) + n.slice(at + 1);
        return !isValidNhsNumber(changed);
      }),
    );
  });

  it('catches every swap of neighbouring different digits', () => {
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 0, max: 8 }), (n, at) => {
        fc.pre(n[at] !== n[at + 1]);
        const swapped = n.slice(0, at) + n[at + 1] + n[at] + n.slice(at + 2);
        return !isValidNhsNumber(swapped);
      }),
    );
  });
});
