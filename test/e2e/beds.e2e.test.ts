// A bed manager asks for a bed, sees the proposed beds, allocates the first, admits and discharges; then a
// request no NCL bed can meet is placed out of area, and is listed to come home once a bed frees. axe-core
// finds no serious or critical problems on any page; screenshots go to test-results/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAccessible, chromiumAvailable, screenshot, signIn, useLiveBrowser } from '../support/browser.ts';

function nhs(n: number): string {
  for (let k = n; ; k++) {
    const nine = `997${String(k).padStart(6, '0')}`;
    const sum = [...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check !== 10) return `${nine}${check === 11 ? 0 : check}`;
  }
}

describe('mental health beds in the browser', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('request → proposed beds → allocate → admit → discharge; an out-of-area placement listed to come home when a bed frees', async () => {
    const context = await session.browser.newContext();
    const page = await context.newPage();
    const base = session.live.baseUrl;
    await signIn(page, base, 'bed_manager');

    await page.goto(`${base}/beds`);
    assert.equal(await page.locator('h1').textContent(), 'Mental health beds in North Central London');
    assert.match((await page.locator('#totals').textContent()) ?? '', /beds? free/);
    await assertAccessible(page);
    await screenshot(page, 'beds-board');

    await page.getByRole('link', { name: 'Ask for a bed' }).first().click();
    await page.waitForURL('**/beds/requests/new');
    await page.getByRole('button', { name: 'Send request' }).click();
    const summary = (await page.locator('.nhsuk-error-summary').textContent()) ?? '';
    assert.match(summary, /NHS number/);
    assert.match(summary, /Select the type of bed needed/);
    await assertAccessible(page);
    await screenshot(page, 'beds-request-errors');

    const fill = async (
      n: number,
      type: string,
      sex: 'Male accommodation' | 'Female accommodation',
      postcode: string,
    ) => {
      await page.goto(`${base}/beds/requests/new`);
      await page.getByLabel('NHS number').fill(nhs(n));
      await page.getByLabel('First name').fill(`Journey${n}`);
      await page.getByLabel('Last name').fill('Tester');
      await page.getByLabel('Date of birth').fill('1979-04-02');
      await page.getByLabel('Home postcode').fill(postcode);
      await page.getByLabel(type, { exact: true }).check();
      await page.getByLabel(sex, { exact: true }).check();
      await page.getByLabel('Emergency (today)').check();
      await page.getByLabel('Who is asking').selectOption('liaison');
      await page.getByRole('button', { name: 'Send request' }).click();
      await page.waitForURL('**/beds/requests/*?created=1');
    };

    await fill(1, 'Adult acute', 'Female accommodation', 'EN1 1HN');
    assert.match((await page.locator('.nhsuk-notification-banner').textContent()) ?? '', /Request sent/);
    const firstOption = page.locator('input[name="bedId"]').first();
    assert.ok(await firstOption.isChecked(), 'the first proposed bed is chosen');
    assert.match((await page.locator('.nhsuk-radios__item').first().textContent()) ?? '', /In the home borough/);
    await assertAccessible(page);
    await screenshot(page, 'beds-request-proposals');

    await page.getByRole('button', { name: 'Allocate bed' }).click();
    await page.waitForURL('**?allocated=1');
    assert.match((await page.locator('main').textContent()) ?? '', /Allocated bed/);
    await assertAccessible(page);
    await page.getByRole('button', { name: 'Admit' }).click();
    await page.waitForURL('**/beds/stays/*?admitted=1');
    assert.match((await page.locator('main').textContent()) ?? '', /Occupied/);
    await assertAccessible(page);
    await screenshot(page, 'beds-admission');

    await page.getByLabel('Usual home').check();
    await page.getByRole('button', { name: 'Discharge', exact: true }).click();
    await page.waitForURL('**?done=discharged');
    assert.match((await page.locator('main').textContent()) ?? '', /Discharged: the bed is free/);
    await assertAccessible(page);

    // No male PICU bed is free: place out of area.
    await fill(2, 'Psychiatric intensive care (PICU)', 'Male accommodation', 'N17 6AB');
    assert.match((await page.locator('main').textContent()) ?? '', /No suitable bed is free in NCL/);
    await assertAccessible(page);
    await page.getByRole('link', { name: 'Record an out-of-area placement' }).click();
    await page.getByLabel('Receiving provider', { exact: true }).fill('Journey independent PICU');
    await page.getByLabel('Postcode of the receiving unit').fill('CM20 1QR');
    await page.getByLabel('Reason').selectOption('10');
    await page.getByLabel('Cost per day, in pounds').fill('1270');
    await assertAccessible(page);
    await screenshot(page, 'beds-place-out');
    await page.getByRole('button', { name: 'Record placement' }).click();
    await page.waitForURL('**/beds/placements?created=1');
    const row = page.locator('tbody tr', { hasText: 'Journey2 Tester' });
    assert.match((await row.textContent()) ?? '', /No bed free yet/);
    await assertAccessible(page);

    // A Highgate PICU bed frees up.
    await page.goto(`${base}/beds/stays`);
    await assertAccessible(page);
    await page
      .locator('tbody tr', { hasText: 'Highgate PICU' })
      .filter({ hasNotText: 'On leave' })
      .first()
      .getByRole('link')
      .click();
    await page.getByLabel('Usual home').check();
    await page.getByRole('button', { name: 'Discharge', exact: true }).click();
    await page.waitForURL('**?done=discharged');

    await page.goto(`${base}/beds/placements`);
    const card = page.locator('.nhsuk-card', { hasText: 'Journey2 Tester' });
    assert.equal(await card.count(), 1, 'listed among those who could come home');
    assert.match((await card.textContent()) ?? '', /Highgate PICU/);
    await assertAccessible(page);
    await screenshot(page, 'beds-repatriation');

    await page.goto(`${base}/beds/figures`);
    await assertAccessible(page);
    await screenshot(page, 'beds-figures');
    await context.close();
  });
});
