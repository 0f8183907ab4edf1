// What a triager types in the worklist's search box, read as the one thing it can be: a referral reference
// ("CPA-7K3P9QXM", any case), an NHS number (10 digits, spaces allowed) or words of a person's name.
import { ValidationError } from '../../platform/errors.ts';
import { normaliseNhsNumber } from './nhs-number.ts';

export type WorklistSearch =
  | { kind: 'reference'; reference: string }
  | { kind: 'nhsNumber'; nhsNumber: string }
  | { kind: 'name'; words: string[] };

export const WORKLIST_SEARCH_MAX = 100;

/** The search, or undefined for an empty box; a 400 naming `field` when it cannot be a search. */
export function parseWorklistSearch(text: string | undefined, field = 'search'): WorklistSearch | undefined {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return undefined;
  if (trimmed.length > WORKLIST_SEARCH_MAX) {
    throw new ValidationError([{ field, message: `Search for ${WORKLIST_SEARCH_MAX} characters or fewer` }]);
  }
  if (/^cpa-[a-z0-9]{4,12}$/i.test(trimmed)) return { kind: 'reference', reference: trimmed.toUpperCase() };
  const nhsNumber = normaliseNhsNumber(trimmed);
  if (nhsNumber) return { kind: 'nhsNumber', nhsNumber };
  if (/^[\d\s-]+$/.test(trimmed)) {
    throw new ValidationError([{ field, message: 'An NHS number has 10 digits, like 943 476 5919' }]);
  }
  const words = trimmed
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .slice(0, 5);
  if (words.every((w) => w.length < 2)) {
    throw new ValidationError([{ field, message: 'Enter at least 2 letters of a name, a reference or an NHS number' }]);
  }
  return { kind: 'name', words };
}

/** A word as a LIKE pattern that matches it anywhere, with LIKE's own wildcards taken literally. */
export function containsPattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
