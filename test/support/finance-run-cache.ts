// Every test process seeds the demo data, and the seed runs the finance model on the NCL scenario: 3–4 s of
// wall time each time (bench/finance-seeded.ts), twice per process (PGlite and PostgreSQL), for the same answer. This cache keeps that
// answer in a file the other processes read. The key is the finance module's own key for the run (its input,
// assumptions and options) together with the code it ran: every source file under src/ (the model reads a few
// from other modules) and the version of HiGHS, so a change to either misses the cache. One process in a run
// still works it out.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunCache, RunOutput } from '../../src/modules/finance/index.ts';

const root = path.resolve(import.meta.dirname, '../..');

function codeVersion(): string {
  const hash = createHash('sha256');
  const files = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .sort();
  for (const name of files) hash.update(name).update(readFileSync(path.join(root, 'src', name)));
  hash.update(readFileSync(path.join(root, 'node_modules/highs/package.json')));
  return hash.digest('hex');
}

const directory = path.join(os.tmpdir(), 'core-offer-finance-runs');
let version: string | undefined;
const fileOf = (key: string) => {
  version ??= codeVersion();
  return path.join(directory, `${createHash('sha256').update(version).update(key).digest('hex')}.json`);
};

export const financeRunCache: RunCache = {
  async get(key) {
    try {
      return JSON.parse(await readFile(fileOf(key), 'utf8')) as RunOutput;
    } catch {
      return undefined;
    }
  },
  async set(key, output) {
    mkdirSync(directory, { recursive: true });
    const file = fileOf(key);
    // Written whole and renamed into place, so a reader never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, JSON.stringify(output));
    await rename(partial, file);
  },
};
