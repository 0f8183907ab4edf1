// Impact and affordability through HTTP, on every engine: the seeded NCL plan built by the model, roles,
// copying and changing assumptions (audited, versioned), re-running in a worker, a failed run keeping the last
// good results, validation that names the field, the phasing API against a known optimum, and the pages with
// their CSV and XLSX downloads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { type Assumption, financeInput, runScenario, SEED_RUN, withDefaults } from '../src/modules/finance/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const NOW = '2024-05-01T09:00:00.000Z';

for (const engine of testEngines()) {
  describe(`impact and affordability on ${engine}`, () => {
    let t: TestApp;
    const tokens: Record<string, string> = {};
    const auth = (role: string) => ({ authorization: `Bearer ${tokens[role]}` });
    let agreedId = '';

    before(async () => {
      t = await startTestApp(engine, { clock: fixedClock(NOW) });
      for (const role of ['analyst', 'commissioner', 'spa'] as const) {
        tokens[role] = (
          await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), { label: `test ${role}`, role })
        ).value;
      }
    });
    after(async () => t?.close());

    const api = (method: 'GET' | 'POST' | 'PATCH', url: string, role = 'commissioner', payload?: unknown) =>
      t.app.inject({
        method,
        url,
        headers: auth(role),
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });
    const fields = (res: { json(): { error: { fields: { field: string }[] } } }) =>
      res.json().error.fields.map((f) => f.field);

    test('the seeded NCL plan is agreed, built by the model, near the published scale, with sourced and illustrative assumptions', async () => {
      const list = await api('GET', '/api/finance/scenarios', 'analyst');
      assert.equal(list.statusCode, 200);
      const agreed = list.json().scenarios.find((s: { status: string }) => s.status === 'agreed');
      assert.ok(agreed, 'one scenario is the agreed plan');
      agreedId = agreed.id;
      const res = await api('GET', `/api/finance/scenarios/${agreedId}`, 'analyst');
      assert.equal(res.statusCode, 200);
      const s = res.json();
      assert.deepEqual(s.results.years, ['2023-24', '2024-25', '2025-26', '2026-27', '2027-28']);
      for (const lever of ['efficiency', 'scale', 'systemSavings', 'redistribution', 'growth']) {
        assert.equal(s.results.funding[lever].length, 5, lever);
      }
      // The published scale: about £55m over 5 years, about 66,000 bed days (180 beds) by the end of year 2.
      assert.ok(
        s.results.totalInvestment > 45e6 && s.results.totalInvestment < 75e6,
        `investment ${s.results.totalInvestment}`,
      );
      const y2 = s.results.bedDaysSaved;
      assert.ok(y2.p10[1] <= y2.p50[1] && y2.p50[1] <= y2.p90[1]);
      assert.ok(y2.p90[1] > 20000, `year-2 bed days P90 ${y2.p90[1]}`);
      // The plan never spends more than its funding in a year.
      s.results.investment.forEach((v: number, i: number) => {
        assert.ok(v <= s.results.fundingTotal[i] + 1);
      });
      const nurse = s.assumptions.find((a: { key: string }) => a.key === 'cost.wte.nursing');
      assert.equal(nurse.illustrative, false);
      assert.match(nurse.source, /PSSRU/);
      assert.ok(s.assumptions.some((a: { illustrative: boolean }) => a.illustrative));
      const phasing = await api('GET', `/api/finance/scenarios/${agreedId}/phasing`, 'analyst');
      assert.equal(phasing.statusCode, 200);
      const p = phasing.json();
      assert.ok(p.items.length > 50);
      assert.ok(['milp', 'greedy'].includes(p.method));
      const byId = new Map(p.items.map((i: { id: string }) => [i.id, i]));
      for (const i of p.items) {
        for (const r of i.requires) {
          const req = byId.get(r) as { startYear: string | null };
          if (i.startYear) assert.ok(req.startYear && req.startYear <= i.startYear, `${i.id} after ${r}`);
        }
      }
    });

    test('the seeded plan is reproducible: running the seeded scenario again gives the same start years', async () => {
      // The seed stops the solver by work (gap and node count), not by time, so a second run, at another moment
      // and machine load, phases every item in the same year (monitoring's demo is built on these years).
      const row = await t.database.db
        .selectFrom('finance_scenarios')
        .select(['assumptions', 'results'])
        .where('id', '=', agreedId)
        .executeTakeFirstOrThrow();
      const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
      const seeded = parse<{ items: { id: string; startYear: string | null }[] }>(row.results).items;
      const input = await financeInput(t.database.db, DEMO_SYSTEM.id);
      const again = await runScenario(input, withDefaults(parse<Assumption[]>(row.assumptions)), {
        firstYear: '2023-24',
        ...SEED_RUN,
        draws: 100,
      });
      const years = (items: { id: string; startYear: string | null }[]) =>
        Object.fromEntries(items.map((i) => [i.id, i.startYear]));
      assert.ok(seeded.length > 50);
      assert.deepEqual(years(again.items), years(seeded));
      assert.equal(again.phasing.method, 'milp');
      assert.ok(again.phasing.optimalityGap !== null && again.phasing.optimalityGap <= SEED_RUN.mipRelGap);
    });

    test('a copy of the agreed plan re-run from the API without a time limit gives the agreed start years', async () => {
      const created = await api('POST', '/api/finance/scenarios', 'commissioner', {
        name: 'Agreed plan, re-run',
        copyFrom: agreedId,
      });
      assert.equal(created.statusCode, 201);
      const id = created.json().id;
      const run = await api('POST', `/api/finance/scenarios/${id}/run`, 'commissioner', { draws: 100, wait: true });
      assert.equal(run.json().run.status, 'done');
      const years = async (scenario: string) => {
        const r = await api('GET', `/api/finance/scenarios/${scenario}/phasing`, 'analyst');
        assert.equal(r.statusCode, 200);
        const items = r.json().items as { id: string; startYear: string | null }[];
        return Object.fromEntries(items.map((i) => [i.id, i.startYear]));
      };
      assert.deepEqual(await years(id), await years(agreedId));
    });

    test('roles: analysts read, only commissioners write, other staff cannot read', async () => {
      assert.equal((await api('GET', '/api/finance/scenarios', 'spa')).statusCode, 403);
      assert.equal((await api('POST', '/api/finance/scenarios', 'analyst', { name: 'x' })).statusCode, 403);
      assert.equal((await api('GET', '/api/finance/productivity', 'analyst')).statusCode, 200);
      assert.equal((await t.app.inject({ url: '/api/finance/scenarios' })).statusCode, 401);
    });

    test('productivity per provider and service, against the best quartile, with skill mix by band', async () => {
      const res = await api('GET', '/api/finance/productivity', 'analyst');
      assert.equal(res.statusCode, 200);
      const p = res.json();
      assert.equal(p.period, '2021-22');
      assert.equal(p.bestQuantile, 0.25);
      // Whittington Health provides community services for Islington and Haringey: one row per service.
      const dn = p.rows.find(
        (r: { provider: string; component: string }) => r.provider === 'RKE' && r.component === 'district-nursing',
      );
      assert.ok(dn, 'Whittington district nursing is benchmarked');
      assert.equal(dn.providerName, 'Whittington Health NHS Trust');
      assert.deepEqual(dn.boroughs, ['E09000014', 'E09000019']);
      const mix = Object.values(dn.bandMix as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(mix - 1) < 0.01, `band mix adds up to ${mix}`);
      assert.ok(dn.bandWte > 0 && dn.bandWte <= dn.wte);
      for (const r of p.rows) {
        if (r.costPerContact !== null && r.bestCostPerContact !== null && r.costPerContact > r.bestCostPerContact) {
          assert.ok(Math.abs(r.release - (r.costPerContact - r.bestCostPerContact) * r.contacts) < 1);
        } else assert.equal(r.release, 0);
      }
      assert.ok(p.totalRelease > 0);
      assert.ok(p.providers.some((x: { code: string }) => x.code === 'RV3'));
      // A less demanding best in class (the median) releases less; out of range is a 400 naming the field.
      const median = (await api('GET', '/api/finance/productivity?bestQuantile=0.5', 'analyst')).json();
      assert.ok(median.totalRelease < p.totalRelease, `${median.totalRelease} < ${p.totalRelease}`);
      const bad = await api('GET', '/api/finance/productivity?bestQuantile=2', 'analyst');
      assert.equal(bad.statusCode, 400);
      assert.match(JSON.stringify(bad.json()), /bestQuantile/);

      const b = new Browser(t.app);
      await b.signIn('analyst');
      const page = await b.get('/finance/productivity');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Whittington Health NHS Trust/);
      assert.match(page.body, /role="region" aria-label="Table: productivity by provider and service/);
      assert.match(page.body, /<svg[^>]+role="img"/);
      assert.match(page.body, /Band 8a and above/);
      assert.match(page.body, /illustrative/);
      assert.match((await b.get('/finance')).body, /href="\/finance\/productivity"/);
      const csv = await b.get('/finance/productivity?format=csv');
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      assert.match(csv.body, /^Provider,Service,Boroughs,Contacts/);
    });

    test('the API opens an affordability option as a new scenario: commissioners only, audited, fields named', async () => {
      const url = (id: string, option: string) => `/api/finance/scenarios/${id}/options/${option}`;
      assert.equal((await api('POST', url(agreedId, 'savings'), 'analyst')).statusCode, 403);
      const unknown = await api('POST', url(agreedId, 'magic'), 'commissioner');
      assert.equal(unknown.statusCode, 400);
      assert.deepEqual(fields(unknown), ['option']);
      const missing = await api('POST', url('00000000-0000-4000-8000-000000000000', 'savings'), 'commissioner');
      assert.equal(missing.statusCode, 404);
      const badId = await api('POST', url('not-an-id', 'savings'), 'commissioner');
      assert.equal(badId.statusCode, 400);
      assert.match(JSON.stringify(badId.json()), /id/);

      const res = await api('POST', url(agreedId, 'savings'), 'commissioner');
      assert.equal(res.statusCode, 201, res.body);
      const s = res.json();
      assert.equal(s.basedOn, agreedId);
      assert.equal(s.status, 'draft');
      const agreed = (await api('GET', `/api/finance/scenarios/${agreedId}`, 'analyst')).json();
      const extra = s.assumptions.find((a: { key: string }) => a.key === 'savings.extra');
      assert.equal(extra.value, Math.ceil(Math.max(0, ...agreed.results.affordabilityGap)));
      assert.match(s.name, /extra savings/);
      const audits = await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'detail'])
        .where('record_id', '=', s.id)
        .orderBy('at')
        .execute();
      assert.deepEqual(audits.map((a) => a.action).sort(), ['finance.scenario.copy', 'finance.scenario.option']);
      const spec = (await t.app.inject({ url: '/api/openapi.json' })).json();
      assert.ok(spec.paths['/api/finance/scenarios/{id}/options/{option}'].post);
    });

    test('bad input is a 400 naming the field; the agreed plan cannot change', async () => {
      const bad = async (payload: unknown) => api('POST', '/api/finance/scenarios', 'commissioner', payload);
      let r = await bad({ name: 'x', copyFrom: agreedId, assumptions: [{ key: 'cost.unicorns', value: 1 }] });
      assert.equal(r.statusCode, 400);
      assert.deepEqual(fields(r), ['assumptions[0].key']);
      r = await bad({ name: 'x', assumptions: [{ key: 'cost.wte.nursing', value: -5 }] });
      assert.deepEqual(fields(r), ['assumptions[0].value']);
      r = await bad({ name: 'x', assumptions: [{ key: 'cost.wte.nursing', value: 90000, low: 95000 }] });
      assert.deepEqual(fields(r), ['assumptions[0].low']);
      r = await bad({ name: '', firstYear: '2023' });
      assert.deepEqual(fields(r).sort(), ['firstYear', 'name']);
      r = await api('PATCH', `/api/finance/scenarios/${agreedId}`, 'commissioner', {
        assumptions: [{ key: 'cost.wte.nursing', value: 1 }],
      });
      assert.equal(r.statusCode, 409);
    });

    test('copy with changed assumptions, patch, re-run in a worker: every change versioned and audited, results move as expected', async () => {
      const created = await api('POST', '/api/finance/scenarios', 'commissioner', {
        name: 'Dearer band 6 staff',
        copyFrom: agreedId,
        // The demo baseline gives staff by band, so new staff are costed by band (cost.band.*).
        assumptions: [{ key: 'cost.band.band-6', value: 120000, low: 110000, high: 130000, source: 'Test uplift' }],
      });
      assert.equal(created.statusCode, 201);
      const s = created.json();
      assert.equal(s.basedOn, agreedId);
      assert.equal(s.results, null);
      const band6 = s.assumptions.find((a: { key: string }) => a.key === 'cost.band.band-6');
      assert.equal(band6.value, 120000);
      assert.equal(band6.source, 'Test uplift');
      assert.equal(band6.changedAt, NOW);

      const patched = await api('PATCH', `/api/finance/scenarios/${s.id}`, 'commissioner', {
        assumptions: [{ key: 'plan.horizonYears', value: 3 }],
      });
      assert.equal(patched.statusCode, 200);
      assert.equal(patched.json().version, 2);

      const run = await api('POST', `/api/finance/scenarios/${s.id}/run`, 'commissioner', {
        draws: 500,
        seed: 1,
        timeLimitSeconds: 3,
        wait: true,
      });
      assert.equal(run.statusCode, 200);
      assert.equal(run.json().run.status, 'done');
      const after = (await api('GET', `/api/finance/scenarios/${s.id}`, 'analyst')).json();
      assert.equal(after.results.years.length, 3);
      assert.equal(after.run.stale, false);
      // Dearer band 6 staff: the whole offer costs more, so the affordability gap over the first 3 years is larger.
      const agreed = (await api('GET', `/api/finance/scenarios/${agreedId}`, 'analyst')).json();
      const gap = (r: { affordabilityGap: number[] }) => r.affordabilityGap.slice(0, 3).reduce((a, b) => a + b, 0);
      assert.ok(gap(after.results) > gap(agreed.results), `${gap(after.results)} > ${gap(agreed.results)}`);

      const audits = await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'outcome'])
        .where('record_id', '=', s.id)
        .orderBy('at')
        .execute();
      assert.deepEqual(
        audits.map((a) => a.action),
        ['finance.scenario.copy', 'finance.scenario.change', 'finance.scenario.run', 'finance.scenario.results'],
      );
      const history = await t.database.db
        .selectFrom('finance_assumption_changes')
        .select(['key', 'version', 'changed_by'])
        .where('scenario_id', '=', s.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        history.map((h) => [h.key, h.version]),
        [
          ['cost.band.band-6', 1],
          ['plan.horizonYears', 2],
        ],
      );
      await assert.rejects(sql`delete from finance_assumption_changes`.execute(t.database.db));

      // A run that fails keeps the last good results.
      const broken = (await api('GET', `/api/finance/scenarios/${s.id}`, 'commissioner')).json().assumptions;
      const bad = broken.map((a: { key: string; value: number }) =>
        a.key === 'plan.horizonYears' ? { ...a, value: 40 } : a,
      );
      await t.database.db
        .updateTable('finance_scenarios')
        .set({ assumptions: JSON.stringify(bad) })
        .where('id', '=', s.id)
        .execute();
      const failed = await api('POST', `/api/finance/scenarios/${s.id}/run`, 'commissioner', {
        draws: 200,
        wait: true,
      });
      assert.equal(failed.json().run.status, 'failed');
      const kept = (await api('GET', `/api/finance/scenarios/${s.id}`, 'analyst')).json();
      assert.equal(kept.results.years.length, 3);
      assert.ok(kept.run.error);
    });

    test('phasing/solve: a problem it has never seen, solved to its known optimum; bad problems name the field', async () => {
      const problem = {
        years: ['2023-24', '2024-25', '2025-26'],
        budget: [100, 100, 150],
        recruitable: { nursing: [2, 2, 2] },
        items: [
          { id: 'cpa', annualCost: 50, setupCost: 10, annualBenefit: 2, wte: { nursing: 1 }, requires: [] },
          { id: 'ucr', annualCost: 40, setupCost: 0, annualBenefit: 10, wte: { nursing: 1 }, requires: ['cpa'] },
          { id: 'vw', annualCost: 60, setupCost: 0, annualBenefit: 9, wte: { nursing: 2 }, requires: [] },
        ],
      };
      const r = await api('POST', '/api/finance/phasing/solve', 'analyst', problem);
      assert.equal(r.statusCode, 200);
      const out = r.json();
      // cpa + ucr in year 1 (100 spend, 2 nurses), vw in year 3 (90 + 60 = 150): (2 + 10) × 3 + 9 = 45.
      assert.equal(out.objective, 45);
      assert.deepEqual(
        out.items.map((i: { startYear: string | null }) => i.startYear),
        ['2023-24', '2023-24', '2025-26'],
      );
      assert.equal(out.method, 'milp');
      assert.ok(out.optimalityGap <= 1e-6);
      const short = await api('POST', '/api/finance/phasing/solve', 'analyst', { ...problem, budget: [100] });
      assert.equal(short.statusCode, 400);
      assert.deepEqual(fields(short), ['budget']);
      const cycle = await api('POST', '/api/finance/phasing/solve', 'analyst', {
        ...problem,
        items: [{ ...problem.items[0], requires: ['ucr'] }, ...problem.items.slice(1)],
      });
      assert.equal(cycle.statusCode, 400);
      assert.match(fields(cycle)[0], /^items\[\d\]\.requires$/);
    });

    test('pages: a commissioner changes an assumption, sees the error summary for a bad one, and downloads CSV and XLSX', async () => {
      const b = new Browser(t.app);
      await b.signIn('commissioner');
      const index = await b.get('/finance');
      assert.equal(index.statusCode, 200);
      assert.match(index.body, /Agreed plan/);
      const page = await b.get(`/finance/scenarios/${agreedId}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<svg[^>]+role="img"/);
      assert.match(page.body, /Investment against funding/);
      assert.match(page.body, /Re-profile delivery/);

      const created = await b.post('/finance/scenarios', { name: 'Page copy', copyFrom: agreedId });
      assert.equal(created.statusCode, 303);
      const id = /\/finance\/scenarios\/([0-9a-f-]{36})/.exec(created.headers.location as string)![1];
      const form = await b.get(`/finance/scenarios/${id}/assumptions`);
      assert.match(form.body, /Illustrative/);
      const badPost = await b.post(`/finance/scenarios/${id}/assumptions`, { 'a-cost-wte-nursing-value': '-3' });
      assert.equal(badPost.statusCode, 400);
      assert.match(badPost.body, /There is a problem/);
      assert.match(badPost.body, /href="#a-cost-wte-nursing-value"/);
      const ok = await b.post(`/finance/scenarios/${id}/assumptions`, {
        'a-cost-wte-nursing-value': '100000',
        'a-cost-wte-nursing-high': '120000',
      });
      assert.equal(ok.statusCode, 303);
      const changed = (await api('GET', `/api/finance/scenarios/${id}`, 'analyst')).json();
      assert.equal(changed.version, 2);
      assert.equal(
        changed.assumptions.find((a: { key: string }) => a.key === 'cost.wte.nursing').changedBy,
        'Demo commissioner',
      );

      const option = await b.post(`/finance/scenarios/${agreedId}/options/efficiency`, {});
      assert.equal(option.statusCode, 303);
      const optionId = /\/finance\/scenarios\/([0-9a-f-]{36})/.exec(option.headers.location as string)![1];
      const opened = (await api('GET', `/api/finance/scenarios/${optionId}`, 'analyst')).json();
      const extra = opened.assumptions.find((a: { key: string }) => a.key === 'efficiency.extra');
      const agreedNow = (await api('GET', `/api/finance/scenarios/${agreedId}`, 'analyst')).json();
      assert.ok(extra.value > 0, 'the option sets the extra efficiency the gap needs');
      assert.equal(opened.basedOn, agreedId);
      assert.ok(agreedNow.results.affordabilityGap.some((g: number) => g > 0));
      assert.match(option.headers.location as string, /opened=1/);
      // Opened from the page, the option runs at once; with the extra efficiency its gap is smaller.
      let ran = opened;
      for (const end = Date.now() + 120_000; ran.run.status !== 'done' && ran.run.status !== 'failed'; ) {
        assert.ok(Date.now() < end, `the option's run finished (${ran.run.status})`);
        await new Promise((r) => setTimeout(r, 250));
        ran = (await api('GET', `/api/finance/scenarios/${optionId}`, 'analyst')).json();
      }
      assert.equal(ran.run.status, 'done', ran.run.error);
      const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      assert.ok(
        total(ran.results.affordabilityGap) < total(agreedNow.results.affordabilityGap),
        `${total(ran.results.affordabilityGap)} < ${total(agreedNow.results.affordabilityGap)}`,
      );

      const paper = await b.get(`/finance/scenarios/${agreedId}/board-paper`);
      assert.equal(paper.statusCode, 200);
      const main = paper.body.slice(paper.body.indexOf('<main'));
      assert.equal((main.match(/<svg[^>]+role="img"/g) ?? []).length, 4); // the NHS logo is the fifth
      assert.equal((paper.body.match(/Text alternative:/g) ?? []).length, 4);
      assert.match(paper.body, /Investment and funding by lever, £ million/);
      assert.match(paper.body, /class="app-no-print"/);
      assert.match(page.body, new RegExp(`href="/finance/scenarios/${agreedId}/board-paper"`));
      const unrun = await b.get(`/finance/scenarios/${id}/board-paper`);
      assert.equal(unrun.statusCode, 200);
      assert.match(unrun.body, /has not been run yet/);
      assert.equal(
        (await b.get('/finance/scenarios/00000000-0000-4000-8000-000000000000/board-paper')).statusCode,
        404,
      );

      const compare = await b.get(`/finance/compare?a=${agreedId}&b=${id}`);
      assert.equal(compare.statusCode, 200);
      assert.match(compare.body, /Nurse, Agenda for Change band 6/);

      const csv = await b.get(`/finance/scenarios/${agreedId}?format=csv`);
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      assert.match(csv.body, /^Measure,2023-24,2024-25/);
      const xlsx = await t.app.inject({
        url: `/finance/scenarios/${agreedId}?format=xlsx`,
        headers: { cookie: b.cookieHeader },
      });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      assert.deepEqual(
        wb.worksheets.map((w) => w.name),
        ['Assumptions', 'Years', 'Phasing', 'Tornado'],
      );

      const analyst = new Browser(t.app);
      await analyst.signIn('analyst');
      const read = await analyst.get(`/finance/scenarios/${id}/assumptions`);
      assert.equal(read.statusCode, 200);
      assert.doesNotMatch(read.body, /Save assumptions/);
      assert.equal((await analyst.post(`/finance/scenarios/${id}/run`, {})).statusCode, 403);
    });
  });
}
