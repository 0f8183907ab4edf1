// Directory search for staff and residents: filters (borough, age, need) narrow the list, free
// text ranks it. Pure: the caller passes the directory and, optionally, the offer's components
// so that "stammer" finds the speech and language therapy services.

import { ageGroupsForAge } from '../offer/index.ts';
import type { Directory, LocalAsset, Service } from './directory.ts';

export interface DirectoryQuery {
  text?: string;
  /** A need or topic such as "diabetes" or "loneliness". */
  need?: string;
  /** An age group code; a service or asset must serve it. */
  ageGroup?: string;
  /** A resident's age in whole years; matches every age group that contains it. */
  age?: number;
  /** GSS code of the borough. */
  borough?: string;
}

/** The words the offer uses for a component, so searches can reach services through them. */
export interface ComponentTerms {
  code: string;
  name: string;
  synonyms?: string[];
  conditions?: string[];
}

export type DirectoryHit =
  | { kind: 'service'; item: Service; score: number }
  | { kind: 'asset'; item: LocalAsset; score: number };

const words = (s: string): string[] => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];

/** A query word matches a field word exactly, or as a prefix once it is 4 letters or more. */
function matches(q: string, field: string[]): boolean {
  return field.some((w) => w === q || (q.length >= 4 && w.startsWith(q)));
}

interface Fields {
  strong: string[];
  medium: string[];
  weak: string[];
}

function serviceFields(s: Service, terms: Map<string, ComponentTerms>): Fields {
  const comp = s.componentCodes.flatMap((c) => {
    const t = terms.get(c);
    return [c.replaceAll('-', ' '), ...(t ? [t.name, ...(t.synonyms ?? []), ...(t.conditions ?? [])] : [])];
  });
  return { strong: words(s.name), medium: words(comp.join(' ')), weak: words(s.description ?? '') };
}

function assetFields(a: LocalAsset): Fields {
  return { strong: words(a.name), medium: words(a.needs.join(' ')), weak: words(a.description) };
}

/** 3 per word in the name, 2 in needs or component words, 1 in the description; 0 when a word is missing. */
function textScore(query: string[], f: Fields): number {
  let score = 0;
  for (const q of query) {
    const s = matches(q, f.strong) ? 3 : matches(q, f.medium) ? 2 : matches(q, f.weak) ? 1 : 0;
    if (s === 0) return 0;
    score += s;
  }
  return score;
}

function servesAge(groups: readonly string[] | undefined, wanted: readonly string[]): boolean {
  return groups === undefined || wanted.some((g) => groups.includes(g));
}

export function searchDirectory(
  directory: Pick<Directory, 'services' | 'assets'>,
  query: DirectoryQuery,
  options: { components?: readonly ComponentTerms[] } = {},
): DirectoryHit[] {
  const terms = new Map((options.components ?? []).map((c) => [c.code, c]));
  const text = words(query.text ?? '');
  const need = words(query.need ?? '');
  const ages = [
    ...(query.ageGroup ? [query.ageGroup] : []),
    ...(query.age !== undefined ? ageGroupsForAge(query.age) : []),
  ];
  const keep = (boroughs: string[], groups: readonly string[] | undefined, f: Fields): number | null => {
    if (query.borough && !boroughs.includes(query.borough)) return null;
    if (ages.length > 0 && !servesAge(groups, ages)) return null;
    // A need must be among the item's needs or component words, not just somewhere in its description.
    if (need.length > 0 && textScore(need, { strong: f.strong, medium: f.medium, weak: [] }) === 0) return null;
    if (text.length === 0) return 0;
    const s = textScore(text, f);
    return s === 0 ? null : s;
  };
  const hits: DirectoryHit[] = [];
  for (const s of directory.services) {
    const score = keep(s.boroughs, s.ageGroups, serviceFields(s, terms));
    if (score !== null) hits.push({ kind: 'service', item: s, score });
  }
  for (const a of directory.assets) {
    const score = keep(a.boroughs, a.ageGroups, assetFields(a));
    if (score !== null) hits.push({ kind: 'asset', item: a, score });
  }
  return hits.sort((a, b) => b.score - a.score || a.item.name.localeCompare(b.item.name));
}
