import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, forEachStorageDriver } from '@antq/testing';
import pg from 'pg';
import {
  appendChange,
  createStorage,
  latestSeq,
  outboxMigrations,
  readChanges,
  runMigrations,
  StorageConfigError,
  type Change,
  type Migration,
  type Storage,
} from '../src/index.js';

const notes: Migration = {
  version: 100,
  name: 'notes',
  sql: `CREATE TABLE notes (id text PRIMARY KEY, body text NOT NULL);
        CREATE INDEX notes_body ON notes (body);`,
};

forEachStorageDriver((driver) => {
  describe(`storage on ${driver.name}`, () => {
    let store: Storage;
    beforeEach(async () => {
      store = await driver.open();
      await runMigrations(store, [...outboxMigrations, notes]);
    });
    afterEach(async () => {
      await driver.close(store);
    });

    const count = async () => Number((await store.query<{ n: number }>('SELECT count(*)::int AS n FROM notes'))[0]!.n);
    const change = (id: string) => ({ agency: 'police' as const, recordKind: 'note', recordId: id, change: 'created' as const, areaCode: '28159', payload: { id } });

    it('commits a transaction whole', async () => {
      const id = randomUUID();
      await store.transaction(async (tx) => {
        await tx.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [id, 'a']);
        await appendChange(tx, change(id));
      });
      expect(await count()).toBe(1);
      expect((await readChanges(store, { afterSeq: 0, limit: 10 })).map((event) => event.recordId)).toEqual([id]);
    });

    it('leaves no row and no event when the work throws midway', async () => {
      const failure = new Error(`failed ${randomUUID()}`);
      await expect(
        store.transaction(async (tx) => {
          await tx.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [randomUUID(), 'a']);
          await appendChange(tx, change('x'));
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await count()).toBe(0);
      expect(await latestSeq(store)).toBe(0);
      expect(await readChanges(store, { afterSeq: 0, limit: 10 })).toEqual([]);
    });

    it('announces a change when its transaction commits, never one rolled back', async () => {
      const heard: string[] = [];
      let announced!: () => void;
      const first = new Promise<void>((resolve) => (announced = resolve));
      const unlisten = await store.listen('antq_outbox', (payload) => {
        heard.push(payload);
        announced();
      });
      await store
        .transaction(async (tx) => {
          await appendChange(tx, change(randomUUID()));
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      const seq = await store.transaction((tx) => appendChange(tx, change(randomUUID())));
      await first;
      expect(heard).toEqual([String(seq)]);
      await unlisten();
      await store.transaction((tx) => appendChange(tx, change(randomUUID())));
      // A read after the commit: the notice, had it come, was delivered with it.
      await store.query('SELECT 1');
      expect(heard).toEqual([String(seq)]);
    });

    itRefusesConflictsAndKeepsMigrationsInStep(() => store);

    it('keeps concurrent transactions apart and numbers their events without gaps', async () => {
      const ids = Array.from({ length: 12 }, () => randomUUID());
      await Promise.all(
        ids.map((id, index) =>
          store.transaction(async (tx) => {
            await tx.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [id, `n${index}`]);
            await appendChange(tx, change(id));
          }),
        ),
      );
      const events = await readChanges(store, { afterSeq: 0, limit: 100 });
      expect(events.map((event) => event.seq)).toEqual(ids.map((_, index) => index + 1));
      expect(new Set(events.map((event) => event.recordId))).toEqual(new Set(ids));
      expect(await count()).toBe(12);
    });

    if (driver.name === 'pglite (folder)' || driver.name === 'postgres') {
      it('keeps data across a restart', async () => {
        const id = randomUUID();
        await store.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [id, 'kept']);
        store = await driver.reopen(store);
        expect(await runMigrations(store, [...outboxMigrations, notes])).toEqual([]);
        expect(await store.query('SELECT body FROM notes WHERE id = $1', [id])).toEqual([{ body: 'kept' }]);
      });
    }

    if (driver.name === 'postgres') {
      itListensAndNumbersInCommitOrderOnPostgres(() => store, change);
    }
  });
});

describe('storage configuration', () => {
  it('says what to set when PostgreSQL is unreachable', async () => {
    await expect(createStorage({ kind: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toMatchObject({
      code: 'ANTQ_ERR_DATABASE_UNREACHABLE',
      message: expect.stringContaining('DATABASE_URL'),
    });
  });

  it('refuses a database that sends dates in another style than ISO, saying what to set', async () => {
    const database = await createTestDatabase();
    try {
      await setDateStyle(database.url, 'SQL, DMY');
      await expect(createStorage({ kind: 'postgres', url: database.url })).rejects.toMatchObject({
        code: 'ANTQ_ERR_DATABASE_SETTINGS',
        message: expect.stringContaining("ALTER DATABASE <name> SET DateStyle = 'ISO, DMY'"),
      });
      await setDateStyle(database.url, 'ISO, DMY');
      const store = await createStorage({ kind: 'postgres', url: database.url });
      expect(await store.query(`SELECT '2025-07-01'::date AS day`)).toEqual([{ day: '2025-07-01' }]);
      await store.close();
    } finally {
      await database.drop();
    }
  });
});

/** Sets the DateStyle of the database at `url` for its next sessions. */
async function setDateStyle(url: string, style: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET DateStyle = '${style}'`);
  } finally {
    await client.end();
  }
}

// PostgreSQL only: LISTEN after a lost connection, commit order, concurrent migrations. The store is opened per test, so it is read inside each.
function itListensAndNumbersInCommitOrderOnPostgres(getStore: () => Storage, change: (id: string) => Change): void {
  it('listens again after its connection is lost, and calls its listeners so that readers read again', async () => {
    const store = getStore();
    const heard: string[] = [];
    let next!: () => void;
    let heardOne = new Promise<void>((resolve) => (next = resolve));
    await store.listen('antq_outbox', (payload) => {
      heard.push(payload);
      next();
      heardOne = new Promise<void>((resolve) => (next = resolve));
    });
    const [killed] = await store.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND query = 'LISTEN antq_outbox'`,
    );
    expect(killed!.n).toBe(1);
    await heardOne;
    expect(heard).toEqual(['']);
    const waiting = heardOne;
    const seq = await store.transaction((tx) => appendChange(tx, change(randomUUID())));
    await waiting;
    expect(heard).toEqual(['', String(seq)]);
  });

  it('makes events visible in commit order: a reader never skips a number that commits later', async () => {
    const store = getStore();
    // The first writer takes its number, then waits; the second must wait behind it.
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstNumbered!: () => void;
    const numbered = new Promise<void>((resolve) => (firstNumbered = resolve));
    const first = store.transaction(async (tx) => {
      await appendChange(tx, change('first'));
      firstNumbered();
      await firstHolds;
    });
    await numbered;
    let secondDone = false;
    const second = store
      .transaction(async (tx) => appendChange(tx, change('second')))
      .then((seq) => {
        secondDone = true;
        return seq;
      });
    // The second is seen waiting on the first's lock in the server, so it cannot have gone past it.
    const waitingOnLock = async () =>
      (
        await store.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE outbox_sequence%'`,
        )
      )[0]!.n;
    for (const deadline = Date.now() + 10_000; (await waitingOnLock()) === 0;) {
      if (Date.now() > deadline) throw new Error('the second writer never waited on the first');
    }
    expect(secondDone).toBe(false);
    expect(await readChanges(store, { afterSeq: 0, limit: 10 })).toEqual([]);
    releaseFirst();
    await first;
    expect(await second).toBe(2);
    expect((await readChanges(store, { afterSeq: 0, limit: 10 })).map((event) => event.recordId)).toEqual(['first', 'second']);
  });

  it('lets two processes migrate one database at once, applying each version once', async () => {
    const database = await createTestDatabase();
    const [a, b] = await Promise.all([createStorage({ kind: 'postgres', url: database.url }), createStorage({ kind: 'postgres', url: database.url })]);
    try {
      const applied = await Promise.all([runMigrations(a, [...outboxMigrations, notes]), runMigrations(b, [...outboxMigrations, notes])]);
      expect(applied.flat().sort((x, y) => x - y)).toEqual([1, 100]);
      expect((await a.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations'))[0]!.n).toBe(2);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await database.drop();
    }
  });
}

// Duplicates and migrations, on the store each test opens.
function itRefusesConflictsAndKeepsMigrationsInStep(getStore: () => Storage): void {
  it('reports a duplicate identity as CONFLICT and keeps the first', async () => {
    const store = getStore();
    const id = randomUUID();
    await store.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [id, 'first']);
    await expect(store.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [id, 'second'])).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await store.query('SELECT body FROM notes WHERE id = $1', [id])).toEqual([{ body: 'first' }]);
  });

  it('refuses a text it cannot keep (U+0000) as BAD_USER_INPUT, in a read and in a write, storing nothing', async () => {
    const store = getStore();
    const id = randomUUID();
    await expect(store.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [id, 'a\u0000b'])).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('U+0000'),
    });
    await expect(store.query('SELECT body FROM notes WHERE id = $1', [`${id}\u0000`])).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await store.query('SELECT body FROM notes WHERE id = $1', [id])).toEqual([]);
  });

  it('applies each migration once and is idempotent on restart', async () => {
    const store = getStore();
    expect(await runMigrations(store, [...outboxMigrations, notes])).toEqual([]);
    const extra: Migration = { version: 101, name: 'tags', sql: 'ALTER TABLE notes ADD COLUMN tag text' };
    expect(await runMigrations(store, [...outboxMigrations, notes, extra])).toEqual([101]);
    const versions = await store.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((row) => Number(row.version))).toEqual([1, 100, 101]);
  });

  it('refuses a database newer than the code, and an edited migration', async () => {
    const store = getStore();
    await expect(runMigrations(store, [...outboxMigrations])).rejects.toMatchObject({ code: 'ANTQ_ERR_DATABASE_NEWER' });
    const edited = { ...notes, sql: `${notes.sql} -- edited` };
    const refusal = await runMigrations(store, [...outboxMigrations, edited]).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StorageConfigError);
    expect(refusal).toMatchObject({ code: 'ANTQ_ERR_MIGRATION_CHANGED' });
  });
}
