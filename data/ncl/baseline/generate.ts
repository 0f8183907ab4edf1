// Regenerates the NCL demo baseline (2021-22.csv) and directory (../directory.json) from the offer,
// the places file and the fixed seed figures below. Deterministic: same inputs, same files.
//   ./node_modules/.bin/node data/ncl/baseline/generate.ts
// Seed figures (seed 003 and 004) are set exactly; everything else comes from a seeded generator
// and is illustrative.

import { writeFileSync } from 'node:fs';
import { BASELINE_HEADER, offerHours, routineStandards } from '../../../src/modules/baseline/index.ts';
import { type Component, loadOfferFolder } from '../../../src/modules/offer/index.ts';
import { loadPlaces, populationForAgeGroups } from '../../../src/modules/places/index.ts';

const PERIOD = '2021-22';
const offer = await loadOfferFolder('data/ncl/offer');
const { places } = await loadPlaces('data/ncl/places.json');
const code = (name: string) => places.find((p) => p.name === name)!.code;
const place = (name: string) => places.find((p) => p.name === name)!;
const NAMES = places.map((p) => p.name);

function rng(key: string): () => number {
  let h = 2166136261;
  for (const ch of key) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const round1 = (x: number) => Math.round(x * 10) / 10;

// Components not offered at all in a borough (illustrative gaps, plus seed 004's children's hospital at home).
const NONE: Record<string, string[]> = {
  'childrens-hospital-at-home': ['Barnet', 'Camden', 'Enfield', 'Haringey'],
  'young-adult-transition-service': ['Barnet', 'Enfield'],
  'complex-emotional-needs-service': ['Enfield'],
  'crisis-houses-and-cafes': ['Barnet'],
  'family-nurse-partnership': ['Barnet'],
  'lymphoedema-service': ['Haringey'],
  'virtual-wards': ['Enfield', 'Haringey'],
  'silver-triage': ['Camden', 'Islington'],
};

// Community health services spend per head (pounds): Haringey and Islington from seed 003, the rest illustrative.
const SPEND_PER_HEAD: Record<string, number> = { Barnet: 128, Camden: 176, Enfield: 112, Haringey: 98, Islington: 192 };
const SEED3 = 'NCL JHOSC community health services review update, 18 March 2022';
const SEED4 = 'NHS England case study, NCL community services core offer, 2024';

// Diabetes spend per adult (pounds): Enfield half Camden's (seed 003); others illustrative.
const DIABETES_PER_ADULT: Record<string, number> = { Barnet: 3.2, Camden: 4, Enfield: 2, Haringey: 2.6, Islington: 3.6 };
// Care home in-reach contacts: Camden 25% above Barnet (seed 003); others illustrative.
const IN_REACH_CONTACTS: Record<string, number> = {
  Barnet: 9600,
  Camden: 12000,
  Enfield: 11500,
  Haringey: 11000,
  Islington: 9000,
};
// Children's SLT median / p90 weeks to first assessment: Barnet 20 weeks longer than Camden (seed 003).
const SLT_WAITS: Record<string, [number, number]> = {
  Barnet: [26, 38],
  Camden: [6, 11],
  Enfield: [15, 24],
  Haringey: [7, 12],
  Islington: [10, 16],
};
// Children's community nursing WTE: Islington 5 times Barnet (seed 004); others illustrative.
const CCN_WTE: Record<string, number> = { Barnet: 5, Camden: 14, Enfield: 9, Haringey: 12, Islington: 25 };

type Row = Record<string, string>;

function staffSplit(c: Component): Record<string, number> {
  if (c.domain === 'mental-health') return { nursing: 0.35, psychology: 0.3, medical: 0.1, support: 0.15, other: 0.1 };
  if (c.category === 'therapies' || c.category === 'rehabilitation-and-recovery' || c.category === 'equipment') {
    return { 'allied-health': 0.75, support: 0.25 };
  }
  if (c.kind === 'coordinating-function' || c.category === 'wellbeing-and-daily-life') {
    return { nursing: 0.3, 'allied-health': 0.2, support: 0.2, other: 0.3 };
  }
  return { nursing: 0.7, 'allied-health': 0.1, support: 0.2 };
}

const COST_PER_WTE = 77_500; // illustrative: pay plus on-costs and non-pay, pounds a year
const rows: Row[] = [];
const sourceOf = new Map<Row, string>();

for (const c of [...offer.components].sort((a, b) => a.code.localeCompare(b.code))) {
  const groups = c.provisions.map((p) => p.ageGroup);
  const baseWtePer100k = 0.6 + rng(`${c.code}:base`)() * 5;
  for (const name of NAMES) {
    const r = rng(`${c.code}:${name}`);
    const none = NONE[c.code]?.includes(name) ?? false;
    const pl = place(name);
    const relevant = populationForAgeGroups(pl, groups);
    const factor = 0.8 + r() * 0.4;
    const componentWte = (baseWtePer100k * relevant * factor) / 100_000;
    for (const p of c.provisions) {
      const row: Row = Object.fromEntries(BASELINE_HEADER.map((h) => [h, '']));
      row.period = PERIOD;
      row.borough_code = pl.code;
      row.component_code = c.code;
      row.age_group = p.ageGroup;
      row.source = 'illustrative';
      rows.push(row);
      if (none) {
        row.offered = 'none';
        if (c.code === 'childrens-hospital-at-home') row.source = `${SEED4} (only Islington had one)`;
        continue;
      }
      row.offered = 'full';
      const h = offerHours(p.hours);
      const fmt = (s: typeof h.weekday) => (s.kind === 'open' ? `${s.open}-${s.close}` : s.kind);
      let weekday = fmt(h.weekday);
      let weekend = fmt(h.weekend);
      let routes = [...p.accessRoutes];
      let pods = [...p.pointsOfDelivery];
      const bounds = { children: [0, 17], young: [18, 25], working: [18, 64], older: [65, null] } as const;
      const [from, to] =
        bounds[
          p.ageGroup === 'children-young-people'
            ? 'children'
            : p.ageGroup === 'young-adults'
              ? 'young'
              : p.ageGroup === 'working-age-adults'
                ? 'working'
                : 'older'
        ];
      let ageTo: number | null = to;
      const std = routineStandards(p)[0];
      let median = std ? round1(std.weeks * (0.35 + r() * 0.4)) : undefined;
      let p90 = std && median !== undefined ? round1(Math.max(median, std.weeks * (0.7 + r() * 0.25))) : undefined;
      // About one row in three falls short of the offer in one way (illustrative).
      const defect = r() < 0.34 ? Math.floor(r() * 6) : -1;
      if (defect === 0 && h.weekday.kind === 'open') {
        // Closes an hour earlier than the offer.
        const [hh, mm] = h.weekday.close.split(':').map(Number);
        weekday = `${h.weekday.open}-${String(hh - 1).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
      }
      if (defect === 1) {
        if (h.weekend.kind !== 'closed') weekend = 'closed';
        if (h.weekday.kind === '24h') weekday = '08:00-20:00';
      }
      if (defect === 2) {
        routes = routes.includes('self-referral')
          ? routes.filter((x) => x !== 'self-referral')
          : routes.filter((x) => x !== 'central-point-of-access');
      }
      if (defect === 3 && std && median !== undefined) {
        median = round1(std.weeks * (1.05 + r() * 0.3));
        p90 = round1(std.weeks * (1.4 + r() * 0.6));
      }
      if (defect === 4 && p.ageGroup === 'children-young-people') ageTo = 15;
      if (defect === 5 && pods.length > 1) pods = pods.filter((x) => x !== 'home' && x !== 'virtual');
      const changed =
        weekday !== fmt(h.weekday) ||
        weekend !== fmt(h.weekend) ||
        routes.length !== p.accessRoutes.length ||
        pods.length !== p.pointsOfDelivery.length ||
        ageTo !== to ||
        (defect === 3 && std !== undefined);
      if (changed) row.offered = 'partial';
      if (c.code === 'speech-and-language-therapy-children') {
        [median, p90] = SLT_WAITS[name];
        row.offered = median > 8 ? 'partial' : 'full';
        if (name === 'Barnet' || name === 'Camden') row.source = `${SEED3} (the 20-week difference; medians illustrative)`;
      }
      row.weekday_hours = weekday;
      row.weekend_hours = weekend;
      row.access_routes = routes.join(';');
      row.points_of_delivery = pods.join(';');
      row.age_from = String(from);
      row.age_to = ageTo === null ? '' : String(ageTo);
      row.median_wait_weeks = median === undefined ? '' : String(median);
      row.p90_wait_weeks = p90 === undefined ? '' : String(p90);

      // Money, staff and activity: in the young-adults row only where there is no working-age row.
      const carries = !(p.ageGroup === 'young-adults' && groups.includes('working-age-adults'));
      if (!carries) continue;
      const share =
        populationForAgeGroups(pl, [p.ageGroup]) / populationForAgeGroups(pl, groups.includes('working-age-adults') ? groups.filter((g) => g !== 'young-adults') : groups);
      let wte = componentWte * share;
      let contacts = Math.round(wte * (700 + r() * 400));
      if (c.code === 'childrens-community-nursing') {
        wte = CCN_WTE[name];
        contacts = Math.round(wte * 850);
        if (name === 'Barnet' || name === 'Islington') row.source = `${SEED4} (Islington 5 times Barnet's staff; WTE illustrative)`;
      }
      if (c.code === 'care-home-in-reach') {
        contacts = Math.round(IN_REACH_CONTACTS[name] * (p.ageGroup === 'older-adults' ? 0.9 : 0.1));
        wte = contacts / 900;
        if (name === 'Barnet' || name === 'Camden') row.source = `${SEED3} (Camden 25% above Barnet; contacts illustrative)`;
      }
      let spend = Math.round(wte * COST_PER_WTE);
      if (c.code === 'diabetes-specialist-nursing-and-education') {
        const adults = populationForAgeGroups(pl, groups);
        spend = Math.round(DIABETES_PER_ADULT[name] * adults * share * 100) / 100;
        wte = spend / COST_PER_WTE;
        contacts = Math.round(wte * 900);
        if (name === 'Enfield' || name === 'Camden') row.source = `${SEED3} (Enfield half Camden's resource per adult; amounts illustrative)`;
      }
      const split = staffSplit(c);
      for (const [g, f] of Object.entries(split)) row[`wte_${g.replace('-', '_')}`] = String(round1(wte * f));
      row.spend_gbp = spend.toFixed(2);
      row.contacts = String(contacts);
      row.people_seen = String(Math.round(contacts / (3 + r() * 5)));
      sourceOf.set(row, row.source);
    }
  }
}

// Scale the other community health services rows so each borough's spend per head is exact.
const FIXED = new Set(['diabetes-specialist-nursing-and-education']);
const domainOf = new Map(offer.components.map((c) => [c.code, c.domain]));
const pence = (s: string) => (s === '' ? 0 : Math.round(Number(s) * 100));
for (const name of NAMES) {
  const pl = place(name);
  const target = SPEND_PER_HEAD[name] * pl.population.total.value * 100;
  const mine = rows.filter(
    (r) => r.borough_code === pl.code && domainOf.get(r.component_code) !== 'mental-health' && r.spend_gbp !== '',
  );
  const fixed = mine.filter((r) => FIXED.has(r.component_code)).reduce((s, r) => s + pence(r.spend_gbp), 0);
  const flexible = mine.filter((r) => !FIXED.has(r.component_code));
  const raw = flexible.reduce((s, r) => s + pence(r.spend_gbp), 0);
  const k = (target - fixed) / raw;
  let sum = fixed;
  for (const r of flexible) {
    const v = Math.round(pence(r.spend_gbp) * k / 100) * 100; // whole pounds
    r.spend_gbp = (v / 100).toFixed(2);
    sum += v;
  }
  const biggest = flexible.reduce((a, b) => (pence(a.spend_gbp) >= pence(b.spend_gbp) ? a : b));
  biggest.spend_gbp = ((pence(biggest.spend_gbp) + target - sum) / 100).toFixed(2);
  if (name === 'Haringey' || name === 'Islington') {
    for (const r of flexible) if (r.source === 'illustrative') r.source = `illustrative; borough total per head from ${SEED3}`;
  }
}

const COMMUNITY: Record<string, string> = { Barnet: 'RYX', Camden: 'RV3', Enfield: 'RRP', Haringey: 'RKE', Islington: 'RKE' };
const MENTAL: Record<string, string> = { Barnet: 'RRP', Camden: 'TAF', Enfield: 'RRP', Haringey: 'RRP', Islington: 'TAF' };
// Who provides each service: the borough's community or mental health trust, or its voluntary network.
function providerOf(c: Component, name: string): string {
  return c.code === 'social-prescribing' || c.code === 'housing-and-employment-link-working'
    ? `ILL-VCS${NAMES.indexOf(name) + 1}`
    : c.domain === 'mental-health'
      ? MENTAL[name]
      : COMMUNITY[name];
}

// Provider and Agenda for Change band mix (both illustrative): each staff group splits across bands by a
// typical community mix, skewed a little senior or junior per provider, so providers' skill mixes differ.
// A separate generator per row, so adding these columns changed no other figure.
const BAND_MIX: Record<string, Record<string, number>> = {
  nursing: { 'band-3': 0.05, 'band-4': 0.05, 'band-5': 0.3, 'band-6': 0.35, 'band-7': 0.2, 'band-8a-plus': 0.05 },
  'allied-health': { 'band-5': 0.25, 'band-6': 0.4, 'band-7': 0.28, 'band-8a-plus': 0.07 },
  psychology: { 'band-6': 0.1, 'band-7': 0.4, 'band-8a-plus': 0.5 },
  support: { 'band-2': 0.2, 'band-3': 0.55, 'band-4': 0.25 },
  other: { 'band-3': 0.3, 'band-4': 0.3, 'band-5': 0.2, 'band-6': 0.1, 'band-7': 0.1 },
};
const BANDS = ['band-2', 'band-3', 'band-4', 'band-5', 'band-6', 'band-7', 'band-8a-plus'];
const SKEW: Record<string, number> = { RYX: -0.08, RV3: 0.1, RRP: 0, RKE: 0.05, TAF: 0.08 };
const componentOf = new Map(offer.components.map((c) => [c.code, c]));
for (const row of rows) {
  if (row.offered === 'none') continue;
  const name = NAMES.find((n) => code(n) === row.borough_code)!;
  const provider = providerOf(componentOf.get(row.component_code)!, name);
  row.provider_code = provider;
  const r = rng(`bands:${row.borough_code}:${row.component_code}:${row.age_group}`);
  const tenths: Record<string, number> = {};
  for (const [group, mix] of Object.entries(BAND_MIX)) {
    const total = Math.round(Number(row[`wte_${group.replace('-', '_')}`] || 0) * 10);
    if (total === 0) continue;
    // Senior skew moves share from the lowest band in the group's mix to the highest, plus a little noise.
    const bands = Object.keys(mix);
    const shift = (SKEW[provider] ?? 0) + (r() - 0.5) * 0.06;
    const w = { ...mix };
    const moved = Math.max(-w[bands.at(-1)!], Math.min(w[bands[0]], shift));
    w[bands[0]] -= moved;
    w[bands.at(-1)!] += moved;
    // Largest remainder, in tenths of a WTE, so the bands add up to the group exactly.
    const raw = bands.map((b) => ({ b, v: w[b] * total }));
    let left = total - raw.reduce((s, x) => s + Math.floor(x.v), 0);
    for (const x of [...raw].sort((a, b) => (b.v % 1) - (a.v % 1))) {
      const add = Math.floor(x.v) + (left > 0 ? 1 : 0);
      if (left > 0) left--;
      tenths[x.b] = (tenths[x.b] ?? 0) + add;
    }
  }
  if (Object.keys(tenths).length === 0) continue;
  for (const b of BANDS) row[`wte_${b.replace('band-', 'band_').replace('-plus', '_plus')}`] = String((tenths[b] ?? 0) / 10);
}

const q = (v: string) => (/[",\n;]/.test(v) && /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const csv = [BASELINE_HEADER.join(','), ...rows.map((r) => BASELINE_HEADER.map((h) => q(r[h])).join(','))].join('\n');
writeFileSync(`data/ncl/baseline/${PERIOD}.csv`, csv + '\n');
console.log(`${rows.length} rows`);

// ---------------------------------------------------------------------------------------------
// The directory: one service per component and borough that the baseline shows as offered.

const ORGS = [
  { code: 'QMJ', name: 'NHS North Central London Integrated Care Board', kind: 'icb', note: 'From 1 July 2022; in 2021-22 the commissioner was NHS North Central London CCG (now sub-ICB location 93C).' },
  { code: 'RKE', name: 'Whittington Health NHS Trust', kind: 'nhs-trust', note: 'Community services for Islington and Haringey.' },
  { code: 'RYX', name: 'Central London Community Healthcare NHS Trust', kind: 'nhs-trust', note: 'Community services for Barnet.' },
  { code: 'RV3', name: 'Central and North West London NHS Foundation Trust', kind: 'nhs-trust', note: 'Community services for Camden.' },
  { code: 'RRP', name: 'Barnet, Enfield and Haringey Mental Health NHS Trust', kind: 'nhs-trust', note: 'Mental health for Barnet, Enfield and Haringey; community services for Enfield. Merged into North London NHS Foundation Trust on 1 November 2024.' },
  { code: 'TAF', name: 'Camden and Islington NHS Foundation Trust', kind: 'nhs-trust', note: 'Mental health for Camden and Islington. Merged into North London NHS Foundation Trust on 1 November 2024.' },
  { code: 'RNK', name: 'Tavistock and Portman NHS Foundation Trust', kind: 'nhs-trust', note: "Specialist mental health, including children's services." },
  { code: 'RAL', name: 'Royal Free London NHS Foundation Trust', kind: 'nhs-trust', note: 'Acute.' },
  { code: 'RRV', name: 'University College London Hospitals NHS Foundation Trust', kind: 'nhs-trust', note: 'Acute.' },
  { code: 'RAP', name: 'North Middlesex University Hospital NHS Trust', kind: 'nhs-trust', note: 'Acute. Merged into the Royal Free on 1 January 2025.' },
  { code: 'RP4', name: 'Great Ormond Street Hospital for Children NHS Foundation Trust', kind: 'nhs-trust', note: "Specialist children's hospital." },
  ...places.map((p) => ({ code: p.code, name: `London Borough of ${p.name}`, kind: 'local-authority', boroughs: [p.code], note: 'Identified by its ONS GSS code, not an ODS code.' })),
  ...places.map((p, i) => ({ code: `ILL-VCS${i + 1}`, name: `${p.name} Community Wellbeing Network (illustrative)`, kind: 'voluntary', boroughs: [p.code], illustrative: true, note: 'Invented for the demo; not a real charity.' })),
];
let phone = 0;
const drama = () => `020 7946 0${String(phone++).padStart(3, '0')}`;
const spanWords = (s: string) => (s === '24h' ? '24 hours' : s === 'closed' ? 'closed' : s.replace('-', ' to '));
const services = [];
for (const c of [...offer.components].sort((a, b) => a.code.localeCompare(b.code))) {
  for (const name of NAMES) {
    const mine = rows.filter((r) => r.component_code === c.code && r.borough_code === code(name) && r.offered !== 'none');
    if (mine.length === 0) continue;
    const org = providerOf(c, name);
    const r0 = mine[0];
    const id = `${name.toLowerCase()}-${c.code}`;
    services.push({
      id,
      name: `${c.name}, ${name}`,
      organisationCode: org,
      componentCodes: [c.code],
      ageGroups: mine.map((r) => r.age_group),
      boroughs: [code(name)],
      hours: r0.weekday_hours === '24h' && r0.weekend_hours === '24h' ? '24 hours a day, 7 days a week' : `Monday to Friday ${spanWords(r0.weekday_hours)}; weekends ${spanWords(r0.weekend_hours)}`,
      accessRoutes: [...new Set(mine.flatMap((r) => r.access_routes.split(';').filter(Boolean)))],
      contact: { phone: drama(), email: `${id}@example.org`, illustrative: true },
      description: c.residentSummary,
      illustrative: true,
    });
  }
}
const ASSETS = [
  ['befriending', 'Befriending and phone calls', 'Volunteers who visit or phone people who feel lonely.', ['loneliness', 'isolation', 'older people', 'befriending'], ['older-adults']],
  ['carers', 'Carers support', 'Advice, breaks and groups for unpaid carers.', ['carers', 'caring', 'respite'], undefined],
  ['diabetes-walk', 'Diabetes walking and cooking group', 'Weekly walks and cooking sessions for people living with type 2 diabetes.', ['diabetes', 'weight', 'exercise', 'healthy eating'], ['working-age-adults', 'older-adults']],
  ['dementia-cafe', 'Dementia café', 'A monthly café for people living with dementia and the people who care for them.', ['dementia', 'memory', 'carers'], ['older-adults']],
  ['youth-drop-in', "Young people's wellbeing drop-in", 'Drop-in support for young people aged 11 to 25 who are struggling with their mood.', ['low mood', 'anxiety', 'mental health', 'young people'], ['children-young-people', 'young-adults']],
] as const;
const assets = places.flatMap((p, i) => [
  ...ASSETS.map(([key, title, description, needs, ages]) => ({
    id: `${p.name.toLowerCase()}-${key}`,
    name: `${p.name} ${lowerFirst(title)} (illustrative)`,
    description,
    kind: 'voluntary',
    organisationCode: `ILL-VCS${i + 1}`,
    needs: [...needs],
    boroughs: [p.code],
    ...(ages ? { ageGroups: [...ages] } : {}),
    contact: { phone: drama(), email: `${p.name.toLowerCase()}-${key}@example.org`, illustrative: true },
    illustrative: true,
  })),
  {
    id: `${p.name.toLowerCase()}-welfare-advice`,
    name: `${p.name} Council money and housing advice (illustrative)`,
    description: 'Council advice on benefits, debt, housing and council tax support.',
    kind: 'council',
    organisationCode: p.code,
    needs: ['money', 'debt', 'benefits', 'housing'],
    boroughs: [p.code],
    contact: { phone: drama(), illustrative: true },
    illustrative: true,
  },
]);
function lowerFirst(s: string) {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
const SITES = [
  ['whittington-hospital', 'Whittington Hospital', 'RKE', 'Magdala Avenue, London', 'N19 5NF', 'Islington'],
  ['st-pancras-hospital', 'St Pancras Hospital', 'TAF', '4 St Pancras Way, London', 'NW1 0PE', 'Camden'],
  ['royal-free-hospital', 'Royal Free Hospital', 'RAL', 'Pond Street, London', 'NW3 2QG', 'Camden'],
  ['north-middlesex-hospital', 'North Middlesex University Hospital', 'RAP', 'Sterling Way, London', 'N18 1QX', 'Enfield'],
  ['st-anns-hospital', "St Ann's Hospital", 'RRP', "St Ann's Road, London", 'N15 3TH', 'Haringey'],
  ['edgware-community-hospital', 'Edgware Community Hospital', 'RYX', 'Burnt Oak Broadway, Edgware', 'HA8 0AD', 'Barnet'],
].map(([id, n, org, address, postcode, b]) => ({ id, name: n, organisationCode: org, address, postcode, borough: code(b), note: 'Address from public knowledge, not checked against ODS: check before use.' }));
const directory = {
  systemId: 'QMJ',
  period: '2021-22: NHS organisations as they were before the 2024 and 2025 mergers (ODS codes from data/reference/facts.md). Councils are identified by ONS GSS code. Services, voluntary organisations, local assets and every contact are illustrative: phone numbers are Ofcom drama numbers (020 7946 0xxx) and emails use example.org.',
  organisations: ORGS,
  sites: SITES,
  services,
  assets,
};
writeFileSync('data/ncl/directory.json', JSON.stringify(directory, null, 2) + '\n');
console.log(`${services.length} services, ${assets.length} assets, ${phone} drama numbers`);
