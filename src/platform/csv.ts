// A tiny RFC 4180 writer: fields with a comma, quote, CR or LF are quoted, quotes doubled,
// records end with CRLF. Reading CSV is csv-parse's job elsewhere; writing needs no library.

export interface CsvOptions {
  /**
   * Prefix cells starting with =, +, -, @, tab or CR with an apostrophe so that spreadsheet
   * programs show them as text instead of running them as formulas (CSV injection).
   * On by default because offers are exported for commissioners to open in Excel.
   */
  neutraliseFormulas?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string, options: CsvOptions = {}): string {
  let v = value;
  if ((options.neutraliseFormulas ?? true) && FORMULA_START.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** Rows to CSV text, CRLF after every record (including the last). */
export function toCsv(rows: readonly (readonly string[])[], options: CsvOptions = {}): string {
  return rows.map((row) => row.map((cell) => csvField(cell, options)).join(',') + '\r\n').join('');
}
