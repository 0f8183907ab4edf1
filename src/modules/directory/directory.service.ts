// Queries and commands on the stored directory. Search ranks with the pure searchDirectory, reaching services
// through the words of the published offer (so "stammer" finds speech and language therapy); the referral
// hub routes with listRoutableServices. Loading is audited in the same transaction.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { audit } from '../../platform/audit/audit.ts';
import { type Actor, systemActor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import { ConflictError, ForbiddenError } from '../../platform/errors.ts';
import { randomUUID } from 'node:crypto';
import { getPublishedOffer } from '../offer/index.ts';
import { listPlaces } from '../places/index.ts';
import type { Directory, LocalAsset, RoutableService, Service } from './directory.ts';
import { loadDirectory } from './directory.load.ts';
import * as repo from './directory.repository.ts';
import { type ComponentTerms, type DirectoryHit, type DirectoryQuery, searchDirectory } from './directory.search.ts';

/** The NCL demonstration directory, wherever the process was started from. */
export const NCL_DIRECTORY_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../data/ncl/directory.json',
);

/** Every service of a system in the shape the referral router needs (components, ages, boroughs, routes). */
export function listRoutableServices(db: AnyDb, systemId: string): Promise<RoutableService[]> {
  return repo.listRoutable(db, systemId);
}

/**
 * When the system's directory (its organisations, sites and services) was loaded, or null when none is. The
 * directory keeps no change time per service: every service is as new as the load it came from.
 */
export function directoryLoadedAt(db: AnyDb, systemId: string): Promise<Date | null> {
  return repo.directoryLoadedAt(db, systemId);
}

/** The whole stored directory of a system, or null when none is loaded. */
export async function getDirectory(db: AnyDb, systemId: string): Promise<Directory | null> {
  const period = await repo.directoryPeriod(db, systemId);
  if (period === null) return null;
  const [organisations, sites, services, assets] = await Promise.all([
    repo.listOrganisations(db, systemId),
    repo.listSites(db, systemId),
    repo.listServices(db, systemId),
    repo.listAssets(db, systemId),
  ]);
  return { systemId, period, organisations, sites, services, assets };
}

/** The published offer's words for each component, for search. */
export async function componentTerms(db: AnyDb, systemId: string): Promise<ComponentTerms[]> {
  const offer = await getPublishedOffer(db, systemId);
  return (offer?.components ?? []).map((c) => ({
    code: c.code,
    name: c.name,
    synonyms: c.synonyms,
    conditions: c.conditions,
  }));
}

export type DirectorySearch = DirectoryQuery & { component?: string };
export type Paged<T> = { items: T[]; total: number; page: number; pageSize: number };

function page<T>(all: T[], pageNumber = 1, pageSize = 20): Paged<T> {
  const size = Math.min(100, Math.max(1, pageSize));
  const p = Math.max(1, pageNumber);
  return { items: all.slice((p - 1) * size, p * size), total: all.length, page: p, pageSize: size };
}

/** Services and local assets matching the query, best first (borough and component filtered in SQL). */
export async function searchStoredDirectory(
  db: AnyDb,
  systemId: string,
  query: DirectorySearch,
): Promise<DirectoryHit[]> {
  const [services, assets, components] = await Promise.all([
    repo.listServices(db, systemId, { borough: query.borough, component: query.component }),
    query.component ? Promise.resolve([]) : repo.listAssets(db, systemId, { borough: query.borough }),
    componentTerms(db, systemId),
  ]);
  return searchDirectory({ services, assets }, query, { components });
}

export async function searchServices(
  db: AnyDb,
  systemId: string,
  query: DirectorySearch,
  paging: { page?: number; pageSize?: number } = {},
): Promise<Paged<Service>> {
  const [services, components] = await Promise.all([
    repo.listServices(db, systemId, { borough: query.borough, component: query.component }),
    componentTerms(db, systemId),
  ]);
  const hits = searchDirectory({ services, assets: [] }, query, { components });
  return page(
    hits.map((h) => h.item as Service),
    paging.page,
    paging.pageSize,
  );
}

export async function searchAssets(
  db: AnyDb,
  systemId: string,
  query: DirectoryQuery,
  paging: { page?: number; pageSize?: number } = {},
): Promise<Paged<LocalAsset>> {
  const assets = await repo.listAssets(db, systemId, { borough: query.borough });
  const hits = searchDirectory({ services: [], assets }, query);
  return page(
    hits.map((h) => h.item as LocalAsset),
    paging.page,
    paging.pageSize,
  );
}

/** Stores a checked directory for the actor's system; refused when the system already has one. */
export async function loadDirectoryDocument(
  db: AnyDb,
  actor: Actor,
  directory: Directory,
): Promise<{ services: number }> {
  if (actor.role !== 'system' && actor.role !== 'admin')
    throw new ForbiddenError('Only administrators load the directory');
  return inTransaction(db, async (tx) => {
    if (await repo.hasDirectory(tx, actor.systemId)) return { services: 0 };
    await repo.insertDirectory(tx, actor.systemId, directory);
    await audit(tx, actor, {
      action: 'directory.load',
      recordType: 'directory',
      recordId: actor.systemId,
      detail: {
        period: directory.period,
        organisations: directory.organisations.length,
        services: directory.services.length,
        assets: directory.assets.length,
      },
    });
    return { services: directory.services.length };
  });
}

/** Loads data/ncl/directory.json into an empty system, checking boroughs against its places and components
 * against its published offer. */
export async function seedDirectory(
  db: AnyDb,
  systemId: string,
  file = NCL_DIRECTORY_FILE,
): Promise<{ services: number }> {
  const [places, offer] = await Promise.all([listPlaces(db, systemId), getPublishedOffer(db, systemId)]);
  const directory = await loadDirectory(file, {
    ...(places.length ? { boroughs: places.map((p) => p.code) } : {}),
    ...(offer ? { components: offer.components.map((c) => c.code) } : {}),
  });
  return loadDirectoryDocument(db, systemActor(systemId), directory);
}

/**
 * Imports local assets from a published feed (the interop module maps an Open Referral UK feed to them), all
 * or nothing in one transaction: importing the same source again replaces what it brought before, and an
 * import may not overwrite an asset from anywhere else. Administrators and analysts (issue 15: an analyst
 * imports a council's or voluntary organisation's feed); audited.
 */
export async function importLocalAssets(
  db: AnyDb,
  actor: Actor,
  input: { source: string; format: string; assets: LocalAsset[] },
  o: { now: Date; requestId?: string },
): Promise<{ importId: string; imported: number; replaced: number }> {
  if (actor.role !== 'admin' && actor.role !== 'analyst' && actor.role !== 'system')
    throw new ForbiddenError('Only an administrator or an analyst can import into the directory');
  return inTransaction(db, async (tx) => {
    const clash = await repo.assetIdsNotFrom(
      tx,
      actor.systemId,
      input.assets.map((a) => a.id),
      input.source,
    );
    if (clash.length)
      throw new ConflictError(`These records are already in the directory from elsewhere: ${clash.join(', ')}`);
    const id = randomUUID();
    const { replaced } = await repo.replaceImportedAssets(
      tx,
      actor.systemId,
      { id, source: input.source, format: input.format, importedBy: actor.id, at: o.now },
      input.assets,
    );
    await audit(tx, actor, {
      action: 'directory.import',
      recordType: 'directory_import',
      recordId: id,
      requestId: o.requestId,
      detail: { source: input.source, format: input.format, imported: input.assets.length, replaced },
    });
    return { importId: id, imported: input.assets.length, replaced };
  });
}
