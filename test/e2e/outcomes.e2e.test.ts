// An analyst reads the outcomes framework and one indicator: the tree with its legend, then Talking
// Therapies waits with the trend, the borough comparison, the funnel plot and the inequality breakdown, and
// reads the table behind the borough chart. A provider sees its returns page. axe-core finds no serious or
// critical problems on any page visited; screenshots go to test-results/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAccessible, chromiumAvailable, screenshot, signIn, useLiveBrowser } from '../support/browser.ts';

describe('outcomes in the browser', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('an analyst opens an indicator from the framework and reads the table behind its chart', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, session.live.baseUrl, 'analyst');

    await page.getByRole('link', { name: 'Outcomes', exact: true }).first().click();
    await page.waitForURL('**/outcomes');
    assert.equal(await page.locator('h1').textContent(), 'Outcomes framework');
    assert.match(
      (await page.locator('.nhsuk-inset-text').first().textContent()) ?? '',
      /Better[\s\S]*Similar[\s\S]*Worse/,
    );
    await assertAccessible(page);
    await screenshot(page, 'outcomes-overview');

    await page.getByRole('link', { name: /^LW3\.1 NHS Talking Therapies/ }).click();
    await page.waitForURL('**/outcomes/indicators/LW3.1');
    assert.match((await page.locator('h1').textContent()) ?? '', /LW3\.1 NHS Talking Therapies/);
    for (const chart of ['comparison-chart', 'trend-chart', 'funnel-chart', 'inequality-chart']) {
      assert.equal(await page.locator(`svg[aria-labelledby^="${chart}-title"]`).count(), 1, chart);
    }
    const table = page.getByRole('table', { name: /^Boroughs and North Central London, 2023\/24 Q4/ });
    const headers = await table.locator('thead th').allTextContents();
    assert.deepEqual(headers.slice(0, 4), ['Area name', 'Numerator', 'Denominator', 'Value']);
    const rows = await table.locator('tbody tr').allTextContents();
    assert.equal(rows.length, 6, 'NCL and five boroughs');
    assert.match(rows[0]!, /North Central London/);
    assert.ok(rows.some((r) => /Haringey[\s\S]*(Better than|Similar to|Worse than) NCL\s*$/.test(r)));
    assert.match(
      (await page.locator('#inequality ~ p').first().textContent()) ?? '',
      /Slope index of inequality: [-\d.]+ percentage points/,
    );
    await assertAccessible(page);
    await screenshot(page, 'outcomes-indicator');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /^CSV \(Boroughs and North Central London/ }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^LW3\.1-comparison-2023-24-Q4\.csv$/);

    await page.getByLabel('Area').selectOption({ label: 'Haringey' });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL('**area=E09000014**');
    assert.match((await page.locator('#trend').textContent()) ?? '', /Trend for Haringey/);
    await assertAccessible(page);
    await screenshot(page, 'outcomes-indicator-haringey');

    await page.goto(`${session.live.baseUrl}/outcomes/returns`);
    assert.match((await page.locator('h1').textContent()) ?? '', /Outcome returns/);
    await assertAccessible(page);
    await screenshot(page, 'outcomes-returns-analyst');
    await context.close();
  });

  test('a computed indicator shows its deprivation and age breakdowns and says which it cannot have', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, session.live.baseUrl, 'analyst');
    await page.goto(`${session.live.baseUrl}/outcomes/indicators/AW1.1`);
    assert.match((await page.locator('h1').textContent()) ?? '', /AW1\.1 Referrals/);
    const breakdowns = page.getByRole('table', { name: 'Breakdowns of AW1.1' });
    const rows = await breakdowns.locator('tbody tr').allTextContents();
    assert.ok(rows.some((r) => /Ethnic group\s*Not available[\s\S]*does not record ethnic group/.test(r)));
    assert.ok(rows.some((r) => /Age band\s*Available/.test(r)));
    assert.match((await page.locator('#ages').textContent()) ?? '', /By age band/);
    await assertAccessible(page);
    await screenshot(page, 'outcomes-indicator-computed');
    await context.close();
  });

  test('a provider sees its template, upload form and history', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, session.live.baseUrl, 'provider');
    await page.goto(`${session.live.baseUrl}/outcomes/returns`);
    assert.match((await page.locator('h1').textContent()) ?? '', /Your outcome returns/);
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.waitForURL('**/outcomes/returns');
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Select the period/);
    await assertAccessible(page);

    // A file with a mistake: the row-by-row report, and nothing saved.
    const period = await page.locator('#period option').nth(1).getAttribute('value');
    await page.getByLabel('Period', { exact: true }).last().selectOption(period!);
    await page.setInputFiles('#file', {
      name: 'rke-return.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        `indicator_code,period,borough,breakdown,breakdown_value,numerator,denominator,notes\nAW1.2,${period},Haringey,,,80,50,\nAW1.9,${period},Islington,,,1,2,\n`,
      ),
    });
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.waitForURL('**/outcomes/returns');
    assert.match(
      (await page.locator('.nhsuk-error-summary').textContent()) ?? '',
      /rke-return.csv was not accepted: 2 problems/,
    );
    const problems = await page
      .getByRole('table', { name: 'Problems by row and column' })
      .locator('tbody tr')
      .allTextContents();
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /2\s*numerator\s*80\s*The numerator \(80\) must not be more than the denominator/);
    assert.match(problems[1]!, /3\s*indicator_code\s*AW1.9\s*Unknown indicator/);
    await assertAccessible(page);
    await screenshot(page, 'outcomes-returns-provider');
    await context.close();
  });
});
