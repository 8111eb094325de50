import type { Migration, SqlExecutor } from '../storage/index.js';
import type { NonceStore } from './gateway-signature.js';

/** The table where replicas of one subgraph remember the nonces of the replay window together. */
export const requestNonceMigrations: readonly Migration[] = [
  {
    version: 31,
    name: 'request nonces',
    sql: `
      CREATE TABLE request_nonces (
        nonce text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);
    `,
  },
  {
    // Every signed request inserts a nonce: logged, each insert was a WAL record and a flush
    // before the request could run (PostgreSQL 15, fsync on, one claim at a time: 0.46 → 0.14 ms).
    // An unlogged table is emptied by crash recovery and is not copied to standbys, which reopens
    // at most one replay window (35 s by default) after a crash or a failover: what a replica
    // with its nonces in memory accepts after a restart.
    version: 32,
    name: 'request nonces without write-ahead log',
    sql: `ALTER TABLE request_nonces SET UNLOGGED;`,
  },
];

/**
 * Nonces kept in the subgraph's own database, so a request replayed to another replica of the
 * same subgraph inside the window is refused too. One insert per signed request, into an
 * unlogged table; expired rows are deleted at most once a second.
 */
export function createSqlNonceStore(db: SqlExecutor): NonceStore {
  let nextSweep = 0;
  return {
    async claim(nonce, expiresAtMs) {
      const now = Date.now();
      if (now >= nextSweep) {
        nextSweep = now + 1_000;
        await db.query('DELETE FROM request_nonces WHERE expires_at < now()');
      }
      const rows = await db.query('INSERT INTO request_nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING RETURNING nonce', [
        nonce,
        new Date(expiresAtMs).toISOString(),
      ]);
      return rows.length === 1;
    },
  };
}
