// Commands and queries on delivery against the plan. Commissioners and analysts read; commissioners record a
// borough partnership's agreement and re-profile (each a new version with its reason, audited); providers
// submit their own quarterly returns (commissioners and analysts may submit for any provider). The plan is
// read from the finance module's agreed scenario (finance/index.ts), never recomputed here.
import { audit } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import {
  ConflictError,
  DomainError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { detectFormat, readTabular, TabularFileError } from '../../platform/tabular.ts';
import { baselineContext } from '../baseline/index.ts';
import { type AgreedPlan, type AgreedPlanItem, agreedPlan } from '../finance/index.ts';
import {
  benefitsLaggingSpend,
  checkProfile,
  checkTolerance,
  DEFAULT_TOLERANCE,
  EVEN_PROFILE,
  type Envelope,
  envelopePosition,
  type Forecast,
  forecastYearEnd,
  isFinancialYear,
  type Lag,
  QUARTERS,
  sumReported,
  type Variance,
  variance,
} from './monitoring.ts';
import { checkReturnRows, type ReturnProblem } from './monitoring.returns.ts';
import * as repo from './monitoring.repository.ts';

export type { PlanVersion, ReturnRecord } from './monitoring.repository.ts';

export const MONITORING_READERS = ['commissioner', 'analyst'] as const;
export const MONITORING_WRITERS = ['commissioner'] as const;
export const RETURN_SUBMITTERS = ['commissioner', 'analyst', 'provider'] as const;

const has = (list: readonly string[], actor: Actor) => actor.role === 'system' || list.includes(actor.role);
function assertReader(actor: Actor) {
  if (!has(MONITORING_READERS, actor))
    throw new ForbiddenError('Only commissioners and analysts can read delivery against the plan');
}
function assertWriter(actor: Actor) {
  if (!has(MONITORING_WRITERS, actor)) throw new ForbiddenError('Only commissioners can record a borough plan');
}

/** A return refused: every problem with its row, column and what was expected. Nothing was saved. */
export class ReturnImportError extends DomainError {
  readonly problems: ReturnProblem[];
  constructor(problems: ReturnProblem[]) {
    super(
      400,
      'import_failed',
      `The return has ${problems.length} problem${problems.length === 1 ? '' : 's'}. Nothing was saved: fix ${problems.length === 1 ? 'it' : 'them'} and submit the whole return again.`,
      problems.slice(0, 500).map((p) => ({
        field: p.column ? `row ${p.row}, ${p.column}` : `row ${p.row}`,
        message: `Row ${p.row}${p.column ? `, column ${p.column}` : ''}: ${p.message}. Expected ${p.expected}${p.actual ? `; found "${p.actual}"` : ''}`,
      })),
    );
    this.problems = problems;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reading the plan

export interface Names {
  boroughs: { code: string; name: string }[];
  components: { code: string; name: string }[];
}

async function namesOf(db: AnyDb, systemId: string): Promise<Names> {
  const ctx = await baselineContext(db, systemId);
  return {
    boroughs: ctx.places.map((p) => ({ code: p.code, name: p.name })),
    components: ctx.components.map((c) => ({ code: c.code, name: c.name })),
  };
}

export interface PlanState {
  /** 'no-finance-plan': no agreed finance scenario; 'not-agreed': the borough partnership has not agreed it. */
  status: 'agreed' | 'not-agreed' | 'no-finance-plan' | 'year-not-in-plan';
  current: repo.PlanVersion | null;
  history: repo.PlanVersion[];
  scenario: { id: string; name: string; version: number; years: string[]; agreedAt: string | null } | null;
}

function yearsOf(plan: AgreedPlan | null): string[] {
  return plan?.years ?? [];
}

/** The year to show: asked for, else the latest year a borough agreed, else the plan's first year. */
async function resolveYear(db: AnyDb, systemId: string, plan: AgreedPlan | null, year?: string): Promise<string> {
  if (year) {
    if (!isFinancialYear(year))
      throw new ValidationError([{ field: 'year', message: 'Write the year as a financial year, such as 2023-24' }]);
    return year;
  }
  const r = await db
    .selectFrom('mon_plans')
    .select('financial_year')
    .where('system_id', '=', systemId)
    .orderBy('financial_year', 'desc')
    .executeTakeFirst();
  return r?.financial_year ?? plan?.firstYear ?? '2023-24';
}

function tol(t: number | undefined): number {
  if (t === undefined) return DEFAULT_TOLERANCE;
  const problem = checkTolerance(t);
  if (problem) throw new ValidationError([{ field: 'tolerance', message: problem }]);
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// The borough's position

export interface QuarterCell {
  quarter: number;
  spendPlanned: number;
  spendActual: number | null;
  spend: Variance;
  benefitPlanned: number;
  benefitActual: number | null;
  benefit: Variance;
  staffPlanned: number;
  staffActual: number | null;
  staff: Variance;
  activity: number | null;
}

export interface ComponentPosition {
  component: string;
  name: string;
  inPlan: boolean;
  startYear: string | null;
  profile: number[];
  annual: { investment: number; bedDaysSaved: number; placementDaysSaved: number; wte: number };
  quarters: QuarterCell[];
  toDate: {
    spendPlanned: number;
    spendActual: number | null;
    spend: Variance;
    benefitPlanned: number;
    benefitActual: number | null;
    benefit: Variance;
  };
  forecast: Forecast;
  yearEnd: Variance;
}

export interface BoroughPosition {
  borough: { code: string; name: string };
  year: string;
  tolerance: number;
  plan: PlanState;
  quartersReported: number;
  components: ComponentPosition[];
  spendByQuarter: { quarter: number; planned: number; actual: number | null }[];
  benefitByQuarter: { quarter: number; planned: number; actual: number | null }[];
  envelope: Envelope | null;
  benefitToDate: Variance;
  lagging: Lag[];
  illustrative: boolean;
}

const pounds = (pence: number) => pence / 100;

function cumulative(shares: readonly number[], q: number) {
  return shares.slice(0, q).reduce((s, x) => s + x, 0) / 100;
}

function positionOf(
  names: Names,
  gss: string,
  year: string,
  tolerance: number,
  plan: AgreedPlan | null,
  state: PlanState,
  rows: repo.ActualRow[],
): BoroughPosition {
  const yi = plan ? plan.years.indexOf(year) : -1;
  const agreed = state.status === 'agreed';
  const items: AgreedPlanItem[] =
    agreed && plan && yi >= 0 ? plan.items.filter((i) => i.borough === gss && i.investment[yi] > 0) : [];
  const reported = new Set(rows.map((r) => r.quarter));
  let quartersReported = 0;
  for (const q of QUARTERS) {
    if (!reported.has(q)) break;
    quartersReported = q;
  }
  const componentName = new Map(names.components.map((c) => [c.code, c.name]));
  const codes = [...new Set([...items.map((i) => i.component), ...rows.map((r) => r.component)])];
  const components = codes.map((code): ComponentPosition => {
    const item = items.find((i) => i.component === code);
    const profile = state.current?.profile[code] ?? [...EVEN_PROFILE];
    const annual = {
      investment: item ? item.investment[yi] : 0,
      bedDaysSaved: item ? item.bedDaysSaved[yi] : 0,
      placementDaysSaved: item ? item.placementDaysSaved[yi] : 0,
      wte: item ? item.wte[yi] : 0,
    };
    const mine = rows.filter((r) => r.component === code);
    const quarters = QUARTERS.map((q): QuarterCell => {
      const here = mine.filter((r) => r.quarter === q);
      const share = (profile[q - 1] ?? 0) / 100;
      const spendPlanned = annual.investment * share;
      const benefitPlanned = annual.bedDaysSaved * share;
      const staffPlanned = annual.wte * cumulative(profile, q);
      const spendActual = here.length ? pounds(here.reduce((s, r) => s + r.spendPence, 0)) : null;
      const benefitActual = here.length ? sumReported(here.map((r) => r.bedDaysSaved)) : null;
      const staffActual = here.length ? sumReported(here.map((r) => r.staffInPost)) : null;
      const activity = here.length ? sumReported(here.map((r) => r.activity)) : null;
      const k = item ? undefined : null;
      return {
        quarter: q,
        spendPlanned,
        spendActual,
        spend: variance(k === null ? null : spendPlanned, spendActual, { tolerance, kind: 'spend' }),
        benefitPlanned,
        benefitActual,
        benefit: variance(k === null || annual.bedDaysSaved <= 0 ? null : benefitPlanned, benefitActual, { tolerance }),
        staffPlanned,
        staffActual,
        staff: variance(k === null ? null : staffPlanned, staffActual, { tolerance }),
        activity,
      };
    });
    const upTo = quarters.slice(0, Math.max(quartersReported, 0));
    const spendPlanned = upTo.reduce((s, c) => s + c.spendPlanned, 0);
    const spendActual = sumReported(upTo.map((c) => c.spendActual));
    const benefitPlanned = upTo.reduce((s, c) => s + c.benefitPlanned, 0);
    const benefitActual = sumReported(upTo.map((c) => c.benefitActual));
    const forecast = forecastYearEnd(quarters.map((c) => c.spendActual));
    return {
      component: code,
      name: componentName.get(code) ?? code,
      inPlan: !!item,
      startYear: item?.startYear ?? null,
      profile,
      annual,
      quarters,
      toDate: {
        spendPlanned,
        spendActual,
        spend: variance(item ? spendPlanned : null, quartersReported ? spendActual : null, {
          tolerance,
          kind: 'spend',
        }),
        benefitPlanned,
        benefitActual,
        benefit: variance(
          item && annual.bedDaysSaved > 0 ? benefitPlanned : null,
          quartersReported ? benefitActual : null,
          { tolerance },
        ),
      },
      forecast,
      yearEnd: variance(item ? annual.investment : null, forecast.yearEnd, { tolerance, kind: 'spend' }),
    };
  });
  components.sort(
    (a, b) =>
      Number(b.inPlan) - Number(a.inPlan) || b.annual.investment - a.annual.investment || a.name.localeCompare(b.name),
  );
  const spendByQuarter = QUARTERS.map((q) => ({
    quarter: q,
    planned: components.reduce((s, c) => s + c.quarters[q - 1].spendPlanned, 0),
    actual: reported.has(q) ? components.reduce((s, c) => s + (c.quarters[q - 1].spendActual ?? 0), 0) : null,
  }));
  const benefitByQuarter = QUARTERS.map((q) => ({
    quarter: q,
    planned: components.reduce((s, c) => s + c.quarters[q - 1].benefitPlanned, 0),
    actual: reported.has(q) ? components.reduce((s, c) => s + (c.quarters[q - 1].benefitActual ?? 0), 0) : null,
  }));
  const benefitPlannedToDate = benefitByQuarter.slice(0, quartersReported).reduce((s, x) => s + x.planned, 0);
  const benefitActualToDate = quartersReported
    ? benefitByQuarter.slice(0, quartersReported).reduce((s, x) => s + (x.actual ?? 0), 0)
    : null;
  return {
    borough: { code: gss, name: names.boroughs.find((b) => b.code === gss)?.name ?? gss },
    year,
    tolerance,
    plan: state,
    quartersReported,
    components,
    spendByQuarter,
    benefitByQuarter,
    envelope: agreed
      ? envelopePosition(
          spendByQuarter.map((x) => x.planned),
          spendByQuarter.slice(0, quartersReported).map((x) => x.actual),
          tolerance,
        )
      : null,
    benefitToDate: variance(agreed ? benefitPlannedToDate : null, benefitActualToDate, { tolerance }),
    lagging: benefitsLaggingSpend(
      components
        .filter((c) => c.inPlan)
        .map((c) => ({
          component: c.name,
          spendPlanned: c.toDate.spendPlanned,
          spendActual: c.toDate.spendActual,
          benefitPlanned: c.toDate.benefitPlanned,
          benefitActual: c.toDate.benefitActual,
        })),
      tolerance,
    ),
    illustrative: rows.some((r) => r.illustrative) || !!state.current?.illustrative,
  };
}

function planState(plan: AgreedPlan | null, versions: repo.PlanVersion[], gss: string, year: string): PlanState {
  const history = versions.filter((v) => v.borough === gss);
  const scenario = plan
    ? { id: plan.scenarioId, name: plan.name, version: plan.version, years: plan.years, agreedAt: plan.agreedAt }
    : null;
  if (!plan) return { status: 'no-finance-plan', current: null, history, scenario };
  if (!plan.years.includes(year)) return { status: 'year-not-in-plan', current: null, history, scenario };
  const current = history[0] ?? null;
  return { status: current ? 'agreed' : 'not-agreed', current, history, scenario };
}

export interface PositionQuery {
  year?: string;
  tolerance?: number;
}

async function load(db: AnyDb, actor: Actor, q: PositionQuery, borough?: string) {
  const plan = await agreedPlan(db, actor.systemId);
  const year = await resolveYear(db, actor.systemId, plan, q.year);
  const tolerance = tol(q.tolerance);
  const [names, versions, rows] = await Promise.all([
    namesOf(db, actor.systemId),
    repo.planVersions(db, actor.systemId, year, borough),
    repo.actuals(db, actor.systemId, year, borough),
  ]);
  return { plan, year, tolerance, names, versions, rows };
}

export async function boroughPosition(
  db: AnyDb,
  actor: Actor,
  gss: string,
  q: PositionQuery = {},
): Promise<BoroughPosition> {
  assertReader(actor);
  const l = await load(db, actor, q, gss);
  if (!l.names.boroughs.some((b) => b.code === gss)) throw new NotFoundError('Borough');
  return positionOf(l.names, gss, l.year, l.tolerance, l.plan, planState(l.plan, l.versions, gss, l.year), l.rows);
}

export interface Overview {
  year: string;
  years: string[];
  tolerance: number;
  scenario: PlanState['scenario'];
  boroughs: BoroughPosition[];
  ics: {
    envelope: Envelope | null;
    spendByQuarter: BoroughPosition['spendByQuarter'];
    benefitByQuarter: BoroughPosition['benefitByQuarter'];
    benefitToDate: Variance;
    quartersReported: number;
    agreedBoroughs: number;
  };
  quarters: { quarter: number; status: 'open' | 'closed' | 'not-opened' }[];
  illustrative: boolean;
}

/** Every borough's position for the year, and the ICS's (the sum of the boroughs that have agreed). */
export async function overview(db: AnyDb, actor: Actor, q: PositionQuery = {}): Promise<Overview> {
  assertReader(actor);
  const l = await load(db, actor, q);
  const boroughs = l.names.boroughs.map((b) =>
    positionOf(
      l.names,
      b.code,
      l.year,
      l.tolerance,
      l.plan,
      planState(l.plan, l.versions, b.code, l.year),
      l.rows.filter((r) => r.borough === b.code),
    ),
  );
  const agreed = boroughs.filter((b) => b.plan.status === 'agreed');
  const reported = new Set(l.rows.map((r) => r.quarter));
  let quartersReported = 0;
  for (const qq of QUARTERS) {
    if (!reported.has(qq)) break;
    quartersReported = qq;
  }
  const sumBy = (pick: (b: BoroughPosition) => BoroughPosition['spendByQuarter']) =>
    QUARTERS.map((qq) => ({
      quarter: qq,
      planned: agreed.reduce((s, b) => s + pick(b)[qq - 1].planned, 0),
      actual: reported.has(qq) ? agreed.reduce((s, b) => s + (pick(b)[qq - 1].actual ?? 0), 0) : null,
    }));
  const spendByQuarter = sumBy((b) => b.spendByQuarter);
  const benefitByQuarter = sumBy((b) => b.benefitByQuarter);
  const statuses = await repo.quarterStatuses(db, actor.systemId, l.year);
  return {
    year: l.year,
    years: [...new Set([...yearsOf(l.plan), l.year])].sort(),
    tolerance: l.tolerance,
    scenario: planState(l.plan, [], '', l.year).scenario,
    boroughs,
    ics: {
      envelope: agreed.length
        ? envelopePosition(
            spendByQuarter.map((x) => x.planned),
            spendByQuarter.slice(0, quartersReported).map((x) => x.actual),
            l.tolerance,
          )
        : null,
      spendByQuarter,
      benefitByQuarter,
      benefitToDate: variance(
        agreed.length ? benefitByQuarter.slice(0, quartersReported).reduce((s, x) => s + x.planned, 0) : null,
        quartersReported ? benefitByQuarter.slice(0, quartersReported).reduce((s, x) => s + (x.actual ?? 0), 0) : null,
        { tolerance: l.tolerance },
      ),
      quartersReported,
      agreedBoroughs: agreed.length,
    },
    quarters: QUARTERS.map((qq) => ({
      quarter: qq,
      status: statuses.find((s) => s.quarter === qq)?.status ?? 'not-opened',
    })),
    illustrative: boroughs.some((b) => b.illustrative),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Recording the borough partnership's agreement and re-profiling

export interface AgreementInput {
  borough: string;
  year: string;
  partnership: string;
  agreedOn: string;
  reason?: string;
  illustrative?: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function recordAgreement(
  db: AnyDb,
  actor: Actor,
  input: AgreementInput,
  now: Date,
): Promise<repo.PlanVersion> {
  assertWriter(actor);
  const errors: FieldError[] = [];
  const partnership = (input.partnership ?? '').trim();
  if (!partnership)
    errors.push({ field: 'partnership', message: 'Enter who agreed the plan, such as the borough partnership board' });
  else if (partnership.length > 200)
    errors.push({ field: 'partnership', message: 'Who agreed the plan must be 200 characters or fewer' });
  if (!DATE.test(input.agreedOn ?? '') || Number.isNaN(Date.parse(input.agreedOn)))
    errors.push({ field: 'agreedOn', message: 'Enter the date the plan was agreed, such as 2023-03-15' });
  else if (input.agreedOn > now.toISOString().slice(0, 10))
    errors.push({ field: 'agreedOn', message: 'The date the plan was agreed must be today or in the past' });
  if (!isFinancialYear(input.year ?? ''))
    errors.push({ field: 'year', message: 'Write the year as a financial year, such as 2023-24' });
  if ((input.reason ?? '').length > 2000)
    errors.push({ field: 'reason', message: 'The note must be 2,000 characters or fewer' });
  if (errors.length) throw new ValidationError(errors);
  return inTransaction(db, async (tx) => {
    const names = await namesOf(tx, actor.systemId);
    if (!names.boroughs.some((b) => b.code === input.borough))
      throw new ValidationError([{ field: 'borough', message: 'There is no borough with that code' }]);
    const plan = await agreedPlan(tx, actor.systemId);
    if (!plan)
      throw new ConflictError(
        'There is no agreed finance plan yet: agree a scenario in Finance first',
        'no_finance_plan',
      );
    if (!plan.years.includes(input.year))
      throw new ValidationError([
        { field: 'year', message: `The agreed finance plan covers ${plan.years[0]} to ${plan.years.at(-1)}` },
      ]);
    await repo.lockPlan(tx, actor.systemId, input.borough, input.year);
    const versions = await repo.planVersions(tx, actor.systemId, input.year, input.borough);
    const last = versions[0];
    const profile: repo.Profile = {};
    for (const it of plan.items.filter((i) => i.borough === input.borough))
      profile[it.component] = last?.profile[it.component] ?? [...EVEN_PROFILE];
    const version: Omit<repo.PlanVersion, 'id'> = {
      borough: input.borough,
      financialYear: input.year,
      version: (last?.version ?? 0) + 1,
      kind: 'agreement',
      scenarioId: plan.scenarioId,
      scenarioVersion: plan.version,
      partnership,
      agreedOn: input.agreedOn,
      reason: (input.reason ?? '').trim() || 'Agreed by the borough partnership',
      profile,
      illustrative: input.illustrative === true,
      recordedBy: actor.name,
      recordedAt: now.toISOString(),
    };
    const id = await repo.insertPlan(tx, actor.systemId, version);
    await audit(tx, actor, {
      action: 'monitoring.plan.agree',
      recordType: 'mon_plan',
      recordId: id,
      detail: {
        borough: input.borough,
        year: input.year,
        version: version.version,
        scenarioId: plan.scenarioId,
        partnership,
      },
    });
    return { id, ...version };
  });
}

export interface ReprofileInput {
  borough: string;
  year: string;
  component: string;
  /** Four percentages, one per quarter, adding up to 100. */
  profile: number[];
  reason: string;
}

export async function reprofile(db: AnyDb, actor: Actor, input: ReprofileInput, now: Date): Promise<repo.PlanVersion> {
  assertWriter(actor);
  const errors: FieldError[] = [];
  const reason = (input.reason ?? '').trim();
  if (!reason) errors.push({ field: 'reason', message: 'Enter the reason for re-profiling' });
  else if (reason.length > 2000)
    errors.push({ field: 'reason', message: 'The reason must be 2,000 characters or fewer' });
  const problem = checkProfile(input.profile ?? []);
  if (problem) errors.push({ field: 'profile', message: problem });
  if (!isFinancialYear(input.year ?? ''))
    errors.push({ field: 'year', message: 'Write the year as a financial year, such as 2023-24' });
  if (errors.length) throw new ValidationError(errors);
  return inTransaction(db, async (tx) => {
    await repo.lockPlan(tx, actor.systemId, input.borough, input.year);
    const versions = await repo.planVersions(tx, actor.systemId, input.year, input.borough);
    const last = versions[0];
    if (!last) throw new ConflictError('Record the borough partnership’s agreement before re-profiling', 'not_agreed');
    if (!(input.component in last.profile))
      throw new ValidationError([
        { field: 'component', message: 'That component is not in this borough’s plan for the year' },
      ]);
    const version: Omit<repo.PlanVersion, 'id'> = {
      ...last,
      version: last.version + 1,
      kind: 'reprofile',
      reason,
      profile: { ...last.profile, [input.component]: input.profile.map(Number) },
      recordedBy: actor.name,
      recordedAt: now.toISOString(),
    };
    delete (version as Partial<repo.PlanVersion>).id;
    const id = await repo.insertPlan(tx, actor.systemId, version);
    await audit(tx, actor, {
      action: 'monitoring.plan.reprofile',
      recordType: 'mon_plan',
      recordId: id,
      reason,
      detail: {
        borough: input.borough,
        year: input.year,
        version: version.version,
        component: input.component,
        from: last.profile[input.component],
        to: input.profile,
      },
    });
    return { id, ...version };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Quarters and returns

export async function quarters(db: AnyDb, actor: Actor, year: string) {
  if (!has(RETURN_SUBMITTERS, actor)) throw new ForbiddenError();
  const statuses = await repo.quarterStatuses(db, actor.systemId, year);
  return QUARTERS.map((q) => {
    const s = statuses.find((x) => x.quarter === q);
    return {
      quarter: q,
      status: s?.status ?? ('not-opened' as const),
      changedBy: s?.changedBy ?? null,
      changedAt: s?.changedAt ?? null,
    };
  });
}

export async function setQuarterStatus(
  db: AnyDb,
  actor: Actor,
  input: { year: string; quarter: number; status: 'open' | 'closed' },
  now: Date,
): Promise<void> {
  assertWriter(actor);
  const errors: FieldError[] = [];
  if (!isFinancialYear(input.year ?? ''))
    errors.push({ field: 'year', message: 'Write the year as a financial year, such as 2023-24' });
  if (![1, 2, 3, 4].includes(input.quarter))
    errors.push({ field: 'quarter', message: 'The quarter must be 1, 2, 3 or 4' });
  if (input.status !== 'open' && input.status !== 'closed')
    errors.push({ field: 'status', message: 'Choose open or closed' });
  if (errors.length) throw new ValidationError(errors);
  await inTransaction(db, async (tx) => {
    await repo.setQuarter(tx, actor.systemId, input.year, input.quarter, input.status, actor.name, now.toISOString());
    await audit(tx, actor, {
      action: `monitoring.quarter.${input.status}`,
      recordType: 'mon_quarter',
      recordId: `${input.year} Q${input.quarter}`,
      detail: input,
    });
  });
}

export function listReturns(db: AnyDb, actor: Actor, year?: string): Promise<repo.ReturnRecord[]> {
  if (!has(RETURN_SUBMITTERS, actor)) throw new ForbiddenError();
  return repo
    .listReturns(db, actor.systemId, year)
    .then((rs) => (actor.role === 'provider' ? rs.filter((r) => r.provider === actor.organisationCode) : rs));
}

export interface ReturnSheet {
  fileName: string;
  header: string[];
  rows: { rowNumber: number; cells: Record<string, string> }[];
  illustrative?: boolean;
}

/** Reads a CSV or XLSX file into a sheet, or a 400 naming the file field. */
export async function readReturnFile(file: { fileName: string; bytes: Buffer }): Promise<ReturnSheet> {
  try {
    const t = await readTabular(file.bytes, detectFormat(file.fileName, file.bytes));
    return { fileName: file.fileName, header: t.headers, rows: t.rows };
  } catch (e) {
    if (e instanceof TabularFileError) throw new ValidationError([{ field: 'file', message: e.message }]);
    throw e;
  }
}

/**
 * Submits a provider's quarterly return, all or nothing: every row checked against the system's boroughs and
 * the published offer, one provider and one open quarter; a provider only for itself (403 naming provider).
 * A new return for the same provider and quarter supersedes the last one. Refusals are audited.
 */
export async function submitReturn(db: AnyDb, actor: Actor, sheet: ReturnSheet, now: Date): Promise<repo.ReturnRecord> {
  if (!has(RETURN_SUBMITTERS, actor))
    throw new ForbiddenError('Only providers, commissioners and analysts can submit a finance return');
  const names = await namesOf(db, actor.systemId);
  const checked = checkReturnRows(sheet.header, sheet.rows, {
    boroughs: names.boroughs.map((b) => b.code),
    components: names.components.map((c) => c.code),
  });
  const refuse = async (status: number, detail: Record<string, unknown>) =>
    audit(db, actor, {
      action: 'monitoring.return.submit',
      recordType: 'mon_return',
      outcome: 'refused',
      detail: { fileName: sheet.fileName, status, ...detail },
    });
  if (!checked.ok) {
    await refuse(400, { problems: checked.problems.length });
    throw new ReturnImportError(checked.problems);
  }
  const r = checked.value;
  if (actor.role === 'provider' && r.provider !== actor.organisationCode) {
    await refuse(403, { provider: r.provider });
    throw new DomainError(
      403,
      'forbidden',
      `You can submit returns only for your own organisation (${actor.organisationCode ?? 'none'})`,
      [
        {
          field: 'provider',
          message: `The return is for provider ${r.provider}; you can submit returns only for ${actor.organisationCode ?? 'your own organisation'}`,
        },
      ],
    );
  }
  // Checked (and a refusal audited) before the transaction, so a refusal's audit row is never rolled back.
  const statuses = await repo.quarterStatuses(db, actor.systemId, r.financialYear);
  if (statuses.find((s) => s.quarter === r.quarter)?.status !== 'open') {
    await refuse(400, { quarter: `${r.financialYear} Q${r.quarter}` });
    throw new ValidationError(
      [
        {
          field: 'quarter',
          message: `Q${r.quarter} ${r.financialYear} is not open for returns: ask the commissioner to open it`,
        },
      ],
      'That quarter is not open for returns',
    );
  }
  return inTransaction(db, async (tx) => {
    const record = await repo.insertReturn(
      tx,
      actor.systemId,
      {
        provider: r.provider,
        financialYear: r.financialYear,
        quarter: r.quarter,
        fileName: sheet.fileName.slice(0, 200),
        illustrative: sheet.illustrative === true,
        submittedBy: actor.name,
        submittedAt: now.toISOString(),
      },
      r.rows,
    );
    await audit(tx, actor, {
      action: 'monitoring.return.submit',
      recordType: 'mon_return',
      recordId: record.id,
      detail: {
        provider: r.provider,
        year: r.financialYear,
        quarter: r.quarter,
        rows: r.rows.length,
        fileName: record.fileName,
      },
    });
    return record;
  });
}
