// Tables the offer module owns: offer versions and the components of each version.
//
// A component is stored whole as jsonb (the validated Component), with its code, name, category, domain
// and kind copied into columns for listing and querying. The database keeps the model's rules too, so a
// bug or a hand-written SQL statement cannot break them:
//   - at most one published version and at most one draft per integrated care system (partial unique indexes);
//   - a published or retired version cannot change, except published → retired (trigger);
//   - only a draft's components can be added, changed or removed (trigger);
//   - only a draft can be deleted (trigger).
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const offerMigrations: Migrations = {
  '0100_offer': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('offer_versions')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('number', 'integer', (c) => c.notNull().check(sql`number >= 1`))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'published', 'retired')`))
        .addColumn('effective_from', 'date', (c) => c.notNull())
        .addColumn('change_notes', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('published_at', 'timestamptz')
        .addUniqueConstraint('offer_versions_system_number', ['system_id', 'number'])
        .addCheckConstraint('offer_versions_published_at', sql`(status = 'draft') = (published_at is null)`)
        .execute();
      await sql`create unique index offer_versions_one_published on offer_versions (system_id) where status = 'published'`.execute(
        db,
      );
      await sql`create unique index offer_versions_one_draft on offer_versions (system_id) where status = 'draft'`.execute(
        db,
      );

      await db.schema
        .createTable('offer_components')
        .addColumn('version_id', 'uuid', (c) => c.notNull().references('offer_versions.id').onDelete('cascade'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('data', 'jsonb', (c) => c.notNull())
        .addPrimaryKeyConstraint('offer_components_pk', ['version_id', 'code'])
        .addCheckConstraint('offer_components_code_matches', sql`data->>'code' = code`)
        .execute();
      await db.schema
        .createIndex('offer_components_category')
        .on('offer_components')
        .columns(['version_id', 'category'])
        .execute();

      await sql`
        create function offer_versions_guard() returns trigger language plpgsql as $$
        begin
          if tg_op = 'DELETE' then
            if old.status <> 'draft' then
              raise exception 'offer version % is %: only a draft can be deleted', old.number, old.status;
            end if;
            return old;
          end if;
          if old.status = 'draft' and new.status in ('draft', 'published') then
            return new;
          end if;
          if old.status = 'published' and new.status = 'retired'
             and new.id = old.id and new.system_id = old.system_id and new.number = old.number
             and new.effective_from = old.effective_from and new.change_notes = old.change_notes
             and new.created_at = old.created_at and new.created_by is not distinct from old.created_by
             and new.published_at = old.published_at then
            return new;
          end if;
          raise exception 'offer version % is %: published and retired versions cannot be changed', old.number, old.status;
        end $$`.execute(db);
      await sql`
        create trigger offer_versions_guard before update or delete on offer_versions
        for each row execute function offer_versions_guard()`.execute(db);

      // A cascade from deleting a draft finds no version row any more, and is allowed.
      await sql`
        create function offer_components_only_in_drafts() returns trigger language plpgsql as $$
        declare
          bad text;
        begin
          if tg_op in ('INSERT', 'UPDATE') then
            select status into bad from offer_versions where id = new.version_id and status <> 'draft';
          end if;
          if bad is null and tg_op in ('UPDATE', 'DELETE') then
            select status into bad from offer_versions where id = old.version_id and status <> 'draft';
          end if;
          if bad is not null then
            raise exception 'offer components of a % version cannot be changed: start a draft', bad;
          end if;
          if tg_op = 'DELETE' then
            return old;
          end if;
          return new;
        end $$`.execute(db);
      await sql`
        create trigger offer_components_only_in_drafts before insert or update or delete on offer_components
        for each row execute function offer_components_only_in_drafts()`.execute(db);
    },
  },
};
