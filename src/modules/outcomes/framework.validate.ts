// Validation of a framework read from a file or an import. Every error names the file and the field
// (domains[1].outcomes[0].indicators[2].polarity) and says what was expected, so an analyst can fix the
// file without reading code. The value returned is rebuilt field by field, holding nothing the types omit.

import { isObj as isObject, type Obj } from '../../platform/data-file.ts';
import {
  BOROUGH_CODES,
  type BoroughCode,
  COLLECTIONS,
  COMPUTED_MEASURES,
  type ComputedFrom,
  type DataSource,
  DISAGGREGATIONS,
  type DisclosureRule,
  type Disaggregation,
  DOMAIN_CODES,
  type Domain,
  FREQUENCIES,
  type Framework,
  INDICATOR_TYPES,
  type IndicatorDefinition,
  MEASURE_KINDS,
  NCL_SYSTEM_ID,
  type Outcome,
  POLARITIES,
  type Provider,
  SERVICE_TYPES,
  type ServiceType,
} from './framework.ts';

export type FrameworkError = {
  /** The file the framework came from, e.g. 'data/ncl/outcomes/framework.json'. */
  readonly file: string;
  /** The field, e.g. 'domains[0].outcomes[1].indicators[2].code'; '' for the file as a whole. */
  readonly path: string;
  readonly message: string;
};

export type FrameworkResult = { ok: true; value: Framework } | { ok: false; errors: FrameworkError[] };

export const MIN_INDICATORS_PER_OUTCOME = 3;
export const MAX_INDICATORS_PER_OUTCOME = 5;

export const INDICATOR_CODE_PATTERN = /^[A-Z]{2}\d{1,2}\.\d{1,2}$/;
const OUTCOME_CODE_PATTERN = /^[A-Z]{2}\d{1,2}$/;
const ODS_PATTERN = /^[A-Z0-9]{3,5}$/;

const at = (path: string, key: string) => (path ? `${path}.${key}` : key);
const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

class Checker {
  readonly errors: FrameworkError[] = [];
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  fail(path: string, message: string): undefined {
    this.errors.push({ file: this.file, path, message });
    return undefined;
  }

  object(value: unknown, path: string): Obj | undefined {
    return isObject(value) ? value : this.fail(path, 'Expected an object');
  }

  text(o: Obj, key: string, path: string, optional = false): string | undefined {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string' || v.trim() === '') return this.fail(at(path, key), 'Enter some text');
    return v.trim();
  }

  oneOf<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[]): T | undefined {
    const v = o[key];
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    return this.fail(at(path, key), `Expected one of ${list(allowed)}, got ${JSON.stringify(v)}`);
  }

  number(o: Obj, key: string, path: string, test: (n: number) => boolean, expected: string): number | undefined {
    const v = o[key];
    if (typeof v === 'number' && Number.isFinite(v) && test(v)) return v;
    return this.fail(at(path, key), `Expected ${expected}, got ${JSON.stringify(v)}`);
  }

  array(o: Obj, key: string, path: string): unknown[] | undefined {
    const v = o[key];
    return Array.isArray(v) ? v : this.fail(at(path, key), 'Expected a list');
  }

  strings(o: Obj, key: string, path: string, optional = false): string[] | undefined {
    if (o[key] === undefined && optional) return [];
    const a = this.array(o, key, path);
    if (!a) return undefined;
    const out: string[] = [];
    a.forEach((v, i) => {
      if (typeof v === 'string' && v.trim() !== '') out.push(v.trim());
      else this.fail(`${at(path, key)}[${i}]`, 'Enter some text');
    });
    return out;
  }
}

function disclosure(c: Checker, value: unknown, path: string): DisclosureRule | undefined {
  const o = c.object(value, path);
  if (!o) return undefined;
  const minimumCount = c.number(o, 'minimumCount', path, (n) => Number.isInteger(n) && n >= 1, 'a whole number >= 1');
  const flag = (key: string) =>
    typeof o[key] === 'boolean' ? (o[key] as boolean) : c.fail(at(path, key), 'Expected true or false');
  const suppressComplement = flag('suppressComplement');
  const secondarySuppression = flag('secondarySuppression');
  const minimumDenominator =
    o.minimumDenominator === undefined
      ? undefined
      : c.number(o, 'minimumDenominator', path, (n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0');
  if (minimumCount === undefined || suppressComplement === undefined || secondarySuppression === undefined) return;
  return {
    minimumCount,
    suppressComplement,
    secondarySuppression,
    ...(minimumDenominator !== undefined ? { minimumDenominator } : {}),
  };
}

function source(c: Checker, value: unknown, path: string): DataSource | undefined {
  const o = c.object(value, path);
  if (!o) return undefined;
  const collection = c.oneOf(o, 'collection', path, COLLECTIONS);
  const name = c.text(o, 'name', path);
  const url = c.text(o, 'url', path, true);
  if (url !== undefined && !/^https:\/\/\S+$/.test(url)) c.fail(at(path, 'url'), 'Expected an https:// address');
  if (!collection || !name) return undefined;
  return { collection, name, ...(url ? { url } : {}) };
}

function computedFrom(c: Checker, value: unknown, path: string): ComputedFrom | undefined {
  const o = c.object(value, path);
  if (!o) return undefined;
  const found = COMPUTED_MEASURES.find((m) => m.source === o.source && m.measure === o.measure);
  if (found) return found;
  const allowed = COMPUTED_MEASURES.map((m) => `${m.source}/${m.measure}`);
  return c.fail(path, `Expected source/measure to be one of ${list(allowed)}, got ${o.source}/${o.measure}`);
}

function indicator(c: Checker, value: unknown, path: string, defaults: DisclosureRule | undefined) {
  const o = c.object(value, path);
  if (!o) return undefined;
  const code = c.text(o, 'code', path);
  if (code !== undefined && !INDICATOR_CODE_PATTERN.test(code)) {
    c.fail(
      at(path, 'code'),
      `Expected a code such as SW2.1 (two capitals, outcome number, dot, number), got '${code}'`,
    );
  }
  const title = c.text(o, 'title', path);
  const rationale = c.text(o, 'rationale', path);
  const kind = c.oneOf(o, 'kind', path, MEASURE_KINDS);
  const numerator = c.text(o, 'numerator', path);
  const denominator = c.text(o, 'denominator', path);
  const type = c.oneOf(o, 'type', path, INDICATOR_TYPES);
  const unit = c.text(o, 'unit', path);
  const multiplier = c.number(o, 'multiplier', path, (n) => n > 0, 'a number > 0');
  const polarity = c.oneOf(o, 'polarity', path, POLARITIES);
  const src = source(c, o.source, at(path, 'source'));
  const frequency = c.oneOf(o, 'frequency', path, FREQUENCIES);
  const dis = c.array(o, 'disaggregations', path);
  const disaggregations: Disaggregation[] = [];
  dis?.forEach((d, i) => {
    if (typeof d === 'string' && (DISAGGREGATIONS as readonly string[]).includes(d)) {
      if (disaggregations.includes(d as Disaggregation)) c.fail(`${at(path, 'disaggregations')}[${i}]`, `'${d}' twice`);
      else disaggregations.push(d as Disaggregation);
    } else {
      c.fail(
        `${at(path, 'disaggregations')}[${i}]`,
        `Expected one of ${list(DISAGGREGATIONS)}, got ${JSON.stringify(d)}`,
      );
    }
  });
  if (dis && !disaggregations.includes('borough')) {
    c.fail(at(path, 'disaggregations'), "Every NCL indicator is published by borough: include 'borough'");
  }
  const rule = o.disclosure === undefined ? defaults : disclosure(c, o.disclosure, at(path, 'disclosure'));
  const computed = o.computedFrom === undefined ? undefined : computedFrom(c, o.computedFrom, at(path, 'computedFrom'));
  if (computed && src && src.collection !== 'system') {
    c.fail(at(path, 'source.collection'), "An indicator the system computes must have source.collection 'system'");
  }
  if (type === 'proportion' && multiplier !== undefined && multiplier !== 100 && multiplier !== 1) {
    c.fail(at(path, 'multiplier'), 'A proportion is shown as a percentage (100) or a fraction (1)');
  }
  let target: IndicatorDefinition['target'];
  if (o.target !== undefined) {
    const t = c.object(o.target, at(path, 'target'));
    const tv = t && c.number(t, 'value', at(path, 'target'), () => true, 'a number');
    const ts = t && c.text(t, 'source', at(path, 'target'));
    if (tv !== undefined && ts !== undefined) target = { value: tv, source: ts };
  }
  const ageRange = c.text(o, 'ageRange', path, true);
  const services = c.strings(o, 'services', path, true);
  services?.forEach((s, i) => {
    if (!(SERVICE_TYPES as readonly string[]).includes(s)) {
      c.fail(`${at(path, 'services')}[${i}]`, `Expected one of ${list(SERVICE_TYPES)}, got '${s}'`);
    }
  });
  if (src?.collection === 'provider-return' && services?.length === 0) {
    c.fail(at(path, 'services'), 'Say which providers report it: community, mental-health or both');
  }
  if (src && src.collection !== 'provider-return' && services && services.length > 0) {
    c.fail(at(path, 'services'), 'Only indicators collected by provider return list services');
  }
  if (
    !code ||
    !title ||
    !rationale ||
    !kind ||
    !numerator ||
    !denominator ||
    !type ||
    !unit ||
    multiplier === undefined ||
    !polarity ||
    !src ||
    !frequency ||
    !dis ||
    !rule
  ) {
    if (!rule && o.disclosure === undefined) c.fail(at(path, 'disclosure'), 'No disclosure rule and no default');
    return undefined;
  }
  const def: IndicatorDefinition = {
    code,
    title,
    rationale,
    kind,
    numerator,
    denominator,
    type,
    unit,
    multiplier,
    polarity,
    source: src,
    frequency,
    disaggregations,
    disclosure: rule,
    ...(computed ? { computedFrom: computed } : {}),
    ...(target ? { target } : {}),
    ...(ageRange ? { ageRange } : {}),
    ...(services && services.length > 0 ? { services: services as ServiceType[] } : {}),
  };
  return def;
}

function outcome(c: Checker, value: unknown, path: string, defaults: DisclosureRule | undefined) {
  const o = c.object(value, path);
  if (!o) return undefined;
  const code = c.text(o, 'code', path);
  if (code !== undefined && !OUTCOME_CODE_PATTERN.test(code)) {
    c.fail(at(path, 'code'), `Expected a code such as SW2 (two capitals and a number), got '${code}'`);
  }
  const title = c.text(o, 'title', path);
  const aims = c.strings(o, 'aims', path, true);
  const raw = c.array(o, 'indicators', path);
  if (raw && (raw.length < MIN_INDICATORS_PER_OUTCOME || raw.length > MAX_INDICATORS_PER_OUTCOME)) {
    c.fail(
      at(path, 'indicators'),
      `Expected ${MIN_INDICATORS_PER_OUTCOME} to ${MAX_INDICATORS_PER_OUTCOME} indicators under an outcome, got ${raw.length}`,
    );
  }
  const indicators = (raw ?? []).map((v, i) => indicator(c, v, `${at(path, 'indicators')}[${i}]`, defaults));
  indicators.forEach((ind, i) => {
    if (ind && code && !ind.code.startsWith(`${code}.`)) {
      c.fail(
        `${at(path, 'indicators')}[${i}].code`,
        `Expected a code starting '${code}.' (its outcome), got '${ind.code}'`,
      );
    }
  });
  if (!code || !title || !aims || !raw || indicators.some((i) => !i)) return undefined;
  const result: Outcome = { code, title, aims, indicators: indicators as IndicatorDefinition[] };
  return result;
}

function provider(c: Checker, value: unknown, path: string): Provider | undefined {
  const o = c.object(value, path);
  if (!o) return undefined;
  const code = c.text(o, 'code', path);
  if (code !== undefined && !ODS_PATTERN.test(code)) c.fail(at(path, 'code'), `Expected an ODS code such as RKE`);
  const name = c.text(o, 'name', path);
  const services = c.strings(o, 'services', path);
  services?.forEach((s, i) => {
    if (!(SERVICE_TYPES as readonly string[]).includes(s)) {
      c.fail(`${at(path, 'services')}[${i}]`, `Expected one of ${list(SERVICE_TYPES)}, got '${s}'`);
    }
  });
  const boroughs = c.strings(o, 'boroughs', path);
  boroughs?.forEach((b, i) => {
    if (!(BOROUGH_CODES as readonly string[]).includes(b)) {
      c.fail(`${at(path, 'boroughs')}[${i}]`, `Expected an NCL borough GSS code (${BOROUGH_CODES.join(', ')})`);
    }
  });
  const note = c.text(o, 'note', path, true);
  if (!code || !name || !services || !boroughs) return undefined;
  return {
    code,
    name,
    services: services as ServiceType[],
    boroughs: boroughs as BoroughCode[],
    ...(note ? { note } : {}),
  };
}

/** Checks a parsed framework file; `file` is named in every error. */
export function validateFramework(input: unknown, file: string): FrameworkResult {
  const c = new Checker(file);
  const o = c.object(input, '');
  if (!o) return { ok: false, errors: c.errors };
  const id = c.text(o, 'id', '');
  const system = o.system === NCL_SYSTEM_ID ? NCL_SYSTEM_ID : c.fail('system', `Expected '${NCL_SYSTEM_ID}'`);
  const title = c.text(o, 'title', '');
  const version = c.text(o, 'version', '');
  const status = c.oneOf(o, 'status', '', ['draft', 'agreed'] as const);
  const src = c.text(o, 'source', '');
  const notes = c.strings(o, 'notes', '', true);
  const defaults = disclosure(c, o.defaultDisclosure, 'defaultDisclosure');
  const providers = (c.array(o, 'providers', '') ?? []).map((p, i) => provider(c, p, `providers[${i}]`));
  const rawDomains = c.array(o, 'domains', '') ?? [];
  const domains = rawDomains.map((value, i) => {
    const path = `domains[${i}]`;
    const d = c.object(value, path);
    if (!d) return undefined;
    const code = c.oneOf(d, 'code', path, DOMAIN_CODES);
    const dtitle = c.text(d, 'title', path);
    const raw = c.array(d, 'outcomes', path);
    if (raw && raw.length === 0) c.fail(at(path, 'outcomes'), 'Expected at least one outcome');
    const outcomes = (raw ?? []).map((v, j) => outcome(c, v, `${path}.outcomes[${j}]`, defaults));
    if (!code || !dtitle || !raw || outcomes.some((x) => !x)) return undefined;
    const domain: Domain = { code, title: dtitle, outcomes: outcomes as Outcome[] };
    return domain;
  });

  // Codes are how returns and links find things, so each must be unique across the whole framework.
  const firstSeen = new Map<string, string>();
  const unique = (code: unknown, path: string, what: string) => {
    if (typeof code !== 'string') return;
    const earlier = firstSeen.get(`${what}:${code}`);
    if (earlier) c.fail(path, `${what} code '${code}' is already used at ${earlier}`);
    else firstSeen.set(`${what}:${code}`, path);
  };
  rawDomains.forEach((d, i) => {
    if (!isObject(d)) return;
    unique(d.code, `domains[${i}].code`, 'Domain');
    if (!Array.isArray(d.outcomes)) return;
    d.outcomes.forEach((oc, j) => {
      if (!isObject(oc)) return;
      unique(oc.code, `domains[${i}].outcomes[${j}].code`, 'Outcome');
      if (!Array.isArray(oc.indicators)) return;
      oc.indicators.forEach((ind, k) => {
        if (isObject(ind)) unique(ind.code, `domains[${i}].outcomes[${j}].indicators[${k}].code`, 'Indicator');
      });
    });
  });
  (Array.isArray(o.providers) ? o.providers : []).forEach((p, i) => {
    if (isObject(p)) unique(p.code, `providers[${i}].code`, 'Provider');
  });

  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  return {
    ok: true,
    value: {
      id: id as string,
      system: system as typeof NCL_SYSTEM_ID,
      title: title as string,
      version: version as string,
      status: status as Framework['status'],
      source: src as string,
      notes: notes ?? [],
      defaultDisclosure: defaults as DisclosureRule,
      providers: providers as Provider[],
      domains: domains as Domain[],
    },
  };
}

/** One line per error, 'file, path: message', for logs and command-line tools. */
export function formatFrameworkErrors(errors: readonly FrameworkError[]): string {
  return errors.map((e) => `${e.file}${e.path ? `, ${e.path}` : ''}: ${e.message}`).join('\n');
}
