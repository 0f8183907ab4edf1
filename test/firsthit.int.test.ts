// What a new user hits first (issue 19): pages that failed with a 500 for everyone who opened them. Each test
// here failed before its fix: an outcome return's detail page and the confirm pages for discarding a draft and
// removing a component. (The analysis downloads that also sent the page are in link-walker.int.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

for (const engine of testEngines()) {
  describe(`pages people hit first on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(async () => t?.close());

    test('an outcome return opens for the provider who sent it, the analyst and the commissioner', async () => {
      for (const role of ['provider', 'analyst', 'commissioner']) {
        const browser = new Browser(t.app);
        await browser.signIn(role);
        const list = await browser.get('/outcomes/returns');
        assert.equal(list.statusCode, 200);
        const links = [...list.body.matchAll(/href="(\/outcomes\/returns\/[0-9a-f-]{36})"/g)].map((m) => m[1]);
        assert.ok(links.length > 0, `${role} sees returns to open`);
        const page = await browser.get(links[0]);
        assert.equal(page.statusCode, 200, `${role}: ${links[0]} ${page.statusCode}`);
        assert.match(page.body, /Rows as received/);
        // The counts show as numbers in the summary list.
        assert.match(
          page.body,
          /<dt class="nhsuk-summary-list__key">\s*Rows\s*<\/dt>\s*<dd class="nhsuk-summary-list__value">\s*\d+/,
        );
      }
    });

    test('a commissioner can confirm removing a component and discarding a draft in the browser', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('commissioner');
      await browser.get('/offer/manage');
      const started = await browser.post('/offer/manage/drafts', { changeNotes: 'Trying things' });
      assert.equal(started.statusCode, 303);
      const number = /versions\/(\d+)/.exec(started.headers.location as string)![1];
      const version = await browser.get(`/offer/manage/versions/${number}`);
      const remove = /href="(\/offer\/manage\/versions\/\d+\/components\/([a-z0-9-]+)\/remove)"/.exec(version.body);
      assert.ok(remove, 'the draft offers a Remove link');
      const confirmRemove = await browser.get(remove[1]);
      assert.equal(confirmRemove.statusCode, 200);
      assert.match(confirmRemove.body, /Remove component/);
      const removed = await browser.post(remove[1], {});
      assert.equal(removed.statusCode, 303);
      const after = await browser.get(`/offer/manage/versions/${number}`);
      assert.doesNotMatch(after.body, new RegExp(`components/${remove[2]}/remove"`));

      const confirmDiscard = await browser.get(`/offer/manage/versions/${number}/discard`);
      assert.equal(confirmDiscard.statusCode, 200);
      assert.match(confirmDiscard.body, /Discard draft version/);
      assert.match(confirmDiscard.body, /nhsuk-button--warning/);
      const discarded = await browser.post(`/offer/manage/versions/${number}/discard`, {});
      assert.equal(discarded.statusCode, 303);
      assert.equal(discarded.headers.location, `/offer/manage?discarded=${number}`);
    });

    test('a search that reads as a crisis shows what to do now above every result (hazard H13)', async () => {
      const html = async (url: string) => (await t.app.inject({ url, headers: { accept: 'text/html' } })).body;
      const crisis = await html(`/offer?q=${encodeURIComponent("can't cope, feel like ending it")}`);
      const help = crisis.indexOf('id="crisis-help"');
      const firstResult = crisis.indexOf('href="/offer/components/');
      assert.ok(help > 0, 'the crisis help is shown');
      assert.ok(help < crisis.indexOf('<form method="get" action="/offer"'), 'above the search form and results');
      for (const text of ['call 999', 'call NHS 111 and choose option 2', 'call Samaritans on 116 123'])
        assert.ok(crisis.includes(text), text);
      assert.ok(help < firstResult);
      const results = [...crisis.matchAll(/<h3[^>]*><a href="\/offer\/components\/([^"]+)"/g)].map((m) => m[1]);
      assert.equal(results[0], 'crisis-lines');
      assert.ok(!results.slice(0, 5).includes('adult-palliative-and-end-of-life-care'));

      const directory = await html('/directory?q=suicidal');
      assert.ok(directory.includes('id="crisis-help"'), 'the directory search shows it too');

      const low = await html('/offer?q=feeling+low');
      assert.ok(!low.includes('id="crisis-help"'), 'an everyday search does not');
      const lowResults = [...low.matchAll(/<h3[^>]*><a href="\/offer\/components\/([^"]+)"/g)].map((m) => m[1]);
      assert.equal(lowResults[0], 'nhs-talking-therapies');
    });

    test("the self-referral form accepts its own example, speaks in its labels' words and says where else to go", async () => {
      const browser = new Browser(t.app);
      const form = await browser.get('/refer/nhs-talking-therapies');
      assert.equal(form.statusCode, 200);
      const example = /NHS number, like (\d{3} \d{3} \d{4})/.exec(form.body);
      assert.ok(example, 'the hint gives an example');
      const sent = await browser.post('/refer/nhs-talking-therapies', {
        nhsNumber: example[1],
        givenName: '',
        familyName: '',
        postcode: 'SW1A 1AA',
      });
      assert.equal(sent.statusCode, 400);
      assert.doesNotMatch(sent.body, /id="nhsNumber-error"/, 'the example NHS number is accepted');
      assert.match(sent.body, /Enter your first name/);
      assert.match(sent.body, /Enter your last name/);
      assert.doesNotMatch(sent.body, /given name|family name/);
      assert.match(sent.body, /This postcode is not in North Central London/);
      assert.match(sent.body, /If you live somewhere else, your GP surgery can refer you/);
    });

    test('a letter needs an address and a child needs a parent or carer on the self-referral form', async () => {
      const browser = new Browser(t.app);
      await browser.get('/refer/nhs-talking-therapies');
      const adult = {
        nhsNumber: '999 123 4578',
        givenName: 'Ada',
        familyName: 'Brook',
        birthDay: '3',
        birthMonth: '4',
        birthYear: '1980',
        postcode: 'N19 5HX',
        preferredContact: 'letter',
        interpreter: 'no',
        urgency: 'routine',
        reason: 'Feeling low for months',
      };
      const noAddress = await browser.post('/refer/nhs-talking-therapies', adult);
      assert.equal(noAddress.statusCode, 400);
      assert.match(noAddress.body, /href="#addressLine1"/);
      assert.match(noAddress.body, /href="#addressTown"/);
      assert.equal((noAddress.body.match(/Enter the town or city/g) ?? []).length, 2, 'summary and field, once each');
      const sent = await browser.post('/refer/nhs-talking-therapies', {
        ...adult,
        addressLine1: '12 Holloway Road',
        addressTown: 'London',
      });
      assert.equal(sent.statusCode, 303, sent.body);
      const confirmation = await browser.get(sent.headers.location as string);
      assert.match(confirmation.body, /by letter to the home address you gave/);
      assert.doesNotMatch(confirmation.body, /Holloway/, 'no details on the confirmation');

      await browser.get('/refer/camhs-community');
      const child = {
        ...adult,
        givenName: 'Sam',
        birthYear: String(new Date().getUTCFullYear() - 10),
        preferredContact: 'phone',
        phone: '020 7946 0123',
        urgency: 'routine',
        reason: 'Cannot sleep and worried',
      };
      const byThemselves = await browser.post('/refer/camhs-community', { ...child, referredBy: 'self' });
      assert.equal(byThemselves.statusCode, 400);
      assert.match(byThemselves.body, /A parent or carer needs to fill in this form for a child under 16/);
      const noCarer = await browser.post('/refer/camhs-community', { ...child, referredBy: 'parent-or-carer' });
      assert.equal(noCarer.statusCode, 400);
      for (const id of ['carerName', 'carerRelationship', 'carerPhone'])
        assert.match(noCarer.body, new RegExp(`href="#${id}"`));
      const carer = await browser.post('/refer/camhs-community', {
        ...child,
        referredBy: 'parent-or-carer',
        carerName: 'Jo Brook',
        carerRelationship: 'Mother',
        carerPhone: '07700 900 982',
      });
      assert.equal(carer.statusCode, 303, carer.body);
      const row = await t.database.db
        .selectFrom('access_referrals')
        .select(['communication'])
        .where('reference', '=', (carer.headers.location as string).split('/').pop()!)
        .executeTakeFirstOrThrow();
      const comm = typeof row.communication === 'string' ? JSON.parse(row.communication) : row.communication;
      assert.deepEqual(comm.carer, { name: 'Jo Brook', relationship: 'Mother', phone: '07700 900 982' });
      const teen = await browser.post('/refer/camhs-community', {
        ...child,
        birthYear: String(new Date().getUTCFullYear() - 17),
        referredBy: 'self',
      });
      assert.equal(teen.statusCode, 303, 'a young person of 16 or 17 may refer themselves');
    });

    test('first contact is recorded when it happened: a past London time, not the future, not before the referral', async () => {
      const accepted = await t.database.db
        .selectFrom('access_referrals')
        .select(['id', 'received_at'])
        .where('status', '=', 'accepted')
        .orderBy('received_at')
        .executeTakeFirstOrThrow();
      const browser = new Browser(t.app);
      await browser.signIn('spa');
      const page = await browser.get(`/access/referrals/${accepted.id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /When did it happen\? \(London time\)/);
      const url = `/access/referrals/${accepted.id}/first-contact`;
      const next = new Date(Date.now() + 2 * 86_400_000);
      const future = await browser.post(url, {
        atDay: String(next.getUTCDate()),
        atMonth: String(next.getUTCMonth() + 1),
        atYear: String(next.getUTCFullYear()),
        atTime: '10:00',
      });
      assert.equal(future.statusCode, 400);
      assert.match(future.body, /must not be in the future/);
      const early = await browser.post(url, { atDay: '1', atMonth: '1', atYear: '2000', atTime: '09:00' });
      assert.equal(early.statusCode, 400);
      assert.match(early.body, /must be after the referral was received/);
      const half = await browser.post(url, { atDay: '31', atMonth: '2', atYear: '2026', atTime: '9' });
      assert.equal(half.statusCode, 400);
      assert.match(half.body, /Enter the date and time of first contact/);
      // An hour ago, in London wall-clock time.
      const when = new Date(Date.now() - 3_600_000);
      const wall = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/London',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).formatToParts(when);
      const part = (type: string) => wall.find((p) => p.type === type)!.value;
      const received = new Date(accepted.received_at as unknown as string);
      assert.ok(when > received, 'the seeded referral arrived more than an hour ago');
      const ok = await browser.post(url, {
        atDay: part('day'),
        atMonth: part('month'),
        atYear: part('year'),
        atTime: `${part('hour')}:${part('minute')}`,
      });
      assert.equal(ok.statusCode, 303, ok.body);
      const row = await t.database.db
        .selectFrom('access_referrals')
        .select(['first_contact_at', 'status'])
        .where('id', '=', accepted.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'first-contact-made');
      const at = new Date(row.first_contact_at as unknown as string).getTime();
      assert.ok(
        Math.abs(at - (when.getTime() - (when.getTime() % 60_000))) < 1000,
        `recorded at the time given, not now (${at})`,
      );
    });

    test('the central point of access page gives each borough team its phone number and hours from the directory', async () => {
      const page = await t.app.inject({
        url: '/offer/components/central-point-of-access',
        headers: { accept: 'text/html' },
      });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /How to contact the central point of access/);
      assert.match(page.body, /Central point of access, Barnet/);
      assert.match(page.body, /href="tel:02079460040">020 7946 0040<\/a>/);
      assert.match(page.body, /Monday to Friday 08:00 to 20:00; weekends 09:00 to 13:00/);
      assert.equal((page.body.match(/href="tel:/g) ?? []).length, 5, 'one line per borough');
      const other = await t.app.inject({
        url: '/offer/components/nhs-talking-therapies',
        headers: { accept: 'text/html' },
      });
      assert.doesNotMatch(other.body, /How to contact the central point of access/);
    });

    test('the footer links to a service status page for people, and the audit log finds a username', async () => {
      const home = await t.app.inject({ url: '/', headers: { accept: 'text/html' } });
      assert.match(home.body, /href="\/status"[^>]*>\s*Service status/);
      if (engine === 'pglite')
        assert.match(
          home.body,
          /<section class="app-demo-banner" aria-label="Demonstration service">/,
          'in a landmark',
        );
      const status = await t.app.inject({ url: '/status', headers: { accept: 'text/html' } });
      assert.equal(status.statusCode, 200);
      assert.match(status.headers['content-type'] as string, /text\/html/);
      assert.match(status.body, /Core Offer is working normally/);
      assert.equal((await t.app.inject('/healthz')).json().status, 'ok', 'machines keep /healthz');

      const spa = new Browser(t.app);
      await spa.signIn('spa');
      await spa.get('/access');
      const admin = new Browser(t.app);
      await admin.signIn('admin');
      const csv = await admin.get('/admin/audit?actor=spa&format=csv');
      assert.equal(csv.statusCode, 200);
      const rows = csv.body.trim().split('\n').slice(1);
      assert.ok(
        rows.some((r) => r.includes(',spa,') && r.includes('sign-in')),
        'searching "spa" finds the spa account by its username',
      );
      const none = await admin.get('/admin/audit?actor=no-such-user-anywhere&format=csv');
      assert.equal(none.body.trim().split('\n').length, 1, 'only the header');
    });

    test('indicator pages speak to their reader, not about how the data was made', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('analyst');
      const page = await browser.get('/outcomes/indicators/LW3.1');
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /the seed|seed 00\d/i);
      assert.match(page.body, /how many people in each community start talking therapies/);
    });

    test('an indicator page says which period it shows: the latest with figures, unless the reader chose one', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('analyst');
      const page = await browser.get('/outcomes/indicators/LW3.1');
      const options = [...page.body.matchAll(/<option value="(\d{4}\/\d\d Q\d)"/g)].map((m) => m[1] as string);
      const latest = [...options].sort().at(-1) as string;
      assert.ok(latest, 'the page offers periods');
      assert.match(
        page.body,
        new RegExp(`Showing <strong>${latest.replace('/', '\\/')}</strong>, the latest period with figures`),
      );
      const earliest = [...options].sort()[0] as string;
      const chosen = await browser.get(`/outcomes/indicators/LW3.1?period=${encodeURIComponent(earliest)}`);
      assert.match(chosen.body, new RegExp(`Showing <strong>${earliest.replace('/', '\\/')}</strong>\\.`));
    });

    test('analysis pages name things as people read them: full row labels, need in words', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('commissioner');
      const gaps = await browser.get('/analysis/gaps');
      assert.equal(gaps.statusCode, 200);
      const start = gaps.body.indexOf('aria-labelledby="gap-matrix-title');
      const svg = gaps.body.slice(start, gaps.body.indexOf('</svg>', start));
      const labels = [...svg.matchAll(/text-anchor="end"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
      assert.ok(labels.length > 20, 'the heat map has its row labels');
      assert.ok(!labels.some((l) => l.includes('…')), labels.filter((l) => l.includes('…')).join('; '));
      assert.ok(labels.includes('Physical health checks for people with severe mental illness'));
      const variation = await browser.get('/analysis/variation');
      assert.equal(variation.statusCode, 200);
      assert.doesNotMatch(variation.body, /weighted by [a-z]+-[a-z-]+/, 'no slugs');
      assert.match(variation.body, /weighted by care home beds/);
    });
  });
}
