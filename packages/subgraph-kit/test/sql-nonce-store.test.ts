import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forEachStorageDriver } from '@antq/testing';
import { createSqlNonceStore, requestNonceMigrations, runMigrations, type Storage } from '../src/index.js';

forEachStorageDriver((driver) => {
  describe(`request nonces on ${driver.name}`, () => {
    let store: Storage;
    beforeEach(async () => {
      store = await driver.open();
      await runMigrations(store, requestNonceMigrations);
    });
    afterEach(async () => {
      await driver.close(store);
    });

    it('lets a nonce through once, across replicas that share the database', async () => {
      const [replicaA, replicaB] = [createSqlNonceStore(store), createSqlNonceStore(store)];
      const nonce = randomUUID();
      const expiresAt = Date.now() + 35_000;
      expect(await replicaA.claim(nonce, expiresAt)).toBe(true);
      expect(await replicaA.claim(nonce, expiresAt)).toBe(false);
      expect(await replicaB.claim(nonce, expiresAt)).toBe(false);
      expect(await replicaB.claim(randomUUID(), expiresAt)).toBe(true);
    });

    it('forgets nonces whose window has passed, and only those', async () => {
      const nonces = createSqlNonceStore(store);
      await store.query(`INSERT INTO request_nonces (nonce, expires_at) VALUES ('gone', now() - interval '1 second'), ('kept', now() + interval '30 seconds')`);
      // The first claim of a store sweeps before it inserts.
      expect(await nonces.claim(randomUUID(), Date.now() + 35_000)).toBe(true);
      const left = await store.query<{ nonce: string }>('SELECT nonce FROM request_nonces ORDER BY nonce');
      expect(left.map((row) => row.nonce)).not.toContain('gone');
      expect(left.map((row) => row.nonce)).toContain('kept');
    });

    if (driver.name === 'postgres') {
      it('keeps them in an unlogged table: a claim writes no write-ahead log to flush', async () => {
        const [table] = await store.query<{ relpersistence: string }>(`SELECT relpersistence FROM pg_class WHERE relname = 'request_nonces'`);
        expect(table?.relpersistence).toBe('u');
      });
    }
  });
});
