import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChangesAfterResolver } from '../src/outbox/changes-after.js';
import { appendChange, outboxMigrations, type Change } from '../src/outbox/index.js';
import { createStorage, runMigrations, type Storage } from '../src/storage/index.js';

function change(): Change {
  return { agency: 'police', recordKind: 'security_model', recordId: `pm-${randomUUID()}`, change: 'created', areaCode: '28177', payload: {} };
}

type Page = { head: number; events: { seq: number; recordId: string }[] };

/** `_policeChangesAfter`, read the way the change stream's feed reads it. */
describe('_<agency>ChangesAfter, the change stream’s read of an outbox', () => {
  let storage: Storage;
  let closing = false;
  const read = (args: { afterSeq: number; limit?: number; waitMs?: number }) =>
    createChangesAfterResolver(
      'police',
      () => storage,
      () => closing,
    )(undefined, args) as Promise<Page>;
  const append = async () => {
    const item = change();
    const seq = await storage.transaction((tx) => appendChange(tx, item));
    return { seq, recordId: item.recordId };
  };

  beforeAll(async () => {
    storage = await createStorage({ kind: 'pglite' });
    await runMigrations(storage, outboxMigrations);
  });
  afterAll(async () => storage?.close());

  it('answers a page after a seq with the head, and waits for the first new change when asked to', async () => {
    const first = await append();
    const second = await append();
    expect(await read({ afterSeq: first.seq - 1 })).toMatchObject({ head: second.seq, events: [{ seq: first.seq }, { seq: second.seq }] });
    const waiting = read({ afterSeq: second.seq, waitMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const third = await append();
    expect(await waiting).toMatchObject({ head: third.seq, events: [{ seq: third.seq, recordId: third.recordId }] });
  });

  it('answers a long poll after a seq past its head at once (a store restored from a backup): nothing is waited for', async () => {
    const last = await append();
    const started = performance.now();
    // A 20 s wait the test's 30 s limit would cut short were the poll held.
    expect(await read({ afterSeq: last.seq + 5, waitMs: 20_000 })).toEqual({ head: last.seq, events: [] });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('while the subgraph closes, answers the changes there are with the true head — not an empty page', async () => {
    const before = await append();
    const after = await append();
    closing = true;
    try {
      // A reader behind the head must get the changes: an empty page would read as "nothing after before.seq - 1".
      expect(await read({ afterSeq: before.seq - 1, limit: 10, waitMs: 20_000 })).toMatchObject({
        head: after.seq,
        events: [
          { seq: before.seq, recordId: before.recordId },
          { seq: after.seq, recordId: after.recordId },
        ],
      });
      // A caught-up long poll ends at once, with the head as it is.
      const began = performance.now();
      expect(await read({ afterSeq: after.seq, limit: 10, waitMs: 20_000 })).toEqual({ head: after.seq, events: [] });
      expect(performance.now() - began).toBeLessThan(1_000);
    } finally {
      closing = false;
    }
  });

  it('ends a long poll that is waiting when the subgraph starts closing', async () => {
    const { seq } = await append();
    const waiting = read({ afterSeq: seq, limit: 10, waitMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const began = performance.now();
    closing = true;
    try {
      expect(await waiting).toEqual({ head: seq, events: [] });
      expect(performance.now() - began).toBeLessThan(1_000);
    } finally {
      closing = false;
    }
  });
});
