// Tables the platform owns: integrated care systems, settings, staff accounts, sessions, API tokens and the
// audit log. Domain modules own their own tables in their own migrations.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from './db/migrate.ts';

export const platformMigrations: Migrations = {
  '0001_platform': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('systems')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('ods_code', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      // Key/value facts about this database, such as whether it holds the demo data.
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'jsonb', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('organisation_code', 'text')
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('disabled_at', 'timestamptz')
        .execute();

      // The session id is never stored, only its SHA-256, so a leaked table cannot be replayed.
      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('organisation_code', 'text')
        .addColumn('created_by', 'uuid')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('last_used_at', 'timestamptz')
        .addColumn('revoked_at', 'timestamptz')
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('system_id', 'text')
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text')
        .addColumn('actor_role', 'text')
        .addColumn('actor_organisation', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('record_type', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text')
        .addColumn('reason', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('detail', 'jsonb')
        .addColumn('request_id', 'text')
        .execute();
      await db.schema.createIndex('audit_log_record').on('audit_log').columns(['record_type', 'record_id']).execute();
      await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'at']).execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

      // Append-only: the database itself refuses to change or delete an audit row.
      await sql`
        create function audit_log_is_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'audit_log is append-only: % refused', tg_op;
        end $$`.execute(db);
      await sql`
        create trigger audit_log_append_only before update or delete on audit_log
        for each row execute function audit_log_is_append_only()`.execute(db);
      await sql`
        create trigger audit_log_no_truncate before truncate on audit_log
        for each statement execute function audit_log_is_append_only()`.execute(db);
    },
  },
};

platformMigrations['0002_platform_idempotency_outbox'] = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
  async up(db: Kysely<any>) {
    // A client's Idempotency-Key, with the answer it got, so a retry gets the same answer and no second record.
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('system_id', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('response_status', 'integer')
      .addColumn('response_body', 'jsonb')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['system_id', 'actor_id', 'key'])
      .execute();

    // Messages to send after a change commits (notifications to people, events to other systems), written in
    // the same transaction as the change so none is lost and none is sent for a change that rolled back.
    await db.schema
      .createTable('outbox')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('system_id', 'text', (c) => c.notNull())
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('payload', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('delivered_at', 'timestamptz')
      .addColumn('last_error', 'text')
      .execute();
    await sql`create index outbox_pending on outbox (next_attempt_at) where delivered_at is null`.execute(db);
  },
};

platformMigrations['0003_platform_relationships'] = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
  async up(db: Kysely<any>) {
    // Why a member of staff may see a person's records (see platform/auth/relationships.ts). The person id
    // is the owning module's; grantee is a user id, an ODS code or a role, by grantee_kind.
    await db.schema
      .createTable('person_relationships')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('system_id', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('grantee_kind', 'text', (c) => c.notNull().check(sql`grantee_kind in ('user','organisation','role')`))
      .addColumn('grantee', 'text', (c) => c.notNull())
      .addColumn('basis', 'text', (c) => c.notNull())
      .addColumn('source_type', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
      .addColumn('ends_at', 'timestamptz')
      .addUniqueConstraint('person_relationships_grant', [
        'system_id',
        'person_id',
        'grantee_kind',
        'grantee',
        'source_type',
        'source_id',
      ])
      .execute();
    // Lists ask "whom may this grantee see?"; single reads ask "may they see this person?".
    await db.schema
      .createIndex('person_relationships_grantee')
      .on('person_relationships')
      .columns(['system_id', 'grantee_kind', 'grantee', 'person_id'])
      .execute();
    await db.schema
      .createIndex('person_relationships_source')
      .on('person_relationships')
      .columns(['system_id', 'source_type', 'source_id'])
      .execute();

    // Emergency ("break-glass") access: who, to whom, why, until when, and the administrator's review.
    await db.schema
      .createTable('break_glass')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('system_id', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('organisation_code', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('granted_at', 'timestamptz', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('reviewed_at', 'timestamptz')
      .addColumn('reviewed_by', 'text')
      .addColumn('review_note', 'text')
      .execute();
    await db.schema
      .createIndex('break_glass_user')
      .on('break_glass')
      .columns(['system_id', 'user_id', 'person_id', 'expires_at'])
      .execute();
  },
};

platformMigrations['0009_platform_relationships_probe'] = {
  // The referral worklist checks each referral's grant as it walks its index (access.repository.ts
  // listReferrals). The probe names the source and the grantee, so an index with all five columns serves it
  // outright. The planner needs statistics to prefer it to the grantee index (autovacuum gathers them; without
  // any, on a machine with autovacuum off, it may walk every grant of the role per referral instead).
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
  async up(db: Kysely<any>) {
    await db.schema
      .createIndex('person_relationships_probe')
      .on('person_relationships')
      .columns(['system_id', 'source_type', 'source_id', 'grantee_kind', 'grantee'])
      .execute();
    // Every read by (system, source type, source id) is served by the new index's leading columns.
    await db.schema.dropIndex('person_relationships_source').execute();
  },
};

platformMigrations['0010_platform_rate_limits'] = {
  // Rate-limit counters (sign-in, the public forms), shared by every app process on the database:
  // src/platform/http/rate-limit-store.ts. A row per route and client address, reset when its window ends.
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('rate_limit_counters')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .addColumn('window_ends', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rate_limit_counters_window').on('rate_limit_counters').column('window_ends').execute();
  },
};
