// A visit coordinator signs in, opens today's board, adds an urgent visit and sees where it went, locks a
// visit and re-plans; a clinician opens their own day list. axe-core finds no serious or critical problems.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixedClock } from '../../src/platform/clock.ts';
import { assertAccessible, chromiumAvailable, screenshot, signIn, useLiveBrowser } from '../support/browser.ts';

describe('visit scheduling in the browser', { skip: !chromiumAvailable() }, () => {
  // Monday 30 March 2026, 09:00 in London (the day after the clocks went forward): the demo day is this day,
  // so the board opens on today with the current-time line at 09:00, and every step has one outcome.
  const session = useLiveBrowser(fixedClock('2026-03-30T08:00:00Z'));

  test('a coordinator adds an urgent visit, sees it placed, locks a visit and re-plans', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, session.live.baseUrl, 'coordinator');
    await page.getByRole('link', { name: 'Visit planning' }).first().click();
    await page.waitForURL('**/scheduling');
    assert.match((await page.locator('h1').textContent()) ?? '', /Visit planning: Monday, 30 March 2026/);
    assert.equal(await page.locator('svg[role="img"] title').first().count(), 1);
    assert.match((await page.locator('.nhsuk-summary-list').textContent()) ?? '', /2-hour responses met/);
    await assertAccessible(page);
    await screenshot(page, 'scheduling-board');

    // Errors first: the summary names the fields.
    await page.getByRole('button', { name: 'Add visit' }).click();
    const summary = (await page.locator('.nhsuk-error-summary').textContent()) ?? '';
    assert.match(summary, /Enter the patient reference or initials/);
    assert.match(summary, /Select the postcode district/);
    assert.match(summary, /Select the priority/);
    await assertAccessible(page);
    await screenshot(page, 'scheduling-add-visit-errors');

    await page.getByLabel('Patient reference or initials').fill('UCR-E2E');
    await page.getByLabel('Postcode district').selectOption('N7');
    await page.getByLabel('2-hour urgent response').check();
    await page.getByLabel('Earliest start').fill('12:30');
    await page.getByLabel('Length of visit, in minutes').fill('60');
    await page.getByLabel('Nurse', { exact: true }).check();
    await page.getByRole('button', { name: 'Add visit' }).click();
    await page.waitForURL('**/scheduling?**');
    const banner = (await page.locator('.nhsuk-notification-banner').textContent()) ?? '';
    assert.match(banner, /UCR-E2E is planned with .+ as visit \d+, starting at 1[234]:\d\d\./);
    assert.match(banner, /No other visit changed clinician/);
    assert.equal(await page.locator('td', { hasText: 'UCR-E2E' }).count(), 1);
    await assertAccessible(page);
    await screenshot(page, 'scheduling-visit-added');

    // Lock the new visit to another nurse, then re-plan: it stays there.
    const option = await page.locator('#visitId option', { hasText: 'UCR-E2E' }).getAttribute('value');
    assert.ok(option);
    await page.locator('#visitId').selectOption(option);
    await page.locator('#clinicianId').selectOption('cl-hugo');
    await page.getByRole('button', { name: 'Save lock' }).click();
    await page.waitForURL('**/scheduling?**');
    const lockBanner = (await page.locator('.nhsuk-notification-banner').textContent()) ?? '';
    assert.match(lockBanner, /UCR-E2E is locked to Hugo Brennan, as visit 1 at 12:30\./);
    await page.getByRole('button', { name: 'Re-plan the day' }).click();
    await page.waitForURL('**/scheduling?**', { timeout: 30_000 });
    assert.match((await page.locator('.nhsuk-notification-banner').textContent()) ?? '', /Day re-planned/);
    const hugo = page.locator('#clinician-cl-hugo + p + div table');
    assert.equal(await hugo.locator('td', { hasText: 'UCR-E2E' }).count(), 1);
    await assertAccessible(page);
    await screenshot(page, 'scheduling-replanned');
    await context.close();
  });

  test('a clinician opens their own day list, ready to print', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1024, height: 900 } });
    const page = await context.newPage();
    await signIn(page, session.live.baseUrl, 'clinician');
    await page.getByRole('link', { name: 'My visits' }).first().click();
    await page.waitForURL('**/scheduling/clinicians/cl-amara');
    assert.match((await page.locator('h1').textContent()) ?? '', /Amara Mensah/);
    assert.ok((await page.locator('ol li').count()) >= 1);
    await assertAccessible(page);
    await screenshot(page, 'scheduling-clinician-day');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'scheduling-clinician-day-print');
    await context.close();
  });
});
