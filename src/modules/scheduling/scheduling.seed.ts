// An illustrative North Central London day for one urgent community response and virtual-ward team: eight
// clinicians based in the five boroughs and about forty visits (2-hour urgent responses, timed virtual-ward
// visits and routine ones) in the districts around them, planned by the solver with an iteration limit so
// the demo plan is the same every time. Invented: no real patients, rotas or demand figures.
import { createHash } from 'node:crypto';
import { findUser } from '../../platform/auth/identity.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { NCL_DISTRICTS } from './districts.ts';
import * as repo from './scheduling.repository.ts';
import { solveDay } from './scheduling.service.ts';

export const DEMO_TEAM_ID = 'ncl-ucr-vw';

type Demo = { id: string; name: string; skills: string[]; base: string; shift: [number, number]; demoUser?: string };

const CLINICIANS: Demo[] = [
  {
    id: 'cl-amara',
    name: 'Amara Mensah',
    skills: ['nurse', 'phlebotomy', 'prescriber'],
    base: 'N19',
    shift: [8, 16],
    demoUser: 'clinician',
  },
  { id: 'cl-ben', name: 'Ben Whitfield', skills: ['nurse', 'phlebotomy'], base: 'NW1', shift: [8, 16] },
  { id: 'cl-chloe', name: 'Chloe Adeyemi', skills: ['nurse', 'phlebotomy'], base: 'N3', shift: [8, 16] },
  { id: 'cl-dev', name: 'Dev Raman', skills: ['physiotherapist'], base: 'N22', shift: [9, 17] },
  {
    id: 'cl-elena',
    name: 'Elena Kowalski',
    skills: ['nurse', 'phlebotomy', 'prescriber'],
    base: 'EN1',
    shift: [10, 18],
  },
  { id: 'cl-farid', name: 'Farid Haddad', skills: ['occupational-therapist'], base: 'N12', shift: [9, 17] },
  { id: 'cl-grace', name: 'Grace Oduya', skills: ['nurse', 'phlebotomy'], base: 'N17', shift: [12, 20] },
  { id: 'cl-hugo', name: 'Hugo Brennan', skills: ['nurse', 'phlebotomy'], base: 'NW5', shift: [12, 20] },
];

/** mulberry32: the same demo day on every machine. */
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

type Kind = { priority: repo.VisitPriority; skills: string[]; duration: number; window: () => [number, number] };

export async function seedScheduling(db: AnyDb, systemId: string, day: string): Promise<void> {
  const random = rng(20261123);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const hour = (from: number, to: number) => 60 * from + 30 * Math.floor(random() * (to - from) * 2);
  await repo.insertTeam(db, {
    id: DEMO_TEAM_ID,
    systemId,
    name: 'North Central London urgent community response and virtual ward',
    organisationCode: 'RYX',
  });
  for (const c of CLINICIANS) {
    const base = NCL_DISTRICTS.find((d) => d.district === c.base)!;
    const user = c.demoUser ? await findUser(db, systemId, c.demoUser) : null;
    await repo.insertClinician(db, systemId, {
      id: c.id,
      teamId: DEMO_TEAM_ID,
      name: c.name,
      skills: c.skills,
      baseName: `${base.place} (${base.district})`,
      baseLat: base.lat,
      baseLon: base.lon,
      userId: user?.id ?? null,
    });
    await repo.insertShift(db, systemId, {
      clinicianId: c.id,
      day,
      startMinute: c.shift[0] * 60,
      endMinute: c.shift[1] * 60,
    });
  }
  const kinds: [Kind, number][] = [
    [{ priority: 'urgent-2h', skills: ['nurse'], duration: 60, window: () => twoHours(hour(8, 17)) }, 7],
    [{ priority: 'urgent-2h', skills: ['physiotherapist'], duration: 60, window: () => twoHours(hour(9, 15)) }, 2],
    [
      { priority: 'urgent-2h', skills: ['occupational-therapist'], duration: 60, window: () => twoHours(hour(9, 15)) },
      1,
    ],
    [{ priority: 'virtual-ward', skills: ['nurse'], duration: 45, window: () => [8 * 60, 10 * 60] }, 6],
    [{ priority: 'virtual-ward', skills: ['nurse'], duration: 45, window: () => [14 * 60, 16 * 60] }, 6],
    [{ priority: 'virtual-ward', skills: ['nurse'], duration: 30, window: () => twoHours(hour(9, 18)) }, 8],
    [{ priority: 'routine', skills: ['phlebotomy'], duration: 20, window: () => [8 * 60, 12 * 60] }, 4],
    [{ priority: 'routine', skills: ['prescriber'], duration: 40, window: () => [9 * 60, 17 * 60] }, 3],
    [{ priority: 'routine', skills: ['physiotherapist'], duration: 45, window: () => [9 * 60, 17 * 60] }, 2],
    [{ priority: 'routine', skills: ['occupational-therapist'], duration: 45, window: () => [9 * 60, 17 * 60] }, 2],
  ];
  let n = 0;
  for (const [kind, count] of kinds) {
    for (let i = 0; i < count; i++) {
      n++;
      const d = pick(NCL_DISTRICTS);
      // Spread visits around the district centre (about ±1 km) so they are not all at one point.
      const lat = d.lat + (random() - 0.5) * 0.018;
      const lon = d.lon + (random() - 0.5) * 0.028;
      const [ws, we] = kind.window();
      const prefix = kind.priority === 'urgent-2h' ? 'UCR' : kind.priority === 'virtual-ward' ? 'VW' : 'R';
      await repo.insertVisitRow(
        db,
        systemId,
        {
          id: demoId(systemId, n),
          teamId: DEMO_TEAM_ID,
          day,
          patientRef: `${prefix}-${String(1000 + n * 7).padStart(4, '0')}`,
          postcodeDistrict: d.district,
          lat: Math.round(lat * 1e5) / 1e5,
          lon: Math.round(lon * 1e5) / 1e5,
          windowStart: ws,
          windowEnd: we,
          duration: kind.duration,
          skills: kind.skills,
          priority: kind.priority,
          status: 'open',
          lockedClinicianId: null,
          source: 'demo',
          referralId: null,
          createdAt: new Date().toISOString(),
        },
        'system',
      );
    }
  }
  await solveDay(db, systemActor(systemId), { day, teamId: DEMO_TEAM_ID, maxIterations: 1500, seed: 1 });
}

function twoHours(start: number): [number, number] {
  return [start, start + 120];
}

/** The same visit ids every time (visits with equal windows are ordered by id, so the plan depends on them). */
function demoId(systemId: string, n: number): string {
  const h = createHash('sha256').update(`scheduling-demo:${systemId}:${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
