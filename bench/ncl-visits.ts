// NCL simulation: a synthetic day of urgent community response (UCR) and virtual-ward (VW) visits across
// Barnet, Camden, Enfield, Haringey and Islington, planned by the solver and by a simple dispatcher on the
// same inputs. Illustrative demand model, stated in the report. Not part of npm test.
//   node bench/ncl-visits.ts [--days 3] [--seed 1] [--clinicians 26] [--ucr 55] [--vw 110] [--time-limit 10]
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import {
  checkPlan,
  type GeoPoint,
  haversineProvider,
  insertVisit,
  type Plan,
  type Problem,
  resolveMatrix,
  solve,
  type TravelMatrix,
  type Vehicle,
  type Visit,
} from '../src/modules/scheduling/solver/index.ts';
import { createRng, type Rng } from '../src/modules/scheduling/solver/rng.ts';

// Rough borough centroids; population (ONS 2021 census, rounded) and area (km²) drive demand and spread.
const BOROUGHS = [
  { name: 'Barnet', lat: 51.615, lon: -0.205, pop: 389_000, km2: 86.7 },
  { name: 'Camden', lat: 51.549, lon: -0.159, pop: 210_000, km2: 21.8 },
  { name: 'Enfield', lat: 51.652, lon: -0.081, pop: 330_000, km2: 82.2 },
  { name: 'Haringey', lat: 51.589, lon: -0.108, pop: 264_000, km2: 29.6 },
  { name: 'Islington', lat: 51.546, lon: -0.106, pop: 217_000, km2: 14.9 },
] as const;

type Opts = { days: number; seed: number; clinicians: number; ucr: number; vw: number; timeLimit: number };

function parseArgs(argv: string[]): Opts {
  const o: Opts = { days: 3, seed: 1, clinicians: 26, ucr: 55, vw: 110, timeLimit: 10 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) as keyof Opts;
    const v = Number(argv[i + 1]);
    if (!(key in o) || !(v > 0)) {
      process.stderr.write(
        `error: ${argv[i]} expects a positive number (flags: --days --seed --clinicians --ucr --vw --time-limit)\n`,
      );
      process.exit(2);
    }
    o[key] = v;
  }
  return o;
}

const gauss = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const pick = <T>(rng: Rng, xs: readonly T[], w: readonly number[]) => {
  let r = rng() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < xs.length; i++) {
    r -= w[i];
    if (r < 0) return xs[i];
  }
  return xs[xs.length - 1];
};

function pointIn(rng: Rng, b: (typeof BOROUGHS)[number]): GeoPoint {
  const sigmaKm = Math.sqrt(b.km2) / 3.5;
  return {
    lat: b.lat + (gauss(rng) * sigmaKm) / 111.2,
    lon: b.lon + (gauss(rng) * sigmaKm) / (111.2 * Math.cos((b.lat * Math.PI) / 180)),
  };
}

type Day = { problem: Problem; release: Map<string, number>; ucr: Set<string>; shiftMinutes: number };

function makeDay(o: Opts, seed: number): Day {
  const rng = createRng(seed);
  const locations: GeoPoint[] = BOROUGHS.map((b) => ({ lat: b.lat, lon: b.lon })); // hubs 0..4
  const vehicles: Vehicle[] = [];
  for (let k = 0; k < o.clinicians; k++) {
    const hub = BOROUGHS.indexOf(
      pick(
        rng,
        BOROUGHS,
        BOROUGHS.map((b) => b.pop),
      ),
    );
    const role = pick(rng, ['nurse', 'senior-nurse', 'physio', 'ot'] as const, [5, 2, 2, 1]);
    const skills =
      role === 'nurse'
        ? ['nurse', 'phlebotomy']
        : role === 'senior-nurse'
          ? ['nurse', 'phlebotomy', 'prescriber']
          : [role];
    const early = k % 2 === 0;
    vehicles.push({
      id: `${BOROUGHS[hub].name.toLowerCase()}-${role}-${k}`,
      skills,
      shift: early ? { start: 8 * 60, end: 16 * 60 } : { start: 12 * 60, end: 20 * 60 },
      startLocation: hub,
    });
  }
  const visits: Visit[] = [];
  const release = new Map<string, number>();
  const ucr = new Set<string>();
  // UCR referrals 08:00–18:00, busiest late morning; 2-hour window from referral; 60-minute assessment.
  for (let i = 0; i < o.ucr; i++) {
    const b = pick(
      rng,
      BOROUGHS,
      BOROUGHS.map((x) => x.pop),
    );
    locations.push(pointIn(rng, b));
    const t = Math.round(Math.min(18 * 60, Math.max(8 * 60, 12 * 60 + gauss(rng) * 150)));
    const id = `ucr-${i}`;
    visits.push({
      id,
      location: locations.length - 1,
      window: { start: t, end: t + 120 },
      duration: 60,
      skills: [pick(rng, ['nurse', 'physio', 'ot'], [7, 2, 1])],
      priority: 'urgent',
    });
    release.set(id, t);
    ucr.add(id);
  }
  // Virtual-ward visits, known at 07:30: timed medication/observations (2-hour windows) and reviews.
  for (let i = 0; i < o.vw; i++) {
    const b = pick(
      rng,
      BOROUGHS,
      BOROUGHS.map((x) => x.pop),
    );
    locations.push(pointIn(rng, b));
    const kind = pick(rng, ['iv-morning', 'iv-afternoon', 'obs', 'bloods', 'review'] as const, [3, 3, 4, 2, 2]);
    const spec = {
      'iv-morning': { window: [8 * 60, 10 * 60], duration: 45, skills: ['nurse'], priority: 'time-critical' },
      'iv-afternoon': { window: [14 * 60, 16 * 60], duration: 45, skills: ['nurse'], priority: 'time-critical' },
      obs: { window: [9 * 60, 19 * 60], duration: 30, skills: ['nurse'], priority: 'time-critical' },
      bloods: { window: [8 * 60, 12 * 60], duration: 20, skills: ['phlebotomy'], priority: 'routine' },
      review: { window: [9 * 60, 17 * 60], duration: 40, skills: ['prescriber'], priority: 'routine' },
    }[kind];
    let [ws, we] = spec.window;
    if (kind === 'obs') {
      ws = 9 * 60 + Math.floor(rng() * 8) * 60; // observations due at a set hour, ±1 hour
      we = ws + 120;
    }
    const id = `vw-${i}`;
    visits.push({
      id,
      location: locations.length - 1,
      window: { start: ws, end: we },
      duration: spec.duration,
      skills: spec.skills,
      priority: spec.priority as Visit['priority'],
    });
    release.set(id, 7.5 * 60);
  }
  const base: Problem = { vehicles, visits, locations, travel: haversineProvider({ roadFactor: 1.4 }) };
  const matrix: TravelMatrix = resolveMatrix(base);
  const shiftMinutes = vehicles.reduce((s, v) => s + v.shift.end - v.shift.start, 0);
  return { problem: { vehicles, visits, matrix }, release, ucr, shiftMinutes };
}

/** First come (by release, then window start), to the qualified clinician who can start it soonest. */
function dispatch(day: Day): Plan {
  const { problem } = day;
  const m = problem.matrix as TravelMatrix;
  // A virtual-ward visit "comes" when it falls due (its window opens); a referral when it is made.
  const comes = (v: Visit) => (day.ucr.has(v.id) ? (day.release.get(v.id) ?? 0) : (v.window?.start ?? 0));
  const order = [...problem.visits].sort((a, b) => comes(a) - comes(b) || (a.window?.end ?? 0) - (b.window?.end ?? 0));
  const state = problem.vehicles.map((v) => ({
    v,
    at: v.startLocation,
    free: v.shift.start,
    route: [] as Plan['routes'][0]['visits'],
  }));
  const unassigned: string[] = [];
  for (const visit of order) {
    const released = comes(visit);
    let best: { s: (typeof state)[0]; start: number; arrival: number } | undefined;
    for (const s of state) {
      if (!(visit.skills ?? []).every((k) => s.v.skills?.includes(k))) continue;
      const leave = Math.max(s.free, released);
      const arrival = leave + m.time[s.at * m.size + visit.location];
      const start = Math.max(arrival, visit.window?.start ?? arrival);
      const home = start + visit.duration + m.time[visit.location * m.size + s.v.startLocation];
      if (start > (visit.window?.end ?? Number.POSITIVE_INFINITY) || home > s.v.shift.end) continue;
      if (!best || start < best.start) best = { s, start, arrival };
    }
    if (!best) {
      unassigned.push(visit.id);
      continue;
    }
    best.s.route.push({
      visitId: visit.id,
      arrival: best.arrival,
      start: best.start,
      end: best.start + visit.duration,
    });
    best.s.free = best.start + visit.duration;
    best.s.at = visit.location;
  }
  return toPlanShape(
    problem,
    state.filter((s) => s.route.length > 0).map((s) => ({ vehicleId: s.v.id, visits: s.route })),
    unassigned,
  );
}

function toPlanShape(
  problem: Problem,
  routes: { vehicleId: string; visits: Plan['routes'][0]['visits'] }[],
  unassigned: string[],
): Plan {
  const full: Plan = {
    routes: routes.map((r) => ({
      ...r,
      departure: problem.vehicles.find((v) => v.id === r.vehicleId)?.shift.start ?? 0,
      return: 0,
      distance: 0,
      travelTime: 0,
      load: 0,
    })),
    unassigned,
    cost: { unassignedPenalty: 0, vehicles: routes.length, distance: 0, travelTime: 0 },
    stats: { iterations: 0, elapsedMs: 0, seed: 0 },
  };
  return full;
}

/**
 * Online solver: plan the virtual-ward visits at 07:30, then insert each UCR referral when it arrives.
 * Visits already started are frozen (locked to their clinician, window pinned to their start).
 */
function solverOnline(day: Day, o: Opts, seed: number): { plan: Plan; problem: Problem; ms: number } {
  const t0 = performance.now();
  const known = day.problem.visits.filter((v) => !day.ucr.has(v.id));
  let problem: Problem = { ...day.problem, visits: known };
  let plan = solve(problem, { timeLimitMs: o.timeLimit * 1000, seed, minimiseVehicles: false });
  const referrals = day.problem.visits
    .filter((v) => day.ucr.has(v.id))
    .sort((a, b) => (day.release.get(a.id) ?? 0) - (day.release.get(b.id) ?? 0));
  for (const ref of referrals) {
    const now = day.release.get(ref.id) ?? 0;
    const started = new Map<string, { vehicleId: string; start: number }>();
    for (const r of plan.routes)
      for (const pv of r.visits)
        if (pv.start < now) started.set(pv.visitId, { vehicleId: r.vehicleId, start: pv.start });
    problem = {
      ...problem,
      visits: problem.visits.map((v) => {
        const s = started.get(v.id);
        return s ? { ...v, window: { start: s.start, end: s.start }, lockedTo: s.vehicleId } : v;
      }),
    };
    plan = insertVisit(plan, problem, ref, { seed, maxIterations: 3000 });
    problem = { ...problem, visits: [...problem.visits, ref] };
  }
  return { plan, problem, ms: performance.now() - t0 };
}

type Metrics = {
  visits: number;
  perShift: number;
  ucrMet: number;
  ucrTotal: number;
  vwMet: number;
  vwTotal: number;
  travelShare: number;
};

function measure(day: Day, plan: Plan): Metrics {
  const check = checkPlan(day.problem, {
    ...plan,
    unassigned: day.problem.visits
      .map((v) => v.id)
      .filter((id) => !plan.routes.some((r) => r.visits.some((x) => x.visitId === id))),
  });
  if (!check.feasible) throw new Error(`plan infeasible: ${check.errors.slice(0, 3).join('; ')}`);
  const done = new Set(plan.routes.flatMap((r) => r.visits.map((v) => v.visitId)));
  const ucrMet = [...day.ucr].filter((id) => done.has(id)).length;
  const vwTotal = day.problem.visits.length - day.ucr.size;
  return {
    visits: done.size,
    perShift: done.size / day.problem.vehicles.length,
    ucrMet,
    ucrTotal: day.ucr.size,
    vwMet: done.size - ucrMet,
    vwTotal,
    travelShare: check.travelTime / day.shiftMinutes,
  };
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const rows: { day: number; method: string; m: Metrics; secs: number }[] = [];
  for (let d = 0; d < o.days; d++) {
    const seed = o.seed + d;
    const day = makeDay(o, seed);
    const t0 = performance.now();
    const dp = dispatch(day);
    rows.push({
      day: d + 1,
      method: 'dispatcher (first come, nearest free)',
      m: measure(day, dp),
      secs: (performance.now() - t0) / 1000,
    });
    const on = solverOnline(day, o, seed);
    rows.push({
      day: d + 1,
      method: 'solver online (VW planned 07:30, UCR inserted on arrival)',
      m: measure(day, on.plan),
      secs: on.ms / 1000,
    });
    const t1 = performance.now();
    const off = solve(day.problem, { timeLimitMs: o.timeLimit * 1000, seed, minimiseVehicles: false });
    rows.push({
      day: d + 1,
      method: 'solver offline (whole day known; reference only)',
      m: measure(day, off),
      secs: (performance.now() - t1) / 1000,
    });
    for (const r of rows.slice(-3))
      process.stdout.write(`day ${r.day} ${r.method}: ${fmtRow(r.m)} (${r.secs.toFixed(1)} s)\n`);
  }
  const methods = [...new Set(rows.map((r) => r.method))];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const md: string[] = [];
  md.push('# NCL visit-scheduling simulation (synthetic)', '');
  md.push(
    `Command: \`node bench/ncl-visits.ts --days ${o.days} --seed ${o.seed} --clinicians ${o.clinicians} --ucr ${o.ucr} --vw ${o.vw} --time-limit ${o.timeLimit}\``,
  );
  md.push(
    `Machine: ${cpus().length} logical CPUs, ${cpus()[0]?.model ?? 'unknown'}; Node ${process.version}; ${new Date().toISOString()}.`,
    '',
  );
  md.push('## Results (mean over days)', '');
  md.push(
    '| method | visits made | visits per clinician shift | 2-hour UCR responses met | virtual-ward visits in window | travel share of shift time |',
  );
  md.push('|---|---|---|---|---|---|');
  for (const method of methods) {
    const rs = rows.filter((r) => r.method === method).map((r) => r.m);
    md.push(
      `| ${method} | ${mean(rs.map((r) => r.visits)).toFixed(1)} of ${o.ucr + o.vw} | ${mean(rs.map((r) => r.perShift)).toFixed(2)} | ${mean(rs.map((r) => r.ucrMet)).toFixed(1)} of ${o.ucr} (${((100 * mean(rs.map((r) => r.ucrMet))) / o.ucr).toFixed(1)}%) | ${mean(rs.map((r) => r.vwMet)).toFixed(1)} of ${o.vw} (${((100 * mean(rs.map((r) => r.vwMet))) / o.vw).toFixed(1)}%) | ${(100 * mean(rs.map((r) => r.travelShare))).toFixed(1)}% |`,
    );
  }
  md.push(
    '',
    '## Per day',
    '',
    '| day | method | visits | per shift | UCR met | VW met | travel share | run time s |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const r of rows) {
    md.push(
      `| ${r.day} | ${r.method} | ${r.m.visits} | ${r.m.perShift.toFixed(2)} | ${r.m.ucrMet}/${r.m.ucrTotal} | ${r.m.vwMet}/${r.m.vwTotal} | ${(100 * r.m.travelShare).toFixed(1)}% | ${r.secs.toFixed(1)} |`,
    );
  }
  md.push('', '## Assumptions (illustrative, not NCL data)', '');
  md.push(
    `- Five boroughs with rough centroids (Barnet 51.615,-0.205; Camden 51.549,-0.159; Enfield 51.652,-0.081; Haringey 51.589,-0.108; Islington 51.546,-0.106). Patients are scattered around the centroid with a normal spread of sqrt(area)/3.5 km; demand and clinician bases are proportional to 2021 census population.`,
    `- ${o.clinicians} clinicians a day, each based at a borough hub: half on 08:00–16:00, half on 12:00–20:00. Mix 5:2:2:1 of community nurses (nurse, phlebotomy), senior nurses (also prescriber), physiotherapists and occupational therapists.`,
    `- ${o.ucr} urgent community response referrals a day, arriving 08:00–18:00 (normal around 12:00, sd 2.5 h): a 60-minute assessment that must start within 2 hours of referral; 70% need a nurse, 20% a physiotherapist, 10% an OT.`,
    `- ${o.vw} virtual-ward visits known at 07:30: IV medication 08:00–10:00 or 14:00–16:00 (45 min), observations due at a set hour 09:00–16:00 with a 2-hour window (30 min), bloods 08:00–12:00 (20 min, phlebotomy), prescriber reviews 09:00–17:00 (40 min).`,
    "- Travel: straight-line distance × 1.4 road factor at 16 km/h (the slowest London band in the planning horizon; the solver's default provider). Both methods use the same matrix. Clinicians start from and return to their hub within the shift.",
    '- Dispatcher: visits in order of arrival (a virtual-ward visit arrives when its window opens), each to the qualified clinician who can start it soonest from wherever they are, appended to the end of their day; a visit no one can start in its window (and still get home by shift end) is not made.',
    "- Solver online: plans the virtual-ward visits at 07:30 (time limit above), then inserts each UCR referral when it arrives with insertVisit (cheapest insertion keeping everyone else's day, short repair if needed); visits already started are frozen. The offline row knows the whole day in advance and is only a bound on what planning can do.",
    '- "Visits per clinician shift" = visits made / rostered shifts; "travel share" = total travel minutes / total rostered shift minutes. Missed visits are not made at all in this model (in reality they would be late or handed to another service).',
  );
  writeFileSync('bench/results/ncl-visits.md', `${md.join('\n')}\n`);
  process.stdout.write('written bench/results/ncl-visits.md\n');
}

function fmtRow(m: Metrics) {
  return `visits ${m.visits}, per shift ${m.perShift.toFixed(2)}, UCR ${m.ucrMet}/${m.ucrTotal}, VW ${m.vwMet}/${m.vwTotal}, travel ${(100 * m.travelShare).toFixed(1)}%`;
}

main();
