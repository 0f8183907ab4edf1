// Every module's migrations, in one ordered list. Names are numbered globally: 0001–0099 platform,
// then a block per module, so the order never depends on import order.
import { accessMigrations } from './modules/access/access.migrations.ts';
import { bedsMigrations } from './modules/beds/beds.migrations.ts';
import { baselineMigrations } from './modules/baseline/baseline.migrations.ts';
import { careMigrations } from './modules/care/care.migrations.ts';
import { financeMigrations } from './modules/finance/finance.migrations.ts';
import { engagementMigrations } from './modules/engagement/engagement.migrations.ts';
import { directoryMigrations } from './modules/directory/directory.migrations.ts';
import { monitoringMigrations } from './modules/monitoring/monitoring.migrations.ts';
import { offerMigrations } from './modules/offer/offer.migrations.ts';
import { outcomesMigrations } from './modules/outcomes/outcomes.migrations.ts';
import { placesMigrations } from './modules/places/places.migrations.ts';
import { schedulingMigrations } from './modules/scheduling/scheduling.migrations.ts';
import { silverTriageMigrations } from './modules/silvertriage/silvertriage.migrations.ts';
import { virtualWardMigrations } from './modules/virtualwards/virtualwards.migrations.ts';
import { oidcMigrations } from './platform/auth/oidc.migrations.ts';
import { collectMigrations } from './platform/db/migrate.ts';
import { platformMigrations } from './platform/platform.migrations.ts';

export const migrations = collectMigrations(
  platformMigrations,
  offerMigrations,
  placesMigrations,
  directoryMigrations,
  baselineMigrations,
  outcomesMigrations,
  accessMigrations,
  schedulingMigrations,
  virtualWardMigrations,
  silverTriageMigrations,
  bedsMigrations,
  careMigrations,
  financeMigrations,
  oidcMigrations,
  engagementMigrations,
  monitoringMigrations,
);
