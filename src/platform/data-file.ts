// A data file that failed validation: every problem with the file and the field, in one message a person
// can act on (the NCL demo data, an import, a deployment's own data).

export type DataProblem = {
  /** Field path inside the document, e.g. "places[2].needs[0].value"; empty for the whole file. */
  path: string;
  message: string;
};

export class DataFileError extends Error {
  readonly file: string;
  readonly problems: DataProblem[];
  constructor(file: string, problems: DataProblem[]) {
    const lines = problems.slice(0, 50).map((p) => `- ${file}${p.path ? `, ${p.path}` : ''}: ${p.message}`);
    super([`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`, ...lines].join('\n'));
    this.name = 'DataFileError';
    this.file = file;
    this.problems = problems;
  }
}

/** A JSON object read from a data file or a request body (not an array, not null). */
export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The field path of `key` inside `path` ("" for the document itself): "places[2]" + "code" → "places[2].code". */
export function fieldPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
