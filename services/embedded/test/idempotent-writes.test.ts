import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import { createTestDatabase, postGraphQL, type GraphQLResponse } from '@antq/testing';
import { composeSupergraph, createDevelopmentIssuer, createGateway, type Gateway } from '@antq/gateway';
import { createPoliceSubgraph } from '@antq/police';
import type { AgencySubgraph, AgencySubgraphOptions } from '@antq/subgraph-kit';

const policeSdl = await readFile(new URL('../../../schema/police.graphql', import.meta.url), 'utf8');

const CREATE_MODEL = 'mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id name } }';

/**
 * A TCP proxy that forwards a request to the subgraph and, once the request named `marker`,
 * destroys both connections when the answer's first bytes come back: the write has committed,
 * and the gateway (and so the client) never gets its answer — the "unclear failure".
 */
async function startCuttingProxy(target: string, marker: string): Promise<{ url: string; cuts: () => number; close(): Promise<void> }> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let cuts = 0;
  const server: Server = createServer((client) => {
    const server = connect(Number(upstream.port), upstream.hostname);
    sockets.add(client).add(server);
    let armed = false;
    client.on('data', (chunk: Buffer) => {
      if (chunk.includes(marker)) armed = true;
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      if (!armed) return void client.write(chunk);
      cuts += 1;
      client.destroy();
      server.destroy();
    });
    for (const socket of [client, server]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        server.destroy();
      });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    cuts: () => cuts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The police subgraph behind gateways, with a development issuer for tokens. */
async function startPolice(options: { registry: AreaRegistry; storage?: AgencySubgraphOptions['storage'] }) {
  const signingKey = randomBytes(32).toString('base64');
  const police = await createPoliceSubgraph({ port: 0, signingKey, registry: options.registry, logLevel: 'silent', ...(options.storage ? { storage: options.storage } : {}) });
  const issuer = await createDevelopmentIssuer();
  const gateways: Gateway[] = [];
  const gatewayTo = async (url: string) => {
    const gateway = await createGateway({
      supergraph: composeSupergraph([{ name: 'police', url, sdl: policeSdl }]),
      port: 0,
      signingKey,
      identity: { keys: { kind: 'key', publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience },
      logLevel: false,
    });
    gateways.push(gateway);
    return gateway;
  };
  const close = async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await police.close();
  };
  return { police, issuer, gatewayTo, close };
}

async function countRows(police: AgencySubgraph): Promise<{ models: number; changes: number }> {
  const [row] = await police.storage.query<{ models: number; changes: number }>(
    'SELECT (SELECT count(*) FROM security_models)::int AS models, (SELECT count(*) FROM change_outbox)::int AS changes',
  );
  return row!;
}

function send<T = Record<string, unknown>>(
  gateway: Gateway,
  request: { query: string; variables?: Record<string, unknown>; token: string; key?: string },
): Promise<GraphQLResponse<T>> {
  return postGraphQL<T>(
    gateway.url,
    { query: request.query, ...(request.variables ? { variables: request.variables } : {}) },
    { headers: { authorization: `Bearer ${request.token}`, ...(request.key === undefined ? {} : { 'idempotency-key': request.key }) } },
  );
}

const modelInput = (name = `Camera ${randomUUID()}`) => ({ kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name });

describe('idempotent writes through the gateway (PGlite)', () => {
  let registry: AreaRegistry;
  let graph: Awaited<ReturnType<typeof startPolice>>;
  let gateway: Gateway;
  let editor: string;
  let admin: string;

  const create = (input: Record<string, unknown>, key?: string, token = editor, through = gateway) =>
    send<{ createPoliceModel: { id: string; name: string } }>(through, { query: CREATE_MODEL, variables: { input }, token, ...(key === undefined ? {} : { key }) });
  const idsNamed = async (name: string) =>
    (await graph.police.storage.query<{ id: string }>('SELECT id FROM security_models WHERE name = $1 ORDER BY created_at', [name])).map((row) => row.id);

  beforeAll(async () => {
    registry = await loadAreaRegistry();
    graph = await startPolice({ registry });
    gateway = await graph.gatewayTo(graph.police.url);
    editor = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'], subject: `editor-${randomUUID()}` });
    admin = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['admin'], clearance: 'restricted', subject: `admin-${randomUUID()}` });
  }, 60_000);

  afterAll(async () => {
    await graph?.close();
  });

  it('stores a write whose answer was lost once when it is retried with its Idempotency-Key; without a key the retry duplicates it', async () => {
    const proxy = await startCuttingProxy(graph.police.url, 'createPoliceModel');
    try {
      const cut = await graph.gatewayTo(proxy.url);
      const key = randomUUID();
      const input = modelInput();
      const before = await countRows(graph.police);

      const lost = await create(input, key, editor, cut);
      expect(lost.errors?.length).toBeGreaterThan(0);
      expect(lost.data?.createPoliceModel ?? null).toBeNull();
      expect(proxy.cuts()).toBe(1);
      // The write committed although the client saw an error.
      const [stored] = await idsNamed(input.name);
      expect(stored).toBeDefined();

      const retried = await create(input, key);
      expect(retried.errors).toBeUndefined();
      expect(retried.data!.createPoliceModel).toEqual({ id: stored, name: input.name });
      expect(await idsNamed(input.name)).toEqual([stored]);
      expect(await countRows(graph.police)).toEqual({ models: before.models + 1, changes: before.changes + 1 });

      // Why the key exists: the same lost answer retried without one stores the record twice.
      const plain = modelInput();
      expect((await create(plain, undefined, editor, cut)).errors?.length).toBeGreaterThan(0);
      expect((await create(plain)).errors).toBeUndefined();
      expect(await idsNamed(plain.name)).toHaveLength(2);
      expect(proxy.cuts()).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  const ctx: WritesContext = { state: () => ({ registry, graph, gateway, editor, admin }), create, idsNamed };
  itRefusesReusedKeysAndKeepsCallersApart(ctx);

  itMakesEveryPoliceWriteOncePerKey(ctx);

  itChecksKeysAndCarriesThemOverWebSockets(ctx);
});

describe('idempotent writes on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let graph: Awaited<ReturnType<typeof startPolice>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    graph = await startPolice({ registry: await loadAreaRegistry(), storage: { kind: 'postgres', url: database.url } });
  }, 60_000);

  afterAll(async () => {
    await graph?.close();
    await database?.drop();
  });

  it('lets one of several concurrent requests with one key write, and answers all with its record', async () => {
    const gateway = await graph.gatewayTo(graph.police.url);
    const editor = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'], subject: `editor-${randomUUID()}` });
    const key = randomUUID();
    const input = modelInput();
    const before = await countRows(graph.police);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => send<{ createPoliceModel: { id: string } }>(gateway, { query: CREATE_MODEL, variables: { input }, token: editor, key })),
    );
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    expect(new Set(answers.map((answer) => answer.data!.createPoliceModel.id)).size).toBe(1);
    expect(await countRows(graph.police)).toEqual({ models: before.models + 1, changes: before.changes + 1 });
  });
});

// The key's format and lifetime, and keys over graphql-ws; state is read when the tests run.
function itChecksKeysAndCarriesThemOverWebSockets(ctx: WritesContext): void {
  it('checks the key: printable ASCII, 1–255 characters, one write per key', async () => {
    const { graph, gateway, editor } = ctx.state();
    const { create } = ctx;
    const before = await countRows(graph.police);
    for (const key of ['x'.repeat(256), '', 'tab\there']) {
      const refused = await create(modelInput(), key);
      expect(refused.errors?.[0]?.extensions, JSON.stringify(key)).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    const two = await send(gateway, {
      query: 'mutation ($a: SecurityModelInput!, $b: SecurityModelInput!) { a: createPoliceModel(input: $a) { id } b: createPoliceModel(input: $b) { id } }',
      variables: { a: modelInput(), b: modelInput() },
      token: editor,
      key: randomUUID(),
    });
    expect(two.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(two.errors?.[0]?.message).toMatch(/exactly one field/);
    expect(await countRows(graph.police)).toEqual(before);
    // The draft's Structured Field form ("…") is the same key as the bare one.
    const key = randomUUID();
    const input = modelInput();
    const quoted = (await create(input, `"${key}"`)).data!.createPoliceModel.id;
    expect((await create(input, key)).data!.createPoliceModel.id).toBe(quoted);
  });

  it('forgets a key after 24 hours', async () => {
    const { graph } = ctx.state();
    const { create } = ctx;
    const key = randomUUID();
    const input = modelInput();
    const first = (await create(input, key)).data!.createPoliceModel.id;
    await graph.police.storage.query("UPDATE idempotent_writes SET created_at = now() - interval '25 hours' WHERE idempotency_key = $1", [key]);
    const second = (await create(input, key)).data!.createPoliceModel.id;
    expect(second).not.toBe(first);
    const claims = await graph.police.storage.query<{ record_id: string }>('SELECT record_id FROM idempotent_writes WHERE idempotency_key = $1', [key]);
    expect(claims).toEqual([{ record_id: second }]);
  });

  it('takes the key from the operation extensions over graphql-ws, not from the upgrade request', async () => {
    const { gateway, editor } = ctx.state();
    const { idsNamed } = ctx;
    // A header on the upgrade would hold for every operation of the socket: it is not a key.
    const upgradeKey = randomUUID();
    class WebSocketWithHeader extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { 'idempotency-key': upgradeKey } });
      }
    }
    const client = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocketWithHeader,
      connectionParams: { authorization: `Bearer ${editor}` },
      retryAttempts: 0,
    });
    try {
      const key = randomUUID();
      const input = modelInput();
      const run = async (extensions: Record<string, unknown>, write = input) => {
        for await (const result of client.iterate<{ createPoliceModel: { id: string } }>({ query: CREATE_MODEL, variables: { input: write }, extensions })) {
          expect(result.errors).toBeUndefined();
          return result.data!.createPoliceModel.id;
        }
        throw new Error('no result');
      };
      const first = await run({ idempotencyKey: key });
      expect(await run({ idempotencyKey: key })).toBe(first);
      expect(await idsNamed(input.name)).toEqual([first]);
      const other = modelInput();
      await run({}, other);
      await run({}, other);
      expect(await idsNamed(other.name)).toHaveLength(2);
    } finally {
      await client.dispose();
    }
  });
}

// Every kind of police write, once per key.
function itMakesEveryPoliceWriteOncePerKey(ctx: WritesContext): void {
  it('makes every kind of police write, designations and grants included, once per key', async () => {
    const { graph, gateway, editor, admin } = ctx.state();
    const { create } = ctx;
    const model = (await create(modelInput())).data!.createPoliceModel.id;
    const period = `${1950 + Math.floor(Math.random() * 50)}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}`;
    const observation = await send<{ reportPoliceObservation: { id: string } }>(gateway, {
      query: 'mutation ($input: ObservationInput!) { reportPoliceObservation(input: $input) { id } }',
      variables: { input: { indicator: 'criminal_offences', areaCode: '28177', period, value: 3 } },
      token: editor,
    });
    expect(observation.errors).toBeUndefined();
    const grant = await send<{ grantPoliceAccess: { id: string } }>(gateway, {
      query: 'mutation ($input: AccessGrantInput!) { grantPoliceAccess(input: $input) { id } }',
      variables: { input: { grantee: 'FRONT', areaCode: '80', validUntil: '2099-01-01T00:00:00Z' } },
      token: admin,
    });
    expect(grant.errors).toBeUndefined();
    const writes: { query: string; variables: Record<string, unknown>; token?: string }[] = [
      {
        query: 'mutation ($input: VolunteerForceInput!) { createPoliceForce(input: $input) { id } }',
        variables: { input: { kind: 'grassroots_security_team', name: `Team ${randomUUID()}`, areaCode: '28177', units: 2 } },
      },
      {
        query: 'mutation ($input: ObservationInput!) { reportPoliceObservation(input: $input) { id } }',
        variables: { input: { indicator: 'criminal_offences', areaCode: '28159', period, value: 7 } },
      },
      {
        query: 'mutation ($id: ID!, $input: ObservationCorrectionInput!) { correctPoliceObservation(id: $id, input: $input) { id revision } }',
        variables: { id: observation.data!.reportPoliceObservation.id, input: { value: 4, note: 'recounted' } },
      },
      {
        query: 'mutation ($id: ID!, $input: SecurityModelPatch!) { updatePoliceModel(id: $id, input: $input) { id name } }',
        variables: { id: model, input: { name: `Renamed ${randomUUID()}` } },
      },
      {
        query: 'mutation ($input: ResidentialAreaInput!) { registerResidentialArea(input: $input) { id } }',
        variables: { input: { slug: `ap-${randomUUID().slice(0, 8)}`, communeCode: '28177', name: 'Ấp thử', localKind: 'ap' } },
      },
      {
        query: 'mutation ($input: ComplexAreaDesignationInput!) { designateComplexArea(input: $input) { id year } }',
        variables: { input: { areaCode: '28177', list: 'ANTT', problemTypes: ['other'], year: 2031, note: `test ${randomUUID()}` } },
      },
      {
        query: 'mutation ($input: AccessGrantInput!) { grantPoliceAccess(input: $input) { id active } }',
        variables: { input: { grantee: 'YOUTH', areaCode: '80', validUntil: '2099-01-01T00:00:00Z' } },
        token: admin,
      },
      { query: 'mutation ($id: ID!) { revokePoliceAccessGrant(id: $id) { id active } }', variables: { id: grant.data!.grantPoliceAccess.id }, token: admin },
    ];
    for (const write of writes) {
      const key = randomUUID();
      const before = await countRows(graph.police);
      const first = await send(gateway, { query: write.query, variables: write.variables, token: write.token ?? editor, key });
      expect(first.errors, write.query).toBeUndefined();
      const again = await send(gateway, { query: write.query, variables: write.variables, token: write.token ?? editor, key });
      expect(again.errors, write.query).toBeUndefined();
      expect(again.data, write.query).toEqual(first.data);
      expect((await countRows(graph.police)).changes, write.query).toBe(before.changes + 1);
    }
  });
}

// Conflicting, concurrent and other callers' keys.
function itRefusesReusedKeysAndKeepsCallersApart(ctx: WritesContext): void {
  it('refuses the same key with another input with CONFLICT and writes nothing', async () => {
    const { graph, gateway, editor } = ctx.state();
    const { create, idsNamed } = ctx;
    const key = randomUUID();
    const first = await create(modelInput(), key);
    expect(first.errors).toBeUndefined();
    const before = await countRows(graph.police);
    const other = modelInput();
    const refused = await create(other, key);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', idempotencyKey: key });
    expect(refused.errors?.[0]?.message).toMatch(/was used for a different request.*new key per write/);
    expect(await countRows(graph.police)).toEqual(before);
    expect(await idsNamed(other.name)).toEqual([]);
    // Another field with the same key is another request too.
    const force = await send(gateway, {
      query: 'mutation ($input: VolunteerForceInput!) { createPoliceForce(input: $input) { id } }',
      variables: { input: { kind: 'grassroots_security_team', name: `Team ${randomUUID()}`, areaCode: '28177', units: 1 } },
      token: editor,
      key,
    });
    expect(force.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    expect(await countRows(graph.police)).toEqual(before);
  });

  it('stores one record for concurrent requests with one key, and answers each with it', async () => {
    const { graph } = ctx.state();
    const { create, idsNamed } = ctx;
    const key = randomUUID();
    const input = modelInput();
    const before = await countRows(graph.police);
    const answers = await Promise.all(Array.from({ length: 4 }, () => create(input, key)));
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    const ids = new Set(answers.map((answer) => answer.data!.createPoliceModel.id));
    expect(ids.size).toBe(1);
    expect(await idsNamed(input.name)).toEqual([...ids]);
    expect(await countRows(graph.police)).toEqual({ models: before.models + 1, changes: before.changes + 1 });
  });

  it("keeps one caller's key apart from another's", async () => {
    const { graph } = ctx.state();
    const { create, idsNamed } = ctx;
    const other = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'], subject: `editor-${randomUUID()}` });
    const key = randomUUID();
    const input = modelInput();
    const mine = (await create(input, key)).data!.createPoliceModel.id;
    const theirs = (await create(input, key, other)).data!.createPoliceModel.id;
    expect(theirs).not.toBe(mine);
    expect((await create(input, key)).data!.createPoliceModel.id).toBe(mine);
    expect((await create(input, key, other)).data!.createPoliceModel.id).toBe(theirs);
    expect(await idsNamed(input.name)).toHaveLength(2);
  });
}

/** What the PGlite tests share, set by beforeAll: read it inside the tests. */
interface WritesContext {
  state: () => { registry: AreaRegistry; graph: Awaited<ReturnType<typeof startPolice>>; gateway: Gateway; editor: string; admin: string };
  create: (input: Record<string, unknown>, key?: string, token?: string, through?: Gateway) => Promise<GraphQLResponse<{ createPoliceModel: { id: string; name: string } }>>;
  idsNamed: (name: string) => Promise<string[]>;
}
