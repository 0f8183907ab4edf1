// Case for change: findings generated from the baseline, places and offer (never written by
// hand), each a plain sentence with its figures, period, sources and the data for its chart.
// Size is "how many times" the better-served side has, allowing for need where there is an
// indicator; findings are ranked by it.

import type { Component } from '../offer/index.ts';
import type { Place } from '../places/index.ts';
import type { BaselineRow } from './baseline.ts';
import { COMMUNITY_TOTAL, SYSTEM_TOTAL, type VariationRow, variation } from './baseline.variation.ts';

export const FINDING_KINDS = [
  'need-mismatch',
  'provision-against-need',
  'wait-difference',
  'spend-per-head',
  'staff-difference',
  'sole-provider',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface ChartBar {
  borough: string;
  label: string;
  value: number;
  highlight: boolean;
}

export interface Finding {
  id: string;
  kind: FindingKind;
  rank: number;
  size: number;
  sentence: string;
  period: string;
  component: string;
  /** The boroughs compared (GSS codes), the worse-served first. */
  boroughs: string[];
  sources: string[];
  chart: { title: string; unit: string; bars: ChartBar[]; reference?: { label: string; value: number } };
}

export interface FindingsInput {
  period: string;
  places: readonly Place[];
  components: readonly Component[];
  rows: readonly BaselineRow[];
  needIndicators?: Readonly<Record<string, string>>;
  /** How the rows' source "illustrative" is shown. */
  illustrativeLabel?: string;
}

const NUMBER_WORDS = ['', 'once', 'twice', 'three times', 'four times', 'five times', 'six times', 'seven times'];

/** "over twice", "about half", "five times", "1.6 times". */
export function timesWords(r: number): string {
  if (Math.abs(r - 0.5) <= 0.03) return 'half';
  if (r > 0.45 && r < 0.55) return 'about half';
  const n = Math.round(r);
  if (n >= 2 && n < NUMBER_WORDS.length) {
    if (Math.abs(r - n) < 0.02) return NUMBER_WORDS[n];
    if (r > n && r - n < 0.2) return `over ${NUMBER_WORDS[n].replace('twice', 'twice')}`;
  }
  return `${r.toFixed(1)} times`;
}

export function formatPence(pence: number): string {
  const pounds = pence / 100;
  return pounds >= 10 ? `£${Math.round(pounds).toLocaleString('en-GB')}` : `£${pounds.toFixed(2)}`;
}
const num = (n: number, dp = 0) => n.toLocaleString('en-GB', { minimumFractionDigits: dp, maximumFractionDigits: dp });
// Keep acronyms (NHS, ADHD) as written.
const lower = (s: string) => (/^[A-Z]{2}/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1));
const plain = (s: string) => lower(s.replace(/\s*\(.*\)\s*$/, ''));
const AGE_WORDS: Record<string, string> = {
  'children-young-people': 'children and young people',
  'young-adults': 'young adults',
  'working-age-adults': 'working-age adults',
  'older-adults': 'older adults',
};
const headWords = (groups: string[]) => {
  const g = new Set(groups);
  if (g.has('total')) return 'resident';
  if (g.has('working-age-adults') && g.has('older-adults') && !g.has('children-young-people'))
    return 'resident aged 18 and over';
  if (g.size === 1 && g.has('children-young-people')) return 'child or young person';
  if (g.size === 1 && g.has('older-adults')) return 'resident aged 65 and over';
  return 'resident in the age groups served';
};

export function caseForChange(input: FindingsInput): Finding[] {
  const v = variation(input);
  const name = new Map(input.places.map((p) => [p.code, p.name]));
  const comp = new Map(input.components.map((c) => [c.code, c]));
  const rows = input.rows.filter((r) => r.period === input.period);
  const illustrative = input.illustrativeLabel ?? `Baseline ${input.period}: illustrative demo figures`;
  const rowSources = (component: string, boroughs: string[]) => [
    ...new Set(
      rows
        .filter((r) => r.component === component && boroughs.includes(r.borough) && r.source)
        .map((r) => (r.source === 'illustrative' ? illustrative : r.source!)),
    ),
  ];
  const needSource = (indicator: string): string[] => {
    const n = input.places.flatMap((p) => p.needs).find((x) => x.code === indicator);
    if (!n) return [];
    return [`${plain(n.name)}: ${n.source ? `${n.source.title} (${n.source.year})` : 'illustrative'}`];
  };
  const POP = 'Population: ONS Census 2021 totals; age groups illustrative except where cited in places.json';
  const findings: Omit<Finding, 'rank'>[] = [];
  const groups = new Map<string, VariationRow[]>();
  for (const r of v) {
    if (r.borough === SYSTEM_TOTAL) continue;
    groups.set(r.component, [...(groups.get(r.component) ?? []), r]);
  }
  const sys = (component: string) => v.find((r) => r.component === component && r.borough === SYSTEM_TOTAL)!;
  const bars = (
    list: VariationRow[],
    value: (r: VariationRow) => number | null,
    hi: string[],
    label: (x: number) => string,
  ) =>
    list
      .filter((r) => value(r) !== null)
      .map((r) => ({
        borough: r.borough,
        label: `${name.get(r.borough)}: ${label(value(r)!)}`,
        value: value(r)!,
        highlight: hi.includes(r.borough),
      }));
  const needValue = (borough: string, indicator: string) =>
    input.places.find((p) => p.code === borough)?.needs.find((n) => n.code === indicator);

  for (const [code, list] of groups) {
    const c = comp.get(code);
    const title = c ? lower(c.name) : 'community health services';
    const offered = list.filter((r) => r.offered);

    // Need against resource: higher need, lower spend per head served.
    const ind = list[0].needIndicator;
    if (ind) {
      let best: { a: VariationRow; b: VariationRow; needRatio: number; resRatio: number; size: number } | null = null;
      for (const a of offered) {
        for (const b of offered) {
          const na = needValue(a.borough, ind);
          const nb = needValue(b.borough, ind);
          if (!na || !nb || na.unit !== 'percent' || !a.spendPerHeadPence || !b.spendPerHeadPence) continue;
          const needRatio = na.value / nb.value;
          const resRatio = a.spendPerHeadPence / b.spendPerHeadPence;
          if (needRatio >= 1.25 && resRatio <= 0.8 && (!best || needRatio / resRatio > best.size)) {
            best = { a, b, needRatio, resRatio, size: needRatio / resRatio };
          }
        }
      }
      if (best) {
        const { a, b } = best;
        const na = needValue(a.borough, ind)!;
        const nb = needValue(b.borough, ind)!;
        findings.push({
          id: `need-mismatch:${code}:${a.borough}:${b.borough}`,
          kind: 'need-mismatch',
          size: best.size,
          sentence:
            `${name.get(a.borough)} has ${timesWords(best.needRatio)} ${name.get(b.borough)}'s ${plain(na.name)} ` +
            `(${na.value}% against ${nb.value}%) but ${timesWords(best.resRatio)} its ${title} resource: ` +
            `${formatPence(a.spendPerHeadPence!)} against ${formatPence(b.spendPerHeadPence!)} per ${headWords(a.ageGroups)} in ${input.period}.`,
          period: input.period,
          component: code,
          boroughs: [a.borough, b.borough],
          sources: [...rowSources(code, [a.borough, b.borough]), ...needSource(ind), POP],
          chart: {
            title: `${c?.name ?? code}: spend per ${headWords(a.ageGroups)}, ${input.period}`,
            unit: 'pence per head',
            bars: bars(list, (r) => r.spendPerHeadPence, [a.borough, b.borough], formatPence),
            reference: { label: 'NCL', value: sys(code).spendPerHeadPence ?? 0 },
          },
        });
      }

      // More activity where need and population are smaller.
      let inv: { a: VariationRow; b: VariationRow; ratio: number; size: number } | null = null;
      for (const a of offered) {
        for (const b of offered) {
          if (a === b || b.contacts === 0 || a.need === null || b.need === null) continue;
          const ratio = a.contacts / b.contacts;
          if (ratio >= 1.2 && b.population >= a.population && b.need >= a.need) {
            const size = (ratio * b.need) / a.need;
            if (!inv || size > inv.size) inv = { a, b, ratio, size };
          }
        }
      }
      if (inv) {
        const { a, b } = inv;
        const pa = input.places.find((p) => p.code === a.borough)!;
        const pb = input.places.find((p) => p.code === b.borough)!;
        const old = (p: Place) => p.population['older-adults'].value / p.population.total.value;
        const na = needValue(a.borough, ind)!;
        const nb = needValue(b.borough, ind)!;
        const most = list.every((r) => (needValue(r.borough, ind)?.value ?? 0) <= nb.value);
        const because = [
          c?.provisions.some((p) => p.ageGroup === 'older-adults') && old(pb) > old(pa)
            ? `an older population (${(old(pb) * 100).toFixed(1)}% aged 65 and over against ${(old(pa) * 100).toFixed(1)}%)`
            : `a larger population in the age groups served (${num(b.population)} against ${num(a.population)})`,
          na.unit === 'count'
            ? `${most ? 'the most' : 'more'} ${plain(nb.name)}${most ? ' in NCL' : ''} (${num(nb.value)} against ${num(na.value)})`
            : `a higher ${plain(nb.name)} (${nb.value}% against ${na.value}%)`,
        ];
        findings.push({
          id: `provision-against-need:${code}:${a.borough}:${b.borough}`,
          kind: 'provision-against-need',
          size: inv.size,
          sentence:
            `${name.get(a.borough)}'s ${title} is ${Math.round((inv.ratio - 1) * 100)}% higher than ${name.get(b.borough)}'s ` +
            `(${num(a.contacts)} contacts against ${num(b.contacts)} in ${input.period}), although ${name.get(b.borough)} has ${because.join(' and ')}.`,
          period: input.period,
          component: code,
          boroughs: [b.borough, a.borough],
          sources: [...rowSources(code, [a.borough, b.borough]), ...needSource(ind), POP],
          chart: {
            title: `${c?.name ?? code}: contacts, ${input.period}`,
            unit: 'contacts',
            bars: bars(
              list,
              (r) => r.contacts,
              [a.borough, b.borough],
              (x) => num(x),
            ),
          },
        });
      }
    }

    // Staff: one borough with several times another's (absolute, as services report it).
    // Below one WTE a single part-time post would dominate the ratio.
    const staffed = offered.filter((r) => r.staffWte >= 1);
    if (c && staffed.length >= 2) {
      const hi = staffed.reduce((x, y) => (y.staffWte > x.staffWte ? y : x));
      const lo = staffed.reduce((x, y) => (y.staffWte < x.staffWte ? y : x));
      const ratio = hi.staffWte / lo.staffWte;
      if (ratio >= 3) {
        findings.push({
          id: `staff-difference:${code}:${lo.borough}:${hi.borough}`,
          kind: 'staff-difference',
          size: ratio,
          sentence:
            `${name.get(hi.borough)} has ${timesWords(ratio)} ${name.get(lo.borough)}'s ${title} staff ` +
            `(${num(hi.staffWte, 1)} against ${num(lo.staffWte, 1)} whole-time equivalents in ${input.period}; ` +
            `${num(hi.staffPer100k ?? 0, 1)} against ${num(lo.staffPer100k ?? 0, 1)} per 100,000 ${
              hi.ageGroups.length === 1 ? AGE_WORDS[hi.ageGroups[0]] : 'residents in the age groups served'
            }).`,
          period: input.period,
          component: code,
          boroughs: [lo.borough, hi.borough],
          sources: [...rowSources(code, [lo.borough, hi.borough]), POP],
          chart: {
            title: `${c.name}: staff (whole-time equivalents), ${input.period}`,
            unit: 'WTE',
            bars: bars(
              list,
              (r) => r.staffWte,
              [lo.borough, hi.borough],
              (x) => num(x, 1),
            ),
          },
        });
      }
    }

    // A component only one borough offers.
    if (c && offered.length === 1 && list.length >= 3) {
      const only = offered[0];
      const others = list.filter((r) => r !== only).map((r) => name.get(r.borough)!);
      findings.push({
        id: `sole-provider:${code}:${only.borough}`,
        kind: 'sole-provider',
        size: list.length - 1,
        sentence: `${name.get(only.borough)} is the only borough with ${title} in ${input.period}; ${others.slice(0, -1).join(', ')} and ${others.at(-1)} do not offer it.`,
        period: input.period,
        component: code,
        boroughs: [...list.filter((r) => r !== only).map((r) => r.borough), only.borough],
        sources: rowSources(
          code,
          list.map((r) => r.borough),
        ),
        chart: {
          title: `${c.name}: offered in ${input.period} (1 = yes)`,
          unit: 'offered',
          bars: bars(
            list,
            (r) => (r.offered ? 1 : 0),
            [only.borough],
            (x) => (x ? 'offered' : 'not offered'),
          ),
        },
      });
    }

    // Spend per head across community health services.
    if (code === COMMUNITY_TOTAL) {
      const withSpend = list.filter((r) => r.spendPerHeadPence);
      if (withSpend.length >= 2) {
        const hi = withSpend.reduce((x, y) => (y.spendPerHeadPence! > x.spendPerHeadPence! ? y : x));
        const lo = withSpend.reduce((x, y) => (y.spendPerHeadPence! < x.spendPerHeadPence! ? y : x));
        const ratio = hi.spendPerHeadPence! / lo.spendPerHeadPence!;
        if (ratio >= 1.2) {
          findings.push({
            id: `spend-per-head:${code}:${lo.borough}:${hi.borough}`,
            kind: 'spend-per-head',
            size: ratio,
            sentence: `${formatPence(lo.spendPerHeadPence!)} per head is spent on community health services in ${name.get(lo.borough)} against ${formatPence(hi.spendPerHeadPence!)} in ${name.get(hi.borough)} (${input.period}).`,
            period: input.period,
            component: code,
            boroughs: [lo.borough, hi.borough],
            sources: [
              ...new Set(
                rows
                  .filter((r) => [lo.borough, hi.borough].includes(r.borough) && r.spendPence && r.source)
                  .map((r) => (r.source === 'illustrative' ? illustrative : r.source!)),
              ),
              POP,
            ],
            chart: {
              title: `Community health services: spend per resident, ${input.period}`,
              unit: 'pence per head',
              bars: bars(list, (r) => r.spendPerHeadPence, [lo.borough, hi.borough], formatPence),
              reference: { label: 'NCL', value: sys(code).spendPerHeadPence ?? 0 },
            },
          });
        }
      }
    }
  }

  // Waits to first contact, per component and age group.
  for (const c of input.components) {
    for (const p of c.provisions) {
      const std = p.responseStandards.find((s) => s.urgency === 'routine');
      const list = rows.filter(
        (r) =>
          r.component === c.code &&
          r.ageGroup === p.ageGroup &&
          r.medianWaitWeeks !== undefined &&
          r.offered !== 'none',
      );
      if (!std || list.length < 2) continue;
      const stdWeeks = variationStandard(v, c.code);
      const hi = list.reduce((x, y) => (y.medianWaitWeeks! > x.medianWaitWeeks! ? y : x));
      const lo = list.reduce((x, y) => (y.medianWaitWeeks! < x.medianWaitWeeks! ? y : x));
      const diff = hi.medianWaitWeeks! - lo.medianWaitWeeks!;
      if (lo.medianWaitWeeks! <= 0 || diff < 4 || (stdWeeks !== null && hi.medianWaitWeeks! <= stdWeeks)) continue;
      const who = AGE_WORDS[p.ageGroup];
      const what = std.note ? ` ${std.note.replace(/^for /, 'for ')}` : '';
      findings.push({
        id: `wait-difference:${c.code}:${p.ageGroup}:${hi.borough}:${lo.borough}`,
        kind: 'wait-difference',
        size: hi.medianWaitWeeks! / lo.medianWaitWeeks!,
        sentence:
          `${who.charAt(0).toUpperCase() + who.slice(1)} in ${name.get(hi.borough)} wait ${num(diff, diff % 1 ? 1 : 0)} weeks longer than in ${name.get(lo.borough)} ` +
          `to be seen by ${lower(c.name)}${what} (median ${num(hi.medianWaitWeeks!, 1)} weeks against ${num(lo.medianWaitWeeks!, 1)} in ${input.period}` +
          `${stdWeeks !== null ? `; the offer's standard is ${num(stdWeeks, stdWeeks % 1 ? 1 : 0)} weeks` : ''}).`,
        period: input.period,
        component: c.code,
        boroughs: [hi.borough, lo.borough],
        sources: rowSources(c.code, [hi.borough, lo.borough]),
        chart: {
          title: `${c.name} (${who}): median weeks to first contact, ${input.period}`,
          unit: 'weeks',
          bars: list.map((r) => ({
            borough: r.borough,
            label: `${name.get(r.borough)}: ${num(r.medianWaitWeeks!, 1)} weeks`,
            value: r.medianWaitWeeks!,
            highlight: r === hi || r === lo,
          })),
          ...(stdWeeks !== null ? { reference: { label: "Offer's standard", value: stdWeeks } } : {}),
        },
      });
    }
  }

  return findings.sort((a, b) => b.size - a.size || a.id.localeCompare(b.id)).map((f, i) => ({ ...f, rank: i + 1 }));
}

function variationStandard(v: VariationRow[], component: string): number | null {
  return v.find((r) => r.component === component && r.standardWeeks !== null)?.standardWeeks ?? null;
}
