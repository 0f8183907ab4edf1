// Public model of the visit-scheduling problem. Times are numbers in one consistent unit (minutes from
// midnight in the product; abstract units for Solomon instances). Locations are indices into the travel
// matrix (or into `locations` when a travel provider builds the matrix).

export const PRIORITIES = ['urgent', 'time-critical', 'routine'] as const;
export type Priority = (typeof PRIORITIES)[number];

// Lexicographic in practice: one urgent visit outweighs any realistic number of lower-priority visits.
export const DEFAULT_PENALTY: Readonly<Record<Priority, number>> = {
  urgent: 1_000_000,
  'time-critical': 1_000,
  routine: 1,
};

export type TimeWindow = { start: number; end: number };

export type Vehicle = {
  id: string;
  skills?: readonly string[];
  /** The vehicle may leave its start location at shift.start and must be back at its end location by shift.end. */
  shift: TimeWindow;
  startLocation: number;
  /** Defaults to startLocation. */
  endLocation?: number;
  /** Defaults to unlimited. */
  capacity?: number;
};

export type Visit = {
  id: string;
  location: number;
  /** Service must start inside the window; defaults to any time in the shift. */
  window?: TimeWindow;
  /** Service duration. */
  duration: number;
  skills?: readonly string[];
  priority?: Priority;
  /** Penalty if left unassigned; defaults to DEFAULT_PENALTY[priority ?? 'routine']. */
  penalty?: number;
  demand?: number;
  /** Id of the only vehicle allowed to make this visit. */
  lockedTo?: string;
};

export type GeoPoint = { lat: number; lon: number };

/** Row-major size×size matrices; `distance` defaults to `time`. */
export type TravelMatrix = {
  size: number;
  time: ArrayLike<number>;
  distance?: ArrayLike<number>;
};

/** Builds a static matrix for a planning horizon. Must be pure and synchronous (no I/O inside the solver). */
export type TravelProvider = {
  matrix(locations: readonly GeoPoint[], horizon: TimeWindow): TravelMatrix;
};

export type Problem = {
  vehicles: readonly Vehicle[];
  visits: readonly Visit[];
  /** Either a matrix over location indices... */
  matrix?: TravelMatrix;
  /** ...or points plus a provider (default: haversine × road factor with time-of-day speeds). */
  locations?: readonly GeoPoint[];
  travel?: TravelProvider;
};

export type PlannedVisit = {
  visitId: string;
  arrival: number;
  /** Service start (arrival or window start, whichever is later). */
  start: number;
  end: number;
};

export type Route = {
  vehicleId: string;
  /** Departure from the start location and arrival back at the end location. */
  departure: number;
  return: number;
  visits: PlannedVisit[];
  distance: number;
  travelTime: number;
  load: number;
};

export type PlanCost = {
  /** Sum of penalties of unassigned visits (first level of the objective). */
  unassignedPenalty: number;
  /** Vehicles used (second level). */
  vehicles: number;
  /** Total distance (third level). */
  distance: number;
  travelTime: number;
};

export type Plan = {
  /** Only vehicles with at least one visit. */
  routes: Route[];
  unassigned: string[];
  cost: PlanCost;
  stats: { iterations: number; elapsedMs: number; seed: number };
};

export type SolveOptions = {
  /** Wall-clock limit; the best plan so far is returned when it runs out. */
  timeLimitMs?: number;
  /** Iteration limit; with no time limit the result depends only on the seed. */
  maxIterations?: number;
  seed?: number;
  /** A plan to start from (infeasible parts are dropped to unassigned and re-inserted). */
  initial?: Plan;
  /**
   * Default true: the objective is unassigned penalty, then vehicles used, then distance, and part of the
   * budget goes to removing whole routes. False: unassigned penalty, then distance (every rostered
   * clinician is available anyway, so spreading work is not penalised).
   */
  minimiseVehicles?: boolean;
  /** Visit id → vehicle id it was on before; moving a visit off it costs `stabilityWeight`. */
  previousAssignment?: Readonly<Record<string, string>>;
  stabilityWeight?: number;
};
