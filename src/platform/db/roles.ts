// Two PostgreSQL roles (issue 10 §4): migrations run as the owner of the tables; the server runs as an
// application role that owns nothing, so it cannot alter a table, disable a trigger or set
// session_replication_role, and on the audit log it may only add and read rows (INSERT and SELECT). A
// superuser, or the owner, could bypass the append-only trigger; the application role cannot.
import { sql } from 'kysely';
import { type AnyDb, type Database, openPostgres } from './database.ts';

/** Tables the application role may read and add to but never change or remove rows of. */
export const APPEND_ONLY_TABLES = ['audit_log'] as const;

/** The role a connection string signs in as (PGUSER, then the operating-system user, when it names none). */
export function roleOfUrl(url: string): string {
  const user = decodeURIComponent(new URL(url).username);
  return user || process.env.PGUSER || process.env.USER || 'postgres';
}

/**
 * Run by the owner after every migration (idempotent): the application role may use the schema, read and
 * write the domain tables, use their sequences, and only INSERT and SELECT on the append-only tables. It is
 * given nothing on the migration bookkeeping tables and owns nothing.
 */
export async function grantApplicationRole(owner: AnyDb, { schema, role }: { schema: string; role: string }) {
  const s = sql.id(schema);
  const r = sql.id(role);
  await sql`grant usage on schema ${s} to ${r}`.execute(owner);
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = ${schema} and table_type = 'BASE TABLE'`.execute(owner);
  for (const { name } of tables.rows) {
    const t = sql.id(schema, name);
    await sql`revoke all on ${t} from ${r}`.execute(owner);
    if (name.startsWith('kysely_migration')) continue;
    if ((APPEND_ONLY_TABLES as readonly string[]).includes(name)) {
      await sql`grant select, insert on ${t} to ${r}`.execute(owner);
    } else {
      await sql`grant select, insert, update, delete on ${t} to ${r}`.execute(owner);
    }
  }
  await sql`grant usage, select on all sequences in schema ${s} to ${r}`.execute(owner);
}

/** What the application role may do to a table, as PostgreSQL reports it (for tests and for review). */
export async function privilegesOf(
  db: AnyDb,
  { schema, role, table }: { schema: string; role: string; table: string },
) {
  const checks = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES'];
  const result: Record<string, boolean> = {};
  for (const p of checks) {
    const row = await sql<{
      ok: boolean;
    }>`select has_table_privilege(${role}, ${`${schema}.${table}`}, ${p}) as ok`.execute(db);
    result[p] = row.rows[0]!.ok;
  }
  return result;
}

/**
 * Runs `fn` (migrations, demo data) as the owner: MIGRATION_DATABASE_URL's role when set, then grants the
 * application role (DATABASE_URL's) what it needs; otherwise on the application's own connection.
 */
export async function asOwner<T>(
  config: { databaseUrl: string | null; migrationDatabaseUrl: string | null },
  app: Database,
  fn: (owner: Database) => Promise<T>,
): Promise<T> {
  if (!config.migrationDatabaseUrl || !config.databaseUrl) return fn(app);
  const owner = await openPostgres({ url: config.migrationDatabaseUrl, poolSize: 2 });
  try {
    const result = await fn(owner);
    await grantApplicationRole(owner.db, { schema: owner.schema, role: roleOfUrl(config.databaseUrl) });
    return result;
  } finally {
    await owner.close();
  }
}
