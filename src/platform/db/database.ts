// One SQL dialect everywhere: PostgreSQL in production, PGlite (PostgreSQL compiled to WebAssembly) as the
// embedded default. Both go through Kysely, and both return the same JavaScript types: int8 as number,
// date as 'YYYY-MM-DD' text (never a Date at local midnight), numeric as text (money stays exact).
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';
import { answerScriptsWithLastResult, holdingWrites } from './write-behind.ts';

export { writeLater } from './write-behind.ts';

// biome-ignore lint/suspicious/noExplicitAny: modules narrow this to their own tables (see Db below)
export type AnyDb = Kysely<any>;
/** A module's view of the database: only its own tables. Repositories take one of these. */
export type Db<Tables> = Kysely<Tables>;

export type DatabaseEngine = 'pglite' | 'postgres';

export type Database = {
  db: AnyDb;
  /** The embedded engine itself, for copying a database (tests) — absent on PostgreSQL. */
  pglite?: PGlite;
  engine: DatabaseEngine;
  /** The PostgreSQL schema that holds the tables (tests use one each); PGlite uses public. */
  schema: string;
  /** Where it lives, with no password: a folder, 'memory', or host/database. */
  location: string;
  close(): Promise<void>;
};

export class DatabaseUnavailableError extends Error {}

const INT8 = 20;
const DATE = 1082;

export type PostgresOptions = {
  url: string;
  schema?: string;
  poolSize?: number;
  /** Told when the server ends an idle connection (a restart, a failover, an administrator); the pool reconnects. */
  onIdleError?: (error: Error) => void;
};

const warnIdleError = (error: Error) =>
  process.emitWarning(`PostgreSQL ended an idle connection: ${error.message}; the next query reconnects.`);

export async function openPostgres({
  url,
  schema,
  poolSize = 10,
  onIdleError = warnIdleError,
}: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // A schema per test keeps tests apart on one server.
    options: schema ? `-c search_path=${schema}` : undefined,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8) return (v: string) => Number(v);
        if (oid === DATE) return (v: string) => v;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely({ dialect: holdingWrites(new PostgresDialect({ pool }), { script: true }) });
  // Without a listener an idle connection's error is thrown from the pool and ends the process. Once closing
  // began, an error is only a connection ending early, which is what closing asks for.
  let closing = false;
  pool.on('error', (error) => {
    if (!closing) onIdleError(error);
  });
  // pool.end() resolves as soon as it has asked each connection to end, not when they have ended. Closing
  // waits for the sockets too, so whoever closes can drop the database straight away (tests do, with force)
  // without its backends still holding idle connections that the drop then terminates.
  const open = new Set<pg.PoolClient>();
  pool.on('connect', (client) => {
    open.add(client);
    answerScriptsWithLastResult(client);
  });
  let allEnded = () => {};
  pool.on('remove', (client) => {
    open.delete(client);
    if (open.size === 0) allEnded();
  });
  const close = async () => {
    closing = true;
    const ended = new Promise<void>((resolve) => {
      allEnded = resolve;
      if (open.size === 0) resolve();
    });
    await db.destroy();
    const backstop = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
    await Promise.race([ended, backstop]);
  };
  const parsed = new URL(url);
  const location = `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await close().catch(() => {});
    throw new DatabaseUnavailableError(
      `Cannot reach PostgreSQL at ${location}: ${(error as Error).message}. Check DATABASE_URL and that the server is running.`,
    );
  }
  return { db, engine: 'postgres', schema: schema ?? 'public', location, close };
}

export type PGliteOptions = { dataDir?: string; loadDataDir?: Blob | File };

export async function openPGlite({ dataDir, loadDataDir }: PGliteOptions = {}): Promise<Database> {
  if (dataDir) fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      dataDir,
      loadDataDir,
      parsers: { [DATE]: (v: string) => v, [INT8]: (v: string) => Number(v) },
    });
  } catch (error) {
    throw new DatabaseUnavailableError(
      `Cannot open the embedded database in ${dataDir ?? 'memory'}: ${(error as Error).message}. ` +
        'Another Core Offer process may be using it, or the folder may be damaged; DATA_DIR chooses another folder.',
    );
  }
  const db = new Kysely({ dialect: holdingWrites(new PGliteDialect(pglite), { script: false }) });
  return {
    db,
    pglite,
    engine: 'pglite',
    schema: 'public',
    location: dataDir ?? 'memory',
    close: () => db.destroy(),
  };
}

/** Opens the database the configuration names. */
export function openDatabase(config: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  return config.databaseUrl
    ? openPostgres({ url: config.databaseUrl })
    : openPGlite({ dataDir: path.join(config.dataDir, 'pglite') });
}

export async function isReachable(db: AnyDb): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs fn in a transaction: the caller's, when it passes one (so a command and its audit commit together
 * with whatever the caller is doing), or a new one.
 */
export function inTransaction<T>(db: AnyDb, fn: (tx: AnyDb) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
