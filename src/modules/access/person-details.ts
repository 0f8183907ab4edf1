// A referral's identity and contact details against the person's record: which differ. A referral never
// changes the record (anyone can send a self-referral with someone's NHS number); the fields that differ are
// flagged for the triager, who may copy them to the record as a deliberate, audited act.

export interface PersonDetails {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  postcode: string;
  gpPractice: string | null;
  phone: string | null;
  email: string | null;
}

export const PERSON_DETAIL_FIELDS = [
  'givenName',
  'familyName',
  'birthDate',
  'postcode',
  'gpPractice',
  'phone',
  'email',
] as const;
export type PersonDetailField = (typeof PERSON_DETAIL_FIELDS)[number];

export const PERSON_DETAIL_LABELS: Record<PersonDetailField, string> = {
  givenName: 'Given name',
  familyName: 'Family name',
  birthDate: 'Date of birth',
  postcode: 'Postcode',
  gpPractice: 'GP practice',
  phone: 'Phone',
  email: 'Email',
};

const normal: Record<PersonDetailField, (v: string) => string> = {
  givenName: (v) => v.trim().replace(/\s+/g, ' ').toLowerCase(),
  familyName: (v) => v.trim().replace(/\s+/g, ' ').toLowerCase(),
  birthDate: (v) => v.trim(),
  postcode: (v) => v.replace(/\s+/g, '').toUpperCase(),
  gpPractice: (v) => v.trim().toUpperCase(),
  phone: (v) => v.replace(/\D/g, '').replace(/^44/, '0'),
  email: (v) => v.trim().toLowerCase(),
};

/**
 * Fields where the referral gives a value that is not what the record holds (spacing and case aside).
 * A detail the referral leaves out (no phone, no GP practice) is not a difference.
 */
export function detailsThatDiffer(record: PersonDetails, given: PersonDetails): PersonDetailField[] {
  return PERSON_DETAIL_FIELDS.filter((f) => {
    const g = given[f];
    if (g === null || g === undefined || g === '') return false;
    const r = record[f];
    return r === null || r === undefined || normal[f](r) !== normal[f](g);
  });
}
