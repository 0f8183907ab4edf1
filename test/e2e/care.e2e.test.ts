// The care journey in a real browser: an accepted referral → a prefilled holistic assessment (nothing
// re-asked) → signed by a trusted assessor → flagged complex → case manager allocated → care plan → an MDT
// decision becomes an action → the action's owner completes it. axe-core finds no serious or critical
// problems on any page; screenshots go to test-results/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { actOnReferral, nhsNumberCheckDigit, submitReferral } from '../../src/modules/access/index.ts';
import { allocateCaseManager, createMeeting, plainDate, SECTIONS } from '../../src/modules/care/index.ts';
import { findUser, userActor } from '../../src/platform/auth/identity.ts';
import { relate } from '../../src/platform/auth/relationships.ts';
import { addDays, londonDate, londonInstant } from '../../src/platform/london-time.ts';
import { assertAccessible, chromiumAvailable, screenshot, signIn, useLiveBrowser } from '../support/browser.ts';

function nhs(n: number): string {
  for (let b = n; ; b++) {
    const nine = `95${String(b).padStart(7, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

describe('care coordination in the browser', { skip: !chromiumAvailable() }, () => {
  const session = useLiveBrowser();

  test('referral → prefilled assessment → signed → complex → allocated → plan → MDT decision → action done', async () => {
    const { db } = session.live.database;
    const base = session.live.baseUrl;
    const nhsNumber = nhs(7070);
    const spa = userActor((await findUser(db, 'QMJ', 'spa'))!);
    const { body } = await submitReferral(
      db,
      spa,
      {
        person: { nhsNumber, givenName: 'Grace', familyName: 'Mensah', birthDate: '1938-10-09', postcode: 'NW5 1TL' },
        component: 'district-nursing',
        urgency: 'routine',
        reason: 'Wound care after a fall',
        source: 'professional',
        communication: { preferredContact: 'phone', interpreter: true, language: 'Twi', bsl: false },
      },
      { now: new Date() },
    );
    await actOnReferral(db, spa, body.id, { type: 'triage' }, { now: new Date() });
    // The central point of access accepts for Camden's district nursing (RV3's): a clinician accepts only into
    // their own organisation's services (issue 10 §3).
    await actOnReferral(db, spa, body.id, { type: 'accept' }, { now: new Date() });
    const person = await db
      .selectFrom('access_referrals')
      .select('person_id')
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    const personId = person.person_id as string;
    // The relationship the access module grants the receiving service's organisation (issue 10 §3).
    await relate(db, {
      systemId: 'QMJ',
      personId,
      grantee: { organisation: 'RKE' },
      basis: 'referral',
      sourceType: 'referral',
      sourceId: body.id,
      at: new Date(Date.now() - 60_000),
    });

    const context = await session.browser.newContext();
    const page = await context.newPage();
    await signIn(page, base, 'case_manager');
    await page.goto(`${base}/care`);
    assert.match((await page.locator('h1').textContent()) ?? '', /What needs doing today/);
    await assertAccessible(page);
    await screenshot(page, 'care-caseload-home');

    await page.goto(`${base}/care/find`);
    await page.getByLabel('NHS number').fill(nhsNumber);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.waitForURL(`**/care/people/${personId}`);
    await assertAccessible(page);
    await page.getByRole('button', { name: 'Start the holistic assessment' }).click();
    await page.waitForURL('**/care/assessments/*');
    const form = (await page.locator('main').textContent()) ?? '';
    assert.match(form, /Already known, from Referral CPA-/);
    assert.equal(await page.getByLabel('Preferred language').inputValue(), 'Twi', 'not asked again');
    assert.ok(
      await page.getByRole('group', { name: 'Needs an interpreter' }).getByLabel('Yes').isChecked(),
      'interpreter need carried from the referral',
    );
    await assertAccessible(page);
    await screenshot(page, 'care-assessment-prefilled');

    await page.getByRole('button', { name: 'Save and sign' }).click();
    const summary = (await page.locator('.nhsuk-error-summary').textContent()) ?? '';
    assert.match(summary, /Enter "What matters to me"/);
    assert.match(summary, /Select an answer for "Feeding"/);
    await assertAccessible(page);
    await screenshot(page, 'care-assessment-errors');

    await page.getByLabel('Long-term conditions').fill('Heart failure\nOsteoarthritis');
    for (const s of SECTIONS)
      for (const i of s.items) {
        if (!i.requiredToSign || i.type === 'text' || i.linkId.startsWith('communication.')) continue;
        const group = page.getByRole('group', { name: i.text, exact: true });
        if (i.type === 'boolean') await group.getByLabel('No', { exact: true }).check();
        else await group.getByRole('radio').last().check();
      }
    await page.getByLabel('What matters to me').fill('Being able to go to church on Sundays.');
    await page.getByRole('button', { name: 'Save and sign' }).click();
    await page.waitForURL('**?done=signed');
    assert.match((await page.locator('.nhsuk-notification-banner').textContent()) ?? '', /Assessment signed/);
    const signed = (await page.locator('main').textContent()) ?? '';
    assert.match(signed, /Needs a case manager/);
    assert.match(signed, /Twi \(from Referral CPA-/);
    await assertAccessible(page);
    await screenshot(page, 'care-assessment-signed');

    await page.goto(`${base}/care/people/${personId}`);
    assert.match((await page.locator('main').textContent()) ?? '', /Yes: Two or more long-term conditions/);
    await page.getByLabel("Case manager's username").fill('case_manager');
    await page.getByRole('button', { name: 'Allocate', exact: true }).click();
    await page.waitForURL('**?done=allocated');
    await page.locator('summary', { hasText: 'Add a member' }).click();
    await page.getByLabel('Username (if they have an account)').fill('clinician');
    await page.getByLabel('Role in the care team').fill('District nurse');
    await page.getByRole('button', { name: 'Add to the care team' }).click();
    await page.waitForURL('**?done=team*');
    assert.match((await page.locator('#team + table').textContent()) ?? '', /Demo clinician/);
    await assertAccessible(page);
    await screenshot(page, 'care-record');

    const today = londonDate(new Date());
    await page.goto(`${base}/care/people/${personId}/plan`);
    await page.getByLabel("Goals, in the person's own words").fill('Go to church on Sundays\nKeep my leg healed');
    await page.getByLabel('Review date').fill(addDays(today, 28));
    await page.getByRole('group', { name: 'Has the person agreed the plan?' }).getByLabel('Yes').check();
    await page.getByLabel('Their copy was sent by').selectOption('letter');
    await page.getByRole('button', { name: 'Make the care plan' }).click();
    await page.waitForURL('**/plan?done=created');
    await assertAccessible(page);

    const cm = userActor((await findUser(db, 'QMJ', 'case_manager'))!);
    const meeting = await createMeeting(
      db,
      cm,
      {
        title: 'Kentish Town MDT',
        scheduledAt: new Date(Date.now() - 3600_000).toISOString(),
        attendees: [{ name: 'Demo case manager', role: 'Case manager', organisation: 'RKE' }],
        personIds: [personId],
      },
      { now: new Date() },
    );
    await page.goto(`${base}/care/meetings/${meeting.id}`);
    await page.getByLabel('Decision').fill('Ask the tissue viability nurse to review the leg');
    await page
      .getByLabel('Who owns the action')
      .selectOption({ label: "Grace Mensah's team: Demo clinician (District nurse)" });
    await page.getByLabel('Due date').fill(addDays(today, 7));
    await page.getByRole('button', { name: 'Record the decision' }).click();
    await page.waitForURL('**?done=decision');
    await assertAccessible(page);
    await screenshot(page, 'care-meeting');
    await page.goto(`${base}/care/people/${personId}/plan`);
    assert.match((await page.locator('#actions + table').textContent()) ?? '', /tissue viability/);
    await screenshot(page, 'care-plan');
    await page.goto(`${base}/care/people/${personId}/plan?print=large`);
    await assertAccessible(page);
    await screenshot(page, 'care-plan-large-print');
    await context.close();

    const nurseContext = await session.browser.newContext();
    const nurse = await nurseContext.newPage();
    await signIn(nurse, base, 'clinician');
    await nurse.goto(`${base}/care`);
    const mine = nurse.locator('li', { hasText: 'Ask the tissue viability nurse' });
    assert.equal(await mine.count(), 1, 'the action is on its owner’s home page');
    await assertAccessible(nurse);
    await mine.getByRole('button', { name: /^Mark as done/ }).click();
    await nurse.waitForURL('**/care?done=action');
    await nurse.goto(`${base}/care/people/${personId}/plan`);
    const row = nurse.locator('#actions + table tr', { hasText: 'tissue viability' });
    assert.match((await row.textContent()) ?? '', /Done/);
    await assertAccessible(nurse);
    await screenshot(nurse, 'care-action-done');
    await nurseContext.close();
  });

  test('the case manager books an appointment, then changes it with a reason; the timeline and their home page show what changed', async () => {
    const { db } = session.live.database;
    const base = session.live.baseUrl;
    const nhsNumber = nhs(7170);
    const spa = userActor((await findUser(db, 'QMJ', 'spa'))!);
    const { body } = await submitReferral(
      db,
      spa,
      {
        person: { nhsNumber, givenName: 'Tunde', familyName: 'Bakare', birthDate: '1944-05-01', postcode: 'NW5 1TL' },
        component: 'district-nursing',
        urgency: 'routine',
        reason: 'Leg ulcer dressings',
        source: 'professional',
        communication: { preferredContact: 'letter', interpreter: false, bsl: true, needs: 'Large print letters' },
      },
      { now: new Date() },
    );
    await actOnReferral(db, spa, body.id, { type: 'triage' }, { now: new Date() });
    await actOnReferral(db, spa, body.id, { type: 'accept' }, { now: new Date() });
    const row = await db
      .selectFrom('access_referrals')
      .select('person_id')
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    const personId = row.person_id as string;
    await relate(db, {
      systemId: 'QMJ',
      personId,
      grantee: { organisation: 'RKE' },
      basis: 'referral',
      sourceType: 'referral',
      sourceId: body.id,
      at: new Date(Date.now() - 60_000),
    });
    // In the demo case manager's caseload, so the appointment shows on their home page.
    const cmActor = userActor((await findUser(db, 'QMJ', 'case_manager'))!);
    await allocateCaseManager(db, cmActor, personId, { caseManager: 'case_manager' }, { now: new Date() });
    const context = await session.browser.newContext();
    const page = await context.newPage();
    await signIn(page, base, 'case_manager');
    await page.goto(`${base}/care/people/${personId}`);
    assert.match((await page.locator('main').textContent()) ?? '', /No appointments booked/);
    const day = addDays(londonDate(new Date()), 3);
    await page.locator('summary', { hasText: 'Book an appointment' }).click();
    await page.locator('#appt-service').fill('Leg ulcer clinic');
    await page.locator('#appt-date').fill(day);
    await page.locator('#appt-time').fill('10:30');
    await page.locator('#appt-place').fill('Kentish Town Health Centre');
    await page.getByRole('button', { name: 'Book the appointment' }).click();
    await page.waitForURL('**/care/people/*?done=appointment*');
    await page.locator('summary', { hasText: 'Change or cancel this appointment' }).click();
    const moved = addDays(londonDate(new Date()), 5);
    await page.locator('[id$="-date"][id^="appt-"]').first().fill(moved);
    await page.locator('[id$="-reason"][id^="appt-"]').first().fill('Clinic closed for staff training');
    await page.getByRole('button', { name: 'Change the appointment' }).click();
    await page.waitForURL('**/care/people/*?done=appointment*');
    const text = (await page.locator('#appointments + .nhsuk-card').textContent()) ?? '';
    assert.match(text, /booked by/);
    assert.match(text, /changed by .*Reason: Clinic closed for staff training/);
    assert.match(text, /Person told by Letter, large print/);
    // Plain dates in the timeline sentence, never ISO ones.
    assert.match(text, new RegExp(`Leg ulcer clinic, ${plainDate(moved)} at 10:30`));
    assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2} at/);
    await assertAccessible(page);
    await screenshot(page, 'care-appointments');
    // The case manager's home page lists it in the next 7 days with what changed.
    await page.goto(`${base}/care`);
    const home = (await page.locator('#appointments + p + ul, #appointments + ul').first().textContent()) ?? '';
    assert.match(home, /Tunde Bakare: Leg ulcer clinic/);
    assert.match(home, new RegExp(`What changed .*Moved from Leg ulcer clinic, ${plainDate(day)} at 10:30`));
    assert.match(home, /Reason: Clinic closed for staff training/);
    await assertAccessible(page);
    await screenshot(page, 'care-home-appointments');
    // An MDT meeting about them is moved: the form asks for the reason, and the timeline shows the move.
    const meetingDay = addDays(londonDate(new Date()), 2);
    const meeting = await createMeeting(
      db,
      cmActor,
      {
        title: 'Kentish Town MDT',
        scheduledAt: londonInstant(meetingDay, '13:00').toISOString(),
        place: 'Room 1',
        attendees: [{ name: 'Demo case manager', role: 'Case manager', organisation: 'RKE' }],
        personIds: [personId],
      },
      { now: new Date() },
    );
    await page.goto(`${base}/care/meetings/${meeting.id}`);
    await page.locator('summary', { hasText: 'Move or cancel this meeting' }).click();
    await page.locator('#move-time').fill('15:00');
    await page.locator('#move-place').fill('Kentish Town Health Centre, room 2');
    await page.getByRole('button', { name: 'Move the meeting' }).click();
    await page.waitForURL(`**/care/meetings/${meeting.id}/change`);
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Enter why the meeting is moving/);
    await assertAccessible(page);
    await page.locator('#move-reason').fill('Room double-booked');
    await page.getByRole('button', { name: 'Move the meeting' }).click();
    await page.waitForURL('**?done=moved');
    const timeline = (await page.locator('#timeline + ul').textContent()) ?? '';
    assert.match(
      timeline,
      new RegExp(
        `Moved from ${plainDate(meetingDay)} at 13:00, Room 1 to ${plainDate(meetingDay)} at 15:00, Kentish Town Health Centre, room 2`,
      ),
    );
    assert.match(timeline, /Reason: Room double-booked\. 1 person told/);
    await assertAccessible(page);
    await screenshot(page, 'care-meeting-moved');
    await context.close();
  });

  test('the case manager makes a structured transition plan from the published offer for the seeded 17-year-old', async () => {
    const base = session.live.baseUrl;
    const context = await session.browser.newContext();
    const page = await context.newPage();
    await signIn(page, base, 'case_manager');
    await page.goto(`${base}/care/transitions`);
    await assertAccessible(page);
    await page.locator('table a').first().click();
    await page.waitForURL('**/care/people/*#transition');
    assert.match((await page.locator('main').textContent()) ?? '', /Within six months of 18 and no transition plan/);
    // Saving with nothing chosen names each field in the error summary.
    await page.getByRole('button', { name: 'Save the transition plan' }).click();
    const summary = (await page.locator('.nhsuk-error-summary').textContent()) ?? '';
    assert.match(summary, /Choose at least one adult service from the published offer/);
    assert.match(summary, /Enter the planned transfer date/);
    assert.match(summary, /Enter the name and role of the lead in adult services/);
    await assertAccessible(page);
    await page.locator('input[name="adultServices"]').first().check();
    await page.locator('input[name="components"]').first().check();
    const transfer = addDays(londonDate(new Date()), 100);
    await page.locator('#transition-transferDate').fill(transfer);
    await page.locator('#transition-adultLead').fill('Sam Okoye, transition worker');
    await page.getByRole('button', { name: 'Save the transition plan' }).click();
    await page.waitForURL('**?done=transition*');
    const section = (await page.locator('#transition ~ dl').first().textContent()) ?? '';
    assert.match(section, /Planned transfer date/);
    assert.match(section, new RegExp(plainDate(transfer)));
    assert.match(section, /Sam Okoye, transition worker/);
    await assertAccessible(page);
    await screenshot(page, 'care-transition-plan');
    await page.goto(`${base}/care/transitions`);
    assert.match((await page.locator('table').textContent()) ?? '', /Plan in place/);
    await context.close();
  });

  test('the administrator grants the trusted assessor competency with evidence', async () => {
    const base = session.live.baseUrl;
    const context = await session.browser.newContext();
    const page = await context.newPage();
    await signIn(page, base, 'admin');
    await page.goto(`${base}/care/trusted-assessors`);
    await page.locator('#ta-username').fill('case_manager');
    await page.locator('#ta-reason').fill('Completed trusted assessor training, observed by the service lead');
    await page.getByRole('button', { name: 'Grant the competency' }).click();
    await page.waitForURL('**/care/trusted-assessors?done=granted');
    assert.match((await page.locator('table').textContent()) ?? '', /case_manager/);
    await assertAccessible(page);
    await screenshot(page, 'care-trusted-assessors');
    await context.close();
  });
  test('a clinician breaks the glass with a reason; the administrator reviews it on the emergency access page', async () => {
    const { db } = session.live.database;
    const base = session.live.baseUrl;
    const nhsNumber = nhs(7272);
    const spa = userActor((await findUser(db, 'QMJ', 'spa'))!);
    await submitReferral(
      db,
      spa,
      {
        person: { nhsNumber, givenName: 'Tomasz', familyName: 'Nowak', birthDate: '1950-02-11', postcode: 'N7 6LB' },
        component: 'district-nursing',
        urgency: 'routine',
        reason: 'Leg ulcer dressings',
        source: 'professional',
        communication: { preferredContact: 'letter', interpreter: false, bsl: false },
      },
      { now: new Date() },
    );
    const clinicianContext = await session.browser.newContext();
    const clinician = await clinicianContext.newPage();
    await signIn(clinician, base, 'clinician_ral');
    await clinician.goto(`${base}/care/find`);
    await clinician.locator('#nhsNumber').fill(nhsNumber);
    await clinician.getByRole('button', { name: 'Find' }).click();
    await clinician.locator('#reason').fill('Seen in the Royal Free emergency department, needs the care record');
    await clinician.getByRole('button', { name: 'Break the glass' }).click();
    await clinician.waitForURL('**/care/people/*?done=break-glass');
    await clinicianContext.close();

    const context = await session.browser.newContext();
    const page = await context.newPage();
    await signIn(page, base, 'admin');
    await page.goto(`${base}/care/emergency-access`);
    const row = page.locator('tr', { hasText: 'Seen in the Royal Free emergency department' });
    assert.match((await row.textContent()) ?? '', new RegExp(`NHS number ${nhsNumber}`));
    assert.match((await row.textContent()) ?? '', /Not reviewed/);
    await assertAccessible(page);
    await screenshot(page, 'care-emergency-access');
    await row.getByRole('button', { name: 'Record the review' }).click();
    // Refused without a note: the page is shown again at the form's address, with the error summary.
    await page.waitForURL('**/care/emergency-access/*/review');
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Enter what the review found/);
    await assertAccessible(page);
    await page
      .locator('tr', { hasText: 'Seen in the Royal Free emergency department' })
      .getByRole('textbox')
      .fill('Confirmed with the emergency department: attended that day');
    await page
      .locator('tr', { hasText: 'Seen in the Royal Free emergency department' })
      .getByRole('button', { name: 'Record the review' })
      .click();
    await page.waitForURL('**/care/emergency-access?done=reviewed');
    const reviewed = page.locator('tr', { hasText: 'Seen in the Royal Free emergency department' });
    assert.match((await reviewed.textContent()) ?? '', /Reviewed/);
    assert.match((await reviewed.textContent()) ?? '', /Confirmed with the emergency department/);
    await assertAccessible(page);
    await screenshot(page, 'care-emergency-access-reviewed');
    await context.close();
  });
});
