// A commissioner opens the gap analysis and the case-for-change report in a real browser, finds the
// Haringey/Islington spend finding, and every page visited has no serious or critical axe-core problems.
// Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  chromiumAvailable,
  describeViolations,
  screenshot,
  seriousViolations,
  useLiveBrowser,
} from '../support/browser.ts';

describe('gap analysis in the browser', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('a commissioner reads the case for change and finds the Haringey/Islington spend finding', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${session.live.baseUrl}/sign-in?next=%2Fanalysis`);
    await page.getByLabel('Username').fill('commissioner');
    await page.getByLabel('Password').fill('demo-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/analysis');
    assert.match((await page.locator('h1').textContent()) ?? '', /Gap analysis/);
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'analysis-overview');

    await page.getByRole('link', { name: 'Case for change', exact: true }).first().click();
    await page.waitForURL('**/analysis/case-for-change**');
    const finding = page.locator('p', {
      hasText: /£98 per head is spent on community health services in Haringey against £192 in Islington/,
    });
    await finding.waitFor();
    assert.equal(await finding.count(), 1);
    const section = page.locator('section').filter({ has: finding });
    assert.equal(await section.locator('svg[role="img"]').count(), 1, 'the finding has its chart');
    assert.match((await section.locator('table').textContent()) ?? '', /Haringey\s*£98/);
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'analysis-case-for-change');
    await section.screenshot({ path: 'test-results/analysis-case-for-change-haringey.png' });

    await page.goto(`${session.live.baseUrl}/analysis/gaps?ageGroup=children-young-people`);
    assert.equal(await page.locator('svg#gap-matrix, svg[aria-labelledby^="gap-matrix"]').count(), 1);
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'analysis-gap-matrix');
    await page
      .locator('svg[aria-labelledby^="gap-matrix"]')
      .screenshot({ path: 'test-results/analysis-gap-matrix-heatmap.png' });
    await page.locator('#partly + div table').screenshot({ path: 'test-results/analysis-gap-matrix-reasons.png' });

    await page.goto(`${session.live.baseUrl}/analysis/components/speech-and-language-therapy-children`);
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'analysis-component');

    await page.goto(`${session.live.baseUrl}/analysis/boroughs/E09000014`);
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'analysis-borough');

    await page.goto(`${session.live.baseUrl}/analysis/variation`);
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'analysis-variation');

    await page.goto(`${session.live.baseUrl}/analysis/imports`);
    await page.setInputFiles('#file', {
      name: 'broken.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'period,borough_code,component_code,age_group,offered\n2021-22,E09000099,district-nursing,older-adults,full\n',
      ),
    });
    await page.getByRole('button', { name: 'Check and import' }).click();
    await page.getByText('Unknown borough E09000099').waitFor();
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'analysis-import-errors');
    await context.close();
  });

  test('a resident searches the directory', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${session.live.baseUrl}/directory`);
    await page.getByLabel('What do you need help with?').fill('diabetes');
    await page.getByLabel('Borough (optional)').selectOption({ label: 'Enfield' });
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL('**/directory?**');
    assert.match((await page.locator('h2').first().textContent()) ?? '', /service/);
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'directory-search');
    await context.close();
  });
});
