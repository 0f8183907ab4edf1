// The NCL bed board demonstration: the wards in data/ncl/beds/wards.json (sites named from public knowledge,
// wards and capacities illustrative), about nine in ten beds held, a few free, two closed, some patients on
// leave, some delayed discharges, four people waiting for a bed, and out-of-area placements active now and
// ended in recent months. Invented people: names from a fixed list, NHS numbers in the 999 test range.
// Deterministic (a fixed random seed); dates are relative to the day the demo is loaded.
import { randomUUID } from 'node:crypto';
import wardsFile from '../../../data/ncl/beds/wards.json' with { type: 'json' };
import { relate } from '../../platform/auth/relationships.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { addDays, londonDate } from '../../platform/london-time.ts';
import type { Bay, BedState, DelayReason, WardSex, WardType } from './beds.ts';
import * as repo from './beds.repository.ts';
import { allocateBed, createPlacement, requestBed } from './beds.service.ts';

type WardSpec = {
  id: string;
  site: string;
  borough: string;
  district: string;
  formerTrust: string;
  name: string;
  type: WardType;
  sex: WardSex;
  beds: number;
  bays?: Partial<Record<Bay, number>>;
};

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A valid NHS number in the 999 range used for testing (modulus 11 check digit). */
export function testNhsNumber(n: number): string {
  for (let k = n; ; k++) {
    const nine = `999${String(k % 1_000_000).padStart(6, '0')}`;
    const sum = [...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${nine}${check === 11 ? 0 : check}`;
  }
}

const GIVEN = [
  'Aisha',
  'Ben',
  'Chen',
  'Dara',
  'Efe',
  'Femi',
  'Gita',
  'Hassan',
  'Ines',
  'Jonah',
  'Kemi',
  'Leon',
  'Maya',
  'Nikos',
  'Omar',
  'Priya',
  'Rosa',
  'Sami',
  'Tomasz',
  'Uma',
  'Victor',
  'Wen',
  'Yusuf',
  'Zara',
];
const FAMILY = [
  'Adeyemi',
  'Brennan',
  'Costa',
  'Demir',
  'Evans',
  'Farah',
  'Green',
  'Hussain',
  'Ivanova',
  'Joseph',
  'Kaur',
  'Lewis',
  'Mensah',
  'Nowak',
  'Okafor',
  'Patel',
  'Quinn',
  'Rahman',
  'Silva',
  'Taylor',
  'Usman',
  'Walsh',
  'Yilmaz',
  'Zhou',
];
const HOME: Record<string, string[]> = {
  Barnet: ['N3 2AB', 'N12 0DR', 'NW4 4BT', 'EN5 2LX', 'HA8 7AD', 'NW9 5HJ'],
  Camden: ['NW1 9JD', 'NW3 2QG', 'NW5 1TL', 'NW6 1RX', 'WC1H 9SE'],
  Enfield: ['EN1 1HN', 'EN2 6LF', 'EN3 4SA', 'N9 0TJ', 'N13 4PN', 'N18 2XF'],
  Haringey: ['N15 3QL', 'N17 6AB', 'N22 6HH', 'N8 0RB', 'N10 3JL'],
  Islington: ['N1 2UN', 'N4 3LR', 'N5 1SS', 'N7 6PP', 'N19 5NX'],
};
const DELAYS: DelayReason[] = [
  'housing',
  'housing',
  'care-package',
  'residential-placement',
  'funding',
  'nhs-service',
  'housing',
  'patient-family-choice',
];

export async function seedBeds(db: AnyDb, systemId: string, now: Date = new Date()): Promise<void> {
  const random = rng(20261202);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const dayMs = 86_400_000;
  const ago = (days: number, hours = 0) => new Date(now.getTime() - days * dayMs - hours * 3_600_000);
  const actor = systemActor(systemId);
  let personNo = 1;
  const boroughs = Object.keys(HOME);
  // Rows are built in memory and written in a few multi-row inserts (one query per row took ~12 s on PGlite).
  const patients: Record<string, unknown>[] = [];
  const stays: Record<string, unknown>[] = [];
  const bedRows: Record<string, unknown>[] = [];
  const leaves: Record<string, unknown>[] = [];
  const bedEvents: Record<string, unknown>[] = [];
  const grants: { personId: string; stayId: string; at: Date }[] = [];
  // Children's ward patients are 13 to 17 (the same random draws, so the rest of the demo is unchanged).
  const thisYear = Number(londonDate(now).slice(0, 4));
  const newPatient = (borough?: string, young = false) => {
    const b = borough ?? pick(boroughs);
    const n = personNo++;
    const id = randomUUID();
    patients.push({
      id,
      system_id: systemId,
      nhs_number: testNhsNumber(n * 37),
      given_name: GIVEN[n % GIVEN.length],
      family_name: FAMILY[(n * 7) % FAMILY.length],
      birth_date: `${((y) => (young ? thisYear - 14 - (y % 4) : y))(int(1950, 2004))}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`,
      home_postcode: pick(HOME[b]),
      home_borough: b,
    });
    return id;
  };

  const { trust } = wardsFile;
  const wards = wardsFile.wards as WardSpec[];
  // Beds kept free, closed or on leave so the demo shows each state (the rest are mostly occupied).
  const FREE = new Set([
    'hmhc-a2-07',
    'chf-a2-12',
    'sta-a1-03',
    'edg-o1-13',
    'stp-r1-11',
    'chf-c1-05',
    'stp-a3-15',
    'edg-a1-06',
  ]);
  const CLOSED: Record<string, string> = { 'sta-a1-17': 'estates', 'hmhc-p1-09': 'staffing' };
  let delayed = 0;
  for (const w of wards) {
    await repo.insertWard(db, systemId, {
      id: w.id,
      trustCode: trust.code,
      trustName: trust.name,
      site: w.site,
      borough: w.borough,
      postcodeDistrict: w.district,
      name: w.name,
      type: w.type,
      sex: w.sex,
      source: `Site: public knowledge (formerly ${w.formerTrust}); ward and ${w.beds} beds illustrative`,
    });
    const bays: Bay[] = [];
    if (w.sex === 'mixed')
      for (const [bay, n] of Object.entries(w.bays ?? {})) for (let i = 0; i < (n ?? 0); i++) bays.push(bay as Bay);
    for (let i = 1; i <= w.beds; i++) {
      const id = `${w.id}-${String(i).padStart(2, '0')}`;
      const bay = w.sex === 'mixed' ? (bays[i - 1] ?? 'single-room') : null;
      const state: BedState = FREE.has(id)
        ? 'available'
        : CLOSED[id]
          ? 'closed'
          : random() < 0.035
            ? 'leave'
            : 'occupied';
      bedRows.push({
        id,
        system_id: systemId,
        ward_id: w.id,
        label: `Bed ${i}`,
        bay,
        state,
        closed_reason: CLOSED[id] ?? null,
        state_changed_at: ago(int(0, 3), int(0, 20)),
      });
      // The stay before this one (discharged), so occupancy over time has a history.
      const currentFrom = state === 'occupied' || state === 'leave' ? int(1, 45) : -1;
      const prevEnd = currentFrom >= 0 ? currentFrom + int(0, 2) : int(0, 6);
      const prevStart = prevEnd + int(25, 70);
      const stay = (patientId: string, admittedAt: Date) => ({
        id: randomUUID(),
        system_id: systemId,
        patient_id: patientId,
        request_id: null,
        bed_id: id,
        ward_id: w.id,
        admitted_at: admittedAt,
        ready_since: null as string | null,
        delay_reason: null as string | null,
        discharged_at: null as Date | null,
        discharge_destination: null as string | null,
      });
      const previous = stay(newPatient(w.borough, w.type === 'cyp'), ago(prevStart, int(1, 10)));
      previous.discharged_at = ago(prevEnd, int(0, 8));
      previous.discharge_destination = pick(['home', 'home', 'supported-housing', 'care-home']);
      stays.push(previous);
      if (CLOSED[id]) {
        // Closed two hours after its last patient left, so occupancy over time counts it open until then.
        const closedAt = new Date(
          Math.min((previous.discharged_at as Date).getTime() + 2 * 3_600_000, now.getTime() - 60_000),
        );
        (bedRows[bedRows.length - 1] as { state_changed_at: Date }).state_changed_at = closedAt;
        bedEvents.push({
          system_id: systemId,
          bed_id: id,
          from_state: 'available',
          to_state: 'closed',
          closed_reason: CLOSED[id],
          at: closedAt,
        });
      }
      if (currentFrom < 0) continue;
      const current = stay(
        newPatient(random() < 0.7 ? w.borough : undefined, w.type === 'cyp'),
        ago(currentFrom, int(1, 10)),
      );
      if (currentFrom >= 20 && delayed < 9 && random() < 0.35) {
        current.ready_since = addDays(londonDate(now), -int(3, Math.min(40, currentFrom - 1)));
        current.delay_reason = DELAYS[delayed % DELAYS.length];
        delayed++;
      }
      stays.push(current);
      if (state === 'leave') {
        leaves.push({
          stay_id: current.id,
          starts_at: ago(0, int(2, 30)),
          expected_back: addDays(londonDate(now), int(1, 3)),
        });
      }
      grants.push({ personId: current.patient_id, stayId: current.id, at: ago(currentFrom, 12) });
    }
  }
  await repo.insertRows(db, 'beds_beds', bedRows);
  await repo.insertRows(db, 'beds_patients', patients);
  await repo.insertRows(db, 'beds_stays', stays);
  await repo.insertRows(db, 'beds_leave', leaves);
  await repo.insertRows(db, 'beds_bed_events', bedEvents);
  for (const g of grants) {
    // Bed managers see everyone in an NCL bed (the trust's own staff would through the organisation grant
    // an admission makes; the demo has no such account, so the seed makes only the role grant).
    await relate(db, {
      systemId,
      personId: g.personId,
      grantee: { role: 'bed_manager' },
      basis: 'ward-stay',
      sourceType: 'bed_stay',
      sourceId: g.stayId,
      at: g.at,
    });
  }

  // People waiting for a bed now (the requests worklist), one with a bed allocated.
  const person = (n: number, borough: string) => ({
    nhsNumber: testNhsNumber(500_000 + n * 41),
    givenName: GIVEN[(n * 5) % GIVEN.length],
    familyName: FAMILY[(n * 11) % FAMILY.length],
    // Adults (1960 to 2004): everyone waiting or placed out of area in the demo needs an adult ward.
    birthDate: `${1960 + ((n * 3) % 45)}-0${(n % 9) + 1}-1${n % 9}`,
    homePostcode: HOME[borough][n % HOME[borough].length],
  });
  const waiting = [
    {
      n: 1,
      borough: 'Enfield',
      wardType: 'adult-acute',
      sex: 'female',
      urgency: 'emergency',
      source: 'liaison',
      hours: 5,
    },
    {
      n: 2,
      borough: 'Islington',
      wardType: 'adult-acute',
      sex: 'male',
      urgency: 'urgent',
      source: 'crisis-team',
      hours: 19,
    },
    { n: 3, borough: 'Haringey', wardType: 'picu', sex: 'male', urgency: 'emergency', source: 'liaison', hours: 9 },
    {
      n: 4,
      borough: 'Barnet',
      wardType: 'older-adult',
      sex: 'female',
      urgency: 'routine',
      source: 'community-team',
      hours: 30,
    },
    { n: 5, borough: 'Camden', wardType: 'rehabilitation', sex: 'male', urgency: 'routine', source: 'spa', hours: 50 },
  ];
  for (const w of waiting) {
    const r = await requestBed(
      db,
      actor,
      {
        ...person(w.n, w.borough),
        homeBorough: w.borough,
        wardType: w.wardType,
        sex: w.sex,
        urgency: w.urgency,
        source: w.source,
      },
      { now: ago(0, w.hours) },
    );
    if (w.n === 5) await allocateBed(db, actor, r.id, { bedId: 'stp-r1-11' }, { now: ago(0, 2) });
  }

  // Out-of-area placements: active ones (two could come home to a free NCL bed) and ended ones.
  const costs = wardsFile.placementCosts as unknown as Record<WardType, number>;
  const today = londonDate(now);
  const placements = [
    {
      n: 10,
      borough: 'Enfield',
      wardType: 'adult-acute',
      sex: 'female',
      provider: 'Independent hospital, Kent (illustrative)',
      code: null,
      postcode: 'ME1 1AA',
      start: 24,
      end: null,
      reason: '10',
    },
    {
      n: 11,
      borough: 'Haringey',
      wardType: 'picu',
      sex: 'male',
      provider: 'Independent PICU, Essex (illustrative)',
      code: null,
      postcode: 'CM20 1QR',
      start: 41,
      end: null,
      reason: '10',
    },
    {
      n: 12,
      borough: 'Islington',
      wardType: 'adult-acute',
      sex: 'male',
      provider: 'NHS trust, Hertfordshire (illustrative)',
      code: null,
      postcode: 'AL1 3EN',
      start: 12,
      end: null,
      reason: '10',
    },
    {
      n: 13,
      borough: 'Barnet',
      wardType: 'older-adult',
      sex: 'female',
      provider: 'NHS trust, Berkshire (illustrative)',
      code: null,
      postcode: 'RG1 5AN',
      start: 8,
      end: null,
      reason: '10',
    },
    {
      n: 14,
      borough: 'Camden',
      wardType: 'eating-disorder',
      sex: 'female',
      provider: 'Specialist unit, Birmingham (illustrative)',
      code: null,
      postcode: 'B15 2TH',
      start: 63,
      end: null,
      reason: 'specialist',
    },
    {
      n: 15,
      borough: 'Enfield',
      wardType: 'adult-acute',
      sex: 'male',
      provider: 'Independent hospital, Kent (illustrative)',
      code: null,
      postcode: 'ME1 1AA',
      start: 120,
      end: 92,
      reason: '10',
    },
    {
      n: 16,
      borough: 'Haringey',
      wardType: 'adult-acute',
      sex: 'female',
      provider: 'NHS trust, Hertfordshire (illustrative)',
      code: null,
      postcode: 'AL1 3EN',
      start: 100,
      end: 71,
      reason: '10',
    },
    {
      n: 17,
      borough: 'Barnet',
      wardType: 'picu',
      sex: 'male',
      provider: 'Independent PICU, Essex (illustrative)',
      code: null,
      postcode: 'CM20 1QR',
      start: 80,
      end: 44,
      reason: '10',
    },
    {
      n: 18,
      borough: 'Islington',
      wardType: 'adult-acute',
      sex: 'female',
      provider: 'NHS trust, south London (illustrative)',
      code: null,
      postcode: 'SE5 8AZ',
      start: 60,
      end: 39,
      reason: '11',
    },
    {
      n: 19,
      borough: 'Camden',
      wardType: 'adult-acute',
      sex: 'male',
      provider: 'Independent hospital, Northampton (illustrative)',
      code: null,
      postcode: 'NN1 5BD',
      start: 45,
      end: 20,
      reason: '10',
    },
    {
      n: 20,
      borough: 'Enfield',
      wardType: 'adult-acute',
      sex: 'male',
      provider: 'Independent hospital, Manchester (illustrative)',
      code: null,
      postcode: 'M20 2LR',
      start: 33,
      end: 6,
      reason: '10',
    },
  ];
  for (const p of placements) {
    const startDate = addDays(today, -p.start);
    const r = await requestBed(
      db,
      actor,
      {
        ...person(p.n, p.borough),
        homeBorough: p.borough,
        wardType: p.wardType,
        sex: p.sex,
        urgency: 'emergency',
        source: 'liaison',
      },
      { now: ago(p.start + 1) },
    );
    await createPlacement(
      db,
      actor,
      {
        requestId: r.id,
        providerName: p.provider,
        providerCode: p.code ?? undefined,
        locationPostcode: p.postcode,
        startDate,
        endDate: p.end === null ? undefined : addDays(today, -p.end),
        reason: p.reason,
        costPerDay: costs[p.wardType as WardType],
      },
      { now: ago(p.start) },
    );
  }
}
