// A silver triage consultant logs an ambulance crew's call and refers the person to urgent community response;
// the central point of access sees the referral in its worklist, urgent, due two hours after the call.
// axe-core finds no serious or critical problems on any page.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAccessible, chromiumAvailable, screenshot, signIn, useLiveBrowser } from '../support/browser.ts';

describe('silver triage in the browser', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('a call referred to urgent community response reaches the central point of access with a 2-hour clock', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, session.live.baseUrl, 'clinician');
    await page.getByRole('link', { name: 'Silver triage' }).first().click();
    await page.waitForURL('**/silver-triage');
    await assertAccessible(page);

    await page.getByRole('button', { name: 'Log the call' }).click();
    const summary = (await page.locator('.nhsuk-error-summary').textContent()) ?? '';
    assert.match(summary, /Enter who called/);
    assert.match(summary, /Enter the age/);
    await assertAccessible(page);

    const calledAt = new Date(Date.now() - 10 * 60_000);
    const local = (d: Date) => d.toISOString().slice(0, 16);
    await page.getByLabel('Who called (crew)').fill('LAS crew 7');
    await page.getByLabel('Call sign').fill('K44');
    await page.getByLabel('Incident number').fill('LAS-E2E-0001');
    await page.getByLabel('Time of the call').fill(local(calledAt));
    await page.getByLabel('Age', { exact: true }).fill('86');
    await page.getByLabel('Postcode', { exact: true }).fill('N19 5HX');
    await page.getByLabel('NHS number (if known)').fill('943 476 5919');
    await page.getByLabel('Time answered').fill(new Date(calledAt.getTime() + 60_000).toISOString());
    await page.getByLabel('Advice given').fill('Fall, no injury; urgent community response to assess at home today');
    await page.getByLabel('Outcome', { exact: true }).selectOption('referred-ucr');
    await page.locator('summary', { hasText: "the person's details" }).click();
    await page.getByLabel('First name').fill('Winifred');
    await page.getByLabel('Last name').fill('Triage');
    await page.getByLabel('Date of birth').fill('1940-06-01');
    await page.getByRole('button', { name: 'Log the call' }).click();
    await page.waitForURL('**/silver-triage/calls/**');
    const banner = (await page.locator('.nhsuk-notification-banner').textContent()) ?? '';
    const reference = /Referral (\S+) is with the central point of access/.exec(banner)?.[1];
    assert.ok(reference, banner);
    await assertAccessible(page);
    await screenshot(page, 'silver-triage-call');

    const spa = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const spaPage = await spa.newPage();
    await signIn(spaPage, session.live.baseUrl, 'spa');
    await spaPage.goto(`${session.live.baseUrl}/access`);
    const row = spaPage.locator('tr', { hasText: reference as string });
    assert.equal(await row.count(), 1, 'the referral is on the worklist');
    const text = (await row.textContent()) ?? '';
    assert.match(text, /Urgent/);
    const due = new Date(calledAt.getTime() + 2 * 3_600_000);
    const hhmm = new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone: 'Europe/London' }).format(due);
    assert.ok(text.includes(hhmm), `due two hours after the call (${hhmm}): ${text}`);
    await assertAccessible(spaPage);
    await screenshot(spaPage, 'silver-triage-cpa-worklist');
    await spa.close();
    await context.close();
  });
});
