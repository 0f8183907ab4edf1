// A person's first visit: the public home page, then a member of staff signs in and reaches their home
// page; axe-core finds no serious or critical problems on any page visited.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  chromiumAvailable,
  describeViolations,
  screenshot,
  seriousViolations,
  useLiveBrowser,
} from '../support/browser.ts';

describe('platform in the browser', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('home page, sign-in as a commissioner, staff home and sign-out, each accessible', async () => {
    const context = await session.browser.newContext();
    const page = await context.newPage();
    // The service must work on a network with no internet: no page asks another site for anything.
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(session.live.baseUrl) && !request.url().startsWith('data:')) {
        elsewhere.push(request.url());
      }
    });
    await page.goto(`${session.live.baseUrl}/`);
    assert.equal(await page.locator('h1').textContent(), 'Community and mental health services you can expect');
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'platform-home');

    await page.getByRole('link', { name: 'Staff sign in' }).click();
    await page.waitForURL('**/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Enter your username/);
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'platform-sign-in-errors');

    await page.getByLabel('Username').fill('commissioner');
    await page.getByLabel('Password').fill('demo-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/staff');
    assert.match((await page.locator('h1').textContent()) ?? '', /Welcome, Demo commissioner/);
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'platform-staff-home');

    await page.goto(`${session.live.baseUrl}/admin/audit`);
    assert.match((await page.locator('h1').textContent()) ?? '', /You cannot use this page/);
    assert.deepEqual(elsewhere, [], 'requests to other sites');

    await page.getByRole('link', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    assert.equal(await page.locator('h1').textContent(), 'You have signed out');
    await context.close();
  });

  test('an administrator searches the audit log', async () => {
    const context = await session.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${session.live.baseUrl}/sign-in`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('demo-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${session.live.baseUrl}/admin/audit?action=sign-in`);
    assert.ok((await page.locator('tbody tr').count()) >= 1);
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'platform-audit-log');
    await context.close();
  });
});
