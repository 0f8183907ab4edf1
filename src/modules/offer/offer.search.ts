// Find components from the words residents use ("stammer", "memory", "low mood").
// Deliberately simple and explainable: every result says which words matched where.
//
// Scoring, per query word, adds up its best match in each field, so a word found in the
// synonyms and the conditions beats a word found in the synonyms alone:
//   exact word match      10 × field weight
//   partial (prefix) match 3 × field weight (the shorter side at least 5 letters,
//                          so "hear" does not match "heart")
// plus a bonus when the whole query equals a name, synonym or condition (50 × field weight).
// Field weights: name 5, synonyms 4, conditions 4, category 2, summary 1, description 0.5.
// The total is scaled by the share of query words that matched, so "low mood" prefers a
// component matching both words over one that only matches "low".

import {
  type AgeGroupCode,
  ageGroupsForAge,
  CATEGORIES,
  type CategoryCode,
  type Component,
  type ComponentKind,
  type Domain,
} from './offer.ts';

export interface SearchFilters {
  /** Only components with a provision for this age group. */
  ageGroup?: AgeGroupCode;
  /** Only components with a provision for an age group this age (whole years) falls in:
   * 20 matches young-adults and working-age-adults provisions. */
  age?: number;
  category?: CategoryCode;
  /** "community" also returns components whose domain is "both"; likewise "mental-health". */
  domain?: Domain;
  kind?: ComponentKind;
}

export type SearchField = 'name' | 'synonyms' | 'conditions' | 'category' | 'residentSummary' | 'description';

export interface SearchMatch {
  field: SearchField;
  /** The query word (or the whole query, for a phrase match). */
  term: string;
  kind: 'phrase' | 'exact' | 'partial';
}

export interface SearchResult {
  component: Component;
  score: number;
  matches: SearchMatch[];
}

const WEIGHTS: Record<SearchField, number> = {
  name: 5,
  synonyms: 4,
  conditions: 4,
  category: 2,
  residentSummary: 1,
  description: 0.5,
};
const EXACT = 10;
const PARTIAL = 3;
const PHRASE = 50;

const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'at',
  'be',
  'can',
  'do',
  'for',
  'from',
  'get',
  'have',
  'help',
  'i',
  'im',
  'in',
  'is',
  'it',
  'me',
  'my',
  'need',
  'of',
  'on',
  'or',
  'our',
  'service',
  'services',
  'so',
  'support',
  'the',
  'to',
  'with',
  'you',
  'your',
]);

/** Lower-case words without punctuation ("Children's" → "childrens"). */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Light stemming: plural -s/-es/-ies and -ing ("stammering" → "stammer", "memories" → "memory"). */
export function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith('ing')) {
    w = w.slice(0, -3);
    // stuttering → stutter, running → run: drop one of a doubled final consonant.
    if (/([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|zz|ff)$/.test(w)) w = w.slice(0, -1);
    return w;
  }
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && /(ches|shes|sses|xes)$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
  return w;
}

/** Stemmed words without stop words: what is compared. */
export function terms(text: string): string[] {
  return words(text)
    .filter((w) => !STOP_WORDS.has(w))
    .map(stem);
}

interface IndexedField {
  field: SearchField;
  /** One entry per phrase (a synonym, a condition, the name …): its stemmed words. */
  phrases: string[][];
  words: Set<string>;
}

function indexComponent(c: Component): IndexedField[] {
  const categoryName = CATEGORIES.find((x) => x.code === c.category)?.name ?? c.category;
  const raw: [SearchField, string[]][] = [
    ['name', [c.name]],
    ['synonyms', c.synonyms],
    ['conditions', c.conditions],
    ['category', [categoryName]],
    ['residentSummary', [c.residentSummary]],
    ['description', [c.description]],
  ];
  return raw.map(([field, texts]) => {
    const phrases = texts.map(terms).filter((p) => p.length > 0);
    return { field, phrases, words: new Set(phrases.flat()) };
  });
}

function partialMatch(q: string, w: string): boolean {
  const [short, long] = q.length <= w.length ? [q, w] : [w, q];
  return short.length >= 5 && long.startsWith(short);
}

function passesFilters(c: Component, f: SearchFilters): boolean {
  if (f.ageGroup && !c.provisions.some((p) => p.ageGroup === f.ageGroup)) return false;
  if (f.age !== undefined) {
    const groups = ageGroupsForAge(f.age);
    if (!c.provisions.some((p) => groups.includes(p.ageGroup))) return false;
  }
  if (f.category && c.category !== f.category) return false;
  if (f.domain && c.domain !== f.domain && c.domain !== 'both' && f.domain !== 'both') return false;
  if (f.domain === 'both' && c.domain !== 'both') return false;
  if (f.kind && c.kind !== f.kind) return false;
  return true;
}

function byScoreThenName(a: SearchResult, b: SearchResult): number {
  return (
    b.score - a.score ||
    a.component.name.localeCompare(b.component.name, 'en') ||
    (a.component.code < b.component.code ? -1 : 1)
  );
}

/** Score one component for a query; 0 means no match. */
export function scoreComponent(component: Component, query: string): { score: number; matches: SearchMatch[] } {
  const qTerms = [...new Set(terms(query))];
  if (qTerms.length === 0) return { score: 0, matches: [] };
  const fields = indexComponent(component);
  const matches: SearchMatch[] = [];
  let score = 0;
  let matchedTerms = 0;
  const phraseText = qTerms.join(' ');
  for (const f of fields) {
    if (
      f.phrases.some((p) => p.join(' ') === phraseText) &&
      f.field !== 'residentSummary' &&
      f.field !== 'description'
    ) {
      score += PHRASE * WEIGHTS[f.field];
      matches.push({ field: f.field, term: query.trim(), kind: 'phrase' });
    }
  }
  for (const q of qTerms) {
    let matched = false;
    for (const f of fields) {
      if (f.words.has(q)) {
        score += EXACT * WEIGHTS[f.field];
        matches.push({ field: f.field, term: q, kind: 'exact' });
        matched = true;
      } else if ([...f.words].some((w) => partialMatch(q, w))) {
        score += PARTIAL * WEIGHTS[f.field];
        matches.push({ field: f.field, term: q, kind: 'partial' });
        matched = true;
      }
    }
    if (matched) matchedTerms++;
  }
  score *= matchedTerms / qTerms.length;
  return { score: Math.round(score * 100) / 100, matches };
}

/**
 * Components matching the query and filters, best first (ties by name, then code).
 * An empty query lists every component that passes the filters, by name.
 */
export function searchComponents(components: Component[], query: string, filters: SearchFilters = {}): SearchResult[] {
  const candidates = components.filter((c) => passesFilters(c, filters));
  if (terms(query).length === 0) {
    return candidates.map((component) => ({ component, score: 0, matches: [] })).sort(byScoreThenName);
  }
  const results: SearchResult[] = [];
  for (const component of candidates) {
    const { score, matches } = scoreComponent(component, query);
    if (score > 0) results.push({ component, score, matches });
  }
  return results.sort(byScoreThenName);
}
