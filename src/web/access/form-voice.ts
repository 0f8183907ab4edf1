// The referral checks (modules/access/referral.ts) speak about "the person" in the API's words ("Enter the
// given name"). The forms label the same fields "First name", "Last name" and so on, and the self-referral form
// speaks to "you": each error message here is said in the form's own words, beside the label it belongs to.
import { POSTCODE_OUTSIDE_AREA_MESSAGE } from '../../modules/access/index.ts';

type Voice = 'self' | 'professional';

const SELF: readonly [string, string][] = [
  ['Enter the given name', 'Enter your first name'],
  ['Enter the family name', 'Enter your last name'],
  ['Enter the NHS number', 'Enter your NHS number'],
  ['Enter a 10-digit NHS number', 'Enter your 10-digit NHS number, like 999 123 4578'],
  ['This NHS number is not valid: check the digits', 'Check your NHS number: one of the digits is wrong'],
  [
    'Enter the date of birth as YYYY-MM-DD, like 1984-03-27',
    'Enter your date of birth as day, month and year, like 27 3 1984',
  ],
  ['Enter the date of birth', 'Enter your date of birth'],
  ['Enter the postcode', 'Enter your home postcode'],
  [
    POSTCODE_OUTSIDE_AREA_MESSAGE,
    'This postcode is not in North Central London (Barnet, Camden, Enfield, Haringey or Islington)',
  ],
  [
    'Enter the GP practice code: a letter and 5 numbers, like F83004',
    'Enter your GP surgery code as a letter and 5 numbers, like F83004, or leave it empty',
  ],
  ['Enter the reason for the referral', 'Tell us what is happening'],
  ['Enter the language the person needs an interpreter for', 'Enter the language you need an interpreter for'],
  [
    'Choose how the person prefers to be contacted: phone, email, letter or text',
    'Choose how you would like us to contact you',
  ],
];

const PROFESSIONAL: readonly [string, string][] = [
  ['Enter the given name', 'Enter their first name'],
  ['Enter the family name', 'Enter their last name'],
  [
    'Enter the date of birth as YYYY-MM-DD, like 1984-03-27',
    'Enter their date of birth as day, month and year, like 27 3 1984',
  ],
  [
    POSTCODE_OUTSIDE_AREA_MESSAGE,
    'This postcode is not in North Central London (Barnet, Camden, Enfield, Haringey or Islington)',
  ],
];

/** One error message in the form's words; messages it does not know are kept as they are. */
export function inFormVoice(text: string, voice: Voice): string {
  for (const [from, to] of voice === 'self' ? SELF : PROFESSIONAL) if (text === from) return to;
  return text;
}

/** The form's error items with each message in the form's words. */
export function voiced<T extends { text: string }>(errors: readonly T[], voice: Voice): T[] {
  return errors.map((e) => ({ ...e, text: inFormVoice(e.text, voice) }));
}

/** True when the postcode was refused for being outside the area (the form then says where to go instead). */
export function outsideArea(errors: readonly { text: string }[]): boolean {
  return errors.some((e) => e.text === POSTCODE_OUTSIDE_AREA_MESSAGE);
}
