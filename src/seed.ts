// Loads the NCL demonstration data into an empty database: the integrated care system, one account per
// role, and each module's NCL data. On the embedded database only, it also creates the demo API tokens
// (demo-<role>); they are never created on PostgreSQL.
import { sql } from 'kysely';
import { seedAccess } from './modules/access/index.ts';
import { seedCare } from './modules/care/index.ts';
import { seedBaseline } from './modules/baseline/index.ts';
import { seedBeds } from './modules/beds/index.ts';
import { seedDirectory } from './modules/directory/index.ts';
import { seedEngagement } from './modules/engagement/index.ts';
import { type RunCache, seedFinance } from './modules/finance/index.ts';
import { seedMonitoring } from './modules/monitoring/index.ts';
import { seedOffer } from './modules/offer/index.ts';
import { refreshComputedIndicators, seedOutcomes } from './modules/outcomes/index.ts';
import { systemClock } from './platform/clock.ts';
import { seedPlaces } from './modules/places/index.ts';
import { seedScheduling } from './modules/scheduling/index.ts';
import { seedSilverTriage } from './modules/silvertriage/index.ts';
import { seedVirtualWards } from './modules/virtualwards/index.ts';
import { createUser, issueToken } from './platform/auth/identity.ts';
import { ROLE_LABELS, ROLES, systemActor } from './platform/auth/roles.ts';
import type { AnyDb, DatabaseEngine } from './platform/db/database.ts';
import { londonToday } from './platform/london-time.ts';

export const DEMO_SYSTEM = {
  id: 'QMJ',
  name: 'NHS North Central London Integrated Care Board',
  odsCode: 'QMJ',
} as const;
export const DEMO_PASSWORD = 'demo-password';

// Demo staff sit in a plausible organisation for their role (ODS codes from data/reference/facts.md).
const DEMO_ORGANISATION: Partial<Record<(typeof ROLES)[number], string>> = {
  spa: 'RKE',
  clinician: 'RKE',
  case_manager: 'RKE',
  coordinator: 'RYX',
  provider: 'RKE',
  commissioner: 'QMJ',
  analyst: 'QMJ',
  admin: 'QMJ',
  // North London NHS FT (CQC provider id, believed its ODS code: data/reference/ncl-facts.md).
  bed_manager: 'G6V2S',
};

export async function isSeeded(db: AnyDb): Promise<boolean> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'demo_data').executeTakeFirst();
  return !!row;
}

export async function isDemoMode(db: AnyDb, engine: DatabaseEngine): Promise<boolean> {
  return engine === 'pglite' && (await isSeeded(db));
}

export type SeedReport = { users: number; tokens: number };

/**
 * Seeds an empty database, all in one transaction: either everything is loaded or nothing is. The demo
 * referrals, the scheduling day and the computed indicators are placed relative to `now` (the app's clock;
 * tests pass a fixed instant so seeded and test data agree).
 */
export async function seedDemoData(
  db: AnyDb,
  engine: DatabaseEngine,
  now: Date = systemClock.now(),
  { financeRunCache }: { financeRunCache?: RunCache } = {},
): Promise<SeedReport> {
  if (await isSeeded(db)) return { users: 0, tokens: 0 };
  return db.transaction().execute(async (tx) => {
    await tx
      .insertInto('systems')
      .values({ id: DEMO_SYSTEM.id, name: DEMO_SYSTEM.name, ods_code: DEMO_SYSTEM.odsCode })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    for (const role of ROLES) {
      await createUser(tx, {
        systemId: DEMO_SYSTEM.id,
        username: role,
        displayName: `Demo ${ROLE_LABELS[role].toLowerCase()}`,
        role,
        organisationCode: DEMO_ORGANISATION[role] ?? null,
        password: DEMO_PASSWORD,
      });
    }
    await seedOffer(tx, DEMO_SYSTEM.id);
    await seedPlaces(tx, DEMO_SYSTEM.id);
    await seedDirectory(tx, DEMO_SYSTEM.id);
    await seedBaseline(tx, DEMO_SYSTEM.id);
    await seedOutcomes(tx, DEMO_SYSTEM.id);
    await seedAccess(tx, DEMO_SYSTEM.id, now);
    await seedScheduling(tx, DEMO_SYSTEM.id, londonToday(now));
    await seedVirtualWards(tx, DEMO_SYSTEM.id, { now });
    await seedSilverTriage(tx, DEMO_SYSTEM.id, { now });
    await seedBeds(tx, DEMO_SYSTEM.id, now);
    await seedCare(tx, DEMO_SYSTEM.id, { password: DEMO_PASSWORD, now });
    await refreshComputedIndicators(tx, systemActor(DEMO_SYSTEM.id), { now });
    await seedFinance(tx, DEMO_SYSTEM.id, now, { runCache: financeRunCache });
    await seedEngagement(tx, DEMO_SYSTEM.id, now);
    await seedMonitoring(tx, DEMO_SYSTEM.id, now);
    let tokens = 0;
    if (engine === 'pglite') {
      const actor = systemActor(DEMO_SYSTEM.id);
      for (const role of ROLES) {
        await issueToken(tx, actor, {
          label: `Demo token (${role})`,
          role,
          value: `demo-${role}`,
          organisationCode: DEMO_ORGANISATION[role],
        });
        tokens++;
      }
    }
    await tx
      .insertInto('settings')
      .values({
        key: 'demo_data',
        value: sql`${JSON.stringify({ loadedAt: now.toISOString(), engine })}::jsonb`,
      })
      .execute();
    return { users: ROLES.length, tokens };
  });
}
