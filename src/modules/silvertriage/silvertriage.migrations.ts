// Tables the silver triage module owns: the on-call rota of senior clinicians and the calls ambulance crews
// make to them. A call's outcome is never overwritten once its referral exists: a correction is a new call
// row pointing at the one it corrects, and both are kept. Every row carries system_id.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const silverTriageMigrations: Migrations = {
  '0950_silver_triage': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('st_rota_slots')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
        .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
        .addColumn('clinician_name', 'text', (c) => c.notNull())
        .addColumn('speciality', 'text', (c) => c.notNull())
        .addCheckConstraint('st_rota_slots_order', sql`ends_at > starts_at`)
        .execute();
      await db.schema
        .createIndex('st_rota_slots_time')
        .on('st_rota_slots')
        .columns(['system_id', 'starts_at'])
        .execute();

      await db.schema
        .createTable('st_calls')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('crew', 'text', (c) => c.notNull())
        .addColumn('call_sign', 'text', (c) => c.notNull())
        .addColumn('incident_number', 'text', (c) => c.notNull())
        .addColumn('nhs_number', 'text')
        .addColumn('age', 'integer', (c) => c.notNull())
        .addColumn('postcode_district', 'text', (c) => c.notNull())
        .addColumn('borough', 'text', (c) => c.notNull())
        .addColumn('called_at', 'timestamptz', (c) => c.notNull())
        .addColumn('answered_at', 'timestamptz')
        .addColumn('answered_by', 'text')
        .addColumn('answered_by_name', 'text')
        .addColumn('within_rota', 'boolean', (c) => c.notNull())
        .addColumn('advice', 'text')
        .addColumn('outcome', 'text')
        .addColumn('referral_id', 'text')
        .addColumn('referral_reference', 'text')
        .addColumn('corrects', 'uuid')
        .addColumn('superseded_by', 'uuid')
        .addColumn('correction_reason', 'text')
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('st_calls_time').on('st_calls').columns(['system_id', 'called_at']).execute();
    },
  },
};
