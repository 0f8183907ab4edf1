// Queries and commands on the stored places. Places are loaded from a checked file (loadPlaces); loading
// is audited in the same transaction.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { audit } from '../../platform/audit/audit.ts';
import { type Actor, systemActor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import { ForbiddenError } from '../../platform/errors.ts';
import { loadPlaces } from './places.load.ts';
import * as repo from './places.repository.ts';
import type { Place, PlacesDocument } from './places.ts';

/** The NCL demonstration places, wherever the process was started from. */
export const NCL_PLACES_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../data/ncl/places.json',
);

/** A system's places (boroughs), with population and need indicators. */
export function listPlaces(db: AnyDb, systemId: string): Promise<Place[]> {
  return repo.listPlaces(db, systemId);
}

/** Stores a checked places document for the actor's system; refused when the system already has places. */
export async function loadPlacesDocument(
  db: AnyDb,
  actor: Actor,
  document: PlacesDocument,
): Promise<{ places: number }> {
  if (actor.role !== 'system' && actor.role !== 'admin') throw new ForbiddenError('Only administrators load places');
  return inTransaction(db, async (tx) => {
    if ((await repo.countPlaces(tx, actor.systemId)) > 0) return { places: 0 };
    const places = document.places.map((p) => ({ ...p, systemId: actor.systemId }));
    await repo.insertPlaces(tx, actor.systemId, places);
    await audit(tx, actor, {
      action: 'places.load',
      recordType: 'places',
      recordId: actor.systemId,
      detail: { places: places.map((p) => p.code) },
    });
    return { places: places.length };
  });
}

/** Loads data/ncl/places.json (or another file) into an empty system. */
export async function seedPlaces(db: AnyDb, systemId: string, file = NCL_PLACES_FILE): Promise<{ places: number }> {
  return loadPlacesDocument(db, systemActor(systemId), await loadPlaces(file));
}
