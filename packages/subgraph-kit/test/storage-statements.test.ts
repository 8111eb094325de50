import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forEachStorageDriver } from '@antq/testing';
import { openPgliteStorage, runMigrations, type Migration, type SqlExecutor, type Storage } from '../src/index.js';
import { MAX_PREPARED_STATEMENTS } from '../src/storage/pglite-statements.js';

// Statements with parameters: on PGlite one exchange with its backend (`pglite-statements.ts`),
// on PostgreSQL node-postgres; both must store and answer alike.
const notes: Migration = { version: 100, name: 'notes', sql: 'CREATE TABLE notes (id text PRIMARY KEY, body text NOT NULL)' };

forEachStorageDriver((driver) => {
  describe(`statements with parameters on ${driver.name}`, () => {
    let store: Storage;
    beforeEach(async () => {
      store = await driver.open();
      await runMigrations(store, [notes]);
    });
    afterEach(async () => {
      await driver.close(store);
    });

    it('stores and reads back each kind of parameter value alike on either store', async () => {
      await store.query(`CREATE TABLE value_kinds (
        id text PRIMARY KEY, n integer, amount numeric, flag boolean, day date, at timestamptz, body jsonb, tags text[], note text)`);
      const at = new Date('2025-07-01T03:04:05.678Z');
      const values = ['k1', 42, '1234.50', true, '2025-07-01', at, { linked: [{ agency: 'front', id: 'F-1' }], tên: 'Đồng Tháp' }, ['a', 'b "quoted"', 'c,d'], null];
      await store.query('INSERT INTO value_kinds VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', values);
      const rows = await store.query('SELECT id, n, amount, flag, day::text AS day, at, body, tags, note FROM value_kinds WHERE id = ANY($1::text[]) AND n > $2', [
        ['k1', 'k2'],
        41,
      ]);
      expect(rows).toEqual([{ id: 'k1', n: 42, amount: '1234.50', flag: true, day: '2025-07-01', at, body: values[6], tags: values[7], note: null }]);
      const counted = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM value_kinds WHERE flag = $1 AND day <= $2::date', [false, '2025-07-01']);
      expect(counted).toEqual([{ n: 0 }]);
    });

    it('answers a failed statement with its error, keeps nothing of its transaction, and goes on', async () => {
      await store.query('INSERT INTO notes (id, body) VALUES ($1, $2)', ['n1', 'first']);
      await expect(store.query('INSERT INTO notes (id, body) VALUES ($1, $2)', ['n1', 'again'])).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(store.query('SELECT body FROM notes WHERE id = $1 AND', ['n1'])).rejects.toMatchObject({ code: '42601' });
      await expect(
        store.transaction(async (tx) => {
          await tx.query('INSERT INTO notes (id, body) VALUES ($1, $2)', ['n2', 'in the transaction']);
          await tx.query('INSERT INTO notes (id, body) VALUES ($1, $2)', ['n1', 'a duplicate']);
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await store.query('SELECT id, body FROM notes ORDER BY id')).toEqual([{ id: 'n1', body: 'first' }]);
      expect(await store.query('SELECT body FROM notes WHERE id = $1', ['n1'])).toEqual([{ body: 'first' }]);
    });

    it('runs the statements a transaction starts together, each with its own answer', async () => {
      const ids = Array.from({ length: 20 }, (_, index) => `t${String(index).padStart(2, '0')}`);
      const answers = await store.transaction((tx) =>
        Promise.all(ids.map(async (id) => (await tx.query<{ id: string }>('INSERT INTO notes (id, body) VALUES ($1, $2) RETURNING id', [id, `body of ${id}`]))[0]!.id)),
      );
      expect(answers).toEqual(ids);
      expect(await store.query('SELECT id FROM notes WHERE body = ANY($1::text[]) ORDER BY id', [ids.map((id) => `body of ${id}`)])).toEqual(ids.map((id) => ({ id })));
    });

    it("refuses a statement sent through a transaction's executor after the transaction ended", async () => {
      let kept: SqlExecutor | undefined;
      await store.transaction(async (tx) => {
        kept = tx;
      });
      await expect(kept!.query('INSERT INTO notes (id, body) VALUES ($1, $2)', ['late', 'after its transaction'])).rejects.toThrow(/transaction has ended/);
      expect(await store.query('SELECT id FROM notes WHERE id = $1', ['late'])).toEqual([]);
    });
  });
});

describe('an embedded store opened with openPgliteStorage', () => {
  it("runs with the kit's settings, and a dump of it opens as a store with the same rows", async () => {
    const { storage, db } = await openPgliteStorage();
    await runMigrations(storage, [notes]);
    await storage.query('INSERT INTO notes (id, body) VALUES ($1, $2), ($3, $4)', ['n1', 'first', 'n2', 'second']);
    expect(await storage.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '16MB' }]);
    await storage.query('CHECKPOINT');
    const dump = await db.dumpDataDir('none');
    await storage.close();
    expect(db.closed).toBe(true);

    const copy = await openPgliteStorage({ loadDataDir: dump });
    expect(await copy.storage.query('SELECT id, body FROM notes ORDER BY id')).toEqual([
      { id: 'n1', body: 'first' },
      { id: 'n2', body: 'second' },
    ]);
    expect(await copy.storage.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '16MB' }]);
    await copy.storage.close();
  });
});

describe('statements kept prepared on an embedded store', () => {
  let store: Storage;
  const kept = { prepared: true };
  const prepared = async () =>
    (await store.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements WHERE name LIKE $1 ORDER BY statement', ['antq\\_%'])).map((row) => row.statement);
  beforeEach(async () => {
    store = (await openPgliteStorage()).storage;
    await runMigrations(store, [notes]);
    await store.query('INSERT INTO notes (id, body) VALUES ($1, $2)', ['n1', 'first']);
  });
  afterEach(async () => {
    await store.close();
  });

  it('parses a text once and runs it again by name, with each run’s own values; keeps none unasked', async () => {
    const read = 'SELECT body FROM notes WHERE id = $1';
    expect(await store.query(read, ['n1'], kept)).toEqual([{ body: 'first' }]);
    expect(await store.query(read, ['n2'], kept)).toEqual([]);
    await store.query('INSERT INTO notes (id, body) VALUES ($1, $2)', ['n2', 'second']);
    expect(await store.query(read, ['n2'], kept)).toEqual([{ body: 'second' }]);
    expect(await store.query('SELECT id FROM notes WHERE body = $1', ['second'])).toEqual([{ id: 'n2' }]);
    expect(await prepared()).toEqual([read]);
  });

  it('parses a kept statement again when its table changes under it', async () => {
    const read = 'SELECT * FROM notes WHERE id = $1';
    expect(await store.query(read, ['n1'], kept)).toEqual([{ id: 'n1', body: 'first' }]);
    await store.query('ALTER TABLE notes ADD COLUMN tag text');
    expect(await store.query(read, ['n1'], kept)).toEqual([{ id: 'n1', body: 'first', tag: null }]);
    await expect(
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO notes (id, body) VALUES ($1, $2)', ['n3', 'third']);
        await tx.query('ALTER TABLE notes DROP COLUMN tag');
        await tx.query(read, ['n1'], kept);
      }),
    ).rejects.toMatchObject({ code: '0A000' });
    expect(await store.query(read, ['n1'], kept)).toEqual([{ id: 'n1', body: 'first', tag: null }]);
    expect(await store.query('SELECT id FROM notes WHERE id = $1', ['n3'])).toEqual([]);
  });

  it('keeps no statement that failed to parse, keeps one that failed to run, and goes on', async () => {
    const broken = 'SELECT body FROM notes WHERE id = $1 AND';
    const insert = 'INSERT INTO notes (id, body) VALUES ($1, $2)';
    await expect(store.query(broken, ['n1'], kept)).rejects.toMatchObject({ code: '42601' });
    await expect(store.query(insert, ['n1', 'again'], kept)).rejects.toMatchObject({ code: 'CONFLICT' });
    await store.query(insert, ['n2', 'second'], kept);
    const statements = await prepared();
    expect(statements).not.toContain(broken);
    expect(statements.filter((text) => text === insert)).toHaveLength(1);
  });

  it(`keeps at most ${MAX_PREPARED_STATEMENTS} statements, the most recently used`, async () => {
    const first = 'SELECT body FROM notes WHERE id = $1 AND 0 = 0';
    await store.query(first, ['n1'], kept);
    for (let index = 1; index <= MAX_PREPARED_STATEMENTS + 10; index++) {
      expect(await store.query(`SELECT body FROM notes WHERE id = $1 AND ${index} = ${index}`, ['n1'], kept)).toEqual([{ body: 'first' }]);
      if (index % 50 === 0) await store.query(first, ['n1'], kept);
    }
    // Read in an exchange that closes the evicted ones.
    const statements = await prepared();
    expect(statements).toHaveLength(MAX_PREPARED_STATEMENTS);
    expect(statements).toContain(first);
    expect(statements).not.toContain('SELECT body FROM notes WHERE id = $1 AND 1 = 1');
  });
});
