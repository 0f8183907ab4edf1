import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const CLI = fileURLToPath(new URL('../../../cli/schedule.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('schedule CLI', () => {
  it('prints vehicles, distance and routes as JSON', () => {
    const r = run(
      'solve',
      '--solomon',
      fileURLToPath(new URL('../../../../data/benchmarks/solomon/c101.txt', import.meta.url)),
      '--iterations',
      '300',
      '--seed',
      '1',
      '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.vehicles, out.routes.length);
    assert.equal(out.routes.flat().length, 100);
    assert.deepEqual(
      [...out.routes.flat()].sort((a: number, b: number) => a - b),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    assert.ok(out.distance > 828);
  });

  it('names the flag and what it expected', () => {
    let r = run('solve', '--solomon', 'x.txt', '--time-limit', 'soon');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--time-limit expects a positive number of seconds, got "soon"/);
    r = run('solve', '--seed', '-1', '--solomon', 'x.txt');
    assert.match(r.stderr, /--seed expects a non-negative integer/);
    r = run('solve', '--json');
    assert.match(r.stderr, /--solomon FILE is required/);
    r = run('solve', '--solomon');
    assert.match(r.stderr, /--solomon needs a value/);
    r = run('solve', '--solomon', 'x.txt', '--fast');
    assert.match(r.stderr, /Unknown flag "--fast"/);
  });

  it('reports a missing or malformed file', () => {
    let r = run('solve', '--solomon', '/nonexistent/file.txt');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot read --solomon file "\/nonexistent\/file.txt" \(ENOENT\)/);
    r = run('solve', '--solomon', fileURLToPath(import.meta.url));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not a Solomon instance/);
  });
});
