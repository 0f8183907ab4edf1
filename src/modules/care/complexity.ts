// Who needs a case manager, and why: rules anyone can read and test. Each rule that fires gives a reason in
// plain words; a person needs a case manager when any fires. The weight of a case (for balancing caseloads)
// is 1 plus one for each reason. Pure.
import { type Answers, barthelScore, listLines } from './assessment.ts';

export type ComplexityFacts = {
  answers: Answers;
  /** Distinct services involved: receiving services of open referrals and organisations in the care team. */
  servicesInvolved: number;
};

export type ComplexityReason = { rule: string; text: string };

export const COMPLEXITY_RULES = {
  'conditions-and-frailty': 'Two or more long-term conditions with moderate or severe frailty',
  'many-services': 'Three or more services involved',
  safeguarding: 'A safeguarding concern',
  'carer-at-risk': 'The carer is at risk of breaking down',
  'high-dependency': 'Severe or total dependency in daily living (Barthel 60 or less)',
} as const;
export type ComplexityRule = keyof typeof COMPLEXITY_RULES;

export function complexityReasons({ answers, servicesInvolved }: ComplexityFacts): ComplexityReason[] {
  const reasons: ComplexityReason[] = [];
  const add = (rule: ComplexityRule) => reasons.push({ rule, text: COMPLEXITY_RULES[rule] });
  const conditions = listLines(answers['health.conditions']).length;
  const frailty = answers['health.frailty'];
  if (conditions >= 2 && (frailty === 'moderate' || frailty === 'severe')) add('conditions-and-frailty');
  if (servicesInvolved >= 3) add('many-services');
  if (answers['living.safeguarding'] === true) add('safeguarding');
  if (answers['living.carerStrain'] === 'at-risk') add('carer-at-risk');
  const barthel = barthelScore(answers);
  if (barthel.complete && barthel.score <= 60) add('high-dependency');
  return reasons;
}

export function needsCaseManager(facts: ComplexityFacts): boolean {
  return complexityReasons(facts).length > 0;
}

export function caseWeight(reasons: readonly unknown[]): number {
  return 1 + reasons.length;
}
