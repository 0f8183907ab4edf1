// Validation of offers arriving from outside the code: data files, JSON imports, edit forms.
// Every error names the field by path (components[12].provisions[0].responseStandards[1].firstContact)
// and says in plain words what was expected, so a commissioner can fix it without reading code.
// The returned value is rebuilt field by field, so it holds nothing the types do not describe.

import { fieldPath, isObj as isObject, type Obj } from '../../platform/data-file.ts';
import { parseDate } from '../../platform/london-time.ts';
import { hasCalendarParts, isZeroDuration, parseDuration, workingDays } from './duration.ts';
import {
  ACCESS_ROUTES,
  AGE_GROUP_CODES,
  type Accessibility,
  type AgeGroupCode,
  type AgeGroupProvision,
  type BestPractice,
  CATEGORY_CODES,
  type CategoryCode,
  CLOCKS,
  COMPONENT_KINDS,
  COORDINATING_FUNCTIONS,
  type Component,
  DOMAINS,
  type DayHours,
  type OfferDocument,
  type OfferVersion,
  OFFER_STATUSES,
  type OperatingHours,
  POINTS_OF_DELIVERY,
  type ResponseStandard,
  STANDARD_URGENCIES,
  type Source,
  type UrgencyLevel,
  WEEKDAYS,
  type Weekday,
} from './offer.ts';

export interface ValidationError {
  /** The field, e.g. "components[3].provisions[0].hours.days.monday.close"; "" for the whole input. */
  path: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationError[] };

export const DURATION_HINT = 'Enter a duration such as PT2H (2 hours) or P6W (6 weeks)';
const CODE_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const at = fieldPath;

function item(path: string, index: number): string {
  return `${path}[${index}]`;
}

function listOf(values: readonly string[]): string {
  if (values.length <= 2) return values.join(' or ');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** Minutes after midnight for "HH:MM" ("24:00" allowed when allowMidnight), else null. */
export function parseTime(text: unknown, allowMidnight = false): number | null {
  if (typeof text !== 'string') return null;
  if (allowMidnight && text === '24:00') return 24 * 60;
  const m = TIME_PATTERN.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export function isCode(text: unknown): text is string {
  return typeof text === 'string' && CODE_PATTERN.test(text);
}

function isCalendarDate(text: unknown): text is string {
  return parseDate(text) !== null;
}

function isInstant(text: unknown): text is string {
  return typeof text === 'string' && INSTANT_PATTERN.test(text) && !Number.isNaN(Date.parse(text));
}

/** Collects errors while rebuilding a value. One per validation call. */
class Checker {
  readonly errors: ValidationError[] = [];

  fail(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  /** An object whose keys are all known; reports unknown keys (usually misspellings). */
  object(value: unknown, path: string, what: string, keys: readonly string[]): Obj | null {
    if (!isObject(value)) {
      this.fail(path, `Expected ${what} written as a JSON object ({ … })`);
      return null;
    }
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) {
        this.fail(at(path, key), `Remove this field or check its spelling: ${what} has no field called "${key}"`);
      }
    }
    return value;
  }

  text(obj: Obj, key: string, path: string, message: string): string {
    const v = obj[key];
    if (typeof v !== 'string' || v.trim() === '') {
      this.fail(at(path, key), message);
      return '';
    }
    return v.trim();
  }

  optionalText(obj: Obj, key: string, path: string, message: string): string | undefined {
    if (obj[key] === undefined) return undefined;
    return this.text(obj, key, path, message);
  }

  oneOf<T extends string>(obj: Obj, key: string, path: string, values: readonly T[], what: string): T {
    const v = obj[key];
    if (typeof v !== 'string' || !values.includes(v as T)) {
      this.fail(at(path, key), `Choose ${what} from: ${listOf(values)}`);
      return values[0];
    }
    return v as T;
  }

  /** An array of non-empty strings; missing means empty unless minItems says otherwise. */
  texts(obj: Obj, key: string, path: string, what: string, minItems = 0): string[] {
    const v = obj[key];
    if (v === undefined && minItems === 0) return [];
    if (!Array.isArray(v)) {
      this.fail(at(path, key), `Expected a list of ${what}, such as ["…", "…"]`);
      return [];
    }
    const out: string[] = [];
    v.forEach((entry, i) => {
      if (typeof entry !== 'string' || entry.trim() === '') {
        this.fail(item(at(path, key), i), `Enter ${what} as text`);
      } else {
        out.push(entry.trim());
      }
    });
    if (v.length < minItems) this.fail(at(path, key), `Add at least ${minItems} ${what}`);
    return out;
  }

  /** A list of enum values, no repeats, at least one. */
  choices<T extends string>(obj: Obj, key: string, path: string, values: readonly T[], what: string): T[] {
    const v = obj[key];
    const p = at(path, key);
    if (!Array.isArray(v) || v.length === 0) {
      this.fail(p, `Add at least one ${what}: ${listOf(values)}`);
      return [];
    }
    const out: T[] = [];
    v.forEach((entry, i) => {
      if (typeof entry !== 'string' || !values.includes(entry as T)) {
        this.fail(item(p, i), `Choose ${what} from: ${listOf(values)}`);
      } else if (out.includes(entry as T)) {
        this.fail(item(p, i), `Remove the repeated ${what} "${entry}"`);
      } else {
        out.push(entry as T);
      }
    });
    return out;
  }

  bool(obj: Obj, key: string, path: string): boolean {
    const v = obj[key];
    if (typeof v !== 'boolean') {
      this.fail(at(path, key), 'Enter true or false');
      return false;
    }
    return v;
  }

  source(value: unknown, path: string): Source {
    const obj = this.object(value, path, 'a source', ['title', 'publisher', 'url', 'year']);
    if (!obj) return { title: '' };
    const out: Source = {
      title: this.text(obj, 'title', path, 'Enter the title of the source, such as the guideline or standard name'),
    };
    const publisher = this.optionalText(obj, 'publisher', path, 'Enter the publisher, such as NHS England or NICE');
    if (publisher !== undefined) out.publisher = publisher;
    if (obj.url !== undefined) {
      if (typeof obj.url !== 'string' || !/^https?:\/\/\S+$/.test(obj.url)) {
        this.fail(at(path, 'url'), 'Enter a web address starting with https://');
      } else {
        out.url = obj.url;
      }
    }
    if (obj.year !== undefined) {
      if (typeof obj.year !== 'number' || !Number.isInteger(obj.year) || obj.year < 1900 || obj.year > 2100) {
        this.fail(at(path, 'year'), 'Enter the year the source was published, as 4 digits such as 2022');
      } else {
        out.year = obj.year;
      }
    }
    return out;
  }

  /** Figures need a public source or an explicit illustrative label. */
  provenance(obj: Obj, path: string, target: { source?: Source; illustrative?: boolean }): void {
    if (obj.illustrative !== undefined && typeof obj.illustrative !== 'boolean') {
      this.fail(at(path, 'illustrative'), 'Enter true or false');
    }
    if (obj.source !== undefined) target.source = this.source(obj.source, at(path, 'source'));
    if (obj.illustrative === true) target.illustrative = true;
    if (obj.source === undefined && obj.illustrative !== true) {
      this.fail(
        path,
        'Add a source for this figure, or set "illustrative": true if it does not come from a public source',
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------

function checkVersion(c: Checker, value: unknown, path: string): OfferVersion {
  const keys = ['id', 'systemId', 'number', 'status', 'effectiveFrom', 'changeNotes', 'createdAt', 'publishedAt'];
  const obj = c.object(value, path, 'the offer version', keys) ?? {};
  const version: OfferVersion = {
    id: c.text(obj, 'id', path, 'Enter an identifier for this version'),
    systemId: c.text(obj, 'systemId', path, 'Enter the integrated care system this offer belongs to'),
    number: 1,
    status: c.oneOf(obj, 'status', path, OFFER_STATUSES, 'a status'),
    effectiveFrom: '',
    changeNotes: typeof obj.changeNotes === 'string' ? obj.changeNotes.trim() : '',
    createdAt: '',
    publishedAt: null,
  };
  if (obj.changeNotes !== undefined && typeof obj.changeNotes !== 'string') {
    c.fail(at(path, 'changeNotes'), 'Enter the change notes as text');
  }
  if (typeof obj.number !== 'number' || !Number.isInteger(obj.number) || obj.number < 1) {
    c.fail(at(path, 'number'), 'Enter the version number as a whole number, 1 or more');
  } else {
    version.number = obj.number;
  }
  if (!isCalendarDate(obj.effectiveFrom)) {
    c.fail(at(path, 'effectiveFrom'), 'Enter a real date as YYYY-MM-DD, such as 2022-04-01');
  } else {
    version.effectiveFrom = obj.effectiveFrom;
  }
  if (!isInstant(obj.createdAt)) {
    c.fail(at(path, 'createdAt'), 'Enter a date and time with its time zone, such as 2022-03-18T09:00:00Z');
  } else {
    version.createdAt = obj.createdAt;
  }
  if (obj.publishedAt === null || obj.publishedAt === undefined) {
    if (version.status !== 'draft' && OFFER_STATUSES.includes(obj.status as never)) {
      c.fail(at(path, 'publishedAt'), `Enter when this version was published: a ${version.status} version has a date`);
    }
  } else if (!isInstant(obj.publishedAt)) {
    c.fail(at(path, 'publishedAt'), 'Enter a date and time with its time zone, such as 2022-04-01T09:00:00Z, or null');
  } else if (version.status === 'draft') {
    c.fail(at(path, 'publishedAt'), 'Leave this as null: a draft has not been published');
  } else {
    version.publishedAt = obj.publishedAt;
  }
  return version;
}

function checkDayHours(c: Checker, value: unknown, path: string): DayHours {
  if (isObject(value) && 'closed' in value) {
    const obj = c.object(value, path, 'a closed day', ['closed']);
    if (obj && obj.closed !== true) c.fail(at(path, 'closed'), 'Enter true, or give open and close times instead');
    return { closed: true };
  }
  const obj = c.object(value, path, 'opening times ({ "open": "08:00", "close": "20:00" } or { "closed": true })', [
    'open',
    'close',
  ]);
  if (!obj) return { closed: true };
  const timeHint = 'Enter a time as HH:MM on a 24-hour clock, such as 08:00 or 20:30';
  const open = parseTime(obj.open);
  const close = parseTime(obj.close, true);
  if (open === null) c.fail(at(path, 'open'), timeHint);
  if (close === null) c.fail(at(path, 'close'), `${timeHint} (24:00 means midnight)`);
  if (open !== null && close !== null && close <= open) {
    c.fail(at(path, 'close'), `Enter a closing time after the opening time (${String(obj.open)})`);
  }
  return { open: String(obj.open), close: String(obj.close) };
}

function checkHours(c: Checker, value: unknown, path: string): OperatingHours {
  const obj = c.object(value, path, 'operating hours', ['twentyFourSeven', 'days', 'note', 'source', 'illustrative']);
  if (!obj) return { twentyFourSeven: false };
  const hours: OperatingHours = { twentyFourSeven: c.bool(obj, 'twentyFourSeven', path) };
  if (hours.twentyFourSeven) {
    if (obj.days !== undefined) c.fail(at(path, 'days'), 'Remove the daily times: this service is open 24/7');
  } else {
    const daysPath = at(path, 'days');
    const days = c.object(obj.days, daysPath, 'the weekly timetable (monday to sunday)', WEEKDAYS);
    if (days) {
      const out = {} as Record<Weekday, DayHours>;
      for (const day of WEEKDAYS) {
        if (days[day] === undefined) {
          c.fail(at(daysPath, day), `Enter opening times for ${day}, or { "closed": true }`);
          out[day] = { closed: true };
        } else {
          out[day] = checkDayHours(c, days[day], at(daysPath, day));
        }
      }
      hours.days = out;
    }
  }
  const note = c.optionalText(obj, 'note', path, 'Enter the note as text');
  if (note !== undefined) hours.note = note;
  c.provenance(obj, path, hours);
  return hours;
}

function checkDuration(c: Checker, value: unknown, path: string, clock: string): string {
  const d = typeof value === 'string' ? parseDuration(value) : null;
  if (!d || isZeroDuration(d)) {
    c.fail(path, DURATION_HINT);
    return '';
  }
  if (hasCalendarParts(d)) {
    c.fail(path, 'Use weeks or days, such as P6W or P30D: months and years have no exact length');
  } else if (clock === 'working-days' && workingDays(d) === null) {
    c.fail(path, 'On a working-days clock, enter whole days such as P5D (5 working days)');
  }
  return value as string;
}

function checkResponseStandard(c: Checker, value: unknown, path: string, levels: string[]): ResponseStandard {
  const keys = ['urgency', 'firstContact', 'followUp', 'clock', 'target', 'note', 'source', 'illustrative'];
  const obj = c.object(value, path, 'a response standard', keys);
  if (!obj) return { urgency: '', firstContact: '', clock: 'calendar' };
  const known = [...STANDARD_URGENCIES, ...levels];
  let urgency = '';
  if (typeof obj.urgency !== 'string' || !known.includes(obj.urgency)) {
    const extra = levels.length ? `, or a level defined in this component's urgencyLevels (${levels.join(', ')})` : '';
    c.fail(at(path, 'urgency'), `Choose emergency, urgent or routine${extra}`);
  } else {
    urgency = obj.urgency;
  }
  const clock = c.oneOf(obj, 'clock', path, CLOCKS, 'the clock the standard runs on');
  const standard: ResponseStandard = {
    urgency,
    firstContact: checkDuration(c, obj.firstContact, at(path, 'firstContact'), clock),
    clock,
  };
  if (obj.followUp !== undefined) standard.followUp = checkDuration(c, obj.followUp, at(path, 'followUp'), clock);
  if (obj.target !== undefined) {
    if (typeof obj.target !== 'number' || !(obj.target > 0 && obj.target <= 1)) {
      c.fail(at(path, 'target'), 'Enter the target as a share between 0 and 1, such as 0.95 for 95%');
    } else {
      standard.target = obj.target;
    }
  }
  const note = c.optionalText(obj, 'note', path, 'Enter the note as text');
  if (note !== undefined) standard.note = note;
  c.provenance(obj, path, standard);
  return standard;
}

function checkAccessibility(c: Checker, value: unknown, path: string): Accessibility {
  const obj = c.object(value, path, 'the accessibility commitments', [
    'interpreting',
    'bsl',
    'dementiaFriendly',
    'notDigitalOnly',
    'other',
  ]);
  if (!obj) return { interpreting: false, bsl: false, dementiaFriendly: false, notDigitalOnly: false, other: [] };
  return {
    interpreting: c.bool(obj, 'interpreting', path),
    bsl: c.bool(obj, 'bsl', path),
    dementiaFriendly: c.bool(obj, 'dementiaFriendly', path),
    notDigitalOnly: c.bool(obj, 'notDigitalOnly', path),
    other: c.texts(obj, 'other', path, 'accessibility commitments'),
  };
}

function checkProvision(c: Checker, value: unknown, path: string, levels: string[]): AgeGroupProvision {
  const keys = [
    'ageGroup',
    'hours',
    'outOfHours',
    'responseStandards',
    'accessRoutes',
    'eligibility',
    'pointsOfDelivery',
    'bestPractice',
    'integration',
    'workforce',
    'accessibility',
  ];
  const obj = c.object(value, path, 'an age group provision', keys) ?? {};
  const provision: AgeGroupProvision = {
    ageGroup: c.oneOf(obj, 'ageGroup', path, AGE_GROUP_CODES, 'an age group') as AgeGroupCode,
    hours: checkHours(c, obj.hours, at(path, 'hours')),
    outOfHours: c.text(obj, 'outOfHours', path, 'Say who people can contact when the service is closed'),
    responseStandards: [],
    accessRoutes: c.choices(obj, 'accessRoutes', path, ACCESS_ROUTES, 'access route'),
    eligibility: c.texts(obj, 'eligibility', path, 'eligibility criteria'),
    pointsOfDelivery: c.choices(obj, 'pointsOfDelivery', path, POINTS_OF_DELIVERY, 'point of delivery'),
    bestPractice: [],
    integration: c.texts(obj, 'integration', path, 'services or agencies'),
    workforce: c.texts(obj, 'workforce', path, 'workforce competencies'),
    accessibility: checkAccessibility(c, obj.accessibility, at(path, 'accessibility')),
  };
  const rsPath = at(path, 'responseStandards');
  if (!Array.isArray(obj.responseStandards) || obj.responseStandards.length === 0) {
    c.fail(rsPath, 'Add at least one response standard saying how quickly people are contacted');
  } else {
    // Several standards may share an urgency when they are tiers of one national standard
    // (Talking Therapies: 75% within 6 weeks, 95% within 18 weeks), but not the same time twice.
    const seen = new Map<string, number>();
    obj.responseStandards.forEach((rs, i) => {
      const standard = checkResponseStandard(c, rs, item(rsPath, i), levels);
      const key = `${standard.urgency} ${standard.firstContact}`;
      const first = seen.get(key);
      if (standard.urgency && standard.firstContact && first !== undefined) {
        c.fail(
          at(item(rsPath, i), 'firstContact'),
          `Change the time or remove one: responseStandards[${first}] already gives ${standard.firstContact} for "${standard.urgency}"`,
        );
      } else {
        seen.set(key, i);
      }
      provision.responseStandards.push(standard);
    });
  }
  const bpPath = at(path, 'bestPractice');
  if (obj.bestPractice !== undefined && !Array.isArray(obj.bestPractice)) {
    c.fail(bpPath, 'Expected a list of best-practice requirements, each with a requirement and a source');
  } else if (Array.isArray(obj.bestPractice)) {
    obj.bestPractice.forEach((bp, i) => {
      const p = item(bpPath, i);
      const bpObj = c.object(bp, p, 'a best-practice requirement', ['requirement', 'source']);
      if (!bpObj) return;
      const entry: BestPractice = {
        requirement: c.text(bpObj, 'requirement', p, 'Enter the requirement in a sentence'),
        source: c.source(bpObj.source, at(p, 'source')),
      };
      provision.bestPractice.push(entry);
    });
  }
  return provision;
}

function checkComponent(c: Checker, value: unknown, path: string): Component {
  const keys = [
    'code',
    'name',
    'residentSummary',
    'description',
    'domain',
    'category',
    'kind',
    'synonyms',
    'conditions',
    'urgencyLevels',
    'provisions',
  ];
  const obj = c.object(value, path, 'a component', keys) ?? {};
  let code = '';
  if (!isCode(obj.code)) {
    c.fail(at(path, 'code'), 'Enter a code in lower-case letters, numbers and hyphens, such as district-nursing');
  } else {
    code = obj.code;
  }
  const component: Component = {
    code,
    name: c.text(obj, 'name', path, 'Enter the name of the service'),
    residentSummary: c.text(obj, 'residentSummary', path, 'Enter a short plain-English summary for residents'),
    description: c.text(obj, 'description', path, 'Enter a description of the service'),
    domain: c.oneOf(obj, 'domain', path, DOMAINS, 'a domain'),
    category: c.oneOf(obj, 'category', path, CATEGORY_CODES, 'a category') as CategoryCode,
    kind: c.oneOf(obj, 'kind', path, COMPONENT_KINDS, 'a kind'),
    synonyms: c.texts(obj, 'synonyms', path, 'other names'),
    conditions: c.texts(obj, 'conditions', path, 'conditions or needs'),
    provisions: [],
  };

  const levels: UrgencyLevel[] = [];
  if (obj.urgencyLevels !== undefined) {
    const ulPath = at(path, 'urgencyLevels');
    if (!Array.isArray(obj.urgencyLevels)) {
      c.fail(ulPath, 'Expected a list of urgency levels, each with a code and a name');
    } else {
      obj.urgencyLevels.forEach((ul, i) => {
        const p = item(ulPath, i);
        const ulObj = c.object(ul, p, 'an urgency level', ['code', 'name', 'description']);
        if (!ulObj) return;
        if (!isCode(ulObj.code)) {
          c.fail(at(p, 'code'), 'Enter a code in lower-case letters, numbers and hyphens, such as first-assessment');
        } else if ((STANDARD_URGENCIES as readonly string[]).includes(ulObj.code)) {
          c.fail(at(p, 'code'), `Remove this level: "${ulObj.code}" is already a standard urgency`);
        } else if (levels.some((l) => l.code === ulObj.code)) {
          c.fail(at(p, 'code'), `Use a different code: "${ulObj.code}" is already an urgency level here`);
        }
        const level: UrgencyLevel = {
          code: String(ulObj.code),
          name: c.text(ulObj, 'name', p, 'Enter a name for the urgency level'),
        };
        const description = c.optionalText(ulObj, 'description', p, 'Enter the description as text');
        if (description !== undefined) level.description = description;
        levels.push(level);
      });
      component.urgencyLevels = levels;
    }
  }

  const pPath = at(path, 'provisions');
  if (!Array.isArray(obj.provisions) || obj.provisions.length === 0) {
    c.fail(pPath, 'Add at least one age group provision');
  } else {
    const seen = new Map<string, number>();
    const levelCodes = levels.map((l) => l.code);
    obj.provisions.forEach((p, i) => {
      const provision = checkProvision(c, p, item(pPath, i), levelCodes);
      const first = seen.get(provision.ageGroup);
      if (isObject(p) && AGE_GROUP_CODES.includes(p.ageGroup as AgeGroupCode)) {
        if (first !== undefined) {
          c.fail(
            at(item(pPath, i), 'ageGroup'),
            `Each age group can appear only once per component: "${provision.ageGroup}" is already at provisions[${first}]`,
          );
        } else {
          seen.set(provision.ageGroup, i);
        }
      }
      component.provisions.push(provision);
    });
  }
  return component;
}

function result<T>(c: Checker, value: T): ValidationResult<T> {
  return c.errors.length ? { ok: false, errors: c.errors } : { ok: true, value };
}

/** Validate one component on its own (no check of codes against other components). */
export function validateComponent(input: unknown, path = ''): ValidationResult<Component> {
  const c = new Checker();
  return result(c, checkComponent(c, input, path));
}

export function validateOfferVersion(input: unknown, path = ''): ValidationResult<OfferVersion> {
  const c = new Checker();
  return result(c, checkVersion(c, input, path));
}

/** Validate a whole offer: the version, every component, unique codes and the coordinating functions. */
export function validateOfferDocument(input: unknown): ValidationResult<OfferDocument> {
  const c = new Checker();
  const obj = c.object(input, '', 'an offer document', ['version', 'components']);
  if (!obj) return result(c, null as never);
  const version = checkVersion(c, obj.version, 'version');
  const components: Component[] = [];
  if (!Array.isArray(obj.components)) {
    c.fail('components', 'Expected a list of components');
  } else {
    const seen = new Map<string, number>();
    obj.components.forEach((value, i) => {
      const component = checkComponent(c, value, item('components', i));
      const first = seen.get(component.code);
      if (component.code && first !== undefined) {
        c.fail(
          at(item('components', i), 'code'),
          `Use a different code: "${component.code}" is already used by components[${first}]`,
        );
      } else if (component.code) {
        seen.set(component.code, i);
      }
      components.push(component);
    });
    for (const fn of COORDINATING_FUNCTIONS) {
      const found = components.find((x) => x.code === fn.code);
      if (!found) {
        c.fail(
          'components',
          `Add the coordinating function "${fn.name}" with the code ${fn.code}: every offer must include it`,
        );
      } else if (found.kind !== 'coordinating-function') {
        c.fail(
          at(item('components', components.indexOf(found)), 'kind'),
          `Set kind to coordinating-function: ${fn.code} is one of the three coordinating functions`,
        );
      }
    }
  }
  return result(c, { version, components });
}
