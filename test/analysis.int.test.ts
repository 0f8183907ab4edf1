// Baseline imports and the gap analysis through HTTP, on every engine: import errors named by row and column,
// a failed import changing nothing, re-import replacing a period, roles, the NCL findings from the API, the
// pages and their CSV/XLSX exports.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { NCL_BASELINE_FILE } from '../src/modules/baseline/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const HARINGEY_ISLINGTON = /£98 per head is spent on community health services in Haringey against £192 in Islington/;

for (const engine of testEngines()) {
  describe(`baseline and gap analysis on ${engine}`, () => {
    let t: TestApp;
    const tokens: Record<string, string> = {};
    const auth = (role: string) => ({ authorization: `Bearer ${tokens[role]}` });
    let csv = '';

    before(async () => {
      t = await startTestApp(engine);
      // Demo tokens exist only on PGlite; issue real ones so both engines run the same API tests.
      for (const role of ['analyst', 'commissioner', 'spa', 'provider'] as const) {
        const issued = await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), { label: `test ${role}`, role });
        tokens[role] = issued.value;
      }
      csv = await readFile(NCL_BASELINE_FILE, 'utf8');
    });
    after(async () => t?.close());

    const count = async (period?: string) => {
      let q = t.database.db.selectFrom('baseline_rows').select(sql<number>`count(*)::int`.as('n'));
      if (period) q = q.where('period', '=', period);
      return (await q.executeTakeFirstOrThrow()).n;
    };
    const importsCount = async () =>
      (
        await t.database.db
          .selectFrom('baseline_imports')
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const postCsv = (body: string, role = 'analyst', fileName = 'test.csv') =>
      t.app.inject({
        method: 'POST',
        url: `/api/baseline/imports?fileName=${fileName}`,
        headers: { ...auth(role), 'content-type': 'text/csv' },
        payload: body,
      });
    const lines = () => csv.trimEnd().split('\n');
    const fields = (res: LightMyRequestResponse) =>
      (res.json().error.fields as { field: string; message: string }[]).map((f) => `${f.field}: ${f.message}`);

    test('the seeded NCL baseline is stored with its import record', async () => {
      assert.equal(await count('2021-22'), 750);
      const res = await t.app.inject({ url: '/api/baseline/imports', headers: auth('analyst') });
      assert.equal(res.statusCode, 200);
      const [first] = res.json().imports;
      assert.equal(first.period, '2021-22');
      assert.equal(first.rows, 750);
      assert.equal(first.fileName, '2021-22.csv');
    });

    test('the API finds £98 per head in Haringey against £192 in Islington, with its figures and sources', async () => {
      const res = await t.app.inject({ url: '/api/analysis/case-for-change?period=2021-22', headers: auth('analyst') });
      assert.equal(res.statusCode, 200);
      const { period, findings } = res.json();
      assert.equal(period, '2021-22');
      const f = findings.find((x: { sentence: string }) => HARINGEY_ISLINGTON.test(x.sentence));
      assert.ok(f, 'the Haringey/Islington spend finding is generated');
      assert.deepEqual(f.boroughs, ['E09000014', 'E09000019']);
      assert.ok(f.sources.some((s: string) => /NCL JHOSC community health services review update/.test(s)));
      assert.equal(f.chart.bars.length, 5);
      for (const re of [/^Enfield has over twice Camden's diabetes prevalence/, /^Islington has five times Barnet's/]) {
        assert.ok(
          findings.some((x: { sentence: string }) => re.test(x.sentence)),
          `finds ${re}`,
        );
      }
      // Filters: by borough and by component.
      const barnet = await t.app.inject({
        url: '/api/analysis/case-for-change?borough=E09000003',
        headers: auth('analyst'),
      });
      assert.ok(barnet.json().findings.length > 0, 'Barnet has findings, or the filter is not exercised');
      assert.ok(barnet.json().findings.every((x: { boroughs: string[] }) => x.boroughs.includes('E09000003')));
      assert.ok(!barnet.json().findings.some((x: { sentence: string }) => HARINGEY_ISLINGTON.test(x.sentence)));
      const slt = await t.app.inject({
        url: '/api/analysis/case-for-change?component=speech-and-language-therapy-children&ageGroup=children-young-people',
        headers: auth('commissioner'),
      });
      assert.match(slt.json().findings[0].sentence, /Barnet wait 20 weeks longer than in Camden/);
    });

    test('the gap and variation APIs filter by borough, component and age group', async () => {
      const gaps = await t.app.inject({
        url: '/api/analysis/gaps?borough=E09000019&component=childrens-hospital-at-home',
        headers: auth('analyst'),
      });
      assert.equal(gaps.statusCode, 200);
      const cells = gaps.json().cells;
      assert.ok(cells.length >= 1);
      assert.ok(
        cells.every(
          (c: { borough: string; status: string }) => c.borough === 'E09000019' && c.status !== 'not-offered',
        ),
      );
      const all = (
        await t.app.inject({ url: '/api/analysis/gaps?ageGroup=older-adults', headers: auth('analyst') })
      ).json();
      assert.ok(all.cells.length > 0, 'older adults have cells, or the filter is not exercised');
      assert.ok(all.cells.every((c: { ageGroup: string }) => c.ageGroup === 'older-adults'));
      const partly = all.cells.find((c: { status: string }) => c.status === 'partly');
      assert.ok(partly.reasons.length > 0 && partly.reasons[0].expected, 'a partly cell says what it misses');
      const v = await t.app.inject({
        url: '/api/analysis/variation?component=community-health-services',
        headers: auth('analyst'),
      });
      const rows = v.json().rows as { borough: string; spendPerHeadPence: number }[];
      assert.equal(rows.length, 6, 'five boroughs and the system');
      assert.equal(Math.round(rows.find((r) => r.borough === 'E09000014')!.spendPerHeadPence / 100), 98);
      assert.equal(Math.round(rows.find((r) => r.borough === 'E09000019')!.spendPerHeadPence / 100), 192);
      const bad = await t.app.inject({ url: '/api/analysis/gaps?borough=Barnet', headers: auth('analyst') });
      assert.equal(bad.statusCode, 400);
    });

    test('import errors name the row, the column and what was expected; nothing changes', async () => {
      const before = await count();
      const beforeImports = await importsCount();
      const [header, ...body] = lines();

      const badHeader = await postCsv([header.replace('borough_code', 'borough'), ...body.slice(0, 3)].join('\n'));
      assert.equal(badHeader.statusCode, 400);
      assert.equal(badHeader.json().error.code, 'import_failed');
      assert.ok(
        fields(badHeader).some((f) => /^row 1, borough_code: Row 1, column borough_code: Missing column/.test(f)),
      );
      assert.ok(fields(badHeader).some((f) => /Unknown column "borough"/.test(f)));

      const cells = (line: string) => line.split(',');
      const edit = (line: string, index: number, value: string) => {
        const c = cells(line);
        c[index] = value;
        return c.join(',');
      };
      const col = (name: string) => cells(header).indexOf(name);
      const wrong = await postCsv(
        [
          header,
          edit(body[0], col('median_wait_weeks'), 'six'),
          edit(body[1], col('borough_code'), 'E09999999'),
          edit(body[2], col('component_code'), 'no-such-component'),
          body[3],
          body[3],
          edit(body[4], col('spend_gbp'), '£1,000'),
        ].join('\n'),
      );
      assert.equal(wrong.statusCode, 400);
      const f = fields(wrong);
      assert.ok(
        f.some((x) => /^row 2, median_wait_weeks: .*not a number\. Expected a number, 0 or more; found "six"/.test(x)),
        f.join('\n'),
      );
      assert.ok(f.some((x) => /^row 3, borough_code: .*Unknown borough E09999999\. Expected one of E09000003/.test(x)));
      assert.ok(f.some((x) => /^row 4, component_code: .*Unknown component no-such-component/.test(x)));
      assert.ok(f.some((x) => /^row 6: .*Duplicate of row 5/.test(x)));
      assert.ok(f.some((x) => /^row 7, spend_gbp: .*Expected pounds with up to 2 decimals/.test(x)));

      // The same through JSON.
      const json = await t.app.inject({
        method: 'POST',
        url: '/api/baseline/imports',
        headers: auth('analyst'),
        payload: {
          period: '2021-22',
          rows: [
            {
              borough_code: 'E09000003',
              component_code: 'district-nursing',
              age_group: 'older-adults',
              offered: 'sometimes',
            },
          ],
        },
      });
      assert.equal(json.statusCode, 400);
      assert.ok(fields(json).some((x) => /^row 2, offered: .*Expected one of full, partial, none/.test(x)));

      assert.equal(await count(), before, 'a failed import changes no rows');
      assert.equal(await importsCount(), beforeImports, 'and records no import');
      const failed = await t.database.db
        .selectFrom('audit_log')
        .select('outcome')
        .where('action', '=', 'baseline.import')
        .where('outcome', '=', 'failed')
        .execute();
      assert.ok(failed.length >= 3, 'each refused import is audited');
    });

    test('providers and Agenda for Change bands: stored from the demo file, checked against the directory', async () => {
      const stored = await t.database.db
        .selectFrom('baseline_rows')
        .select(['provider', 'wte_by_band', 'wte_nursing'])
        .where('borough', '=', 'E09000019')
        .where('component', '=', 'district-nursing')
        .where('age_group', '=', 'older-adults')
        .executeTakeFirstOrThrow();
      assert.equal(stored.provider, 'RKE'); // Whittington Health, as the directory says
      const bands = (
        typeof stored.wte_by_band === 'string' ? JSON.parse(stored.wte_by_band) : stored.wte_by_band
      ) as Record<string, number>;
      assert.ok(Object.values(bands).reduce((a, b) => a + b, 0) > 0);

      const before = await count();
      const [header, ...body] = lines();
      const col = (name: string) => header.split(',').indexOf(name);
      const edit = (line: string, changes: Record<string, string>) => {
        const c = line.split(',');
        for (const [k, v] of Object.entries(changes)) c[col(k)] = v;
        return c.join(',');
      };
      const res = await postCsv(
        [
          header,
          edit(body[0], { provider_code: 'ZZZ99' }),
          edit(body[2], { wte_band_8a_plus: '500' }),
          ...body.slice(3, 10),
        ].join('\n'),
      );
      assert.equal(res.statusCode, 400);
      const f = fields(res);
      assert.ok(
        f.some((x) => /^row 2, provider_code: .*Unknown provider ZZZ99/.test(x)),
        f.join('\n'),
      );
      assert.ok(
        f.some((x) => /^row 3, wte_band_8a_plus: .*band columns add up to/.test(x)),
        f.join('\n'),
      );
      assert.equal(await count(), before, 'nothing was imported');
    });

    test('importing a period again replaces it cleanly; another period sits beside it', async () => {
      const [header, ...body] = lines();
      const next = [header, ...body.map((l) => l.replace(/^2021-22,/, '2022-23,'))].join('\n');
      const first = await postCsv(next, 'analyst', 'next.csv');
      assert.equal(first.statusCode, 201, first.body);
      assert.equal(first.json().rows, 750);
      assert.equal(first.json().replacedRows, 0);
      assert.equal(await count('2022-23'), 750);
      // Again, with fewer rows: the period now holds only those.
      const smaller = [header, ...body.slice(0, 100).map((l) => l.replace(/^2021-22,/, '2022-23,'))].join('\n');
      const again = await postCsv(smaller, 'commissioner', 'next-v2.csv');
      assert.equal(again.statusCode, 201);
      assert.equal(again.json().replacedRows, 750);
      assert.equal(await count('2022-23'), 100);
      assert.equal(await count('2021-22'), 750, 'the other period is untouched');
      const audit = await t.database.db
        .selectFrom('audit_log')
        .select(['record_id', 'outcome'])
        .where('action', '=', 'baseline.import')
        .where('record_id', '=', '2022-23')
        .where('outcome', '=', 'success')
        .execute();
      assert.equal(audit.length, 2);
      // The analysis defaults to the newest period, and still reads the older one when asked.
      const gaps = await t.app.inject({ url: '/api/analysis/gaps', headers: auth('analyst') });
      assert.equal(gaps.json().period, '2022-23');
      const old = await t.app.inject({ url: '/api/analysis/case-for-change?period=2021-22', headers: auth('analyst') });
      assert.ok(old.json().findings.some((x: { sentence: string }) => HARINGEY_ISLINGTON.test(x.sentence)));
    });

    test('roles: commissioners and analysts only; others 403, signed-out people 401 or sign-in', async () => {
      for (const role of ['spa', 'provider']) {
        for (const url of ['/api/analysis/gaps', '/api/analysis/variation', '/api/analysis/case-for-change']) {
          const res = await t.app.inject({ url, headers: auth(role) });
          assert.equal(res.statusCode, 403, `${role} on ${url}`);
        }
        const post = await postCsv(csv, role);
        assert.equal(post.statusCode, 403);
        const browser = new Browser(t.app);
        await browser.signIn(role);
        assert.equal((await browser.get('/analysis/case-for-change')).statusCode, 403);
        assert.equal((await browser.get('/analysis/imports')).statusCode, 403);
      }
      const anon = await t.app.inject({ url: '/api/analysis/case-for-change' });
      assert.equal(anon.statusCode, 401);
      const anonPost = await t.app.inject({
        method: 'POST',
        url: '/api/baseline/imports',
        payload: { period: '2021-22', rows: [] },
      });
      assert.equal(anonPost.statusCode, 401);
      const page = await new Browser(t.app).get('/analysis');
      assert.equal(page.statusCode, 303);
      assert.equal(page.headers.location, '/sign-in?next=%2Fanalysis');
    });

    test('the pages: overview, gap matrix, borough, component, variation and the case for change', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('commissioner');
      const overview = await browser.get('/analysis?period=2021-22');
      assert.equal(overview.statusCode, 200);
      assert.match(overview.body, /Gap analysis/);
      assert.match(
        overview.body,
        /href="\/analysis"[^>]*>(<strong[^>]*>)?Gap analysis/,
        'the navigation links to the analysis',
      );
      const gaps = await browser.get('/analysis/gaps?period=2021-22&ageGroup=children-young-people&category=');
      assert.equal(gaps.statusCode, 200);
      assert.match(gaps.body, /<svg[^>]+role="img"/);
      assert.match(gaps.body, /Where the offer is partly met, and why/);
      const borough = await browser.get('/analysis/boroughs/E09000014?period=2021-22');
      assert.equal(borough.statusCode, 200);
      assert.match(borough.body, /Haringey/);
      assert.equal((await browser.get('/analysis/boroughs/E09000099')).statusCode, 404);
      const component = await browser.get('/analysis/components/speech-and-language-therapy-children?period=2021-22');
      assert.equal(component.statusCode, 200);
      assert.match(component.body, /Standard 8 wk/);
      assert.match(component.body, /NCL £/);
      assert.equal((await browser.get('/analysis/variation?period=2021-22')).statusCode, 200);
      const report = await browser.get('/analysis/case-for-change?period=2021-22');
      assert.equal(report.statusCode, 200);
      assert.match(report.body, HARINGEY_ISLINGTON);
      assert.match(report.body, /NCL JHOSC community health services review update/);
    });

    test('every table downloads as CSV and XLSX', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('analyst');
      const report = await browser.get('/analysis/case-for-change?period=2021-22&format=csv');
      assert.equal(report.statusCode, 200);
      assert.match(report.headers['content-type'] as string, /text\/csv/);
      assert.match(report.headers['content-disposition'] as string, /case-for-change-2021-22\.csv/);
      assert.match(report.body, /^rank,kind,finding,size,period,component,boroughs,sources/);
      assert.match(report.body, HARINGEY_ISLINGTON);
      for (const url of [
        '/analysis',
        '/analysis/gaps',
        '/analysis/variation',
        '/analysis/boroughs/E09000003',
        '/analysis/components/district-nursing',
      ]) {
        const c = await browser.get(`${url}?period=2021-22&format=csv`);
        assert.equal(c.statusCode, 200, url);
        assert.match(c.headers['content-type'] as string, /text\/csv/, url);
      }
      const chartData = await browser.get('/analysis/case-for-change?period=2021-22&format=csv&table=chart-data');
      assert.match(chartData.headers['content-disposition'] as string, /case-for-change-2021-22-chart-data\.csv/);
      assert.match(chartData.body, /^rank,chart,borough_code,borough,value,unit,compared/);
      assert.match(chartData.body, /E09000014,Haringey,98(\.\d+)?,pounds per head,yes/);
      const gapsCsv = await browser.get('/analysis/components/district-nursing?period=2021-22&format=csv&table=gaps');
      assert.match(gapsCsv.body, /^period,borough_code,borough,component_code,component,age_group,status,reasons/);
      const report2 = await t.app.inject({
        url: '/analysis/case-for-change?period=2021-22&format=xlsx',
        headers: { cookie: browser.cookieHeader },
      });
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(report2.rawPayload as unknown as ArrayBuffer);
      assert.deepEqual(
        book.worksheets.map((w) => w.name),
        ['Case for change', 'Chart data'],
      );
      const xlsx = await t.app.inject({
        url: '/analysis/gaps?period=2021-22&format=xlsx',
        headers: { cookie: browser.cookieHeader },
      });
      assert.equal(xlsx.statusCode, 200);
      assert.match(xlsx.headers['content-type'] as string, /spreadsheetml/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      assert.equal(sheet.getRow(1).getCell(1).value, 'period');
      assert.ok(sheet.rowCount > 500);
      const template = await t.app.inject({
        url: '/analysis/imports/template?format=xlsx',
        headers: { cookie: browser.cookieHeader },
      });
      assert.equal(template.statusCode, 200);
      const csvTemplate = await browser.get('/analysis/imports/template?format=csv');
      assert.match(csvTemplate.body, /^period,borough_code,component_code,age_group,offered/);
    });

    test('the import page uploads an XLSX file, and reports a bad one row by row', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('analyst');
      const page = await browser.get('/analysis/imports');
      assert.equal(page.statusCode, 200);
      const upload = (fileName: string, bytes: Buffer, csrf = browser.csrf) => {
        const boundary = '----analysis-test';
        const body = Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
          ),
          bytes,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        return t.app.inject({
          method: 'POST',
          url: '/analysis/imports',
          payload: body,
          headers: {
            cookie: browser.cookieHeader,
            accept: 'text/html',
            'content-type': `multipart/form-data; boundary=${boundary}`,
          },
        });
      };
      const [header, ...body] = lines();
      const workbook = new ExcelJS.Workbook();
      const ws = workbook.addWorksheet('Baseline');
      for (const line of [header, ...body.slice(0, 20).map((l) => l.replace(/^2021-22,/, '2023-24,'))]) {
        ws.addRow(line.split(','));
      }
      const ok = await upload('2023-24.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
      assert.equal(ok.statusCode, 200, ok.body.slice(0, 500));
      assert.match(ok.body, /Baseline imported/);
      assert.equal(await count('2023-24'), 20);

      const before = await count();
      const broken = [header, body[0].replace('E09000003', 'E09000099'), body[1]].join('\n');
      const bad = await upload('broken.csv', Buffer.from(broken));
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /There is a problem/);
      assert.match(bad.body, /1 problem found. Nothing was imported/);
      assert.match(bad.body, /Unknown borough E09000099/);
      assert.equal(await count(), before);

      const forged = await upload('broken.csv', Buffer.from(broken), 'not-the-token');
      assert.equal(forged.statusCode, 403, 'the upload form is CSRF protected');
    });
  });
}
