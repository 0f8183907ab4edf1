// A paediatric early warning score for children's hospital at home. The thresholds are configuration, one
// table per age band. The table below is ILLUSTRATIVE: its bands follow the usual shape of UK paediatric
// charts (normal ranges narrowing with age) but it is not a validated score. A trust replaces it with the one
// it uses (for example NHS England's national PEWS, the System-wide Paediatric Observations Tracking chart)
// before clinical use. Missing parameters are reported, never scored as 0.

export type Band = { upTo: number; score: number };
export type PewsAgeBand = {
  code: string;
  label: string;
  /** Inclusive lower bound, in months of age. */
  fromMonths: number;
  /** Exclusive upper bound, in months of age. */
  toMonths: number;
  respirationRate: Band[];
  heartRate: Band[];
  spo2: Band[];
};

export type PewsConfig = {
  source: string;
  illustrative: boolean;
  ageBands: PewsAgeBand[];
  /** Score added when the child needs oxygen. */
  oxygenScore: number;
  /** Score for a child who is not alert (responds to voice, pain or not at all). */
  notAlertScore: number;
  /** Aggregate score at or above which each risk starts. */
  thresholds: { lowMedium: number; medium: number; high: number };
};

const rr = (a: number, b: number, c: number, d: number, e: number): Band[] => [
  { upTo: a, score: 3 },
  { upTo: b, score: 1 },
  { upTo: c, score: 0 },
  { upTo: d, score: 1 },
  { upTo: e, score: 2 },
  { upTo: Number.POSITIVE_INFINITY, score: 3 },
];

// The same saturation bands at every age in the illustrative table.
const SPO2_BANDS: Band[] = [
  { upTo: 89, score: 3 },
  { upTo: 91, score: 2 },
  { upTo: 93, score: 1 },
  { upTo: 100, score: 0 },
];

export const ILLUSTRATIVE_PEWS: PewsConfig = {
  source: 'Illustrative thresholds for demonstration; not a validated paediatric early warning score.',
  illustrative: true,
  ageBands: [
    {
      code: '0-11m',
      label: 'Under 1 year',
      fromMonths: 0,
      toMonths: 12,
      respirationRate: rr(19, 29, 50, 60, 70),
      heartRate: rr(89, 109, 160, 170, 180),
      spo2: SPO2_BANDS,
    },
    {
      code: '1-4y',
      label: '1 to 4 years',
      fromMonths: 12,
      toMonths: 60,
      respirationRate: rr(14, 19, 40, 50, 60),
      heartRate: rr(79, 89, 140, 150, 170),
      spo2: SPO2_BANDS,
    },
    {
      code: '5-12y',
      label: '5 to 12 years',
      fromMonths: 60,
      toMonths: 156,
      respirationRate: rr(9, 14, 25, 30, 40),
      heartRate: rr(59, 69, 120, 130, 150),
      spo2: SPO2_BANDS,
    },
    {
      code: '13-18y',
      label: '13 years and over',
      fromMonths: 156,
      toMonths: 228,
      respirationRate: rr(9, 11, 20, 25, 30),
      heartRate: rr(49, 59, 100, 110, 130),
      spo2: SPO2_BANDS,
    },
  ],
  oxygenScore: 2,
  notAlertScore: 3,
  thresholds: { lowMedium: 3, medium: 5, high: 7 },
};

export type PewsObservation = {
  ageMonths: number;
  respirationRate?: number | null;
  heartRate?: number | null;
  spo2?: number | null;
  onOxygen?: boolean | null;
  consciousness?: 'A' | 'C' | 'V' | 'P' | 'U' | null;
};

export const PEWS_PARAMETERS = ['respirationRate', 'heartRate', 'spo2', 'oxygen', 'consciousness'] as const;
export type PewsParameter = (typeof PEWS_PARAMETERS)[number];

export type PewsResult = {
  ageBand: string;
  score: number | null;
  partialScore: number;
  risk: 'low' | 'low-medium' | 'medium' | 'high';
  complete: boolean;
  missing: PewsParameter[];
  parameterScores: Record<PewsParameter, number | null>;
  illustrative: boolean;
};

export function bandScore(bands: Band[], value: number): number {
  for (const band of bands) if (value <= band.upTo) return band.score;
  return bands[bands.length - 1]?.score ?? 0;
}

export function ageBandFor(config: PewsConfig, ageMonths: number): PewsAgeBand {
  const band = config.ageBands.find((b) => ageMonths >= b.fromMonths && ageMonths < b.toMonths);
  if (!band) throw new RangeError(`no paediatric age band covers ${ageMonths} months`);
  return band;
}

export function scorePews(observation: PewsObservation, config: PewsConfig = ILLUSTRATIVE_PEWS): PewsResult {
  const band = ageBandFor(config, observation.ageMonths);
  const has = (v: unknown) => v !== null && v !== undefined;
  const parts: Record<PewsParameter, number | null> = {
    respirationRate: has(observation.respirationRate)
      ? bandScore(band.respirationRate, observation.respirationRate as number)
      : null,
    heartRate: has(observation.heartRate) ? bandScore(band.heartRate, observation.heartRate as number) : null,
    spo2: has(observation.spo2) ? bandScore(band.spo2, observation.spo2 as number) : null,
    oxygen: has(observation.onOxygen) ? (observation.onOxygen ? config.oxygenScore : 0) : null,
    consciousness: has(observation.consciousness)
      ? observation.consciousness === 'A'
        ? 0
        : config.notAlertScore
      : null,
  };
  const missing = PEWS_PARAMETERS.filter((p) => parts[p] === null);
  const known = PEWS_PARAMETERS.map((p) => parts[p]).filter((v): v is number => v !== null);
  const partialScore = known.reduce((s, v) => s + v, 0);
  const t = config.thresholds;
  const risk =
    partialScore >= t.high
      ? 'high'
      : partialScore >= t.medium
        ? 'medium'
        : partialScore >= t.lowMedium || known.includes(3)
          ? 'low-medium'
          : 'low';
  return {
    ageBand: band.code,
    score: missing.length === 0 ? partialScore : null,
    partialScore,
    risk,
    complete: missing.length === 0,
    missing,
    parameterScores: parts,
    illustrative: config.illustrative,
  };
}
