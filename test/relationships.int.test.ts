// The legitimate-relationship rule in the platform, on every engine: who may see which person, when, and
// that refusals and emergency access are audited.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { searchAudit } from '../src/platform/audit/audit.ts';
import {
  breakGlass,
  endRelationships,
  listBreakGlass,
  NoRelationshipError,
  personAccess,
  relate,
  requirePersonAccess,
  reviewBreakGlass,
  visiblePeople,
} from '../src/platform/auth/relationships.ts';
import { type Actor, systemActor } from '../src/platform/auth/roles.ts';
import type { Database } from '../src/platform/db/database.ts';
import { openTestDatabase, testEngines } from './support/db.ts';

const SYSTEM = 'QMJ';
const T0 = new Date('2024-03-31T00:30:00Z');
const LATER = new Date('2024-04-01T09:00:00Z');

const staff = (id: string, role: Actor['role'], organisationCode: string | null): Actor => ({
  kind: 'user',
  id,
  name: `User ${id}`,
  role,
  systemId: SYSTEM,
  organisationCode,
});
const spa = staff('u-spa', 'spa', 'RKE');
const rkeClinician = staff('u-rke', 'clinician', 'RKE');
const rapClinician = staff('u-rap', 'clinician', 'RAP');
const caseManager = staff('u-cm', 'case_manager', 'RYX');
const admin = staff('u-admin', 'admin', 'QMJ');

for (const engine of testEngines()) {
  describe(`legitimate relationships on ${engine}`, () => {
    let database: Database;
    before(async () => {
      database = await openTestDatabase(engine);
      await database.db.insertInto('systems').values({ id: SYSTEM, name: 'Test ICS', ods_code: SYSTEM }).execute();
      const { db } = database;
      // Person p1: a referral with the hub (role) and with RKE's service (organisation).
      await relate(db, {
        systemId: SYSTEM,
        personId: 'p1',
        grantee: { role: 'spa' },
        basis: 'referral',
        sourceType: 'referral',
        sourceId: 'r1',
        at: T0,
      });
      await relate(db, {
        systemId: SYSTEM,
        personId: 'p1',
        grantee: { organisation: 'RKE' },
        basis: 'referral',
        sourceType: 'referral',
        sourceId: 'r1',
        at: T0,
      });
      // Person p2: in a case manager's care team only.
      await relate(db, {
        systemId: SYSTEM,
        personId: 'p2',
        grantee: { user: 'u-cm' },
        basis: 'care-team',
        sourceType: 'care_team',
        sourceId: 'ct2',
        at: T0,
      });
    });
    after(() => database.close());

    const visible = async (actor: Actor, at = T0) =>
      (
        await database.db
          .selectFrom(visiblePeople(database.db, actor, at).as('v'))
          .select('person_id')
          .execute()
      )
        .map((r) => r.person_id as string)
        .sort();

    it('each actor sees exactly the people a relationship gives them', async () => {
      assert.deepEqual(await visible(spa), ['p1']);
      assert.deepEqual(await visible(rkeClinician), ['p1']);
      assert.deepEqual(await visible(rapClinician), []);
      assert.deepEqual(await visible(caseManager), ['p2']);
      assert.deepEqual(await visible(admin), []);
      assert.deepEqual(await visible(systemActor(SYSTEM)), ['p1', 'p2']);
      // The resident's form is not staff: it sees no one.
      const resident: Actor = { ...systemActor(SYSTEM), id: 'self-referral', name: 'Self-referral form' };
      assert.deepEqual(await visible(resident), []);
      // Another system's actor with the same role and organisation sees none of this system's people.
      assert.deepEqual(await visible({ ...spa, systemId: 'QWE' }), []);
    });

    it('a relationship ends with its reason, and granting again re-opens it once', async () => {
      const { db } = database;
      await relate(db, {
        systemId: SYSTEM,
        personId: 'p3',
        grantee: { organisation: 'RAP' },
        basis: 'referral',
        sourceType: 'referral',
        sourceId: 'r3',
        at: T0,
      });
      await relate(db, {
        systemId: SYSTEM,
        personId: 'p3',
        grantee: { organisation: 'RAP' },
        basis: 'referral',
        sourceType: 'referral',
        sourceId: 'r3',
        at: T0,
      });
      assert.deepEqual(await visible(rapClinician), ['p3']);
      assert.equal(
        await endRelationships(db, { systemId: SYSTEM, sourceType: 'referral', sourceId: 'r3', at: LATER }),
        1,
      );
      assert.deepEqual(await visible(rapClinician, T0), ['p3'], 'before the end it was visible');
      assert.deepEqual(await visible(rapClinician, LATER), [], 'from the end it is not');
      await relate(db, {
        systemId: SYSTEM,
        personId: 'p3',
        grantee: { organisation: 'RAP' },
        basis: 'referral',
        sourceType: 'referral',
        sourceId: 'r3',
        at: LATER,
      });
      const rows = await db.selectFrom('person_relationships').selectAll().where('person_id', '=', 'p3').execute();
      assert.equal(rows.length, 1);
      assert.deepEqual(await visible(rapClinician, LATER), ['p3']);
      await endRelationships(db, {
        systemId: SYSTEM,
        sourceType: 'referral',
        sourceId: 'r3',
        at: LATER,
        grantee: { organisation: 'RAP' },
      });
    });

    it('one record: "not found" without a relationship, and the refusal carries its audit entry', async () => {
      const { db } = database;
      assert.deepEqual(await personAccess(db, rkeClinician, 'p1', T0), { basis: 'relationship', bases: ['referral'] });
      await assert.rejects(
        requirePersonAccess(db, rapClinician, 'p1', {
          now: T0,
          recordType: 'referral',
          recordId: 'r1',
          label: 'Referral',
        }),
        (error: unknown) => {
          assert.ok(error instanceof NoRelationshipError);
          assert.equal(error.status, 404);
          assert.equal(error.message, 'Referral not found');
          assert.equal(error.refusal.outcome, 'refused');
          assert.equal(error.refusal.recordId, 'r1');
          return true;
        },
      );
    });

    it('break-glass: clinical staff only, with a reason, for a limited time, audited and reviewable', async () => {
      const { db } = database;
      await assert.rejects(breakGlass(db, admin, 'p1', { reason: 'Looking for something', now: T0 }), { status: 403 });
      await assert.rejects(breakGlass(db, rapClinician, 'p1', { reason: 'urgent', now: T0 }), (e: unknown) => {
        assert.equal((e as { status: number }).status, 400);
        assert.equal((e as { fields: { field: string }[] }).fields[0]?.field, 'reason');
        return true;
      });
      const grant = await breakGlass(db, rapClinician, 'p1', {
        reason: 'Collapsed in clinic, no other record',
        now: T0,
      });
      assert.deepEqual(await personAccess(db, rapClinician, 'p1', T0), {
        basis: 'break-glass',
        reason: 'Collapsed in clinic, no other record',
      });
      assert.deepEqual(await visible(rapClinician, T0), ['p1']);
      const afterExpiry = new Date(new Date(grant.expiresAt).getTime() + 1);
      assert.equal(await personAccess(db, rapClinician, 'p1', afterExpiry), null);
      const audited = await searchAudit(db, { systemId: SYSTEM, action: 'person.break-glass' });
      assert.equal(audited.rows[0]?.recordId, 'p1');
      assert.equal(audited.rows[0]?.actorId, 'u-rap');

      await assert.rejects(listBreakGlass(db, rapClinician), { status: 403 });
      const review = await listBreakGlass(db, admin, { unreviewedOnly: true });
      assert.equal(review.total, 1);
      await reviewBreakGlass(db, admin, grant.id, { note: 'Appropriate: patient collapsed', now: LATER });
      assert.equal((await listBreakGlass(db, admin, { unreviewedOnly: true })).total, 0);
      await assert.rejects(reviewBreakGlass(db, admin, grant.id, { note: 'again', now: LATER }), { status: 409 });
    });
  });
}
