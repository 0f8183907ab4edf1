// A baseline import that would replace a period is never one click (issue 19): uploading the template
// unchanged used to replace all 750 rows of 2021-22 with its one example row. Now the page shows what would
// be added, changed and removed and how the gap analysis would change, nothing changes until someone confirms,
// and the replaced rows stay restorable in one audited action.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

for (const engine of testEngines()) {
  describe(`restorable baseline imports on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(async () => t?.close());

    const count = async (period: string) =>
      (
        await t.database.db
          .selectFrom('baseline_rows')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('period', '=', period)
          .executeTakeFirstOrThrow()
      ).n;
    const actions = async () =>
      (
        await t.database.db
          .selectFrom('audit_log')
          .select('action')
          .where('action', 'like', 'baseline.%')
          .orderBy('id')
          .execute()
      ).map((r) => r.action as string);
    const upload = (browser: Browser, fileName: string, bytes: Buffer) => {
      const boundary = '----restore-test';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${browser.csrf}\r\n`),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`,
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

    test('the unchanged template previews, cancels, confirms and is undone, every step audited', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('analyst');
      await browser.get('/analysis/imports');
      const seeded = await count('2021-22');
      assert.ok(seeded > 700, 'the demo baseline has a full year');
      const template = Buffer.from((await browser.get('/analysis/imports/template?format=csv')).body);

      // Upload: nothing changes, the preview says what would.
      const first = await upload(browser, 'baseline-template.csv', template);
      assert.equal(first.statusCode, 303, first.body.slice(0, 300));
      const pending = first.headers.location as string;
      assert.match(pending, /^\/analysis\/imports\/pending\/[0-9a-f-]{36}$/);
      assert.equal(await count('2021-22'), seeded, 'the upload alone changes nothing');
      const preview = await browser.get(pending);
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /Replace the baseline for 2021-22\?/);
      assert.match(preview.body, /Nothing has been imported yet/);
      const removed = /Removed\s*<\/dt>\s*<dd class="nhsuk-summary-list__value">\s*([\d,]+)/.exec(preview.body);
      assert.ok(removed, 'the preview counts the rows removed');
      assert.equal(Number(removed[1].replaceAll(',', '')), seeded - 1);
      assert.match(preview.body, /Not offered/);
      assert.match(preview.body, /Findings that would go/);

      // Cancel: still nothing changes, and the pending file is gone.
      const cancelled = await browser.post(`${pending}/cancel`, {});
      assert.equal(cancelled.statusCode, 303);
      assert.equal(await count('2021-22'), seeded);
      assert.equal((await browser.get(pending)).statusCode, 404);

      // Upload again and confirm: the year is replaced.
      await browser.get('/analysis/imports');
      const second = await upload(browser, 'baseline-template.csv', template);
      const pending2 = second.headers.location as string;
      await browser.get(pending2);
      const confirmed = await browser.post(`${pending2}/confirm`, {});
      assert.equal(confirmed.statusCode, 303);
      assert.equal(await count('2021-22'), 1);
      const list = await browser.get(confirmed.headers.location as string);
      assert.match(list.body, /Baseline imported/);
      const undo = /href="(\/analysis\/imports\/[0-9a-f-]{36}\/restore)"/.exec(list.body);
      assert.ok(undo, 'the import that replaced the year can be undone');

      // Undo in one action: the year is back, and the undo can itself be undone.
      const confirmUndo = await browser.get(undo[1]);
      assert.equal(confirmUndo.statusCode, 200);
      assert.match(confirmUndo.body, /Undo the import of baseline-template.csv\?/);
      const restored = await browser.post(undo[1], {});
      assert.equal(restored.statusCode, 303);
      assert.equal(await count('2021-22'), seeded);
      const after = await browser.get(restored.headers.location as string);
      assert.match(after.body, /Import undone/);
      assert.match(after.body, /In use \(restored\)/);
      // The old import is no longer current, so its undo link has gone and a second POST is refused.
      assert.equal((await browser.post(undo[1], {})).statusCode, 409);
      assert.equal(await count('2021-22'), seeded);

      assert.deepEqual((await actions()).slice(-5), [
        'baseline.import.preview',
        'baseline.import.cancel',
        'baseline.import.preview',
        'baseline.import',
        'baseline.import.restore',
      ]);
    });

    test('a first import of a new period goes straight in, and a commissioner cannot confirm what is not there', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('commissioner');
      await browser.get('/analysis/imports');
      const template = (await browser.get('/analysis/imports/template?format=csv')).body.replace(
        /\n2021-22,/,
        '\n2024-25,',
      );
      const res = await upload(browser, 'new-year.csv', Buffer.from(template));
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Baseline imported/);
      assert.equal(await count('2024-25'), 1);
      const missing = await browser.post('/analysis/imports/pending/00000000-0000-0000-0000-000000000000/confirm', {});
      assert.equal(missing.statusCode, 404);
    });
  });
}
