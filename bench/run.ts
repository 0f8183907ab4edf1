// `npm run bench -- <name> [options]` runs bench/<name>.ts with the options given; `npm run bench` alone lists
// the benchmarks and how each is called (the usage lines at the top of each file). Benchmarks are not part
// of npm test; their results and the commands that reproduce them are in docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const benchFolder = import.meta.dirname;

// A benchmark is a file whose header says how to run it; the others (finance-input.ts) are its helpers.
async function benchmarks(): Promise<string[]> {
  const files = await readdir(benchFolder);
  const names = files
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.test.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
  const runnable = await Promise.all(names.map(async (name) => (await usage(name)).length > 0));
  return names.filter((_, index) => runnable[index]);
}

// The usage lines are the comment lines that show a command ("node bench/<name>.ts …") and their continuations.
async function usage(name: string): Promise<string[]> {
  const text = await readFile(path.join(benchFolder, `${name}.ts`), 'utf8');
  const header = text.split('\n').filter((line) => line.startsWith('//'));
  const lines: string[] = [];
  let inUsage = false;
  for (const line of header) {
    const body = line.replace(/^\/\/ ?/, '');
    if (body.includes(`bench/${name}.ts`)) inUsage = true;
    else if (inUsage && !/^\s{4,}/.test(body)) inUsage = false;
    if (inUsage) lines.push(body.trim());
  }
  return lines;
}

async function list(): Promise<void> {
  console.log('Benchmarks (run one with: npm run bench -- <name> [options]):\n');
  for (const name of await benchmarks()) {
    console.log(`  ${name}`);
    for (const line of await usage(name)) console.log(`      ${line}`);
  }
}

async function main(): Promise<void> {
  const [name, ...options] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h') return list();
  const known = await benchmarks();
  if (!known.includes(name)) {
    console.error(`There is no benchmark called "${name}". Choose one of: ${known.join(', ')}.`);
    process.exitCode = 2;
    return;
  }
  const child = spawn(process.execPath, [path.join(benchFolder, `${name}.ts`), ...options], { stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

await main();
