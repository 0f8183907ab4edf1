// Importing an Open Referral UK 3.0 feed (a council's or a voluntary organisation's services) into the
// directory as local assets. Each record is checked with ajv (JSON Schema draft 2020-12) against ORUK's own
// compiled schemas (data/standards/oruk/): a page of services against `service_list.json` per item, one
// service against `service.json`. Problems name the record and the field, one message per field, in plain
// words; any problem and nothing is imported. Pure apart from reading the schemas once.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from '../../platform/errors.ts';
import type { LocalAsset } from '../directory/index.ts';
import { AGE_GROUPS } from '../offer/index.ts';

const SCHEMAS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../data/standards/oruk/schema');

let validators: { item: ValidateFunction; service: ValidateFunction } | null = null;
function orukValidators() {
  if (validators) return validators;
  // The ORUK schemas carry descriptive keywords of their own (name, core, constraints, example…): not strict.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const read = (f: string) => JSON.parse(readFileSync(path.join(SCHEMAS, 'compiled', f), 'utf8'));
  validators = { item: ajv.compile(read('service_list.json')), service: ajv.compile(read('service.json')) };
  return validators;
}

// biome-ignore lint/suspicious/noExplicitAny: an ORUK document is open JSON until checked
type Json = any;

/** The records of a feed: a Page (`contents`), a list of services, or one service. */
export function feedRecords(feed: Json): { records: Json[]; kind: 'page' | 'list' | 'service' } | null {
  if (Array.isArray(feed)) return { records: feed, kind: 'list' };
  if (feed && typeof feed === 'object' && Array.isArray(feed.contents)) return { records: feed.contents, kind: 'page' };
  if (feed && typeof feed === 'object' && typeof feed.name === 'string') return { records: [feed], kind: 'service' };
  return null;
}

/** ajv's error as a field path and plain words: `/organization/name` → `organization.name`. */
function plain(e: ErrorObject): { field: string; message: string } {
  const parts = e.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') {
    const field = parts ? `${parts}.${p.missingProperty}` : String(p.missingProperty);
    return { field, message: `${field} is missing` };
  }
  const field = parts || '(the record)';
  if (e.keyword === 'enum')
    return { field, message: `${field} must be one of: ${(p.allowedValues as unknown[]).join(', ')}` };
  if (e.keyword === 'type') return { field, message: `${field} must be a ${p.type}` };
  if (e.keyword === 'format') return { field, message: `${field} must be a valid ${p.format}` };
  if (e.keyword === 'minimum' || e.keyword === 'maximum')
    return { field, message: `${field} must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${p.limit}` };
  return { field, message: `${field} ${e.message ?? 'is not valid'}` };
}

/** Problems of every record, named by its position, name and id, one message per field (empty when valid). */
export function checkOrukFeed(feed: Json): FieldError[] {
  const found = feedRecords(feed);
  if (!found)
    return [
      {
        field: 'feed',
        message: 'The feed must be an ORUK page of services (with contents), a list of services or one service',
      },
    ];
  if (found.records.length === 0) return [{ field: 'feed', message: 'The feed has no services' }];
  if (found.records.length > 5000)
    return [{ field: 'feed', message: 'The feed has more than 5000 services: import it in parts' }];
  const v = orukValidators();
  const validate = found.kind === 'service' ? v.service : v.item;
  const out: FieldError[] = [];
  found.records.forEach((record, i) => {
    if (validate(record)) return;
    const label = `Service ${i + 1}${typeof record?.name === 'string' ? ` “${record.name}”` : ''}${typeof record?.id === 'string' ? ` (${record.id})` : ''}`;
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const { field, message } = plain(e);
      if (seen.has(field)) continue;
      seen.add(field);
      out.push({ field: `services[${i}].${field}`, message: `${label}: ${message}` });
    }
  });
  // Ids must be unique in the feed, or one record would silently replace another.
  const ids = new Map<string, number>();
  found.records.forEach((r, i) => {
    if (typeof r?.id !== 'string') return;
    const first = ids.get(r.id);
    if (first !== undefined)
      out.push({ field: `services[${i}].id`, message: `Service ${i + 1}: id ${r.id} is also service ${first + 1}’s` });
    else ids.set(r.id, i);
  });
  return out;
}

/** The age groups a service's minimum and maximum ages overlap (absent means all ages). */
function ageGroups(min: unknown, max: unknown): LocalAsset['ageGroups'] {
  if (typeof min !== 'number' && typeof max !== 'number') return undefined;
  const lo = typeof min === 'number' ? min : 0;
  const hi = typeof max === 'number' ? max : 200;
  return AGE_GROUPS.filter((g) => g.minAge <= hi && (g.maxAge === null || g.maxAge >= lo)).map((g) => g.code);
}

/**
 * Maps checked ORUK services to the directory's local assets. Boroughs: the service areas whose `extent` is a
 * borough's ONS code, else the boroughs the importer says the feed covers. Needs: the taxonomy terms the
 * service is linked to (their names), else its name. Contact: the service's email and web address.
 */
export function orukToAssets(
  feed: Json,
  o: { kind: 'voluntary' | 'council'; boroughs: string[]; knownBoroughs: string[]; illustrative: boolean },
): { assets: LocalAsset[]; errors: FieldError[] } {
  const records = feedRecords(feed)?.records ?? [];
  const errors: FieldError[] = [];
  const assets = records.map((s: Json, i: number): LocalAsset => {
    const areas: string[] = (s.service_areas ?? [])
      .map((a: Json) => a?.extent)
      .filter((x: unknown): x is string => typeof x === 'string' && o.knownBoroughs.includes(x));
    const boroughs = areas.length ? [...new Set(areas)] : o.boroughs;
    if (boroughs.length === 0)
      errors.push({
        field: `services[${i}].service_areas`,
        message: `Service ${i + 1} “${s.name}”: no service area is a borough here; say which boroughs the feed covers`,
      });
    const terms: string[] = (s.attributes ?? [])
      .map((a: Json) => a?.taxonomy_term?.name ?? a?.taxonomy_term?.term)
      .filter((x: unknown): x is string => typeof x === 'string' && x.trim() !== '');
    return {
      id: `oruk-${s.id}`,
      name: s.name,
      description: s.description ?? s.name,
      kind: o.kind,
      needs: terms.length ? [...new Set(terms.map((t) => t.toLowerCase()))] : [String(s.name).toLowerCase()],
      boroughs,
      ...(ageGroups(s.minimum_age, s.maximum_age) ? { ageGroups: ageGroups(s.minimum_age, s.maximum_age) } : {}),
      contact: {
        ...(typeof s.email === 'string' ? { email: s.email } : {}),
        ...(typeof s.url === 'string' ? { website: s.url } : {}),
      },
      ...(o.illustrative ? { illustrative: true } : {}),
    };
  });
  return { assets, errors };
}
