// Tables the monitoring module owns (prefix mon_): borough implementation plans (each agreement or
// re-profiling a new version, never edited), the quarters open for returns, and the quarterly finance
// returns per provider with their rows. A provider's new return for a quarter supersedes its last one.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const monitoringMigrations: Migrations = {
  '1200_monitoring': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('mon_plans')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('borough', 'text', (c) => c.notNull())
        .addColumn('financial_year', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('agreement', 'reprofile')`))
        .addColumn('scenario_id', 'uuid', (c) => c.notNull())
        .addColumn('scenario_version', 'integer', (c) => c.notNull())
        .addColumn('partnership', 'text', (c) => c.notNull())
        .addColumn('agreed_on', 'date', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('profile', 'jsonb', (c) => c.notNull())
        .addColumn('illustrative', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
        .addUniqueConstraint('mon_plans_version', ['system_id', 'borough', 'financial_year', 'version'])
        .execute();
      await sql`
        create function mon_plans_append_only() returns trigger language plpgsql as $$
        begin raise exception 'mon_plans is append-only: re-profile as a new version'; end $$`.execute(db);
      await sql`
        create trigger mon_plans_append_only before update or delete on mon_plans
        for each row execute function mon_plans_append_only()`.execute(db);

      await db.schema
        .createTable('mon_quarters')
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('financial_year', 'text', (c) => c.notNull())
        .addColumn('quarter', 'integer', (c) => c.notNull().check(sql`quarter between 1 and 4`))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'closed')`))
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('mon_quarters_pk', ['system_id', 'financial_year', 'quarter'])
        .execute();

      await db.schema
        .createTable('mon_returns')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('financial_year', 'text', (c) => c.notNull())
        .addColumn('quarter', 'integer', (c) => c.notNull().check(sql`quarter between 1 and 4`))
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('row_count', 'integer', (c) => c.notNull())
        .addColumn('superseded', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('illustrative', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('submitted_by', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await sql`create unique index mon_returns_current on mon_returns (system_id, provider, financial_year, quarter) where not superseded`.execute(
        db,
      );

      await db.schema
        .createTable('mon_return_rows')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('return_id', 'uuid', (c) => c.notNull().references('mon_returns.id'))
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('borough', 'text', (c) => c.notNull())
        .addColumn('component', 'text', (c) => c.notNull())
        .addColumn('spend_pence', 'bigint', (c) => c.notNull().check(sql`spend_pence >= 0`))
        .addColumn('staff_in_post', 'numeric')
        .addColumn('activity', 'integer')
        .addColumn('bed_days_saved', 'integer')
        .execute();
      await db.schema.createIndex('mon_return_rows_return').on('mon_return_rows').column('return_id').execute();
    },
  },
  '1210_monitoring_pack_snapshots': {
    // Each issued board pack's figures, so the next pack can say what moved since it. Never edited.
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('mon_pack_snapshots')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('financial_year', 'text', (c) => c.notNull())
        .addColumn('tolerance', 'numeric', (c) => c.notNull())
        .addColumn('figures', 'jsonb', (c) => c.notNull())
        .addColumn('illustrative', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('issued_by', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('mon_pack_snapshots_scope')
        .on('mon_pack_snapshots')
        .columns(['system_id', 'scope', 'financial_year', 'issued_at'])
        .execute();
      await sql`
        create function mon_pack_snapshots_append_only() returns trigger language plpgsql as $$
        begin raise exception 'mon_pack_snapshots is append-only: issue a new pack'; end $$`.execute(db);
      await sql`
        create trigger mon_pack_snapshots_append_only before update or delete on mon_pack_snapshots
        for each row execute function mon_pack_snapshots_append_only()`.execute(db);
    },
  },
};
