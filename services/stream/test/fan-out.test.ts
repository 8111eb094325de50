import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agency } from '@antq/sdk';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import { createStorage, type AgencySubgraph, type AgencySubgraphOptions, type Storage } from '@antq/subgraph-kit';
import { GRAPH_SUBGRAPHS, composeSupergraph, createDevelopmentIssuer, createGateway, type DevelopmentIssuer, type Gateway } from '@antq/gateway';
import { createFrontSubgraph } from '@antq/front';
import { createPoliceSubgraph } from '@antq/police';
import { createVeteransSubgraph } from '@antq/veterans';
import { createYouthSubgraph } from '@antq/youth';
import { createTestDatabase, openSubscriptionSocket, postGraphQL } from '@antq/testing';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsBus, createStreamSubgraph, decodeCursor, verifyWebhookSignature, type StreamSubgraph } from '../src/index.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const FACTORIES: Readonly<Record<Agency, (options: AgencySubgraphOptions) => Promise<AgencySubgraph>>> = {
  police: createPoliceSubgraph,
  front: createFrontSubgraph,
  veterans: createVeteransSubgraph,
  youth: createYouthSubgraph,
};
const CHANGES = `subscription ($after: String) {
  changes(after: $after) { cursor agency seq recordKind recordId change }
}`;
const SECRET = `partner-secret-${randomBytes(16).toString('hex')}`;

interface StreamEvent {
  cursor: string;
  agency: string;
  seq: number;
  recordKind: string;
  recordId: string;
  change: string;
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A subscription to `changes` through a gateway over graphql-ws; its events as a list. */
async function subscribe(gatewayUrl: string, token: string, after?: string) {
  const socket = await openSubscriptionSocket(gatewayUrl);
  await socket.init({ authorization: `Bearer ${token}` });
  socket.subscribe('1', { query: CHANGES, variables: after ? { after } : {} });
  const events: StreamEvent[] = [];
  const errors: unknown[] = [];
  let ended = false;
  const pump = (async () => {
    for (;;) {
      let message;
      try {
        message = await socket.next(60_000);
      } catch (error) {
        if (/websocket closed/.test((error as Error).message)) break;
        continue;
      }
      if (message.type === 'next') {
        const payload = message.payload as { data?: { changes: StreamEvent }; errors?: unknown[] };
        if (payload.errors) errors.push(...payload.errors);
        if (payload.data) events.push(payload.data.changes);
      } else if (message.type === 'error' || message.type === 'complete') {
        if (message.type === 'error') errors.push(message.payload);
        break;
      } else if (message.type === 'ping') socket.send({ type: 'pong' });
    }
    ended = true;
  })();
  return {
    events,
    errors,
    ended: () => ended,
    last: () => events.at(-1)?.cursor,
    async close() {
      await socket.close();
      await pump;
    },
  };
}
type Subscription = Awaited<ReturnType<typeof subscribe>>;

/** Every (agency, seq) in a list of events, with how often each occurs. */
function occurrences(events: readonly { agency: string; seq: number }[]) {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(`${event.agency.toLowerCase()}:${event.seq}`, (counts.get(`${event.agency.toLowerCase()}:${event.seq}`) ?? 0) + 1);
  return counts;
}

/** A partner's endpoint that records what it receives and answers 200. */
async function receiver() {
  const bodies: { raw: string; signature: string | undefined }[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push({ raw: Buffer.concat(chunks).toString('utf8'), signature: req.headers['x-antq-signature'] as string | undefined });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    payloads: () => bodies.map((body) => JSON.parse(body.raw) as { agency: string; seq: number; recordId: string; cursor: string }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Several instances: two stream subgraphs fan the changes out through NATS JetStream and share
 * one PostgreSQL webhook store; two gateways each in front of its own stream instance.
 */
describe('fan-out through NATS JetStream: two stream instances behind two gateways', () => {
  const run = randomBytes(4).toString('hex');
  const streamName = `ANTQ_TEST_${run.toUpperCase()}`;
  const subjectPrefix = `antq.test.${run}`;
  const signingKey = randomBytes(32).toString('base64');
  const subgraphs: Partial<Record<Agency, AgencySubgraph>> = {};
  const subscriptions: Subscription[] = [];
  const written: string[] = [];
  const tokens: Record<string, string> = {};
  const f = { run, streamName, subjectPrefix, signingKey, subgraphs, subscriptions, written, tokens, gatewaysClosed: false } as FanOutState;

  const { startStream, startGateway } = fanOutHelpers(f);

  beforeAll(async () => {
    f.registry = await loadAreaRegistry();
    for (const agency of Object.keys(FACTORIES) as Agency[]) {
      subgraphs[agency] = await FACTORIES[agency]({ port: 0, signingKey, registry: f.registry, storage: { kind: 'pglite' }, logLevel: 'silent' });
    }
    f.database = await createTestDatabase();
    f.webhookStorage = await createStorage({ kind: 'postgres', url: f.database.url });
    f.nc = await connect({ servers: NATS_URL });
    f.keyDir = await mkdtemp(join(tmpdir(), 'antq-fan-out-'));
    f.issuer = await createDevelopmentIssuer({ keyDir: f.keyDir });
    tokens.policeEditor = await f.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' });
    tokens.frontEditor = await f.issuer.mint({ agency: 'front', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' });
    tokens.frontShared = await f.issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'shared' });

    f.streamAPort = await freePort();
    f.streamA = await startStream('a', f.streamAPort);
    f.streamB = await startStream('b', 0);
    f.gatewayA = await startGateway(f.streamA.url);
    f.gatewayB = await startGateway(f.streamB.url);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(subscriptions.map((subscription) => subscription.close()));
    if (!f.gatewaysClosed) {
      await f.gatewayA?.close();
      await f.gatewayB?.close();
    }
    await f.streamA?.close();
    await f.streamB?.close();
    await Promise.allSettled(Object.values(subgraphs).map((subgraph) => subgraph.close()));
    await f.webhookStorage?.close();
    await f.database?.drop();
    if (f.nc) {
      await (await f.nc.jetstreamManager()).streams.delete(streamName).catch(() => undefined);
      await f.nc.drain();
    }
    if (f.keyDir) await rm(f.keyDir, { recursive: true, force: true });
  }, 60_000);

  itFansOutAndResumes(f);

  itSharesWebhooksAndClosesPromptly(f);
});

/** Starting parts, writing and watching, over the state in f (set by beforeAll, read when called). */
function fanOutHelpers(f: FanOutState) {
  const { run, streamName, subjectPrefix, signingKey, subgraphs, subscriptions, written, tokens } = f;

  const startStream = async (name: 'a' | 'b', port: number) =>
    createStreamSubgraph({
      agencies: Object.fromEntries(Object.entries(subgraphs).map(([agency, subgraph]) => [agency, subgraph.url])),
      signingKey,
      registry: f.registry,
      port,
      logLevel: 'silent',
      storage: { kind: 'postgres', url: f.database.url },
      bus: await createNatsBus({ servers: NATS_URL, stream: streamName, subjectPrefix }),
      webhookLease: { owner: `${name}-${run}`, ttlMs: 3_000, renewMs: 1_000, retryMs: 300, rescanMs: 300 },
      webhookDestinations: { allowedNetworks: ['127.0.0.1'] },
    });

  const startGateway = async (stream: string) => {
    const urls: Record<string, string> = { ...Object.fromEntries(Object.entries(subgraphs).map(([agency, subgraph]) => [agency, subgraph.url])), stream };
    const schemaDir = new URL('../../../schema/', import.meta.url);
    const supergraph = composeSupergraph(
      await Promise.all(GRAPH_SUBGRAPHS.map(async (name) => ({ name, url: urls[name]!, sdl: await readFile(new URL(`${name}.graphql`, schemaDir), 'utf8') }))),
    );
    return createGateway({
      supergraph,
      port: 0,
      host: '127.0.0.1',
      signingKey,
      identity: { keys: { kind: 'key', publicKeyPem: f.issuer.publicKeyPem }, issuer: f.issuer.issuer, audience: f.issuer.audience },
      logLevel: false,
    });
  };

  const ask = async <T>(gateway: Gateway, query: string, token: string, variables?: Record<string, unknown>) => {
    const response = await postGraphQL<T>(gateway.url, { query, ...(variables ? { variables } : {}) }, { headers: { authorization: `Bearer ${token}` } });
    expect(response.errors).toBeUndefined();
    return response.data!;
  };

  /** One change, through the gateway given: a police or a front record. */
  async function write(gateway: Gateway, agency: 'police' | 'front'): Promise<string> {
    const id =
      agency === 'police'
        ? (
            await ask<{ createPoliceModel: { id: string } }>(gateway, 'mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', tokens.policeEditor!, {
              input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Camera ${randomUUID()}` },
            })
          ).createPoliceModel.id
        : (
            await ask<{ createFrontModel: { id: string } }>(gateway, 'mutation ($input: SecurityModelInput!) { createFrontModel(input: $input) { id } }', tokens.frontEditor!, {
              input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Front camera ${randomUUID()}`, organisation: 'FATHERLAND_FRONT' },
            })
          ).createFrontModel.id;
    written.push(id);
    return id;
  }

  /** Writes until every subscription has seen an event (one without a cursor starts from "now"). */
  async function whenLive(...live: Subscription[]) {
    const deadline = Date.now() + 30_000;
    while (live.some((subscription) => subscription.events.length === 0)) {
      if (Date.now() > deadline) throw new Error('a subscription never went live');
      await write(f.gatewayA, 'police');
      await pause(300);
    }
  }

  const track = async (subscription: Promise<Subscription>) => {
    const started = await subscription;
    subscriptions.push(started);
    return started;
  };

  /** The stream's messages as stored: how many, and their message ids. */
  async function storedMessages() {
    const jsm = await f.nc.jetstreamManager();
    const { state } = await jsm.streams.info(streamName);
    const ids: string[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(streamName, { seq });
      ids.push(message.header.get('Nats-Msg-Id'));
    }
    return { count: state.messages, ids };
  }

  return { startStream, startGateway, ask, write, whenLive, track, storedMessages };
}

/** Fan-out to both gateways, and resuming after a stream instance restarts. */
function itFansOutAndResumes(f: FanOutState): void {
  const { written, tokens } = f;
  const { startStream, write, whenLive, track, storedMessages } = fanOutHelpers(f);

  it('delivers every change written through either gateway to subscribers on both, each once; the broker stores each once', async () => {
    const onA = await track(subscribe(f.gatewayA.url, tokens.frontShared!));
    const onB = await track(subscribe(f.gatewayB.url, tokens.frontShared!));
    await whenLive(onA, onB);

    const ids: string[] = [];
    for (let index = 0; index < 12; index++) ids.push(await write(index % 2 === 0 ? f.gatewayA : f.gatewayB, index % 3 === 0 ? 'front' : 'police'));
    for (const subscription of [onA, onB]) {
      await until(() => ids.every((id) => subscription.events.some((event) => event.recordId === id)), 'every change on both gateways');
    }
    await pause(500); // room for a late copy to show up
    for (const subscription of [onA, onB]) {
      expect(subscription.errors).toEqual([]);
      for (const id of ids) expect(subscription.events.filter((event) => event.recordId === id)).toHaveLength(1);
      expect([...occurrences(subscription.events).values()].every((count) => count === 1)).toBe(true);
    }

    // Both instances read and published every change; the broker kept one copy of each.
    await until(async () => (await storedMessages()).count >= written.length, 'the broker to hold every change');
    const stored = await storedMessages();
    expect(stored.count).toBe(written.length);
    expect(new Set(stored.ids).size).toBe(stored.ids.length);
    // Message ids are `<agency>:<seq>:<occurredAt>`.
    const storedChanges = stored.ids.map((id) => id.split(':').slice(0, 2).join(':'));
    for (const key of occurrences(onA.events).keys()) expect(storedChanges).toContain(key);
    await onA.close();
    await onB.close();
  }, 60_000);

  it('resumes on gateway A after its stream instance was stopped and restarted while writes went on, with every change once', async () => {
    const first = await track(subscribe(f.gatewayA.url, tokens.frontShared!));
    await whenLive(first);
    const ids: string[] = [];
    for (let index = 0; index < 4; index++) ids.push(await write(index % 2 === 0 ? f.gatewayA : f.gatewayB, index % 2 === 0 ? 'police' : 'front'));
    await until(() => ids.every((id) => first.events.some((event) => event.recordId === id)), 'the changes before the stop');

    // Writes go on (through both gateways: only the stream instance is down) while instance A stops and restarts.
    let writing = true;
    const writer = (async () => {
      let index = 0;
      while (writing) {
        ids.push(await write(index % 2 === 0 ? f.gatewayB : f.gatewayA, index % 3 === 0 ? 'front' : 'police'));
        index += 1;
        await pause(50);
      }
    })();
    await pause(300);
    await f.streamA!.close();
    await until(() => first.ended(), 'the subscription on gateway A to end with its stream instance');
    const cursor = first.last()!;
    await pause(1_000);
    f.streamA = await startStream('a', f.streamAPort);
    await pause(500);
    writing = false;
    await writer;
    for (let index = 0; index < 3; index++) ids.push(await write(f.gatewayA, 'police'));

    const resumed = await track(subscribe(f.gatewayA.url, tokens.frontShared!, cursor));
    await until(() => ids.every((id) => [...first.events, ...resumed.events].some((event) => event.recordId === id)), 'every change after resuming', 45_000);
    await pause(500);
    const all = [...first.events, ...resumed.events];
    expect(resumed.errors).toEqual([]);
    for (const id of ids) expect(all.filter((event) => event.recordId === id)).toHaveLength(1);
    expect([...occurrences(all).values()].every((count) => count === 1)).toBe(true);
    // Per agency, in order and with no gap after the cursor.
    const position = decodeCursor(cursor);
    for (const agency of ['POLICE', 'FRONT']) {
      const seqs = resumed.events.filter((event) => event.agency === agency).map((event) => event.seq);
      const from = position[agency.toLowerCase() as Agency] ?? 0;
      expect(seqs).toEqual(seqs.map((_, index) => from + index + 1));
    }
    await resumed.close();
  }, 120_000);
}

/** One webhook delivery per change across instances, and a prompt close. */
function itSharesWebhooksAndClosesPromptly(f: FanOutState): void {
  const { run, subgraphs, tokens } = f;
  const { startStream, ask, write } = fanOutHelpers(f);

  it('delivers a webhook once per change though both instances run workers, and the other instance takes over when the holder stops', async () => {
    const partner = await receiver();
    try {
      const { registerWebhook } = await ask<{ registerWebhook: { id: string } }>(
        f.gatewayA,
        'mutation ($input: WebhookInput!) { registerWebhook(input: $input) { id } }',
        tokens.frontShared!,
        { input: { url: partner.url, secret: SECRET } },
      );
      const lease = async () => {
        const [row] = await f.webhookStorage.query<{ lease_owner: string | null }>('SELECT lease_owner FROM webhooks WHERE id = $1', [registerWebhook.id]);
        return row?.lease_owner ?? null;
      };
      await until(async () => (await lease()) !== null, 'a worker to take the lease');
      await pause(1_000); // both instances have a worker by now (rescans every 300 ms)

      const ids: string[] = [];
      for (let index = 0; index < 8; index++) ids.push(await write(index % 2 === 0 ? f.gatewayA : f.gatewayB, index % 2 === 0 ? 'police' : 'front'));
      await until(() => ids.every((id) => partner.payloads().some((payload) => payload.recordId === id)), 'the deliveries');

      // The holder stops; the other instance takes the lease over and goes on from delivered_through.
      const holder = await lease();
      const holderIsA = holder === `a-${run}`;
      expect([`a-${run}`, `b-${run}`]).toContain(holder);
      await (holderIsA ? f.streamA! : f.streamB!).close();
      if (holderIsA) f.streamA = undefined;
      else f.streamB = undefined;
      for (let index = 0; index < 6; index++) ids.push(await write(holderIsA ? f.gatewayB : f.gatewayA, index % 2 === 0 ? 'front' : 'police'));
      await until(() => ids.every((id) => partner.payloads().some((payload) => payload.recordId === id)), 'the deliveries after the take-over');
      expect(await lease()).toBe(holderIsA ? `b-${run}` : `a-${run}`);
      await pause(1_500);

      const payloads = partner.payloads();
      for (const id of ids) expect(payloads.filter((payload) => payload.recordId === id)).toHaveLength(1);
      expect([...occurrences(payloads).values()].every((count) => count === 1)).toBe(true);
      expect(new Set(payloads.map((payload) => payload.cursor)).size).toBe(payloads.length);
      for (const body of partner.bodies) expect(verifyWebhookSignature(SECRET, body.signature, body.raw)).toBe(true);
    } finally {
      await partner.close();
    }
  }, 120_000);

  it("closes the gateways and stream instances, then the agencies' subgraphs, each promptly, though clients' connections are open", async () => {
    // Both instances run, their feeds' long polls open (the one the webhook test stopped runs again).
    f.streamA ??= await startStream('a', f.streamAPort);
    f.streamB ??= await startStream('b', 0);
    await pause(500);
    const timed = async (close: () => Promise<void>) => {
      const began = performance.now();
      await close();
      return performance.now() - began;
    };
    // Closing a gateway or an instance ends its requests to the agencies (the feeds' long polls
    // are aborted); its HTTP client may keep connections to them open, even fresh ones it never
    // sends a request on. The agencies' subgraphs close without waiting for those.
    const parts = [await timed(() => f.gatewayA.close()), await timed(() => f.gatewayB.close())];
    f.gatewaysClosed = true;
    parts.push(await timed(() => f.streamA!.close()), await timed(() => f.streamB!.close()));
    await pause(200);
    const connections = (subgraph: AgencySubgraph) => new Promise<number>((resolve) => subgraph.app.server.getConnections((_, count) => resolve(count)));
    for (const subgraph of Object.values(subgraphs)) expect(await connections(subgraph)).toBeGreaterThan(0);
    const agencies = await Promise.all(Object.values(subgraphs).map((subgraph) => timed(() => subgraph.close())));
    for (const took of [...parts, ...agencies]) expect(took).toBeLessThan(5_000);
    for (const subgraph of Object.values(subgraphs)) expect(await connections(subgraph)).toBe(0);
  }, 60_000);
}

/** The parts of the fan-out test: the constants, and what beforeAll and the tests set. */
interface FanOutState {
  run: string;
  streamName: string;
  subjectPrefix: string;
  signingKey: string;
  subgraphs: Partial<Record<Agency, AgencySubgraph>>;
  subscriptions: Subscription[];
  written: string[];
  tokens: Record<string, string>;
  registry: AreaRegistry;
  database: Awaited<ReturnType<typeof createTestDatabase>>;
  webhookStorage: Storage;
  nc: NatsConnection;
  issuer: DevelopmentIssuer;
  keyDir: string;
  streamA: StreamSubgraph | undefined;
  streamB: StreamSubgraph | undefined;
  streamAPort: number;
  gatewayA: Gateway;
  gatewayB: Gateway;
  gatewaysClosed: boolean;
}
