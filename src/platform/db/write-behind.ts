// Writes held back to the next round trip (issue 18). Inside a transaction, a write whose result the caller
// does not need (an audit row, an event, an outbox message, a grant) is held on the connection and sent with
// whatever the transaction sends next: the next statement, or the commit. Order is kept: any other
// statement sends what is held first, so nothing in the transaction can miss a held write. An error in a
// held write fails the transaction exactly as it would have at once, only later: nothing commits.
//
// On PostgreSQL the held writes and the commit go as one script in one round trip (the simple query
// protocol, with the parameters written as literals the way pg itself would send them). The embedded
// database has no round trips to save, so there the held writes run one by one, with their parameters.
import { createRequire } from 'node:module';
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

const heldBack = new WeakSet<CompiledQuery>();

type Compilable = { compile(): CompiledQuery };

/**
 * Runs `query` (an insert, update or delete whose result is not needed) with the transaction's next round
 * trip. Outside a transaction it runs at once. Use `execute()` instead where the caller reads the result or
 * handles the error itself.
 */
export async function writeLater(db: Pick<Kysely<unknown>, 'executeQuery'>, query: Compilable): Promise<void> {
  const compiled = query.compile();
  heldBack.add(compiled);
  await db.executeQuery(compiled);
}

const requireFromHere = createRequire(import.meta.url);
// pg's own conversion of a parameter to the text it sends, so a literal carries exactly what a parameter would.
const { prepareValue, escapeLiteral } = requireFromHere('pg/lib/utils.js') as {
  prepareValue(value: unknown): string | Buffer | null;
  escapeLiteral(text: string): string;
};

/**
 * The statement with its $n parameters written as literals, or null when that cannot be done safely (binary
 * values, or SQL this scanner does not follow: dollar quoting, comments, escape strings). An untyped literal
 * takes its type from where it stands, as an untyped parameter does.
 */
export function inlineParameters(statement: string, parameters: readonly unknown[]): string | null {
  let out = '';
  let i = 0;
  while (i < statement.length) {
    const c = statement[i];
    if (c === "'" || c === '"') {
      if (c === "'" && /[eE]/.test(statement[i - 1] ?? '') && !/[\w$]/.test(statement[i - 2] ?? '')) return null;
      const end = statement.indexOf(c, i + 1);
      if (end < 0) return null;
      out += statement.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (statement.startsWith('--', i) || statement.startsWith('/*', i)) return null;
    if (c === '$') {
      const digits = /^\$(\d+)/.exec(statement.slice(i));
      if (!digits) return null;
      const index = Number(digits[1]) - 1;
      if (index < 0 || index >= parameters.length) return null;
      const value = prepareValue(parameters[index]);
      if (value !== null && typeof value !== 'string') return null;
      out += value === null ? 'null' : escapeLiteral(value);
      i += digits[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

class HoldingConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly #script: boolean;
  inTransaction = false;
  /** The transaction's BEGIN, not yet sent: it goes with the first statement (script mode only). */
  pendingBegin: string | null = null;
  #held: CompiledQuery[] = [];
  constructor(inner: DatabaseConnection, script: boolean) {
    this.inner = inner;
    this.#script = script;
  }
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction && heldBack.has(compiled)) {
      this.#held.push(compiled);
      return { rows: [] };
    }
    const sent = await this.flush<R>(compiled);
    return sent ?? this.inner.executeQuery<R>(compiled);
  }
  async *streamQuery<R>(compiled: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    await this.flush();
    yield* this.inner.streamQuery<R>(compiled, chunkSize);
  }
  /**
   * Sends the pending BEGIN and the held writes. In script mode they go in one round trip with `next` (the
   * statement about to run, whose answer is the script's last) when every part can be written out; the
   * answer is returned then, and null when `next` is still to be sent.
   */
  async flush<R>(next?: CompiledQuery): Promise<QueryResult<R> | null> {
    const held = this.#held;
    const begin = this.pendingBegin;
    this.#held = [];
    this.pendingBegin = null;
    if (held.length === 0 && begin === null) return null;
    if (this.#script) {
      const parts = [...(begin === null ? [] : [begin]), ...held.map((q) => inlineParameters(q.sql, q.parameters))];
      const last = next ? inlineParameters(next.sql, next.parameters) : '';
      if (parts.every((p) => p !== null) && last !== null) {
        const script = [...parts, ...(last ? [last] : [])].join(';\n');
        const answer = await this.inner.executeQuery<R>({
          ...(next ?? held[0]),
          sql: script,
          parameters: [],
        } as CompiledQuery);
        return next ? answer : null;
      }
    }
    if (begin !== null) await this.inner.executeQuery(rawQuery(begin));
    for (const q of held) await this.inner.executeQuery(q);
    return null;
  }
  holding(): boolean {
    return this.#held.length > 0;
  }
  discard(): void {
    this.#held = [];
  }
}

function rawQuery(statement: string): CompiledQuery {
  return { sql: statement, parameters: [], query: { kind: 'RawNode' } } as unknown as CompiledQuery;
}

class HoldingDriver implements Driver {
  readonly #inner: Driver;
  readonly #script: boolean;
  constructor(inner: Driver, script: boolean) {
    this.#inner = inner;
    this.#script = script;
  }
  init() {
    return this.#inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new HoldingConnection(await this.#inner.acquireConnection(), this.#script);
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as HoldingConnection;
    if (this.#script && !settings.isolationLevel && !settings.accessMode) c.pendingBegin = 'begin';
    else await this.#inner.beginTransaction(c.inner, settings);
    c.inTransaction = true;
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as HoldingConnection;
    c.inTransaction = false;
    if (this.#script) {
      // Nothing was sent: there is nothing to commit.
      if (c.pendingBegin !== null && !c.holding()) {
        c.pendingBegin = null;
        return;
      }
      // The held writes and the commit in one script. An error in a held write stops it there (the caller
      // rolls back); a transaction PostgreSQL had already aborted answers the commit with ROLLBACK.
      const answer = await c.flush<{ command?: string }>(rawQuery('commit'));
      if (answer?.rows[0]?.command === 'ROLLBACK') throw new Error('The transaction was aborted and rolled back');
      if (answer) return;
    } else {
      await c.flush();
    }
    await this.#inner.commitTransaction(c.inner);
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as HoldingConnection;
    c.discard();
    c.inTransaction = false;
    // A BEGIN never sent has nothing to roll back.
    if (c.pendingBegin !== null) {
      c.pendingBegin = null;
      return;
    }
    await this.#inner.rollbackTransaction(c.inner);
  }
  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    const c = connection as HoldingConnection;
    await c.flush();
    await this.#inner.savepoint?.(c.inner, name, compile);
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    const c = connection as HoldingConnection;
    // Everything held was written after the last savepoint command, so all of it is undone.
    c.discard();
    await this.#inner.rollbackToSavepoint?.(c.inner, name, compile);
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    const c = connection as HoldingConnection;
    await c.flush();
    await this.#inner.releaseSavepoint?.(c.inner, name, compile);
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as HoldingConnection;
    c.discard();
    c.pendingBegin = null;
    c.inTransaction = false;
    await this.#inner.releaseConnection(c.inner);
  }
  destroy() {
    return this.#inner.destroy();
  }
}

/** The dialect, with writes held back inside transactions (`script`: send them and the commit as one script). */
export function holdingWrites(dialect: Dialect, { script }: { script: boolean }): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => new HoldingDriver(dialect.createDriver(), script),
  };
}
