// FHIR XML → FHIR JSON for the tests, driven by the R4 type definitions @medplum/core indexes (which element
// repeats, which choice type a `value…` element is, which primitives are booleans or numbers), so the UK
// Core team's own XML examples can be checked and sent to the server. Narrative (`text.div`) is dropped.
import { getDataType, type InternalTypeSchema, tryGetDataType } from '@medplum/core';
import { XMLParser } from 'fast-xml-parser';
import { baseProblems } from './fhir.ts';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
});

// biome-ignore lint/suspicious/noExplicitAny: FHIR JSON and parsed XML
type Json = any;

const NUMBERS = new Set(['integer', 'positiveInt', 'unsignedInt', 'decimal']);
const PRIMITIVE = /^[a-z]/;

function typeOf(schema: InternalTypeSchema, key: string): { name: string; code: string; isArray: boolean } | null {
  const direct = schema.elements[key];
  const choice = direct
    ? undefined
    : Object.entries(schema.elements).find(([k]) => k.endsWith('[x]') && key.startsWith(k.slice(0, -3)));
  const el = direct ?? choice?.[1];
  if (!el) return null;
  let code = el.type[0]?.code ?? 'string';
  if (choice) {
    const suffix = key.slice(choice[0].length - 3);
    code = el.type.map((t) => t.code).find((c) => c.toLowerCase() === suffix.toLowerCase()) ?? suffix;
  }
  if (code === 'BackboneElement' || code === 'Element') {
    const inner = (schema as Json).innerTypes?.find((t: InternalTypeSchema) => t.path === el.path);
    if (inner) code = inner.name;
  }
  return { name: key, code, isArray: !!el.isArray };
}

function primitive(code: string, value: string): unknown {
  if (code === 'boolean') return value === 'true';
  if (NUMBERS.has(code)) return Number(value);
  return value;
}

function convert(node: Json, typeName: string): Json {
  const schema = tryGetDataType(typeName) ?? getDataType('Element');
  const out: Json = {};
  for (const [key, raw] of Object.entries(node)) {
    if (key === 'xmlns' || (key === 'value' && typeof raw === 'string')) continue;
    if ((key === 'url' || key === 'id') && typeof raw === 'string') {
      out[key] = raw;
      continue;
    }
    if (key === 'div') continue;
    const t = typeOf(schema, key);
    if (!t) throw new Error(`${typeName}.${key} is not an element of ${typeName}`);
    const items = Array.isArray(raw) ? raw : [raw];
    const extras: Json[] = [];
    const values = items.map((item: Json) => {
      if (t.code === 'Resource') {
        const [resourceType, body] = Object.entries(item)[0] as [string, Json];
        return { resourceType, ...convert(body, resourceType) };
      }
      if (PRIMITIVE.test(t.code)) {
        const children = Object.keys(item).filter((k) => k !== 'value');
        // A primitive's own id and extensions go in the "_name" sibling, as FHIR JSON has it.
        extras.push(children.length ? convert(Object.fromEntries(children.map((k) => [k, item[k]])), 'Element') : null);
        return primitive(t.code, item.value);
      }
      return convert(item, t.code);
    });
    out[key] = t.isArray ? values : values[0];
    if (extras.some(Boolean)) out[`_${key}`] = t.isArray ? extras : extras[0];
  }
  return out;
}

/** One FHIR XML resource as FHIR JSON; throws naming the element it cannot place. */
export function fhirXmlToJson(xml: string): Json {
  baseProblems({ resourceType: 'Basic' }); // indexes the R4 definitions once
  const doc = parser.parse(xml);
  const [resourceType, body] = Object.entries(doc).find(([k]) => k !== '?xml') as [string, Json];
  const json = { resourceType, ...convert(body, resourceType) };
  if (json.text && !json.text.div) delete json.text;
  return json;
}
