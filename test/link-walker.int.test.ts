// Every role follows every link its pages show (issue 19): no link may fail with a 5xx, no page may offer a
// link that then refuses the same person (401/403) or is not there (404), and no handler may try to send a
// second reply after the first (the analysis downloads did: the file went, then the page was rendered too).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ROLES } from '../src/platform/auth/roles.ts';
import { Browser } from './support/app.ts';
import { startWatchedApp, type WatchedApp, walk } from './support/walker.ts';

let t: WatchedApp;
before(async () => {
  t = await startWatchedApp();
});
after(async () => t?.close());

test('signed out, a resident can follow every link from the home page', async () => {
  const result = await walk(t.app, undefined, { start: ['/'], limit: 300 });
  console.log(`signed out: ${result.visited} pages and files visited, ${result.failures.length} failed`);
  assert.ok(result.visited > 20, 'the walk reached the public pages');
  assert.deepEqual(result.failures, []);
});

for (const role of ROLES) {
  test(`${role} can follow every link their pages show`, async () => {
    const result = await walk(t.app, role, { start: ['/staff'], limit: 250 });
    console.log(`${role}: ${result.visited} pages and files visited, ${result.failures.length} failed`);
    assert.ok(result.visited > 20, `the walk reached ${role}'s pages`);
    assert.deepEqual(result.failures, []);
  });
}

test('analysis downloads send the file and nothing after it', async () => {
  const browser = new Browser(t.app);
  await browser.signIn('analyst');
  for (const url of ['/analysis?format=csv', '/analysis?format=xlsx', '/analysis/gaps?format=csv']) {
    const res = await browser.get(url);
    assert.equal(res.statusCode, 200, url);
    assert.doesNotMatch(String(res.headers['content-type']), /text\/html/, url);
  }
  assert.deepEqual(t.doubleSends, []);
});

test('no request sent a second reply after the first', () => {
  assert.deepEqual(t.doubleSends, []);
});
