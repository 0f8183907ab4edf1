import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkHeaders, detectFormat, readTabular, TabularFileError, writeCsv, writeXlsx } from './tabular.ts';

test('CSV and XLSX give the same rows, numbered as in the spreadsheet, blank lines skipped', async () => {
  const rows = [
    ['borough', 'spend'],
    ['E09000003', 12345],
    ['', ''],
    ['E09000007', '678'],
  ];
  const csv = await readTabular(Buffer.from(writeCsv(rows)), 'csv');
  const xlsx = await readTabular(await writeXlsx([{ name: 'Data', rows }]), 'xlsx');
  for (const t of [csv, xlsx]) {
    assert.deepEqual(t.headers, ['borough', 'spend']);
    assert.deepEqual(t.rows, [
      { rowNumber: 2, cells: { borough: 'E09000003', spend: '12345' } },
      { rowNumber: 4, cells: { borough: 'E09000007', spend: '678' } },
    ]);
  }
});

test('the format is found from the name, or from the bytes', async () => {
  assert.equal(detectFormat('a.XLSX', Buffer.from('x')), 'xlsx');
  assert.equal(detectFormat(undefined, await writeXlsx([{ name: 'x', rows: [['a']] }])), 'xlsx');
  assert.equal(detectFormat(undefined, Buffer.from('a,b\n1,2')), 'csv');
});

test('unreadable and empty files get a plain error', async () => {
  await assert.rejects(readTabular(Buffer.from('PKnot a zip'), 'xlsx'), TabularFileError);
  await assert.rejects(readTabular(Buffer.from(''), 'csv'), /first row must name the columns/);
  await assert.rejects(readTabular(Buffer.from('a,"b\n1,2'), 'csv'), /could not be read/);
});

test('headers: missing, unknown and repeated columns are named', () => {
  assert.deepEqual(checkHeaders(['a', 'b'], ['a', 'b']), []);
  const problems = checkHeaders(['a', 'x', 'a'], ['a', 'b']);
  assert.match(problems[0]!, /missing the column b/);
  assert.match(problems[1]!, /does not use: x/);
  assert.match(problems[2]!, /names the column a twice/);
});

test('a file with a control character in a cell is refused naming the row and column', async () => {
  await assert.rejects(
    () => readTabular(Buffer.from('code,name\nA1,ok\nB2,bad\u0007name\n'), 'csv'),
    (error: Error) =>
      error instanceof TabularFileError && /Row 3, column 2 must not contain control characters/.test(error.message),
  );
  const fine = await readTabular(Buffer.from('code,name\nA1,tab\there\n'), 'csv');
  assert.equal(fine.rows[0]?.cells.name, 'tab\there');
});

test('an Excel workbook named .csv is said to be not a CSV file, without its binary contents', async () => {
  const workbook = Buffer.from('PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00binary', 'latin1');
  await assert.rejects(readTabular(workbook, detectFormat('returns.csv', workbook)), (error: Error) => {
    assert.ok(error instanceof TabularFileError);
    assert.match(error.message, /^This is not a CSV file: it is an Excel workbook named \.csv/);
    assert.ok(!error.message.includes('PK') && !error.message.includes(String.fromCharCode(0)));
    return true;
  });
  const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]);
  await assert.rejects(readTabular(binary, 'csv'), /This is not a CSV file: it holds binary data/);
});
