// Illustrative demo care records (invented people and answers, nothing from a real record), built on the
// access module's demo referrals so a case manager signing in has a real caseload: a signed assessment
// flagged complex with a case manager, a cross-organisation care team, a plan with actions (one overdue, a
// review due this week), a past MDT meeting whose decision became an action and a future one; a second
// person flagged and waiting for allocation; a draft assessment prefilled from a referral; and a 17-year-old
// within six months of 18 with no transition plan. Times are relative to when the demo data is loaded.
import { createUser, findUser, userActor } from '../../platform/auth/identity.ts';
import { type Actor, systemActor } from '../../platform/auth/roles.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { addDays, londonDate } from '../../platform/london-time.ts';
import { nhsNumberCheckDigit, personByNhsNumberForCare, referralsForCare, submitReferral } from '../access/index.ts';
import {
  addAction,
  addTeamMember,
  allocateCaseManager,
  bookAppointment,
  changeAppointment,
  createMeeting,
  createPlan,
  grantTrustedAssessor,
  recordContact,
  recordDecision,
  saveAssessment,
  signAssessment,
  startAssessment,
} from './care.service.ts';

const DAY = 86_400_000;

/** The access demo's NHS numbers (test range 999, Modulus 11). */
function nhs(base: number): string {
  for (let b = base; ; b++) {
    const nine = `999${String(b).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

async function staff(tx: AnyDb, systemId: string, username: string): Promise<Actor> {
  const user = await findUser(tx, systemId, username);
  if (!user) throw new Error(`Demo user "${username}" is missing: seed users before care records`);
  return userActor(user);
}

const BARTHEL_ALICE = {
  'functioning.feeding': 'independent',
  'functioning.bathing': 'dependent',
  'functioning.grooming': 'needs-help',
  'functioning.dressing': 'needs-help',
  'functioning.bowels': 'continent',
  'functioning.bladder': 'occasional',
  'functioning.toilet': 'needs-help',
  'functioning.transfers': 'minor-help',
  'functioning.mobility': 'walks-with-help',
  'functioning.stairs': 'needs-help',
};

export async function seedCare(
  tx: AnyDb,
  systemId: string,
  { password, now = new Date() }: { password: string; now?: Date },
): Promise<{ people: number }> {
  const system = systemActor(systemId);
  const at = (daysAgo: number) => ({ now: new Date(now.getTime() - daysAgo * DAY) });
  const dayFrom = (days: number) => addDays(londonDate(now), days);
  if (!(await findUser(tx, systemId, 'clinician_ral'))) {
    await createUser(tx, {
      systemId,
      username: 'clinician_ral',
      displayName: 'Demo clinician (Royal Free)',
      role: 'clinician',
      organisationCode: 'RAL',
      password,
    });
  }
  const cm = await staff(tx, systemId, 'case_manager');
  await grantTrustedAssessor(tx, system, 'case_manager', at(30));

  const personOf = async (n: number) => {
    const p = await personByNhsNumberForCare(tx, systemId, nhs(n));
    if (!p) throw new Error(`Demo person ${n} is missing: seed access before care`);
    return p;
  };

  // Alice Brennan: complex, allocated, a plan, two MDT meetings ---------------------------------------
  const alice = await personOf(303);
  const aliceReferral = (await referralsForCare(tx, systemId, alice.id))[0]!;
  // The central point of access brings a trusted assessor and the people already involved into the team.
  await addTeamMember(
    tx,
    system,
    alice.id,
    { username: 'case_manager', roleTitle: 'Case manager and trusted assessor' },
    at(25),
  );
  const nurseMember = await addTeamMember(
    tx,
    system,
    alice.id,
    { username: 'clinician', roleTitle: 'District nurse' },
    at(25),
  );
  const geriMember = await addTeamMember(
    tx,
    system,
    alice.id,
    { username: 'clinician_ral', roleTitle: 'Consultant geriatrician' },
    at(25),
  );
  await addTeamMember(
    tx,
    system,
    alice.id,
    {
      name: 'Adult social care duty team (illustrative)',
      roleTitle: 'Social worker',
      organisationCode: 'E09000007',
      contact: '020 7946 0101 (Ofcom drama range)',
    },
    at(25),
  );
  const draft = await startAssessment(tx, cm, { referralId: aliceReferral.id }, at(24));
  await saveAssessment(
    tx,
    cm,
    draft.id,
    {
      revision: draft.revision,
      answers: {
        ...draft.answerMap,
        'health.conditions': 'Type 2 diabetes (insulin)\nVascular dementia\nLeg ulcer, left shin',
        'health.medicines': 'Insulin twice a day, given by the district nurses; blister pack for tablets',
        'health.frailty': 'moderate',
        ...BARTHEL_ALICE,
        'mental.mood': 'I get muddled and cross with myself, but I am not down.',
        'mental.memoryConcern': true,
        'living.situation': 'alone',
        'living.carer': 'Sarah, her daughter, visits daily',
        'living.carerStrain': 'at-risk',
        'living.safeguarding': false,
        'living.homeHazards': 'Loose rug in the hall; stairs to the bathroom',
        'social.isolated': true,
        'social.finances': 'Attendance Allowance not yet claimed',
        'whatMatters.story':
          'I want to stay in my flat with my things around me. Sarah does too much, she has her own family.',
        'whatMatters.goals': 'Stay at home\nGet to the lunch club on Thursdays\nGive Sarah a break',
      },
    },
    at(24),
  );
  await signAssessment(tx, cm, draft.id, at(23));
  await allocateCaseManager(tx, cm, alice.id, { caseManager: 'case_manager' }, at(22));
  const plan = await createPlan(
    tx,
    cm,
    {
      personId: alice.id,
      reviewDue: dayFrom(3),
      goals: ['Stay in my own flat', 'Get to the lunch club on Thursdays', 'Give Sarah a break'],
      agreedWithPerson: true,
      copySentBy: 'letter',
    },
    at(20),
  );
  await addAction(
    tx,
    cm,
    plan.id,
    {
      description: 'Check insulin technique with Alice and Sarah, and whether a pen she can use herself would help',
      owner: { kind: 'member', memberId: nurseMember.id },
      due: dayFrom(-4),
      goalId: plan.goals[0]!.id,
    },
    at(20),
  );
  await addAction(
    tx,
    cm,
    plan.id,
    {
      description: 'Ask the carers centre for a carer’s assessment for Sarah',
      owner: { kind: 'service', label: 'Camden carers service (illustrative)' },
      due: dayFrom(6),
      goalId: plan.goals[2]!.id,
    },
    at(20),
  );
  await addAction(
    tx,
    cm,
    plan.id,
    {
      description: 'Try the Thursday lunch club with Sarah the first time',
      owner: { kind: 'resident' },
      due: dayFrom(9),
      goalId: plan.goals[1]!.id,
    },
    at(20),
  );
  await recordContact(
    tx,
    cm,
    alice.id,
    {
      channel: 'phone',
      withWhom: 'Sarah (daughter)',
      note: 'Sarah agreed the plan on Alice’s behalf; letter copy sent.',
    },
    at(19),
  );
  // Two appointments, one moved, so the coordinator's "what happens next" and the caseload show real ones.
  await bookAppointment(
    tx,
    cm,
    alice.id,
    { service: 'Diabetes specialist nurse', date: dayFrom(2), time: '10:00', place: 'At home' },
    at(18),
  );
  const falls = await bookAppointment(
    tx,
    cm,
    alice.id,
    { service: 'Falls clinic', date: dayFrom(3), time: '14:00', place: 'Whittington Hospital' },
    at(18),
  );
  await changeAppointment(
    tx,
    cm,
    alice.id,
    falls.id,
    { date: dayFrom(5), reason: 'Sarah can only bring Alice on that day', partial: true },
    at(2),
  );

  // Kwame Asante: flagged complex (safeguarding), waiting for a case manager --------------------------------
  const kwame = await personOf(404);
  const kwameReferral = (await referralsForCare(tx, systemId, kwame.id))[0]!;
  await addTeamMember(tx, system, kwame.id, { username: 'case_manager', roleTitle: 'Trusted assessor' }, at(8));
  await addTeamMember(
    tx,
    system,
    kwame.id,
    { username: 'clinician', roleTitle: 'Urgent community response nurse' },
    at(8),
  );
  const kDraft = await startAssessment(tx, cm, { referralId: kwameReferral.id }, at(8));
  await saveAssessment(
    tx,
    cm,
    kDraft.id,
    {
      revision: kDraft.revision,
      answers: {
        ...kDraft.answerMap,
        'health.conditions': 'Chronic kidney disease\nHeart failure',
        'health.frailty': 'moderate',
        ...BARTHEL_ALICE,
        'functioning.feeding': 'needs-help',
        'mental.memoryConcern': true,
        'living.situation': 'with-others',
        'living.carer': 'His nephew',
        'living.carerStrain': 'some-strain',
        'living.safeguarding': true,
        'whatMatters.story': 'I want to eat properly again and not go into hospital.',
      },
    },
    at(8),
  );
  await signAssessment(tx, cm, kDraft.id, at(7));

  // MDT meetings: one held a week ago (its decision became an action), one next week ----------------------
  const past = await createMeeting(
    tx,
    cm,
    {
      title: 'Islington neighbourhood MDT',
      scheduledAt: new Date(now.getTime() - 7 * DAY).toISOString(),
      attendees: [
        { name: 'Demo case manager', role: 'Case manager', organisation: 'RKE' },
        { name: 'Demo clinician', role: 'District nurse', organisation: 'RKE' },
        { name: 'Demo clinician (Royal Free)', role: 'Consultant geriatrician', organisation: 'RAL' },
      ],
      personIds: [alice.id],
    },
    at(14),
  );
  await recordDecision(
    tx,
    cm,
    past.id,
    {
      personId: alice.id,
      decision: 'Medication review: could any tablets be adding to her falls risk?',
      owner: { kind: 'member', memberId: geriMember.id },
      due: dayFrom(5),
    },
    at(7),
  );
  await createMeeting(
    tx,
    cm,
    {
      title: 'Islington neighbourhood MDT',
      scheduledAt: new Date(now.getTime() + 7 * DAY).toISOString(),
      attendees: [
        { name: 'Demo case manager', role: 'Case manager', organisation: 'RKE' },
        { name: 'Demo clinician', role: 'District nurse', organisation: 'RKE' },
      ],
      personIds: [alice.id, kwame.id],
    },
    at(1),
  );

  // Yusuf Demir: a draft assessment prefilled from his referral (Turkish interpreter) ---------------------
  const yusuf = await personOf(202);
  const yusufReferral = (await referralsForCare(tx, systemId, yusuf.id))[0]!;
  await addTeamMember(tx, system, yusuf.id, { username: 'case_manager', roleTitle: 'Trusted assessor' }, at(0.5));
  await startAssessment(tx, cm, { referralId: yusufReferral.id }, at(0.4));

  // A 17-year-old in children's services, 18 in about four months, no transition plan yet ------------------
  const spa = await staff(tx, systemId, 'spa');
  const birth = dayFrom(120).replace(/^\d{4}/, (y) => String(Number(y) - 18));
  await submitReferral(
    tx,
    spa,
    {
      person: {
        nhsNumber: nhs(808),
        givenName: 'Amara',
        familyName: 'Okoye',
        birthDate: birth,
        postcode: 'N7 6PA',
      },
      component: 'childrens-community-nursing',
      urgency: 'routine',
      reason: 'Cystic fibrosis: home nursing support; will need adult services from 18.',
      source: 'professional',
      communication: { interpreter: false, bsl: false, preferredContact: 'text' },
    },
    at(40),
  );
  const amara = (await personByNhsNumberForCare(tx, systemId, nhs(808)))!;
  await addTeamMember(tx, system, amara.id, { username: 'clinician', roleTitle: 'Children’s community nurse' }, at(40));
  await addTeamMember(tx, system, amara.id, { username: 'case_manager', roleTitle: 'Transition key worker' }, at(40));
  return { people: 4 };
}
