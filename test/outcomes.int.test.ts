// The outcomes framework through HTTP, on every engine: values with intervals; provider returns checked
// whole (a refused return changes nothing), resubmission keeping history, and each provider kept to its
// own organisation's returns; pages for analysts and providers, with uploads from CSV and XLSX.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { issueToken } from '../src/platform/auth/identity.ts';
import { type Role, systemActor } from '../src/platform/auth/roles.ts';
import { writeXlsx } from '../src/platform/tabular.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const HARINGEY = 'E09000014';
const ISLINGTON = 'E09000019';
const BARNET = 'E09000003';

type Problem = { row: number; column: string; value: string; message: string };

function multipart(fields: Record<string, string>, file: { name: string; type: string; bytes: Buffer }) {
  const boundary = `----outcomes${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

for (const engine of testEngines()) {
  describe(`outcomes on ${engine}`, () => {
    let t: TestApp;
    // The demo tokens exist only on PGlite; these exist on every engine. The provider's is RKE's, as the demo's is.
    const bearer = (role: string) => ({ authorization: `Bearer test-outcomes-${role}` });
    before(async () => {
      t = await startTestApp(engine);
      for (const role of ['analyst', 'commissioner', 'provider', 'spa'] as Role[]) {
        await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
          label: `Test ${role}`,
          role,
          value: `test-outcomes-${role}`,
          organisationCode: role === 'provider' ? 'RKE' : null,
        });
      }
    });
    after(async () => t?.close());

    const sizes = async () => {
      const r = await sql<{ n: number }>`select count(*)::int as n from outcomes_returns`.execute(t.database.db);
      const c = await sql<{ n: number }>`select count(*)::int as n from outcomes_counts`.execute(t.database.db);
      return { returns: r.rows[0]!.n, counts: c.rows[0]!.n };
    };
    const api = (method: 'GET' | 'POST', url: string, role: string, payload?: unknown) =>
      t.app.inject({
        method,
        url,
        headers: bearer(role),
        ...(payload === undefined ? {} : { payload: payload as object }),
      });

    test('the values API gives each borough and NCL a value inside its 95% and 99.8% intervals', async () => {
      const res = await api(
        'GET',
        '/api/outcomes/indicators/LW3.1/values?period=2023/24%20Q4&breakdown=total',
        'analyst',
      );
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.unit, '%');
      assert.equal(body.values.length, 6, 'NCL and five boroughs');
      for (const v of body.values) {
        assert.equal(v.period, '2023/24 Q4');
        assert.ok(v.lower998 <= v.lower95 && v.lower95 <= v.value && v.value <= v.upper95 && v.upper95 <= v.upper998);
        assert.ok(v.value > 0 && v.value < 100, 'a percentage');
        assert.equal(v.method, 'wilson');
      }
      const haringey = body.values.find((v: { area: string }) => v.area === HARINGEY);
      assert.equal(haringey.comparison.benchmarkArea, 'QMJ');
      assert.match(haringey.comparison.at95, /^(better|similar|worse)$/);
      const byName = await api(
        'GET',
        '/api/outcomes/indicators/LW3.1/values?borough=Haringey&breakdown=deprivation-quintile',
        'commissioner',
      );
      assert.equal(byName.statusCode, 200);
      assert.ok(byName.json().values.length >= 5);
      assert.ok(byName.json().values.every((v: { area: string }) => v.area === HARINGEY));
      // Small numbers are suppressed with a reason, never shown.
      const small = (await api('GET', '/api/outcomes/indicators/SW2.1/values', 'analyst')).json();
      const hidden = small.values.filter((v: { suppressed: unknown }) => v.suppressed);
      assert.ok(hidden.length > 0);
      for (const v of hidden) {
        assert.equal(v.value, null);
        assert.equal(v.numerator, null);
        assert.equal(v.lower95, null);
      }
      assert.equal((await api('GET', '/api/outcomes/indicators/XX9.9/values', 'analyst')).statusCode, 404);
    });

    test('definitions and the framework are documented in OpenAPI under outcomes', async () => {
      const framework = (await api('GET', '/api/outcomes/framework', 'provider')).json();
      assert.deepEqual(
        framework.domains.map((d: { title: string }) => d.title),
        ['Start well', 'Live well', 'Age well'],
      );
      const def = (await api('GET', '/api/outcomes/indicators/lw3.1', 'analyst')).json();
      assert.equal(def.indicator.code, 'LW3.1');
      assert.equal(def.domain.code, 'live-well');
      const doc = (await t.app.inject('/api/openapi.json')).json();
      for (const p of [
        '/api/outcomes/framework',
        '/api/outcomes/indicators/{code}',
        '/api/outcomes/indicators/{code}/values',
        '/api/outcomes/returns',
      ]) {
        const op = doc.paths[p].get;
        assert.deepEqual(op.tags, ['outcomes'], p);
        assert.ok(op.summary, p);
      }
      assert.ok(doc.paths['/api/outcomes/returns'].post.requestBody);
    });

    test('the central point of access is refused (403), and nobody signed out gets in (401 or sign-in)', async () => {
      for (const url of ['/api/outcomes/framework', '/api/outcomes/indicators/LW3.1/values', '/api/outcomes/returns']) {
        const res = await api('GET', url, 'spa');
        assert.equal(res.statusCode, 403, url);
        assert.equal(res.json().error.code, 'forbidden');
        assert.equal((await t.app.inject(url)).statusCode, 401, url);
      }
      assert.equal(
        (await api('POST', '/api/outcomes/returns', 'spa', { period: '2024/25 Q2', rows: [] })).statusCode,
        403,
      );
      assert.equal(
        (await api('POST', '/api/outcomes/returns', 'analyst', { period: '2024/25 Q2', rows: [] })).statusCode,
        403,
        'analysts read returns but do not submit them',
      );
      const anonymous = await new Browser(t.app).get('/outcomes');
      assert.equal(anonymous.statusCode, 303);
      const spa = new Browser(t.app);
      await spa.signIn('spa');
      assert.equal((await spa.get('/outcomes')).statusCode, 403);
      assert.equal((await spa.get('/outcomes/returns')).statusCode, 403);
    });

    test('a return with errors is refused whole, naming row and column, and changes nothing', async () => {
      const before = await sizes();
      const rows = [
        { indicator_code: 'AW1.2', period: '2024/25 Q2', borough: HARINGEY, numerator: 40, denominator: 50 },
        { indicator_code: 'XX9.9', period: '2024/25 Q2', borough: HARINGEY, numerator: 1, denominator: 2 },
        { indicator_code: 'AW1.2', period: '2024/25 Q2', borough: ISLINGTON, numerator: 60, denominator: 50 },
        { indicator_code: 'AW1.2', period: '2024/25 Q2', borough: BARNET, numerator: 10, denominator: 20 },
        {
          indicator_code: 'AW1.2',
          period: '2024/25 Q2',
          borough: ISLINGTON,
          breakdown: 'provider',
          breakdown_value: 'RRP',
          numerator: 5,
          denominator: 9,
        },
      ];
      const res = await api('POST', '/api/outcomes/returns', 'provider', { period: '2024/25 Q2', rows });
      assert.equal(res.statusCode, 400);
      const body = res.json();
      assert.equal(body.error.code, 'validation_failed');
      assert.match(body.error.message, /Nothing was saved/);
      const problems: Problem[] = body.problems;
      const at = (row: number, column: string) => problems.find((p) => p.row === row && p.column === column);
      assert.match(at(2, 'indicator_code')!.message, /Unknown indicator 'XX9.9'/);
      assert.match(at(3, 'numerator')!.message, /must not be more than the denominator/);
      assert.match(at(4, 'borough')!.message, /another provider's/);
      assert.match(at(5, 'breakdown_value')!.message, /own rows only: expected RKE, got RRP/);
      assert.ok(!problems.some((p) => p.row === 1), 'the good row has no problem');
      assert.ok(body.error.fields.some((f: { field: string }) => f.field === 'rows[2].numerator'));
      assert.deepEqual(await sizes(), before, 'nothing was stored');
      const audit = await sql<{
        n: number;
      }>`select count(*)::int as n from audit_log where action = 'outcomes.return.rejected'`.execute(t.database.db);
      assert.ok(audit.rows[0]!.n >= 1, 'the refusal is audited');
    });

    test('a resubmission supersedes the earlier return and keeps it as history', async () => {
      const first = await api('POST', '/api/outcomes/returns', 'provider', {
        period: '2024/25 Q1',
        rows: [
          { indicator_code: 'AW1.2', period: '2024/25 Q1', borough: HARINGEY, numerator: 40, denominator: 50 },
          { indicator_code: 'AW1.2', period: '2024/25 Q1', borough: 'Islington', numerator: '30', denominator: '45' },
        ],
      });
      assert.equal(first.statusCode, 201, first.body);
      const firstId = first.json().return.id;
      assert.equal(first.json().return.providerCode, 'RKE');
      assert.equal(first.json().superseded, null);
      assert.ok(first.json().warnings.length > 0, 'other expected rows are listed as warnings');

      const second = await api('POST', '/api/outcomes/returns', 'provider', {
        period: '2024/25 Q1',
        rows: [
          { indicator_code: 'AW1.2', period: '2024/25 Q1', borough: HARINGEY, numerator: 44, denominator: 50 },
          { indicator_code: 'AW1.2', period: '2024/25 Q1', borough: ISLINGTON, numerator: 31, denominator: 45 },
        ],
      });
      assert.equal(second.statusCode, 201);
      assert.equal(second.json().superseded, firstId);

      const mine = (await api('GET', '/api/outcomes/returns?period=2024/25%20Q1', 'provider')).json().returns;
      assert.deepEqual(
        mine.map((r: { id: string; status: string }) => [r.id, r.status]),
        [
          [second.json().return.id, 'accepted'],
          [firstId, 'superseded'],
        ],
      );
      const old = (await api('GET', `/api/outcomes/returns/${firstId}`, 'provider')).json();
      assert.equal(old.rows[0].numerator, 40, 'the superseded rows are kept');
      const values = (
        await api('GET', `/api/outcomes/indicators/AW1.2/values?period=2024/25%20Q1&borough=${HARINGEY}`, 'analyst')
      ).json().values;
      assert.equal(values[0].numerator, 44, 'values use the current return only');
      const audit = await sql<{
        n: number;
      }>`select count(*)::int as n from audit_log where action = 'outcomes.return.resubmitted' and record_id = ${second.json().return.id}`.execute(
        t.database.db,
      );
      assert.equal(audit.rows[0]!.n, 1);
      // The database itself keeps the history.
      await assert.rejects(sql`delete from outcomes_returns where id = ${firstId}`.execute(t.database.db), /history/);
      await assert.rejects(
        sql`update outcomes_counts set numerator = 1 where return_id = ${firstId}`.execute(t.database.db),
        /history/,
      );
    });

    test("a provider cannot read or submit another provider's returns", async () => {
      const all = (await api('GET', '/api/outcomes/returns', 'analyst')).json().returns;
      assert.ok(
        new Set(all.map((r: { providerCode: string }) => r.providerCode)).size >= 4,
        'analysts see every provider',
      );
      const other = all.find((r: { providerCode: string }) => r.providerCode === 'RRP');
      assert.equal((await api('GET', `/api/outcomes/returns/${other.id}`, 'analyst')).statusCode, 200);
      assert.equal((await api('GET', `/api/outcomes/returns/${other.id}`, 'provider')).statusCode, 404);
      assert.equal((await api('GET', '/api/outcomes/returns?provider=RRP', 'provider')).statusCode, 403);
      const own = (await api('GET', '/api/outcomes/returns', 'provider')).json().returns;
      assert.ok(own.length > 0 && own.every((r: { providerCode: string }) => r.providerCode === 'RKE'));
      const before = await sizes();
      const forged = await api('POST', '/api/outcomes/returns', 'provider', {
        period: '2024/25 Q2',
        provider: 'RRP',
        rows: [{ indicator_code: 'LW3.1', period: '2024/25 Q2', borough: BARNET, numerator: 1, denominator: 2 }],
      });
      assert.equal(forged.statusCode, 403);
      assert.deepEqual(await sizes(), before);
      assert.equal((await api('GET', '/api/outcomes/indicators/LW3.1/values', 'provider')).statusCode, 403);
      const browser = new Browser(t.app);
      await browser.signIn('provider');
      assert.equal((await browser.get(`/outcomes/returns/${other.id}`)).statusCode, 404);
    });

    test('a provider downloads its template and uploads CSV and XLSX returns, with errors by row and column', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('provider');
      const page = await browser.get('/outcomes/returns');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Your outcome returns/);
      assert.match(page.body, /enctype="multipart\/form-data"/);

      const csv = await browser.get('/outcomes/returns/template?period=2024/25%20Q3&format=csv');
      assert.equal(csv.statusCode, 200);
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      const lines = csv.body.trim().split(/\r?\n/);
      assert.equal(lines[0], 'indicator_code,period,borough,breakdown,breakdown_value,numerator,denominator,notes');
      assert.ok(lines.some((l) => l.startsWith(`AW1.2,2024/25 Q3,${HARINGEY}`)));
      const xlsx = await browser.get('/outcomes/returns/template?period=2024/25%20Q3&format=xlsx');
      assert.match(xlsx.headers['content-type'] as string, /spreadsheetml/);

      const upload = (name: string, type: string, bytes: Buffer, period = '2024/25 Q3', csrf = browser.csrf) => {
        const form = multipart({ _csrf: csrf, period }, { name, type, bytes });
        return t.app.inject({
          method: 'POST',
          url: '/outcomes/returns',
          payload: form.payload,
          headers: { cookie: browser.cookieHeader, accept: 'text/html', 'content-type': form.contentType },
        });
      };
      const before = await sizes();
      const bad = Buffer.from(
        [
          'indicator_code,period,borough,breakdown,breakdown_value,numerator,denominator,notes',
          `AW1.2,2024/25 Q3,${HARINGEY},,,40,50,`,
          `AW1.2,2024/25 Q3,${ISLINGTON},,,70,50,`,
          '',
          `ZZ1.1,2024/25 Q3,${ISLINGTON},,,1,2,`,
        ].join('\n'),
      );
      const refused = await upload('rke-q3.csv', 'text/csv', bad);
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /There is a problem/);
      assert.match(refused.body, /rke-q3.csv was not accepted: 2 problems/);
      assert.match(refused.body, /must not be more than the denominator/);
      assert.match(
        refused.body,
        /<td class="nhsuk-table__cell nhsuk-table__cell--numeric">5<\/td>\s*<td class="nhsuk-table__cell">indicator_code/,
        'spreadsheet row 5, after the blank line',
      );
      assert.deepEqual(await sizes(), before);

      const forged = await upload('rke-q3.csv', 'text/csv', bad, '2024/25 Q3', 'not-the-token');
      assert.equal(forged.statusCode, 403, 'the CSRF token is checked on uploads');

      const none = await upload('', 'text/csv', Buffer.alloc(0));
      assert.equal(none.statusCode, 400);

      const book = await writeXlsx([
        {
          name: 'Return',
          rows: [
            [
              'indicator_code',
              'period',
              'borough',
              'breakdown',
              'breakdown_value',
              'numerator',
              'denominator',
              'notes',
            ],
            ['AW1.2', '2024/25 Q3', HARINGEY, '', '', 41, 50, ''],
            ['AW1.2', '2024/25 Q3', 'Islington', '', '', 33, 47, 'checked'],
          ],
        },
      ]);
      const accepted = await upload(
        'rke-q3.xlsx',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        book,
      );
      assert.equal(accepted.statusCode, 200, accepted.body.slice(0, 500));
      assert.match(accepted.body, /Return accepted: 2 rows for 2024\/25 Q3/);
      assert.match(accepted.body, /rke-q3.xlsx/);
      const after = await sizes();
      assert.deepEqual(after, { returns: before.returns + 1, counts: before.counts + 2 });
    });

    test('analysts see the framework tree, an indicator with its tables and downloads, and late and missing returns', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('analyst');
      const overview = await browser.get('/outcomes');
      assert.equal(overview.statusCode, 200);
      for (const text of ['Start well', 'Live well', 'Age well', 'How to read the comparisons', 'Not compared']) {
        assert.ok(overview.body.includes(text), text);
      }
      assert.match(overview.body, /href="\/outcomes\/indicators\/LW3.1"/);
      assert.match(overview.body, /<span aria-hidden="true">(✓|=|✗) <\/span>(Better|Similar|Worse)/);

      const page = await browser.get('/outcomes/indicators/LW3.1?period=2023/24%20Q4');
      assert.equal(page.statusCode, 200);
      for (const id of ['comparison-chart', 'trend-chart', 'funnel-chart', 'inequality-chart']) {
        assert.ok(page.body.includes(`id="${id}-title"`), id);
      }
      assert.match(page.body, /Slope index of inequality: <strong>-?[\d.]+ percentage points<\/strong>/);
      assert.match(page.body, /<caption[^>]*>Boroughs and North Central London, 2023\/24 Q4/);
      // In Haringey two quintiles are suppressed (small complement, then secondary), so there is no slope index.
      const haringey = await browser.get('/outcomes/indicators/LW3.1?period=2023/24%20Q4&area=E09000014');
      assert.match(haringey.body, /No slope index of inequality: An SII needs at least 5 quantiles with data/);
      assert.match(haringey.body, /Not published so that a smaller suppressed figure cannot be worked out/);

      const csv = await browser.get(
        '/outcomes/indicators/LW3.1?period=2023/24%20Q4&area=E09000014&table=inequality&format=csv',
      );
      assert.match(
        csv.headers['content-disposition'] as string,
        /attachment; filename="LW3.1-inequality-2023-24-Q4.csv"/,
      );
      assert.match(csv.body, /^Period,Area,Area name,Breakdown,Group,Numerator,Denominator,Value,Lower 95% limit/);
      assert.match(csv.body, /slope-index-of-inequality/);
      const xlsx = await browser.get('/outcomes/indicators/LW3.1?format=xlsx');
      assert.match(xlsx.headers['content-type'] as string, /spreadsheetml/);

      const returns = await browser.get('/outcomes/returns?year=2023/24');
      assert.equal(returns.statusCode, 200);
      assert.match(returns.body, /Missing returns, 2023\/24/);
      assert.match(returns.body, /RNK\)<\/strong>, 2023\/24 Q1: due/, 'a provider that never returned is missing');
      assert.match(returns.body, /TAF\)<\/strong>, 2023\/24 Q3: due .*received 6 days late/);
    });
  });
}
