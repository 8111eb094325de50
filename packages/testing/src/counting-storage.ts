import type { SqlExecutor, StatementOptions, Storage } from '@antq/subgraph-kit';

/** A store that counts the SQL statements sent through it — for asserting that batching holds. */
export function countingStorage(storage: Storage): Storage & { count(): number; reset(): void } {
  let statements = 0;
  const counting = (executor: SqlExecutor): SqlExecutor => ({
    query: (sql, params, options) => {
      statements += 1;
      return executor.query(sql, params, options);
    },
  });
  return Object.assign(Object.create(storage) as Storage, {
    query: counting(storage).query,
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) => storage.transaction((tx) => work(counting(tx))),
    count: () => statements,
    reset: () => {
      statements = 0;
    },
  });
}

/** Records the text of every statement `storage.query` runs from now on (not those of transactions) into the list it returns. */
export function recordStatements(storage: Storage): string[] {
  const statements: string[] = [];
  const query = storage.query.bind(storage);
  (storage as { query: typeof query }).query = ((sql: string, params?: readonly unknown[], options?: StatementOptions) => {
    statements.push(sql);
    return query(sql, params, options);
  }) as typeof query;
  return statements;
}
