// Tables the beds module owns: NCL mental health wards and their beds (each bed's state), the people who
// need a bed, requests for a bed, stays (admission to discharge, with leave and delayed discharge), and
// out-of-area placements. Every row carries system_id. The database itself keeps the two promises the
// board makes: a bed is reserved for at most one request, and held by at most one open stay.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const bedsMigrations: Migrations = {
  '1000_beds': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('beds_wards')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('trust_code', 'text', (c) => c.notNull())
        .addColumn('trust_name', 'text', (c) => c.notNull())
        .addColumn('site', 'text', (c) => c.notNull())
        .addColumn('borough', 'text', (c) => c.notNull())
        .addColumn('postcode_district', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'beds_wards_type',
          sql`type in ('adult-acute','picu','older-adult','cyp','eating-disorder','rehabilitation')`,
        )
        .addCheckConstraint('beds_wards_sex', sql`sex in ('male','female','mixed')`)
        .execute();

      await db.schema
        .createTable('beds_beds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('ward_id', 'text', (c) => c.notNull().references('beds_wards.id'))
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('bay', 'text')
        .addColumn('state', 'text', (c) => c.notNull().defaultTo('available'))
        .addColumn('closed_reason', 'text')
        .addColumn('state_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        // Bumped on every change: an optimistic check for callers that read a bed and change it later.
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .addCheckConstraint('beds_beds_state', sql`state in ('available','reserved','occupied','leave','closed')`)
        .addCheckConstraint('beds_beds_bay', sql`bay is null or bay in ('male','female','single-room')`)
        .addCheckConstraint('beds_beds_closed_reason', sql`(state = 'closed') = (closed_reason is not null)`)
        .addUniqueConstraint('beds_beds_label', ['ward_id', 'label'])
        .execute();
      await db.schema.createIndex('beds_beds_ward').on('beds_beds').column('ward_id').execute();

      await db.schema
        .createTable('beds_patients')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('given_name', 'text', (c) => c.notNull())
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('birth_date', 'date', (c) => c.notNull())
        .addColumn('home_postcode', 'text', (c) => c.notNull())
        .addColumn('home_borough', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('beds_patients_nhs_number', ['system_id', 'nhs_number'])
        .execute();

      await db.schema
        .createTable('beds_requests')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('reference', 'text', (c) => c.notNull().unique())
        .addColumn('patient_id', 'uuid', (c) => c.notNull().references('beds_patients.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('ward_type', 'text', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull())
        .addColumn('urgency', 'text', (c) => c.notNull())
        .addColumn('home_borough', 'text')
        .addColumn('home_district', 'text')
        .addColumn('notes', 'text')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('waiting'))
        .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_by_name', 'text', (c) => c.notNull())
        .addColumn('requester_organisation', 'text')
        .addColumn('bed_id', 'text', (c) => c.references('beds_beds.id'))
        .addColumn('allocated_at', 'timestamptz')
        .addColumn('allocated_by_name', 'text')
        .addColumn('closed_at', 'timestamptz')
        // Set when the request brings someone home from an out-of-area placement.
        .addColumn('placement_id', 'uuid')
        .addCheckConstraint(
          'beds_requests_status',
          sql`status in ('waiting','allocated','admitted','placed-out-of-area','cancelled')`,
        )
        .addCheckConstraint('beds_requests_allocated_bed', sql`status <> 'allocated' or bed_id is not null`)
        .execute();
      // One bed, one allocation: a second request allocated to the same bed cannot be stored.
      await sql`create unique index beds_requests_one_per_bed on beds_requests (bed_id) where status = 'allocated'`.execute(
        db,
      );
      await db.schema
        .createIndex('beds_requests_status')
        .on('beds_requests')
        .columns(['system_id', 'status'])
        .execute();

      await db.schema
        .createTable('beds_stays')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('patient_id', 'uuid', (c) => c.notNull().references('beds_patients.id'))
        .addColumn('request_id', 'uuid', (c) => c.references('beds_requests.id'))
        .addColumn('bed_id', 'text', (c) => c.notNull().references('beds_beds.id'))
        .addColumn('ward_id', 'text', (c) => c.notNull().references('beds_wards.id'))
        .addColumn('admitted_at', 'timestamptz', (c) => c.notNull())
        .addColumn('ready_since', 'date')
        .addColumn('delay_reason', 'text')
        .addColumn('discharged_at', 'timestamptz')
        .addColumn('discharge_destination', 'text')
        .addCheckConstraint(
          'beds_stays_discharge_after_admission',
          sql`discharged_at is null or discharged_at >= admitted_at`,
        )
        .execute();
      // One bed, one person: at most one open stay per bed.
      await sql`create unique index beds_stays_one_open_per_bed on beds_stays (bed_id) where discharged_at is null`.execute(
        db,
      );
      await db.schema
        .createIndex('beds_stays_admitted')
        .on('beds_stays')
        .columns(['system_id', 'admitted_at'])
        .execute();

      await db.schema
        .createTable('beds_leave')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('stay_id', 'uuid', (c) => c.notNull().references('beds_stays.id'))
        .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expected_back', 'date')
        .addColumn('ended_at', 'timestamptz')
        .execute();
      await sql`create unique index beds_leave_one_open on beds_leave (stay_id) where ended_at is null`.execute(db);

      await db.schema
        .createTable('beds_placements')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('patient_id', 'uuid', (c) => c.notNull().references('beds_patients.id'))
        .addColumn('request_id', 'uuid', (c) => c.references('beds_requests.id'))
        .addColumn('ward_type', 'text', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull())
        .addColumn('home_borough', 'text')
        .addColumn('home_district', 'text')
        .addColumn('provider_name', 'text', (c) => c.notNull())
        .addColumn('provider_code', 'text')
        .addColumn('location_district', 'text', (c) => c.notNull())
        .addColumn('location_place', 'text')
        .addColumn('distance_km', 'double precision')
        .addColumn('start_date', 'date', (c) => c.notNull())
        .addColumn('end_date', 'date')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('appropriate', 'boolean', (c) => c.notNull())
        .addColumn('cost_per_day_pence', 'integer', (c) => c.notNull())
        .addColumn('repatriated_stay_id', 'uuid')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addCheckConstraint('beds_placements_dates', sql`end_date is null or end_date >= start_date`)
        .addCheckConstraint('beds_placements_cost', sql`cost_per_day_pence >= 0`)
        .execute();
      await db.schema
        .createIndex('beds_placements_active')
        .on('beds_placements')
        .columns(['system_id', 'end_date'])
        .execute();
    },
  },
  '1010_beds_bed_events': {
    // Every change of a bed's state, so occupancy over time divides by the beds open that day (a bed closed
    // for a week is not counted as a bed that week), and closures and openings have a history. Existing
    // beds get one row each: their current state since it last changed (what came before is not known).
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('beds_bed_events')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('bed_id', 'text', (c) => c.notNull().references('beds_beds.id'))
        // null: the state before is not known (rows made when this table was added)
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('closed_reason', 'text')
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addCheckConstraint(
          'beds_bed_events_states',
          sql`to_state in ('available','reserved','occupied','leave','closed') and (from_state is null or from_state in ('available','reserved','occupied','leave','closed'))`,
        )
        .execute();
      await db.schema.createIndex('beds_bed_events_at').on('beds_bed_events').columns(['system_id', 'at']).execute();
      await db.schema.createIndex('beds_bed_events_bed').on('beds_bed_events').columns(['bed_id', 'at']).execute();
      await sql`insert into beds_bed_events (system_id, bed_id, from_state, to_state, closed_reason, at)
        select system_id, id, null, state, closed_reason, state_changed_at from beds_beds`.execute(db);
    },
  },
  '1011_beds_bed_events_append_only': {
    // Past occupancy is worked out from this history, so nothing may rewrite it: a change is a new row.
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await sql`
        create function beds_bed_events_append_only() returns trigger language plpgsql as $$
        begin raise exception 'beds_bed_events is append-only: record a change as a new row'; end $$`.execute(db);
      await sql`
        create trigger beds_bed_events_append_only before update or delete on beds_bed_events
        for each row execute function beds_bed_events_append_only()`.execute(db);
    },
  },
};
