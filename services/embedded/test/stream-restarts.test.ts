import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeStreamCursor, type Agency } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { latestSeq, readChanges, type AgencySubgraph } from '@antq/subgraph-kit';
import { composeSupergraph, createDevelopmentIssuer, createGateway, type Gateway } from '@antq/gateway';
import { createPoliceSubgraph } from '@antq/police';
import { createFrontSubgraph } from '@antq/front';
import { createStreamSubgraph, type StreamSubgraph } from '@antq/stream';

/*
 * Kill and restart each part — an agency subgraph, the change stream, the gateway — while
 * writes go on, and check that a subscriber that keeps resuming from its last cursor receives
 * every change the agencies stored, exactly once, in each agency's order.
 */

const schemaDir = new URL('../../../schema/', import.meta.url);
const AGENCIES = ['police', 'front'] as const;
const FACTORIES = { police: createPoliceSubgraph, front: createFrontSubgraph } as const;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the change stream across restarts', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('delivers every change exactly once while a subgraph, the stream and the gateway restart', async () => {
    const parts = await startParts(cleanup);
    const { issuer, subgraphs } = parts;
    const editors = {
      police: await issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'] }),
      front: await issuer.mint({ agency: 'front', jurisdiction: '80', roles: ['editor'] }),
    };
    const reader = await issuer.mint({ agency: 'youth', roles: ['analyst'], clearance: 'shared' });

    // Where the subscriber starts: the agencies' outboxes as they stand now.
    const start = Object.fromEntries(await Promise.all(AGENCIES.map(async (agency) => [agency, await latestSeq(subgraphs[agency]!.storage)] as const)));

    const subscriber = follow(parts, reader, start);
    const stopWriting = keepWriting(parts, editors);
    await restartEachPart(parts);
    await stopWriting();

    // Every change the agencies stored since the start, by agency, in order.
    const stored = Object.fromEntries(
      await Promise.all(
        AGENCIES.map(
          async (agency) => [agency, (await readChanges(subgraphs[agency]!.storage, { afterSeq: start[agency]!, limit: 100_000 })).map((change) => change.seq)] as const,
        ),
      ),
    );
    expect(stored.police!.length).toBeGreaterThan(10);
    expect(stored.front!.length).toBeGreaterThan(10);
    const total = stored.police!.length + stored.front!.length;
    const { received } = subscriber;
    const deadline = Date.now() + 30_000;
    while (received.length < total && Date.now() < deadline) await sleep(100);
    await subscriber.stop();

    for (const agency of AGENCIES) {
      expect(received.filter((event) => event.agency === agency).map((event) => event.seq)).toEqual(stored[agency]);
    }
    expect(received).toHaveLength(total);
  }, 120_000);
});

/** The two agency subgraphs, the stream and the gateway, each with a way to start it again. */
interface Parts {
  issuer: Awaited<ReturnType<typeof createDevelopmentIssuer>>;
  subgraphs: Partial<Record<Agency, AgencySubgraph>>;
  startAgency: (agency: (typeof AGENCIES)[number]) => Promise<void>;
  stream: () => StreamSubgraph;
  startStream: () => Promise<void>;
  gateway: () => Gateway;
  startGateway: () => Promise<void>;
}

async function startParts(cleanup: (() => Promise<unknown>)[]): Promise<Parts> {
  const dataDir = await mkdtemp(join(tmpdir(), 'antq-restarts-'));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const signingKey = randomBytes(32).toString('base64');
  const registry = await loadAreaRegistry();
  const issuer = await createDevelopmentIssuer();
  const ports = { police: await freePort(), front: await freePort(), stream: await freePort() };

  const subgraphs: Partial<Record<Agency, AgencySubgraph>> = {};
  const startAgency = async (agency: (typeof AGENCIES)[number]) => {
    subgraphs[agency] = await FACTORIES[agency]({ port: ports[agency], signingKey, registry, storage: { kind: 'pglite', dataDir: join(dataDir, agency) }, logLevel: 'silent' });
  };
  for (const agency of AGENCIES) await startAgency(agency);
  const agencyUrls = Object.fromEntries(AGENCIES.map((agency) => [agency, subgraphs[agency]!.url]));

  let stream!: StreamSubgraph;
  const startStream = async () => {
    stream = await createStreamSubgraph({
      agencies: agencyUrls,
      signingKey,
      registry,
      port: ports.stream,
      storage: { kind: 'pglite', dataDir: join(dataDir, 'stream') },
      logLevel: 'silent',
    });
  };
  await startStream();

  const supergraph = composeSupergraph(
    await Promise.all(
      [...AGENCIES, 'stream'].map(async (name) => ({
        name,
        url: name === 'stream' ? stream.url : agencyUrls[name]!,
        sdl: await readFile(new URL(`${name}.graphql`, schemaDir), 'utf8'),
      })),
    ),
  );
  let gateway!: Gateway;
  const startGateway = async () => {
    gateway = await createGateway({
      supergraph,
      port: 0,
      signingKey,
      metrics: false,
      identity: { keys: { kind: 'key', publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience },
    });
  };
  await startGateway();
  cleanup.push(async () => {
    await gateway.close();
    await stream.close();
    for (const agency of AGENCIES) await subgraphs[agency]?.close();
  });
  return { issuer, subgraphs, startAgency, stream: () => stream, startStream, gateway: () => gateway, startGateway };
}

/** The subscriber: reconnects to whatever gateway is up, always from its last cursor. */
function follow(parts: Parts, reader: string, start: Record<string, number>) {
  const received: { agency: string; seq: number }[] = [];
  let cursor = encodeStreamCursor(start);
  let subscribing = true;
  let client: Client | undefined;
  const subscriber = (async () => {
    while (subscribing) {
      await new Promise<void>((resolve) => {
        client = createClient({
          url: parts.gateway().url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${reader}` },
          retryAttempts: 0,
          lazy: true,
        });
        client.subscribe<{ changes: { cursor: string; agency: string; seq: number } }>(
          { query: 'subscription ($after: String) { changes(after: $after) { cursor agency seq } }', variables: { after: cursor } },
          {
            next: (result) => {
              if (!result.data) return;
              received.push({ agency: result.data.changes.agency.toLowerCase(), seq: result.data.changes.seq });
              cursor = result.data.changes.cursor;
            },
            error: () => resolve(),
            complete: () => resolve(),
          },
        );
      });
      await client?.dispose();
      if (subscribing) await sleep(200);
    }
  })();
  const stop = async () => {
    subscribing = false;
    await client?.dispose();
    await subscriber;
  };
  return { received, stop };
}

/** The writers: keep writing through whatever gateway is up; failures while a part is down are expected. */
function keepWriting(parts: Parts, editors: Record<(typeof AGENCIES)[number], string>): () => Promise<void> {
  let writing = true;
  const writer = (async () => {
    let index = 0;
    while (writing) {
      const agency = AGENCIES[index++ % AGENCIES.length]!;
      const P = agency === 'police' ? 'Police' : 'Front';
      await fetch(parts.gateway().url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${editors[agency]}` },
        body: JSON.stringify({
          query: `mutation ($input: SecurityModelInput!) { create${P}Model(input: $input) { id } }`,
          variables: {
            input: {
              kind: 'security_camera',
              status: 'ACTIVE',
              areaCode: '28177',
              name: `Camera ${randomUUID()}`,
              ...(agency === 'front' ? { organisation: 'FATHERLAND_FRONT' } : {}),
            },
          },
        }),
      }).catch(() => undefined);
      await sleep(40);
    }
  })();
  return async () => {
    writing = false;
    await writer;
  };
}

async function restartEachPart(parts: Parts): Promise<void> {
  await sleep(1_000);
  await parts.subgraphs.police!.close(); // the police subgraph goes away …
  await sleep(700);
  await parts.startAgency('police'); // … and comes back on its data
  await sleep(1_000);
  await parts.stream().close(); // the change stream restarts
  await sleep(500);
  await parts.startStream();
  await sleep(1_000);
  await parts.gateway().close(); // the gateway restarts (on a new port; the subscriber follows)
  await sleep(500);
  await parts.startGateway();
  await sleep(1_000);
}
