// Engagement through HTTP on every engine: feedback recorded by a commissioner only, refused whole with one
// message per field (personal data named by field), read by commissioners and analysts, filtered and paged,
// audited; the themes with their counts; the staff page with its error summary.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueToken } from '../src/platform/auth/identity.ts';
import { type Role, systemActor } from '../src/platform/auth/roles.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const NOW = '2026-12-02T11:00:00Z';
const good = {
  source: 'focused-group',
  receivedOn: '2026-11-20',
  borough: 'E09000019',
  themes: ['interpreting-and-bsl'],
  summary: 'Interpreters were booked for every appointment this time.',
  fromGroup: 'Deaf residents in Islington',
};

for (const engine of testEngines()) {
  describe(`engagement on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine, { clock: fixedClock(NOW) });
      await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
        label: 'Test second commissioner',
        role: 'commissioner',
        value: 'test-eng-commissioner2',
        organisationCode: 'QMJ',
      });
      for (const role of ['commissioner', 'analyst', 'clinician'] as Role[]) {
        await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
          label: `Test ${role}`,
          role,
          value: `test-eng-${role}`,
          organisationCode: 'QMJ',
        });
      }
    });
    after(() => t.close());
    const api = (role: string) => ({ authorization: `Bearer test-eng-${role}` });
    const count = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('eng_feedback')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('the demo feedback is seeded, illustrative, and the themes count it', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/engagement/themes', headers: api('analyst') });
      assert.equal(r.statusCode, 200);
      const themes = r.json().themes as { code: string; feedbackCount: number }[];
      assert.equal(themes.length, 9);
      assert.equal(themes.find((x) => x.code === 'access-and-waiting')?.feedbackCount, 2);
      const f = await t.app.inject({ method: 'GET', url: '/api/engagement/feedback', headers: api('analyst') });
      assert.equal(f.json().total, 10);
      assert.ok(f.json().feedback.every((x: { illustrative: boolean }) => x.illustrative));
    });

    test('a commissioner records feedback; it is audited and filterable by theme and borough', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/engagement/feedback',
        headers: api('commissioner'),
        payload: good,
      });
      assert.equal(r.statusCode, 201, r.body);
      const id = r.json().id;
      const audited = await t.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('record_id', '=', id)
        .executeTakeFirst();
      assert.equal(audited?.action, 'engagement.feedback-recorded');
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/engagement/feedback?theme=interpreting-and-bsl&borough=E09000019',
        headers: api('analyst'),
      });
      const body = list.json();
      assert.equal(body.total, 2);
      assert.equal(body.feedback[0].id, id, 'newest first');
      assert.equal(body.feedback[0].illustrative, false);
      const none = await t.app.inject({
        method: 'GET',
        url: '/api/engagement/feedback?borough=E09000003&theme=transition',
        headers: api('analyst'),
      });
      assert.equal(none.json().total, 0);
    });

    test('bad input is refused whole, one message per field, personal data named by field', async () => {
      const before = await count();
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/engagement/feedback',
        headers: api('commissioner'),
        payload: {
          ...good,
          borough: 'E09000001',
          receivedOn: '2027-01-01',
          summary: 'Ring me on 07700 900123',
          fromGroup: 'Mrs Jones, N19 5NF',
        },
      });
      assert.equal(r.statusCode, 400);
      const fields = r.json().error.fields as { field: string; message: string }[];
      assert.deepEqual(
        fields.map((f) => f.field),
        ['receivedOn', 'borough', 'summary', 'fromGroup'],
      );
      assert.match(fields[2].message, /quote or summary seems to hold a phone number/);
      assert.match(fields[3].message, /group it came from seems to hold a postcode/);
      assert.equal(await count(), before, 'nothing stored');
    });

    test('only a commissioner writes; analysts read; other staff neither', async () => {
      const w = await t.app.inject({
        method: 'POST',
        url: '/api/engagement/feedback',
        headers: api('analyst'),
        payload: good,
      });
      assert.equal(w.statusCode, 403);
      const r = await t.app.inject({ method: 'GET', url: '/api/engagement/feedback', headers: api('clinician') });
      assert.equal(r.statusCode, 403);
    });

    test('the staff page pages, and its form shows an error summary then records', async () => {
      const b = new Browser(t.app);
      await b.signIn('commissioner');
      const page = await b.get('/engagement');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Add feedback/);
      const bad = await b.post('/engagement/feedback', { ...good, themes: 'transition', fromGroup: 'jo@example.org' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /There is a problem/);
      assert.match(bad.body, /href="#fromGroup"/);
      assert.match(
        bad.body,
        /value="Interpreters were booked|Interpreters were booked for every appointment this time.<\/textarea>/,
      );
      const ok = await b.post('/engagement/feedback', { ...good, themes: 'transition' });
      assert.equal(ok.statusCode, 303);
      const p1 = await b.get('/engagement');
      assert.match(p1.body, /12 records\. Page 1 of 1\./);
      const p2 = await b.get('/engagement?page=2');
      assert.equal(p2.statusCode, 200);
      assert.match(p2.body, /No feedback matches these filters/);
      const badChange = await b.post('/engagement/changes', {
        status: 'made',
        versionNumber: '1',
        componentCode: 'nope',
        themes: 'transition',
        summary: 'Earlier planning',
      });
      assert.equal(badChange.statusCode, 400);
      assert.match(badChange.body, /href="#change-componentCode"/);
      const okChange = await b.post('/engagement/changes', {
        status: 'made',
        versionNumber: '1',
        componentCode: 'camhs-community',
        themes: 'transition',
        summary: 'Earlier planning',
      });
      assert.equal(okChange.statusCode, 303);
      const analyst = new Browser(t.app);
      await analyst.signIn('analyst');
      const ap = await analyst.get('/engagement');
      assert.equal(ap.statusCode, 200);
      assert.doesNotMatch(ap.body, /Add feedback/);
    });

    test('an offer change cites the themes it answers; the component must be in that version', async () => {
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/engagement/changes',
        headers: api('commissioner'),
        payload: {
          status: 'made',
          versionNumber: 1,
          componentCode: 'no-such-component',
          themes: ['transition'],
          summary: 'x',
        },
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(
        bad.json().error.fields.map((f: { field: string }) => f.field),
        ['componentCode'],
      );
      const missing = await t.app.inject({
        method: 'POST',
        url: '/api/engagement/changes',
        headers: api('commissioner'),
        payload: { status: 'made', themes: [], summary: '' },
      });
      assert.deepEqual(
        missing.json().error.fields.map((f: { field: string }) => f.field),
        ['versionNumber', 'componentCode', 'themes', 'summary'],
      );
      const ok = await t.app.inject({
        method: 'POST',
        url: '/api/engagement/changes',
        headers: api('commissioner'),
        payload: {
          status: 'made',
          versionNumber: 1,
          componentCode: 'speech-and-language-therapy-children',
          themes: ['access-and-waiting'],
          summary: 'A first assessment within 18 weeks in every borough.',
        },
      });
      assert.equal(ok.statusCode, 201, ok.body);
      const themes = (
        await t.app.inject({ method: 'GET', url: '/api/engagement/themes', headers: api('analyst') })
      ).json().themes;
      const access = themes.find((x: { code: string }) => x.code === 'access-and-waiting');
      assert.deepEqual(
        access.changes.map((c: { componentCode: string }) => c.componentCode),
        ['central-point-of-access', 'nhs-talking-therapies', 'speech-and-language-therapy-children'],
      );
      assert.equal(access.changes[0].href, '/offer/components/central-point-of-access');
      assert.equal(access.open.length, 1);
    });

    test('residents read you said, we did without signing in, and follow a change to its component', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/you-said-we-did' });
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /<h2 id="transition">Moving from children’s to adult services<\/h2>/);
      assert.match(r.body, /href="\/offer\/components\/young-adult-transition-service"/);
      assert.match(r.body, /Still being worked on/);
      assert.match(r.body, /href="\/you-said-we-did"/, 'footer link');
      assert.doesNotMatch(r.body, /Demo commissioner|recorded_by|@/);
      const component = await t.app.inject({ method: 'GET', url: '/offer/components/young-adult-transition-service' });
      assert.equal(component.statusCode, 200);
    });

    test('a survey export imports all or nothing, with row and column errors, from CSV and XLSX', async () => {
      const b = new Browser(t.app);
      await b.signIn('commissioner');
      const template = await b.get('/engagement/template.csv');
      assert.equal(template.statusCode, 200);
      assert.match(template.body, /^source,date,borough,themes,group,summary/);
      const upload = async (name: string, bytes: Buffer) => {
        const boundary = '----eng';
        const body = Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${b.csrf}\r\n`),
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
          ),
          bytes,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        return t.app.inject({
          method: 'POST',
          url: '/engagement/import',
          payload: body,
          headers: { cookie: b.cookieHeader, 'content-type': `multipart/form-data; boundary=${boundary}` },
        });
      };
      const before = await count();
      const bad = await upload(
        'survey.csv',
        Buffer.from(
          'source,date,borough,themes,group,summary\n' +
            'survey,2022-01-31,E09000007,transition,Young carers,Start earlier\n' +
            'survey,2022-01-31,E09000099,transition,Young carers,Email me at a@b.org\n',
        ),
      );
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /<td>3<\/td><td>borough<\/td>/);
      assert.match(bad.body, /<td>3<\/td><td>summary<\/td><td>The quote or summary seems to hold an email address/);
      assert.equal(await count(), before, 'nothing saved');
      const { writeXlsx } = await import('../src/platform/tabular.ts');
      const xlsx = await writeXlsx([
        {
          name: 'Survey',
          rows: [
            ['source', 'date', 'borough', 'themes', 'group', 'summary'],
            ['survey', '2022-01-31', 'E09000007', 'transition', 'Young carers', 'Start planning earlier'],
            [
              'healthwatch',
              '2022-02-01',
              'E09000003',
              'not-digital-only;access-and-waiting',
              'Older residents',
              'Keep the phone line',
            ],
          ],
        },
      ]);
      const ok = await upload('survey.xlsx', xlsx);
      assert.equal(ok.statusCode, 200, ok.body.slice(0, 300));
      assert.match(ok.body, /2 records were imported/);
      assert.equal(await count(), before + 2);
    });
    test('a new theme is proposed, reviewed by another commissioner, and only once approved can be cited', async () => {
      const post = (url: string, who: string, payload: Record<string, unknown>) =>
        t.app.inject({ method: 'POST', url, headers: api(who), payload });
      const auditOf = async (code: string) => {
        const theme = await t.database.db
          .selectFrom('eng_themes')
          .select('id')
          .where('code', '=', code)
          .executeTakeFirstOrThrow();
        return t.database.db
          .selectFrom('audit_log')
          .select('action')
          .where('record_type', '=', 'eng-theme')
          .where('record_id', '=', theme.id)
          .execute();
      };
      const carers = {
        name: 'Support for carers',
        description: 'Help and respite for unpaid carers',
        why: 'Carers at two borough meetings raised it; no approved theme covers it.',
      };
      const empty = await post('/api/engagement/themes', 'analyst', { name: ' ', why: 'x'.repeat(1001) });
      assert.equal(empty.statusCode, 400);
      assert.deepEqual(
        empty.json().error.fields.map((f: { field: string }) => f.field),
        ['name', 'description', 'why'],
      );
      const taken = await post('/api/engagement/themes', 'analyst', { ...carers, name: 'Personalised care!' });
      assert.equal(taken.statusCode, 400);
      assert.match(taken.json().error.fields[0].message, /already exists \(Personalised care, approved\)/);
      assert.equal((await post('/api/engagement/themes', 'clinician', carers)).statusCode, 403);
      const proposed = await post('/api/engagement/themes', 'analyst', carers);
      assert.equal(proposed.statusCode, 201, proposed.body);
      assert.equal(proposed.json().code, 'support-for-carers');
      // Eight people propose the same new name at once: one proposal, seven told the name is taken (not a 500).
      const travel = { ...carers, name: 'Travel to appointments' };
      const race = await Promise.all(
        Array.from({ length: 8 }, () => post('/api/engagement/themes', 'analyst', travel)),
      );
      assert.deepEqual(race.map((r) => r.statusCode).sort(), [201, 400, 400, 400, 400, 400, 400, 400]);
      for (const r of race.filter((x) => x.statusCode === 400)) {
        assert.deepEqual(
          r.json().error.fields.map((f: { field: string }) => f.field),
          ['name'],
        );
      }

      // Waiting: not citable, not listed, not public.
      const cite = { ...good, themes: ['support-for-carers'] };
      const early = await post('/api/engagement/feedback', 'commissioner', cite);
      assert.equal(early.statusCode, 400);
      assert.match(early.json().error.fields[0].message, /not on the reviewed list: support-for-carers/);
      const earlyChange = await post('/api/engagement/changes', 'commissioner', {
        status: 'in-progress',
        themes: ['support-for-carers'],
        summary: 'Carers’ respite is being planned.',
      });
      assert.deepEqual(
        earlyChange.json().error.fields.map((f: { field: string }) => f.field),
        ['themes'],
      );
      const listed = async () =>
        (await t.app.inject({ method: 'GET', url: '/api/engagement/themes', headers: api('analyst') }))
          .json()
          .themes.map((x: { code: string }) => x.code);
      assert.ok(!(await listed()).includes('support-for-carers'));

      // Review: a reason is needed; analysts cannot review; a proposer cannot review their own.
      const review = (code: string, who: string, payload: Record<string, unknown>) =>
        post(`/api/engagement/themes/${code}/review`, who, payload);
      const noReason = await review('support-for-carers', 'commissioner', { decision: 'maybe' });
      assert.deepEqual(
        noReason.json().error.fields.map((f: { field: string }) => f.field),
        ['decision', 'reason'],
      );
      assert.equal(
        (await review('support-for-carers', 'analyst', { decision: 'approve', reason: 'ok' })).statusCode,
        403,
      );
      const housing = await post('/api/engagement/themes', 'commissioner2', {
        name: 'Housing and health',
        description: 'How housing affects health',
        why: 'Raised once',
      });
      assert.equal(housing.statusCode, 201);
      const own = await review('housing-and-health', 'commissioner2', { decision: 'approve', reason: 'Mine' });
      assert.equal(own.statusCode, 403);
      assert.equal(
        (await review('no-such-theme', 'commissioner', { decision: 'approve', reason: 'x' })).statusCode,
        404,
      );
      assert.equal((await review('transition', 'commissioner', { decision: 'reject', reason: 'x' })).statusCode, 404);

      const ok = await review('support-for-carers', 'commissioner', {
        decision: 'approve',
        reason: 'Raised in more than one borough',
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().status, 'approved');
      const again = await review('support-for-carers', 'commissioner2', { decision: 'reject', reason: 'Late' });
      assert.equal(again.statusCode, 409);
      const no = await review('housing-and-health', 'commissioner', {
        decision: 'reject',
        reason: 'Outside the offer: for the councils’ housing teams',
      });
      assert.equal(no.json().status, 'rejected');
      assert.deepEqual((await auditOf('support-for-carers')).map((a) => a.action).sort(), [
        'engagement.theme-approved',
        'engagement.theme-proposed',
      ]);
      assert.deepEqual((await auditOf('housing-and-health')).map((a) => a.action).sort(), [
        'engagement.theme-proposed',
        'engagement.theme-rejected',
      ]);

      // Approved: cited by feedback and a change, listed, public. Rejected: still refused.
      assert.equal((await post('/api/engagement/feedback', 'commissioner', cite)).statusCode, 201);
      assert.equal(
        (await post('/api/engagement/feedback', 'commissioner', { ...good, themes: ['housing-and-health'] }))
          .statusCode,
        400,
      );
      const change = await post('/api/engagement/changes', 'commissioner', {
        status: 'in-progress',
        themes: ['support-for-carers'],
        summary: 'Respite for carers is being planned with the councils.',
      });
      assert.equal(change.statusCode, 201, change.body);
      const themes = (
        await t.app.inject({ method: 'GET', url: '/api/engagement/themes', headers: api('analyst') })
      ).json().themes;
      assert.deepEqual(themes.map((x: { code: string }) => x.code).slice(-2), [
        'cultural-competence',
        'support-for-carers',
      ]);
      const mine = themes.find((x: { code: string }) => x.code === 'support-for-carers');
      assert.equal(mine.feedbackCount, 1);
      assert.equal(mine.open.length, 1);
      const pub = await t.app.inject({ method: 'GET', url: '/you-said-we-did' });
      assert.match(pub.body, /<h2 id="support-for-carers">Support for carers<\/h2>/);
      assert.doesNotMatch(pub.body, /Housing and health/);
      const proposals = (
        await t.app.inject({ method: 'GET', url: '/api/engagement/theme-proposals', headers: api('commissioner') })
      ).json().proposals;
      assert.deepEqual(
        proposals.map((p: { code: string; status: string; reviewReason: string }) => [p.code, p.status]),
        [
          ['support-for-carers', 'approved'],
          ['travel-to-appointments', 'proposed'],
          ['housing-and-health', 'rejected'],
        ],
      );
      assert.equal(proposals[0].reviewReason, 'Raised in more than one borough');
      const spec = (await t.app.inject('/api/openapi.json')).json();
      assert.ok(spec.paths['/api/engagement/themes'].post.requestBody, 'proposing is documented');
      assert.ok(spec.paths['/api/engagement/themes/{code}/review'].post.responses['409'], 'review is documented');
      assert.ok(spec.paths['/api/engagement/theme-proposals'].get);
    });

    test('the staff page proposes a theme and reviews it, with error summaries, without JavaScript', async () => {
      const analyst = new Browser(t.app);
      await analyst.signIn('analyst');
      const bad = await analyst.post('/engagement/themes', {
        name: '',
        description: 'Getting to appointments',
        why: '',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /There is a problem/);
      assert.match(bad.body, /href="#theme-name"/);
      assert.match(bad.body, /href="#theme-why"/);
      assert.match(bad.body, /Getting to appointments<\/textarea>/);
      const ok = await analyst.post('/engagement/themes', {
        name: 'Getting there',
        description: 'Getting to appointments',
        why: 'Residents far from clinics said travel was hard',
      });
      assert.equal(ok.statusCode, 303);
      const waiting = await analyst.get('/engagement');
      assert.match(waiting.body, /Getting there/);
      assert.match(waiting.body, /Waiting for review/);
      assert.doesNotMatch(
        waiting.body,
        /action="\/engagement\/themes\/getting-there\/review"/,
        'analysts do not review',
      );
      assert.doesNotMatch(waiting.body, /id="themes-getting-there"/, 'not offered for feedback');
      const c = new Browser(t.app);
      await c.signIn('commissioner');
      const page = await c.get('/engagement');
      assert.match(page.body, /action="\/engagement\/themes\/getting-there\/review"/);
      const noDecision = await c.post('/engagement/themes/getting-there/review', { reason: 'Fine' });
      assert.equal(noDecision.statusCode, 400);
      assert.match(noDecision.body, /href="#review-getting-there-decision"/);
      const approve = await c.post('/engagement/themes/getting-there/review', {
        decision: 'approve',
        reason: 'Raised in three boroughs',
      });
      assert.equal(approve.statusCode, 303);
      const after = await c.get('/engagement');
      assert.match(after.body, /Raised in three boroughs/);
      assert.match(after.body, /id="themes-getting-there"/, 'now offered for feedback');
      assert.doesNotMatch(after.body, /action="\/engagement\/themes\/getting-there\/review"/);
    });
  });
}
