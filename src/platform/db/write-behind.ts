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

const BEGIN = 'begin';

/** A statement without parameters: a transaction command, or a script of statements already written out. */
function rawQuery(statement: string): CompiledQuery {
  return { sql: statement, parameters: [], query: { kind: 'RawNode' } } as unknown as CompiledQuery;
}

class HoldingConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly #script: boolean;
  #inTransaction = false;
  /** The transaction's BEGIN is still to be sent: it goes with the first statement (script mode only). */
  #beginUnsent = false;
  #held: CompiledQuery[] = [];
  constructor(inner: DatabaseConnection, script: boolean) {
    this.inner = inner;
    this.#script = script;
  }
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#inTransaction && heldBack.has(compiled)) {
      this.#held.push(compiled);
      return { rows: [] };
    }
    return (await this.#flush<R>(compiled)) ?? this.inner.executeQuery<R>(compiled);
  }
  async *streamQuery<R>(compiled: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    await this.#flush();
    yield* this.inner.streamQuery<R>(compiled, chunkSize);
  }
  async begin(driver: Driver, settings: TransactionSettings): Promise<void> {
    // With an isolation level or access mode the settings must apply from the start, so it begins at once.
    if (this.#script && !settings.isolationLevel && !settings.accessMode) this.#beginUnsent = true;
    else await driver.beginTransaction(this.inner, settings);
    this.#inTransaction = true;
  }
  async commit(driver: Driver): Promise<void> {
    this.#inTransaction = false;
    if (this.#beginUnsent && this.#held.length === 0) {
      this.#beginUnsent = false; // nothing was sent, so there is nothing to commit
      return;
    }
    // In script mode the held writes and COMMIT go as one script; an error in a held write stops it there and
    // the caller rolls back.
    if (await this.#flush(rawQuery('commit'))) return;
    await driver.commitTransaction(this.inner);
  }
  async rollback(driver: Driver): Promise<void> {
    this.#held = [];
    this.#inTransaction = false;
    if (this.#beginUnsent) {
      this.#beginUnsent = false; // a BEGIN never sent has nothing to roll back
      return;
    }
    await driver.rollbackTransaction(this.inner);
  }
  /** Before a savepoint command: everything held so far belongs before it. */
  async sendHeld(): Promise<void> {
    await this.#flush();
  }
  /** Rolling back to a savepoint undoes everything held, all of it written after the last savepoint command. */
  discardHeld(): void {
    this.#held = [];
  }
  reset(): void {
    this.#held = [];
    this.#beginUnsent = false;
    this.#inTransaction = false;
  }
  /**
   * Sends the unsent BEGIN and the held writes. In script mode they go in one round trip with `next` (the
   * statement about to run, whose answer is the script's last) when every statement can be written out; that
   * answer is returned, and null when `next` is still to be sent.
   */
  async #flush<R>(next?: CompiledQuery): Promise<QueryResult<R> | null> {
    const held = this.#held;
    const begin = this.#beginUnsent;
    this.#held = [];
    this.#beginUnsent = false;
    if (held.length === 0 && !begin) return null;
    if (this.#script) {
      const statements = [...held, ...(next ? [next] : [])].map((q) => inlineParameters(q.sql, q.parameters));
      if (statements.every((statement) => statement !== null)) {
        const script = [...(begin ? [BEGIN] : []), ...statements].join(';\n');
        const answer = await this.inner.executeQuery<R>(rawQuery(script));
        return next ? answer : null;
      }
    }
    if (begin) await this.inner.executeQuery(rawQuery(BEGIN));
    for (const q of held) await this.inner.executeQuery(q);
    return null;
  }
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
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return (connection as HoldingConnection).begin(this.#inner, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return (connection as HoldingConnection).commit(this.#inner);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return (connection as HoldingConnection).rollback(this.#inner);
  }
  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    const c = connection as HoldingConnection;
    await c.sendHeld();
    await this.#inner.savepoint?.(c.inner, name, compile);
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    const c = connection as HoldingConnection;
    c.discardHeld();
    await this.#inner.rollbackToSavepoint?.(c.inner, name, compile);
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    const c = connection as HoldingConnection;
    await c.sendHeld();
    await this.#inner.releaseSavepoint?.(c.inner, name, compile);
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as HoldingConnection;
    c.reset();
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

/**
 * A pg client whose answer to a script (several statements, as write-behind sends) is its last statement's
 * result, the one the caller asked for: pg answers with one result per statement, and Kysely reads one.
 */
export function answerScriptsWithLastResult(client: { query: unknown }): void {
  const prototype = Object.getPrototypeOf(client) as { query: (...args: unknown[]) => unknown };
  client.query = (...args: unknown[]) => {
    const answer = prototype.query.apply(client, args);
    if (!(answer instanceof Promise)) return answer; // a cursor or a callback: passed through untouched
    return answer.then((result: unknown) => (Array.isArray(result) ? result[result.length - 1] : result));
  };
}
