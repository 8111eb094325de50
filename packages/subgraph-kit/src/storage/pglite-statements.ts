import { createRequire } from 'node:module';
import { parse as pgliteResults, protocol, type PGlite } from '@electric-sql/pglite';

/** node-postgres's serialization of a parameter value (`pg/lib/utils.js`, which @types/pg does not declare). */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue: (value: unknown) => string | Buffer | null };

const { serialize } = protocol;
const SYNC = serialize.sync();
const DESCRIBE_PORTAL = serialize.describe({ type: 'P' });
const EXECUTE = serialize.execute({});

/**
 * The statements kept prepared on one instance. The kit's statements are a few dozen texts per
 * store; the bound only keeps a caller that builds texts from values from growing the backend.
 */
export const MAX_PREPARED_STATEMENTS = 256;

/** PostgreSQL's "cached plan must not change result type": the statement's table changed under it. */
const PLAN_CHANGED = '0A000';

/** Per instance: statement text → its name in the backend, least recently used first. */
interface PreparedStatements {
  readonly byText: Map<string, string>;
  /** Names to close in the next exchange: evicted, or parsed in an exchange that failed. */
  readonly toClose: string[];
  next: number;
}

const preparedOn = new WeakMap<PGlite, PreparedStatements>();

function preparedStatements(db: PGlite): PreparedStatements {
  let prepared = preparedOn.get(db);
  if (!prepared) preparedOn.set(db, (prepared = { byText: new Map(), toClose: [], next: 0 }));
  return prepared;
}

/**
 * Runs one statement with parameters on PGlite in a single exchange with its backend, as
 * node-postgres sends them to PostgreSQL. PGlite's own `query` makes six calls into WebAssembly,
 * the first two to learn the parameters' types; here the server infers them, and the values are
 * serialized by node-postgres's `prepareValue`, so both stores receive the same text for the same
 * value.
 *
 * `prepared`: the text is parsed and planned once and kept as a named statement, later runs
 * sending only its name and the values (a lookup by id 0.11 → 0.06 ms of CPU). Its plan is then
 * generic: right for a read by primary key, far too dear for some reads over ranges of areas (see
 * `StatementOptions`). Should a table change under a kept statement, it is parsed again.
 *
 * `inTransaction`: inside one, the data folder is written at COMMIT, not after each statement.
 */
export async function queryPglite<Row>(
  db: PGlite,
  sql: string,
  params: readonly unknown[],
  options: { readonly inTransaction: boolean; readonly prepared: boolean },
): Promise<Row[]> {
  const values = params.map((value) => prepareValue(value));
  if (!options.prepared) return runExchange<Row>(db, sql, values, options.inTransaction, undefined);
  const prepared = preparedStatements(db);
  try {
    return await runExchange<Row>(db, sql, values, options.inTransaction, prepared);
  } catch (error) {
    // Inside a transaction the failure has aborted it: the transaction fails with it, and the
    // statement is parsed again when next run.
    if (!planChanged.has(error as object) || options.inTransaction) throw error;
    return runExchange<Row>(db, sql, values, options.inTransaction, prepared);
  }
}

/** Failures of a kept statement whose table changed under it (0A000 also names other unsupported features). */
const planChanged = new WeakSet<object>();

/**
 * One exchange: the closes left pending, then the statement, unnamed or, with `prepared`, under
 * its kept name (parsed first when it has none). Built inside the instance's turn, so two callers
 * never parse one text under two names.
 */
function runExchange<Row>(db: PGlite, sql: string, values: ReturnType<typeof prepareValue>[], inTransaction: boolean, prepared: PreparedStatements | undefined): Promise<Row[]> {
  return db.runExclusive(async () => {
    const pending = prepared ?? preparedOn.get(db);
    const parts: Uint8Array[] = (pending?.toClose.splice(0) ?? []).map((name) => serialize.close({ type: 'S', name }));
    const kept = prepared?.byText.get(sql);
    // The unnamed statement ('') is planned for these values and replaced by the next one.
    const name = kept ?? (prepared ? `antq_${prepared.next++}` : '');
    if (kept === undefined) parts.push(serialize.parse({ name, text: sql }));
    else prepared!.byText.delete(sql);
    parts.push(serialize.bind({ statement: name, values }), DESCRIBE_PORTAL, EXECUTE, SYNC);
    try {
      // The backend's replies are collected on the instance until the call returns: one exchange at a time.
      const replies = await db.execProtocolStream(Buffer.concat(parts), { syncToFs: !inTransaction });
      if (prepared) keep(prepared, sql, name);
      return (pgliteResults.parseResults(replies, db.parsers)[0]?.rows ?? []) as Row[];
    } catch (error) {
      // A kept statement that failed to run stays kept, unless its table changed under it; a new
      // one may have been parsed before the failure, so its name is closed in the next exchange.
      const tableChanged = kept !== undefined && (error as { code?: unknown }).code === PLAN_CHANGED;
      if (tableChanged) planChanged.add(error as object);
      if (kept !== undefined && !tableChanged) keep(prepared!, sql, name);
      else if (prepared) prepared.toClose.push(name);
      throw error;
    }
  });
}

function keep(prepared: PreparedStatements, sql: string, name: string): void {
  prepared.byText.set(sql, name);
  if (prepared.byText.size <= MAX_PREPARED_STATEMENTS) return;
  const [oldest, oldestName] = prepared.byText.entries().next().value as [string, string];
  prepared.byText.delete(oldest);
  prepared.toClose.push(oldestName);
}
