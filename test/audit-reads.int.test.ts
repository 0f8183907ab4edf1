// Every read that shows personal data is audited, naming each record shown (issue 10 §4): a team's day plan
// and a clinician's day (visits carry patient references and locations), the offer gaps list (each gap names
// its referral) and a referral's detail, which also shows the person's other referrals and their events.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';
import { roleTokens } from './support/tokens.ts';

type Row = {
  action: string;
  record_type: string;
  record_id: string | null;
  detail: unknown;
  request_id: string | null;
};

for (const engine of testEngines()) {
  describe(`reads of personal data are audited (${engine})`, () => {
    let t: TestApp;
    let bearer: (role: string) => Record<string, string>;
    before(async () => {
      t = await startTestApp(engine);
      bearer = await roleTokens(t);
    });
    after(async () => t?.close());

    const get = (url: string, role: string) =>
      t.app.inject({ method: 'GET', url, headers: { ...bearer(role), accept: 'application/json' } });
    const auditOf = async (requestId: string): Promise<Row[]> =>
      (
        await sql<Row>`select action, record_type, record_id, detail, request_id from audit_log
          where request_id = ${requestId} order by id`.execute(t.database.db)
      ).rows.map((r) => ({ ...r, detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail }));

    const plannedDay = async () =>
      (
        await sql<{ team_id: string; day: string }>`select team_id, day::text as day from scheduling_plans
          order by created_at desc limit 1`.execute(t.database.db)
      ).rows[0]!;
    const newestAudit = async (action: string): Promise<Row> => (await auditOfAction(action))[0]!;
    const auditOfAction = async (action: string): Promise<Row[]> =>
      (
        await sql<Row>`select action, record_type, record_id, detail, request_id from audit_log
          where action = ${action} order by id desc`.execute(t.database.db)
      ).rows.map((r) => ({ ...r, detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail }));

    test("a team's day plan read names every visit it shows", async () => {
      const { team_id, day } = await plannedDay();
      const before = (await auditOfAction('scheduling.plan.read')).length;
      const res = await get(`/api/scheduling/plans/${day}?team=${encodeURIComponent(team_id)}`, 'coordinator');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { routes: { visits: { visit: { id: string } }[] }[]; unassigned: { id: string }[] };
      const shown = [
        ...body.routes.flatMap((r) => r.visits.map((v) => v.visit.id)),
        ...body.unassigned.map((v) => v.id),
      ];
      assert.ok(shown.length > 0, 'the day has visits');
      const rows = await auditOfAction('scheduling.plan.read');
      assert.equal(rows.length, before + 1);
      const detail = rows[0]!.detail as { shown: string[]; patients: string[]; day: string; team: string };
      assert.deepEqual([...detail.shown].sort(), [...shown].sort());
      assert.equal(detail.patients.length, shown.length);
      assert.equal(detail.day, day);
      assert.equal(detail.team, team_id);
    });

    test("a clinician's day read names every visit on their route", async () => {
      const { team_id, day } = await plannedDay();
      const clinician = (
        await sql<{
          id: string;
        }>`select c.id from scheduling_clinicians c join scheduling_shifts s on s.clinician_id = c.id
          where c.team_id = ${team_id} and s.day = ${day}::date order by c.id limit 1`.execute(t.database.db)
      ).rows[0]!;
      const res = await get(`/api/scheduling/clinicians/${encodeURIComponent(clinician.id)}/day/${day}`, 'coordinator');
      assert.equal(res.statusCode, 200, res.body);
      const route = res.json().route as { visits: { visit: { id: string } }[] } | null;
      const row = await newestAudit('scheduling.day.read');
      assert.equal(row.record_id, `${clinician.id}/${day}`);
      assert.deepEqual((row.detail as { shown: string[] }).shown, route?.visits.map((v) => v.visit.id) ?? []);
    });

    test('the offer gaps list read names the referrals its rows come from', async () => {
      const res = await get('/api/access/gaps', 'commissioner');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { rows: { id: number; referralId: string | null }[] };
      assert.ok(
        body.rows.some((g) => g.referralId),
        'the demo data has gaps found while routing referrals',
      );
      const row = await newestAudit('access.gaps.list');
      const detail = row.detail as { shown: number[]; referrals: string[] };
      assert.deepEqual(
        detail.shown,
        body.rows.map((g) => g.id),
      );
      assert.deepEqual(
        [...detail.referrals].sort(),
        [...new Set(body.rows.map((g) => g.referralId).filter(Boolean))].sort(),
      );
    });

    test("a referral's detail audits the referral and each of the person's other referrals it shows", async () => {
      const person = (
        await sql<{ person_id: string }>`select person_id from access_referrals group by person_id
          having count(*) > 1 limit 1`.execute(t.database.db)
      ).rows[0];
      assert.ok(person, 'the demo data holds a person with more than one referral');
      const ids = (
        await sql<{
          id: string;
        }>`select id from access_referrals where person_id = ${person.person_id} order by id`.execute(t.database.db)
      ).rows.map((r) => r.id);
      const res = await get(`/api/referrals/${ids[0]}`, 'spa');
      assert.equal(res.statusCode, 200, res.body);
      const reads = (await auditOfAction('referral.read')).slice(0, ids.length);
      const requestId = reads[0]!.request_id!;
      const rows = (await auditOf(requestId)).filter((r) => r.action === 'referral.read');
      assert.deepEqual(rows.map((r) => r.record_id).sort(), [...ids].sort());
    });
  });
}
