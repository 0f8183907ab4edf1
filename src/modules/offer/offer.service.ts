// Commands and queries on the stored core offer. Every command takes the acting person, checks they may
// act, and writes its audit row in the same transaction as the change.
//
// The rules: at most one published version and one draft per integrated care system; a published version
// never changes (edits go into a draft copied from it); publishing a draft retires the version it replaces;
// an import is checked whole and becomes a draft only when every field is right.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { audit } from '../../platform/audit/audit.ts';
import { type Actor, systemActor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import {
  ConflictError,
  DomainError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { toCsv } from '../../platform/csv.ts';
import { londonToday } from '../../platform/london-time.ts';
import { diffOffers, type OfferDiff } from './offer.diff.ts';
import { loadOfferFolder, toCsvRows } from './offer.files.ts';
import type { Component, OfferDocument, OfferVersion } from './offer.ts';
import { COORDINATING_FUNCTIONS } from './offer.ts';
import * as repo from './offer.repository.ts';
import {
  validateComponent,
  validateOfferDocument,
  type ValidationError as OfferValidationError,
} from './offer.validate.ts';

export type { VersionListRow, VersionRow } from './offer.repository.ts';

/** The NCL demonstration offer, wherever the process was started from. */
export const NCL_OFFER_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../data/ncl/offer');

/** Roles that may change the offer. The system actor (seeding) may too. */
export const OFFER_EDITORS = ['commissioner'] as const;

function assertEditor(actor: Actor): void {
  if (actor.role !== 'system' && !(OFFER_EDITORS as readonly string[]).includes(actor.role)) {
    throw new ForbiddenError('Only commissioners can change the core offer');
  }
}

function toFields(errors: OfferValidationError[], prefix = ''): FieldError[] {
  return errors.map((e) => {
    const field = prefix && e.path ? `${prefix}.${e.path}` : prefix || e.path || 'body';
    return { field, message: e.message };
  });
}

/** A unique index refusing a second draft or published version becomes a 409 a person can act on. */
async function conflictOnUnique<T>(work: Promise<T>, message: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new ConflictError(message, 'offer_conflict');
    throw error;
  }
}

function versionOf(row: repo.VersionRow): OfferVersion {
  const { createdBy: _createdBy, ...version } = row;
  return version;
}

// Queries -----------------------------------------------------------------------------------------------

/** The published offer of a system, whole. Public information: residents read it without signing in. */
export async function getPublishedOffer(db: AnyDb, systemId: string): Promise<OfferDocument | null> {
  const version = await repo.findVersionByStatus(db, systemId, 'published');
  if (!version) return null;
  return { version: versionOf(version), components: await repo.listComponents(db, version.id) };
}

/** One component of the published offer, with the version it belongs to. */
export async function getPublishedComponent(
  db: AnyDb,
  systemId: string,
  code: string,
): Promise<{ version: OfferVersion; component: Component } | null> {
  const version = await repo.findVersionByStatus(db, systemId, 'published');
  if (!version) return null;
  const component = await repo.findComponent(db, version.id, code);
  return component ? { version: versionOf(version), component } : null;
}

export async function listVersions(db: AnyDb, actor: Actor): Promise<repo.VersionListRow[]> {
  return repo.listVersions(db, actor.systemId);
}

/** The system's draft, if it has one. */
export async function getDraft(db: AnyDb, actor: Actor): Promise<repo.VersionRow | null> {
  return repo.findVersionByStatus(db, actor.systemId, 'draft');
}

async function requireVersion(db: AnyDb, actor: Actor, ref: string): Promise<repo.VersionRow> {
  const version = await repo.findVersion(db, actor.systemId, ref);
  if (!version) throw new NotFoundError('Offer version');
  return version;
}

/** A version (by id or number) with its components, and who created it. */
export async function getVersion(
  db: AnyDb,
  actor: Actor,
  ref: string,
): Promise<{ version: repo.VersionRow; components: Component[] }> {
  const version = await requireVersion(db, actor, ref);
  return { version, components: await repo.listComponents(db, version.id) };
}

export async function getVersionComponent(
  db: AnyDb,
  actor: Actor,
  ref: string,
  code: string,
): Promise<{ version: repo.VersionRow; component: Component }> {
  const version = await requireVersion(db, actor, ref);
  const component = await repo.findComponent(db, version.id, code);
  if (!component) throw new NotFoundError('Component');
  return { version, component };
}

/** The offer as a document (import and export shape), without who created it. */
export async function exportVersion(db: AnyDb, actor: Actor, ref: string): Promise<OfferDocument> {
  const { version, components } = await getVersion(db, actor, ref);
  return { version: versionOf(version), components };
}

/** One row per component × age group × urgency, as CSV text. */
export async function exportVersionCsv(db: AnyDb, actor: Actor, ref: string): Promise<string> {
  return toCsv(toCsvRows(await exportVersion(db, actor, ref)));
}

/** What changed from version a to version b (a is "before"). */
export async function diffVersions(
  db: AnyDb,
  actor: Actor,
  a: string,
  b: string,
): Promise<{ before: OfferVersion; after: OfferVersion; diff: OfferDiff }> {
  const before = await exportVersion(db, actor, a);
  const after = await exportVersion(db, actor, b);
  return { before: before.version, after: after.version, diff: diffOffers(before, after) };
}

// Commands ----------------------------------------------------------------------------------------------

export type DraftDetails = { effectiveFrom?: string; changeNotes?: string };

function checkDetails(details: DraftDetails): FieldError[] {
  const fields: FieldError[] = [];
  if (details.effectiveFrom !== undefined) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(details.effectiveFrom);
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
    if (!m || !d || d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1) {
      fields.push({ field: 'effectiveFrom', message: 'Enter a real date as YYYY-MM-DD, such as 2026-04-01' });
    }
  }
  if (details.changeNotes !== undefined && details.changeNotes.length > 5000) {
    fields.push({ field: 'changeNotes', message: 'Change notes must be 5,000 characters or fewer' });
  }
  return fields;
}

/** Starts a draft copied from the published version. Refused while another draft is open. */
export async function createDraft(db: AnyDb, actor: Actor, details: DraftDetails = {}): Promise<repo.VersionRow> {
  assertEditor(actor);
  const fields = checkDetails(details);
  if (fields.length) throw new ValidationError(fields);
  return inTransaction(db, async (tx) => {
    const existing = await repo.findVersionByStatus(tx, actor.systemId, 'draft');
    if (existing) {
      throw new ConflictError(
        `Version ${existing.number} is already a draft: edit it, publish it or discard it first`,
        'draft_exists',
      );
    }
    const published = await repo.findVersionByStatus(tx, actor.systemId, 'published');
    if (!published)
      throw new ConflictError('There is no published offer to copy: import an offer instead', 'no_published_offer');
    const draft = await conflictOnUnique(
      repo.insertDraft(tx, {
        systemId: actor.systemId,
        number: await repo.nextVersionNumber(tx, actor.systemId),
        effectiveFrom: details.effectiveFrom ?? londonToday(),
        changeNotes: details.changeNotes?.trim() ?? '',
        createdBy: actor.name,
      }),
      'Another draft was started at the same time: open the draft that exists',
    );
    await repo.copyComponents(tx, published.id, draft.id);
    await audit(tx, actor, {
      action: 'offer.draft.create',
      recordType: 'offer_version',
      recordId: draft.id,
      detail: { number: draft.number, copiedFrom: published.number },
    });
    return draft;
  });
}

async function requireDraft(tx: AnyDb, actor: Actor, ref: string): Promise<repo.VersionRow> {
  const version = await repo.findVersion(tx, actor.systemId, ref, { lock: true });
  if (!version) throw new NotFoundError('Offer version');
  if (version.status !== 'draft') {
    throw new ConflictError(
      `Version ${version.number} is ${version.status} and cannot be changed: start a draft to make changes`,
      'version_not_draft',
    );
  }
  return version;
}

export async function updateDraftDetails(
  db: AnyDb,
  actor: Actor,
  ref: string,
  details: Required<DraftDetails>,
): Promise<repo.VersionRow> {
  assertEditor(actor);
  const fields = checkDetails(details);
  if (fields.length) throw new ValidationError(fields);
  return inTransaction(db, async (tx) => {
    const draft = await requireDraft(tx, actor, ref);
    await repo.updateDraftDetails(tx, draft.id, {
      effectiveFrom: details.effectiveFrom,
      changeNotes: details.changeNotes.trim(),
    });
    await audit(tx, actor, {
      action: 'offer.draft.details',
      recordType: 'offer_version',
      recordId: draft.id,
      detail: { number: draft.number, effectiveFrom: details.effectiveFrom },
    });
    return { ...draft, effectiveFrom: details.effectiveFrom, changeNotes: details.changeNotes.trim() };
  });
}

function checkComponent(input: unknown): Component {
  const checked = validateComponent(input);
  if (!checked.ok)
    throw new ValidationError(toFields(checked.errors), 'The component has problems: each is listed by field');
  return checked.value;
}

/**
 * Replaces a component of a draft with `input`, validated whole. With `allowCreate` a component the draft
 * does not hold yet is added. Returns the stored component and whether it was created.
 */
export async function putDraftComponent(
  db: AnyDb,
  actor: Actor,
  ref: string,
  code: string,
  input: unknown,
  { allowCreate = false } = {},
): Promise<{ component: Component; created: boolean }> {
  assertEditor(actor);
  const component = checkComponent(input);
  if (component.code !== code) {
    throw new ValidationError([
      {
        field: 'code',
        message: `The code must stay ${code}: to rename a code, add a new component and remove this one`,
      },
    ]);
  }
  return inTransaction(db, async (tx) => {
    const draft = await requireDraft(tx, actor, ref);
    const before = await repo.findComponent(tx, draft.id, code);
    if (!before && !allowCreate) throw new NotFoundError('Component');
    if (before) await repo.replaceComponent(tx, draft.id, component);
    else await repo.appendComponent(tx, draft.id, component);
    await audit(tx, actor, {
      action: before ? 'offer.component.update' : 'offer.component.add',
      recordType: 'offer_component',
      recordId: `${draft.id}/${code}`,
      detail: { version: draft.number, code },
    });
    return { component, created: !before };
  });
}

/** Adds a new component to a draft; refused when the code is taken. */
export async function addDraftComponent(db: AnyDb, actor: Actor, ref: string, input: unknown): Promise<Component> {
  assertEditor(actor);
  const component = checkComponent(input);
  return inTransaction(db, async (tx) => {
    const draft = await requireDraft(tx, actor, ref);
    if (await repo.findComponent(tx, draft.id, component.code)) {
      throw new ValidationError([
        { field: 'code', message: `Use a different code: ${component.code} is already in this draft` },
      ]);
    }
    await repo.appendComponent(tx, draft.id, component);
    await audit(tx, actor, {
      action: 'offer.component.add',
      recordType: 'offer_component',
      recordId: `${draft.id}/${component.code}`,
      detail: { version: draft.number, code: component.code },
    });
    return component;
  });
}

/** Removes a component from a draft. The three coordinating functions cannot be removed. */
export async function removeDraftComponent(db: AnyDb, actor: Actor, ref: string, code: string): Promise<void> {
  assertEditor(actor);
  const fn = COORDINATING_FUNCTIONS.find((f) => f.code === code);
  if (fn)
    throw new ConflictError(
      `${fn.name} is a coordinating function: every offer must include it`,
      'coordinating_function',
    );
  await inTransaction(db, async (tx) => {
    const draft = await requireDraft(tx, actor, ref);
    if (!(await repo.deleteComponent(tx, draft.id, code))) throw new NotFoundError('Component');
    await audit(tx, actor, {
      action: 'offer.component.remove',
      recordType: 'offer_component',
      recordId: `${draft.id}/${code}`,
      detail: { version: draft.number, code },
    });
  });
}

/**
 * Publishes a draft: the whole offer is validated again, the published version it replaces is retired,
 * and the draft becomes the published version, all in one transaction.
 */
export async function publishDraft(
  db: AnyDb,
  actor: Actor,
  ref: string,
): Promise<{ published: repo.VersionRow; retired: repo.VersionRow | null }> {
  assertEditor(actor);
  return inTransaction(db, async (tx) => {
    const draft = await requireDraft(tx, actor, ref);
    const components = await repo.listComponents(tx, draft.id);
    const now = new Date();
    const checked = validateOfferDocument({
      version: { ...versionOf(draft), status: 'published', publishedAt: now.toISOString() },
      components,
    });
    if (!checked.ok)
      throw new ValidationError(toFields(checked.errors), 'The draft cannot be published until these are fixed');
    const previous = await repo.findVersionByStatus(tx, actor.systemId, 'published');
    if (previous) await repo.setStatus(tx, previous.id, 'published', 'retired');
    const ok = await conflictOnUnique(
      repo.setStatus(tx, draft.id, 'draft', 'published', now),
      'Another version was published at the same time: reload and try again',
    );
    if (!ok) throw new ConflictError('The draft changed while publishing: reload and try again', 'version_not_draft');
    await audit(tx, actor, {
      action: 'offer.publish',
      recordType: 'offer_version',
      recordId: draft.id,
      detail: { number: draft.number, retired: previous?.number ?? null, components: components.length },
    });
    return {
      published: { ...draft, status: 'published', publishedAt: now.toISOString() },
      retired: previous ? { ...previous, status: 'retired' } : null,
    };
  });
}

/** Deletes a draft and its components. */
export async function discardDraft(db: AnyDb, actor: Actor, ref: string): Promise<void> {
  assertEditor(actor);
  await inTransaction(db, async (tx) => {
    const draft = await requireDraft(tx, actor, ref);
    await repo.deleteDraft(tx, draft.id);
    await audit(tx, actor, {
      action: 'offer.draft.discard',
      recordType: 'offer_version',
      recordId: draft.id,
      detail: { number: draft.number },
    });
  });
}

/**
 * Imports a whole offer document (the shape exportVersion gives) as a new draft. All or nothing: every
 * problem is reported by field and nothing is stored unless the whole document is right. The document's
 * own id, number, status and dates are replaced: the import becomes the system's next draft. A document
 * without a version gets one.
 */
export async function importOffer(db: AnyDb, actor: Actor, input: unknown): Promise<repo.VersionRow> {
  assertEditor(actor);
  const today = londonToday();
  const placeholder: OfferVersion = {
    id: 'import',
    systemId: actor.systemId,
    number: 1,
    status: 'draft',
    effectiveFrom: today,
    changeNotes: '',
    createdAt: new Date().toISOString(),
    publishedAt: null,
  };
  const document =
    input && typeof input === 'object' && !Array.isArray(input) && !('version' in input)
      ? { version: placeholder, ...input }
      : input;
  const checked = validateOfferDocument(document);
  if (!checked.ok)
    throw new ValidationError(
      toFields(checked.errors),
      'Nothing was imported: fix each problem listed by field and import again',
    );
  const { version, components } = checked.value;
  return inTransaction(db, async (tx) => {
    const existing = await repo.findVersionByStatus(tx, actor.systemId, 'draft');
    if (existing) {
      throw new ConflictError(
        `Nothing was imported: version ${existing.number} is already a draft. Publish or discard it, then import again`,
        'draft_exists',
      );
    }
    const draft = await conflictOnUnique(
      repo.insertDraft(tx, {
        systemId: actor.systemId,
        number: await repo.nextVersionNumber(tx, actor.systemId),
        effectiveFrom: version.effectiveFrom,
        changeNotes: version.changeNotes,
        createdBy: actor.name,
      }),
      'Another draft was started at the same time: nothing was imported',
    );
    await repo.insertComponents(tx, draft.id, components);
    await audit(tx, actor, {
      action: 'offer.import',
      recordType: 'offer_version',
      recordId: draft.id,
      detail: { number: draft.number, components: components.length, sourceVersion: version.id },
    });
    return draft;
  });
}

/**
 * Loads the NCL offer folder as the system's published version 1, when the system has no offer yet.
 * Runs in the caller's transaction (the demo data loads all at once or not at all).
 */
export async function seedOffer(
  db: AnyDb,
  systemId: string,
  folder = NCL_OFFER_FOLDER,
): Promise<{ components: number }> {
  const actor = systemActor(systemId);
  const document = await loadOfferFolder(folder);
  return inTransaction(db, async (tx) => {
    if ((await repo.listVersions(tx, systemId)).length > 0) return { components: 0 };
    const draft = await repo.insertDraft(tx, {
      systemId,
      number: document.version.number,
      effectiveFrom: document.version.effectiveFrom,
      changeNotes: document.version.changeNotes,
      createdBy: actor.name,
      createdAt: document.version.createdAt,
    });
    await repo.insertComponents(tx, draft.id, document.components);
    const publishedAt = new Date(document.version.publishedAt ?? document.version.createdAt);
    if (!(await repo.setStatus(tx, draft.id, 'draft', 'published', publishedAt))) {
      throw new DomainError(500, 'seed_failed', 'The NCL offer could not be published');
    }
    await audit(tx, actor, {
      action: 'offer.seed',
      recordType: 'offer_version',
      recordId: draft.id,
      detail: { number: draft.number, components: document.components.length, folder },
    });
    return { components: document.components.length };
  });
}
