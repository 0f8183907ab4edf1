// Forward-only, numbered migrations. Kysely runs every pending migration in one transaction under a lock,
// so a failed migration leaves the database as it was and two processes never migrate at once.
import { type Migration, Migrator } from 'kysely/migration';
import type { AnyDb } from './database.ts';

export type Migrations = Record<string, Migration>;

export class MigrationError extends Error {}

const NAME = /^\d{4}_[a-z0-9_]+$/;

/** Merges each module's migrations, refusing a name that is malformed or used twice. */
export function collectMigrations(...sets: Migrations[]): Migrations {
  const all: Migrations = {};
  for (const set of sets) {
    for (const [name, migration] of Object.entries(set)) {
      if (!NAME.test(name))
        throw new MigrationError(`Migration name "${name}" must look like 0001_words_with_underscores`);
      if (all[name]) throw new MigrationError(`Migration "${name}" is defined twice`);
      all[name] = migration;
    }
  }
  return all;
}

export type MigrateResult = { applied: string[] };

export async function migrateToLatest(db: AnyDb, migrations: Migrations, schema = 'public'): Promise<MigrateResult> {
  // Name the schema: otherwise Kysely may find another schema's migration table and skip creating its own.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
    // Names are numbered in blocks per module (0001 platform, 0100 offer, … 0950 silver triage), so a new
    // platform or module migration (say 0020) can arrive after a later block's (0900) has run on an existing
    // database. Each block keeps its own order; pending ones still run in name order, all in one transaction.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new MigrationError(
      `${failed ? `Migration ${failed} failed` : 'Migrations failed'}: ${(error as Error).message ?? String(error)}. Nothing was changed.`,
    );
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
