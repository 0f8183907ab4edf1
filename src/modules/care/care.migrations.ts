// Tables the care module owns: holistic assessments (versioned, never overwritten once signed), the trusted
// assessor competency, complexity flags, case manager allocations, care teams, care plans with goals and
// actions, MDT meetings with the people discussed and their decisions, coordination contacts and transition
// plans. A person is the access module's person id (access_people.id): one care record per person, whichever
// organisation holds each part. Every row carries system_id.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const careMigrations: Migrations = {
  '0700_care': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('care_trusted_assessors')
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addColumn('granted_at', 'timestamptz', (c) => c.notNull())
        .addColumn('revoked_at', 'timestamptz')
        .addPrimaryKeyConstraint('care_trusted_assessors_pk', ['system_id', 'user_id'])
        .execute();

      await db.schema
        .createTable('care_assessments')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('person_id', 'uuid', (c) => c.notNull())
        .addColumn('referral_id', 'uuid')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('answers', 'jsonb', (c) => c.notNull())
        // Where each prefilled answer came from, and the values as prefilled (to count reuse).
        .addColumn('sources', 'jsonb', (c) => c.notNull())
        .addColumn('prefilled', 'jsonb', (c) => c.notNull())
        .addColumn('reused_count', 'integer')
        // Optimistic concurrency for drafts: a save names the revision it edited.
        .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('supersedes', 'uuid')
        .addColumn('change_reason', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_by_name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_by_name', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('signed_by', 'text')
        .addColumn('signed_by_name', 'text')
        .addColumn('signed_at', 'timestamptz')
        .addCheckConstraint('care_assessments_status', sql`status in ('draft','signed')`)
        .addUniqueConstraint('care_assessments_version', ['system_id', 'person_id', 'version'])
        .execute();
      await sql`create unique index care_assessments_one_draft on care_assessments (system_id, person_id)
        where status = 'draft'`.execute(db);

      await db.schema
        .createTable('care_flags')
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('person_id', 'uuid', (c) => c.notNull())
        .addColumn('reasons', 'jsonb', (c) => c.notNull())
        .addColumn('weight', 'integer', (c) => c.notNull())
        .addColumn('assessment_id', 'uuid', (c) => c.notNull())
        .addColumn('flagged_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('care_flags_pk', ['system_id', 'person_id'])
        .execute();

      await db.schema
        .createTable('care_allocations')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('person_id', 'uuid', (c) => c.notNull())
        .addColumn('case_manager_id', 'text', (c) => c.notNull())
        .addColumn('case_manager_name', 'text', (c) => c.notNull())
        .addColumn('organisation_code', 'text')
        .addColumn('reason', 'text')
        .addColumn('allocated_by', 'text', (c) => c.notNull())
        .addColumn('allocated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('ended_at', 'timestamptz')
        .addColumn('end_reason', 'text')
        .execute();
      await sql`create unique index care_allocations_current on care_allocations (system_id, person_id)
        where ended_at is null`.execute(db);
      await db.schema
        .createIndex('care_allocations_manager')
        .on('care_allocations')
        .columns(['system_id', 'case_manager_id'])
        .execute();

      await db.schema
        .createTable('care_team_members')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('person_id', 'uuid', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role_title', 'text', (c) => c.notNull())
        .addColumn('organisation_code', 'text', (c) => c.notNull())
        .addColumn('contact', 'text')
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addColumn('added_at', 'timestamptz', (c) => c.notNull())
        .addColumn('ended_at', 'timestamptz')
        .execute();
      await db.schema
        .createIndex('care_team_members_person')
        .on('care_team_members')
        .columns(['system_id', 'person_id'])
        .execute();

      await db.schema
        .createTable('care_plans')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('person_id', 'uuid', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('review_due', 'date', (c) => c.notNull())
        .addColumn('agreed_with_person', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('agreed_on', 'date')
        .addColumn('copy_sent_by', 'text')
        .addColumn('copy_sent_at', 'timestamptz')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_by_name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addCheckConstraint('care_plans_status', sql`status in ('active','closed')`)
        .execute();
      await sql`create unique index care_plans_active on care_plans (system_id, person_id)
        where status = 'active'`.execute(db);

      await db.schema
        .createTable('care_goals')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('plan_id', 'uuid', (c) => c.notNull().references('care_plans.id'))
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('care_meetings')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('scheduled_at', 'timestamptz', (c) => c.notNull())
        .addColumn('organiser_id', 'text', (c) => c.notNull())
        .addColumn('organiser_name', 'text', (c) => c.notNull())
        .addColumn('attendees', 'jsonb', (c) => c.notNull())
        .addColumn('agenda', 'jsonb', (c) => c.notNull())
        .addColumn('minutes', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('care_meeting_people')
        .addColumn('meeting_id', 'uuid', (c) => c.notNull().references('care_meetings.id'))
        .addColumn('person_id', 'uuid', (c) => c.notNull())
        .addPrimaryKeyConstraint('care_meeting_people_pk', ['meeting_id', 'person_id'])
        .execute();

      await db.schema
        .createTable('care_actions')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('plan_id', 'uuid', (c) => c.notNull().references('care_plans.id'))
        .addColumn('person_id', 'uuid', (c) => c.notNull())
        .addColumn('goal_id', 'uuid', (c) => c.references('care_goals.id'))
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('owner_kind', 'text', (c) => c.notNull())
        .addColumn('owner_member_id', 'uuid', (c) => c.references('care_team_members.id'))
        .addColumn('owner_label', 'text', (c) => c.notNull())
        .addColumn('due', 'date', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
        .addColumn('meeting_id', 'uuid', (c) => c.references('care_meetings.id'))
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('completed_at', 'timestamptz')
        .addColumn('completed_by_name', 'text')
        .addColumn('completion_note', 'text')
        .addCheckConstraint('care_actions_status', sql`status in ('open','done','cancelled')`)
        .addCheckConstraint('care_actions_owner', sql`owner_kind in ('member','resident','carer','service')`)
        .execute();
      await db.schema
        .createIndex('care_actions_person')
        .on('care_actions')
        .columns(['system_id', 'person_id', 'status'])
        .execute();

      await db.schema
        .createTable('care_decisions')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('meeting_id', 'uuid', (c) => c.notNull().references('care_meetings.id'))
        .addColumn('person_id', 'uuid', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('action_id', 'uuid', (c) => c.notNull().references('care_actions.id'))
        .addColumn('recorded_by_name', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('care_contacts')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('person_id', 'uuid', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('with_whom', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('by_name', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('care_transition_plans')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('person_id', 'uuid', (c) => c.notNull())
        .addColumn('adult_services', 'jsonb', (c) => c.notNull())
        .addColumn('components', 'jsonb', (c) => c.notNull())
        .addColumn('created_by_name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addUniqueConstraint('care_transition_plans_person', ['system_id', 'person_id'])
        .execute();
    },
  },
  '0720_care_appointments': {
    // Appointments a care coordinator books for a person, and every booking, change and cancellation with its
    // reason (the timeline in the record, and what the person was told).
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('care_appointments')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('person_id', 'uuid', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('on_date', 'date', (c) => c.notNull())
        .addColumn('at_time', 'text', (c) => c.notNull())
        .addColumn('place', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('booked'))
        .addColumn('created_by_name', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addCheckConstraint('care_appointments_status', sql`status in ('booked','cancelled')`)
        .execute();
      await db.schema
        .createIndex('care_appointments_person')
        .on('care_appointments')
        .columns(['system_id', 'person_id'])
        .execute();
      await db.schema
        .createTable('care_appointment_events')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('appointment_id', 'uuid', (c) => c.notNull().references('care_appointments.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('notified_by', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('by_name', 'text', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addCheckConstraint('care_appointment_events_kind', sql`kind in ('booked','changed','cancelled')`)
        .execute();
    },
  },
  '0730_care_meeting_changes': {
    // An MDT meeting can be moved (time or place) or cancelled before it is held; each change is kept with its
    // reason and how many people were told (the meeting's timeline). Meetings made before have no place.
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema.alterTable('care_meetings').addColumn('place', 'text').execute();
      await db.schema
        .alterTable('care_meetings')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('scheduled'))
        .execute();
      await db.schema
        .createTable('care_meeting_events')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('meeting_id', 'uuid', (c) => c.notNull().references('care_meetings.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('before_at', 'timestamptz', (c) => c.notNull())
        .addColumn('before_place', 'text')
        .addColumn('after_at', 'timestamptz')
        .addColumn('after_place', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('told', 'integer', (c) => c.notNull())
        .addColumn('by_name', 'text', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addCheckConstraint('care_meeting_events_kind', sql`kind in ('moved','cancelled')`)
        .execute();
      await db.schema
        .createIndex('care_meeting_events_meeting')
        .on('care_meeting_events')
        .column('meeting_id')
        .execute();
    },
  },
  '0731_care_transition_structured': {
    // Transition plans name adult services and 18 to 25 components by their code in the published offer, with a
    // planned transfer date and a named lead in adult services. Plans written before keep their free text
    // (adult_services, components) and have no codes; new plans store the names there too, so both read alike.
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('care_transition_plans')
        .addColumn('adult_service_codes', 'jsonb')
        .addColumn('component_codes', 'jsonb')
        .addColumn('transfer_date', 'date')
        .addColumn('adult_lead', 'text')
        .execute();
    },
  },
};
