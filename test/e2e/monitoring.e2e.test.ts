// A commissioner reads delivery against the plan: the ICS position, a borough that is behind (in words as well
// as colour), then its board pack; at 375 px nothing makes the page scroll sideways. axe-core finds no serious
// or critical problems on any of them. The pack shows what the services recorded (from their modules) and,
// once the commissioner issues it, what moved since the last issued pack.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAccessible, chromiumAvailable, screenshot, signIn, useLiveBrowser } from '../support/browser.ts';

describe('delivery against the plan in the browser', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('a commissioner reads a borough that is behind and opens its board pack, at 1280 and 375 px', async () => {
    for (const [width, suffix] of [
      [1280, '1280'],
      [375, '375'],
    ] as const) {
      const context = await session.browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await signIn(page, session.live.baseUrl, 'commissioner');
      await page.goto(`${session.live.baseUrl}/monitoring`);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Delivery against the plan');
      await assertAccessible(page);
      await page.getByRole('link', { name: 'Enfield', exact: true }).first().click();
      await page.waitForURL(/\/monitoring\/boroughs\/E09000010/);
      const main = (await page.locator('main').textContent()) ?? '';
      assert.match(main, /behind by \d+%/, 'a borough behind its plan says so in words');
      assert.match(main, /What the services recorded, Enfield/, 'actuals read from the other modules');
      assert.match(main, /Where these figures come from/);
      await assertAccessible(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the borough page scrolls sideways by ${overflow}px at ${width}px`);
      await screenshot(page, `monitoring-enfield-${suffix}`);
      await page.getByRole('link', { name: /Board pack for Enfield/ }).click();
      await page.waitForURL('**/monitoring/board-pack**');
      await assertAccessible(page);
      assert.match((await page.locator('main').textContent()) ?? '', /Outcome indicators by quarter, Enfield/);
      if (width === 1280) {
        // The commissioner issues the pack; the next one compares with it.
        await page.getByRole('button', { name: 'Issue this pack' }).click();
        await page.waitForURL(/issued=1/);
        const issued = (await page.locator('main').textContent()) ?? '';
        assert.match(issued, /This pack was issued/);
        assert.match(issued, /Compared with the pack issued on/);
        await assertAccessible(page);
      }
      const packOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(packOverflow <= 0, `the board pack scrolls sideways by ${packOverflow}px at ${width}px`);
      await screenshot(page, `monitoring-pack-${suffix}`);
      await context.close();
    }
  });

  test('an analyst imports a quarter’s return in the browser: problems by row and column first, then saved', async () => {
    const context = await session.browser.newContext();
    const page = await context.newPage();
    // The commissioner opens Q3 for returns (the demo may have opened it already).
    await signIn(page, session.live.baseUrl, 'commissioner');
    await page.goto(`${session.live.baseUrl}/monitoring?year=2023-24`);
    const open = page.getByRole('button', { name: 'Open Q3 2023-24' });
    if ((await open.count()) > 0) {
      await open.click();
      await page.waitForLoadState('load');
    }
    assert.equal(await page.getByRole('button', { name: 'Close Q3 2023-24' }).count(), 1, 'Q3 is open for returns');
    await page.goto(`${session.live.baseUrl}/sign-out`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, session.live.baseUrl, 'analyst');
    await page.goto(`${session.live.baseUrl}/monitoring/returns`);
    await assertAccessible(page);
    const header = 'provider,financial_year,quarter,borough,component,spend,staff_in_post,activity,bed_days_saved';
    const upload = async (name: string, text: string) => {
      await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
      await page.getByRole('button', { name: 'Check and submit' }).click();
      await page.waitForLoadState('load');
    };
    await upload('q3-wrong.csv', `${header}\nRKE,2023-24,3,E09000019,urgent-community-response,-5,,,\n`);
    const problems = (await page.locator('main').textContent()) ?? '';
    assert.match(problems, /There is a problem/);
    assert.match(problems, /spend/);
    await assertAccessible(page);
    await screenshot(page, 'monitoring-return-errors');
    await upload('q3.csv', `${header}\nRKE,2023-24,3,E09000019,urgent-community-response,25000,2.5,180,\n`);
    const saved = (await page.locator('main').textContent()) ?? '';
    assert.match(saved, /Return received/);
    assert.match(saved, /1 rows from RKE for Q3 2023-24 saved from q3\.csv/);
    await assertAccessible(page);
    await screenshot(page, 'monitoring-return-saved');
    await context.close();
  });
});
