// A finance lead (commissioner) copies the agreed plan, changes an assumption, re-runs the model, compares the
// result with the agreed plan and downloads the workbook. axe-core finds no serious or critical problems.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAccessible, chromiumAvailable, screenshot, signIn, useLiveBrowser } from '../support/browser.ts';

describe('impact and affordability in the browser', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('change an assumption, re-run, compare with the agreed plan, download the XLSX', async () => {
    const context = await session.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const base = session.live.baseUrl;
    await signIn(page, base, 'commissioner');
    await page.goto(`${base}/finance`);
    await assertAccessible(page);
    await screenshot(page, 'finance-scenarios');

    await page.getByRole('link', { name: /NCL core offer plan/ }).click();
    await page.waitForURL('**/finance/scenarios/*');
    assert.match((await page.locator('main').textContent()) ?? '', /Investment against funding/);
    await assertAccessible(page);
    await screenshot(page, 'finance-agreed-plan');

    await page.goto(`${base}/finance`);
    await page.getByLabel('Name').fill('Dearer nurses');
    await page.getByLabel('Start from').selectOption({ label: 'NCL core offer plan 2023-24 to 2027-28' });
    await page.getByRole('button', { name: 'Create scenario' }).click();
    await page.waitForURL('**/finance/scenarios/*?created=1');
    const scenarioUrl = page.url().split('?')[0];

    await page.getByRole('link', { name: 'Assumptions and their sources' }).click();
    await page.waitForURL('**/assumptions');
    await assertAccessible(page);
    await screenshot(page, 'finance-assumptions');
    await page.getByLabel('Most likely: Nurse, Agenda for Change band 6 (incl. qualifications)').fill('-1');
    await page.getByRole('button', { name: 'Save assumptions' }).click();
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /cannot be below 0/);
    await assertAccessible(page);
    await page.getByLabel('Most likely: Nurse, Agenda for Change band 6 (incl. qualifications)').fill('120000');
    await page.getByLabel('High: Nurse, Agenda for Change band 6 (incl. qualifications)').fill('130000');
    await page.getByRole('button', { name: 'Save assumptions' }).click();
    await page.waitForURL('**/assumptions?saved=1');
    assert.match((await page.locator('main').textContent()) ?? '', /Changed by Demo commissioner/);

    await page.goto(scenarioUrl);
    await page.getByRole('button', { name: 'Run the model' }).click();
    await page.waitForURL('**?started=1');
    // The run happens in a worker thread; the page says how far it has got until it is done.
    for (let i = 0; i < 60; i++) {
      const text = (await page.locator('main').textContent()) ?? '';
      if (/Investment over the plan/.test(text) && !/Running:/.test(text)) break;
      await page.waitForTimeout(2000);
      await page.goto(scenarioUrl);
    }
    assert.match((await page.locator('main').textContent()) ?? '', /Investment over the plan/);
    await assertAccessible(page);
    await screenshot(page, 'finance-rerun');

    await page.getByRole('link', { name: 'Compare with the agreed plan' }).click();
    await page.waitForURL('**/finance/compare*');
    const compare = (await page.locator('main').textContent()) ?? '';
    assert.match(compare, /Nurse, Agenda for Change band 6/);
    assert.match(compare, /Affordability gap/);
    await assertAccessible(page);
    await screenshot(page, 'finance-compare');

    await page.goto(scenarioUrl);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'everything as Excel (XLSX)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^finance-dearer-nurses\.xlsx$/);
    await context.close();
  });

  test('productivity per provider and band, and the agreed plan as a printable board paper', async () => {
    const context = await session.browser.newContext();
    const page = await context.newPage();
    const base = session.live.baseUrl;
    await signIn(page, base, 'analyst');
    await page.goto(`${base}/finance`);
    await page.getByRole('link', { name: 'Productivity benchmarking' }).click();
    await page.waitForURL('**/finance/productivity');
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, /Whittington Health NHS Trust/);
    assert.match(text, /Band 8a and above/);
    // The wide tables scroll inside a named region a keyboard user can focus.
    const region = page.getByRole('region', { name: /productivity by provider and service/ });
    await region.focus();
    assert.equal(await region.evaluate((el) => el === document.activeElement), true);
    await assertAccessible(page);
    await screenshot(page, 'finance-productivity');

    await page.goto(`${base}/finance`);
    await page.getByRole('link', { name: /NCL core offer plan/ }).click();
    await page.waitForURL('**/finance/scenarios/*');
    await page.getByRole('link', { name: 'Board paper (printable)' }).click();
    await page.waitForURL('**/board-paper');
    const paper = (await page.locator('main').textContent()) ?? '';
    for (const heading of [
      /Investment against funding by year, stacked by lever/,
      /P10 to P90 band/,
      /by borough/,
      /matter most/,
    ]) {
      assert.match(paper, heading);
    }
    assert.equal(await page.locator('main svg[role="img"]').count(), 4);
    assert.equal(await page.locator('main table').count(), 4);
    assert.equal((paper.match(/Text alternative:/g) ?? []).length, 4);
    await assertAccessible(page);
    await screenshot(page, 'finance-board-paper');
    // Printed, the paper drops the header, the footer and the page's own links.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.nhsuk-header').isVisible(), false);
    assert.equal(await page.locator('footer').first().isVisible(), false);
    assert.equal(await page.getByText('Print this page').isVisible(), false);
    assert.equal(await page.locator('main svg[role="img"]').first().isVisible(), true);
    await screenshot(page, 'finance-board-paper-print');
    await context.close();
  });
});
