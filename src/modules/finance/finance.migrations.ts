// Tables the finance module owns: scenarios (assumptions and the last good results stored whole as jsonb,
// versioned) and the history of every assumption change. At most one scenario per system is the agreed
// plan (partial unique index); history rows are never edited or deleted (trigger).
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const financeMigrations: Migrations = {
  '0800_finance': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('finance_scenarios')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('first_year', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'agreed')`))
        .addColumn('based_on', 'uuid', (c) => c.references('finance_scenarios.id'))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('assumptions', 'jsonb', (c) => c.notNull())
        .addColumn('results', 'jsonb')
        .addColumn('results_version', 'integer')
        .addColumn('run_status', 'text', (c) =>
          c.notNull().defaultTo('never').check(sql`run_status in ('never', 'running', 'done', 'failed')`),
        )
        .addColumn('run_stage', 'text')
        .addColumn('run_progress', 'real', (c) => c.notNull().defaultTo(0))
        .addColumn('run_error', 'text')
        .addColumn('run_started_at', 'timestamptz')
        .addColumn('run_finished_at', 'timestamptz')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('agreed_by', 'text')
        .addColumn('agreed_at', 'timestamptz')
        .execute();
      await sql`create unique index finance_one_agreed on finance_scenarios (system_id) where status = 'agreed'`.execute(
        db,
      );
      await db.schema
        .createIndex('finance_scenarios_system')
        .on('finance_scenarios')
        .columns(['system_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('finance_assumption_changes')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('scenario_id', 'uuid', (c) => c.notNull().references('finance_scenarios.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('before', 'jsonb')
        .addColumn('after', 'jsonb', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('finance_assumption_changes_scenario')
        .on('finance_assumption_changes')
        .columns(['scenario_id', 'version'])
        .execute();
      await sql`
        create function finance_changes_append_only() returns trigger language plpgsql as $$
        begin raise exception 'finance_assumption_changes is append-only'; end $$`.execute(db);
      await sql`
        create trigger finance_changes_append_only before update or delete on finance_assumption_changes
        for each row execute function finance_changes_append_only()`.execute(db);
    },
  },
};
