// Test databases: each test gets its own, never shared. PGlite always; PostgreSQL too when
// TEST_DATABASE_URL is set (a fresh schema per test, or a copy of a seeded template database; dropped
// afterwards). A migrated (and optionally seeded) PGlite is built once per test process and copied for each
// test, which keeps tests fast.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { migrations } from '../../src/migrations.ts';
import { type Database, type DatabaseEngine, openPGlite, openPostgres } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { seedDemoData } from '../../src/seed.ts';
import { financeRunCache } from './finance-run-cache.ts';

export function testEngines(): DatabaseEngine[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

const templates = new Map<string, Promise<Blob>>();

async function pgliteTemplate(seed: boolean, seedAt?: Date): Promise<Blob> {
  const key = seed ? `seeded@${seedAt?.toISOString() ?? 'now'}` : 'migrated';
  let template = templates.get(key);
  if (!template) {
    template = (async () => {
      const database = await openPGlite();
      await migrateToLatest(database.db, migrations);
      if (seed) await seedDemoData(database.db, 'pglite', seedAt, { financeRunCache });
      const blob = await database.pglite!.dumpDataDir('none');
      await database.close();
      return blob;
    })();
    templates.set(key, template);
  }
  return template;
}

/** `seedAt`: the instant the demo data is loaded relative to (a test's fixed clock); the real time otherwise. */
export type TestDatabaseOptions = { seed?: boolean; seedAt?: Date };

/** Opens a clean, migrated database (seeded with the NCL demo data when asked). Close it when done. */
export async function openTestDatabase(
  engine: DatabaseEngine,
  { seed = false, seedAt }: TestDatabaseOptions = {},
): Promise<Database> {
  if (engine === 'pglite') {
    return openPGlite({ loadDataDir: await pgliteTemplate(seed, seedAt) });
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  if (seed) return openSeededPostgres(url, seedAt);
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = await openPostgres({ url, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  await admin.close();
  const database = await openPostgres({ url, schema, poolSize: 5 });
  await migrateToLatest(database.db, migrations, schema);
  return {
    ...database,
    async close() {
      await database.close();
      const cleanup = await openPostgres({ url, poolSize: 1 });
      await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db);
      await cleanup.close();
    },
  };
}

// Seeding takes about 5 s, migrating a fraction of one: a seeded PostgreSQL database is built once per test
// process and seed time as a template database, and each test gets a copy (CREATE DATABASE … TEMPLATE, ~0.3 s).
// Names carry the process id, so a run that was killed leaves databases the next run can recognise and drop.
const postgresTemplates = new Map<string, Promise<string>>();
let templateCopies: Promise<unknown> = Promise.resolve();
let leftoversDropped = false;

function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function withAdmin<T>(url: string, fn: (admin: Database) => Promise<T>): Promise<T> {
  const admin = await openPostgres({ url, poolSize: 1 });
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function dropLeftoverDatabases(admin: Database): Promise<void> {
  const { rows } = await sql<{ datname: string }>`
    select datname from pg_database where datname ~ '^co_(tpl|test)_[0-9]+_'`.execute(admin.db);
  for (const { datname } of rows) {
    const pid = Number(datname.split('_')[2]);
    if (pid !== process.pid && !processIsAlive(pid)) {
      await sql`drop database if exists ${sql.id(datname)} with (force)`.execute(admin.db);
    }
  }
}

// The templates go when the process has nothing left to do (beforeExit allows the asynchronous drop).
function dropTemplatesBeforeExit(url: string): void {
  process.once('beforeExit', () => {
    void withAdmin(url, async (admin) => {
      for (const template of postgresTemplates.values()) {
        const name = await template.catch(() => undefined);
        if (name) await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
      }
      postgresTemplates.clear();
    }).catch(() => {});
  });
}

function postgresTemplate(url: string, seedAt?: Date): Promise<string> {
  const key = seedAt?.toISOString() ?? 'now';
  let template = postgresTemplates.get(key);
  if (!template) {
    template = (async () => {
      const name = `co_tpl_${process.pid}_${postgresTemplates.size}`;
      await withAdmin(url, async (admin) => {
        if (!leftoversDropped) {
          leftoversDropped = true;
          await dropLeftoverDatabases(admin);
          dropTemplatesBeforeExit(url);
        }
        await sql`drop database if exists ${sql.id(name)}`.execute(admin.db);
        await sql`create database ${sql.id(name)}`.execute(admin.db);
      });
      const builder = await openPostgres({ url: databaseUrl(url, name), poolSize: 5 });
      try {
        await migrateToLatest(builder.db, migrations);
        await seedDemoData(builder.db, 'postgres', seedAt, { financeRunCache });
      } finally {
        await builder.close();
      }
      return name;
    })();
    postgresTemplates.set(key, template);
  }
  return template;
}

async function openSeededPostgres(url: string, seedAt?: Date): Promise<Database> {
  const template = await postgresTemplate(url, seedAt);
  const name = `co_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  // One copy at a time: a template may not be read by two CREATE DATABASE statements at once.
  const copy = templateCopies.then(() =>
    withAdmin(url, (admin) =>
      sql`create database ${sql.id(name)} template ${sql.id(template)} strategy wal_log`.execute(admin.db),
    ),
  );
  templateCopies = copy.catch(() => {});
  await copy;
  const database = await openPostgres({ url: databaseUrl(url, name), poolSize: 5 });
  return {
    ...database,
    async close() {
      await database.close();
      await withAdmin(url, (admin) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db));
    },
  };
}

/** Runs fn with a fresh database and always closes it. */
export async function withTestDatabase<T>(
  engine: DatabaseEngine,
  fn: (database: Database) => Promise<T>,
  options: TestDatabaseOptions = {},
): Promise<T> {
  const database = await openTestDatabase(engine, options);
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}
