// Importing an Open Referral UK feed into the directory: the feed as sent, or fetched from its URL (every page
// of a paged feed), checked against ORUK's compiled schemas, mapped to local assets and stored by the
// directory module all or nothing. Administrators only. A refused import is audited with its problems' fields.
import { audit } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { DomainError, ForbiddenError, ValidationError } from '../../platform/errors.ts';
import { importLocalAssets } from '../directory/index.ts';
import { listPlaces } from '../places/index.ts';
import { checkOrukFeed, orukToAssets } from './oruk-import.ts';

export type OrukImportInput = {
  url?: string;
  feed?: unknown;
  source?: string;
  kind?: 'voluntary' | 'council';
  boroughs?: string[];
  illustrative?: boolean;
};

const MAX_BYTES = 5_000_000;
const MAX_PAGES = 50;

async function getJson(url: URL, fetcher: typeof fetch): Promise<unknown> {
  let res: Response;
  try {
    res = await fetcher(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
  } catch (e) {
    throw new ValidationError([
      { field: 'url', message: `The feed could not be fetched from ${url.origin}: ${(e as Error).message}` },
    ]);
  }
  if (!res.ok) throw new ValidationError([{ field: 'url', message: `The feed answered ${res.status}, not 200` }]);
  const text = await res.text();
  if (text.length > MAX_BYTES) throw new ValidationError([{ field: 'url', message: 'The feed is larger than 5 MB' }]);
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError([{ field: 'url', message: 'The feed is not JSON' }]);
  }
}

/** Fetches a feed, following its pages (`page`, as ORUK's API has it) when it says there are more. */
export async function fetchOrukFeed(address: string, fetcher: typeof fetch = fetch): Promise<unknown> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ValidationError([{ field: 'url', message: 'Enter the feed’s address, starting https://' }]);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ValidationError([{ field: 'url', message: 'The feed’s address must start https:// or http://' }]);
  const first = (await getJson(url, fetcher)) as { contents?: unknown[]; total_pages?: number };
  if (!first || !Array.isArray(first.contents) || !(Number(first.total_pages) > 1)) return first;
  const pages = Math.min(Number(first.total_pages), MAX_PAGES);
  const contents = [...first.contents];
  for (let n = 2; n <= pages; n++) {
    const next = new URL(url);
    next.searchParams.set('page', String(n));
    const page = (await getJson(next, fetcher)) as { contents?: unknown[] };
    if (!Array.isArray(page?.contents))
      throw new ValidationError([{ field: 'url', message: `Page ${n} of the feed has no contents` }]);
    contents.push(...page.contents);
  }
  return { ...first, contents, total_pages: 1, page_number: 1, size: contents.length };
}

export async function importOrukFeed(
  db: AnyDb,
  actor: Actor,
  input: OrukImportInput,
  o: { now: Date; requestId?: string; fetcher?: typeof fetch },
): Promise<{ importId: string; imported: number; replaced: number; source: string }> {
  if (actor.role !== 'admin' && actor.role !== 'analyst')
    throw new ForbiddenError('Only an administrator or an analyst can import into the directory');
  const refuse = async (errors: { field: string; message: string }[]): Promise<never> => {
    await audit(db, actor, {
      action: 'directory.import.refused',
      recordType: 'directory_import',
      outcome: 'refused',
      reason: 'the feed has problems',
      requestId: o.requestId,
      detail: { source: input.source ?? input.url ?? 'upload', fields: errors.slice(0, 50).map((e) => e.field) },
    });
    throw new ValidationError(errors, 'The feed cannot be imported: nothing was imported');
  };
  if ((input.url === undefined) === (input.feed === undefined))
    return refuse([
      { field: 'url', message: 'Give either the feed’s address (url) or the feed itself (feed), not both' },
    ]);
  const places = await listPlaces(db, actor.systemId);
  const known = places.map((p) => p.code);
  const badBorough = (input.boroughs ?? []).find((b) => !known.includes(b));
  if (badBorough !== undefined)
    return refuse([{ field: 'boroughs', message: `${badBorough} is not a borough of this system (use its ONS code)` }]);
  let feed: unknown;
  try {
    feed = input.url !== undefined ? await fetchOrukFeed(input.url, o.fetcher) : input.feed;
  } catch (e) {
    if (e instanceof ValidationError) return refuse(e.fields);
    throw e;
  }
  const problems = checkOrukFeed(feed);
  if (problems.length) return refuse(problems);
  const mapped = orukToAssets(feed, {
    kind: input.kind ?? 'voluntary',
    boroughs: input.boroughs ?? [],
    knownBoroughs: known,
    illustrative: input.illustrative === true,
  });
  if (mapped.errors.length) return refuse(mapped.errors);
  const source = input.source ?? input.url ?? 'upload';
  try {
    const done = await importLocalAssets(db, actor, { source, format: 'oruk-3.0', assets: mapped.assets }, o);
    return { ...done, source };
  } catch (e) {
    if (e instanceof DomainError && e.status === 409) return refuse([{ field: 'feed', message: e.message }]);
    throw e;
  }
}
