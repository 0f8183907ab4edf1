// Helpers shared by the tests: reading the PHE worked examples and comparing numbers.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

// The PHE worked examples are copied into the repository (data/reference/phe, with their README).
const PHE_DIR = new URL('../../data/reference/phe/', import.meta.url);

export function readPheCsv(name: string): Record<string, number>[] {
  const [header, ...lines] = readFileSync(new URL(name, PHE_DIR), 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((column, i) => [column, Number(cells[i])]));
  });
}

export function readPheJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, PHE_DIR), 'utf8')) as T;
}

/** Asserts |actual − expected| <= tolerance × |expected| (absolute tolerance when expected is 0). */
export function assertClose(actual: number | null, expected: number, tolerance: number, label = ''): void {
  assert.ok(actual !== null, `${label}: expected ${expected}, got null`);
  const error = Math.abs(actual - expected);
  const bound = expected === 0 ? tolerance : tolerance * Math.abs(expected);
  assert.ok(
    error <= bound,
    `${label}: expected ${expected}, got ${actual} (relative error ${error / Math.abs(expected)})`,
  );
}

const PACKAGE_DIR = new URL('../../data/reference/phe/pheindicatormethods/', import.meta.url);

/** One CSV line split into cells, honouring double-quoted cells with commas and "" escapes. */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/** Rows of a CSV from the PHEindicatormethods test data (data/reference/phe/pheindicatormethods), as strings. */
export function readPackageCsv(name: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(new URL(name, PACKAGE_DIR), 'utf8').trim().split(/\r?\n/);
  const columns = splitCsvLine(header);
  return lines.map((line) => {
    const cells = splitCsvLine(line);
    return Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? '']));
  });
}

export function readPackageJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, PACKAGE_DIR), 'utf8')) as T;
}

/** A numeric cell, or null when it is empty (R's NA). */
export function num(cell: string | undefined): number | null {
  return cell === undefined || cell.trim() === '' ? null : Number(cell);
}
