// Test databases: each test gets its own, never shared. PGlite always; PostgreSQL too when
// TEST_DATABASE_URL is set (a fresh schema per test, dropped afterwards). A migrated (and optionally
// seeded) PGlite is built once per test process and copied for each test, which keeps tests fast.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { migrations } from '../../src/migrations.ts';
import { type Database, type DatabaseEngine, openPGlite, openPostgres } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { seedDemoData } from '../../src/seed.ts';

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
      if (seed) await seedDemoData(database.db, 'pglite', seedAt);
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
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = await openPostgres({ url, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  await admin.close();
  const database = await openPostgres({ url, schema, poolSize: 5 });
  await migrateToLatest(database.db, migrations, schema);
  if (seed) await seedDemoData(database.db, 'postgres', seedAt);
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
