// Visit-scheduling solver from the command line, mainly for the Solomon / Gehring–Homberger benchmarks:
//   npm run schedule -- solve --solomon FILE [--time-limit SECONDS] [--iterations N] [--seed N] [--json]
import { readFileSync } from 'node:fs';
import { checkPlan } from '../modules/scheduling/solver/check.ts';
import { parseSolomon, solomonToProblem, solve } from '../modules/scheduling/solver/index.ts';

const USAGE = `Usage: npm run schedule -- solve --solomon FILE [--time-limit SECONDS] [--iterations N] [--seed N] [--json]

  --solomon FILE        Solomon or Gehring–Homberger VRPTW instance (text format)
  --time-limit SECONDS  wall-clock limit, a positive number (default 10)
  --iterations N        iteration limit, a positive integer (deterministic when given without --time-limit)
  --seed N              random seed, a non-negative integer (default 1)
  --json                print {"vehicles", "distance", "routes"} as JSON`;

class UsageError extends Error {}

type Args = { file: string; timeLimitMs?: number; maxIterations?: number; seed: number; json: boolean };

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') throw new UsageError('');
  if (command !== 'solve') throw new UsageError(`Unknown command "${command}": expected "solve"`);
  let file: string | undefined;
  let timeLimit: number | undefined;
  let iterations: number | undefined;
  let seed = 1;
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--solomon') file = value();
    else if (flag === '--time-limit') {
      const v = value();
      timeLimit = Number(v);
      if (!(timeLimit > 0) || !Number.isFinite(timeLimit)) {
        throw new UsageError(`--time-limit expects a positive number of seconds, got "${v}"`);
      }
    } else if (flag === '--iterations') {
      const v = value();
      iterations = Number(v);
      if (!Number.isInteger(iterations) || iterations <= 0) {
        throw new UsageError(`--iterations expects a positive integer, got "${v}"`);
      }
    } else if (flag === '--seed') {
      const v = value();
      seed = Number(v);
      if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
        throw new UsageError(`--seed expects a non-negative integer, got "${v}"`);
      }
    } else if (flag === '--json') json = true;
    else throw new UsageError(`Unknown flag "${flag}"`);
  }
  if (file === undefined) throw new UsageError('--solomon FILE is required');
  const timeLimitMs = timeLimit !== undefined ? timeLimit * 1000 : iterations === undefined ? 10_000 : undefined;
  return { file, timeLimitMs, maxIterations: iterations, seed, json };
}

function main(argv: string[]): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) process.stderr.write(`error: ${e.message}\n\n`);
    process.stderr.write(`${USAGE}\n`);
    return e.message ? 2 : 0;
  }
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(`error: cannot read --solomon file "${args.file}"${code ? ` (${code})` : ''}\n`);
    return 1;
  }
  let problem: ReturnType<typeof solomonToProblem>;
  try {
    problem = solomonToProblem(parseSolomon(text, args.file));
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
  const plan = solve(problem, { timeLimitMs: args.timeLimitMs, maxIterations: args.maxIterations, seed: args.seed });
  const check = checkPlan(problem, plan);
  if (!check.feasible) {
    process.stderr.write(`error: internal: the plan failed the feasibility check:\n${check.errors.join('\n')}\n`);
    return 3;
  }
  const routes = plan.routes.map((r) => r.visits.map((v) => Number(v.visitId)));
  if (args.json) {
    const out: Record<string, unknown> = { vehicles: plan.cost.vehicles, distance: plan.cost.distance, routes };
    if (plan.unassigned.length > 0) out.unassigned = plan.unassigned.map(Number);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    process.stdout.write(`vehicles ${plan.cost.vehicles}  distance ${plan.cost.distance.toFixed(2)}\n`);
    routes.forEach((r, i) => {
      process.stdout.write(`route ${i + 1}: ${r.join(' ')}\n`);
    });
    if (plan.unassigned.length > 0) process.stdout.write(`unassigned: ${plan.unassigned.join(' ')}\n`);
    process.stdout.write(`iterations ${plan.stats.iterations}  time ${(plan.stats.elapsedMs / 1000).toFixed(1)} s\n`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
