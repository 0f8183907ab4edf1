// A resident refers themselves from the public form; a triager signs in, finds the referral on the worklist,
// claims it and accepts it for a service. axe-core finds no serious or critical problems on any page.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nhsNumberCheckDigit } from '../../src/modules/access/index.ts';
import { assertAccessible, chromiumAvailable, screenshot, useLiveBrowser } from '../support/browser.ts';

function nhs(n: number): string {
  for (let b = n; ; b++) {
    const nine = `95${String(b).padStart(7, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

describe('central point of access in the browser', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('a self-referral from the public form reaches the triage worklist, and is claimed and accepted', async () => {
    const resident = await session.browser.newContext();
    const page = await resident.newPage();
    // From the public component page, by its self-referral link.
    await page.goto(`${session.live.baseUrl}/offer/components/falls-prevention`);
    await page
      .getByRole('link', { name: /^Refer yourself/ })
      .first()
      .click();
    await page.waitForURL('**/refer/falls-prevention*');
    assert.equal(await page.locator('h1').textContent(), 'Refer yourself');
    await assertAccessible(page);
    await screenshot(page, 'access-self-referral-form');

    await page.getByRole('button', { name: 'Send referral' }).click();
    const summary = (await page.locator('.nhsuk-error-summary').textContent()) ?? '';
    assert.match(summary, /Enter your NHS number/);
    assert.match(summary, /Enter your date of birth/);
    await assertAccessible(page);
    await screenshot(page, 'access-self-referral-errors');

    const nhsNumber = nhs(4242);
    await page.getByLabel('NHS number').fill(nhsNumber);
    await page.getByLabel('First name').fill('Edith');
    await page.getByLabel('Last name').fill('Browne');
    await page.getByLabel('Day').fill('14');
    await page.getByLabel('Month').fill('2');
    await page.getByLabel('Year').fill('1941');
    await page.getByLabel('Home postcode').fill('n19 5hx');
    await page.getByLabel('Phone call', { exact: true }).check();
    await page.getByRole('textbox', { name: /Phone number/ }).fill('020 7946 0321');
    await page
      .getByRole('group', { name: /interpreter for a spoken language/ })
      .getByLabel('Yes')
      .check();
    await page.getByLabel('If yes, which language?').fill('Polish');
    await page.getByLabel('Anything else that helps us communicate with you (optional)').fill('I use a hearing aid');
    await page.getByLabel('Routine', { exact: true }).check();
    await page.getByLabel('Tell us what is happening').fill('I have fallen twice this winter.');
    await page.getByRole('button', { name: 'Send referral' }).click();
    await page.waitForURL('**/refer/confirmation/*');
    const reference = (await page.locator('.nhsuk-panel strong').textContent())?.trim() ?? '';
    assert.match(reference, /^CPA-[A-Z0-9]{8}$/);
    assert.match((await page.locator('main').textContent()) ?? '', /You should hear from us by/);
    await assertAccessible(page);
    await screenshot(page, 'access-self-referral-confirmation');
    await resident.close();

    const staff = await session.browser.newContext();
    const triager = await staff.newPage();
    await triager.goto(`${session.live.baseUrl}/sign-in?next=/access`);
    await triager.getByLabel('Username').fill('spa');
    await triager.getByLabel('Password').fill('demo-password');
    await triager.getByRole('button', { name: 'Sign in' }).click();
    await triager.waitForURL('**/access');
    const row = triager.locator('tbody tr', { hasText: reference });
    assert.equal(await row.count(), 1, 'the new referral is on the triage worklist');
    assert.match((await row.textContent()) ?? '', /Edith Browne/);
    assert.match((await row.textContent()) ?? '', /On track|Due soon/);
    await assertAccessible(triager);
    await screenshot(triager, 'access-worklist');

    await row.getByRole('button', { name: /^Claim referral/ }).click();
    await triager.waitForURL('**/access/referrals/*');
    assert.match((await triager.locator('.nhsuk-notification-banner').textContent()) ?? '', /You have claimed/);
    const main = (await triager.locator('main').textContent()) ?? '';
    assert.match(main, /Yes: Polish/);
    assert.match(main, /I use a hearing aid/);
    await triager.getByRole('button', { name: 'Save triage' }).click();
    await triager.getByRole('button', { name: 'Accept referral' }).click();
    assert.match((await triager.locator('.nhsuk-notification-banner').textContent()) ?? '', /Referral accepted/);
    await triager.getByLabel('What does the person need help with?').fill('loneliness');
    await triager.getByRole('button', { name: 'Search local support' }).click();
    await assertAccessible(triager);
    await screenshot(triager, 'access-referral-accepted');

    await triager.goto(`${session.live.baseUrl}/access/new`);
    await triager.getByRole('button', { name: 'Send referral' }).click();
    assert.match((await triager.locator('.nhsuk-error-summary').textContent()) ?? '', /Choose the service/);
    await assertAccessible(triager);
    await screenshot(triager, 'access-professional-referral-errors');

    // A demo referral no local service could take: the gap is shown to the triager.
    await triager.goto(`${session.live.baseUrl}/access`);
    await triager.getByRole('link', { name: 'Leo Marsh' }).click();
    assert.match((await triager.locator('.nhsuk-card--warning').first().textContent()) ?? '', /No service found/);
    await assertAccessible(triager);
    await screenshot(triager, 'access-referral-gap');
    await staff.close();
  });

  test('a commissioner sees the offer gaps and response times', async () => {
    const context = await session.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${session.live.baseUrl}/sign-in?next=/access/gaps`);
    await page.getByLabel('Username').fill('commissioner');
    await page.getByLabel('Password').fill('demo-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/access/gaps');
    assert.match((await page.locator('main').textContent()) ?? '', /Gap in provision/);
    await assertAccessible(page);
    await screenshot(page, 'access-offer-gaps');
    await context.close();
  });
});
