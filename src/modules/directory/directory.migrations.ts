// Tables the directory module owns: organisations, sites, services (with the core offer components, age
// groups and boroughs each delivers) and local assets. Every row carries system_id. Lists are jsonb arrays so
// a filter can ask "serves this borough" with @>, on PGlite and PostgreSQL alike.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const directoryMigrations: Migrations = {
  '0210_directory': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      // Which period the system's directory describes (one directory per system).
      await db.schema
        .createTable('directories')
        .addColumn('system_id', 'text', (c) => c.primaryKey().references('systems.id'))
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable('directory_organisations')
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('boroughs', 'jsonb')
        .addColumn('note', 'text')
        .addColumn('illustrative', 'boolean', (c) => c.notNull().defaultTo(false))
        .addPrimaryKeyConstraint('directory_organisations_pk', ['system_id', 'code'])
        .execute();

      await db.schema
        .createTable('directory_sites')
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('organisation_code', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('postcode', 'text', (c) => c.notNull())
        .addColumn('borough', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('illustrative', 'boolean', (c) => c.notNull().defaultTo(false))
        .addPrimaryKeyConstraint('directory_sites_pk', ['system_id', 'id'])
        .addForeignKeyConstraint(
          'directory_sites_organisation',
          ['system_id', 'organisation_code'],
          'directory_organisations',
          ['system_id', 'code'],
        )
        .execute();

      await db.schema
        .createTable('directory_services')
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('organisation_code', 'text', (c) => c.notNull())
        .addColumn('component_codes', 'jsonb', (c) => c.notNull())
        .addColumn('age_groups', 'jsonb', (c) => c.notNull())
        .addColumn('boroughs', 'jsonb', (c) => c.notNull())
        .addColumn('hours', 'text', (c) => c.notNull())
        .addColumn('access_routes', 'jsonb', (c) => c.notNull())
        .addColumn('contact', 'jsonb', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('site_ids', 'jsonb')
        .addColumn('illustrative', 'boolean', (c) => c.notNull().defaultTo(false))
        .addPrimaryKeyConstraint('directory_services_pk', ['system_id', 'id'])
        .addForeignKeyConstraint(
          'directory_services_organisation',
          ['system_id', 'organisation_code'],
          'directory_organisations',
          ['system_id', 'code'],
        )
        .execute();
      await sql`create index directory_services_components on directory_services using gin (component_codes)`.execute(
        db,
      );
      await sql`create index directory_services_boroughs on directory_services using gin (boroughs)`.execute(db);

      await db.schema
        .createTable('directory_assets')
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('voluntary', 'council')`))
        .addColumn('organisation_code', 'text')
        .addColumn('needs', 'jsonb', (c) => c.notNull())
        .addColumn('boroughs', 'jsonb', (c) => c.notNull())
        .addColumn('age_groups', 'jsonb')
        .addColumn('contact', 'jsonb', (c) => c.notNull())
        .addColumn('illustrative', 'boolean', (c) => c.notNull().defaultTo(false))
        .addPrimaryKeyConstraint('directory_assets_pk', ['system_id', 'id'])
        .execute();
    },
  },
  '0211_directory_imports': {
    // Local assets imported from a published feed (an Open Referral UK feed of a council or a voluntary
    // organisation): each import, and which assets it brought, so importing the same feed again replaces them.
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('directory_imports')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('records', 'integer', (c) => c.notNull())
        .addColumn('imported_by', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('directory_assets').addColumn('import_source', 'text').execute();
    },
  },
};
