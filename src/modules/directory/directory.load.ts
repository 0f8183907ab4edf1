// Validating a directory file. Every problem is collected with its field path; references
// (organisation codes, sites, boroughs) are checked so a typo cannot orphan a service.

import { DataFileError, type DataProblem, fieldPath, isObj, type Obj } from '../../platform/data-file.ts';
import { readFile } from 'node:fs/promises';
import { ACCESS_ROUTES, AGE_GROUP_CODES } from '../offer/index.ts';
import { ASSET_KINDS, type Directory, isDramaNumber, ORGANISATION_KINDS } from './directory.ts';

export type DirectoryProblem = DataProblem;

export type DirectoryValidation = { ok: true; value: Directory } | { ok: false; errors: DirectoryProblem[] };

export class DirectoryFileError extends DataFileError {
  constructor(file: string, problems: DirectoryProblem[]) {
    super(file, problems);
    this.name = 'DirectoryFileError';
  }
}

const GSS = /^[EWSN]\d{8}$/;

export interface DirectoryValidationOptions {
  /** Known borough GSS codes; when given, every borough must be one of them. */
  boroughs?: readonly string[];
  /** Known component codes; when given, every componentCodes entry must be one of them. */
  components?: readonly string[];
}

export function validateDirectory(data: unknown, options: DirectoryValidationOptions = {}): DirectoryValidation {
  const errors: DirectoryProblem[] = [];
  const err = (path: string, message: string): void => {
    errors.push({ path, message });
  };
  if (!isObj(data)) return { ok: false, errors: [{ path: '', message: 'Expected a directory object' }] };

  const str = (o: Obj, k: string, path: string, optional = false) => {
    const v = o[k];
    if (v === undefined && optional) return;
    if (typeof v !== 'string' || v.trim() === '') err(fieldPath(path, k), 'Expected non-empty text');
  };
  const list = (o: Obj, k: string, path: string, allowed?: readonly string[], what = 'value', optional = false) => {
    const v = o[k];
    if (v === undefined && optional) return;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      return err(`${path}.${k}`, 'Expected a list of text');
    v.forEach((x, i) => {
      if (allowed && !allowed.includes(x)) err(`${path}.${k}[${i}]`, `Unknown ${what} "${x}"`);
    });
  };
  const boroughList = (o: Obj, k: string, path: string) => {
    list(o, k, path, options.boroughs, 'borough');
    if (Array.isArray(o[k])) {
      (o[k] as unknown[]).forEach((b, i) => {
        if (typeof b === 'string' && !GSS.test(b)) err(`${path}.${k}[${i}]`, `Expected a GSS code such as E09000003`);
      });
    }
  };
  const contact = (v: unknown, path: string, illustrative: boolean) => {
    if (!isObj(v)) return err(path, 'Expected a contact { phone?, email?, website? }');
    for (const k of ['phone', 'email', 'website']) str(v, k, path, true);
    // Invented entries must never carry a number that could ring a real person.
    if ((illustrative || v.illustrative === true) && typeof v.phone === 'string' && !isDramaNumber(v.phone)) {
      err(`${path}.phone`, 'Illustrative contacts must use an Ofcom drama number, 020 7946 0000 to 0999');
    }
  };

  str(data, 'systemId', '');
  str(data, 'period', '');
  const orgCodes = new Set<string>();
  const arrays = ['organisations', 'sites', 'services', 'assets'] as const;
  for (const k of arrays) if (!Array.isArray(data[k])) err(k, 'Expected a list');
  const each = (k: (typeof arrays)[number], fn: (o: Obj, path: string) => void) => {
    if (!Array.isArray(data[k])) return;
    const ids = new Set<string>();
    (data[k] as unknown[]).forEach((o, i) => {
      const path = `${k}[${i}]`;
      if (!isObj(o)) {
        err(path, 'Expected an object');
        return;
      }
      const id = (k === 'organisations' ? o.code : o.id) as string;
      if (typeof id === 'string') {
        if (ids.has(id)) err(`${path}.${k === 'organisations' ? 'code' : 'id'}`, `Duplicate "${id}"`);
        ids.add(id);
      }
      fn(o, path);
    });
  };
  each('organisations', (o, path) => {
    str(o, 'code', path);
    str(o, 'name', path);
    if (!(ORGANISATION_KINDS as readonly unknown[]).includes(o.kind)) {
      err(`${path}.kind`, `Expected one of ${ORGANISATION_KINDS.join(', ')}`);
    }
    if (o.boroughs !== undefined) boroughList(o, 'boroughs', path);
    if (typeof o.code === 'string') orgCodes.add(o.code);
  });
  const org = (o: Obj, path: string, optional = false) => {
    if (o.organisationCode === undefined && optional) return;
    if (typeof o.organisationCode !== 'string' || !orgCodes.has(o.organisationCode)) {
      err(
        `${path}.organisationCode`,
        `Expected the code of an organisation in this file, got ${JSON.stringify(o.organisationCode)}`,
      );
    }
  };
  const siteIds = new Set<string>();
  each('sites', (o, path) => {
    for (const k of ['id', 'name', 'address', 'postcode']) str(o, k, path);
    org(o, path);
    if (
      typeof o.borough !== 'string' ||
      !GSS.test(o.borough) ||
      (options.boroughs && !options.boroughs.includes(o.borough))
    ) {
      err(`${path}.borough`, 'Expected the GSS code of a borough');
    }
    if (typeof o.id === 'string') siteIds.add(o.id);
  });
  each('services', (o, path) => {
    for (const k of ['id', 'name', 'hours']) str(o, k, path);
    org(o, path);
    list(o, 'componentCodes', path, options.components, 'component');
    if (Array.isArray(o.componentCodes) && o.componentCodes.length === 0)
      err(`${path}.componentCodes`, 'Expected at least one component');
    list(o, 'ageGroups', path, AGE_GROUP_CODES, 'age group');
    boroughList(o, 'boroughs', path);
    list(o, 'accessRoutes', path, ACCESS_ROUTES, 'access route');
    list(o, 'siteIds', path, [...siteIds], 'site', true);
    contact(o.contact, `${path}.contact`, o.illustrative === true);
  });
  each('assets', (o, path) => {
    for (const k of ['id', 'name', 'description']) str(o, k, path);
    if (!(ASSET_KINDS as readonly unknown[]).includes(o.kind))
      err(`${path}.kind`, `Expected one of ${ASSET_KINDS.join(', ')}`);
    org(o, path, true);
    list(o, 'needs', path);
    boroughList(o, 'boroughs', path);
    list(o, 'ageGroups', path, AGE_GROUP_CODES, 'age group', true);
    contact(o.contact, `${path}.contact`, o.illustrative === true);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: data as unknown as Directory };
}

/** Read and validate a directory JSON file; throws DirectoryFileError naming the file and each field at fault. */
export async function loadDirectory(file: string, options: DirectoryValidationOptions = {}): Promise<Directory> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? 'File not found' : e instanceof SyntaxError ? `Not valid JSON: ${e.message}` : String(e);
    throw new DirectoryFileError(file, [{ path: '', message }]);
  }
  const r = validateDirectory(data, options);
  if (!r.ok) throw new DirectoryFileError(file, r.errors);
  return r.value;
}
