// NEWS2, the National Early Warning Score 2, exactly as the Royal College of Physicians published it
// (Royal College of Physicians. National Early Warning Score (NEWS) 2: Standardising the assessment of
// acute-illness severity in the NHS. Updated report of a working party. London: RCP, 2017), chart 1 and
// chart 2. Pure: no clock, no storage.
//
// A missing parameter is reported, never scored as 0: the aggregate is then unknown, and the risk given is
// the lowest the present parameters already prove (a part of 3, or a partial sum of 7, cannot be undone by
// the parameters still to come).

export const NEWS2_PARAMETERS = [
  'respirationRate',
  'spo2',
  'airOrOxygen',
  'systolicBP',
  'pulse',
  'consciousness',
  'temperature',
] as const;
export type News2Parameter = (typeof NEWS2_PARAMETERS)[number];

export const CONSCIOUSNESS_LEVELS = ['A', 'C', 'V', 'P', 'U'] as const;
export type Consciousness = (typeof CONSCIOUSNESS_LEVELS)[number];

export type Observation = {
  respirationRate?: number | null;
  spo2?: number | null;
  /** 1 for most patients; 2 for hypercapnic respiratory failure with a prescribed target of 88–92%. */
  spo2Scale?: 1 | 2 | null;
  onOxygen?: boolean | null;
  systolicBP?: number | null;
  pulse?: number | null;
  consciousness?: Consciousness | null;
  /** Degrees Celsius, to one decimal place. */
  temperature?: number | null;
};

export const RISK_BANDS = ['low', 'low-medium', 'medium', 'high'] as const;
export type Risk = (typeof RISK_BANDS)[number];

export type News2Result = {
  /** The aggregate score, or null when a parameter is missing. */
  score: number | null;
  /** The sum of the parameters that were present. */
  partialScore: number;
  /** The clinical risk; when parameters are missing, the lowest risk the present ones already prove. */
  risk: Risk;
  complete: boolean;
  missing: News2Parameter[];
  parameterScores: Record<News2Parameter, number | null>;
};

const present = (value: unknown): boolean => value !== null && value !== undefined;

export function scoreRespirationRate(rate: number): number {
  if (rate <= 8) return 3;
  if (rate <= 11) return 1;
  if (rate <= 20) return 0;
  if (rate <= 24) return 2;
  return 3;
}

/** SpO2 scale 1: the scale for everyone not prescribed a lower target. */
export function scoreSpo2Scale1(spo2: number): number {
  if (spo2 <= 91) return 3;
  if (spo2 <= 93) return 2;
  if (spo2 <= 95) return 1;
  return 0;
}

/**
 * SpO2 scale 2: for a target of 88–92%. Above 92% scores only when the patient is on oxygen (over-oxygenation);
 * on air any saturation of 88% or more scores 0.
 */
export function scoreSpo2Scale2(spo2: number, onOxygen: boolean): number {
  if (spo2 <= 83) return 3;
  if (spo2 <= 85) return 2;
  if (spo2 <= 87) return 1;
  if (spo2 <= 92 || !onOxygen) return 0;
  if (spo2 <= 94) return 1;
  if (spo2 <= 96) return 2;
  return 3;
}

export function scoreAirOrOxygen(onOxygen: boolean): number {
  return onOxygen ? 2 : 0;
}

export function scoreSystolicBP(systolic: number): number {
  if (systolic <= 90) return 3;
  if (systolic <= 100) return 2;
  if (systolic <= 110) return 1;
  if (systolic <= 219) return 0;
  return 3;
}

export function scorePulse(pulse: number): number {
  if (pulse <= 40) return 3;
  if (pulse <= 50) return 1;
  if (pulse <= 90) return 0;
  if (pulse <= 110) return 1;
  if (pulse <= 130) return 2;
  return 3;
}

/** Alert scores 0; new confusion, or a response only to voice or pain, or unresponsive, scores 3. */
export function scoreConsciousness(level: Consciousness): number {
  return level === 'A' ? 0 : 3;
}

/** The chart's bands are to one decimal place; a reading is rounded to one decimal before banding. */
export function scoreTemperature(celsius: number): number {
  const t = Math.round(celsius * 10) / 10;
  if (t <= 35.0) return 3;
  if (t <= 36.0) return 1;
  if (t <= 38.0) return 0;
  if (t <= 39.0) return 1;
  return 2;
}

export function riskFor(score: number, anyPartOfThree: boolean): Risk {
  if (score >= 7) return 'high';
  if (score >= 5) return 'medium';
  if (anyPartOfThree) return 'low-medium';
  return 'low';
}

export function scoreNews2(observation: Observation): News2Result {
  const o = observation;
  const scale = o.spo2Scale ?? 1;
  const parts: Record<News2Parameter, number | null> = {
    respirationRate: present(o.respirationRate) ? scoreRespirationRate(o.respirationRate as number) : null,
    // Scale 2 needs to know air or oxygen above 92%; without it the SpO2 part is unknown there.
    spo2: !present(o.spo2)
      ? null
      : scale === 1
        ? scoreSpo2Scale1(o.spo2 as number)
        : present(o.onOxygen) || (o.spo2 as number) <= 92
          ? scoreSpo2Scale2(o.spo2 as number, o.onOxygen === true)
          : null,
    airOrOxygen: present(o.onOxygen) ? scoreAirOrOxygen(o.onOxygen as boolean) : null,
    systolicBP: present(o.systolicBP) ? scoreSystolicBP(o.systolicBP as number) : null,
    pulse: present(o.pulse) ? scorePulse(o.pulse as number) : null,
    consciousness: present(o.consciousness) ? scoreConsciousness(o.consciousness as Consciousness) : null,
    temperature: present(o.temperature) ? scoreTemperature(o.temperature as number) : null,
  };
  const missing = NEWS2_PARAMETERS.filter((p) => parts[p] === null);
  const known = NEWS2_PARAMETERS.map((p) => parts[p]).filter((v): v is number => v !== null);
  const partialScore = known.reduce((sum, v) => sum + v, 0);
  const complete = missing.length === 0;
  return {
    score: complete ? partialScore : null,
    partialScore,
    risk: riskFor(partialScore, known.includes(3)),
    complete,
    missing,
    parameterScores: parts,
  };
}

/** The RCP's response for each band (chart 3 and 4), as the virtual ward applies it. */
export const NEWS2_RESPONSES: Record<Risk, { monitoring: string; response: string }> = {
  low: {
    monitoring: 'At least every 4 to 6 hours (every 12 hours when the score is 0)',
    response: 'Continue the monitoring plan; the nurse decides whether to increase it or escalate.',
  },
  'low-medium': {
    monitoring: 'At least every hour',
    response: 'Urgent review by a clinician to decide whether care needs to change.',
  },
  medium: {
    monitoring: 'At least every hour',
    response: 'Urgent review by a clinician competent in assessing acutely ill patients.',
  },
  high: {
    monitoring: 'Continuous',
    response: 'Emergency response: senior clinician now; consider a 999 call and transfer to hospital.',
  },
};
