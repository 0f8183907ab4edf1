import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { offlineStylesheet, withoutRemoteFonts } from './offline-styles.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

test('remote @font-face rules are removed and everything else is kept', () => {
  const css =
    'a{color:red}@font-face{font-family:X;src:url(https://assets.nhs.uk/fonts/x.woff2) format("woff2")}' +
    '@font-face{font-family:Local;src:url(/assets/fonts/local.woff2)}b{font-family:X,arial,sans-serif}';
  assert.equal(
    withoutRemoteFonts(css),
    'a{color:red}@font-face{font-family:Local;src:url(/assets/fonts/local.woff2)}b{font-family:X,arial,sans-serif}',
  );
});

test("nhsuk-frontend's own stylesheet asks no other site for anything once served", () => {
  const original = path.resolve(here, '../../node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css');
  assert.match(
    readFileSync(original, 'utf8'),
    /url\(https:\/\/assets\.nhs\.uk\/fonts/,
    'the package loads fonts remotely',
  );
  const css = offlineStylesheet(original);
  assert.doesNotMatch(css, /url\(\s*['"]?https?:/i);
  assert.match(css, /font-family:Frutiger W01,arial,sans-serif/, 'the fallback stack is kept');
});
