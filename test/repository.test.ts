// The repository stands alone: a fresh clone with nothing beside it must pass its tests and run its
// benchmarks. This test fails when any source, test, bench or CI file names a path outside the repository:
// an absolute path under a developer's machine, the shared folder beside the checkout, or a relative path (in a URL, an
// import or a path.join/resolve) that climbs above the repository root from the file that holds it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCANNED = ['src', 'test', 'bench', '.ci', 'package.json', 'biome.json', 'tsconfig.json'];
const SKIPPED_DIRS = new Set(['node_modules', 'results', 'test-results', '.data']);

// System locations a deployment legitimately names (the browser the tests drive, device files).
const ALLOWED_ABSOLUTE = [/^\/usr\//, /^\/dev\//, /^\/etc\/postgresql/, /^\/proc\//];
const MACHINE_PATH = /['"`](\/(?:work|home|Users|root|mnt|srv|opt|tmp|var)\/[^'"`\s]*)['"`]/g;
const SHARED_FOLDER = /(?:\.\.\/)+shared\b|\bshared\/data\b|\bshared\/reference\b/g;
const RELATIVE_LITERAL = /['"`]((?:\.\.\/)+[^'"`\s]*)['"`]/g;

function files(entry: string): string[] {
  const full = path.join(ROOT, entry);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat) return [];
  if (stat.isFile()) return [full];
  return readdirSync(full, { withFileTypes: true }).flatMap((d) => {
    if (d.isDirectory()) return SKIPPED_DIRS.has(d.name) ? [] : files(path.join(entry, d.name));
    return /\.(ts|js|mjs|json|sh|njk)$|^run$/.test(d.name) ? [path.join(ROOT, entry, d.name)] : [];
  });
}

/** Every place in a file's text that names a path outside the repository, as "line: text". */
export function pathsOutside(file: string, text: string): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const at = `${path.relative(ROOT, file)}:${index + 1}`;
    for (const m of line.matchAll(MACHINE_PATH)) {
      if (!ALLOWED_ABSOLUTE.some((re) => re.test(m[1]))) found.push(`${at}: ${m[1]}`);
    }
    for (const m of line.matchAll(SHARED_FOLDER)) found.push(`${at}: ${m[0]}`);
    for (const m of line.matchAll(RELATIVE_LITERAL)) {
      const resolved = path.resolve(path.dirname(file), m[1]);
      if (resolved !== ROOT.replace(/\/$/, '') && !resolved.startsWith(ROOT)) found.push(`${at}: ${m[1]}`);
    }
  });
  return found;
}

describe('the repository stands alone', () => {
  it('no source, test, bench or CI file names a path outside the repository', () => {
    const scanned = SCANNED.flatMap(files).filter((f) => f !== fileURLToPath(import.meta.url));
    assert.ok(scanned.length > 100, `expected to scan the project's files, found ${scanned.length}`);
    const outside = scanned.flatMap((f) => pathsOutside(f, readFileSync(f, 'utf8')));
    assert.deepEqual(outside, [], `paths outside the repository:\n${outside.join('\n')}`);
  });

  it('the check itself catches each kind of escape', () => {
    const file = path.join(ROOT, 'src/modules/x/x.test.ts');
    // The escapes are built from parts, so this file does not itself name a path outside the repository.
    const shared = ['', 'work', 'shared', 'data'].join('/');
    const up = '../'.repeat(4) + ['shared', 'data'].join('/');
    assert.equal(pathsOutside(file, `const a = '${shared}/solomon/c101.txt';`).length, 2);
    assert.equal(pathsOutside(file, `new URL('${up}/phe/', import.meta.url)`).length, 2);
    assert.equal(pathsOutside(file, "new URL('../../../../data/x.csv', import.meta.url)").length, 1);
    assert.deepEqual(pathsOutside(file, "new URL('../../../data/ncl/offer/', import.meta.url)"), []);
    assert.deepEqual(pathsOutside(file, "const chromium = '/usr/bin/chromium';"), []);
  });
});
