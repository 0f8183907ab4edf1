// Every role's pages, walked in the browser from their home page: headings never skip a level (axe
// "heading-order": a warning callout's h3 straight after the page's h1 did) and nothing sits outside a landmark
// (axe "region": the demo banner and the back links above <main> did). axe-core calls both "moderate", so the
// other browser tests, which fail on serious and critical problems, do not catch them (issue 19).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeRules, chromiumAvailable, signIn, useLiveBrowser } from '../support/browser.ts';

const ROLES = [
  '',
  'spa',
  'clinician',
  'case_manager',
  'coordinator',
  'commissioner',
  'analyst',
  'provider',
  'admin',
  'bed_manager',
];
// Pages per role, and pages per kind of page (same first two path segments and depth): enough to reach every
// area a role's menus offer without loading every referral or component.
const PAGES_PER_ROLE = 12;
const PAGES_PER_KIND = 2;
const NOT_PAGES =
  /sign-out|download|format=|\.csv|\.xlsx|\.json|^\/assets|^\/static|^\/healthz|^\/api\/|^\/fhir|^\/oruk/;

async function sameSiteLinks(page: Page): Promise<string[]> {
  const hrefs = await page.$$eval('a[href]', (links) => links.map((a) => a.getAttribute('href') ?? ''));
  return hrefs
    .filter((h) => h.startsWith('/') && !h.startsWith('//') && !NOT_PAGES.test(h))
    .map((h) => h.split('#')[0] ?? h);
}

describe('headings and landmarks on every role’s pages', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  // One test per role, so each stays well inside the per-test time limit on a slow machine.
  for (const role of ROLES) {
    test(`${role || 'signed out'}: no page skips a heading level or leaves content outside a landmark`, async () => {
      const problems: string[] = [];
      const context = await session.browser.newContext();
      const page = await context.newPage();
      if (role) await signIn(page, session.live.baseUrl, role);
      const queue = [role ? '/staff' : '/'];
      const seen = new Set<string>();
      const kinds = new Map<string, number>();
      let pages = 0;
      while (queue.length > 0 && pages < PAGES_PER_ROLE) {
        const url = queue.shift() as string;
        if (seen.has(url)) continue;
        seen.add(url);
        const segments = url.split('?')[0]?.split('/') ?? [];
        const kind = `${segments.slice(0, 3).join('/')}#${segments.length}`;
        const ofKind = (kinds.get(kind) ?? 0) + 1;
        kinds.set(kind, ofKind);
        if (ofKind > PAGES_PER_KIND) continue;
        const response = await page.goto(`${session.live.baseUrl}${url}`);
        if (!response?.ok() || !(response.headers()['content-type'] ?? '').includes('text/html')) continue;
        pages++;
        for (const v of await axeRules(page, ['heading-order', 'region'])) {
          problems.push(`${url}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }
        queue.push(...(await sameSiteLinks(page)));
      }
      await context.close();
      // Signed out, the public pages are few; every staff role reaches its full share.
      assert.ok(pages >= (role ? PAGES_PER_ROLE : 5), `only ${pages} pages were checked`);
      assert.deepEqual(problems, []);
    });
  }
});
