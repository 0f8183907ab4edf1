// Tables the outcomes module owns: the framework (stored whole as jsonb, with each indicator copied into a
// row of its own), provider returns and the counts behind every published value.
//
// Counts only: intervals, suppression and comparisons are always computed from them, never stored. A count
// comes from a provider's return (return_id set) or is loaded by the ICB for national and system figures
// (return_id null, provider 'QMJ'). A resubmitted return supersedes the previous one for the same provider
// and period; both stay, with their counts, so the history can always be shown. The database keeps the rules:
//   - at most one current ('accepted') return per system, provider and period (partial unique index);
//   - a return changes only from accepted to superseded, and neither returns nor counts are ever deleted or
//     edited (triggers).
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const outcomesMigrations: Migrations = {
  '0300_outcomes': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('outcomes_frameworks')
        .addColumn('system_id', 'text', (c) => c.primaryKey().references('systems.id'))
        .addColumn('framework_id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('definition', 'jsonb', (c) => c.notNull())
        .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable('outcomes_indicators')
        .addColumn('system_id', 'text', (c) => c.notNull().references('outcomes_frameworks.system_id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('definition', 'jsonb', (c) => c.notNull())
        .addPrimaryKeyConstraint('outcomes_indicators_pk', ['system_id', 'code'])
        .addCheckConstraint('outcomes_indicators_code_matches', sql`definition->>'code' = code`)
        .execute();

      await db.schema
        .createTable('outcomes_returns')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('provider_code', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('submitted_by', 'text', (c) => c.notNull())
        .addColumn('submitted_by_id', 'text')
        .addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('upload', 'api', 'seed')`))
        .addColumn('file_name', 'text')
        .addColumn('row_count', 'integer', (c) => c.notNull().check(sql`row_count >= 0`))
        .addColumn('warning_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('accepted', 'superseded')`))
        .addColumn('supersedes', 'uuid', (c) => c.references('outcomes_returns.id'))
        .execute();
      await sql`create unique index outcomes_returns_one_current on outcomes_returns (system_id, provider_code, period) where status = 'accepted'`.execute(
        db,
      );
      await db.schema
        .createIndex('outcomes_returns_provider')
        .on('outcomes_returns')
        .columns(['system_id', 'provider_code', 'submitted_at'])
        .execute();

      await db.schema
        .createTable('outcomes_counts')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('indicator', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('borough', 'text', (c) => c.notNull())
        .addColumn('breakdown', 'text', (c) => c.notNull())
        .addColumn('breakdown_value', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('numerator', 'double precision', (c) => c.notNull().check(sql`numerator >= 0`))
        .addColumn('denominator', 'double precision', (c) => c.notNull().check(sql`denominator >= 0`))
        .addColumn('standard_deviation', 'double precision')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('return_id', 'uuid', (c) => c.references('outcomes_returns.id'))
        .addColumn('row_number', 'integer')
        .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
        .addForeignKeyConstraint('outcomes_counts_indicator', ['system_id', 'indicator'], 'outcomes_indicators', [
          'system_id',
          'code',
        ])
        .execute();
      await db.schema
        .createIndex('outcomes_counts_indicator_period')
        .on('outcomes_counts')
        .columns(['system_id', 'indicator', 'period'])
        .execute();
      await db.schema.createIndex('outcomes_counts_return').on('outcomes_counts').column('return_id').execute();

      await sql`
        create function outcomes_returns_guard() returns trigger language plpgsql as $$
        begin
          if tg_op = 'DELETE' then
            raise exception 'outcomes returns are kept as history: delete refused';
          end if;
          if old.status = 'accepted' and new.status = 'superseded'
             and new.id = old.id and new.system_id = old.system_id and new.provider_code = old.provider_code
             and new.period = old.period and new.submitted_at = old.submitted_at and new.row_count = old.row_count then
            return new;
          end if;
          raise exception 'an outcomes return can only change from accepted to superseded';
        end $$`.execute(db);
      await sql`
        create trigger outcomes_returns_guard before update or delete on outcomes_returns
        for each row execute function outcomes_returns_guard()`.execute(db);
      await sql`
        create function outcomes_counts_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'outcomes counts are kept as history: % refused', tg_op;
        end $$`.execute(db);
      await sql`
        create trigger outcomes_counts_append_only before update or delete on outcomes_counts
        for each row execute function outcomes_counts_append_only()`.execute(db);
    },
  },
  // Counts the system computes from its own data (outcomes.computed.ts) are replaced on every refresh. The
  // old rows stay as history: a refresh marks them replaced (replaced_at) and the trigger allows only that
  // change, and only on counts loaded by the ICB (return_id null).
  '0600_outcomes_counts_replaced': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema.alterTable('outcomes_counts').addColumn('replaced_at', 'timestamptz').execute();
      await sql`
        create or replace function outcomes_counts_append_only() returns trigger language plpgsql as $$
        begin
          if tg_op = 'UPDATE' and old.return_id is null and new.return_id is null and old.replaced_at is null
             and new.replaced_at is not null and new.id = old.id and new.system_id = old.system_id
             and new.indicator = old.indicator and new.period = old.period and new.borough = old.borough
             and new.breakdown = old.breakdown and new.breakdown_value = old.breakdown_value
             and new.numerator = old.numerator and new.denominator = old.denominator
             and new.standard_deviation is not distinct from old.standard_deviation
             and new.provider = old.provider and new.notes = old.notes then
            return new;
          end if;
          raise exception 'outcomes counts are kept as history: % refused', tg_op;
        end $$`.execute(db);
    },
  },
};
