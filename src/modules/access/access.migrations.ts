// Tables the access module owns: the people referred, their referrals, each referral's events (its
// timeline) and the offer gaps routing found (evidence for commissioners). Every row carries system_id.
// Times are UTC instants (timestamptz); the London clock is applied in the pure rules, never in SQL.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const accessMigrations: Migrations = {
  '0400_access': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      // One row per person per system, keyed by NHS number; a new referral refreshes the details.
      await db.schema
        .createTable('access_people')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('given_name', 'text', (c) => c.notNull())
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('birth_date', 'date', (c) => c.notNull())
        .addColumn('postcode', 'text', (c) => c.notNull())
        .addColumn('gp_practice', 'text')
        .addColumn('phone', 'text')
        .addColumn('email', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('access_people_nhs_number', ['system_id', 'nhs_number'])
        .execute();

      await db.schema
        .createTable('access_referrals')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        // What the person is told and quotes on the phone, e.g. "CPA-7K3P9QXM".
        .addColumn('reference', 'text', (c) => c.notNull().unique())
        .addColumn('person_id', 'uuid', (c) => c.notNull().references('access_people.id'))
        .addColumn('component', 'text', (c) => c.notNull())
        .addColumn('age', 'integer', (c) => c.notNull())
        .addColumn('age_group', 'text', (c) => c.notNull())
        .addColumn('borough', 'text', (c) => c.notNull())
        .addColumn('urgency', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('communication', 'jsonb', (c) => c.notNull())
        // Routing at receipt: reasons, or the gap, for the triager.
        .addColumn('routing', 'jsonb', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('service_id', 'text')
        .addColumn('received_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('accepted_at', 'timestamptz')
        // The promise, set at acceptance from the accepting service's standard (compliance uses it).
        .addColumn('first_contact_due', 'timestamptz')
        // Before acceptance, the due time of the routed standard (or the hub's own), for ordering worklists.
        .addColumn('target_due_at', 'timestamptz')
        .addColumn('first_contact_at', 'timestamptz')
        .addColumn('closed_at', 'timestamptz')
        .addColumn('outcome', 'text')
        .addColumn('redirect_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_by_name', 'text')
        .addColumn('claimed_at', 'timestamptz')
        .addColumn('likely_duplicate_of', 'uuid')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'access_referrals_status',
          sql`status in ('received','triaged','accepted','redirected','first-contact-made','closed')`,
        )
        .execute();
      await sql`create index access_referrals_worklist on access_referrals
        (system_id, status, (coalesce(first_contact_due, target_due_at)))`.execute(db);
      await db.schema
        .createIndex('access_referrals_person')
        .on('access_referrals')
        .columns(['person_id', 'component'])
        .execute();
      await db.schema
        .createIndex('access_referrals_service')
        .on('access_referrals')
        .columns(['system_id', 'service_id'])
        .execute();

      await db.schema
        .createTable('access_referral_events')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('referral_id', 'uuid', (c) => c.notNull().references('access_referrals.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('actor_name', 'text')
        .addColumn('actor_role', 'text')
        .addColumn('reason', 'text')
        .addColumn('note', 'text')
        .addColumn('service_id', 'text')
        .addColumn('from_service_id', 'text')
        .addColumn('outcome', 'text')
        .addColumn('first_contact_due', 'timestamptz')
        .execute();
      await db.schema
        .createIndex('access_referral_events_referral')
        .on('access_referral_events')
        .columns(['referral_id', 'id'])
        .execute();

      // A gap routing found: the evidence commissioners see.
      await db.schema
        .createTable('access_offer_gaps')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('referral_id', 'uuid', (c) => c.references('access_referrals.id'))
        .addColumn('component', 'text', (c) => c.notNull())
        .addColumn('age_group', 'text', (c) => c.notNull())
        .addColumn('borough', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('access_offer_gaps_system')
        .on('access_offer_gaps')
        .columns(['system_id', 'recorded_at'])
        .execute();
    },
  },

  // Referrals already held get the relationships new ones are given at receipt (issue 10 §3): the central
  // point of access for every referral, and the organisation of the service that holds it. Later changes
  // are made by the service (access.service.ts grantAtReceipt, moveGrants). The organisation is read once
  // here from the directory's services, as the routing context does at run time.
  '0410_access_referral_relationships': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await sql`
        insert into person_relationships
          (system_id, person_id, grantee_kind, grantee, basis, source_type, source_id, starts_at, ends_at)
        select r.system_id, r.person_id::text, 'role', 'spa', 'referral', 'referral', r.id::text, r.received_at, null
        from access_referrals r
        on conflict do nothing`.execute(db);
      await sql`
        insert into person_relationships
          (system_id, person_id, grantee_kind, grantee, basis, source_type, source_id, starts_at, ends_at)
        select r.system_id, r.person_id::text, 'organisation', s.organisation_code, 'referral', 'referral',
               r.id::text, r.received_at, null
        from access_referrals r
        join directory_services s on s.system_id = r.system_id and s.id = r.service_id
        on conflict do nothing`.execute(db);
    },
  },

  // A referral keeps the identity and contact details it was given (issue 10 §3): they never overwrite the
  // person's record, which staff change only by a deliberate, audited act. details_differ names the fields
  // that differ from the record (for the triager to check); submitter_hash is a hash of the public form's
  // one-time token, so only the browser that sent a self-referral sees its confirmation page.
  '0411_access_referral_details': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('access_referrals')
        .addColumn('given_person', 'jsonb')
        .addColumn('details_differ', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .addColumn('submitter_hash', 'text')
        .execute();
    },
  },
  // Keyset paging of the worklist (issue 18): the worklist reads in due-time order from a cursor, so an index
  // in exactly that order (the same never-null key as access.repository.ts DUE_KEY, then received, then id)
  // lets a page read its 26 rows and stop, whatever the size of the table. The partial index serves the open
  // views (to triage, waiting for first contact, claimed by me), which would otherwise step over every closed
  // referral; the full one serves the closed view. The old (system_id, status, due) index cannot give that
  // order across several statuses.
  '0420_access_worklist_keyset': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await sql`create index access_referrals_worklist_order on access_referrals
        (system_id, (coalesce(first_contact_due, target_due_at, 'infinity'::timestamptz)), received_at, id)`.execute(
        db,
      );
      await sql`create index access_referrals_worklist_open on access_referrals
        (system_id, (coalesce(first_contact_due, target_due_at, 'infinity'::timestamptz)), received_at, id)
        where status not in ('first-contact-made', 'closed')`.execute(db);
    },
  },
};
