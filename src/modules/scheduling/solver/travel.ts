import type { GeoPoint, Problem, TimeWindow, TravelMatrix, TravelProvider } from './types.ts';

export type SpeedBand = { from: number; to: number; kmh: number };

// Illustrative London-ish speeds (minutes from midnight): slow in the peaks, faster off-peak and at night.
export const DEFAULT_SPEED_BANDS: readonly SpeedBand[] = [
  { from: 0, to: 7 * 60, kmh: 32 },
  { from: 7 * 60, to: 10 * 60, kmh: 16 },
  { from: 10 * 60, to: 16 * 60, kmh: 22 },
  { from: 16 * 60, to: 19 * 60, kmh: 16 },
  { from: 19 * 60, to: 24 * 60, kmh: 28 },
];

const EARTH_RADIUS_KM = 6371.0088;

export function haversineKm(a: GeoPoint, b: GeoPoint): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function speedAt(minute: number, bands: readonly SpeedBand[] = DEFAULT_SPEED_BANDS): number {
  const m = ((minute % 1440) + 1440) % 1440;
  for (const b of bands) if (m >= b.from && m < b.to) return b.kmh;
  return bands[bands.length - 1]?.kmh ?? 20;
}

/** Time-dependent travel minutes for simulators and displays (the solver itself uses a static matrix). */
export function travelMinutes(
  a: GeoPoint,
  b: GeoPoint,
  departMinute: number,
  roadFactor = 1.4,
  bands = DEFAULT_SPEED_BANDS,
) {
  return ((haversineKm(a, b) * roadFactor) / speedAt(departMinute, bands)) * 60;
}

/**
 * Straight-line distance × road factor; time at the slowest speed band that overlaps the planning horizon.
 * Using the slowest band keeps plans feasible whatever the time of day (arriving early only means waiting),
 * at the price of some pessimism off-peak.
 */
export function haversineProvider(options: { roadFactor?: number; bands?: readonly SpeedBand[] } = {}): TravelProvider {
  const roadFactor = options.roadFactor ?? 1.4;
  const bands = options.bands ?? DEFAULT_SPEED_BANDS;
  return {
    matrix(locations: readonly GeoPoint[], horizon: TimeWindow): TravelMatrix {
      let kmh = Number.POSITIVE_INFINITY;
      for (const b of bands) if (b.from < horizon.end && b.to > horizon.start) kmh = Math.min(kmh, b.kmh);
      if (!Number.isFinite(kmh)) kmh = speedAt(horizon.start, bands);
      const n = locations.length;
      const time = new Float64Array(n * n);
      const distance = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (i === j) continue;
          const km = haversineKm(locations[i], locations[j]) * roadFactor;
          distance[i * n + j] = km;
          time[i * n + j] = (km / kmh) * 60;
        }
      }
      return { size: n, time, distance };
    },
  };
}

/** The matrix the solver and the checker both use: given, or built once by the provider. */
export function resolveMatrix(problem: Problem): TravelMatrix {
  if (problem.matrix) return problem.matrix;
  if (!problem.locations) throw new Error('Problem needs either a matrix or locations');
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const v of problem.vehicles) {
    start = Math.min(start, v.shift.start);
    end = Math.max(end, v.shift.end);
  }
  if (!Number.isFinite(start)) start = end = 0;
  return (problem.travel ?? haversineProvider()).matrix(problem.locations, { start, end });
}

/** A copy of the problem with its matrix resolved, e.g. to post it to a worker thread. */
export function withMatrix(problem: Problem): Problem {
  const m = resolveMatrix(problem);
  const time = Float64Array.from(m.time);
  const distance = m.distance ? Float64Array.from(m.distance) : undefined;
  return { vehicles: problem.vehicles, visits: problem.visits, matrix: { size: m.size, time, distance } };
}
