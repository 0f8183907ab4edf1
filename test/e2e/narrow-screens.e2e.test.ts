// At 375 px (a small phone) no page may scroll sideways: wide tables scroll inside their own named, focusable
// region instead. Each page is also checked with axe-core. These pages were found scrolling sideways (issue 19).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAccessible, chromiumAvailable, signIn, useLiveBrowser } from '../support/browser.ts';

const PAGES: Record<string, string[]> = {
  '': ['/api', '/status', '/accessibility', '/you-said-we-did', '/offer'],
  commissioner: ['/silver-triage/figures', '/virtual-wards/capacity', '/monitoring', '/engagement', '/finance'],
  clinician: ['/virtual-wards', '/access', '/care'],
  bed_manager: ['/beds', '/beds/requests/new'],
};

describe('pages at 375 px', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('no page scrolls sideways on a small phone, and axe finds no serious problems', async () => {
    const sideways: string[] = [];
    for (const [username, urls] of Object.entries(PAGES)) {
      const context = await session.browser.newContext({ viewport: { width: 375, height: 800 } });
      const page = await context.newPage();
      if (username) await signIn(page, session.live.baseUrl, username);
      for (const url of urls) {
        const response = await page.goto(`${session.live.baseUrl}${url}`);
        assert.equal(response?.status(), 200, `${username || 'signed out'} ${url}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) sideways.push(`${url} (${username || 'signed out'}) by ${overflow}px`);
        await assertAccessible(page);
      }
      await context.close();
    }
    assert.deepEqual(sideways, []);
  });

  test('on a small phone the worklist shows each referral’s status and claim button without scrolling sideways', async () => {
    const context = await session.browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    await signIn(page, session.live.baseUrl, 'spa');
    await page.goto(`${session.live.baseUrl}/access`);
    const claim = page.getByRole('button', { name: /^Claim referral/ }).first();
    const box = await claim.boundingBox();
    assert.ok(box, 'a claim button is shown');
    assert.ok(box.x >= 0 && box.x + box.width <= 375, `the claim button is at ${box.x}–${box.x + box.width}px`);
    const status = page.locator('.app-worklist tbody tr').first().locator('td').nth(3);
    const statusBox = await status.boundingBox();
    assert.ok(statusBox && statusBox.x + statusBox.width <= 375, 'the status is on screen');
    await assertAccessible(page);
    await context.close();
  });
});
