import type { Problem } from './types.ts';

// Solomon / Gehring–Homberger VRPTW text format: a name line, a VEHICLE block (NUMBER, CAPACITY) and a
// CUSTOMER table (no, x, y, demand, ready, due, service); customer 0 is the depot.
export type SolomonCustomer = {
  id: number;
  x: number;
  y: number;
  demand: number;
  ready: number;
  due: number;
  service: number;
};
export type SolomonInstance = {
  name: string;
  vehicles: number;
  capacity: number;
  depot: SolomonCustomer;
  customers: SolomonCustomer[];
};

export function parseSolomon(text: string, source = 'input'): SolomonInstance {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const name = lines.find((l) => l.length > 0) ?? '';
  const vIdx = lines.findIndex((l) => /^VEHICLE\b/i.test(l));
  if (vIdx < 0) throw new Error(`${source}: not a Solomon instance (no VEHICLE section)`);
  let vehicles = Number.NaN;
  let capacity = Number.NaN;
  let i = vIdx + 1;
  for (; i < lines.length; i++) {
    const parts = lines[i].split(/\s+/);
    if (parts.length >= 2 && /^\d/.test(parts[0])) {
      vehicles = Number(parts[0]);
      capacity = Number(parts[1]);
      break;
    }
  }
  if (!Number.isInteger(vehicles) || vehicles <= 0 || !(capacity > 0)) {
    throw new Error(`${source}: VEHICLE section needs a line "NUMBER CAPACITY" with positive numbers`);
  }
  const cIdx = lines.findIndex((l, j) => j > i && /^CUSTOMER\b/i.test(l));
  if (cIdx < 0) throw new Error(`${source}: not a Solomon instance (no CUSTOMER section)`);
  const rows: SolomonCustomer[] = [];
  for (let j = cIdx + 1; j < lines.length; j++) {
    const l = lines[j];
    if (l === '' || /^[A-Za-z]/.test(l)) continue;
    const f = l.split(/\s+/).map(Number);
    if (f.length < 7 || f.slice(0, 7).some((x) => !Number.isFinite(x))) {
      throw new Error(`${source}: line ${j + 1}: expected 7 numbers (no x y demand ready due service), got "${l}"`);
    }
    const [id, x, y, demand, ready, due, service] = f;
    if (due < ready) throw new Error(`${source}: line ${j + 1}: customer ${id} due date before ready time`);
    rows.push({ id, x, y, demand, ready, due, service });
  }
  if (rows.length < 2) throw new Error(`${source}: CUSTOMER table needs the depot (0) and at least one customer`);
  if (rows[0].id !== 0) throw new Error(`${source}: the first customer row must be the depot, numbered 0`);
  const seen = new Set<number>();
  for (const r of rows) {
    if (seen.has(r.id)) throw new Error(`${source}: customer ${r.id} appears twice`);
    seen.add(r.id);
  }
  return { name, vehicles, capacity, depot: rows[0], customers: rows.slice(1) };
}

/** Solomon conventions: Euclidean distance in double precision, travel time = distance, identical vehicles. */
export function solomonToProblem(inst: SolomonInstance): Problem {
  const pts = [inst.depot, ...inst.customers];
  const size = pts.length;
  const d = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) d[i * size + j] = Math.hypot(pts[i].x - pts[j].x, pts[i].y - pts[j].y);
  }
  return {
    matrix: { size, time: d, distance: d },
    vehicles: Array.from({ length: inst.vehicles }, (_, k) => ({
      id: `v${k + 1}`,
      shift: { start: inst.depot.ready, end: inst.depot.due },
      startLocation: 0,
      capacity: inst.capacity,
    })),
    visits: inst.customers.map((c, i) => ({
      id: String(c.id),
      location: i + 1,
      window: { start: c.ready, end: c.due },
      duration: c.service,
      demand: c.demand,
    })),
  };
}
