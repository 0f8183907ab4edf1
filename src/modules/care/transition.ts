// Transition from children's to adult services: a young person is flagged for transition planning from
// TRANSITION_FLAG_AGE (configurable), and is urgent when within six months of their 18th birthday without a
// plan. Pure; dates are 'YYYY-MM-DD'.
import { parseDate } from '../../platform/london-time.ts';

export const TRANSITION_FLAG_AGE = 17;
export const ADULT_AGE = 18;

function ageOn(birthDate: string, on: string): number {
  const b = parseDate(birthDate)!;
  const d = parseDate(on)!;
  const had = d.month > b.month || (d.month === b.month && d.day >= b.day);
  return d.year - b.year - (had ? 0 : 1);
}

/** The date a person turns `years` (29 February birthdays fall on 1 March in non-leap years). */
export function birthdayAt(birthDate: string, years: number): string {
  const b = parseDate(birthDate);
  if (!b) throw new TypeError(`Not a calendar date: ${birthDate}`);
  const d = new Date(Date.UTC(b.year + years, b.month - 1, b.day));
  return d.toISOString().slice(0, 10);
}

function addMonths(date: string, months: number): string {
  const p = parseDate(date)!;
  const d = new Date(Date.UTC(p.year, p.month - 1 + months, p.day));
  // Clamp to the month's last day (31 August + 6 months → 28/29 February).
  if (d.getUTCDate() !== p.day) d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}

export type TransitionStatus = {
  age: number;
  eighteenth: string;
  /** Aged from the flag age up to (not including) 18. */
  flagged: boolean;
  /** Within six months of the 18th birthday (and not yet 18). */
  withinSixMonths: boolean;
};

export function transitionStatus(birthDate: string, today: string, flagAge = TRANSITION_FLAG_AGE): TransitionStatus {
  const age = ageOn(birthDate, today);
  const eighteenth = birthdayAt(birthDate, ADULT_AGE);
  const flagged = age >= flagAge && age < ADULT_AGE;
  const withinSixMonths = today < eighteenth && addMonths(today, 6) >= eighteenth;
  return { age, eighteenth, flagged, withinSixMonths };
}

// ---------------------------------------------------------------------------------------------
// Structured transition plans: adult services and 18 to 25 components chosen from the published offer, a
// planned transfer date and a named lead in adult services.

export type OfferChoice = { code: string; name: string };
type OfferComponentLike = { code: string; name: string; provisions: { ageGroup: string }[] };

/** What a plan may name: adult services (components serving working-age adults) and the 18 to 25 components. */
export function transitionChoices(components: readonly OfferComponentLike[]): {
  adultServices: OfferChoice[];
  youngAdult: OfferChoice[];
} {
  const serving = (group: string) =>
    components
      .filter((c) => c.provisions.some((p) => p.ageGroup === group))
      .map((c) => ({ code: c.code, name: c.name }))
      .sort((a, b) => a.name.localeCompare(b.name));
  return { adultServices: serving('working-age-adults'), youngAdult: serving('young-adults') };
}

export type TransitionPlanInput = {
  adultServices?: unknown;
  components?: unknown;
  transferDate?: unknown;
  adultLead?: unknown;
};

const codes = (v: unknown): string[] =>
  [...new Set((Array.isArray(v) ? v : typeof v === 'string' && v ? [v] : []).map((x) => String(x).trim()))].filter(
    Boolean,
  );

/**
 * Checks a structured plan against the published offer: at least one adult service and only 18 to 25 components
 * the offer has; a transfer date from today up to the 25th birthday (when 18 to 25 services end); a named lead.
 */
export function checkTransitionPlan(
  input: TransitionPlanInput,
  choices: { adultServices: readonly OfferChoice[]; youngAdult: readonly OfferChoice[] },
  { today, birthDate }: { today: string; birthDate: string },
) {
  const errors: { field: string; message: string }[] = [];
  const adultCodes = codes(input.adultServices);
  const componentCodes = codes(input.components);
  const adult = adultCodes.map((c) => choices.adultServices.find((x) => x.code === c));
  const young = componentCodes.map((c) => choices.youngAdult.find((x) => x.code === c));
  if (adultCodes.length === 0)
    errors.push({ field: 'adultServices', message: 'Choose at least one adult service from the published offer' });
  else if (adult.some((x) => !x))
    errors.push({ field: 'adultServices', message: 'Choose adult services from the published offer only' });
  if (young.some((x) => !x))
    errors.push({ field: 'components', message: 'Choose 18 to 25 components from the published offer only' });
  const transferDate = typeof input.transferDate === 'string' ? input.transferDate.trim() : '';
  const last = birthdayAt(birthDate, 25);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(transferDate) || !parseDate(transferDate))
    errors.push({ field: 'transferDate', message: 'Enter the planned transfer date, for example 2030-04-01' });
  else if (transferDate < today)
    errors.push({ field: 'transferDate', message: 'The planned transfer date must be today or later' });
  else if (transferDate > last)
    errors.push({ field: 'transferDate', message: 'The planned transfer date must be before the 25th birthday' });
  const adultLead = typeof input.adultLead === 'string' ? input.adultLead.trim() : '';
  if (!adultLead) errors.push({ field: 'adultLead', message: 'Enter the name and role of the lead in adult services' });
  else if (adultLead.length > 200)
    errors.push({ field: 'adultLead', message: 'The adult lead must be 200 characters or fewer' });
  return {
    errors,
    adultServices: adult.filter((x): x is OfferChoice => !!x),
    components: young.filter((x): x is OfferChoice => !!x),
    transferDate,
    adultLead,
  };
}

export type PlanFacts = { structured: boolean; transferDate: string | null; adultLead: string | null } | null;

/**
 * Why a young person's transition planning needs attention now, in plain words: planning should have started
 * by six months before 18 (issue 11 §7), and a plan written as free text before plans were structured has no
 * transfer date or adult lead to hold anyone to. Empty when nothing is wrong.
 */
export function transitionConcerns(status: TransitionStatus, plan: PlanFacts, today: string): string[] {
  const concerns: string[] = [];
  if (!status.flagged && !status.withinSixMonths) return concerns;
  if (!plan) {
    if (status.withinSixMonths) concerns.push('Within six months of 18 and no transition plan');
    return concerns;
  }
  if (!plan.structured)
    concerns.push('The plan is free text: choose adult services from the offer, a transfer date and an adult lead');
  else if (plan.transferDate && plan.transferDate < today && status.age < ADULT_AGE)
    concerns.push('The planned transfer date has passed');
  return concerns;
}
