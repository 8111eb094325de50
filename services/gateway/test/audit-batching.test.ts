import { readFile } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { buildASTSchema, parse, type ExecutionResult } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, type Storage } from '@antq/subgraph-kit';
import { createAuditLog, useAuditLog, type AuditEntryInput, type AuditLog } from '../src/index.js';
import { canonicalJson } from '../src/audit/audit-entry.js';

/*
 * Ghi theo lô — reads' entries wait briefly to share a transaction (nobody waits for them); a
 * write's entry starts a batch at once and its answer waits until it is committed. No entry is
 * lost on the way: every read is in the chain after a flush, a list, a close or the window.
 */

const read = (index: number): AuditEntryInput => ({
  actor: `analyst-${index}`,
  agency: 'police',
  organisation: null,
  operationType: 'query',
  operationName: 'Overview',
  fields: ['Query.area', 'Area.front'],
  records: [{ typename: 'FrontModel', id: `fm-${index}` }],
  owners: ['front'],
  result: 'ok',
  errorCodes: [],
});
const write = (index: number): AuditEntryInput => ({ ...read(index), operationType: 'mutation', operationName: 'Create', owners: ['police'] });

let storage: Storage;
const count = async () => Number((await storage.query<{ n: string | number }>('SELECT count(*) AS n FROM audit_log'))[0]!.n);
const opened: AuditLog[] = [];

async function freshLog(readBatchMs?: number): Promise<AuditLog> {
  await storage.query('DELETE FROM audit_log').catch(() => undefined);
  await storage.query('DELETE FROM audit_chain').catch(() => undefined);
  const log = await createAuditLog(storage, readBatchMs === undefined ? {} : { readBatchMs });
  opened.push(log);
  return log;
}

beforeAll(async () => {
  storage = await createStorage({ kind: 'pglite' });
});
afterEach(async () => {
  for (const log of opened.splice(0)) await log.close();
});
afterAll(async () => {
  await storage?.close();
});

describe('batches of the audit log', () => {
  it('keeps reads waiting for their window, and commits them with the next write, which does not wait', async () => {
    const log = await freshLog(60_000);
    const reads = [0, 1, 2].map((index) => log.append(read(index)));
    for (let turn = 0; turn < 5; turn += 1) await nextTurn();
    expect(await count()).toBe(0);

    const stored = await log.append(write(3));
    // Durable when the write's append resolves: its row (and the reads before it) are committed.
    expect(await count()).toBe(4);
    expect(stored.seq).toBe(4);
    const storedReads = await Promise.all(reads);
    expect(storedReads.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    // One transaction: one recorded_at for the batch.
    expect(new Set([...storedReads, stored].map((entry) => entry.recordedAt)).size).toBe(1);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 4 });
  });

  it('writes waiting reads on flush, list and close, and on its own once the window ends', async () => {
    const log = await freshLog(60_000);
    void log.append(read(0));
    await log.flush();
    expect(await count()).toBe(1);
    void log.append(read(1));
    expect((await log.list({ limit: 10 })).map((entry) => entry.actor)).toEqual(['analyst-0', 'analyst-1']);
    void log.append(read(2));
    await log.close();
    expect(await count()).toBe(3);

    const windowed = await freshLog(20);
    const entries = await Promise.all(Array.from({ length: 25 }, (_, index) => windowed.append(read(index))));
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    expect(await count()).toBe(25);
  });
});

describe('the canonical JSON of record references', () => {
  // What the seal covered before record references had their own path: keys sorted at every depth.
  const sortedKeys = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(sortedKeys).join(',')}]`;
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${sortedKeys(object[key])}`)
      .join(',')}}`;
  };

  it('is the text the seal always covered, for plain references and for anything else', () => {
    const values = [
      [
        { typename: 'FrontModel', id: 'mô-hình "một"\u2028' },
        { id: '7', typename: 'PoliceForce' },
      ],
      [{ typename: 'T', id: 'x', extra: 1 }, { typename: 'T', id: 3 }, { id: 'only' }],
      { records: [{ typename: 'Ñ', id: '\uFFFD' }], owners: ['front'], none: null },
    ];
    for (const value of values) expect(canonicalJson(value)).toBe(sortedKeys(value));
  });
});

describe('the audit plugin over a batching log', async () => {
  const supergraph = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');
  const schema = buildASTSchema(parse(supergraph), { assumeValidSDL: true });
  const police = { jwt: { payload: { sub: 'officer', agency: 'police', clearance: 'shared', exp: Math.floor(Date.now() / 1000) + 600 } } };

  async function run(log: AuditLog, document: string, result: ExecutionResult): Promise<ExecutionResult> {
    const plugin = useAuditLog({ log, supergraph });
    const args = { schema, document: parse(document), contextValue: police };
    const hooks = await plugin.onExecute!({ args } as never);
    let final = result;
    if (hooks) await hooks.onExecuteDone?.({ args, result, setResult: (next: ExecutionResult) => (final = next) } as never);
    return final;
  }

  it('audits every one of many concurrent cross-agency reads, and answers a write only once its entry is committed', async () => {
    const log = await freshLog(60_000);
    const crossRead = '{ frontModels { nodes { id name } } }';
    await Promise.all(Array.from({ length: 40 }, (_, index) => run(log, crossRead, { data: { frontModels: { nodes: [{ id: `fm-${index}`, name: 'Tổ' }] } } })));
    // The reads were answered without waiting for their entries.
    expect(await count()).toBe(0);

    await run(log, 'mutation { createPoliceModel(input: {}) { id } }', { data: { createPoliceModel: { id: 'pm-1' } } });
    expect(await count()).toBe(41);
    const entries = await log.list({ limit: 100 });
    expect(entries.filter((entry) => entry.operationType === 'query')).toHaveLength(40);
    expect(new Set(entries.flatMap((entry) => entry.records.map((record) => record.id)))).toEqual(new Set([...Array.from({ length: 40 }, (_, index) => `fm-${index}`), 'pm-1']));
    expect(entries.at(-1)).toMatchObject({ operationType: 'mutation', records: [{ typename: 'PoliceModel', id: 'pm-1' }] });
    expect(await log.verify()).toMatchObject({ ok: true, entries: 41 });
  });
});
