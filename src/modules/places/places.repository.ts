// The places module's SQL, and only its SQL: places, place_populations and place_needs. Rows map to the
// domain's Place; places.service.ts decides what may happen.
import type { AnyDb } from '../../platform/db/database.ts';
import type { FigureSource, NeedIndicator, Place, PopulationFigure, PopulationGroup } from './places.ts';

function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

const provenance = (f: { source?: FigureSource; illustrative?: boolean }) => ({
  illustrative: f.illustrative === true,
  source: f.source ? JSON.stringify(f.source) : null,
});

export async function insertPlaces(db: AnyDb, systemId: string, places: readonly Place[]): Promise<void> {
  if (places.length === 0) return;
  await db
    .insertInto('places')
    .values(places.map((p, i) => ({ system_id: systemId, code: p.code, name: p.name, position: i })))
    .execute();
  const populations = places.flatMap((p) =>
    (Object.entries(p.population) as [PopulationGroup, PopulationFigure][]).map(([group, f]) => ({
      system_id: systemId,
      place_code: p.code,
      population_group: group,
      value: f.value,
      note: f.note ?? null,
      ...provenance(f),
    })),
  );
  if (populations.length) await db.insertInto('place_populations').values(populations).execute();
  const needs = places.flatMap((p) =>
    p.needs.map((n, i) => ({
      system_id: systemId,
      place_code: p.code,
      code: n.code,
      name: n.name,
      value: n.value,
      unit: n.unit,
      direction: n.direction,
      note: n.note ?? null,
      position: i,
      ...provenance(n),
    })),
  );
  if (needs.length) await db.insertInto('place_needs').values(needs).execute();
}

export async function countPlaces(db: AnyDb, systemId: string): Promise<number> {
  const r = await db
    .selectFrom('places')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('system_id', '=', systemId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// biome-ignore lint/suspicious/noExplicitAny: rows from the untyped module view
function figure(r: any): { source?: FigureSource; illustrative?: boolean; note?: string } {
  return {
    ...(r.source ? { source: parseJson<FigureSource>(r.source) } : {}),
    ...(r.illustrative ? { illustrative: true } : {}),
    ...(r.note ? { note: r.note } : {}),
  };
}

/** Every place of a system, in the order they were loaded, with population and needs. */
export async function listPlaces(db: AnyDb, systemId: string): Promise<Place[]> {
  const [places, populations, needs] = await Promise.all([
    db.selectFrom('places').selectAll().where('system_id', '=', systemId).orderBy('position').execute(),
    db.selectFrom('place_populations').selectAll().where('system_id', '=', systemId).execute(),
    db
      .selectFrom('place_needs')
      .selectAll()
      .where('system_id', '=', systemId)
      .orderBy('place_code')
      .orderBy('position')
      .execute(),
  ]);
  return places.map((p) => ({
    code: p.code,
    name: p.name,
    systemId,
    population: Object.fromEntries(
      populations
        .filter((x) => x.place_code === p.code)
        .map((x) => [x.population_group, { value: Number(x.value), ...figure(x) }]),
    ) as Place['population'],
    needs: needs
      .filter((n) => n.place_code === p.code)
      .map(
        (n): NeedIndicator => ({
          code: n.code,
          name: n.name,
          value: Number(n.value),
          unit: n.unit,
          direction: n.direction,
          ...figure(n),
        }),
      ),
  }));
}
