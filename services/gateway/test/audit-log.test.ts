import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildASTSchema, parse, type ExecutionResult } from 'graphql';
import { build } from 'esbuild';
import { connect } from 'nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, runMigrations, type Storage } from '@antq/subgraph-kit';
import { createTestDatabase, forEachStorageDriver, type StorageDriver } from '@antq/testing';
import {
  ANCHOR_FILE,
  auditKeyFrom,
  auditLocationsIn,
  auditMigrations,
  createAuditLog,
  loadOrCreateAuditKeyFile,
  useAuditLog,
  verifyAuditChain,
  type AuditEntry,
  type AuditEntryInput,
  type AuditKey,
  type AuditLog,
  type AuditVerification,
} from '../src/index.js';
import { entryHash, entrySeal, readPage } from '../src/audit/audit-log.js';
import { readSupergraphModel } from '../src/supergraph-model.js';
import { resultRecords } from '../src/plugins/use-audit-log.js';
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

// A fresh key and anchor folder per log: nothing is shared between tests but the drivers.
const newKey = () => auditKeyFrom(randomBytes(32).toString('base64'));
const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

interface AnchoredLog {
  readonly storage: Storage;
  readonly log: AuditLog;
  readonly key: AuditKey;
  readonly anchors: { dir: string };
  verify(key?: AuditKey): Promise<AuditVerification>;
  close(): Promise<void>;
}

/** A new keyed log with its own anchors in `storage`, emptied first: one store serves all the attacks. */
async function openAnchoredLog(storage: Storage, entries: number): Promise<AnchoredLog> {
  await runMigrations(storage, auditMigrations);
  await storage.query('DELETE FROM audit_log');
  await storage.query('DELETE FROM audit_chain');
  const key = newKey();
  const anchors = { dir: await mkdtemp(join(tmpdir(), 'antq-anchors-')) };
  const log = await createAuditLog(storage, { key, anchors });
  await appendMany(log, entries);
  await log.checkpoint();
  return {
    storage,
    log,
    key,
    anchors,
    verify: (other = key) => verifyAuditChain(storage, { key: other, anchors }),
    async close() {
      await log.close();
      await rm(anchors.dir, { recursive: true, force: true });
    },
  };
}

/**
 * What someone with write access to the database does to hide an edit: changes entry #k and
 * recomputes the hash of it and of every entry after it, so every link matches again.
 */
async function rewriteAndReseal(storage: Storage, k: number, seal: (prevHash: string, entry: AuditEntry) => string): Promise<void> {
  const [previous] = await storage.query<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = $1', [k - 1]);
  let prevHash = previous?.hash ?? '0'.repeat(64);
  const log = await readAll(storage, k - 1);
  for (const original of log) {
    const entry = original.seq === k ? { ...original, actor: 'someone-else', result: 'refused' as const } : original;
    const hash = seal(prevHash, { ...entry, prevHash });
    await storage.query('UPDATE audit_log SET actor = $1, result = $2, prev_hash = $3, hash = $4 WHERE seq = $5', [entry.actor, entry.result, prevHash, hash, entry.seq]);
    prevHash = hash;
  }
}

async function readAll(storage: Storage, after = 0): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (;;) {
    const page = await readPage(storage, after, 1000);
    entries.push(...page);
    if (page.length < 1000) return entries;
    after = page.at(-1)!.seq;
  }
}

forEachStorageDriver((driver) => {
  describe(`the audit log on ${driver.name}`, () => {
    chainedLogTests(driver);
  });

  describe(`attacks on a keyed, anchored audit log on ${driver.name}`, () => {
    let storage: Storage;
    let subject: AnchoredLog | undefined;
    beforeAll(async () => {
      storage = await driver.open();
    });
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });
    afterAll(() => driver.close(storage));
    const open = async (entries: number) => {
      subject = await openAnchoredLog(storage, entries);
      // Every attack starts from a log that verifies, with its checkpoint at the head.
      expect(await subject.verify()).toEqual({ ok: true, entries, unkeyedEntries: 0, checkpoints: 1, latestCheckpoint: { seq: entries, at: expect.any(String) } });
      return subject;
    };

    it('names entry #k when it was changed and every hash from it on recomputed with plain SHA-256', async () => {
      const { storage, verify } = await open(120);
      const k = randomInt(2, 110);
      await rewriteAndReseal(storage, k, (prevHash, forged) => entryHash(prevHash, forged));
      expect(await verify()).toMatchObject({
        ok: false,
        kind: 'rewritten',
        firstBadSeq: k,
        entries: k - 1,
        reason: expect.stringMatching(new RegExp(`#${k} .*without the audit key`)),
      });
    });

    it('names entry #k when it was re-sealed with an HMAC under another key', async () => {
      const { storage, verify } = await open(120);
      const k = randomInt(2, 110);
      const wrongKey = newKey();
      await rewriteAndReseal(storage, k, (prevHash, forged) => entrySeal(wrongKey, prevHash, forged));
      expect(await verify()).toMatchObject({ ok: false, kind: 'rewritten', firstBadSeq: k });
    });

    it('detects the last 20 entries cut off the end', async () => {
      const { storage, verify } = await open(120);
      await storage.query('DELETE FROM audit_log WHERE seq > 100');
      expect(await verify()).toMatchObject({ ok: false, kind: 'truncated', entries: 100, firstBadSeq: 101, reason: expect.stringMatching(/#101–#120 were cut off/) });
    });

    it('detects a cut that the gateway then wrote new entries over', async () => {
      const { storage, log, verify } = await open(120);
      await storage.query('DELETE FROM audit_log WHERE seq > 100');
      await appendMany(log, 30, 500);
      await log.checkpoint();
      expect(await verify()).toMatchObject({ ok: false, kind: 'diverged', firstBadSeq: 1, reason: expect.stringMatching(/#120 is not the entry/) });
    });

    it('detects a deleted entry in the middle', async () => {
      const { storage, verify } = await open(120);
      const k = randomInt(2, 119);
      await storage.query('DELETE FROM audit_log WHERE seq = $1', [k]);
      expect(await verify()).toMatchObject({ ok: false, kind: 'deleted', entries: k - 1, firstBadSeq: k, reason: expect.stringMatching(new RegExp(`#${k} is missing`)) });
    });

    it('refuses a forged checkpoint, the wrong key, and keyed entries passed off as unkeyed ones', async () => {
      const { storage, key, anchors, verify } = await open(60);
      expect(await verify(newKey())).toMatchObject({ ok: false, kind: 'wrong-key' });
      const forged = { count: 1000, seq: 1000, hash: 'f'.repeat(64), at: new Date().toISOString(), keyId: key.id, keyedFrom: 1, mac: '0'.repeat(64) };
      await appendFile(join(anchors.dir, ANCHOR_FILE), `${JSON.stringify(forged)}\n`);
      expect(await verify()).toMatchObject({ ok: false, kind: 'forged-checkpoint', firstBadSeq: 1000 });
      // Keyed entries re-hashed as v1 ones, with the marker moved past them (the genuine checkpoint comes first).
      await rewriteAndReseal(storage, 1, (prevHash, forgedEntry) => entryHash(prevHash, forgedEntry));
      await storage.query('UPDATE audit_chain SET keyed_from = 1000');
      expect(await verify()).toMatchObject({ ok: false, kind: 'downgraded', firstBadSeq: 1 });
      await storage.query('DELETE FROM audit_chain');
      expect(await verify()).toMatchObject({ ok: false, kind: 'downgraded', reason: expect.stringMatching(/the log says nowhere/) });
    });
  });
});

describe('a log written before the audit key (v1, unkeyed)', () => {
  it('verifies its old entries as unkeyed up to the switch, seals them with the first keyed entry, and refuses a second key', async () => {
    const storage = await createStorage({ kind: 'pglite' });
    const anchors = { dir: await mkdtemp(join(tmpdir(), 'antq-anchors-')) };
    try {
      // What an older gateway left: migration 1 and plain SHA-256 links.
      await runMigrations(storage, auditMigrations.slice(0, 1));
      const legacy = randomInt(5, 40);
      let prevHash = '0'.repeat(64);
      for (let seq = 1; seq <= legacy; seq += 1) {
        const stored = { ...entry(seq), seq, recordedAt: new Date().toISOString() };
        const hash = entryHash(prevHash, stored);
        await storage.query(
          `INSERT INTO audit_log (seq, recorded_at, actor, agency, organisation, operation_type, operation_name, fields, records, owners, result, error_codes, prev_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12::jsonb, $13, $14)`,
          [
            seq,
            stored.recordedAt,
            stored.actor,
            stored.agency,
            stored.organisation,
            stored.operationType,
            stored.operationName,
            JSON.stringify(stored.fields),
            JSON.stringify(stored.records),
            JSON.stringify(stored.owners),
            stored.result,
            JSON.stringify(stored.errorCodes),
            prevHash,
            hash,
          ],
        );
        prevHash = hash;
      }
      const key = newKey();
      const log = await createAuditLog(storage, { key, anchors });
      await appendMany(log, 10);
      await log.close();
      expect(await verifyAuditChain(storage, { key, anchors })).toMatchObject({ ok: true, entries: legacy + 10, unkeyedEntries: legacy, latestCheckpoint: { seq: legacy + 10 } });
      // An old entry rewritten with its v1 hashes recomputed: the first keyed entry's seal covers the old head's hash.
      await rewriteAndReseal(storage, 2, (prev, forged) => (forged.seq <= legacy ? entryHash(prev, forged) : forged.hash));
      expect(await verifyAuditChain(storage, { key, anchors })).toMatchObject({ ok: false, kind: 'rewritten', firstBadSeq: legacy + 1 });
      // A second key would make the chain unverifiable with either: the log refuses it.
      await expect(createAuditLog(storage, { key: newKey() })).rejects.toThrow(/sealed with audit key .* Start it with the key/);
    } finally {
      await storage.close();
      await rm(anchors.dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('two gateways appending to one PostgreSQL database', () => {
  it('build one unbroken chain, each anchoring it', async () => {
    const database = await createTestDatabase();
    const [first, second] = await Promise.all([createStorage({ kind: 'postgres', url: database.url }), createStorage({ kind: 'postgres', url: database.url })]);
    const key = newKey();
    const anchors = { dir: await mkdtemp(join(tmpdir(), 'antq-anchors-')) };
    try {
      // Both migrate at once, as two gateways starting together would, and checkpoint into one folder.
      const [a, b] = await Promise.all([createAuditLog(first, { key, anchors }), createAuditLog(second, { key, anchors })]);
      const waves = await Promise.all(Array.from({ length: 10 }, async (_, wave) => [...(await appendMany(a, 40, wave * 100)), ...(await appendMany(b, 40, wave * 100 + 50))]));
      const seqs = waves
        .flat()
        .map((e) => e.seq)
        .sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));
      await Promise.all([a.close(), b.close()]);
      expect(await a.verify()).toMatchObject({ ok: true, entries: 800, latestCheckpoint: { seq: 800 } });
    } finally {
      await Promise.all([first.close(), second.close()]);
      await database.drop();
      await rm(anchors.dir, { recursive: true, force: true });
    }
  });
});

describe('checkpoints anchored in NATS JetStream', () => {
  const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

  it('keeps them in a stream that denies delete and purge, and detects a cut from them alone', async () => {
    const natsStream = `ANTQ_AUDIT_TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
    const storage = await createStorage({ kind: 'pglite' });
    const nats = await connect({ servers: natsUrl });
    const jsm = await nats.jetstreamManager();
    try {
      const key = newKey();
      const log = await createAuditLog(storage, { key, anchors: { natsUrl, natsStream } });
      const entries = randomInt(30, 80);
      await appendMany(log, entries);
      await log.close();
      const { config } = await jsm.streams.info(natsStream);
      expect(config).toMatchObject({ deny_delete: true, deny_purge: true });
      const anchors = { natsUrl, natsStream };
      expect(await verifyAuditChain(storage, { key, anchors })).toMatchObject({ ok: true, entries, latestCheckpoint: { seq: entries } });
      await storage.query('DELETE FROM audit_log WHERE seq > $1', [entries - 20]);
      expect(await verifyAuditChain(storage, { key, anchors })).toMatchObject({ ok: false, kind: 'truncated', firstBadSeq: entries - 19 });
    } finally {
      await jsm.streams.delete(natsStream).catch(() => undefined);
      await nats.close();
      await storage.close();
    }
  }, 120_000);
});

/** Writes an audit log into `dataDir` as `npm start` does: key file beside the database, checkpoints in audit-anchors. */
async function writeEmbeddedLog(dataDir: string, entries: number): Promise<void> {
  const places = auditLocationsIn(dataDir);
  const key = await loadOrCreateAuditKeyFile(places.keyFile);
  // PGlite keeps a folder to one process: close it before the command opens it.
  const storage = await createStorage({ kind: 'pglite', dataDir: places.database });
  try {
    const log = await createAuditLog(storage, { key, anchors: { dir: places.anchorDir } });
    await appendMany(log, entries);
    await log.close();
  } finally {
    await storage.close();
  }
}

// The verifier must not pick up a key or folder from the environment the tests run in.
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ANTQ_') && name !== 'AUDIT_DATABASE_URL' && name !== 'INIT_CWD'));
type Outcome = { code: number; stdout: string; stderr: string };
const outcome = (command: Promise<{ stdout: string; stderr: string }>): Promise<Outcome> =>
  command.then(
    (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
    (failed: Outcome) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
  );

describe('the audit:verify command, as built', () => {
  let buildDir: string;
  const cli = () => join(buildDir, 'verify-audit.js');
  beforeAll(async () => {
    // Built as tsup builds dist/verify-audit.js (esbuild, dependencies left to node_modules), inside the workspace.
    buildDir = await mkdtemp(join(gatewayDir, '.verify-build-'));
    await build({
      entryPoints: [join(gatewayDir, 'src/audit/verify-audit-main.ts')],
      outfile: cli(),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
  });
  afterAll(() => rm(buildDir, { recursive: true, force: true }));
  // npm runs a workspace's script inside the workspace.
  const verify = (args: string[], env: Record<string, string> = {}, cwd = gatewayDir) => outcome(run(process.execPath, [cli(), ...args], { cwd, env: { ...cleanEnv(), ...env } }));

  describe('with flags', () => {
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'antq-audit-'));
    });
    afterAll(() => rm(dataDir, { recursive: true, force: true }));

    it('reports an intact chain, then the first broken entry, named, with exit code 1', async () => {
      await writeEmbeddedLog(dataDir, 30);
      const intact = await verify(['--data-dir', dataDir]);
      expect(intact).toMatchObject({ code: 0, stdout: expect.stringContaining('audit chain intact: 30 entries') });
      expect(intact.stdout).toMatch(/checkpoints? match(es)?; the newest covers entries up to #30/);

      const storage = await createStorage({ kind: 'pglite', dataDir: auditLocationsIn(dataDir).database });
      await storage.query('DELETE FROM audit_log WHERE seq > 25').finally(() => storage.close());
      const broken = await verify(['--data-dir', dataDir]);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain('audit chain broken at entry #26 (truncated):');
    }, 240_000);

    it('says it needs the audit key, and the checkpoints, when it has neither', async () => {
      const keyFile = auditLocationsIn(dataDir).keyFile;
      const moved = `${keyFile}.elsewhere`;
      await rename(keyFile, moved);
      try {
        const withoutKey = await verify(['--data-dir', dataDir]);
        expect(withoutKey.code).toBe(2);
        expect(withoutKey.stderr).toMatch(/no key was given: set ANTQ_AUDIT_KEY or ANTQ_AUDIT_KEY_FILE/);
        const withoutAnchors = await verify(['--data-dir', dataDir, '--anchor-dir', join(dataDir, 'nowhere')], { ANTQ_AUDIT_KEY_FILE: moved });
        expect(withoutAnchors.code).toBe(2);
        expect(withoutAnchors.stderr).toMatch(/No checkpoints at .*nowhere: pass --anchor-dir/);
      } finally {
        await rename(moved, keyFile);
      }
    }, 120_000);

    it('refuses a folder without an audit log instead of calling it intact', async () => {
      const result = await verify(['--data-dir', join(tmpdir(), 'antq-audit-nowhere')]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('No audit log');
    }, 120_000);
  });

  describe('npm run audit:verify -w @antq/gateway, without flags', () => {
    let project: string;
    beforeAll(async () => {
      project = await mkdtemp(join(tmpdir(), 'antq-project-'));
    });
    afterAll(() => rm(project, { recursive: true, force: true }));

    it('finds the log `npm start` wrote in .data where npm was run, without flags', async () => {
      const entries = randomInt(3, 40);
      await writeEmbeddedLog(join(project, '.data'), entries);
      // INIT_CWD: where the user ran npm.
      const result = await verify([], { INIT_CWD: project });
      expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining(`audit chain intact: ${entries} entries`) });
      expect(result.stderr).toContain(join(project, '.data', 'audit'));
    }, 180_000);

    it('lists where it looked when there is no log there', async () => {
      const empty = await mkdtemp(join(tmpdir(), 'antq-empty-'));
      try {
        const result = await verify([], { INIT_CWD: empty }, empty);
        if (result.code === 0) {
          // The repository's own .data (a developer's `npm start`) is the fallback after INIT_CWD.
          expect(result.stderr).toContain(join(gatewayDir, '../../.data/audit'));
        } else {
          expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining(`No audit log found; looked in ${join(empty, '.data', 'audit')}`) });
          expect(result.stderr).toContain(join(gatewayDir, '../../.data/audit'));
        }
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    }, 60_000);
  });
});

describe('what the audit plugin reads from the supergraph', async () => {
  const supergraphSdl = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');
  const schema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  const ownership = readSupergraphModel(supergraphSdl).ownership;

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
    const plugin = useAuditLog({ log: fake, supergraph: supergraphSdl, onError: () => undefined });
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

  itLeavesOwnReadsOutAndRecordsMutations(runPlugin, front);
});

// An unkeyed log: batches chain, and a changed or deleted row is named.
function chainedLogTests(driver: StorageDriver): void {
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
    expect(await log.verify()).toMatchObject({ ok: true, entries: 1201, unkeyedEntries: 0 });
    const page = await log.list({ after: 1199, limit: 10 });
    expect(page.map((e) => e.seq)).toEqual([1200, 1201]);
    expect(page[1]).toMatchObject({ actor: 'Nguyễn Văn A', records: [{ typename: 'FrontModel', id: 'mô-hình\uFFFD' }] });
  });

  it('names the first changed entry when a row is updated', async () => {
    await storage.query(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 500`);
    expect(await log.verify()).toMatchObject({ ok: false, kind: 'rewritten', entries: 499, firstBadSeq: 500, reason: expect.stringMatching(/#500.*changed/) });
    await storage.query(`UPDATE audit_log SET actor = $1 WHERE seq = 500`, [entry(499).actor]);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 1201 });
  });

  it('detects a deleted entry in the middle', async () => {
    await storage.query('DELETE FROM audit_log WHERE seq = 900');
    expect(await log.verify()).toMatchObject({ ok: false, kind: 'deleted', entries: 899, firstBadSeq: 900, reason: expect.stringMatching(/#900 is missing/) });
  });
}

// Own and public reads, anonymous reads and mutations, through the plugin's hooks alone.
function itLeavesOwnReadsOutAndRecordsMutations(runPlugin: RunPlugin, front: Record<string, unknown>): void {
  it('leaves own-agency and public reads out, and records anonymous reads of agency data', async () => {
    expect((await runPlugin('{ frontModels { nodes { id name } } }', front, { data: null })).appended).toEqual([]);
    expect((await runPlugin('{ indicators { id } area(code: "01") { name children { code } } }', front, { data: null })).appended).toEqual([]);
    const anonymous = await runPlugin('{ policeModel(id: "x") { name } }', undefined, {
      data: null,
      errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } } as never],
    });
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
}

type RunPlugin = (
  document: string,
  payload: Record<string, unknown> | undefined,
  result: ExecutionResult,
  log?: Partial<AuditLog>,
) => Promise<{ appended: AuditEntryInput[]; final: ExecutionResult }>;
