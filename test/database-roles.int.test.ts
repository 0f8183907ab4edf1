// On PostgreSQL the server runs as a role that cannot rewrite the audit log (issue 10 §4): the owner migrates
// and grants; the application role may INSERT and SELECT audit rows and nothing else on that table, and it
// cannot disable the append-only trigger, truncate the table or turn triggers off for its session. Runs only
// when TEST_DATABASE_URL names a PostgreSQL server (PGlite has a single user).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { migrations } from '../src/migrations.ts';
import { audit } from '../src/platform/audit/audit.ts';
import { loadConfig } from '../src/platform/config.ts';
import { type Database, openPostgres } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { grantApplicationRole, privilegesOf, roleOfUrl } from '../src/platform/db/roles.ts';

const url = process.env.TEST_DATABASE_URL;

test('the connection strings name the two roles', () => {
  assert.equal(roleOfUrl('postgres://core_offer_app@127.0.0.1:5432/core_offer'), 'core_offer_app');
  assert.equal(roleOfUrl('postgres://core%5Fowner:secret@db/x'), 'core_owner');
  const config = loadConfig({
    DATABASE_URL: 'postgres://core_offer_app@127.0.0.1/core_offer',
    MIGRATION_DATABASE_URL: 'postgres://core_offer_owner@127.0.0.1/core_offer',
  });
  assert.equal(config.migrationDatabaseUrl, 'postgres://core_offer_owner@127.0.0.1/core_offer');
  assert.throws(() => loadConfig({ MIGRATION_DATABASE_URL: 'postgres://o@h/d' }), /needs DATABASE_URL/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://a@h/d', MIGRATION_DATABASE_URL: 'mysql://o@h/d' }));
});

describe('the application role on PostgreSQL', { skip: url ? false : 'TEST_DATABASE_URL is not set' }, () => {
  const suffix = randomBytes(5).toString('hex');
  const schema = `test_roles_${suffix}`;
  const role = `core_offer_app_${suffix}`;
  let owner: Database;
  let app: Database;

  before(async () => {
    const admin = await openPostgres({ url: url!, poolSize: 1 });
    await sql`create schema ${sql.id(schema)}`.execute(admin.db);
    await sql`create role ${sql.id(role)} login nosuperuser nocreatedb nocreaterole`.execute(admin.db);
    await admin.close();
    owner = await openPostgres({ url: url!, schema, poolSize: 2 });
    await migrateToLatest(owner.db, migrations, schema);
    await grantApplicationRole(owner.db, { schema, role });
    const appUrl = new URL(url!);
    appUrl.username = role;
    appUrl.password = '';
    app = await openPostgres({ url: appUrl.toString(), schema, poolSize: 2 });
  });

  after(async () => {
    await app?.close();
    await sql`drop schema ${sql.id(schema)} cascade`.execute(owner.db);
    await sql`drop owned by ${sql.id(role)}`.execute(owner.db);
    await sql`drop role ${sql.id(role)}`.execute(owner.db);
    await owner.close();
  });

  const refused = async (statement: ReturnType<typeof sql>, what: string) => {
    await assert.rejects(
      () => statement.execute(app.db),
      (error: { code?: string; message?: string }) => {
        // 42501 insufficient_privilege (also raised for "must be owner of table").
        assert.equal(error.code, '42501', `${what}: ${error.message}`);
        return true;
      },
      what,
    );
  };

  test('it can add audit rows and read them', async () => {
    await audit(app.db, null, { action: 'test.written', recordType: 'test', recordId: suffix });
    const rows = await sql<{ n: number }>`select count(*)::int as n from audit_log where record_id = ${suffix}`.execute(
      app.db,
    );
    assert.equal(rows.rows[0]!.n, 1);
    assert.deepEqual(await privilegesOf(app.db, { schema, role, table: 'audit_log' }), {
      SELECT: true,
      INSERT: true,
      UPDATE: false,
      DELETE: false,
      TRUNCATE: false,
      TRIGGER: false,
      REFERENCES: false,
    });
  });

  test('it cannot update, delete or truncate audit rows', async () => {
    await refused(sql`update audit_log set action = 'rewritten' where record_id = ${suffix}`, 'UPDATE');
    await refused(sql`delete from audit_log where record_id = ${suffix}`, 'DELETE');
    await refused(sql`truncate audit_log`, 'TRUNCATE');
  });

  test('it cannot disable the append-only trigger, drop it, or turn triggers off for its session', async () => {
    await refused(sql`alter table audit_log disable trigger audit_log_append_only`, 'DISABLE TRIGGER');
    await refused(sql`alter table audit_log disable trigger all`, 'DISABLE TRIGGER ALL');
    await refused(sql`drop trigger audit_log_append_only on audit_log`, 'DROP TRIGGER');
    await refused(sql`drop table audit_log`, 'DROP TABLE');
    await refused(sql`set session_replication_role = replica`, 'session_replication_role');
    await refused(
      sql`create or replace function audit_log_is_append_only() returns trigger language plpgsql as $$ begin return new; end $$`,
      'replace the trigger function',
    );
    const still = await sql<{
      n: number;
    }>`select count(*)::int as n from audit_log where record_id = ${suffix}`.execute(app.db);
    assert.equal(still.rows[0]!.n, 1, 'the audit row is still there');
  });

  test('it can change the domain tables, and owns none of them', async () => {
    await sql`update users set display_name = display_name where false`.execute(app.db);
    await sql`delete from sessions where false`.execute(app.db);
    const owned = await sql<{ n: number }>`select count(*)::int as n from pg_tables
      where schemaname = ${schema} and tableowner = ${role}`.execute(owner.db);
    assert.equal(owned.rows[0]!.n, 0);
    await refused(sql`select * from kysely_migration`, 'read the migration bookkeeping');
  });
});
