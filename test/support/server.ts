// Starts `node src/main.ts` as its own process on a free loopback port, the way `npm start` runs it, and waits
// until /healthz answers. For tests and benchmarks that need real processes (two servers on one database).
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const MAIN = path.resolve(import.meta.dirname, '../../src/main.ts');

export type MainProcess = {
  base: string;
  child: ChildProcess;
  /** What the process has written to stdout and stderr so far. */
  output: () => string;
  exited: Promise<number | null>;
};

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts `node src/main.ts` with `env` added to this process's environment (HOST 127.0.0.1 unless given). */
export function spawnMain(env: Record<string, string>): Omit<MainProcess, 'base'> {
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Starts it on a free port (PORT is chosen here) and resolves once /healthz answers. */
export async function startMainProcess(env: Record<string, string>, startWithinMs = 120_000): Promise<MainProcess> {
  const port = await freePort();
  const started = spawnMain({ ...env, PORT: String(port) });
  const { child, output } = started;
  const base = `http://127.0.0.1:${port}`;
  for (const end = Date.now() + startWithinMs; ; ) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${output()}`);
    if (Date.now() > end) throw new Error(`the server did not start within ${startWithinMs / 1000} s: ${output()}`);
    const ready = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, ...started };
}
