// Tables the virtual wards module owns: wards (capacity, pathway, borough), the people on them, admissions
// (step-up or step-down, monitoring plan, discharge outcome and bed days), observations with their early-
// warning score, and escalations with their clocks. Every row carries system_id.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const virtualWardMigrations: Migrations = {
  '0900_virtual_wards': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('vw_wards')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('provider_code', 'text', (c) => c.notNull())
        .addColumn('provider_name', 'text', (c) => c.notNull())
        .addColumn('borough', 'text', (c) => c.notNull())
        .addColumn('pathway', 'text', (c) => c.notNull())
        .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity >= 0`))
        .addColumn('min_age', 'integer', (c) => c.notNull())
        .addColumn('max_age', 'integer', (c) => c.notNull())
        .addColumn('score_system', 'text', (c) => c.notNull().check(sql`score_system in ('news2', 'pews')`))
        .addColumn('component_code', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable('vw_patients')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('given_name', 'text', (c) => c.notNull())
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('birth_date', 'date', (c) => c.notNull())
        .addColumn('postcode_district', 'text', (c) => c.notNull())
        .addUniqueConstraint('vw_patients_nhs', ['system_id', 'nhs_number'])
        .execute();

      await db.schema
        .createTable('vw_admissions')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('ward_id', 'text', (c) => c.notNull().references('vw_wards.id'))
        .addColumn('patient_id', 'uuid', (c) => c.notNull().references('vw_patients.id'))
        .addColumn('route', 'text', (c) => c.notNull().check(sql`route in ('step-up', 'step-down')`))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('source_reference', 'text')
        .addColumn('admitted_at', 'timestamptz', (c) => c.notNull())
        .addColumn('admitted_by', 'text', (c) => c.notNull())
        .addColumn('over_capacity_reason', 'text')
        .addColumn('responsible_user_id', 'text')
        .addColumn('responsible_name', 'text', (c) => c.notNull())
        .addColumn('obs_every_hours', 'integer', (c) => c.notNull().check(sql`obs_every_hours between 1 and 24`))
        .addColumn('spo2_scale', 'integer', (c) => c.notNull().defaultTo(1).check(sql`spo2_scale in (1, 2)`))
        .addColumn('spo2_scale_reason', 'text')
        .addColumn('visits_per_day', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('discharged_at', 'timestamptz')
        .addColumn('discharge_outcome', 'text')
        .addColumn('bed_days', 'integer')
        .execute();
      // One stay at a time: a person cannot be on two virtual wards at once.
      await sql`create unique index vw_admissions_one_active on vw_admissions (patient_id) where status = 'active'`.execute(
        db,
      );
      await db.schema.createIndex('vw_admissions_ward').on('vw_admissions').columns(['ward_id', 'status']).execute();

      await db.schema
        .createTable('vw_observations')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('admission_id', 'uuid', (c) => c.notNull().references('vw_admissions.id'))
        .addColumn('observed_at', 'timestamptz', (c) => c.notNull())
        .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('form', 'device')`))
        .addColumn('readings', 'jsonb', (c) => c.notNull())
        .addColumn('score', 'integer')
        .addColumn('partial_score', 'integer', (c) => c.notNull())
        .addColumn('risk', 'text', (c) => c.notNull())
        .addColumn('missing', 'jsonb', (c) => c.notNull())
        .addColumn('parameter_scores', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('vw_observations_admission')
        .on('vw_observations')
        .columns(['admission_id', 'observed_at'])
        .execute();

      await db.schema
        .createTable('vw_escalations')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('admission_id', 'uuid', (c) => c.notNull().references('vw_admissions.id'))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('score', 'overdue-observation')`))
        .addColumn('risk', 'text')
        .addColumn('observation_id', 'bigint')
        // For a missed observation: the time it was expected (one escalation per expected observation).
        .addColumn('expected_at', 'timestamptz')
        .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
        .addColumn('due_at', 'timestamptz', (c) => c.notNull())
        .addColumn('response_required', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_by_name', 'text')
        .addColumn('claimed_at', 'timestamptz')
        .addColumn('response', 'text')
        .addColumn('outcome', 'text')
        .addColumn('closed_at', 'timestamptz')
        .execute();
      await sql`create unique index vw_escalations_one_per_missed on vw_escalations (admission_id, expected_at) where kind = 'overdue-observation'`.execute(
        db,
      );
      await db.schema.createIndex('vw_escalations_open').on('vw_escalations').columns(['status', 'due_at']).execute();
    },
  },
  // The daily visits of each admission booked on the scheduling board (the board holds the visit; this keeps
  // which admission and which slot of which day it is for, so a plan change or discharge can update them).
  '0910_vw_visits': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('vw_visits')
        .addColumn('visit_id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('admission_id', 'uuid', (c) => c.notNull().references('vw_admissions.id'))
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('slot', 'integer', (c) => c.notNull())
        .addColumn('visits_per_day', 'integer', (c) => c.notNull())
        .addColumn('window_start', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'cancelled')`))
        .addColumn('booked_at', 'timestamptz', (c) => c.notNull())
        .addColumn('cancelled_at', 'timestamptz')
        .execute();
      await sql`create unique index vw_visits_one_per_slot on vw_visits (admission_id, day, slot, visits_per_day) where status = 'open'`.execute(
        db,
      );
    },
  },
  // A step-up from a referral: the admission names the referral, and the ward's person is linked to the
  // central point of access's person (ids only: each module keeps its own copy of the details).
  '0911_vw_referral_link': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema.alterTable('vw_patients').addColumn('access_person_id', 'uuid').execute();
      await db.schema.alterTable('vw_admissions').addColumn('referral_id', 'uuid').execute();
      await db.schema.createIndex('vw_admissions_referral').on('vw_admissions').column('referral_id').execute();
    },
  },
  // Which observations the monitoring plan expects (issue 13), as NEWS2 parameter names; existing admissions
  // expect all seven, as they did before.
  '0930_vw_plan_observations': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('vw_admissions')
        .addColumn('plan_observations', 'jsonb', (c) =>
          c
            .notNull()
            .defaultTo(
              sql`'["respirationRate","spo2","airOrOxygen","systolicBP","pulse","consciousness","temperature"]'::jsonb`,
            ),
        )
        .execute();
    },
  },
};
