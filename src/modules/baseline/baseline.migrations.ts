// Tables the baseline module owns: each import (who, when, which file, which period, how many rows) and the
// rows themselves, one per system, period, borough, component and age group. Every row carries system_id
// and the import it came from; importing a period again deletes and re-inserts it in one transaction.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const baselineMigrations: Migrations = {
  '0220_baseline': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('baseline_imports')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('period', 'text', (c) => c.notNull().check(sql`period ~ '^[0-9]{4}-[0-9]{2}$'`))
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('csv', 'xlsx', 'json')`))
        .addColumn('row_count', 'integer', (c) => c.notNull())
        .addColumn('replaced_rows', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('imported_by_id', 'text', (c) => c.notNull())
        .addColumn('imported_by_name', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createIndex('baseline_imports_system')
        .on('baseline_imports')
        .columns(['system_id', 'imported_at'])
        .execute();

      await db.schema
        .createTable('baseline_rows')
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('borough', 'text', (c) => c.notNull())
        .addColumn('component', 'text', (c) => c.notNull())
        .addColumn('age_group', 'text', (c) => c.notNull())
        .addColumn('offered', 'text', (c) => c.notNull().check(sql`offered in ('full', 'partial', 'none')`))
        .addColumn('weekday_hours', 'text')
        .addColumn('weekend_hours', 'text')
        .addColumn('access_routes', 'jsonb')
        .addColumn('points_of_delivery', 'jsonb')
        .addColumn('age_from', 'integer')
        .addColumn('age_to', 'integer')
        .addColumn('median_wait_weeks', 'double precision')
        .addColumn('p90_wait_weeks', 'double precision')
        .addColumn('wte_nursing', 'double precision')
        .addColumn('wte_allied_health', 'double precision')
        .addColumn('wte_medical', 'double precision')
        .addColumn('wte_psychology', 'double precision')
        .addColumn('wte_support', 'double precision')
        .addColumn('wte_other', 'double precision')
        .addColumn('spend_pence', 'bigint')
        .addColumn('contacts', 'bigint')
        .addColumn('people_seen', 'bigint')
        .addColumn('source', 'text')
        .addColumn('notes', 'text')
        .addColumn('line', 'integer')
        .addColumn('import_id', 'uuid', (c) => c.notNull().references('baseline_imports.id'))
        .addPrimaryKeyConstraint('baseline_rows_pk', ['system_id', 'period', 'borough', 'component', 'age_group'])
        .execute();
      await db.schema.createIndex('baseline_rows_import').on('baseline_rows').column('import_id').execute();
    },
  }, // An import that replaces a period is previewed first (the checked rows wait in baseline_pending_imports
  // until someone confirms), and the rows it replaces are kept in baseline_replaced_rows so the previous
  // import can be restored in one action.
  '0230_baseline_restorable_imports': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('baseline_pending_imports')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('csv', 'xlsx', 'json')`))
        .addColumn('row_count', 'integer', (c) => c.notNull())
        .addColumn('rows', 'jsonb', (c) => c.notNull())
        .addColumn('created_by_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('baseline_replaced_rows')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('import_id', 'uuid', (c) => c.references('baseline_imports.id'))
        .addColumn('replaced_by_import_id', 'uuid', (c) => c.notNull().references('baseline_imports.id'))
        .addColumn('row_count', 'integer', (c) => c.notNull())
        .addColumn('rows', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('baseline_replaced_rows_by')
        .on('baseline_replaced_rows')
        .column('replaced_by_import_id')
        .execute();
      await db.schema
        .alterTable('baseline_imports')
        .addColumn('restored_from_import_id', 'uuid', (c) => c.references('baseline_imports.id'))
        .execute();
    },
  },
  // The provider of each row (an ODS code, optional) and its staff by Agenda for Change band (optional), for
  // productivity benchmarking per provider and band. Old rows keep both empty.
  '0240_baseline_provider_and_bands': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('baseline_rows')
        .addColumn('provider', 'text')
        .addColumn('wte_by_band', 'jsonb')
        .execute();
    },
  },
};
