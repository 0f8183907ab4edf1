// A virtual ward clinician signs in, opens the ward board, admits a patient (errors first), records
// observations that escalate, and answers the escalation; a commissioner sees capacity by borough.
// axe-core finds no serious or critical problems on any page.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAccessible, chromiumAvailable, screenshot, signIn, useLiveBrowser } from '../support/browser.ts';

describe('virtual wards in the browser', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('a clinician admits, records observations that escalate, and answers the escalation', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, session.live.baseUrl, 'clinician');
    await page.getByRole('link', { name: 'Virtual wards' }).first().click();
    await page.waitForURL('**/virtual-wards');
    await assertAccessible(page);
    await page.getByRole('link', { name: 'Haringey frailty virtual ward' }).click();
    assert.match((await page.locator('h1').textContent()) ?? '', /Haringey frailty virtual ward/);
    await assertAccessible(page);
    await screenshot(page, 'virtual-wards-board');

    await page.getByRole('button', { name: 'Admit a patient' }).click();
    await page.getByRole('button', { name: 'Admit' }).click();
    const summary = (await page.locator('.nhsuk-error-summary').textContent()) ?? '';
    assert.match(summary, /Enter a valid 10-digit NHS number/);
    assert.match(summary, /Enter the date of birth/);
    await assertAccessible(page);
    await page.getByLabel('NHS number').fill('943 476 5870');
    await page.getByLabel('First name').fill('Edna');
    await page.getByLabel('Last name').fill('Browser');
    await page.getByLabel('Date of birth').fill('1939-07-14');
    await page.getByLabel('First half of the postcode').fill('N17');
    await page.getByLabel(/Step-up/).check();
    await page.getByLabel('Where the admission came from').selectOption('ucr');
    await page.getByRole('button', { name: 'Admit' }).click();
    await page.waitForURL('**/virtual-wards/admissions/**');
    assert.match((await page.locator('.nhsuk-notification-banner').textContent()) ?? '', /Edna Browser is on/);
    // The daily visits' board reference is shown (VW- and the admission id's start: never a name).
    const visits = page.locator('.nhsuk-summary-list__row', { hasText: 'Visits on the scheduling board' });
    assert.match((await visits.textContent()) ?? '', /VW-[0-9A-F]{8}/);
    // The clinician changes the monitoring plan on the page: a blank field is named, then the plan changes.
    await page.getByLabel('Home visits a day').fill('');
    await page.getByRole('button', { name: 'Change the plan' }).click();
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Enter the number of home visits/);
    await assertAccessible(page);
    await page.getByLabel('Observations every (hours)').fill('2');
    await page.getByLabel('Home visits a day').fill('2');
    await page.getByRole('button', { name: 'Change the plan' }).click();
    await page.waitForURL('**planned=1');
    const plan = page.locator('.nhsuk-summary-list__row', { hasText: 'Monitoring plan' });
    assert.match((await plan.textContent()) ?? '', /every 2 hours; 2 home visits a day/);
    // Which observations the plan expects: all seven by default, still ticked after the error above.
    const expected = page.locator('.nhsuk-summary-list__row', { hasText: 'Observations expected' });
    assert.match((await expected.textContent()) ?? '', /Respiration rate, .*Temperature/);
    assert.equal(await page.locator('input[name="observations"]:checked').count(), 7);

    await page.getByLabel('Respiration rate (breaths a minute)').fill('26');
    await page.getByLabel('Oxygen saturation, SpO2 (%)').fill('91');
    await page.getByLabel('Oxygen', { exact: true }).check();
    await page.getByLabel('Systolic blood pressure (mmHg)').fill('98');
    await page.getByLabel('Pulse (beats a minute)').fill('118');
    await page.getByLabel('Consciousness (ACVPU)').selectOption('A');
    await page.getByLabel('Temperature (°C)').fill('38.6');
    await page.getByRole('button', { name: 'Record and score' }).click();
    await page.waitForURL('**recorded=1**');
    // 3 + 3 + 2 + 2 + 2 + 0 + 1 = 13: high
    assert.match((await page.locator('#latest + p').textContent()) ?? '', /13\s+High risk/);
    await assertAccessible(page);
    await screenshot(page, 'virtual-wards-patient');

    await page.goto(`${session.live.baseUrl}/virtual-wards/escalations`);
    const card = page.locator('.nhsuk-card', { hasText: 'Edna Browser' });
    assert.match((await card.textContent()) ?? '', /High risk/);
    await card.getByRole('button', { name: 'Claim' }).click();
    const claimed = page.locator('.nhsuk-card', { hasText: 'Edna Browser' });
    await claimed.getByLabel('What you did').fill('Called 999; conveyed to North Middlesex');
    await claimed.getByLabel('Outcome').selectOption('conveyed-to-hospital');
    await claimed.getByRole('button', { name: 'Record the response' }).click();
    await page.waitForURL('**answered=1');
    assert.equal(await page.locator('.nhsuk-card', { hasText: 'Edna Browser' }).count(), 0);
    await assertAccessible(page);
    await screenshot(page, 'virtual-wards-escalations');
    await context.close();
  });

  test('a commissioner sees capacity by borough against the ambition, with no personal data', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, session.live.baseUrl, 'commissioner');
    await page.goto(`${session.live.baseUrl}/virtual-wards/capacity`);
    assert.equal(await page.locator('table').first().locator('tbody tr').count(), 5);
    // Occupancy over time and discharge outcomes, counts only, small counts as "fewer than 5".
    await assert.doesNotReject(page.getByRole('heading', { name: 'Occupancy over time' }).waitFor());
    await assert.doesNotReject(page.getByRole('heading', { name: 'Discharges and bed days at home' }).waitFor());
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /Doris Amankwah|NHS number/);
    await assertAccessible(page);
    await screenshot(page, 'virtual-wards-capacity');
    await context.close();
  });
});
