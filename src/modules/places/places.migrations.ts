// Tables the places module owns: each system's boroughs, their population by the offer's age groups, and
// need indicators. Every row carries system_id (the tenancy key); a figure keeps its source or its
// "illustrative" label, so a page can always say where a number came from.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const placesMigrations: Migrations = {
  '0200_places': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('places')
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('code', 'text', (c) => c.notNull().check(sql`code ~ '^[EWSN][0-9]{8}$'`))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('places_pk', ['system_id', 'code'])
        .execute();

      await db.schema
        .createTable('place_populations')
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('place_code', 'text', (c) => c.notNull())
        .addColumn('population_group', 'text', (c) => c.notNull())
        .addColumn('value', 'integer', (c) => c.notNull().check(sql`value >= 0`))
        .addColumn('illustrative', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('source', 'jsonb')
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('place_populations_pk', ['system_id', 'place_code', 'population_group'])
        .addForeignKeyConstraint(
          'place_populations_place',
          ['system_id', 'place_code'],
          'places',
          ['system_id', 'code'],
          (c) => c.onDelete('cascade'),
        )
        .addCheckConstraint('place_populations_provenance', sql`illustrative or source is not null`)
        .execute();

      await db.schema
        .createTable('place_needs')
        .addColumn('system_id', 'text', (c) => c.notNull())
        .addColumn('place_code', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('illustrative', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('source', 'jsonb')
        .addColumn('note', 'text')
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('place_needs_pk', ['system_id', 'place_code', 'code'])
        .addForeignKeyConstraint(
          'place_needs_place',
          ['system_id', 'place_code'],
          'places',
          ['system_id', 'code'],
          (c) => c.onDelete('cascade'),
        )
        .addCheckConstraint('place_needs_provenance', sql`illustrative or source is not null`)
        .execute();
    },
  },
};
