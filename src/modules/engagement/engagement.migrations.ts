// Tables the engagement module owns: feedback from residents, recorded only as coming from a group, never a
// named person, and the themes each record is coded with. Every row carries system_id.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../../platform/db/migrate.ts';

export const engagementMigrations: Migrations = {
  '1250_engagement': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('eng_feedback')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('received_on', 'date', (c) => c.notNull())
        .addColumn('borough', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('from_group', 'text', (c) => c.notNull())
        .addColumn('illustrative', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('eng_feedback_date')
        .on('eng_feedback')
        .columns(['system_id', 'received_on'])
        .execute();
      await db.schema
        .createTable('eng_feedback_themes')
        .addColumn('feedback_id', 'uuid', (c) => c.notNull().references('eng_feedback.id'))
        .addColumn('theme', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('eng_feedback_themes_pk', ['feedback_id', 'theme'])
        .execute();
    },
  },
  // An offer change that answers feedback: a component of an offer version (made), or work still going on (in
  // progress, a component optional), citing the themes it answers. The offer module owns the versions; this
  // table holds only their number and the component's code, checked through offer/index.ts when recorded.
  '1251_engagement_changes': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('eng_changes')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('seq', 'bigserial', (c) => c.notNull())
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('made', 'in-progress')`))
        .addColumn('version_number', 'integer')
        .addColumn('component_code', 'text')
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('illustrative', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
        .addCheckConstraint(
          'eng_changes_made_has_component',
          sql`status <> 'made' or (version_number is not null and component_code is not null)`,
        )
        .execute();
      await db.schema
        .createTable('eng_change_themes')
        .addColumn('change_id', 'uuid', (c) => c.notNull().references('eng_changes.id'))
        .addColumn('theme', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('eng_change_themes_pk', ['change_id', 'theme'])
        .execute();
    },
  },
  // Themes in a table instead of a fixed list: a commissioner or analyst proposes one, another commissioner
  // approves or rejects it with a reason, and only approved themes can be cited. The nine themes of the starting
  // list are seeded approved with their old codes, so feedback and changes already coded with them keep working.
  // A row with no system_id is part of that starting list and shared by every system (the migration runs
  // before any system exists); proposals always carry their system_id.
  '1260_engagement_themes': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('eng_themes')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('seq', 'bigserial', (c) => c.notNull())
        .addColumn('system_id', 'text', (c) => c.references('systems.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('why', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('proposed', 'approved', 'rejected')`))
        .addColumn('proposed_by', 'text')
        .addColumn('proposed_by_name', 'text')
        .addColumn('proposed_at', 'timestamptz')
        .addColumn('reviewed_by', 'text')
        .addColumn('reviewed_by_name', 'text')
        .addColumn('reviewed_at', 'timestamptz')
        .addColumn('review_reason', 'text')
        .execute();
      await sql`create unique index eng_themes_code on eng_themes (coalesce(system_id, ''), code)`.execute(db);
      // The starting list as it stood when this migration was written (engagement.ts THEMES), copied so the
      // migration never changes when that constant does.
      const THEMES: Record<string, string> = {
        'access-and-waiting': 'Access and waiting times',
        'interpreting-and-bsl': 'Interpreting and British Sign Language',
        'dementia-friendly': 'Dementia friendly services',
        'fewer-hand-offs': 'Fewer hand-offs and telling your story once',
        'appointment-communication': 'Communication about appointments',
        'not-digital-only': 'Not digital only',
        'personalised-care': 'Personalised care',
        transition: 'Moving from children’s to adult services',
        'cultural-competence': 'Culturally competent services',
      };
      await db
        .insertInto('eng_themes')
        .values(
          Object.entries(THEMES).map(([code, name]) => ({
            code,
            name,
            description: 'From the reviewed starting list: what residents raised in the 2021 engagement.',
            status: 'approved',
          })),
        )
        .execute();
    },
  },
};
