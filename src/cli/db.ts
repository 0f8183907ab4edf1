// Database tooling: `npm run db:migrate`, `npm run db:seed`, `npm run db:reset`. Uses DATABASE_URL when set,
// otherwise the embedded database in DATA_DIR. With MIGRATION_DATABASE_URL too, the work runs as that (owner)
// role and DATABASE_URL's role is then granted what the server needs, and no more.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../platform/config.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { asOwner, roleOfUrl } from '../platform/db/roles.ts';
import { migrations } from '../migrations.ts';
import { seedDemoData } from '../seed.ts';

const USAGE = 'Usage: node src/cli/db.ts migrate | seed | reset';

async function run(command: string | undefined) {
  if (!command || !['migrate', 'seed', 'reset'].includes(command)) {
    console.error(USAGE);
    process.exit(2);
  }
  const config = loadConfig();
  if (command === 'reset') {
    if (config.databaseUrl) {
      const database = await openDatabase({
        ...config,
        databaseUrl: config.migrationDatabaseUrl ?? config.databaseUrl,
      });
      await sql`drop schema public cascade`.execute(database.db);
      await sql`create schema public`.execute(database.db);
      await database.close();
      console.log(`Emptied the public schema of ${database.location}.`);
    } else {
      fs.rmSync(path.join(config.dataDir, 'pglite'), { recursive: true, force: true });
      console.log(`Deleted the embedded database in ${config.dataDir}.`);
    }
  }
  const database = await openDatabase(config);
  try {
    await asOwner(config, database, async (owner) => {
      const { applied } = await migrateToLatest(owner.db, migrations, owner.schema);
      console.log(
        applied.length
          ? `Applied ${applied.length} migration(s): ${applied.join(', ')}.`
          : 'The database is up to date.',
      );
      if (command === 'seed' || command === 'reset') {
        const report = await seedDemoData(owner.db, owner.engine);
        console.log(
          report.users
            ? `Loaded the NCL demo data: ${report.users} demo accounts${report.tokens ? `, ${report.tokens} demo API tokens` : ''}.`
            : 'The demo data was already loaded; nothing changed.',
        );
      }
    });
    if (config.migrationDatabaseUrl) console.log(`Granted ${roleOfUrl(config.databaseUrl!)} what the server needs.`);
  } finally {
    await database.close();
  }
}

run(process.argv[2]).catch((error: unknown) => {
  console.error(`Failed: ${(error as Error).message}`);
  process.exit(1);
});
