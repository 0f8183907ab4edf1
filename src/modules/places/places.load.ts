// Validating places documents (data/<system>/places.json). Validation collects every problem
// with the field path, so a data author fixes the file in one pass.

import { DataFileError, type DataProblem, isObj, type Obj } from '../../platform/data-file.ts';
import { readFile } from 'node:fs/promises';
import {
  type FigureSource,
  isGssCode,
  NEED_DIRECTIONS,
  NEED_UNITS,
  type NeedIndicator,
  POPULATION_GROUPS,
  type Place,
  type PlacesDocument,
  type PopulationFigure,
} from './places.ts';

export type PlacesProblem = DataProblem;

export type PlacesValidation = { ok: true; value: PlacesDocument } | { ok: false; errors: PlacesProblem[] };

export class PlacesFileError extends DataFileError {
  constructor(file: string, problems: PlacesProblem[]) {
    super(file, problems);
    this.name = 'PlacesFileError';
  }
}

function text(o: Obj, key: string, path: string, errors: PlacesProblem[], optional = false): string | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    errors.push({ path: `${path}.${key}`, message: 'Expected non-empty text' });
    return undefined;
  }
  return v;
}

function validateSource(v: unknown, path: string, errors: PlacesProblem[]): FigureSource | undefined {
  if (!isObj(v)) {
    errors.push({ path, message: 'Expected a source: { title, year, url? }' });
    return undefined;
  }
  const title = text(v, 'title', path, errors);
  const url = text(v, 'url', path, errors, true);
  if (!Number.isInteger(v.year) || (v.year as number) < 1900 || (v.year as number) > 2100) {
    errors.push({ path: `${path}.year`, message: 'Expected a four-digit year' });
  }
  if (title === undefined) return undefined;
  return { title, year: v.year as number, ...(url ? { url } : {}) };
}

/** A figure must cite a source or say it is illustrative, never neither. */
function provenance(o: Obj, path: string, errors: PlacesProblem[]): Pick<PopulationFigure, 'source' | 'illustrative'> {
  const out: Pick<PopulationFigure, 'source' | 'illustrative'> = {};
  if (o.source !== undefined) out.source = validateSource(o.source, `${path}.source`, errors);
  if (o.illustrative !== undefined) {
    if (typeof o.illustrative !== 'boolean')
      errors.push({ path: `${path}.illustrative`, message: 'Expected true or false' });
    else out.illustrative = o.illustrative;
  }
  if (o.source === undefined && o.illustrative !== true) {
    errors.push({ path, message: 'Expected a source or "illustrative": true' });
  }
  return out;
}

function validatePopulation(v: unknown, path: string, errors: PlacesProblem[]): Place['population'] {
  const out = {} as Place['population'];
  if (!isObj(v)) {
    errors.push({ path, message: `Expected an object with ${POPULATION_GROUPS.join(', ')}` });
    return out;
  }
  for (const key of Object.keys(v)) {
    if (!(POPULATION_GROUPS as readonly string[]).includes(key)) {
      errors.push({
        path: `${path}.${key}`,
        message: `Unknown population group; expected one of ${POPULATION_GROUPS.join(', ')}`,
      });
    }
  }
  for (const g of POPULATION_GROUPS) {
    const f = v[g];
    const p = `${path}.${g}`;
    if (!isObj(f)) {
      errors.push({ path: p, message: 'Expected { value, source | illustrative }' });
      continue;
    }
    if (!Number.isInteger(f.value) || (f.value as number) < 0) {
      errors.push({ path: `${p}.value`, message: 'Expected a whole number of people, 0 or more' });
    }
    const note = text(f, 'note', p, errors, true);
    out[g] = { value: f.value as number, ...provenance(f, p, errors), ...(note ? { note } : {}) };
  }
  // Children + working-age + older adults cover every age exactly once.
  const parts = ['children-young-people', 'working-age-adults', 'older-adults'] as const;
  if (parts.every((g) => Number.isInteger(out[g]?.value)) && Number.isInteger(out.total?.value)) {
    const sum = parts.reduce((s, g) => s + out[g].value, 0);
    if (sum !== out.total.value) {
      errors.push({
        path: `${path}.total`,
        message: `Children, working-age and older adults add up to ${sum}, not the total ${out.total.value}`,
      });
    }
  }
  if (out['young-adults'] && out['working-age-adults'] && out['young-adults'].value > out['working-age-adults'].value) {
    errors.push({
      path: `${path}.young-adults`,
      message: 'Young adults (18–25) cannot outnumber working-age adults (18–64)',
    });
  }
  return out;
}

function validateNeed(v: unknown, path: string, errors: PlacesProblem[]): NeedIndicator | undefined {
  if (!isObj(v)) {
    errors.push({
      path,
      message: 'Expected a need indicator { code, name, value, unit, direction, source | illustrative }',
    });
    return undefined;
  }
  const code = text(v, 'code', path, errors);
  if (code !== undefined && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(code)) {
    errors.push({ path: `${path}.code`, message: 'Expected a kebab-case code such as "diabetes-prevalence"' });
  }
  const name = text(v, 'name', path, errors);
  if (typeof v.value !== 'number' || !Number.isFinite(v.value) || v.value < 0) {
    errors.push({ path: `${path}.value`, message: 'Expected a number, 0 or more' });
  }
  if (!(NEED_UNITS as readonly unknown[]).includes(v.unit)) {
    errors.push({ path: `${path}.unit`, message: `Expected one of ${NEED_UNITS.join(', ')}` });
  } else if (v.unit === 'percent' && typeof v.value === 'number' && v.value > 100) {
    errors.push({ path: `${path}.value`, message: 'A percentage cannot be over 100' });
  }
  if (!(NEED_DIRECTIONS as readonly unknown[]).includes(v.direction)) {
    errors.push({ path: `${path}.direction`, message: `Expected one of ${NEED_DIRECTIONS.join(', ')}` });
  }
  const note = text(v, 'note', path, errors, true);
  const prov = provenance(v, path, errors);
  if (code === undefined || name === undefined) return undefined;
  return {
    code,
    name,
    value: v.value as number,
    unit: v.unit as NeedIndicator['unit'],
    direction: v.direction as NeedIndicator['direction'],
    ...prov,
    ...(note ? { note } : {}),
  };
}

export function validatePlaces(data: unknown): PlacesValidation {
  const errors: PlacesProblem[] = [];
  if (!isObj(data)) return { ok: false, errors: [{ path: '', message: 'Expected an object { systemId, places }' }] };
  const systemId = text(data, 'systemId', '', errors);
  const description = text(data, 'description', '', errors, true);
  const places: Place[] = [];
  if (!Array.isArray(data.places) || data.places.length === 0) {
    errors.push({ path: 'places', message: 'Expected a non-empty list of places' });
  } else {
    const seen = new Set<string>();
    data.places.forEach((raw, i) => {
      const path = `places[${i}]`;
      if (!isObj(raw)) {
        errors.push({ path, message: 'Expected a place { code, name, systemId, population, needs }' });
        return;
      }
      const code = text(raw, 'code', path, errors);
      if (code !== undefined && !isGssCode(code)) {
        errors.push({ path: `${path}.code`, message: `Expected an ONS GSS code such as E09000003, got "${code}"` });
      }
      if (code !== undefined && seen.has(code))
        errors.push({ path: `${path}.code`, message: `Duplicate place ${code}` });
      if (code !== undefined) seen.add(code);
      const name = text(raw, 'name', path, errors);
      const placeSystem = text(raw, 'systemId', path, errors);
      if (placeSystem !== undefined && systemId !== undefined && placeSystem !== systemId) {
        errors.push({ path: `${path}.systemId`, message: `Expected "${systemId}", the document's system` });
      }
      const population = validatePopulation(raw.population, `${path}.population`, errors);
      const needs: NeedIndicator[] = [];
      if (!Array.isArray(raw.needs)) {
        errors.push({ path: `${path}.needs`, message: 'Expected a list of need indicators (may be empty)' });
      } else {
        const codes = new Set<string>();
        raw.needs.forEach((n, j) => {
          const need = validateNeed(n, `${path}.needs[${j}]`, errors);
          if (!need) return;
          if (codes.has(need.code))
            errors.push({ path: `${path}.needs[${j}].code`, message: `Duplicate indicator ${need.code}` });
          codes.add(need.code);
          needs.push(need);
        });
      }
      if (code && name && placeSystem) places.push({ code, name, systemId: placeSystem, population, needs });
    });
  }
  if (errors.length > 0 || systemId === undefined) return { ok: false, errors };
  return { ok: true, value: { systemId, ...(description ? { description } : {}), places } };
}

/** Read and validate a places JSON file; throws PlacesFileError naming the file and each field at fault. */
export async function loadPlaces(file: string): Promise<PlacesDocument> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? 'File not found' : e instanceof SyntaxError ? `Not valid JSON: ${e.message}` : String(e);
    throw new PlacesFileError(file, [{ path: '', message }]);
  }
  const r = validatePlaces(data);
  if (!r.ok) throw new PlacesFileError(file, r.errors);
  return r.value;
}
