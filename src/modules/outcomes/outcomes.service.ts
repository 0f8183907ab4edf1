// Commands and queries on the stored outcomes framework, provider returns and indicator values. Every
// function takes the acting person and checks what they may see or do:
//   - analysts and commissioners read everything (framework, values, every provider's returns);
//   - a provider reads the framework (to fill in returns) and its own organisation's returns only, and
//     submits returns for its own organisation only (the actor's organisationCode);
//   - the system actor (seeding) may do anything.
// A submission is checked whole and stored only when every row is right: the return, its counts, the
// superseding of the previous return and the audit row commit together or not at all.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { audit } from '../../platform/audit/audit.ts';
import { type Actor, systemActor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { computeIndicatorValues, type IndicatorValue } from './compute.ts';
import { FRAMEWORK_FILE, loadFramework, loadValues } from './framework.files.ts';
import {
  type Domain,
  type Framework,
  type IndicatorDefinition,
  listIndicators,
  NCL_SYSTEM_ID,
  type Outcome,
} from './framework.ts';
import { dueDateFor, financialYearOf, parsePeriod, quartersOf } from './periods.ts';
import * as repo from './outcomes.repository.ts';
import {
  describeReturnProblem,
  expectedReturnRows,
  type ReturnProblem,
  type ReturnStatusReport,
  returnStatus,
  returnTemplateRows,
  validateReturnRows,
} from './returns.ts';

export type { ReturnChannel, ReturnRecord, StoredCount } from './outcomes.repository.ts';

/** The NCL demonstration framework and values, wherever the process was started from. */
export const NCL_OUTCOMES_FOLDER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../data/ncl/outcomes',
);

export const OUTCOMES_READERS = ['analyst', 'commissioner'] as const;
export const RETURN_SUBMITTERS = ['provider'] as const;

const isSystem = (actor: Actor) => actor.role === 'system';
const isReader = (actor: Actor) => isSystem(actor) || (OUTCOMES_READERS as readonly string[]).includes(actor.role);
const isProvider = (actor: Actor) => actor.role === 'provider';

function assertReader(actor: Actor): void {
  if (!isReader(actor)) throw new ForbiddenError('Only analysts and commissioners can read outcome values');
}

function assertFrameworkReader(actor: Actor): void {
  if (!isReader(actor) && !isProvider(actor)) {
    throw new ForbiddenError('Only analysts, commissioners and providers can read the outcomes framework');
  }
}

/** The provider a provider acts for; a ForbiddenError when the account names no organisation. */
function ownProvider(actor: Actor, framework: Framework): string {
  const code = actor.organisationCode?.toUpperCase();
  if (!code) throw new ForbiddenError('Your account is not linked to a provider organisation, so it cannot submit');
  if (!framework.providers.some((p) => p.code === code)) {
    throw new ForbiddenError(`${code} is not a provider that reports on this outcomes framework`);
  }
  return code;
}

// Framework and indicators ------------------------------------------------------------------------------

export async function getFramework(db: AnyDb, actor: Actor): Promise<Framework> {
  assertFrameworkReader(actor);
  const framework = await repo.findFramework(db, actor.systemId);
  if (!framework) throw new NotFoundError('Outcomes framework');
  return framework;
}

export type IndicatorInFramework = { indicator: IndicatorDefinition; outcome: Outcome; domain: Domain };

export async function getIndicator(db: AnyDb, actor: Actor, code: string): Promise<IndicatorInFramework> {
  const framework = await getFramework(db, actor);
  const found = listIndicators(framework).find((e) => e.indicator.code.toUpperCase() === code.toUpperCase());
  if (!found) throw new NotFoundError('Indicator');
  return found;
}

// Values -------------------------------------------------------------------------------------------------

/** Every published value of one indicator, with intervals, disclosure control and comparisons. */
export async function getIndicatorValues(
  db: AnyDb,
  actor: Actor,
  code: string,
): Promise<IndicatorInFramework & { values: IndicatorValue[] }> {
  assertReader(actor);
  const found = await getIndicator(db, actor, code);
  const counts = await repo.currentCounts(db, actor.systemId, found.indicator.code);
  return { ...found, values: computeIndicatorValues(found.indicator, counts) };
}

/** Values of every indicator (the overview), keyed by indicator code. */
export async function getAllIndicatorValues(
  db: AnyDb,
  actor: Actor,
): Promise<{ framework: Framework; values: Map<string, IndicatorValue[]> }> {
  assertReader(actor);
  const framework = await getFramework(db, actor);
  const counts = await repo.currentCounts(db, actor.systemId);
  const byCode = new Map<string, repo.StoredCount[]>();
  for (const c of counts) byCode.set(c.indicatorCode, [...(byCode.get(c.indicatorCode) ?? []), c]);
  const values = new Map<string, IndicatorValue[]>();
  for (const { indicator } of listIndicators(framework)) {
    values.set(indicator.code, computeIndicatorValues(indicator, byCode.get(indicator.code) ?? []));
  }
  return { framework, values };
}

// Provider returns ---------------------------------------------------------------------------------------

/** A return refused because of its rows: each problem names its row, column and what was expected. */
export class ReturnRejectedError extends ValidationError {
  readonly problems: ReturnProblem[];
  constructor(problems: ReturnProblem[], fieldFor: (p: ReturnProblem) => string) {
    super(
      problems.map((p) => ({ field: fieldFor(p), message: describeReturnProblem(p) })),
      `The return was not accepted: ${problems.length} problem${problems.length === 1 ? '' : 's'} to put right. Nothing was saved.`,
    );
    this.problems = problems;
  }
}

export type SubmitReturn = {
  readonly period: string;
  /** Cells by column name, as parsed from CSV/XLSX or sent as JSON. */
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  /** Row number of rows[0]: 2 for a file with a header row, 1 for a JSON array. */
  readonly firstRow: number;
  readonly channel: repo.ReturnChannel;
  readonly fileName?: string | null;
  /** Only the system actor (seeding) may name another provider; a provider submits for itself. */
  readonly providerCode?: string;
  readonly submittedAt?: Date;
  readonly requestId?: string | null;
};

export type SubmitResult = { return: repo.ReturnRecord; warnings: ReturnProblem[]; superseded: string | null };

const MAX_RETURN_ROWS = 20_000;

function checkPeriod(period: string): string {
  const parsed = parsePeriod(period);
  if (!parsed) {
    throw new ValidationError([
      { field: 'period', message: 'Enter the period the return is for, such as 2024/25 Q2 (or 2024/25, or 2024-07)' },
    ]);
  }
  return parsed.label;
}

export async function submitReturn(db: AnyDb, actor: Actor, input: SubmitReturn): Promise<SubmitResult> {
  if (!isSystem(actor) && !isProvider(actor)) {
    throw new ForbiddenError('Only providers submit returns, each for its own organisation');
  }
  const framework = await repo.findFramework(db, actor.systemId);
  if (!framework) throw new NotFoundError('Outcomes framework');
  let providerCode: string;
  if (isSystem(actor)) {
    if (!input.providerCode) throw new ValidationError([{ field: 'provider', message: 'Name the provider' }]);
    providerCode = input.providerCode.toUpperCase();
  } else {
    providerCode = ownProvider(actor, framework);
    if (input.providerCode && input.providerCode.toUpperCase() !== providerCode) {
      throw new ForbiddenError(`You submit returns for ${providerCode} only, not for ${input.providerCode}`);
    }
  }
  const period = checkPeriod(input.period);
  if (input.rows.length === 0) {
    throw new ValidationError([{ field: 'rows', message: 'The return has no rows: use the template for this period' }]);
  }
  if (input.rows.length > MAX_RETURN_ROWS) {
    throw new ValidationError([
      { field: 'rows', message: `A return can hold up to ${MAX_RETURN_ROWS.toLocaleString('en-GB')} rows` },
    ]);
  }
  const checked = validateReturnRows(input.rows, { framework, providerCode, period, firstRow: input.firstRow });
  if (!checked.ok) {
    const fieldFor = (p: ReturnProblem) => {
      if (input.channel === 'api') {
        return p.row >= input.firstRow
          ? `rows[${p.row - input.firstRow}]${p.column ? `.${p.column}` : ''}`
          : p.column || 'rows';
      }
      return p.row > 0 ? `row ${p.row}${p.column ? `, ${p.column}` : ''}` : p.column || 'file';
    };
    const error = new ReturnRejectedError(checked.errors, fieldFor);
    await audit(db, actor, {
      action: 'outcomes.return.rejected',
      recordType: 'outcomes_return',
      recordId: `${providerCode} ${period}`,
      outcome: 'failed',
      detail: { period, provider: providerCode, rows: input.rows.length, problems: checked.errors.length },
      requestId: input.requestId ?? null,
    });
    throw error;
  }
  return inTransaction(db, async (tx) => {
    const superseded = await repo.supersedeCurrent(tx, actor.systemId, providerCode, period);
    let record: repo.ReturnRecord;
    try {
      record = await repo.insertReturn(tx, {
        systemId: actor.systemId,
        providerCode,
        period,
        submittedBy: actor.name,
        submittedById: isSystem(actor) ? null : actor.id,
        submittedAt: input.submittedAt,
        channel: input.channel,
        fileName: input.fileName ?? null,
        rowCount: checked.rows.length,
        warningCount: checked.warnings.length,
        supersedes: superseded,
      });
    } catch (error) {
      // Two submissions for the same period at once: the unique index lets only one be current.
      if ((error as { code?: string }).code === '23505') {
        throw new ConflictError('Another return for this period was submitted at the same moment. Try again.');
      }
      throw error;
    }
    await repo.insertCounts(
      tx,
      actor.systemId,
      checked.rows.map((r) => ({
        indicatorCode: r.indicatorCode,
        period: r.period,
        area: r.borough,
        breakdown: r.breakdown,
        breakdownValue: r.breakdownValue,
        numerator: r.numerator,
        denominator: r.denominator,
        provider: providerCode,
        returnId: record.id,
        rowNumber: r.row,
        notes: r.notes,
      })),
    );
    await audit(tx, actor, {
      action: superseded ? 'outcomes.return.resubmitted' : 'outcomes.return.submitted',
      recordType: 'outcomes_return',
      recordId: record.id,
      detail: {
        provider: providerCode,
        period,
        rows: checked.rows.length,
        warnings: checked.warnings.length,
        channel: input.channel,
        fileName: input.fileName ?? null,
        supersedes: superseded,
      },
      requestId: input.requestId ?? null,
    });
    return { return: record, warnings: checked.warnings, superseded };
  });
}

/** Returns a person may see: a provider its own (asking for another's is refused), readers any or all. */
export async function listReturns(
  db: AnyDb,
  actor: Actor,
  filter: { providerCode?: string; period?: string } = {},
): Promise<repo.ReturnRecord[]> {
  const wanted = filter.providerCode?.toUpperCase();
  if (isProvider(actor)) {
    const framework = await getFramework(db, actor);
    const own = ownProvider(actor, framework);
    if (wanted && wanted !== own) throw new ForbiddenError(`You can see ${own}'s returns only`);
    return repo.listReturns(db, actor.systemId, { providerCode: own, period: filter.period });
  }
  assertReader(actor);
  return repo.listReturns(db, actor.systemId, { providerCode: wanted, period: filter.period });
}

/** One return and its rows. Another provider's return is 'not found' to a provider: it need not know it exists. */
export async function getReturn(
  db: AnyDb,
  actor: Actor,
  id: string,
): Promise<{ return: repo.ReturnRecord; rows: repo.StoredCount[] }> {
  if (!isProvider(actor)) assertReader(actor);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new NotFoundError('Return');
  const record = await repo.findReturn(db, actor.systemId, id);
  if (!record || (isProvider(actor) && record.providerCode !== actor.organisationCode?.toUpperCase())) {
    throw new NotFoundError('Return');
  }
  return { return: record, rows: await repo.countsOfReturn(db, id) };
}

/** The template to fill in: the header and one row per expected borough total, for the provider and period. */
export async function returnTemplate(
  db: AnyDb,
  actor: Actor,
  input: { period: string; providerCode?: string },
): Promise<{ providerCode: string; period: string; rows: string[][] }> {
  const framework = await getFramework(db, actor);
  const period = checkPeriod(input.period);
  let providerCode: string;
  if (isProvider(actor)) {
    providerCode = ownProvider(actor, framework);
    if (input.providerCode && input.providerCode.toUpperCase() !== providerCode) {
      throw new ForbiddenError(`You can download ${providerCode}'s template only`);
    }
  } else {
    providerCode = (input.providerCode ?? '').toUpperCase();
    if (!framework.providers.some((p) => p.code === providerCode)) {
      throw new ValidationError([{ field: 'provider', message: 'Choose a provider from the framework' }]);
    }
  }
  return { providerCode, period, rows: returnTemplateRows(framework, providerCode, period) };
}

export type ReturnsOverview = ReturnStatusReport & {
  readonly year: string;
  /** Financial years to choose from: the first with any return, to this one. */
  readonly years: string[];
  readonly providers: { code: string; name: string }[];
};

/** Which quarterly returns of a financial year are on time, late, missing or not yet due, for every provider. */
/** Each return the framework expects in the year's quarters: on time, late, missing or not yet due at `now`. */
function yearStatus(
  framework: Framework,
  all: readonly { providerCode: string; period: string; submittedAt: string }[],
  year: string,
  now: Date,
) {
  const quarters = quartersOf(year);
  const expected = quarters.flatMap((period) =>
    framework.providers
      .filter((p) => expectedReturnRows(framework, p.code, period).length > 0)
      .map((p) => ({ providerCode: p.code, period })),
  );
  const received = all
    .filter((r) => quarters.includes(r.period))
    .map((r) => ({ providerCode: r.providerCode, period: r.period, submittedAt: r.submittedAt }));
  const dueDates = Object.fromEntries(quarters.map((q) => [q, dueDateFor(q)]));
  return returnStatus(expected, received, dueDates, now);
}

export async function returnsOverview(
  db: AnyDb,
  actor: Actor,
  options: { year?: string; now: Date },
): Promise<ReturnsOverview> {
  assertReader(actor);
  const framework = await getFramework(db, actor);
  const now = options.now;
  const all = await repo.listReturns(db, actor.systemId);
  const current = financialYearOf(now);
  const first = all.reduce((min, r) => {
    const y = r.period.slice(0, 7);
    return /^\d{4}\/\d{2}$/.test(y) && y < min ? y : min;
  }, current);
  const years: string[] = [];
  for (let y = Number(first.slice(0, 4)); y <= Number(current.slice(0, 4)); y++) {
    years.push(`${y}/${String((y + 1) % 100).padStart(2, '0')}`);
  }
  const latestWithReturns = [...years].reverse().find((y) => all.some((r) => r.period.startsWith(y)));
  const year = options.year && years.includes(options.year) ? options.year : (latestWithReturns ?? current);
  const report = yearStatus(framework, all, year, now);
  return {
    ...report,
    year,
    years,
    providers: framework.providers.map((p) => ({ code: p.code, name: p.name })),
  };
}

/**
 * How many of this financial year's outcome returns from the provider's own organisation are past their due
 * date and not yet submitted, for the staff home.
 */
export async function returnsMissing(db: AnyDb, actor: Actor, now: Date): Promise<number> {
  if (!isProvider(actor)) throw new ForbiddenError();
  const framework = await getFramework(db, actor);
  const code = actor.organisationCode?.toUpperCase();
  if (!code || !framework.providers.some((p) => p.code === code)) return 0;
  const own = (await repo.listReturns(db, actor.systemId)).filter((r) => r.providerCode === code);
  return yearStatus(framework, own, financialYearOf(now), now).missing.filter((r) => r.providerCode === code).length;
}

// Demonstration data --------------------------------------------------------------------------------------

/** When a seeded return arrived: a few days before it was due, except a couple that came in late. */
const LATE_IN_DEMO: Readonly<Record<string, number>> = { 'TAF|2023/24 Q3': 6, 'RYX|2022/23 Q4': 12 };
function demoSubmittedAt(providerCode: string, period: string): Date {
  const due = Date.parse(`${dueDateFor(period)}T09:30:00Z`);
  const late = LATE_IN_DEMO[`${providerCode}|${period}`];
  const offsetDays = late ?? -(3 + (providerCode.charCodeAt(1) % 5));
  return new Date(due + offsetDays * 86_400_000);
}

/**
 * Loads the NCL framework and its illustrative values into an empty system: national and system figures as
 * the ICB's, provider figures as one accepted return per provider and quarter. Does nothing when the system
 * already has a framework.
 */
export async function seedOutcomes(
  db: AnyDb,
  systemId: string,
  folder = NCL_OUTCOMES_FOLDER,
): Promise<{ indicators: number; returns: number; counts: number }> {
  const actor = systemActor(systemId);
  const framework = await loadFramework(path.join(folder, FRAMEWORK_FILE));
  const counts = await loadValues(folder, framework);
  return inTransaction(db, async (tx) => {
    if (await repo.findFramework(tx, systemId)) return { indicators: 0, returns: 0, counts: 0 };
    await repo.insertFramework(tx, systemId, framework);
    const icb = counts.filter((c) => (c.provider ?? NCL_SYSTEM_ID) === NCL_SYSTEM_ID);
    await repo.insertCounts(
      tx,
      systemId,
      icb.map((c) => ({ ...c, provider: NCL_SYSTEM_ID, returnId: null, rowNumber: null, notes: 'illustrative' })),
    );
    const groups = new Map<string, typeof counts>();
    for (const c of counts) {
      if ((c.provider ?? NCL_SYSTEM_ID) === NCL_SYSTEM_ID) continue;
      const key = `${c.provider}|${c.period}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    let returns = 0;
    for (const [key, rows] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      const [providerCode, period] = key.split('|') as [string, string];
      const record = await repo.insertReturn(tx, {
        systemId,
        providerCode,
        period,
        submittedBy: `${providerCode} (demonstration data)`,
        submittedById: null,
        submittedAt: demoSubmittedAt(providerCode, period),
        channel: 'seed',
        fileName: 'values-provider-returns.csv',
        rowCount: rows.length,
        warningCount: 0,
        supersedes: null,
      });
      await repo.insertCounts(
        tx,
        systemId,
        rows.map((c, i) => ({
          ...c,
          provider: providerCode,
          returnId: record.id,
          rowNumber: i + 2,
          notes: 'illustrative',
        })),
      );
      returns++;
    }
    await audit(tx, actor, {
      action: 'outcomes.seed',
      recordType: 'outcomes_framework',
      recordId: framework.id,
      detail: { indicators: listIndicators(framework).length, returns, counts: counts.length, folder },
    });
    return { indicators: listIndicators(framework).length, returns, counts: counts.length };
  });
}
