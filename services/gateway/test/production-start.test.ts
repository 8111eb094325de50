import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'nats';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage } from '@antq/subgraph-kit';
import { createTestDatabase, postGraphQL, type GraphQLResponse } from '@antq/testing';
import { AGENCY_SUBGRAPHS, auditKeyFrom, composeSupergraph, verifyAuditChain } from '../src/index.js';
import { EXAMPLE_OPERATIONS } from '../src/graphiql/example-operations.js';
import { readPage } from '../src/audit/audit-log.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = join(repoRoot, 'node_modules/.bin/tsx');
const ISSUER = 'https://id.example.gov.vn/antq';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const AUDIENCE = 'antq-graph';
const METRICS_TOKEN = randomBytes(24).toString('hex');

type Database = Awaited<ReturnType<typeof createTestDatabase>>;

interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** A port nobody listens on now: the mains take a fixed PORT, so the test picks them. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a TypeScript main from source with tsx, and waits until it prints `ready`. */
async function startMain(name: string, entry: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<RunningProcess> {
  const child = spawn(tsx, ['--conditions=@antq/source', entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = { name, child, output: () => output, exited };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 90 s. Output:\n${output}`)), 90_000);
    const check = () => {
      if (ready.test(output)) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready. Output:\n${output}`));
    });
  });
  return running;
}

/**
 * The change stream's main (README: webhooks in PostgreSQL, fan-out through NATS JetStream), on a
 * JetStream stream and subjects of its own so that runs do not share them.
 */
async function startStreamMain(agencies: readonly { name: string; url: string }[], signingKey: string) {
  const database = await createTestDatabase();
  const port = await freePort();
  const suffix = randomBytes(4).toString('hex');
  const natsStream = `ANTQ_PRODUCTION_TEST_${suffix}`;
  const running = await startMain(
    'stream',
    'services/stream/src/main.ts',
    [],
    {
      DATABASE_URL: database.url,
      NATS_URL,
      NATS_STREAM: natsStream,
      NATS_SUBJECT_PREFIX: `antq.production-test.${suffix}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      ANTQ_SIGNING_KEY: signingKey,
      ANTQ_AGENCY_URLS: agencies.map((agency) => `${agency.name}=${agency.url}`).join(','),
      ANTQ_WEBHOOK_ALLOWED_NETWORKS: '10.20.0.0/16,192.168.5.7',
      LOG_LEVEL: 'warn',
    },
    /stream subgraph listening on .*NATS JetStream/,
  );
  /** After the process has stopped: its JetStream stream and its database go. */
  const remove = async () => {
    const nc = await connect({ servers: NATS_URL });
    await (await nc.jetstreamManager()).streams.delete(natsStream).catch(() => undefined);
    await nc.close();
    await database.drop();
  };
  return { running, url: `http://127.0.0.1:${port}/graphql`, remove };
}

/** SIGTERM, then the exit code; a main that shuts down cleanly exits 0. */
async function stop(running: RunningProcess): Promise<number | null> {
  if (running.child.exitCode !== null) return running.child.exitCode;
  running.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000).unref());
  const result = await Promise.race([running.exited, timeout]);
  if (result === 'timeout') {
    running.child.kill('SIGKILL');
    throw new Error(`${running.name} did not stop within 20 s of SIGTERM. Output:\n${running.output()}`);
  }
  return result;
}

async function sign(key: CryptoKey, kid: string, claims: Record<string, unknown>, audience = AUDIENCE): Promise<string> {
  return new SignJWT({ roles: ['analyst'], clearance: 'shared', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setSubject(`${String(claims.agency)}:${randomUUID()}`)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
}

/**
 * Production mode, as an operator runs it: each agency's main with its own PostgreSQL database,
 * the gateway's main on a supergraph file, tokens verified against an identity provider's JWKS,
 * the audit log in PostgreSQL. Every service is a separate process started from source.
 */
describe('production mode: four subgraph processes on PostgreSQL, the change stream and the gateway process with JWKS', () => {
  const databases: Database[] = [];
  let stream: Awaited<ReturnType<typeof startStreamMain>> | undefined;
  const processes: RunningProcess[] = [];
  let auditDatabase: Database;
  let jwks: Server;
  let tempDir: string;
  let gatewayUrl: string;
  let key: CryptoKey;
  const kid = `test-${randomBytes(4).toString('hex')}`;
  const auditKey = randomBytes(32).toString('base64');

  const ask = <T = Record<string, unknown>>(query: string, token?: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> =>
    postGraphQL<T>(gatewayUrl, { query, ...(variables ? { variables } : {}) }, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    tempDir = await mkdtemp(join(tmpdir(), 'antq-production-'));
    const signingKey = randomBytes(32).toString('base64');

    // The identity provider's JWKS endpoint.
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    const body = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' }] });
    jwks = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;

    // One database per agency, and one for the audit log.
    for (let index = 0; index < AGENCY_SUBGRAPHS.length; index++) databases.push(await createTestDatabase());
    auditDatabase = await createTestDatabase();

    const subgraphUrls = await Promise.all(
      AGENCY_SUBGRAPHS.map(async (agency, index) => {
        const port = await freePort();
        const running = await startMain(
          agency,
          `services/${agency}/src/main.ts`,
          [],
          {
            DATABASE_URL: databases[index]!.url,
            PORT: String(port),
            HOST: '127.0.0.1',
            ANTQ_SIGNING_KEY: signingKey,
            ANTQ_EXAMPLE_DATA: 'true',
            LOG_LEVEL: 'warn',
          },
          new RegExp(`${agency} subgraph listening on`),
        );
        processes.push(running);
        return { name: agency, url: `http://127.0.0.1:${port}/graphql` };
      }),
    );

    stream = await startStreamMain(subgraphUrls, signingKey);
    processes.push(stream.running);

    const supergraphFile = join(tempDir, 'supergraph.graphql');
    const schemaDir = join(repoRoot, 'schema');
    const subgraphs = [...subgraphUrls, { name: 'stream', url: stream.url }];
    await writeFile(
      supergraphFile,
      composeSupergraph(await Promise.all(subgraphs.map(async (subgraph) => ({ ...subgraph, sdl: await readFile(join(schemaDir, `${subgraph.name}.graphql`), 'utf8') })))),
    );

    const gatewayPort = await freePort();
    processes.push(
      await startMain(
        'gateway',
        'services/gateway/src/main.ts',
        ['--supergraph', supergraphFile, '--port', String(gatewayPort), '--host', '127.0.0.1'],
        {
          ANTQ_SIGNING_KEY: signingKey,
          ANTQ_JWKS_URL: jwksUrl,
          ANTQ_JWT_ISSUER: ISSUER,
          ANTQ_JWT_AUDIENCE: AUDIENCE,
          AUDIT_DATABASE_URL: auditDatabase.url,
          ANTQ_AUDIT_KEY: auditKey,
          ANTQ_DATA_DIR: join(tempDir, 'gateway'),
          ANTQ_METRICS_TOKEN: METRICS_TOKEN,
        },
        /ANTQ gateway listening on/,
      ),
    );
    gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled(processes.map((running) => stop(running)));
    await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
    await Promise.allSettled([...databases, ...(auditDatabase ? [auditDatabase] : [])].map((database) => database.drop()));
    await stream?.remove();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }, 60_000);

  const ctx: ProductionContext = { ask, kid, auditKey, databases, processes, state: () => ({ key, gatewayUrl, auditDatabase, tempDir }) };
  itServesReadsAndWrites(ctx);

  itRefusesBadTokensAndStopsCleanly(ctx);
});

// Bad tokens, the GraphiQL examples, metrics and SIGTERM; state set by beforeAll is read when the tests run.
function itRefusesBadTokensAndStopsCleanly(ctx: ProductionContext): void {
  it('refuses tokens signed with another key, for another audience, or expired, with UNAUTHENTICATED', async () => {
    const { key } = ctx.state();
    const { ask, kid } = ctx;
    const other = await generateKeyPair('ES256');
    const forged = await sign(other.privateKey, kid, { agency: 'police' });
    const wrongAudience = await sign(key, kid, { agency: 'police' }, 'another-service');
    const expired = await new SignJWT({ agency: 'police', roles: ['analyst'] })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 1800)
      .sign(key);
    for (const token of [forged, wrongAudience, expired]) {
      const response = await ask('{ area(code: "28159") { police { models { totalCount } } } }', token);
      expect(response.data ?? null).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('runs every GraphiQL example operation without errors', async () => {
    const { key } = ctx.state();
    const { ask, kid } = ctx;
    const analyst = await sign(key, kid, { agency: 'police' });
    for (const operation of EXAMPLE_OPERATIONS) {
      const response = await ask(operation.query, analyst, operation.variables ? { ...operation.variables } : undefined);
      expect({ operation: operation.name, errors: response.errors }).toEqual({ operation: operation.name, errors: undefined });
      expect(response.data).toBeTruthy();
    }
  });

  it('counts requests and subgraph calls in /metrics', async () => {
    const { gatewayUrl } = ctx.state();
    const metrics = await (await fetch(gatewayUrl.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toMatch(/graphql_envelop_request_duration_count\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/graphql_gateway_subgraph_execute_duration_count\{[^}]*subgraphName="police"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/graphql_gateway_fetch_duration_count\{[^}]*\} [1-9]/);
  });

  it('stops every process cleanly on SIGTERM, with the audit log flushed to its database', async () => {
    const { auditDatabase, tempDir } = ctx.state();
    const { auditKey, processes } = ctx;
    for (const running of [...processes].reverse()) {
      expect({ process: running.name, code: await stop(running) }).toEqual({ process: running.name, code: 0 });
    }
    const storage = await createStorage({ kind: 'postgres', url: auditDatabase.url });
    try {
      const entries = await readPage(storage, 0, 10_000);
      expect(entries.some((entry) => entry.operationType === 'mutation' && entry.agency === 'police' && entry.result === 'ok')).toBe(true);
      // Sealed with the key it was given, and checkpointed at close into the default anchor folder.
      const anchors = { dir: join(tempDir, 'gateway', 'audit-anchors') };
      expect(await verifyAuditChain(storage, { key: auditKeyFrom(auditKey), anchors })).toMatchObject({
        ok: true,
        entries: entries.length,
        latestCheckpoint: { seq: entries.length },
      });
    } finally {
      await storage.close();
    }
  }, 90_000);
}

// Health, a read across the agencies and a write, as an operator's clients see them.
function itServesReadsAndWrites(ctx: ProductionContext): void {
  it('answers health and readiness, and serves Prometheus metrics', async () => {
    const { gatewayUrl } = ctx.state();
    const base = gatewayUrl.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/readiness`)).status).toBe(200);
    // Scraped with ANTQ_METRICS_TOKEN, refused without it.
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('reads one area across the four agencies with a token the identity provider signed', async () => {
    const { key } = ctx.state();
    const { ask, kid } = ctx;
    const analyst = await sign(key, kid, { agency: 'police' });
    const response = await ask<{ area: Record<string, { agency: string; models: { totalCount: number } }> & { fullName: string } }>(
      `{ area(code: "28159") { fullName
          police { agency models { totalCount } } front { agency models { totalCount } }
          veterans { agency models { totalCount } } youth { agency models { totalCount } } } }`,
      analyst,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.area.fullName).toBe('Xã Cần Giuộc');
    for (const agency of AGENCY_SUBGRAPHS) {
      expect(response.data!.area[agency]).toMatchObject({ agency: agency.toUpperCase() });
      expect(response.data!.area[agency]!.models.totalCount).toBeGreaterThan(0);
    }
  });

  it('takes a write from the owning agency, stores it in its database and shows it to readers', async () => {
    const { key } = ctx.state();
    const { ask, kid, databases } = ctx;
    const editor = await sign(key, kid, { agency: 'police', organisation: 'police', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' });
    const name = `Camera giám sát ${randomUUID()}`;
    const cursorBefore = await ask<{ changesCursor: string }>('{ changesCursor }', editor);
    expect(cursorBefore.errors).toBeUndefined();
    const created = await ask<{ createPoliceModel: { id: string; name: string } }>(
      'mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id name } }',
      editor,
      { input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name } },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createPoliceModel.name).toBe(name);
    // The change stream has read it from the police outbox: the cursor of "now" has moved on.
    const cursorAfter = await ask<{ changesCursor: string }>('{ changesCursor }', editor);
    expect(cursorAfter.errors).toBeUndefined();
    expect(cursorAfter.data!.changesCursor).not.toBe(cursorBefore.data!.changesCursor);

    const reader = await sign(key, kid, { agency: 'front' });
    const listed = await ask<{ policeModels: { nodes: { id: string; name: string }[] } }>(`{ policeModels(filter: { area: "28177" }, first: 200) { nodes { id name } } }`, reader);
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.policeModels.nodes).toContainEqual({ id: created.data!.createPoliceModel.id, name });

    // It is in the police database, and in no other agency's.
    const stores = await Promise.all(databases.map((database) => createStorage({ kind: 'postgres', url: database.url })));
    try {
      const counts = await Promise.all(
        stores.map(async (store) => (await store.query<{ n: number }>('SELECT count(*)::int AS n FROM security_models WHERE id = $1', [created.data!.createPoliceModel.id]))[0]!.n),
      );
      expect(Object.fromEntries(AGENCY_SUBGRAPHS.map((agency, index) => [agency, counts[index]]))).toEqual({ police: 1, front: 0, veterans: 0, youth: 0 });
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
}

/** What the production-mode tests share; `state` holds what beforeAll sets. */
interface ProductionContext {
  ask: <T = Record<string, unknown>>(query: string, token?: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<T>>;
  kid: string;
  auditKey: string;
  databases: Database[];
  processes: RunningProcess[];
  state: () => { key: CryptoKey; gatewayUrl: string; auditDatabase: Database; tempDir: string };
}
