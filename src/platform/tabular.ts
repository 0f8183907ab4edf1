// Spreadsheet files in and out. Analysts live in Excel: every import accepts CSV or XLSX and yields the same
// rows (header → text cell), numbered as the person sees them in their spreadsheet (header is row 1), and every
// template or export can be written as either.
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { toCsv } from './csv.ts';
import { textProblem } from './http/input.plugin.ts';

export type TabularRow = { rowNumber: number; cells: Record<string, string> };
export type Tabular = { headers: string[]; rows: TabularRow[] };

export class TabularFileError extends Error {}

export type TabularFormat = 'csv' | 'xlsx';

/** Decides the format from the file name, then from the bytes (XLSX files are ZIP archives, starting "PK"). */
export function detectFormat(fileName: string | undefined, bytes: Buffer): TabularFormat {
  if (fileName?.toLowerCase().endsWith('.xlsx')) return 'xlsx';
  if (fileName?.toLowerCase().endsWith('.csv')) return 'csv';
  return bytes.subarray(0, 2).toString('latin1') === 'PK' ? 'xlsx' : 'csv';
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('error' in value) return String(value.error);
  }
  return String(value);
}

export async function readTabular(bytes: Buffer, format: TabularFormat): Promise<Tabular> {
  let grid: string[][];
  if (format === 'csv') {
    // A workbook or other binary file with a .csv name would otherwise be read as text: say what it is instead.
    if (bytes.subarray(0, 4).toString('latin1') === 'PK\x03\x04') {
      throw new TabularFileError(
        'This is not a CSV file: it is an Excel workbook named .csv. Save it as CSV, or rename it to end in .xlsx, and upload it again',
      );
    }
    if (bytes.subarray(0, 8192).includes(0)) {
      throw new TabularFileError(
        'This is not a CSV file: it holds binary data, not text. Save the sheet as CSV (comma separated values) or Excel (.xlsx) and upload it again',
      );
    }
    try {
      const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
      grid = parse(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
    } catch (error) {
      throw new TabularFileError(`This CSV file could not be read: ${(error as Error).message}`);
    }
  } else {
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    } catch {
      throw new TabularFileError('This file is not a readable Excel (.xlsx) workbook');
    }
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new TabularFileError('The workbook has no worksheets');
    grid = [];
    sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      const values = row.values as ExcelJS.CellValue[];
      grid[rowNumber - 1] = values.slice(1).map(cellText);
    });
    for (let i = 0; i < grid.length; i++) grid[i] ??= [];
  }
  // The same rule as every other input (platform/http/input.plugin.ts): no control characters, no broken text.
  for (const [r, cells] of grid.entries()) {
    for (const [c, cell] of (cells ?? []).entries()) {
      const problem = textProblem(String(cell ?? ''));
      if (problem) throw new TabularFileError(`Row ${r + 1}, column ${c + 1} ${problem}`);
    }
  }
  const [headerRow, ...body] = grid;
  if (!headerRow || headerRow.every((h) => !h.trim()))
    throw new TabularFileError('The file is empty: the first row must name the columns');
  const headers = headerRow.map((h) => h.trim());
  const rows: TabularRow[] = [];
  body.forEach((cells, index) => {
    if (cells.every((c) => !String(c ?? '').trim())) return; // blank lines are not rows
    const record: Record<string, string> = {};
    headers.forEach((h, i) => {
      if (h) record[h] = String(cells[i] ?? '').trim();
    });
    rows.push({ rowNumber: index + 2, cells: record });
  });
  return { headers, rows };
}

/** Compares a file's header with the expected columns; returns plain messages naming what is missing or unknown. */
export function checkHeaders(
  actual: string[],
  expected: readonly string[],
  optional: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  const known = new Set([...expected, ...optional]);
  const missing = expected.filter((c) => !actual.includes(c));
  if (missing.length)
    problems.push(`Row 1 (the header) is missing the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const unknown = actual.filter((c) => c && !known.has(c));
  if (unknown.length)
    problems.push(
      `Row 1 (the header) has column${unknown.length > 1 ? 's' : ''} this import does not use: ${unknown.join(', ')}`,
    );
  const seen = new Set<string>();
  for (const c of actual) {
    if (c && seen.has(c)) problems.push(`Row 1 (the header) names the column ${c} twice`);
    seen.add(c);
  }
  return problems;
}

export type Sheet = { name: string; rows: (string | number | null)[][]; notes?: string[][] };

/** Writes rows (first row the header) as an XLSX workbook, with an optional second sheet of notes. */
export async function writeXlsx(sheets: Sheet[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Core Offer';
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name.slice(0, 31));
    sheet.rows.forEach((row, i) => {
      const added = ws.addRow(row.map((v) => (v === null ? '' : v)));
      if (i === 0) added.font = { bold: true };
    });
    ws.columns.forEach((col) => {
      let width = 10;
      col.eachCell?.({ includeEmpty: false }, (cell) => {
        width = Math.max(width, Math.min(60, String(cell.value ?? '').length + 2));
      });
      col.width = width;
    });
    if (sheet.rows.length) ws.views = [{ state: 'frozen', ySplit: 1 }];
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function writeCsv(rows: (string | number | null)[][]): string {
  return toCsv(rows.map((r) => r.map((v) => (v === null ? '' : String(v)))));
}
