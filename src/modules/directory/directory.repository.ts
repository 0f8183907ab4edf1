// The directory module's SQL, and only its SQL. Rows map to the domain's types; directory.service.ts decides
// what may happen.
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type { Contact, Directory, LocalAsset, Organisation, RoutableService, Service, Site } from './directory.ts';

function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

export async function hasDirectory(db: AnyDb, systemId: string): Promise<boolean> {
  return !!(await db
    .selectFrom('directories')
    .select('system_id')
    .where('system_id', '=', systemId)
    .executeTakeFirst());
}

export async function insertDirectory(db: AnyDb, systemId: string, d: Directory): Promise<void> {
  await db.insertInto('directories').values({ system_id: systemId, period: d.period }).execute();
  if (d.organisations.length)
    await db
      .insertInto('directory_organisations')
      .values(
        d.organisations.map((o) => ({
          system_id: systemId,
          code: o.code,
          name: o.name,
          kind: o.kind,
          boroughs: json(o.boroughs),
          note: o.note ?? null,
          illustrative: o.illustrative === true,
        })),
      )
      .execute();
  if (d.sites.length)
    await db
      .insertInto('directory_sites')
      .values(
        d.sites.map((s) => ({
          system_id: systemId,
          id: s.id,
          name: s.name,
          organisation_code: s.organisationCode,
          address: s.address,
          postcode: s.postcode,
          borough: s.borough,
          note: s.note ?? null,
          illustrative: s.illustrative === true,
        })),
      )
      .execute();
  for (let i = 0; i < d.services.length; i += 200) {
    await db
      .insertInto('directory_services')
      .values(
        d.services.slice(i, i + 200).map((s, j) => ({
          system_id: systemId,
          id: s.id,
          position: i + j,
          name: s.name,
          organisation_code: s.organisationCode,
          component_codes: json(s.componentCodes),
          age_groups: json(s.ageGroups),
          boroughs: json(s.boroughs),
          hours: s.hours,
          access_routes: json(s.accessRoutes),
          contact: json(s.contact),
          description: s.description ?? null,
          site_ids: json(s.siteIds),
          illustrative: s.illustrative === true,
        })),
      )
      .execute();
  }
  if (d.assets.length)
    await db
      .insertInto('directory_assets')
      .values(
        d.assets.map((a, i) => ({
          system_id: systemId,
          id: a.id,
          position: i,
          name: a.name,
          description: a.description,
          kind: a.kind,
          organisation_code: a.organisationCode ?? null,
          needs: json(a.needs),
          boroughs: json(a.boroughs),
          age_groups: json(a.ageGroups),
          contact: json(a.contact),
          illustrative: a.illustrative === true,
        })),
      )
      .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: rows from the untyped module view
function toService(r: any): Service {
  return {
    id: r.id,
    name: r.name,
    organisationCode: r.organisation_code,
    componentCodes: parseJson(r.component_codes),
    ageGroups: parseJson(r.age_groups),
    boroughs: parseJson(r.boroughs),
    hours: r.hours,
    accessRoutes: parseJson(r.access_routes),
    contact: parseJson<Contact>(r.contact),
    ...(r.description ? { description: r.description } : {}),
    ...(r.site_ids ? { siteIds: parseJson<string[]>(r.site_ids) } : {}),
    ...(r.illustrative ? { illustrative: true } : {}),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: rows from the untyped module view
function toAsset(r: any): LocalAsset {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    ...(r.organisation_code ? { organisationCode: r.organisation_code } : {}),
    needs: parseJson(r.needs),
    boroughs: parseJson(r.boroughs),
    ...(r.age_groups ? { ageGroups: parseJson(r.age_groups) } : {}),
    contact: parseJson<Contact>(r.contact),
    ...(r.illustrative ? { illustrative: true } : {}),
  };
}

export type ServiceFilter = { borough?: string; component?: string };

/** Services of a system, optionally only those serving a borough or delivering a component. */
export async function listServices(db: AnyDb, systemId: string, filter: ServiceFilter = {}): Promise<Service[]> {
  let q = db.selectFrom('directory_services').selectAll().where('system_id', '=', systemId);
  if (filter.borough) q = q.where(sql<boolean>`boroughs @> ${JSON.stringify([filter.borough])}::jsonb`);
  if (filter.component) q = q.where(sql<boolean>`component_codes @> ${JSON.stringify([filter.component])}::jsonb`);
  return (await q.orderBy('position').execute()).map(toService);
}

/** The fields the referral router needs, and nothing else. */
export async function listRoutable(db: AnyDb, systemId: string): Promise<RoutableService[]> {
  const rows = await db
    .selectFrom('directory_services')
    .select(['id', 'name', 'organisation_code', 'component_codes', 'age_groups', 'boroughs', 'access_routes'])
    .where('system_id', '=', systemId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    organisationCode: r.organisation_code,
    componentCodes: parseJson(r.component_codes),
    ageGroups: parseJson(r.age_groups),
    boroughs: parseJson(r.boroughs),
    accessRoutes: parseJson(r.access_routes),
  }));
}

export async function listAssets(
  db: AnyDb,
  systemId: string,
  filter: { borough?: string } = {},
): Promise<LocalAsset[]> {
  let q = db.selectFrom('directory_assets').selectAll().where('system_id', '=', systemId);
  if (filter.borough) q = q.where(sql<boolean>`boroughs @> ${JSON.stringify([filter.borough])}::jsonb`);
  return (await q.orderBy('position').execute()).map(toAsset);
}

export async function listOrganisations(db: AnyDb, systemId: string): Promise<Organisation[]> {
  const rows = await db
    .selectFrom('directory_organisations')
    .selectAll()
    .where('system_id', '=', systemId)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    kind: r.kind,
    ...(r.boroughs ? { boroughs: parseJson<string[]>(r.boroughs) } : {}),
    ...(r.note ? { note: r.note } : {}),
    ...(r.illustrative ? { illustrative: true } : {}),
  }));
}

export async function listSites(db: AnyDb, systemId: string): Promise<Site[]> {
  const rows = await db
    .selectFrom('directory_sites')
    .selectAll()
    .where('system_id', '=', systemId)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    organisationCode: r.organisation_code,
    address: r.address,
    postcode: r.postcode,
    borough: r.borough,
    ...(r.note ? { note: r.note } : {}),
    ...(r.illustrative ? { illustrative: true } : {}),
  }));
}

/** When the system's directory was loaded (every service in it came from that load), or null. */
export async function directoryLoadedAt(db: AnyDb, systemId: string): Promise<Date | null> {
  const r = await db.selectFrom('directories').select('loaded_at').where('system_id', '=', systemId).executeTakeFirst();
  if (!r) return null;
  const v = r.loaded_at as unknown;
  return v instanceof Date ? v : new Date(String(v));
}

export async function directoryPeriod(db: AnyDb, systemId: string): Promise<string | null> {
  const r = await db.selectFrom('directories').select('period').where('system_id', '=', systemId).executeTakeFirst();
  return r?.period ?? null;
}

/** Replaces the assets an earlier import of `source` brought with these, and records the import. */
export async function replaceImportedAssets(
  db: AnyDb,
  systemId: string,
  imp: { id: string; source: string; format: string; importedBy: string; at: Date },
  assets: LocalAsset[],
): Promise<{ replaced: number }> {
  const gone = await db
    .deleteFrom('directory_assets')
    .where('system_id', '=', systemId)
    .where('import_source', '=', imp.source)
    .executeTakeFirst();
  const last = await db
    .selectFrom('directory_assets')
    .select(sql<number>`coalesce(max(position), -1)`.as('p'))
    .where('system_id', '=', systemId)
    .executeTakeFirst();
  const start = Number(last?.p ?? -1) + 1;
  if (assets.length)
    await db
      .insertInto('directory_assets')
      .values(
        assets.map((a, i) => ({
          system_id: systemId,
          id: a.id,
          position: start + i,
          name: a.name,
          description: a.description,
          kind: a.kind,
          organisation_code: a.organisationCode ?? null,
          needs: json(a.needs),
          boroughs: json(a.boroughs),
          age_groups: json(a.ageGroups),
          contact: json(a.contact),
          illustrative: a.illustrative === true,
          import_source: imp.source,
        })),
      )
      .execute();
  await db
    .insertInto('directory_imports')
    .values({
      id: imp.id,
      system_id: systemId,
      source: imp.source,
      format: imp.format,
      records: assets.length,
      imported_by: imp.importedBy,
      imported_at: imp.at,
    })
    .execute();
  return { replaced: Number(gone.numDeletedRows) };
}

/** Ids of assets that exist already and did not come from `source` (an import may not overwrite them). */
export async function assetIdsNotFrom(db: AnyDb, systemId: string, ids: string[], source: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('directory_assets')
    .select('id')
    .where('system_id', '=', systemId)
    .where('id', 'in', ids)
    .where((eb) => eb.or([eb('import_source', 'is', null), eb('import_source', '<>', source)]))
    .execute();
  return rows.map((r) => r.id as string);
}
