// Compare two offer documents: what was added, removed and changed, field by field.
// Pure and deterministic: the same two inputs always give the same output in the same order,
// whatever order their keys or components arrived in.
//
// Lists whose items have an identity are matched by it, not by position, so reordering
// is not reported as a change and paths stay readable:
//   provisions[older-adults].responseStandards[urgent].firstContact
// Lists of plain values (synonyms, access routes …) and of unkeyed objects (best practice)
// are compared as a whole and reported as one change with the full before and after lists.

import { isObj as isPlainObject } from '../../platform/data-file.ts';
import { AGE_GROUP_CODES, type Component, type OfferDocument, type OfferVersion } from './offer.ts';

export interface FieldChange {
  /** Path inside the component (or version), e.g. "provisions[older-adults].hours.days.monday.close". */
  path: string;
  /** undefined when the field was added. */
  before: unknown;
  /** undefined when the field was removed. */
  after: unknown;
}

export interface ComponentRef {
  code: string;
  name: string;
}

export interface ComponentChange extends ComponentRef {
  changes: FieldChange[];
}

export interface OfferDiff {
  /** Changes to the version metadata (id, number, status, dates, notes). */
  version: FieldChange[];
  added: ComponentRef[];
  removed: ComponentRef[];
  changed: ComponentChange[];
  /** Codes present in both and identical. */
  unchangedCount: number;
}

/** Keyed lists: the field that identifies an item. */
const LIST_KEYS: Record<string, string> = {
  provisions: 'ageGroup',
  responseStandards: 'urgency',
  urgencyLevels: 'code',
};

/**
 * Identity of each item in a keyed list. A repeated key (two tiers of one routine standard)
 * gets "#2", "#3" in list order: responseStandards[routine], responseStandards[routine#2].
 */
function itemKeys(list: unknown[], keyField: string): string[] | null {
  const counts = new Map<string, number>();
  const keys: string[] = [];
  for (const x of list) {
    if (!isPlainObject(x) || typeof x[keyField] !== 'string') return null;
    const k = x[keyField] as string;
    const n = (counts.get(k) ?? 0) + 1;
    counts.set(k, n);
    keys.push(n === 1 ? k : `${k}#${n}`);
  }
  return keys;
}

/** Deep equality of JSON-like values, ignoring key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Order for keyed list items: age groups in their natural order, anything else alphabetically. */
function orderItemKeys(listName: string, keys: string[]): string[] {
  if (listName === 'provisions') {
    const rank = (k: string) => {
      const i = AGE_GROUP_CODES.indexOf(k as never);
      return i === -1 ? AGE_GROUP_CODES.length : i;
    };
    return keys.sort((a, b) => rank(a) - rank(b) || compareKeys(a, b));
  }
  return keys.sort(compareKeys);
}

function diffValue(before: unknown, after: unknown, path: string, out: FieldChange[], listName = ''): void {
  if (deepEqual(before, after)) return;
  const keyField = LIST_KEYS[listName];
  if (keyField && Array.isArray(before) && Array.isArray(after)) {
    const bk = itemKeys(before, keyField);
    const ak = itemKeys(after, keyField);
    // Unvalidated input without keys falls through to a whole-list change.
    if (bk && ak) {
      const b = new Map(bk.map((k, i) => [k, before[i]]));
      const a = new Map(ak.map((k, i) => [k, after[i]]));
      const keys = orderItemKeys(listName, [...new Set([...bk, ...ak])]);
      for (const k of keys) diffValue(b.get(k), a.get(k), `${path}[${k}]`, out);
      return;
    }
  }
  // Objects that share no fields are different shapes (a day's { open, close } becoming
  // { closed: true }): report them as one change rather than as a scatter of fields.
  if (isPlainObject(before) && isPlainObject(after) && Object.keys(before).some((k) => k in after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareKeys);
    for (const k of keys) diffValue(before[k], after[k], path ? `${path}.${k}` : k, out, k);
    return;
  }
  out.push({ path, before, after });
}

/** Field-by-field changes between two versions of one component. */
export function diffComponent(before: Component, after: Component): FieldChange[] {
  const out: FieldChange[] = [];
  diffValue(before, after, '', out);
  return out;
}

function diffVersion(before: OfferVersion, after: OfferVersion): FieldChange[] {
  const out: FieldChange[] = [];
  diffValue(before, after, '', out);
  return out;
}

function byCode(components: Component[]): Map<string, Component> {
  return new Map(components.map((c) => [c.code, c]));
}

/** Compare two offers (older first). Components are matched by code; results are sorted by code. */
export function diffOffers(before: OfferDocument, after: OfferDocument): OfferDiff {
  const b = byCode(before.components);
  const a = byCode(after.components);
  const codes = [...new Set([...b.keys(), ...a.keys()])].sort(compareKeys);
  const diff: OfferDiff = {
    version: diffVersion(before.version, after.version),
    added: [],
    removed: [],
    changed: [],
    unchangedCount: 0,
  };
  for (const code of codes) {
    const was = b.get(code);
    const now = a.get(code);
    if (!was && now) diff.added.push({ code, name: now.name });
    else if (was && !now) diff.removed.push({ code, name: was.name });
    else if (was && now) {
      const changes = diffComponent(was, now);
      if (changes.length) diff.changed.push({ code, name: now.name, changes });
      else diff.unchangedCount++;
    }
  }
  return diff;
}

/** True when the two offers have the same components (version metadata aside). */
export function hasComponentChanges(diff: OfferDiff): boolean {
  return diff.added.length > 0 || diff.removed.length > 0 || diff.changed.length > 0;
}
