// Reading an offer from a folder of JSON files, and flattening one for CSV export.
//
// Layout (one file per component keeps reviews and diffs small):
//   <dir>/offer.json                 the version metadata (OfferVersion)
//   <dir>/components/<code>.json     one Component each; the file name must equal its code
//
// Loading is all-or-nothing: every problem in every file is collected, then one OfferFileError
// names each file, field and what was expected.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeDuration } from './duration.ts';
import {
  type Component,
  getAgeGroup,
  type OfferDocument,
  type OfferVersion,
  type OperatingHours,
  WEEKDAYS,
  type Weekday,
} from './offer.ts';
import { validateComponent, validateOfferDocument, validateOfferVersion } from './offer.validate.ts';

export interface OfferFileProblem {
  /** The file, as a path under the folder that was loaded (e.g. "components/podiatry.json"). */
  file: string;
  /** The field inside the file; "" for the file as a whole. */
  path: string;
  message: string;
}

export class OfferFileError extends Error {
  readonly folder: string;
  readonly problems: OfferFileProblem[];

  constructor(folder: string, problems: OfferFileProblem[]) {
    const shown = problems
      .slice(0, 50)
      .map((p) => `- ${join(folder, p.file)}${p.path ? `, ${p.path}` : ''}: ${p.message}`);
    const more = problems.length > 50 ? [`- … and ${problems.length - 50} more`] : [];
    const noun = problems.length === 1 ? 'problem' : 'problems';
    super([`The offer in ${folder} has ${problems.length} ${noun}:`, ...shown, ...more].join('\n'));
    this.name = 'OfferFileError';
    this.folder = folder;
    this.problems = problems;
  }
}

export const OFFER_FILE = 'offer.json';
export const COMPONENTS_DIR = 'components';

async function readJson(dir: string, file: string, problems: OfferFileProblem[]): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.push({
      file,
      path: '',
      message: code === 'ENOENT' ? 'File not found' : `File could not be read (${code ?? String(e)})`,
    });
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    problems.push({ file, path: '', message: `This file is not valid JSON: ${(e as Error).message}` });
    return undefined;
  }
}

/** Load, validate and return the offer in `dir`; throws OfferFileError naming every file and field at fault. */
export async function loadOfferFolder(dir: string): Promise<OfferDocument> {
  const problems: OfferFileProblem[] = [];

  const versionJson = await readJson(dir, OFFER_FILE, problems);
  let version: OfferVersion | undefined;
  if (versionJson !== undefined) {
    const r = validateOfferVersion(versionJson);
    if (r.ok) version = r.value;
    else for (const e of r.errors) problems.push({ file: OFFER_FILE, ...e });
  }

  let names: string[] = [];
  try {
    names = (await readdir(join(dir, COMPONENTS_DIR)))
      .filter((n) => n.endsWith('.json'))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch {
    problems.push({ file: COMPONENTS_DIR, path: '', message: 'Folder not found: add one JSON file per component' });
  }
  if (names.length === 0 && !problems.some((p) => p.file === COMPONENTS_DIR)) {
    problems.push({
      file: COMPONENTS_DIR,
      path: '',
      message: 'Add at least one component file, such as district-nursing.json',
    });
  }

  const components: Component[] = [];
  const files: string[] = [];
  for (const name of names) {
    const file = `${COMPONENTS_DIR}/${name}`;
    const json = await readJson(dir, file, problems);
    if (json === undefined) continue;
    const r = validateComponent(json);
    if (!r.ok) {
      for (const e of r.errors) problems.push({ file, ...e });
      continue;
    }
    const expected = name.slice(0, -'.json'.length);
    if (r.value.code !== expected) {
      problems.push({
        file,
        path: 'code',
        message: `Make the code match the file name: expected "${expected}", found "${r.value.code}"`,
      });
      continue;
    }
    components.push(r.value);
    files.push(file);
  }

  if (problems.length === 0 && version) {
    // Rules across files: unique codes and the three coordinating functions.
    const r = validateOfferDocument({ version, components });
    if (!r.ok) {
      for (const e of r.errors) {
        const m = /^components\[(\d+)\]\.?(.*)$/.exec(e.path);
        if (m) problems.push({ file: files[Number(m[1])], path: m[2], message: e.message });
        else if (e.path === 'components') problems.push({ file: COMPONENTS_DIR, path: '', message: e.message });
        else problems.push({ file: OFFER_FILE, path: e.path.replace(/^version\.?/, ''), message: e.message });
      }
    } else {
      return r.value;
    }
  }
  throw new OfferFileError(dir, problems);
}

// ---------------------------------------------------------------------------------------------
// Plain-words helpers shared by the CSV export and the pages

const DAY_NAMES: Record<Weekday, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
};

/** "24 hours a day, 7 days a week" or "Monday to Friday 08:00 to 18:00; Saturday and Sunday closed". */
export function describeHours(hours: OperatingHours): string {
  if (hours.twentyFourSeven || !hours.days) return '24 hours a day, 7 days a week';
  const days = hours.days;
  const label = (d: Weekday) => {
    const h = days[d];
    return 'closed' in h ? 'closed' : `${h.open} to ${h.close}`;
  };
  const runs: { from: Weekday; to: Weekday; text: string }[] = [];
  for (const d of WEEKDAYS) {
    const last = runs[runs.length - 1];
    if (last && last.text === label(d)) last.to = d;
    else runs.push({ from: d, to: d, text: label(d) });
  }
  return runs
    .map((r) => {
      const from = WEEKDAYS.indexOf(r.from);
      const to = WEEKDAYS.indexOf(r.to);
      const span =
        from === to
          ? DAY_NAMES[r.from]
          : to === from + 1
            ? `${DAY_NAMES[r.from]} and ${DAY_NAMES[r.to]}`
            : `${DAY_NAMES[r.from]} to ${DAY_NAMES[r.to]}`;
      return `${span} ${r.text}`;
    })
    .join('; ');
}

// ---------------------------------------------------------------------------------------------
// CSV export

export const CSV_HEADER = [
  'component_code',
  'component_name',
  'kind',
  'domain',
  'category',
  'age_group',
  'min_age',
  'max_age',
  'hours',
  'hours_illustrative',
  'out_of_hours',
  'urgency',
  'first_contact',
  'first_contact_plain',
  'follow_up',
  'clock',
  'target',
  'illustrative',
  'source_title',
  'source_url',
  'source_year',
  'access_routes',
  'points_of_delivery',
  'interpreting',
  'bsl',
  'dementia_friendly',
  'not_digital_only',
] as const;

const yesNo = (b: boolean | undefined) => (b ? 'yes' : 'no');

/**
 * One row per component × age group × urgency, after a header row. Lists are joined with "; ".
 * Turn into text with toCsv() from csv.ts.
 */
export function toCsvRows(document: OfferDocument): string[][] {
  const rows: string[][] = [[...CSV_HEADER]];
  for (const c of document.components) {
    for (const p of c.provisions) {
      const group = getAgeGroup(p.ageGroup);
      for (const rs of p.responseStandards) {
        rows.push([
          c.code,
          c.name,
          c.kind,
          c.domain,
          c.category,
          p.ageGroup,
          String(group?.minAge ?? ''),
          group?.maxAge == null ? '' : String(group.maxAge),
          describeHours(p.hours),
          yesNo(p.hours.illustrative),
          p.outOfHours,
          rs.urgency,
          rs.firstContact,
          describeDuration(rs.firstContact, rs.clock),
          rs.followUp ?? '',
          rs.clock,
          rs.target === undefined ? '' : String(rs.target),
          yesNo(rs.illustrative),
          rs.source?.title ?? '',
          rs.source?.url ?? '',
          rs.source?.year === undefined ? '' : String(rs.source.year),
          p.accessRoutes.join('; '),
          p.pointsOfDelivery.join('; '),
          yesNo(p.accessibility.interpreting),
          yesNo(p.accessibility.bsl),
          yesNo(p.accessibility.dementiaFriendly),
          yesNo(p.accessibility.notDigitalOnly),
        ]);
      }
    }
  }
  return rows;
}
