// Browser tests drive Debian's chromium through playwright-core (never a downloaded browser) against the
// real application on a real port, and check each page with axe-core.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, type TestContext } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Clock } from '../../src/platform/clock.ts';
import type { TestApp } from './app.ts';
import { startTestApp } from './app.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = path.resolve('test-results');

/** Skips (locally) or fails (in CI) when chromium is missing, so a developer without it still runs the rest. */
export function chromiumAvailable(t?: TestContext): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI)
    throw new Error(`Chromium is not installed at ${CHROMIUM}; .ci/run installs it (apt-get install chromium)`);
  t?.skip(`chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  return false;
}

// Playwright gives every launch a fresh, empty profile of its own (it refuses --user-data-dir in args).
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export type LiveApp = TestApp & { baseUrl: string };

export async function startLiveApp(clock?: Clock): Promise<LiveApp> {
  const t = await startTestApp('pglite', clock ? { clock } : {});
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { ...t, baseUrl: `http://localhost:${port}` };
}

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/** Runs axe-core for WCAG 2.2 A and AA; returns serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the page's CSP stays in force for everything else.
  await page.evaluate(axeSource);
  const result = (await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected into the page
    const axe = (window as any).axe;
    return axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
  })) as { violations: AxeViolation[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Runs only the named axe-core rules (whatever their impact) and returns their violations. */
export async function axeRules(page: Page, rules: string[]): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const result = (await page.evaluate(async (values) => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected into the page
    const axe = (window as any).axe;
    return axe.run(document, { runOnly: { type: 'rule', values } });
  }, rules)) as { violations: AxeViolation[] };
  return result.violations;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`), fullPage: true });
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    .join('\n');
}

/** No serious or critical axe-core violations on the page, with the list in the failure message. */
export async function assertAccessible(page: Page): Promise<void> {
  const violations = await seriousViolations(page);
  if (violations.length)
    throw new Error(`axe-core found serious or critical problems:\n${describeViolations(violations)}`);
}

/** Signs in through the real form as a demo user and waits for the staff home page. */
export async function signIn(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/staff');
}

/** The app on a real port and one chromium, started before a describe block's tests and closed after. */
export function useLiveBrowser(clock?: Clock): { readonly live: LiveApp; readonly browser: Browser } {
  const handles = {} as { live: LiveApp; browser: Browser };
  before(async () => {
    handles.live = await startLiveApp(clock);
    handles.browser = await launchChromium();
  });
  after(async () => {
    await handles.browser?.close();
    await handles.live?.close();
  });
  return handles;
}
