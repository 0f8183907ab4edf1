// NCL demonstration virtual wards. ILLUSTRATIVE: the ward list, capacities and patients are invented to show
// the service working; the providers are NCL's community trusts (ODS codes from data/reference/facts.md), and
// Islington's children's hospital at home reflects the seed documents (the only borough with one before the
// core offer). Patients use NHS numbers from the 999 test range, and observation histories are generated.
import { systemActor } from '../../platform/auth/roles.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { nhsNumberCheckDigit } from '../access/index.ts';
import type { Observation } from './news2.ts';
import * as repo from './virtualwards.repository.ts';
import { admitPatient, recordObservation } from './virtualwards.service.ts';

const WARDS: Omit<repo.WardRow, 'systemId'>[] = [
  ward(
    'barnet-frailty',
    'Barnet frailty virtual ward',
    'RYX',
    'Central London Community Healthcare',
    'Barnet',
    'frailty',
    30,
    65,
    120,
  ),
  ward(
    'barnet-ari',
    'Barnet respiratory virtual ward',
    'RYX',
    'Central London Community Healthcare',
    'Barnet',
    'acute-respiratory-infection',
    15,
    18,
    120,
  ),
  ward(
    'barnet-children',
    "Barnet children's hospital at home",
    'RYX',
    'Central London Community Healthcare',
    'Barnet',
    'children-hospital-at-home',
    6,
    0,
    17,
  ),
  ward(
    'camden-frailty',
    'Camden frailty virtual ward',
    'RV3',
    'Central and North West London',
    'Camden',
    'frailty',
    20,
    65,
    120,
  ),
  ward(
    'camden-heart-failure',
    'Camden heart failure virtual ward',
    'RV3',
    'Central and North West London',
    'Camden',
    'heart-failure',
    10,
    18,
    120,
  ),
  ward(
    'enfield-frailty',
    'Enfield frailty virtual ward',
    'RRP',
    'Barnet, Enfield and Haringey Mental Health Trust (community services)',
    'Enfield',
    'frailty',
    25,
    65,
    120,
  ),
  ward(
    'haringey-frailty',
    'Haringey frailty virtual ward',
    'RKE',
    'Whittington Health',
    'Haringey',
    'frailty',
    20,
    65,
    120,
  ),
  ward(
    'islington-ari',
    'Islington respiratory virtual ward',
    'RKE',
    'Whittington Health',
    'Islington',
    'acute-respiratory-infection',
    15,
    18,
    120,
  ),
  ward(
    'islington-children',
    "Islington children's hospital at home",
    'RKE',
    'Whittington Health',
    'Islington',
    'children-hospital-at-home',
    8,
    0,
    17,
  ),
];

function ward(
  id: string,
  name: string,
  providerCode: string,
  providerName: string,
  borough: string,
  pathway: string,
  capacity: number,
  minAge: number,
  maxAge: number,
): Omit<repo.WardRow, 'systemId'> {
  const component = pathway === 'children-hospital-at-home' ? 'childrens-hospital-at-home' : 'virtual-wards';
  return {
    id,
    name,
    providerCode,
    providerName,
    borough,
    pathway,
    capacity,
    minAge,
    maxAge,
    scoreSystem: maxAge < 18 ? 'pews' : 'news2',
    componentCode: component,
  };
}

function testNhsNumber(n: number): string {
  for (let i = n; ; i++) {
    const base = `999${String(i).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(base);
    if (check !== null) return `${base}${check}`;
  }
}

type DemoPatient = {
  ward: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  postcodeDistrict: string;
  route: 'step-up' | 'step-down';
  source: string;
  hoursAgo: number;
  /** Observations from stable to the last, linearly. */
  from: Observation;
  to: Observation;
  stopHoursAgo?: number;
};

const STABLE: Observation = {
  respirationRate: 16,
  spo2: 96,
  onOxygen: false,
  systolicBP: 128,
  pulse: 78,
  consciousness: 'A',
  temperature: 36.8,
};

const PATIENTS: DemoPatient[] = [
  {
    ward: 'haringey-frailty',
    givenName: 'Doris',
    familyName: 'Amankwah',
    birthDate: '1938-04-11',
    postcodeDistrict: 'N17',
    route: 'step-up',
    source: 'ucr',
    hoursAgo: 52,
    from: STABLE,
    to: { ...STABLE, respirationRate: 23, pulse: 104, temperature: 38.4, spo2: 94 },
  },
  {
    ward: 'haringey-frailty',
    givenName: 'Stanley',
    familyName: 'Okafor',
    birthDate: '1945-09-02',
    postcodeDistrict: 'N15',
    route: 'step-down',
    source: 'acute',
    hoursAgo: 30,
    from: { ...STABLE, pulse: 95 },
    to: STABLE,
  },
  {
    ward: 'haringey-frailty',
    givenName: 'Maureen',
    familyName: 'Kelly',
    birthDate: '1941-01-23',
    postcodeDistrict: 'N8',
    route: 'step-up',
    // Illustrative: a referral step-up needs a referral the central point of access accepted, which the demo
    // referrals do not include for this person, so she came in through urgent community response.
    source: 'ucr',
    hoursAgo: 20,
    from: STABLE,
    to: STABLE,
    stopHoursAgo: 7,
  },
  {
    ward: 'islington-ari',
    givenName: 'Ahmed',
    familyName: 'Hassan',
    birthDate: '1957-06-30',
    postcodeDistrict: 'N19',
    route: 'step-up',
    source: 'silver-triage',
    hoursAgo: 40,
    from: { ...STABLE, respirationRate: 22, spo2: 93, onOxygen: true },
    to: { ...STABLE, respirationRate: 19, spo2: 95, onOxygen: false },
  },
  {
    ward: 'islington-ari',
    givenName: 'Grace',
    familyName: 'Mensah',
    birthDate: '1949-12-05',
    postcodeDistrict: 'N7',
    route: 'step-down',
    source: 'acute',
    hoursAgo: 26,
    from: STABLE,
    to: { ...STABLE, respirationRate: 26, spo2: 91, onOxygen: true, pulse: 112, systolicBP: 98 },
  },
  {
    ward: 'islington-children',
    givenName: 'Leo',
    familyName: 'Demir',
    birthDate: '2023-02-14',
    postcodeDistrict: 'N1',
    route: 'step-down',
    source: 'acute',
    hoursAgo: 28,
    from: { respirationRate: 38, pulse: 130, spo2: 95, onOxygen: false, consciousness: 'A' },
    to: { respirationRate: 30, pulse: 118, spo2: 97, onOxygen: false, consciousness: 'A' },
  },
];

function between(from: Observation, to: Observation, t: number): Observation {
  const mix = (a?: number | null, b?: number | null, digits = 0) => {
    if (a === undefined || a === null) return b ?? null;
    const v = a + ((b ?? a) - a) * t;
    const f = 10 ** digits;
    return Math.round(v * f) / f;
  };
  return {
    respirationRate: mix(from.respirationRate, to.respirationRate),
    spo2: mix(from.spo2, to.spo2),
    onOxygen: t < 0.5 ? from.onOxygen : to.onOxygen,
    systolicBP: mix(from.systolicBP, to.systolicBP),
    pulse: mix(from.pulse, to.pulse),
    consciousness: to.consciousness ?? from.consciousness,
    temperature: mix(from.temperature, to.temperature, 1),
  };
}

/** Loads the wards and, relative to `now`, patients with observation histories every four hours. */
export async function seedVirtualWards(
  db: AnyDb,
  systemId: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<{ wards: number; patients: number; observations: number }> {
  for (const w of WARDS) await repo.insertWard(db, { ...w, systemId });
  let observations = 0;
  for (const [i, p] of PATIENTS.entries()) {
    const ward = WARDS.find((w) => w.id === p.ward) as repo.WardRow;
    const clinician = {
      ...systemActor(systemId),
      kind: 'user' as const,
      id: `seed-${ward.providerCode}`,
      name: `${ward.providerName} virtual ward team`,
      role: 'clinician' as const,
      organisationCode: ward.providerCode,
    };
    const admittedAt = new Date(now.getTime() - p.hoursAgo * 3_600_000);
    const { admissionId } = await admitPatient(
      db,
      clinician,
      ward.id,
      {
        nhsNumber: testNhsNumber(100 + i * 7),
        givenName: p.givenName,
        familyName: p.familyName,
        birthDate: p.birthDate,
        postcodeDistrict: p.postcodeDistrict,
        route: p.route,
        source: p.source,
        obsEveryHours: 4,
      },
      admittedAt,
    );
    const stop = p.stopHoursAgo ?? 1;
    const count = Math.max(1, Math.floor((p.hoursAgo - stop) / 4) + 1);
    for (let k = 0; k < count; k++) {
      const at = new Date(admittedAt.getTime() + (k * 4 + 0.25) * 3_600_000);
      if (at > now) break;
      const reading = between(p.from, p.to, count === 1 ? 1 : k / (count - 1));
      await recordObservation(
        db,
        clinician,
        admissionId,
        { ...reading, observedAt: at.toISOString() },
        { now: new Date(at.getTime() + 60_000), source: k % 2 ? 'device' : 'form' },
      );
      observations++;
    }
  }
  return { wards: WARDS.length, patients: PATIENTS.length, observations };
}
