import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { toCsv } from '../../platform/csv.ts';
import type { OfferDocument } from './offer.ts';
import { CSV_HEADER, describeHours, loadOfferFolder, OfferFileError, toCsvRows } from './offer.files.ts';

// Tests break imported JSON in arbitrary places, as a careless edit or import would.
// biome-ignore lint/suspicious/noExplicitAny: the shape is deliberately unchecked here
type Json = any;

const DATA = new URL('../../../data/ncl/offer/', import.meta.url).pathname;

const made: string[] = [];
let ncl: OfferDocument;
before(async () => {
  ncl = await loadOfferFolder(DATA);
});
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

/** A copy of the NCL offer folder in a temporary directory, to break on purpose. */
async function copyOfNcl(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'offer-files-'));
  made.push(dir);
  await cp(DATA, dir, { recursive: true });
  return dir;
}

async function editJson(file: string, edit: (json: Json) => void): Promise<void> {
  const json = JSON.parse(await readFile(file, 'utf8'));
  edit(json);
  await writeFile(file, JSON.stringify(json));
}

async function loadError(dir: string): Promise<OfferFileError> {
  try {
    await loadOfferFolder(dir);
  } catch (e) {
    assert.ok(e instanceof OfferFileError, String(e));
    return e;
  }
  assert.fail('expected the folder to fail to load');
}

describe('loadOfferFolder', () => {
  it('loads a folder, ignoring files that are not JSON, in code order', async () => {
    const dir = await copyOfNcl();
    await writeFile(join(dir, 'components', 'NOTES.txt'), 'not data');
    const doc = await loadOfferFolder(dir);
    assert.deepEqual(doc, ncl);
    const codes = doc.components.map((c) => c.code);
    assert.deepEqual(codes, [...codes].sort());
  });

  it('names the file and field, and says what was expected', async () => {
    const dir = await copyOfNcl();
    await editJson(join(dir, 'components', 'podiatry.json'), (c) => {
      c.provisions[1].responseStandards[1].firstContact = 'six weeks';
    });
    const err = await loadError(dir);
    assert.match(
      err.message,
      /components\/podiatry\.json, provisions\[1\]\.responseStandards\[1\]\.firstContact: Enter a duration such as PT2H \(2 hours\) or P6W \(6 weeks\)/,
    );
    assert.ok(err.message.includes(join(dir, 'components', 'podiatry.json')));
    assert.deepEqual(err.problems, [
      {
        file: 'components/podiatry.json',
        path: 'provisions[1].responseStandards[1].firstContact',
        message: 'Enter a duration such as PT2H (2 hours) or P6W (6 weeks)',
      },
    ]);
  });

  it('reports a file that is not valid JSON', async () => {
    const dir = await copyOfNcl();
    await writeFile(join(dir, 'components', 'falls-prevention.json'), '{ "code": "falls-prevention", }');
    const err = await loadError(dir);
    assert.match(err.message, /components\/falls-prevention\.json: This file is not valid JSON/);
  });

  it('collects problems from every file before failing', async () => {
    const dir = await copyOfNcl();
    await editJson(join(dir, 'offer.json'), (v) => {
      v.effectiveFrom = '1 April 2022';
    });
    await editJson(join(dir, 'components', 'wheelchair-service.json'), (c) => {
      c.provisions[0].hours.days.monday.close = '07:00';
    });
    const err = await loadError(dir);
    assert.match(err.message, /has 2 problems/);
    assert.match(err.message, /offer\.json, effectiveFrom: Enter a real date as YYYY-MM-DD/);
    assert.match(
      err.message,
      /wheelchair-service\.json, provisions\[0\]\.hours\.days\.monday\.close: Enter a closing time after/,
    );
  });

  it('requires the file name to match the component code', async () => {
    const dir = await copyOfNcl();
    await editJson(join(dir, 'components', 'podiatry.json'), (c) => {
      c.code = 'foot-care';
    });
    const err = await loadError(dir);
    assert.match(
      err.message,
      /podiatry\.json, code: Make the code match the file name: expected "podiatry", found "foot-care"/,
    );
  });

  it('reports rules across files against the components folder', async () => {
    const dir = await copyOfNcl();
    await unlink(join(dir, 'components', 'central-point-of-access.json'));
    const err = await loadError(dir);
    assert.match(err.message, /components: Add the coordinating function "Central point of access"/);
  });

  it('reports a missing offer.json and a missing components folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'offer-files-'));
    made.push(dir);
    const err = await loadError(dir);
    assert.match(err.message, /offer\.json: File not found/);
    assert.match(err.message, /components: Folder not found/);
  });
});

describe('toCsvRows', () => {
  it('makes one row per component, age group and response standard', () => {
    const rows = toCsvRows(ncl);
    assert.deepEqual(rows[0], [...CSV_HEADER]);
    const expected = ncl.components.flatMap((c) => c.provisions.flatMap((p) => p.responseStandards)).length;
    assert.equal(rows.length, expected + 1);
    assert.ok(rows.every((r) => r.length === CSV_HEADER.length));
  });

  it('writes the standard, its source and the plain-words time', () => {
    const rows = toCsvRows(ncl);
    const col = (name: (typeof CSV_HEADER)[number]) => CSV_HEADER.indexOf(name);
    const ucr = rows.find((r) => r[0] === 'urgent-community-response' && r[5] === 'older-adults' && r[11] === 'urgent');
    assert.ok(ucr);
    assert.equal(ucr[col('first_contact')], 'PT2H');
    assert.equal(ucr[col('first_contact_plain')], '2 hours');
    assert.equal(ucr[col('target')], '0.7');
    assert.equal(ucr[col('illustrative')], 'no');
    assert.equal(ucr[col('source_year')], '2022');
    assert.equal(ucr[col('min_age')], '65');
    assert.equal(ucr[col('max_age')], '');
    assert.equal(ucr[col('hours')], 'Monday to Sunday 08:00 to 20:00');
  });

  it('survives a round trip through an RFC 4180 parser', () => {
    const rows = toCsvRows(ncl);
    const parsed = parse(toCsv(rows), { relax_column_count: false });
    assert.deepEqual(parsed, rows);
  });
});

describe('describeHours', () => {
  it('groups days with the same hours', () => {
    const closed = { closed: true } as const;
    const day = { open: '09:00', close: '17:00' };
    assert.equal(describeHours({ twentyFourSeven: true }), '24 hours a day, 7 days a week');
    assert.equal(
      describeHours({
        twentyFourSeven: false,
        days: {
          monday: day,
          tuesday: day,
          wednesday: day,
          thursday: day,
          friday: day,
          saturday: closed,
          sunday: closed,
        },
      }),
      'Monday to Friday 09:00 to 17:00; Saturday and Sunday closed',
    );
  });
});
