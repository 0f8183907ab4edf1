// Builds the finance model's input from the seeded NCL demo database, and scaled copies of it (n × the
// boroughs, each a renamed copy of the NCL ones) for the benchmark.
import { analysisData, gapsOf, variationOf } from '../src/modules/baseline/index.ts';
import type { ModelInput } from '../src/modules/finance/index.ts';
import { migrations } from '../src/migrations.ts';
import { openPGlite } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { seedDemoData, DEMO_SYSTEM } from '../src/seed.ts';

export async function nclInput(): Promise<ModelInput> {
  const database = await openPGlite();
  try {
    await migrateToLatest(database.db, migrations);
    await seedDemoData(database.db, 'pglite');
    const data = await analysisData(database.db, DEMO_SYSTEM.id);
    return {
      boroughs: data.places.map((p) => ({ code: p.code, name: p.name })),
      components: data.components,
      gaps: gapsOf(data),
      variation: variationOf(data),
      rows: data.rows,
    };
  } finally {
    await database.close();
  }
}

/** n copies of every borough (codes suffixed), so 42 × NCL has 210 boroughs. */
export function scaled(input: ModelInput, n: number): ModelInput {
  if (n === 1) return input;
  const copy = <T extends { borough: string }>(xs: readonly T[]) =>
    Array.from({ length: n }, (_, k) =>
      xs.map((x) => (x.borough === 'system' ? x : { ...x, borough: `${x.borough}-${k}` })),
    ).flat();
  return {
    boroughs: Array.from({ length: n }, (_, k) =>
      input.boroughs.map((b) => ({ code: `${b.code}-${k}`, name: `${b.name} ${k}` })),
    ).flat(),
    components: input.components,
    gaps: copy(input.gaps),
    variation: copy(input.variation.filter((v) => v.borough !== 'system')),
    rows: copy(input.rows),
  };
}
