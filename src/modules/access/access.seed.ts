// Illustrative demo referrals in different states, so the worklist, a timeline, a breach, a duplicate flag
// and a recorded gap can be seen straight away. The people are invented; NHS numbers are in the 999 range
// used for testing and pass Modulus 11. Times are relative to when the demo data is loaded.
import { findUser, userActor } from '../../platform/auth/identity.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { actOnReferral, claimReferral, type ActionInput, residentActor, submitReferral } from './access.service.ts';
import { countReferrals } from './access.repository.ts';
import { nhsNumberCheckDigit } from './nhs-number.ts';

const HOUR = 3_600_000;

/** A valid test-range NHS number from nine digits (skipping bases whose check digit would be 10). */
function nhs(base: number): string {
  for (let b = base; ; b++) {
    const nine = `999${String(b).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

type Demo = {
  hoursAgo: number;
  person: {
    n: number;
    givenName: string;
    familyName: string;
    birthDate: string;
    postcode: string;
    gpPractice?: string;
  };
  component: string;
  urgency: string;
  source: 'self' | 'professional';
  reason: string;
  communication?: Record<string, unknown>;
  steps?: (ActionInput & { hoursAgo: number; by?: 'spa' | 'clinician' })[];
  claim?: boolean;
};

const DEMOS: Demo[] = [
  {
    hoursAgo: 2,
    person: {
      n: 101,
      givenName: 'Maureen',
      familyName: 'Okafor',
      birthDate: '1946-05-12',
      postcode: 'N19 5HX',
      gpPractice: 'F83004',
    },
    component: 'falls-prevention',
    urgency: 'routine',
    source: 'self',
    reason: 'I have fallen twice since the summer and I am worried about going out.',
    communication: { preferredContact: 'phone', needs: 'Hard of hearing: please speak clearly and face me.' },
  },
  {
    hoursAgo: 1,
    person: {
      n: 101,
      givenName: 'Maureen',
      familyName: 'Okafor',
      birthDate: '1946-05-12',
      postcode: 'N19 5HX',
      gpPractice: 'F83004',
    },
    component: 'falls-prevention',
    urgency: 'routine',
    source: 'professional',
    reason: 'Referred by her GP after a fall at home; she also referred herself this morning.',
    communication: { preferredContact: 'phone', needs: 'Hard of hearing.' },
  },
  {
    hoursAgo: 20,
    person: { n: 202, givenName: 'Yusuf', familyName: 'Demir', birthDate: '1958-11-03', postcode: 'N17 6RA' },
    component: 'podiatry',
    urgency: 'urgent',
    source: 'professional',
    reason: 'Diabetic foot ulcer on the left heel, slow to heal.',
    communication: { preferredContact: 'phone', interpreter: true, language: 'Turkish' },
    claim: true,
    steps: [{ type: 'triage', note: 'Urgent: diabetic foot, borough podiatry team', hoursAgo: 19 }],
  },
  {
    hoursAgo: 30,
    person: {
      n: 303,
      givenName: 'Alice',
      familyName: 'Brennan',
      birthDate: '1939-02-27',
      postcode: 'N19 3TD',
      gpPractice: 'F83021',
    },
    component: 'district-nursing',
    urgency: 'routine',
    source: 'professional',
    reason: 'Daily insulin and wound care after discharge from the Royal Free.',
    communication: { preferredContact: 'letter', needs: 'Living with dementia: her daughter helps with appointments.' },
    steps: [
      { type: 'triage', hoursAgo: 29 },
      { type: 'accept', hoursAgo: 28, by: 'clinician' },
    ],
  },
  {
    hoursAgo: 24 * 9,
    person: { n: 404, givenName: 'Kwame', familyName: 'Asante', birthDate: '1950-07-19', postcode: 'N17 8DJ' },
    component: 'urgent-community-response',
    urgency: 'routine',
    source: 'professional',
    reason: 'Increasing confusion and not eating; family concerned. Avoid admission if possible.',
    communication: { preferredContact: 'phone' },
    steps: [
      { type: 'triage', hoursAgo: 24 * 9 - 1 },
      { type: 'accept', hoursAgo: 24 * 9 - 2, by: 'clinician' },
    ],
  },
  {
    hoursAgo: 24 * 6,
    person: { n: 505, givenName: 'Priya', familyName: 'Shah', birthDate: '1985-09-08', postcode: 'N7 6PA' },
    component: 'physiotherapy-and-msk',
    urgency: 'routine',
    source: 'self',
    reason: 'Lower back pain for three months, getting worse when sitting at work.',
    communication: { preferredContact: 'email' },
    steps: [
      { type: 'triage', hoursAgo: 24 * 6 - 2 },
      { type: 'accept', hoursAgo: 24 * 6 - 3, by: 'clinician' },
      { type: 'first-contact', hoursAgo: 24 * 3, by: 'clinician', note: 'Telephone assessment; exercises sent' },
      { type: 'close', outcome: 'completed', hoursAgo: 24 * 1, by: 'clinician' },
    ],
  },
  {
    hoursAgo: 24 * 4,
    person: { n: 606, givenName: 'Tom', familyName: 'Fletcher', birthDate: '1972-03-30', postcode: 'NW1 8NH' },
    component: 'social-prescribing',
    urgency: 'routine',
    source: 'professional',
    reason: 'Isolated since bereavement; would like to meet people locally.',
    communication: { preferredContact: 'text' },
    steps: [
      { type: 'triage', hoursAgo: 24 * 4 - 1 },
      {
        type: 'close',
        outcome: 'signposted',
        note: 'Pointed to a local befriending group; he will call them himself.',
        hoursAgo: 24 * 4 - 2,
      },
    ],
  },
  {
    hoursAgo: 5,
    person: { n: 707, givenName: 'Leo', familyName: 'Marsh', birthDate: '2017-06-14', postcode: 'NW5 2HX' },
    component: 'childrens-hospital-at-home',
    urgency: 'urgent',
    source: 'professional',
    reason: 'Bronchiolitis, needs oxygen monitoring at home to avoid a hospital stay.',
    communication: { preferredContact: 'phone' },
  },
];

async function staff(tx: AnyDb, systemId: string, username: string): Promise<Actor> {
  const user = await findUser(tx, systemId, username);
  if (!user) throw new Error(`Demo user "${username}" is missing: seed users before referrals`);
  return userActor(user);
}

/** Loads the demo referrals into a system that has the offer, places, directory and demo users. */
export async function seedAccess(tx: AnyDb, systemId: string, now: Date): Promise<{ referrals: number }> {
  if ((await countReferrals(tx, systemId)) > 0) return { referrals: 0 };
  const spa = await staff(tx, systemId, 'spa');
  const clinician = await staff(tx, systemId, 'clinician');
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);
  let count = 0;
  for (const d of DEMOS) {
    const body = {
      person: { ...d.person, nhsNumber: nhs(d.person.n), n: undefined },
      component: d.component,
      urgency: d.urgency,
      reason: d.reason,
      source: d.source,
      communication: { interpreter: false, bsl: false, ...d.communication },
    };
    const actor = d.source === 'self' ? residentActor(systemId) : spa;
    const { body: created } = await submitReferral(tx, actor, body, { now: at(d.hoursAgo) });
    if (d.claim) await claimReferral(tx, spa, created.id, { now: at(d.hoursAgo - 0.5) });
    for (const step of d.steps ?? []) {
      const { hoursAgo, by, ...action } = step;
      await actOnReferral(tx, by === 'clinician' ? clinician : spa, created.id, action as ActionInput, {
        now: at(hoursAgo),
      });
    }
    count++;
  }
  return { referrals: count };
}
