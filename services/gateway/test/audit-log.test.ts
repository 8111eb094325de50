import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildASTSchema, parse, type ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, type Storage } from '@antq/subgraph-kit';
import { createTestDatabase, forEachStorageDriver } from '@antq/testing';
import { createAuditLog, useAuditLog, type AuditEntry, type AuditEntryInput, type AuditLog } from '../src/index.js';
import { entryHash } from '../src/audit/audit-log.js';
import { graphOwnership } from '../src/audit/ownership.js';
import { resultRecords } from '../src/audit/use-audit.js';
import { selectedCoordinates } from '../src/operation-analysis.js';

const run = promisify(execFile);
const gatewayDir = fileURLToPath(new URL('..', import.meta.url));

function entry(index: number, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    actor: `officer-${index % 7}`,
    agency: 'front',
    organisation: index % 2 ? 'WOMENS_UNION' : null,
    operationType: index % 3 ? 'query' : 'mutation',
    operationName: `Op${index}`,
    fields: ['Query.policeModel', 'PoliceModel.name'],
    records: [{ typename: 'PoliceModel', id: `pm-${index}` }],
    owners: ['police'],
    result: 'ok',
    errorCodes: [],
    ...overrides,
  };
}

async function appendMany(log: AuditLog, count: number, from = 0): Promise<AuditEntry[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => log.append(entry(from + index))));
}

forEachStorageDriver((driver) => {
  describe(`the audit log on ${driver.name}`, () => {
    let storage: Storage;
    let log: AuditLog;
    beforeAll(async () => {
      storage = await driver.open();
      log = await createAuditLog(storage);
    });
    afterAll(async () => {
      await log.close();
      await driver.close(storage);
    });

    it('chains many appends, in batches, into one verifiable sequence', async () => {
      const stored = await appendMany(log, 1200);
      expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
      expect(stored[0]!.prevHash).toBe('0'.repeat(64));
      expect(stored[1]!.prevHash).toBe(stored[0]!.hash);
      // Unicode and jsonb key reordering must not change what the hash covers.
      await log.append(entry(1200, { actor: 'Nguyễn Văn A', records: [{ typename: 'FrontModel', id: 'mô-hình\u0000' }] }));
      await log.flush();
      expect(await log.verify()).toEqual({ ok: true, entries: 1201 });
      const page = await log.list({ after: 1199, limit: 10 });
      expect(page.map((e) => e.seq)).toEqual([1200, 1201]);
      expect(page[1]).toMatchObject({ actor: 'Nguyễn Văn A', records: [{ typename: 'FrontModel', id: 'mô-hình\uFFFD' }] });
    });

    it('names the first changed entry when a row is updated', async () => {
      await storage.query(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 500`);
      expect(await log.verify()).toMatchObject({ ok: false, entries: 499, firstBadSeq: 500, reason: expect.stringMatching(/#500.*changed/) });
      await storage.query(`UPDATE audit_log SET actor = $1 WHERE seq = 500`, [entry(499).actor]);
      expect(await log.verify()).toEqual({ ok: true, entries: 1201 });
    });

    it('names the rewritten entry when its hash was recomputed too', async () => {
      const [original] = await log.list({ after: 699, limit: 1 });
      const forged = { ...original!, operationName: 'Innocent' };
      await storage.query(`UPDATE audit_log SET operation_name = 'Innocent', hash = $1 WHERE seq = 700`, [entryHash(forged.prevHash, forged)]);
      expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 700, reason: expect.stringMatching(/#700.*recomputed/) });
      await storage.query(`UPDATE audit_log SET operation_name = $1, hash = $2 WHERE seq = 700`, [original!.operationName, original!.hash]);
    });

    it('detects a deleted entry in the middle', async () => {
      await storage.query('DELETE FROM audit_log WHERE seq = 900');
      expect(await log.verify()).toMatchObject({ ok: false, entries: 899, firstBadSeq: 900, reason: expect.stringMatching(/#900 is missing/) });
    });
  });
});

describe('two gateways appending to one PostgreSQL database', () => {
  it('build one unbroken chain', async () => {
    const database = await createTestDatabase();
    const [first, second] = await Promise.all([createStorage({ kind: 'postgres', url: database.url }), createStorage({ kind: 'postgres', url: database.url })]);
    try {
      // Both migrate at once, as two gateways starting together would.
      const [a, b] = await Promise.all([createAuditLog(first), createAuditLog(second)]);
      const waves = await Promise.all(
        Array.from({ length: 10 }, async (_, wave) => [...(await appendMany(a, 40, wave * 100)), ...(await appendMany(b, 40, wave * 100 + 50))]),
      );
      const seqs = waves.flat().map((e) => e.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));
      await Promise.all([a.close(), b.close()]);
      expect(await a.verify()).toEqual({ ok: true, entries: 800 });
    } finally {
      await Promise.all([first.close(), second.close()]);
      await database.drop();
    }
  });
});

describe('the audit:verify command', () => {
  const tsx = join(gatewayDir, '../../node_modules/.bin/tsx');
  const verify = (args: string[]) =>
    run(tsx, ['--conditions=@antq/source', 'src/audit/verify-audit-main.ts', ...args], { cwd: gatewayDir }).then(
      (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
      (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
    );

  it('reports an intact chain, then the first broken entry with exit code 1', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'antq-audit-'));
    try {
      const write = async (work: (storage: Storage) => Promise<unknown>) => {
        // PGlite keeps a folder to one process: close it before the command opens it.
        const storage = await createStorage({ kind: 'pglite', dataDir: join(dataDir, 'audit') });
        await work(storage).finally(() => storage.close());
      };
      await write(async (storage) => {
        const log = await createAuditLog(storage);
        await appendMany(log, 30);
        await log.close();
      });
      const intact = await verify(['--data-dir', dataDir]);
      expect(intact).toMatchObject({ code: 0, stdout: expect.stringContaining('audit chain intact: 30 entries') });

      await write((storage) => storage.query(`UPDATE audit_log SET result = 'error' WHERE seq = 17`));
      const broken = await verify(['--data-dir', dataDir]);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain('audit chain broken at entry #17:');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a folder without an audit log instead of calling it intact', async () => {
    const result = await verify(['--data-dir', join(tmpdir(), 'antq-audit-nowhere')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No audit log');
  }, 60_000);
});

describe('what the audit plugin reads from the supergraph', async () => {
  const supergraphSdl = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');
  const schema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  const ownership = graphOwnership(supergraphSdl);

  it('derives owning agencies of coordinates and types from the join directives', () => {
    expect(ownership.fieldOwners('Query.policeModel')).toEqual(['police']);
    expect(ownership.fieldOwners('Area.youth')).toEqual(['youth']);
    expect(ownership.fieldOwners('FrontObservation.value')).toEqual(['front']);
    expect(ownership.fieldOwners('ResidentialArea.name')).toEqual(['police']);
    // Shared: the area register, the catalogues, entity keys every subgraph can reference.
    for (const coordinate of ['Query.area', 'Area.name', 'Area.children', 'Query.indicators', 'Indicator.id', 'PoliceModel.id', 'ResidentialArea.id']) {
      expect(ownership.fieldOwners(coordinate), coordinate).toEqual([]);
    }
    expect(ownership.typeOwners('VeteransForce')).toEqual(['veterans']);
    expect(ownership.typeOwners('Area')).toEqual([]);
  });

  const crossRead = parse(`query Look($code: ID!) {
    area(code: $code) { name police { models { nodes { ...M } } } }
    frontModels { nodes { id name linkedRecords { __typename ... on PoliceForce { id units } } } }
  }
  fragment M on PoliceModel { key: id name }`);
  const data = {
    area: { name: 'Mỹ Lộc', police: { models: { nodes: [{ key: 'pm-1', name: 'Camera' }] } } },
    frontModels: { nodes: [{ id: 'fm-1', name: 'Tổ tự quản', linkedRecords: [{ __typename: 'PoliceForce', id: 'pf-9', units: 3 }] }] },
  };

  it('lists the selected coordinates and the records of the result', () => {
    expect(selectedCoordinates(schema, crossRead)).toEqual([
      'Area.name',
      'Area.police',
      'FrontModel.id',
      'FrontModel.linkedRecords',
      'FrontModel.name',
      'FrontModelConnection.nodes',
      'PoliceAreaView.models',
      'PoliceForce.id',
      'PoliceForce.units',
      'PoliceModel.id',
      'PoliceModel.name',
      'PoliceModelConnection.nodes',
      'Query.area',
      'Query.frontModels',
    ]);
    expect(resultRecords(schema, crossRead, 'Look', data)).toEqual([
      { typename: 'PoliceModel', id: 'pm-1' },
      { typename: 'FrontModel', id: 'fm-1' },
      { typename: 'PoliceForce', id: 'pf-9' },
    ]);
  });

  // The hooks alone, with a fake log: the full gateway is exercised elsewhere.
  async function runPlugin(document: string, payload: Record<string, unknown> | undefined, result: ExecutionResult, log: Partial<AuditLog> = {}) {
    const appended: AuditEntryInput[] = [];
    const fake = { append: async (input: AuditEntryInput) => (appended.push(input), {} as AuditEntry), ...log } as AuditLog;
    const plugin = useAuditLog({ log: fake, supergraphSdl, onError: () => undefined });
    const args = { schema, document: parse(document), contextValue: payload ? { jwt: { payload } } : {} };
    const hooks = await plugin.onExecute!({ args } as never);
    let final = result;
    if (hooks) await hooks.onExecuteDone?.({ args, result, setResult: (next: ExecutionResult) => (final = next) } as never);
    return { appended, final };
  }
  const front = { sub: 'u-1', agency: 'front', organisation: 'womens_union', exp: Math.floor(Date.now() / 1000) + 600 };

  it('records a cross-agency read with the caller, owners and foreign records only', async () => {
    const { appended } = await runPlugin(crossRead.loc!.source.body, front, { data });
    expect(appended).toEqual([
      {
        actor: 'u-1',
        agency: 'front',
        organisation: 'womens_union',
        operationType: 'query',
        operationName: 'Look',
        fields: selectedCoordinates(schema, crossRead),
        records: [
          { typename: 'PoliceModel', id: 'pm-1' },
          { typename: 'PoliceForce', id: 'pf-9' },
        ],
        owners: ['front', 'police'],
        result: 'ok',
        errorCodes: [],
      },
    ]);
  });

  it('leaves own-agency and public reads out, and records anonymous reads of agency data', async () => {
    expect((await runPlugin('{ frontModels { nodes { id name } } }', front, { data: null })).appended).toEqual([]);
    expect((await runPlugin('{ indicators { id } area(code: "01") { name children { code } } }', front, { data: null })).appended).toEqual([]);
    const anonymous = await runPlugin('{ policeModel(id: "x") { name } }', undefined, { data: null, errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } } as never] });
    expect(anonymous.appended).toMatchObject([{ actor: 'anonymous', agency: null, result: 'refused', errorCodes: ['UNAUTHENTICATED'], owners: ['police'] }]);
  });

  it('records every mutation, and withholds the answer when its entry cannot be written', async () => {
    const mutation = 'mutation { createFrontModel(input: {}) { id } }';
    const written = await runPlugin(mutation, front, { data: { createFrontModel: { id: 'fm-2' } } });
    expect(written.appended).toMatchObject([{ operationType: 'mutation', records: [{ typename: 'FrontModel', id: 'fm-2' }], owners: ['front'] }]);
    const failing = await runPlugin(mutation, front, { data: { createFrontModel: { id: 'fm-3' } } }, { append: () => Promise.reject(new Error('disk full')) });
    expect(failing.final).toMatchObject({ errors: [{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    expect(failing.final.data).toBeUndefined();
  });
});
