// UK postcodes: format, normalisation, and the replaceable lookup from postcode to borough.
//
// Format follows the Royal Mail rules for the six outward-code shapes (A9, A99, AA9, AA99, A9A, AA9A)
// and the inward code (9AA), with the letters each position may hold, plus the non-geographic GIR 0AA.
// British Forces (BFPO) and overseas territory codes (ASCN 1ZZ and similar) are not accepted: they
// have no borough, and the hub serves people living in an English integrated care system.
//
// The borough lookup is a function, so a deployment can replace the demo's district table with the
// ONS Postcode Directory (postcode → local authority) without touching the callers. `createBoroughLookup`
// builds one from a table keyed by full postcode, sector ("N19 5") or district ("N19"), most specific
// first; the demo table in data/ncl/postcode-districts.json has districts only.

export const POSTCODE_FORMAT_MESSAGE = 'Enter a full UK postcode, like N19 5HX';
export const POSTCODE_OUTSIDE_AREA_MESSAGE = 'We cannot find a borough for this postcode in this area';

export interface Postcode {
  /** Normalised: capitals, one space before the inward code ("N19 5HX"). */
  postcode: string;
  /** "N19" */
  outward: string;
  /** "5HX" */
  inward: string;
  /** Postcode area, the leading letters: "N". */
  area: string;
  /** Postcode district, the same as the outward code: "N19", "WC1X". */
  district: string;
  /** Postcode sector: "N19 5". */
  sector: string;
}

// Position rules (Royal Mail Programmers' Guide): first letter not Q, V or X; second letter not I, J or Z;
// the letter after the digit in A9A is one of ABCDEFGHJKPSTUW, and in AA9A one of ABEHMNPRVWXY;
// the two inward letters never use C, I, K, M, O or V.
const FIRST = '[A-PR-UWYZ]';
const SECOND = '[A-HK-Y]';
const THIRD_A9A = '[A-HJKPSTUW]';
const FOURTH_AA9A = '[ABEHMNPRVWXY]';
const INWARD_LETTER = '[ABD-HJLNP-UW-Z]';
const OUTWARD = `(?:${FIRST}\\d\\d?|${FIRST}${SECOND}\\d\\d?|${FIRST}\\d${THIRD_A9A}|${FIRST}${SECOND}\\d${FOURTH_AA9A})`;
const PATTERN = new RegExp(`^(${OUTWARD})(\\d${INWARD_LETTER}{2})$`);

/** Parse a UK postcode typed any way ("n195hx", " N19  5HX "), or null when it is not one. */
export function parsePostcode(input: unknown): Postcode | null {
  if (typeof input !== 'string') return null;
  const compact = input.replace(/\s+/g, '').toUpperCase();
  if (compact === 'GIR0AA') {
    return { postcode: 'GIR 0AA', outward: 'GIR', inward: '0AA', area: 'GIR', district: 'GIR', sector: 'GIR 0' };
  }
  const m = PATTERN.exec(compact);
  if (!m) return null;
  const [, outward, inward] = m;
  return {
    postcode: `${outward} ${inward}`,
    outward,
    inward,
    area: /^[A-Z]+/.exec(outward)![0],
    district: outward,
    sector: `${outward} ${inward[0]}`,
  };
}

export function isValidPostcode(input: unknown): boolean {
  return parsePostcode(input) !== null;
}

/** "n19 5hx" → "N19 5HX"; null when it is not a UK postcode. */
export function normalisePostcode(input: unknown): string | null {
  return parsePostcode(input)?.postcode ?? null;
}

// ---------------------------------------------------------------------------------------------
// Postcode → borough

/** Finds the ONS GSS code of the local authority a postcode is in, or undefined when it does not know. */
export type BoroughLookup = (postcode: Postcode) => string | undefined;

/** A table from full postcode ("N19 5HX"), sector ("N19 5") or district ("N19") to a GSS code. */
export type BoroughTable = Readonly<Record<string, string>>;

/** A lookup that tries the full postcode, then the sector, then the district. */
export function createBoroughLookup(table: BoroughTable): BoroughLookup {
  const entries = new Map<string, string>();
  for (const [key, gss] of Object.entries(table)) {
    // A full postcode may be written any way; sectors and districts just need capitals and one space.
    entries.set(normalisePostcode(key) ?? key.trim().replace(/\s+/g, ' ').toUpperCase(), gss);
  }
  return (p) => entries.get(p.postcode) ?? entries.get(p.sector) ?? entries.get(p.district);
}

export type PostcodeProblem = 'format' | 'outside-area';

export type BoroughResult =
  | { ok: true; postcode: Postcode; borough: string }
  | { ok: false; problem: PostcodeProblem; message: string; postcode?: Postcode };

/**
 * Validate a postcode and find its borough among the area's boroughs (for NCL, the five GSS codes).
 * A postcode in bad format and a good postcode outside the area are different problems with different
 * messages: the first the person can fix by retyping, the second needs a person to help.
 */
export function resolveBorough(input: unknown, lookup: BoroughLookup, areaBoroughs?: Iterable<string>): BoroughResult {
  const postcode = parsePostcode(input);
  if (!postcode) return { ok: false, problem: 'format', message: POSTCODE_FORMAT_MESSAGE };
  const borough = lookup(postcode);
  const allowed = areaBoroughs ? new Set(areaBoroughs) : null;
  if (borough === undefined || (allowed && !allowed.has(borough))) {
    return { ok: false, problem: 'outside-area', message: POSTCODE_OUTSIDE_AREA_MESSAGE, postcode };
  }
  return { ok: true, postcode, borough };
}

// ---------------------------------------------------------------------------------------------
// The districts data file (data/ncl/postcode-districts.json)

export interface PostcodeDistrict {
  /** Outward code, e.g. "N19", "WC1X". */
  district: string;
  /** Places people know the district by. */
  places: string[];
  /** GSS code of the local authority holding most of the district. */
  borough: string;
  /** GSS codes of other local authorities the district reaches into. */
  alsoIn: string[];
}

export interface PostcodeDistrictsFile {
  area: { name: string; boroughs: string[] };
  /** GSS code → name, for every code the file uses. */
  boroughNames: Record<string, string>;
  method: string;
  illustrative: boolean;
  source?: { title: string; publisher?: string; url?: string };
  districts: PostcodeDistrict[];
}

export interface DataProblem {
  path: string;
  message: string;
}

const GSS = /^[EWSN]\d{8}$/;
const DISTRICT = new RegExp(`^(?:${OUTWARD})$`);

/** Check the shape of a districts file; every problem names its path. */
export function validatePostcodeDistricts(
  data: unknown,
): { ok: true; value: PostcodeDistrictsFile } | { ok: false; errors: DataProblem[] } {
  const errors: DataProblem[] = [];
  const problem = (path: string, message: string) => errors.push({ path, message });
  if (typeof data !== 'object' || data === null)
    return { ok: false, errors: [{ path: '', message: 'Expected an object' }] };
  const d = data as Record<string, unknown>;
  const area = d.area as Record<string, unknown> | undefined;
  if (!area || typeof area.name !== 'string' || !Array.isArray(area.boroughs)) {
    problem('area', 'Expected { name, boroughs: [GSS codes] }');
  } else {
    area.boroughs.forEach((b, i) => {
      if (typeof b !== 'string' || !GSS.test(b)) problem(`area.boroughs[${i}]`, 'Expected a GSS code like E09000003');
    });
  }
  const names = d.boroughNames as Record<string, unknown> | undefined;
  if (!names || typeof names !== 'object') problem('boroughNames', 'Expected an object from GSS code to name');
  if (typeof d.method !== 'string' || d.method === '') problem('method', 'Say how districts were assigned to boroughs');
  if (typeof d.illustrative !== 'boolean') problem('illustrative', 'Expected true or false');
  if (!Array.isArray(d.districts)) {
    problem('districts', 'Expected a list of districts');
  } else {
    const seen = new Set<string>();
    d.districts.forEach((raw, i) => {
      const path = `districts[${i}]`;
      const x = raw as Record<string, unknown>;
      if (typeof x?.district !== 'string' || !DISTRICT.test(x.district)) {
        problem(`${path}.district`, 'Expected an outward code like N19 or WC1X');
      } else if (seen.has(x.district)) {
        problem(`${path}.district`, `${x.district} appears more than once`);
      } else {
        seen.add(x.district);
      }
      if (!Array.isArray(x?.places) || !x.places.every((p) => typeof p === 'string')) {
        problem(`${path}.places`, 'Expected a list of place names');
      }
      const codes: unknown[] = [x?.borough, ...(Array.isArray(x?.alsoIn) ? x.alsoIn : [])];
      if (!Array.isArray(x?.alsoIn)) problem(`${path}.alsoIn`, 'Expected a list of GSS codes (may be empty)');
      codes.forEach((c, j) => {
        const at = j === 0 ? `${path}.borough` : `${path}.alsoIn[${j - 1}]`;
        if (typeof c !== 'string' || !GSS.test(c)) problem(at, 'Expected a GSS code like E09000003');
        else if (names && typeof names === 'object' && typeof names[c] !== 'string') {
          problem(at, `${c} has no name in boroughNames`);
        }
      });
    });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: data as PostcodeDistrictsFile };
}

/** A district-level lookup from a validated districts file. */
export function boroughLookupFromDistricts(file: PostcodeDistrictsFile): BoroughLookup {
  return createBoroughLookup(Object.fromEntries(file.districts.map((d) => [d.district, d.borough])));
}
