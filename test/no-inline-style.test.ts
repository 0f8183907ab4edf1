// The content security policy allows no inline styles (style-src without 'unsafe-inline'), so a `style="…"`
// attribute in a page is silently ignored by the browser and logged as a violation. Sizing belongs in
// app.css or in SVG presentation attributes. This scan keeps new ones out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return files(full);
    return /\.(ts|njk|html)$/.test(entry.name) ? [full] : [];
  });
}

test('no page or template carries an inline style attribute the CSP would block', () => {
  const offenders: string[] = [];
  for (const file of files('src/web')) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/\sstyle="/.test(line)) offenders.push(`${file}:${i + 1}`);
    });
  }
  assert.deepEqual(offenders, [], `inline style attributes found:\n${offenders.join('\n')}`);
});
