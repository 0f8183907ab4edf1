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
//
// Residents' words: RESIDENT_WORDS maps everyday words and phrases ("feeling down", "wets the bed", "out of
// breath") to the clinical words the offer uses ("low mood", "bedwetting", "breathlessness"). A related word
// counts 0.8 of the resident's own, and a related phrase equal to a whole name, synonym or condition earns
// 0.3 of the phrase bonus. Who it is for: words about a child ("my son", "school") favour services with a
// children's provision; without them, services only for children count less. Services residents can reach
// themselves (self-referral) and that cover more age groups come slightly first among equals.
//
// Safety first (offer.safety.ts): a search that reads as a crisis puts the crisis services first, the ones
// reachable now (24 hours, self-referral) at the top, whatever else it matches.

import {
  AGE_GROUPS,
  type AgeGroupCode,
  ageGroupsForAge,
  CATEGORIES,
  type CategoryCode,
  type Component,
  type ComponentKind,
  type Domain,
} from './offer.ts';
import { readsAsCrisis, withoutCrisisWords } from './offer.safety.ts';

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
  kind: 'phrase' | 'exact' | 'partial' | 'related';
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
  // Words residents use around what they need, that say nothing about which service.
  'about',
  'after',
  'all',
  'always',
  'am',
  'been',
  'being',
  'but',
  'feel',
  'feeling',
  'feels',
  'getting',
  'go',
  'going',
  'got',
  'had',
  'has',
  'he',
  'her',
  'him',
  'his',
  'how',
  'just',
  'keep',
  'keeps',
  'know',
  'lot',
  'really',
  'she',
  'since',
  'some',
  'someone',
  'that',
  'their',
  'them',
  'they',
  'thing',
  'things',
  'think',
  'this',
  'time',
  'trouble',
  'very',
  'want',
  'was',
  'we',
  'what',
  'when',
  'who',
  'why',
  'will',
  'would',
]);

/**
 * Everyday words and phrases (as residents type them, lower case, apostrophes dropped) and the words the
 * offer's names, synonyms and conditions use for the same thing. The longest phrase matching wins.
 */
export const RESIDENT_WORDS: Readonly<Record<string, readonly string[]>> = {
  low: ['low mood', 'depression'],
  down: ['low mood', 'depression'],
  sad: ['low mood', 'depression'],
  unhappy: ['low mood', 'depression'],
  miserable: ['low mood', 'depression'],
  'fed up': ['low mood', 'depression'],
  depressed: ['depression', 'low mood'],
  anxious: ['anxiety', 'worry'],
  nervous: ['anxiety', 'worry'],
  worried: ['worry', 'anxiety'],
  worrying: ['worry', 'anxiety'],
  panicky: ['panic', 'anxiety'],
  stressed: ['stress', 'anxiety'],
  sleep: ['insomnia'],
  sleeping: ['insomnia'],
  'cant sleep': ['insomnia'],
  concentrate: ['concentration', 'attention'],
  concentrating: ['concentration', 'attention'],
  focus: ['concentration', 'attention'],
  'sit still': ['hyperactivity', 'ADHD'],
  fidgety: ['hyperactivity'],
  restless: ['hyperactivity'],
  autistic: ['autism'],
  'not talking': ['late talking', 'speech delay'],
  'isnt talking': ['late talking', 'speech delay'],
  'talking yet': ['late talking', 'speech delay'],
  'not speaking': ['late talking', 'speech delay'],
  forgetting: ['memory', 'forgetful'],
  forgets: ['memory', 'forgetful'],
  forget: ['memory', 'forgetful'],
  falling: ['fall', 'falls'],
  'falling over': ['fall', 'falls'],
  fell: ['fall'],
  'bad back': ['back pain'],
  'sore back': ['back pain'],
  backache: ['back pain'],
  sore: ['pain'],
  hurt: ['pain'],
  hurts: ['pain'],
  ache: ['pain'],
  aching: ['pain'],
  leak: ['leaking', 'incontinence'],
  'wet the bed': ['bedwetting'],
  'wets the bed': ['bedwetting'],
  'wetting the bed': ['bedwetting'],
  'out of breath': ['breathlessness'],
  'short of breath': ['breathlessness'],
  breathless: ['breathlessness'],
  feet: ['foot'],
  lonely: ['loneliness', 'isolation'],
  alone: ['loneliness', 'isolation'],
  rent: ['housing', 'money worries'],
  bills: ['money worries', 'debt'],
  evicted: ['housing', 'homeless'],
  'back to work': ['employment', 'back to work'],
  'giving birth': ['postnatal depression', 'new baby'],
  'had a baby': ['postnatal depression', 'new baby'],
  'making myself sick': ['bulimia', 'eating disorder'],
  'stopped eating': ['not eating', 'eating disorder'],
  shaky: ['tremor'],
  shaking: ['tremor'],
  'where to go': ['not sure where to go', 'find a service'],
};

/** Words that say the person is a child or young person. */
const CHILD_WORDS = new Set([
  'son',
  'daughter',
  'child',
  'children',
  'childs',
  'kid',
  'kids',
  'toddler',
  'baby',
  'teenager',
  'teen',
  'boy',
  'girl',
  'school',
  'nursery',
  'pupil',
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

/** Light stemming: plural -s/-es/-ies, -ing and -ed ("stammering" → "stammer", "worried" → "worry"). */
export function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith('ied')) return `${w.slice(0, -3)}y`;
  if (w.length > 5 && w.endsWith('ed') && !w.endsWith('eed')) {
    w = w.slice(0, -2);
    if (/([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|zz|ff)$/.test(w)) w = w.slice(0, -1);
    return w;
  }
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

/** One thing the resident said: their own word(s), and the offer's words for it. */
interface QueryGroup {
  text: string;
  terms: Map<string, number>;
  /** Related phrases, as stemmed words, for the phrase bonus. */
  related: string[][];
}

const RESIDENT_KEYS = Object.keys(RESIDENT_WORDS)
  .map((k) => ({ key: k, words: words(k) }))
  .sort((a, b) => b.words.length - a.words.length);

/** The query as groups: a resident phrase from RESIDENT_WORDS becomes one group, any other word its own. */
function queryGroups(query: string): QueryGroup[] {
  const ws = words(query);
  const groups: QueryGroup[] = [];
  for (let i = 0; i < ws.length; ) {
    const hit = RESIDENT_KEYS.find((k) => k.words.every((w, j) => ws[i + j] === w));
    if (hit) {
      const own = terms(hit.key);
      const group: QueryGroup = { text: hit.key, terms: new Map(own.map((t) => [t, 1])), related: [] };
      for (const phrase of RESIDENT_WORDS[hit.key]) {
        const ts = terms(phrase);
        group.related.push(ts);
        for (const t of ts) if (!group.terms.has(t)) group.terms.set(t, 0.8);
      }
      groups.push(group);
      i += hit.words.length;
      continue;
    }
    const w = ws[i];
    i++;
    if (STOP_WORDS.has(w)) continue;
    const t = stem(w);
    if (groups.some((g) => g.terms.get(t) === 1 && g.terms.size === 1)) continue;
    groups.push({ text: w, terms: new Map([[t, 1]]), related: [] });
  }
  return groups;
}

/** Whether the words say the person is a child or young person. */
function mentionsChild(query: string): boolean {
  return words(query).some((w) => CHILD_WORDS.has(w));
}

/** Score one component for a query; 0 means no match. */
export function scoreComponent(
  component: Component,
  query: string,
  forChild = mentionsChild(query),
): { score: number; matches: SearchMatch[] } {
  const qTerms = [...new Set(terms(query))];
  const groups = queryGroups(query);
  if (groups.length === 0) return { score: 0, matches: [] };
  const fields = indexComponent(component);
  const matches: SearchMatch[] = [];
  let score = 0;
  let matchedGroups = 0;
  const phraseText = qTerms.join(' ');
  for (const f of fields) {
    if (f.field === 'residentSummary' || f.field === 'description') continue;
    const phrases = new Set(f.phrases.map((p) => p.join(' ')));
    if (phrases.has(phraseText)) {
      score += PHRASE * WEIGHTS[f.field];
      matches.push({ field: f.field, term: query.trim(), kind: 'phrase' });
    }
    for (const g of groups) {
      for (const r of g.related) {
        if (r.join(' ') !== phraseText && phrases.has(r.join(' '))) {
          score += 0.3 * PHRASE * WEIGHTS[f.field];
          matches.push({ field: f.field, term: `${g.text} (${r.join(' ')})`, kind: 'related' });
        }
      }
    }
  }
  for (const g of groups) {
    let matched = false;
    for (const [q, weight] of g.terms) {
      for (const f of fields) {
        if (f.words.has(q)) {
          score += EXACT * WEIGHTS[f.field] * weight;
          matches.push({ field: f.field, term: q, kind: weight === 1 ? 'exact' : 'related' });
          matched = true;
        } else if ([...f.words].some((w) => partialMatch(q, w))) {
          score += PARTIAL * WEIGHTS[f.field] * weight;
          matches.push({ field: f.field, term: q, kind: weight === 1 ? 'partial' : 'related' });
          matched = true;
        }
      }
    }
    if (matched) matchedGroups++;
  }
  score *= matchedGroups / groups.length;
  if (score > 0) score *= audienceFactor(component, forChild);
  return { score: Math.round(score * 100) / 100, matches };
}

/** Who it is for and how it is reached: a small weight among services that match equally well. */
function audienceFactor(component: Component, child: boolean): number {
  const groups = new Set(component.provisions.map((p) => p.ageGroup));
  const forChildren = groups.has('children-young-people');
  let factor = 1;
  if (child) factor *= forChildren ? 1.25 : 0.8;
  else if (forChildren && groups.size === 1) factor *= 0.85;
  if (component.provisions.some((p) => p.accessRoutes.includes('self-referral'))) factor *= 1.1;
  factor *= 1 + 0.03 * groups.size;
  return factor;
}

/**
 * Crisis services first: those a person can reach now from wherever they are (24 hours, self-referral, by
 * phone or online) at the very top, then those open all day and night they can go to themselves, and the
 * ones for anyone of any age before those for some.
 */
function crisisPriority(c: Component, child: boolean): number {
  const crisis = c.conditions.some((x) => terms(x).join(' ') === 'crisis');
  if (!crisis) return 0;
  const open = c.provisions.filter((p) => p.hours.twentyFourSeven && p.accessRoutes.includes('self-referral'));
  const remote = open.some((p) => p.pointsOfDelivery.includes('virtual'));
  const fits = c.provisions.some((p) =>
    child ? p.ageGroup === 'children-young-people' : p.ageGroup !== 'children-young-people',
  );
  const everyone = new Set(c.provisions.map((p) => p.ageGroup)).size === AGE_GROUPS.length;
  return 1 + (remote ? 4 : open.length ? 2 : 0) + (fits ? 3 : 0) + (everyone ? 1 : 0);
}

/**
 * Components matching the query and filters, best first (ties by name, then code).
 * An empty query lists every component that passes the filters, by name. A query that reads as a crisis
 * lists the crisis services first (see offer.safety.ts), then what the rest of the words match.
 */
export function searchComponents(components: Component[], query: string, filters: SearchFilters = {}): SearchResult[] {
  const candidates = components.filter((c) => passesFilters(c, filters));
  if (terms(query).length === 0) {
    return candidates.map((component) => ({ component, score: 0, matches: [] })).sort(byScoreThenName);
  }
  const child =
    mentionsChild(query) ||
    filters.ageGroup === 'children-young-people' ||
    (filters.age !== undefined && filters.age < 18);
  if (readsAsCrisis(query)) {
    const rest = withoutCrisisWords(query);
    const crisis = candidates
      .map((component) => ({ component, priority: crisisPriority(component, child) }))
      .filter((x) => x.priority > 0)
      .sort((a, b) => b.priority - a.priority || a.component.name.localeCompare(b.component.name, 'en'))
      .map(({ component }) => ({
        component,
        score: 0,
        matches: [{ field: 'conditions' as const, term: 'crisis', kind: 'related' as const }],
      }));
    const first = new Set(crisis.map((r) => r.component.code));
    const others = terms(rest).length
      ? ranked(
          candidates.filter((c) => !first.has(c.code)),
          rest,
          child,
        )
      : [];
    return [...crisis, ...others];
  }
  return ranked(candidates, query, child);
}

function ranked(candidates: Component[], query: string, child: boolean): SearchResult[] {
  const results: SearchResult[] = [];
  for (const component of candidates) {
    const { score, matches } = scoreComponent(component, query, child);
    if (score > 0) results.push({ component, score, matches });
  }
  return results.sort(byScoreThenName);
}
