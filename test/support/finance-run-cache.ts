// Every test process seeds the demo data, and the seed runs the finance model on the NCL scenario: about 3 s
// of CPU each time, twice per process (PGlite and PostgreSQL), for the same answer. This cache keeps that
// answer in a file the other processes read. The key is the finance module's own key for the run (its input,
// assumptions and options) together with the code it ran: every file of the finance module and the version of
// HiGHS, so a change to either misses the cache. One process in a run still works it out.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunCache, RunOutput } from '../../src/modules/finance/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const financeDir = path.join(root, 'src/modules/finance');

function codeVersion(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(financeDir).sort()) {
    if (name.endsWith('.ts')) hash.update(name).update(readFileSync(path.join(financeDir, name)));
  }
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
