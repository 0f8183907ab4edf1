// A resident reads "you said, we did" and follows a change to the component's page; a commissioner adds
// feedback, is shown the error summary first, then records it. axe-core finds no serious or critical problems.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAccessible, chromiumAvailable, screenshot, signIn, useLiveBrowser } from '../support/browser.ts';

describe('you said, we did in the browser', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('a resident reads what changed and follows it to the component page', async () => {
    for (const [width, name] of [
      [1280, 'you-said-we-did-1280'],
      [375, 'you-said-we-did-375'],
    ] as const) {
      const context = await session.browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${session.live.baseUrl}/`);
      await page.getByRole('link', { name: 'You said, we did' }).first().click();
      await page.waitForURL('**/you-said-we-did');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'You said, we did');
      await assertAccessible(page);
      await screenshot(page, name);
      if (width === 1280) {
        await page
          .getByRole('link', { name: /See Young adult/i })
          .first()
          .click();
        await page.waitForURL('**/offer/components/young-adult-transition-service');
        await assertAccessible(page);
      }
      await context.close();
    }
  });

  test('a commissioner adds feedback, correcting an error first', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, session.live.baseUrl, 'commissioner');
    await page.getByRole('link', { name: 'You said, we did' }).first().click();
    await page.waitForURL('**/engagement');
    await assertAccessible(page);
    await page.getByLabel('Where it came from').selectOption('healthwatch');
    await page.getByLabel('Date given').fill('2022-02-14');
    await page.locator('#borough').selectOption('E09000010');
    await page.locator('#themes-not-digital-only').check();
    await page.getByLabel('Who it came from, as a group').fill('Older residents, call 020 7946 0000');
    await page.getByLabel('Quote or summary').fill('Keep a phone line for booking appointments.');
    await page.getByRole('button', { name: 'Add feedback' }).click();
    const summary = (await page.locator('.nhsuk-error-summary').textContent()) ?? '';
    assert.match(summary, /group it came from seems to hold a phone number/);
    await assertAccessible(page);
    await screenshot(page, 'engagement-error');
    await page.getByLabel('Who it came from, as a group').fill('Older residents at a Healthwatch event');
    await page.getByRole('button', { name: 'Add feedback' }).click();
    await page.waitForURL('**/engagement?added=1');
    assert.match((await page.locator('main').textContent()) ?? '', /Keep a phone line for booking appointments/);
    await assertAccessible(page);
    await context.close();
  });

  test('an analyst proposes a theme, correcting an error first, and a commissioner approves it', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, session.live.baseUrl, 'analyst');
    await page.goto(`${session.live.baseUrl}/engagement`);
    await page.getByLabel('Name of the theme').fill('Getting there');
    await page.getByLabel('What the theme covers').fill('Travel to appointments');
    await page.getByRole('button', { name: 'Propose the theme' }).click();
    assert.match(
      (await page.locator('.nhsuk-error-summary').textContent()) ?? '',
      /Enter the reason the theme is needed/,
    );
    await assertAccessible(page);
    await page.getByLabel('Why it is needed').fill('Residents far from clinics said travel was hard');
    await page.getByRole('button', { name: 'Propose the theme' }).click();
    await page.waitForURL('**/engagement?proposed=1#themes-proposed');
    assert.match((await page.locator('main').textContent()) ?? '', /Waiting for review/);
    await context.close();
    const c = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await c.newPage();
    await signIn(p, session.live.baseUrl, 'commissioner');
    await p.goto(`${session.live.baseUrl}/engagement#themes-proposed`);
    await assertAccessible(p);
    await p.locator('#review-getting-there-decision').check();
    await p.getByLabel('Reason for the decision on Getting there').fill('Raised in three boroughs');
    await p.getByRole('button', { name: 'Record the decision on Getting there' }).click();
    await p.waitForURL('**/engagement?reviewed=1#themes-proposed');
    await p.locator('#themes-getting-there').waitFor();
    await assertAccessible(p);
    await screenshot(p, 'engagement-theme-approved');
    await c.close();
  });
});
