// Checking an observation set before it is scored or stored: physiologically impossible values are refused
// naming the field; values outside the usual range but possible are kept and scored.
import type { FieldError } from '../../platform/errors.ts';
import { CONSCIOUSNESS_LEVELS, type Consciousness, type Observation } from './news2.ts';

type Limit = { field: keyof Observation; label: string; min: number; max: number; integer: boolean; unit: string };

// The edges of what a living person at home can show; anything beyond is a typing or device error.
export const OBSERVATION_LIMITS: Limit[] = [
  { field: 'respirationRate', label: 'Respiration rate', min: 1, max: 80, integer: true, unit: 'breaths a minute' },
  { field: 'spo2', label: 'Oxygen saturation (SpO2)', min: 50, max: 100, integer: true, unit: '%' },
  { field: 'systolicBP', label: 'Systolic blood pressure', min: 40, max: 300, integer: true, unit: 'mmHg' },
  { field: 'pulse', label: 'Pulse', min: 20, max: 250, integer: true, unit: 'beats a minute' },
  { field: 'temperature', label: 'Temperature', min: 25, max: 44, integer: false, unit: '°C' },
];

export type ObservationInput = Record<string, unknown>;

/** Returns the observation with numbers parsed (form strings accepted), or the field errors. */
export function parseObservation(
  input: ObservationInput,
  { requireAll = false }: { requireAll?: boolean } = {},
): { observation: Observation; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const observation: Observation = {};
  for (const limit of OBSERVATION_LIMITS) {
    const raw = input[limit.field];
    if (raw === undefined || raw === null || raw === '') {
      if (requireAll) errors.push({ field: limit.field, message: `Enter the ${limit.label.toLowerCase()}` });
      continue;
    }
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : Number.NaN;
    if (!Number.isFinite(value) || (limit.integer && !Number.isInteger(value))) {
      errors.push({
        field: limit.field,
        message: `${limit.label} must be a ${limit.integer ? 'whole number' : 'number'} in ${limit.unit}`,
      });
      continue;
    }
    if (value < limit.min || value > limit.max) {
      errors.push({
        field: limit.field,
        message: `${limit.label} must be between ${limit.min} and ${limit.max} ${limit.unit}; check the reading`,
      });
      continue;
    }
    (observation as Record<string, number>)[limit.field] = value;
  }
  const scale = input.spo2Scale;
  if (scale !== undefined && scale !== null && scale !== '') {
    if (scale === 1 || scale === 2 || scale === '1' || scale === '2') observation.spo2Scale = Number(scale) as 1 | 2;
    else errors.push({ field: 'spo2Scale', message: 'SpO2 scale must be 1 or 2' });
  }
  const oxygen = input.onOxygen;
  if (oxygen === true || oxygen === 'true' || oxygen === 'oxygen') observation.onOxygen = true;
  else if (oxygen === false || oxygen === 'false' || oxygen === 'air') observation.onOxygen = false;
  else if (oxygen !== undefined && oxygen !== null && oxygen !== '')
    errors.push({ field: 'onOxygen', message: 'Say whether the patient is on air or oxygen' });
  else if (requireAll) errors.push({ field: 'onOxygen', message: 'Say whether the patient is on air or oxygen' });
  const level = input.consciousness;
  if (typeof level === 'string' && (CONSCIOUSNESS_LEVELS as readonly string[]).includes(level)) {
    observation.consciousness = level as Consciousness;
  } else if (level !== undefined && level !== null && level !== '') {
    errors.push({ field: 'consciousness', message: 'Consciousness must be one of A, C, V, P or U (ACVPU)' });
  } else if (requireAll) {
    errors.push({ field: 'consciousness', message: 'Select the level of consciousness (ACVPU)' });
  }
  return { observation, errors };
}
