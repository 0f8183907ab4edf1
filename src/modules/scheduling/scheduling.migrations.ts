// Tables the scheduling module owns: teams, their clinicians and shifts, the visits of each day and the
// plans computed for a day (append-only: the newest plan of a team's day is the current one). Times of day
// are minutes from midnight, London time; days are dates. Every row carries system_id.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const schedulingMigrations: Migrations = {
  '0500_scheduling': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('scheduling_teams')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        // The provider organisation (ODS code) whose coordinators plan this team; null: any in the system.
        .addColumn('organisation_code', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable('scheduling_clinicians')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('team_id', 'text', (c) => c.notNull().references('scheduling_teams.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('skills', 'jsonb', (c) => c.notNull())
        .addColumn('base_name', 'text', (c) => c.notNull())
        .addColumn('base_lat', 'double precision', (c) => c.notNull())
        .addColumn('base_lon', 'double precision', (c) => c.notNull())
        // The staff account that may read this clinician's day (role clinician).
        .addColumn('user_id', 'uuid')
        .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
        .execute();
      await db.schema.createIndex('scheduling_clinicians_team').on('scheduling_clinicians').column('team_id').execute();

      await db.schema
        .createTable('scheduling_shifts')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('clinician_id', 'text', (c) => c.notNull().references('scheduling_clinicians.id'))
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('start_minute', 'integer', (c) => c.notNull())
        .addColumn('end_minute', 'integer', (c) => c.notNull())
        .addUniqueConstraint('scheduling_shifts_one_a_day', ['clinician_id', 'day'])
        .addCheckConstraint(
          'scheduling_shifts_times',
          sql`start_minute >= 0 and end_minute <= 1440 and start_minute < end_minute`,
        )
        .execute();

      await db.schema
        .createTable('scheduling_visits')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text', (c) => c.notNull().references('scheduling_teams.id'))
        .addColumn('day', 'date', (c) => c.notNull())
        // An opaque reference or initials: the board needs no personal details.
        .addColumn('patient_ref', 'text', (c) => c.notNull())
        .addColumn('postcode_district', 'text', (c) => c.notNull())
        .addColumn('lat', 'double precision', (c) => c.notNull())
        .addColumn('lon', 'double precision', (c) => c.notNull())
        .addColumn('window_start', 'integer', (c) => c.notNull())
        .addColumn('window_end', 'integer', (c) => c.notNull())
        .addColumn('duration', 'integer', (c) => c.notNull())
        .addColumn('skills', 'jsonb', (c) => c.notNull())
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
        .addColumn('locked_clinician_id', 'text', (c) => c.references('scheduling_clinicians.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('referral_id', 'uuid')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addCheckConstraint('scheduling_visits_priority', sql`priority in ('urgent-2h','virtual-ward','routine')`)
        .addCheckConstraint('scheduling_visits_status', sql`status in ('open','cancelled')`)
        .addCheckConstraint(
          'scheduling_visits_window',
          sql`window_start >= 0 and window_end <= 1440 and window_start <= window_end and duration > 0`,
        )
        .execute();
      await db.schema
        .createIndex('scheduling_visits_day')
        .on('scheduling_visits')
        .columns(['team_id', 'day'])
        .execute();

      await db.schema
        .createTable('scheduling_plans')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text', (c) => c.notNull().references('scheduling_teams.id'))
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('seq', 'bigserial', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_by_name', 'text')
        // Visits per clinician shift, 2-hour responses met, travel share of the shift, solver cost.
        .addColumn('figures', 'jsonb', (c) => c.notNull())
        // The solver's plan: routes with each visit's sequence and planned arrival, and the unassigned.
        .addColumn('plan', 'jsonb', (c) => c.notNull())
        .addCheckConstraint('scheduling_plans_kind', sql`kind in ('solve','insert','lock','replan','unlock')`)
        .execute();
      await db.schema
        .createIndex('scheduling_plans_day')
        .on('scheduling_plans')
        .columns(['team_id', 'day', 'seq'])
        .execute();
    },
  },
  // A visit taken off the board (a virtual-ward discharge or plan change) stores a plan of kind 'cancel'.
  '0510_scheduling_cancel_plan': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await sql`alter table scheduling_plans drop constraint scheduling_plans_kind`.execute(db);
      await sql`alter table scheduling_plans add constraint scheduling_plans_kind check (kind in ('solve','insert','lock','replan','unlock','cancel'))`.execute(
        db,
      );
    },
  },
};
