// NHS numbers: 10 digits, the last a Modulus 11 check digit (NHS Data Dictionary, "NHS Number").
//
//   1. Multiply each of the first nine digits by a weight: 10 for the first, 9 for the second … 2 for the ninth.
//   2. Add the products and take the remainder on dividing by 11.
//   3. Subtract the remainder from 11. 11 becomes 0; 10 means the number is not valid (never issued).
//   4. The result must equal the tenth digit.
//
// One deliberate addition to the Data Dictionary rule: numbers made of one digit repeated (0000000000,
// 1111111111 … 9999999999) all pass Modulus 11, but none is ever issued and some systems use them as
// "unknown" placeholders, so they are refused too. Issue ranges (England and Wales 400–499 and 600–708
// million, Scotland's CHI, Northern Ireland's H&C) are not checked: a resident from anywhere in the UK
// can be referred, and the check digit already catches single-digit errors and most transpositions.

export const NHS_NUMBER_FORMAT_MESSAGE = 'Enter a 10-digit NHS number';
export const NHS_NUMBER_CHECK_MESSAGE = 'This NHS number is not valid: check the digits';

export type NhsNumberProblem = 'format' | 'check-digit';

export type NhsNumberResult = { ok: true; value: string } | { ok: false; problem: NhsNumberProblem; message: string };

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** Strip the spaces (and hyphens) people type or paste: "943 476 5919" → "9434765919". Null when what
 * remains is not exactly 10 digits. */
export function normaliseNhsNumber(input: unknown): string | null {
  // Strings only: a JSON number would have lost any leading zero.
  if (typeof input !== 'string') return null;
  const text = input.replace(/[\s-]/g, '');
  return /^\d{10}$/.test(text) ? text : null;
}

/** The check digit for the first nine digits, or null when the Modulus 11 result is 10 (no valid
 * NHS number starts with these nine digits). */
export function nhsNumberCheckDigit(firstNine: string): number | null {
  if (!/^\d{9}$/.test(firstNine)) throw new TypeError(`Expected nine digits, got "${firstNine}"`);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * WEIGHTS[i];
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/** Validate and normalise an NHS number typed by a person or sent by another system. */
export function validateNhsNumber(input: unknown): NhsNumberResult {
  const digits = normaliseNhsNumber(input);
  if (digits === null) return { ok: false, problem: 'format', message: NHS_NUMBER_FORMAT_MESSAGE };
  const check = nhsNumberCheckDigit(digits.slice(0, 9));
  const repeated = /^(\d)\1{9}$/.test(digits);
  if (check === null || check !== Number(digits[9]) || repeated) {
    return { ok: false, problem: 'check-digit', message: NHS_NUMBER_CHECK_MESSAGE };
  }
  return { ok: true, value: digits };
}

export function isValidNhsNumber(input: unknown): boolean {
  return validateNhsNumber(input).ok;
}

/** The way NHS numbers are shown to people: "943 476 5919". Expects the normalised 10 digits. */
export function formatNhsNumber(nhsNumber: string): string {
  const digits = normaliseNhsNumber(nhsNumber);
  if (digits === null) throw new TypeError('Expected a 10-digit NHS number');
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}
