// Commands and queries on finance scenarios. Commissioners write (create, copy, change assumptions, run,
// agree); commissioners and analysts read. Every change writes its audit row in the same transaction, and
// every assumption change is kept in finance_assumption_changes with the scenario's new version. A run reads
// the baseline's gap matrix and variation through the baseline module, then works in a worker thread; a run
// that fails keeps the last good results.
import { createHash } from 'node:crypto';
import { audit } from '../../platform/audit/audit.ts';
import { type Actor, systemActor } from '../../platform/auth/roles.ts';
import type { Clock } from '../../platform/clock.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { analysisData, gapsOf, variationOf } from '../baseline/index.ts';
import { getDirectory } from '../directory/index.ts';
import {
  type Assumption,
  type AssumptionChange,
  applyAssumptionChanges,
  defaultAssumptions,
  valuesOf,
  withDefaults,
} from './finance.assumptions.ts';
import type { ModelInput } from './finance.model.ts';
import { type ProductivityReport, providerProductivity } from './finance.productivity.ts';
import type { PhasingProblem, PhasingResult } from './finance.phasing.ts';
import { validatePhasing } from './finance.phasing.ts';
import { DEFAULT_DRAWS, type RunOutput, runScenario as runPure, SEED_RUN } from './finance.run.ts';
import { inWorker } from './finance.worker-client.ts';
import * as repo from './finance.repository.ts';

export type { ChangeRow, ScenarioRow, ScenarioSummary } from './finance.repository.ts';

export const FINANCE_READERS = ['commissioner', 'analyst'] as const;
export const FINANCE_WRITERS = ['commissioner'] as const;

function assertWriter(actor: Actor): void {
  if (actor.role !== 'system' && !(FINANCE_WRITERS as readonly string[]).includes(actor.role)) {
    throw new ForbiddenError('Only commissioners can change finance scenarios');
  }
}
function assertReader(actor: Actor): void {
  if (actor.role !== 'system' && !(FINANCE_READERS as readonly string[]).includes(actor.role)) {
    throw new ForbiddenError('Only commissioners and analysts can read finance scenarios');
  }
}

/** What the model reads: the newest baseline's gap matrix, variation and rows, and the published offer. */
export async function financeInput(db: AnyDb, systemId: string): Promise<ModelInput & { period: string | null }> {
  const data = await analysisData(db, systemId);
  return {
    period: data.period,
    boroughs: data.places.map((p) => ({ code: p.code, name: p.name })),
    components: data.components,
    gaps: gapsOf(data),
    variation: variationOf(data),
    rows: data.rows,
  };
}

export function listScenarios(db: AnyDb, actor: Actor): Promise<repo.ScenarioSummary[]> {
  assertReader(actor);
  return repo.listScenarios(db, actor.systemId);
}

export async function getScenario(db: AnyDb, actor: Actor, id: string): Promise<repo.ScenarioRow> {
  assertReader(actor);
  const s = await repo.getScenario(db, actor.systemId, id);
  if (!s) throw new NotFoundError('Scenario');
  return { ...s, assumptions: withDefaults(s.assumptions) };
}

export function assumptionHistory(db: AnyDb, actor: Actor, id: string): Promise<repo.ChangeRow[]> {
  assertReader(actor);
  return repo.listChanges(db, id);
}

const YEAR = /^(\d{4})-(\d{2})$/;
function checkYear(v: string | undefined, field: string, errors: FieldError[]) {
  if (v === undefined) return;
  const m = YEAR.exec(v);
  if (!m || (Number(m[1]) + 1) % 100 !== Number(m[2])) {
    errors.push({ field, message: 'Write the first year of the plan as a financial year, such as 2023-24' });
  }
}

export interface CreateScenario {
  name: string;
  description?: string;
  firstYear?: string;
  /** Copy the assumptions of this scenario (the defaults when absent). */
  copyFrom?: string;
  assumptions?: AssumptionChange[];
}

export async function createScenario(db: AnyDb, actor: Actor, input: CreateScenario, now: Date): Promise<string> {
  assertWriter(actor);
  const errors: FieldError[] = [];
  const name = (input.name ?? '').trim();
  if (!name) errors.push({ field: 'name', message: 'Enter a name for the scenario' });
  else if (name.length > 120) errors.push({ field: 'name', message: 'The name must be 120 characters or fewer' });
  checkYear(input.firstYear, 'firstYear', errors);
  if (errors.length) throw new ValidationError(errors);
  return inTransaction(db, async (tx) => {
    let base = defaultAssumptions();
    let firstYear = input.firstYear ?? '2023-24';
    let basedOn: string | null = null;
    if (input.copyFrom) {
      const from = await repo.getScenario(tx, actor.systemId, input.copyFrom);
      if (!from) throw new ValidationError([{ field: 'copyFrom', message: 'There is no scenario with that id' }]);
      base = withDefaults(from.assumptions);
      firstYear = input.firstYear ?? from.firstYear;
      basedOn = from.id;
    }
    const at = now.toISOString();
    const { assumptions, changed } = applyAssumptionChanges(base, input.assumptions ?? [], { name: actor.name, at });
    const id = await repo.insertScenario(tx, {
      systemId: actor.systemId,
      name,
      description: (input.description ?? '').trim().slice(0, 2000),
      firstYear,
      basedOn,
      assumptions,
      createdBy: actor.name,
      at,
    });
    await repo.insertChanges(tx, id, 1, changed, actor.name, at);
    await audit(tx, actor, {
      action: input.copyFrom ? 'finance.scenario.copy' : 'finance.scenario.create',
      recordType: 'finance_scenario',
      recordId: id,
      detail: { name, basedOn, changed: changed.map((c) => ({ key: c.key, from: c.before.value, to: c.after.value })) },
    });
    return id;
  });
}

export const AFFORDABILITY_OPTIONS = ['reprofile', 'efficiency', 'savings'] as const;
export type AffordabilityOption = (typeof AFFORDABILITY_OPTIONS)[number];

const pounds1m = (v: number) =>
  `£${(v / 1e6).toLocaleString('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 })}m`;

/** The assumption an affordability option changes, from a run's options, and the words for its name. */
export function optionChange(
  aff: NonNullable<repo.ScenarioRow['results']>['affordability'],
  option: AffordabilityOption,
): { change: AssumptionChange; label: string } {
  if (option === 'reprofile') {
    if (aff.reprofile.years === null || aff.reprofile.years > 10) {
      throw new ConflictError('Re-profiling alone cannot deliver the whole offer within 10 years', 'no_reprofile');
    }
    return {
      change: { key: 'plan.horizonYears', value: aff.reprofile.years },
      label: `re-profiled over ${aff.reprofile.years} years`,
    };
  }
  if (option === 'efficiency') {
    const value = Math.min(1, Math.ceil(aff.efficiency.extraShare * 10000) / 10000);
    return {
      change: { key: 'efficiency.extra', value },
      label: `with ${(value * 100).toFixed(2)}% extra efficiency`,
    };
  }
  const value = Math.ceil(Math.max(0, ...aff.savings.perYear));
  return { change: { key: 'savings.extra', value }, label: `with ${pounds1m(value)} a year of extra savings` };
}

/**
 * Opens one of the three affordability options of a run scenario as a new scenario: a copy with the one
 * assumption the option needs (the horizon, the extra efficiency or the extra savings), audited with the
 * option it came from. Run it to see the results.
 */
export async function openOption(db: AnyDb, actor: Actor, id: string, option: string, now: Date): Promise<string> {
  assertWriter(actor);
  if (!(AFFORDABILITY_OPTIONS as readonly string[]).includes(option)) {
    throw new ValidationError([{ field: 'option', message: `Choose an option: ${AFFORDABILITY_OPTIONS.join(', ')}` }]);
  }
  return inTransaction(db, async (tx) => {
    const s = await repo.getScenario(tx, actor.systemId, id);
    if (!s) throw new NotFoundError('Scenario');
    const aff = s.results?.affordability;
    if (!aff) throw new ConflictError('Run the model before opening an option', 'not_run');
    const { change, label } = optionChange(aff, option as AffordabilityOption);
    const created = await createScenario(
      tx,
      actor,
      {
        name: `${s.name}, ${label}`.slice(0, 120),
        description: `Affordability option (${option}) of “${s.name}”, version ${s.resultsVersion ?? s.version}.`,
        copyFrom: s.id,
        assumptions: [change],
      },
      now,
    );
    await audit(tx, actor, {
      action: 'finance.scenario.option',
      recordType: 'finance_scenario',
      recordId: created,
      detail: { from: s.id, option, key: change.key, value: change.value },
    });
    return created;
  });
}

/** Changes assumptions (and optionally the name and first year). An agreed plan cannot change. */
export async function changeScenario(
  db: AnyDb,
  actor: Actor,
  id: string,
  input: { assumptions?: AssumptionChange[]; name?: string; description?: string; firstYear?: string },
  now: Date,
): Promise<repo.ScenarioRow> {
  assertWriter(actor);
  const errors: FieldError[] = [];
  if (input.name !== undefined && !input.name.trim())
    errors.push({ field: 'name', message: 'Enter a name for the scenario' });
  checkYear(input.firstYear, 'firstYear', errors);
  if (errors.length) throw new ValidationError(errors);
  return inTransaction(db, async (tx) => {
    const s = await repo.lockScenarioRow(tx, actor.systemId, id);
    if (!s) throw new NotFoundError('Scenario');
    if (s.status === 'agreed') {
      throw new ConflictError(
        'This is the agreed plan, so it cannot change. Copy it to try other assumptions.',
        'agreed',
      );
    }
    const at = now.toISOString();
    const { assumptions, changed } = applyAssumptionChanges(withDefaults(s.assumptions), input.assumptions ?? [], {
      name: actor.name,
      at,
    });
    const version = changed.length > 0 ? s.version + 1 : s.version;
    if (changed.length > 0) {
      await repo.updateAssumptions(tx, id, assumptions, version, at);
      await repo.insertChanges(tx, id, version, changed, actor.name, at);
    }
    const details = {
      ...(input.name !== undefined ? { name: input.name.trim().slice(0, 120) } : {}),
      ...(input.description !== undefined ? { description: input.description.trim().slice(0, 2000) } : {}),
      ...(input.firstYear !== undefined ? { firstYear: input.firstYear } : {}),
    };
    if (Object.keys(details).length > 0) await repo.updateDetails(tx, id, details, at);
    await audit(tx, actor, {
      action: 'finance.scenario.change',
      recordType: 'finance_scenario',
      recordId: id,
      detail: {
        version,
        changed: changed.map((c) => ({
          key: c.key,
          from: { value: c.before.value, low: c.before.low, high: c.before.high },
          to: { value: c.after.value, low: c.after.low, high: c.after.high },
        })),
        details,
      },
    });
    return (await repo.getScenario(tx, actor.systemId, id))!;
  });
}

export interface RunRequest {
  draws?: number;
  seed?: number;
  timeLimitSeconds?: number;
  /** MILP stopping rules that do not depend on time (the seeded plan uses them to be reproducible). */
  mipRelGap?: number;
  maxNodes?: number;
  /** Run in this thread (seeding, tests of the pure path); otherwise a worker thread. */
  inProcess?: boolean;
  /** In this thread only: results already worked out for the same input, assumptions and options. */
  cache?: RunCache;
}

/**
 * Results kept by a key that names everything a run depends on (the model input, the assumptions and the
 * options; the code is the cache's own concern). A run is a pure function of those, stopped by work rather
 * than time, so a kept result is the result. The tests keep the seed's run, which every test process repeats.
 */
export interface RunCache {
  get(key: string): Promise<RunOutput | undefined>;
  set(key: string, output: RunOutput): Promise<void>;
}

async function runInProcess(
  input: ModelInput,
  assumptions: Assumption[],
  options: Parameters<typeof runPure>[2],
  cache: RunCache | undefined,
): Promise<RunOutput> {
  if (!cache) return runPure(input, assumptions, options);
  const key = createHash('sha256').update(JSON.stringify({ input, assumptions, options })).digest('hex');
  const kept = await cache.get(key);
  if (kept) return kept;
  const output = await runPure(input, assumptions, options);
  await cache.set(key, output);
  return output;
}

/**
 * Starts a run. Returns at once with a promise that settles when the run has finished (saved or failed):
 * the API returns 202 without waiting; tests and the seed await `finished`.
 */
export async function startRun(
  db: AnyDb,
  actor: Actor,
  id: string,
  clock: Clock,
  request: RunRequest = {},
): Promise<{ finished: Promise<void> }> {
  assertWriter(actor);
  const errors: FieldError[] = [];
  if (
    request.draws !== undefined &&
    (!Number.isInteger(request.draws) || request.draws < 100 || request.draws > 100000)
  ) {
    errors.push({ field: 'draws', message: 'Draws must be a whole number from 100 to 100,000' });
  }
  if (request.seed !== undefined && (!Number.isInteger(request.seed) || request.seed < 0)) {
    errors.push({ field: 'seed', message: 'The seed must be a whole number, 0 or more' });
  }
  if (errors.length) throw new ValidationError(errors);
  const { scenario, input } = await inTransaction(db, async (tx) => {
    const s = await repo.lockScenarioRow(tx, actor.systemId, id);
    if (!s) throw new NotFoundError('Scenario');
    if (s.status === 'agreed')
      throw new ConflictError('The agreed plan is locked: copy it to run other assumptions.', 'agreed');
    if (s.runStatus === 'running') throw new ConflictError('This scenario is already running', 'running');
    const input = await financeInput(tx, actor.systemId);
    if (!input.period) throw new ConflictError('Import a baseline before running the model', 'no_baseline');
    await repo.markRunning(tx, id, clock.now().toISOString());
    await audit(tx, actor, {
      action: 'finance.scenario.run',
      recordType: 'finance_scenario',
      recordId: id,
      detail: {
        version: s.version,
        draws: request.draws ?? DEFAULT_DRAWS,
        seed: request.seed ?? null,
        period: input.period,
      },
    });
    return { scenario: s, input };
  });
  // Unless the caller asks for a time limit, the solver stops by work (SEED_RUN's gap and node count), so a
  // re-run of the same assumptions phases every item in the same year on any machine at any load, and a copy of
  // the agreed plan re-run unchanged gives the agreed plan back. A time limit is the caller's explicit trade.
  const byWork = request.timeLimitSeconds === undefined;
  const options = {
    firstYear: scenario.firstYear,
    draws: request.draws,
    seed: request.seed,
    timeLimitSeconds: request.timeLimitSeconds ?? SEED_RUN.timeLimitSeconds,
    mipRelGap: request.mipRelGap ?? (byWork ? SEED_RUN.mipRelGap : undefined),
    maxNodes: request.maxNodes ?? (byWork ? SEED_RUN.maxNodes : undefined),
  };
  const assumptions = withDefaults(scenario.assumptions);
  const modelInput: ModelInput = {
    boroughs: input.boroughs,
    components: input.components,
    gaps: input.gaps,
    variation: input.variation,
    rows: input.rows,
  };
  let lastWrite = 0;
  const onProgress = (stage: string, share: number) => {
    const t = Date.now();
    if (t - lastWrite < 250 && share < 1) return;
    lastWrite = t;
    repo.setProgress(db, id, stage, share).catch(() => {});
  };
  const finished = (async () => {
    try {
      const output = request.inProcess
        ? await runInProcess(modelInput, assumptions, options, request.cache)
        : await inWorker<RunOutput>({ kind: 'run', input: modelInput, assumptions, options }, onProgress);
      await inTransaction(db, async (tx) => {
        await repo.saveResults(tx, id, output, scenario.version, clock.now().toISOString());
        await audit(tx, actor, {
          action: 'finance.scenario.results',
          recordType: 'finance_scenario',
          recordId: id,
          detail: {
            version: scenario.version,
            totalInvestment: Math.round(output.results.totalInvestment),
            method: output.phasing.method,
            optimalityGap: output.phasing.optimalityGap,
            seconds: Number(output.timings.total.toFixed(2)),
          },
        });
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await inTransaction(db, async (tx) => {
        await repo.saveFailure(tx, id, message, clock.now().toISOString());
        await audit(tx, actor, {
          action: 'finance.scenario.results',
          recordType: 'finance_scenario',
          recordId: id,
          outcome: 'failed',
          detail: { version: scenario.version, message: message.slice(0, 300) },
        });
      }).catch(() => {});
    }
  })();
  return { finished };
}

/** Makes a scenario the agreed plan (the one delivery is tracked against); the previous one becomes a draft. */
export async function agreeScenario(db: AnyDb, actor: Actor, id: string, now: Date): Promise<void> {
  assertWriter(actor);
  await inTransaction(db, async (tx) => {
    const s = await repo.lockScenarioRow(tx, actor.systemId, id);
    if (!s) throw new NotFoundError('Scenario');
    if (s.status === 'agreed') return;
    if (!s.results || s.resultsVersion !== s.version) {
      throw new ConflictError('Run the model on the current assumptions before agreeing this plan', 'not_run');
    }
    const previous = await repo.currentAgreed(tx, actor.systemId);
    if (previous) await repo.setStatus(tx, actor.systemId, previous, 'draft', null, null);
    await repo.setStatus(tx, actor.systemId, id, 'agreed', actor.name, now.toISOString());
    await audit(tx, actor, {
      action: 'finance.scenario.agree',
      recordType: 'finance_scenario',
      recordId: id,
      detail: { previous, version: s.version },
    });
  });
}

/** Productivity per provider and service against the best in class (the directory names the providers). */
export async function productivityOf(
  db: AnyDb,
  actor: Actor,
  bestQuantile?: number,
): Promise<ProductivityReport & { period: string | null }> {
  assertReader(actor);
  const input = await financeInput(db, actor.systemId);
  const q = bestQuantile ?? valuesOf(defaultAssumptions())['efficiency.bestQuantile'];
  const directory = await getDirectory(db, actor.systemId);
  const names = new Map((directory?.organisations ?? []).map((o) => [o.code, o.name]));
  const boroughNames = new Map(input.boroughs.map((b) => [b.code, b.name]));
  return { ...providerProductivity(input.rows, q, names, boroughNames), period: input.period };
}

/** Solves a phasing problem given directly (what-ifs, and checking the solver on unseen problems). */
export async function solvePhasing(actor: Actor, problem: PhasingProblem): Promise<PhasingResult> {
  assertReader(actor);
  validatePhasing(problem);
  return inWorker<PhasingResult>({ kind: 'solve', problem });
}

// ---------------------------------------------------------------------------------------------------------
// Comparing two scenarios

export interface Comparison {
  assumptions: { key: string; a: number; b: number; aRange: [number, number]; bRange: [number, number] }[];
  years: string[];
  rows: { metric: string; a: (number | null)[]; b: (number | null)[]; totalA: number | null; totalB: number | null }[];
}

export function compareScenarios(a: repo.ScenarioRow, b: repo.ScenarioRow): Comparison {
  const bk = new Map(b.assumptions.map((x) => [x.key, x]));
  const assumptions = a.assumptions
    .filter((x) => {
      const y = bk.get(x.key);
      return y && (y.value !== x.value || y.low !== x.low || y.high !== x.high);
    })
    .map((x) => {
      const y = bk.get(x.key)!;
      return {
        key: x.key,
        a: x.value,
        b: y.value,
        aRange: [x.low, x.high] as [number, number],
        bRange: [y.low, y.high] as [number, number],
      };
    });
  const ra = a.results?.results;
  const rb = b.results?.results;
  const years = [...new Set([...(ra?.years ?? []), ...(rb?.years ?? [])])].sort();
  const pick = (r: typeof ra, f: (r: NonNullable<typeof ra>) => number[]) =>
    years.map((y) => {
      if (!r) return null;
      const i = r.years.indexOf(y);
      return i < 0 ? null : f(r)[i];
    });
  const metric = (name: string, f: (r: NonNullable<typeof ra>) => number[]) => {
    const va = pick(ra, f);
    const vb = pick(rb, f);
    const total = (v: (number | null)[], r: typeof ra) => (r ? v.reduce<number>((s, x) => s + (x ?? 0), 0) : null);
    return { metric: name, a: va, b: vb, totalA: total(va, ra), totalB: total(vb, rb) };
  };
  return {
    assumptions,
    years,
    rows: [
      metric('Investment (£)', (r) => r.investment),
      metric('Funding (£)', (r) => r.fundingTotal),
      metric('Affordability gap (£)', (r) => r.affordabilityGap),
      metric('Net cost, median (£)', (r) => r.netCost.p50),
      metric('Bed days saved, median', (r) => r.bedDaysSaved.p50),
      metric('Beds equivalent', (r) => r.bedsEquivalent),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// The NCL demonstration

export const NCL_SCENARIO_NAME = 'NCL core offer plan 2023-24 to 2027-28';

/**
 * Seeds the NCL scenario from the demo baseline and offer, runs the model on it (in this thread, with 1,000
 * draws and the solver stopped by work limits, `SEED_RUN`, so the plan is the same on every machine and start-up
 * stays quick; a re-run uses 10,000 draws and the same work limits) and agrees it as the plan.
 */
export async function seedFinance(
  db: AnyDb,
  systemId: string,
  now: Date,
  { runCache }: { runCache?: RunCache } = {},
): Promise<{ scenarios: number }> {
  const actor = systemActor(systemId);
  const id = await createScenario(
    db,
    actor,
    {
      name: NCL_SCENARIO_NAME,
      description:
        'Built by the model from the 2021-22 demonstration baseline and the published offer. Unit costs and the £55m of growth monies are sourced; effects, recruitment limits and most levers are illustrative.',
      firstYear: '2023-24',
    },
    now,
  );
  const fixed: Clock = { now: () => now };
  const { finished } = await startRun(db, actor, id, fixed, { ...SEED_RUN, inProcess: true, cache: runCache });
  await finished;
  const s = await repo.getScenario(db, systemId, id);
  if (s?.runStatus !== 'done') throw new Error(`The NCL finance scenario did not run: ${s?.runError ?? 'unknown'}`);
  await agreeScenario(db, actor, id, now);
  return { scenarios: 1 };
}
