// Start-up: configuration → database → migrations → demo data → app → listen; on SIGTERM or SIGINT,
// stop taking requests, let in-flight ones finish, then close the database.
import { buildApp } from './app.ts';
import { systemClock } from './platform/clock.ts';
import { ConfigError, loadConfig } from './platform/config.ts';
import { DatabaseUnavailableError, openDatabase } from './platform/db/database.ts';
import { MigrationError, migrateToLatest } from './platform/db/migrate.ts';
import { asOwner } from './platform/db/roles.ts';
import { migrations } from './migrations.ts';
import { isDemoMode, seedDemoData } from './seed.ts';
import { startNotificationDelivery } from './modules/access/index.ts';
import { startMissedObservationSweep } from './modules/virtualwards/index.ts';

async function main() {
  const config = loadConfig();
  const database = await openDatabase(config);
  // On PostgreSQL with MIGRATION_DATABASE_URL, the owner migrates and the server runs as DATABASE_URL's role.
  await asOwner(config, database, async (owner) => {
    await migrateToLatest(owner.db, migrations, owner.schema);
    if (config.demoData) await seedDemoData(owner.db, owner.engine);
  });
  const app = await buildApp({
    config,
    database,
    clock: systemClock,
    demoMode: await isDemoMode(database.db, database.engine),
  });
  app.addHook(
    'onClose',
    startNotificationDelivery(database.db, app.log, {
      workers: config.outboxWorkers,
      batchSize: config.outboxBatchSize,
    }).stop,
  );
  app.addHook('onClose', startMissedObservationSweep(database.db, systemClock, app.log).stop);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      app.log.error('shutdown took longer than 10 seconds; exiting');
      process.exit(1);
    }, 10_000);
    timer.unref();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    { engine: database.engine, location: database.location },
    `Core Offer is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`,
  );
}

main().catch((error: unknown) => {
  // Expected start-up problems get one clear line, not a stack trace.
  if (error instanceof ConfigError || error instanceof DatabaseUnavailableError || error instanceof MigrationError) {
    console.error(`Core Offer could not start: ${error.message}`);
  } else {
    console.error('Core Offer could not start:', error);
  }
  process.exit(1);
});
