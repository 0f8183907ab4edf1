// The offer module's SQL, and only its SQL: offer_versions and offer_components. No rules here beyond
// mapping rows to the domain's types; offer.service.ts decides what may happen.
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type { Component, OfferStatus, OfferVersion } from './offer.ts';

export type VersionRow = OfferVersion & { createdBy: string | null };
export type VersionListRow = VersionRow & { componentCount: number };

// biome-ignore lint/suspicious/noExplicitAny: rows from the untyped module view
function toVersion(r: any): VersionRow {
  return {
    id: r.id,
    systemId: r.system_id,
    number: Number(r.number),
    status: r.status,
    effectiveFrom: r.effective_from,
    changeNotes: r.change_notes,
    createdAt: new Date(r.created_at).toISOString(),
    publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
    createdBy: r.created_by ?? null,
  };
}

function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A version by its id (uuid) or its number within the system ("2"). With `lock`, the row stays locked until
 * the transaction ends, so a publish and an edit of the same draft happen one after the other.
 */
export async function findVersion(
  db: AnyDb,
  systemId: string,
  ref: string,
  { lock = false } = {},
): Promise<VersionRow | null> {
  let q = db.selectFrom('offer_versions').selectAll().where('system_id', '=', systemId);
  if (/^\d{1,9}$/.test(ref)) q = q.where('number', '=', Number(ref));
  else if (UUID.test(ref)) q = q.where('id', '=', ref);
  else return null;
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toVersion(row) : null;
}

export async function findVersionByStatus(
  db: AnyDb,
  systemId: string,
  status: OfferStatus,
): Promise<VersionRow | null> {
  const row = await db
    .selectFrom('offer_versions')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('status', '=', status)
    .orderBy('number', 'desc')
    .executeTakeFirst();
  return row ? toVersion(row) : null;
}

/** Newest first, with how many components each holds. */
export async function listVersions(db: AnyDb, systemId: string): Promise<VersionListRow[]> {
  const rows = await db
    .selectFrom('offer_versions as v')
    .selectAll('v')
    .select(sql<number>`(select count(*)::int from offer_components c where c.version_id = v.id)`.as('component_count'))
    .where('v.system_id', '=', systemId)
    .orderBy('v.number', 'desc')
    .execute();
  return rows.map((r) => ({ ...toVersion(r), componentCount: Number(r.component_count) }));
}

export async function nextVersionNumber(db: AnyDb, systemId: string): Promise<number> {
  const row = await db
    .selectFrom('offer_versions')
    .select(sql<number>`coalesce(max(number), 0)::int + 1`.as('next'))
    .where('system_id', '=', systemId)
    .executeTakeFirstOrThrow();
  return Number(row.next);
}

export type NewVersion = {
  systemId: string;
  number: number;
  effectiveFrom: string;
  changeNotes: string;
  createdBy: string | null;
  createdAt?: string;
};

/** Inserts a draft; publishing is a separate step. */
export async function insertDraft(db: AnyDb, v: NewVersion): Promise<VersionRow> {
  const row = await db
    .insertInto('offer_versions')
    .values({
      system_id: v.systemId,
      number: v.number,
      status: 'draft',
      effective_from: v.effectiveFrom,
      change_notes: v.changeNotes,
      created_by: v.createdBy,
      ...(v.createdAt ? { created_at: new Date(v.createdAt) } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toVersion(row);
}

export async function updateDraftDetails(
  db: AnyDb,
  id: string,
  details: { effectiveFrom: string; changeNotes: string },
): Promise<void> {
  await db
    .updateTable('offer_versions')
    .set({ effective_from: details.effectiveFrom, change_notes: details.changeNotes })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .execute();
}

export async function setStatus(
  db: AnyDb,
  id: string,
  from: OfferStatus,
  to: OfferStatus,
  publishedAt?: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('offer_versions')
    .set({ status: to, ...(publishedAt ? { published_at: publishedAt } : {}) })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteDraft(db: AnyDb, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('offer_versions')
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

// Components ------------------------------------------------------------------------------------------

function componentValues(versionId: string, component: Component, position: number) {
  return {
    version_id: versionId,
    code: component.code,
    position,
    name: component.name,
    category: component.category,
    domain: component.domain,
    kind: component.kind,
    data: JSON.stringify(component),
  };
}

export async function insertComponents(
  db: AnyDb,
  versionId: string,
  components: Component[],
  firstPosition = 0,
): Promise<void> {
  // In batches, so a large offer stays well inside the parameter limit.
  for (let i = 0; i < components.length; i += 100) {
    const batch = components.slice(i, i + 100).map((c, j) => componentValues(versionId, c, firstPosition + i + j));
    await db.insertInto('offer_components').values(batch).execute();
  }
}

/** Copies every component of one version into another, in the database. */
export async function copyComponents(db: AnyDb, fromVersionId: string, toVersionId: string): Promise<void> {
  await sql`
    insert into offer_components (version_id, code, position, name, category, domain, kind, data)
    select ${toVersionId}::uuid, code, position, name, category, domain, kind, data
      from offer_components where version_id = ${fromVersionId}::uuid`.execute(db);
}

export async function listComponents(db: AnyDb, versionId: string): Promise<Component[]> {
  const rows = await db
    .selectFrom('offer_components')
    .select('data')
    .where('version_id', '=', versionId)
    .orderBy('position')
    .orderBy('code')
    .execute();
  return rows.map((r) => parseJson<Component>(r.data));
}

export async function findComponent(db: AnyDb, versionId: string, code: string): Promise<Component | null> {
  const row = await db
    .selectFrom('offer_components')
    .select('data')
    .where('version_id', '=', versionId)
    .where('code', '=', code)
    .executeTakeFirst();
  return row ? parseJson<Component>(row.data) : null;
}

export async function replaceComponent(db: AnyDb, versionId: string, component: Component): Promise<boolean> {
  const { version_id: _v, code: _c, position: _p, ...values } = componentValues(versionId, component, 0);
  const result = await db
    .updateTable('offer_components')
    .set(values)
    .where('version_id', '=', versionId)
    .where('code', '=', component.code)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function appendComponent(db: AnyDb, versionId: string, component: Component): Promise<void> {
  const row = await db
    .selectFrom('offer_components')
    .select(sql<number>`coalesce(max(position), -1)::int + 1`.as('next'))
    .where('version_id', '=', versionId)
    .executeTakeFirstOrThrow();
  await insertComponents(db, versionId, [component], Number(row.next));
}

export async function deleteComponent(db: AnyDb, versionId: string, code: string): Promise<boolean> {
  const result = await db
    .deleteFrom('offer_components')
    .where('version_id', '=', versionId)
    .where('code', '=', code)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
