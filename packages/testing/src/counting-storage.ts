import type { SqlExecutor, Storage } from '@antq/subgraph-kit';

/** A store that counts the SQL statements sent through it — for asserting that batching holds. */
export function countingStorage(storage: Storage): Storage & { count(): number; reset(): void } {
  let statements = 0;
  const counting = (executor: SqlExecutor): SqlExecutor => ({
    query: (sql, params) => {
      statements += 1;
      return executor.query(sql, params);
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
