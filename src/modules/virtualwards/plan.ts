// Which observations the monitoring plan expects (issue 13: "the clinician sets the monitoring plan (which
// observations, how often)"). Pure: no clock, no storage.
//
// The names are the NEWS2 parameters (air or oxygen is the "on supplementary oxygen" question of the form).
// Leaving a parameter out of the plan only stops it being reported as "not recorded": NEWS2 is still not
// scored unless all seven are present (RCP 2017), so the aggregate stays unknown.
import { NEWS2_PARAMETERS, type News2Parameter } from './news2.ts';

export const PLAN_OBSERVATIONS = NEWS2_PARAMETERS;
export type PlanObservation = News2Parameter;

export const PLAN_OBSERVATION_LABELS: Record<PlanObservation, string> = {
  respirationRate: 'Respiration rate',
  spo2: 'Oxygen saturation (SpO2)',
  airOrOxygen: 'Air or oxygen (on supplementary oxygen)',
  systolicBP: 'Systolic blood pressure',
  pulse: 'Pulse',
  consciousness: 'Consciousness level (ACVPU)',
  temperature: 'Temperature',
};

export type PlanObservationsResult = { ok: true; observations: PlanObservation[] } | { ok: false; message: string };

/**
 * Reads the plan's observations: an array of names (API, or checkboxes ticked more than once), one name (one
 * checkbox ticked) or a comma-separated list. Kept in the order of the NEWS2 chart, without repeats.
 */
export function parsePlanObservations(value: unknown): PlanObservationsResult {
  const raw = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (raw === null || raw.some((v) => typeof v !== 'string'))
    return { ok: false, message: 'Choose the observations the plan expects, at least one' };
  const names = raw.map((v) => (v as string).trim()).filter((v) => v !== '');
  if (names.length === 0) return { ok: false, message: 'Choose at least one observation for the plan' };
  const unknown = names.filter((n) => !(PLAN_OBSERVATIONS as readonly string[]).includes(n));
  if (unknown.length)
    return {
      ok: false,
      message: `Observations must be from: ${PLAN_OBSERVATIONS.join(', ')} (not ${unknown.slice(0, 3).join(', ')})`,
    };
  return { ok: true, observations: PLAN_OBSERVATIONS.filter((p) => names.includes(p)) };
}

/** The missing parameters the plan expects: the others are left out on purpose, not "not recorded". */
export function expectedMissing(missing: readonly string[], planned: readonly string[]): string[] {
  return missing.filter((p) => planned.includes(p));
}
