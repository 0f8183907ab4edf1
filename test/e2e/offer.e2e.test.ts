// A resident looks for help with a stammer and reads what speech and language therapy promises; a
// commissioner changes a response standard in a draft and publishes it. axe-core finds no serious or
// critical problems on any page visited; screenshots go to test-results/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessible, chromiumAvailable, screenshot, useLiveBrowser } from '../support/browser.ts';

async function accessible(page: Page, name: string): Promise<void> {
  await assertAccessible(page);
  await screenshot(page, name);
}

describe('offer in the browser', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('a resident searches "stammer", opens speech and language therapy and reads how fast they will be contacted', async () => {
    const context = await session.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${session.live.baseUrl}/`);
    await page.getByRole('link', { name: 'Find services in the core offer' }).click();
    await page.waitForURL('**/offer');
    assert.equal(await page.locator('h1').textContent(), 'Find community and mental health services');
    await accessible(page, 'offer-browse');

    await page.getByLabel('What do you need help with?').fill('stammer');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL('**/offer?q=stammer*');
    assert.match((await page.locator('#results').textContent()) ?? '', /services? matching “stammer”/);
    await accessible(page, 'offer-search-stammer');

    await page.getByRole('link', { name: 'Speech and language therapy for children' }).click();
    await page.waitForURL('**/offer/components/speech-and-language-therapy-children');
    assert.equal(await page.locator('h1').textContent(), 'Speech and language therapy for children');
    const standards = (await page.locator('.app-offer-standards').first().textContent()) ?? '';
    assert.match(standards, /If it is not urgent, for a first assessment:\s+within 8 weeks/);
    assert.match(standards, /Illustrative/);
    assert.match((await page.locator('main').textContent()) ?? '', /British Sign Language/);
    await accessible(page, 'offer-component-slt');

    await page.goto(`${session.live.baseUrl}/offer/components/urgent-community-response`);
    assert.match((await page.locator('.app-offer-standards').first().textContent()) ?? '', /within 2 hours/);
    await accessible(page, 'offer-component-ucr');

    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${session.live.baseUrl}/offer/components/speech-and-language-therapy-children`);
    await accessible(page, 'offer-component-slt-mobile');
    await page.goto(`${session.live.baseUrl}/offer/components/urgent-community-response`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'offer-component-ucr-print');
    await context.close();
  });

  test('a commissioner drafts a change, sees the error summary, compares and publishes', async () => {
    const context = await session.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${session.live.baseUrl}/sign-in?next=/offer/manage`);
    await page.getByLabel('Username').fill('commissioner');
    await page.getByLabel('Password').fill('demo-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/offer/manage');
    await accessible(page, 'offer-manage');

    await page.getByRole('button', { name: 'Start a draft' }).click();
    await page.waitForURL('**/offer/manage/versions/2?started=1');
    await accessible(page, 'offer-manage-draft');

    await page.getByRole('link', { name: 'Edit Speech and language therapy for children' }).click();
    await page.waitForURL('**/components/speech-and-language-therapy-children');
    await accessible(page, 'offer-edit-component');
    const routine = page.locator('#p0-rs1-firstContact');
    await routine.fill('in a few weeks');
    await page.getByRole('button', { name: 'Save changes' }).click();
    assert.match(
      (await page.locator('.nhsuk-error-summary').textContent()) ?? '',
      /Children and young people, if it is not urgent: Enter the time to first contact/,
    );
    await accessible(page, 'offer-edit-component-errors');
    await page.locator('.nhsuk-error-summary a').first().click();

    await page.locator('#p0-rs1-firstContact').fill('6 weeks');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL('**/offer/manage/versions/2?saved=*');
    await page
      .getByLabel('Change notes')
      .fill('Children wait no more than 6 weeks for a first speech and language therapy assessment');
    await page.getByRole('button', { name: 'Save version details' }).click();
    await page.waitForURL('**/offer/manage/versions/2?details=1');

    await page.getByRole('button', { name: 'Compare with version 1' }).click();
    await page.waitForURL('**/offer/manage/compare?*');
    assert.match((await page.locator('main').textContent()) ?? '', /Children and young people: routine first contact/);
    assert.equal(
      await page.locator('table').last().locator('tbody tr').count(),
      1,
      'saving the form changed only the field edited',
    );
    await accessible(page, 'offer-compare');

    await page.goto(`${session.live.baseUrl}/offer/manage/versions/2/publish`);
    await accessible(page, 'offer-publish-confirm');
    await page.getByRole('button', { name: 'Publish version 2' }).click();
    await page.waitForURL('**/offer/manage?published=2');
    assert.match((await page.locator('.nhsuk-notification-banner').textContent()) ?? '', /Version 2 is published/);

    await page.goto(`${session.live.baseUrl}/offer/components/speech-and-language-therapy-children`);
    assert.match((await page.locator('.app-offer-standards').first().textContent()) ?? '', /within 6 weeks/);

    await page.goto(`${session.live.baseUrl}/offer/manage/import`);
    await page.getByLabel('Offer JSON').fill('{"components": []}');
    await page.getByRole('button', { name: 'Import as a new draft' }).click();
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /version\.|components/);
    await accessible(page, 'offer-import-errors');
    await context.close();
  });
});
