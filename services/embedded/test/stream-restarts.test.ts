import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { cp, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { postGraphQL } from '@antq/testing';
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

/**
 * What the parts, the writers and the subscriber report; each step waits on these, not on time:
 * `written`/`refused` per write, `received` per event, `disconnected` when the subscription drops,
 * `up` when the gateway is (back) up.
 */
type Events = EventEmitter<{ written: [agency: string]; refused: []; received: []; disconnected: []; up: [] }>;

/** Resolves after `count` more `name` events (for `written`, of each agency). */
async function after(events: Events, name: 'written' | 'refused' | 'received' | 'disconnected', count = 1, timeoutMs = 30_000): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  if (name !== 'written') {
    for (let seen = 0; seen < count; seen++) await once(events, name, { signal });
    return;
  }
  const seen = new Map<string, number>();
  while (AGENCIES.some((agency) => (seen.get(agency) ?? 0) < count)) {
    const [agency] = (await once(events, 'written', { signal })) as [string];
    seen.set(agency, (seen.get(agency) ?? 0) + 1);
  }
}

/** The steps that stop what a describe's tests started, run last first once they are done. */
function cleanupAfterAll(): (() => Promise<unknown>)[] {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });
  return cleanup;
}

describe('the change stream across restarts', () => {
  const cleanup = cleanupAfterAll();

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

    const events: Events = new EventEmitter();
    const subscriber = follow(parts, events, reader, start);
    const stopWriting = keepWriting(parts, events, editors);
    await restartEachPart(parts, events);
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
    if (received.length < total) await after(events, 'received', total - received.length).catch(() => undefined);
    await subscriber.stop();

    for (const agency of AGENCIES) {
      expect(received.filter((event) => event.agency === agency).map((event) => event.seq)).toEqual(stored[agency]);
    }
    expect(received).toHaveLength(total);
  }, 300_000);
});

describe('an agency’s store restored from a backup while the stream runs', () => {
  const cleanup = cleanupAfterAll();

  it('tells the subscribers and webhooks past the restore to read again, and carries the changes numbered again', async () => {
    const parts = await startParts(cleanup);
    const editing = await policeEditing(parts);
    const { ask, createModel, reader } = editing;

    // The backup: the police's store as it stands now, one change in its outbox that the stream has carried.
    // This one without the cursor, agency and seq the gateway tells repeats by.
    const before = subscribeToChanges(parts, reader, encodeStreamCursor({ police: await latestSeq(parts.subgraphs.police!.storage) }), cleanup, 'recordId');
    const kept = await createModel();
    await vi.waitFor(() => expect(before.events.map((event) => event.recordId)).toEqual([kept]), { timeout: 15_000 });
    const { backupSeq, partner, webhook, subscriber: following, undone } = await backUpThenWriteTwo(parts, editing, cleanup);

    // The restore, and a write on the restored store: numbered as the first undone change was.
    await editing.restartPolice(editing.restoreBackup);
    const redone = await createModel();

    await vi.waitFor(() => expect(following.errors).toHaveLength(1), { timeout: 15_000 });
    expect(following.errors[0]).toMatchObject({
      message: expect.stringContaining(`The police's changes after ${backupSeq} were undone (its store was restored from a backup)`),
      extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_PAST_THE_END' },
    });
    // From where the backup ends, the change numbered again comes, in place of the undone one.
    const fromTheBackup = subscribeToChanges(parts, reader, encodeStreamCursor({ police: backupSeq }), cleanup);
    await vi.waitFor(() => expect(fromTheBackup.events).toMatchObject([{ recordId: redone, seq: backupSeq + 1 }]), { timeout: 15_000 });
    // The webhook had delivered undone changes: removed, its log saying why; it delivers nothing more.
    const { webhooks } = await ask<{ webhooks: { id: string; active: boolean }[] }>('{ webhooks { id active } }');
    expect(webhooks).toEqual([{ id: webhook.id, active: false }]);
    const { webhookDeliveries } = await ask<{ webhookDeliveries: { error: string | null }[] }>('query ($id: ID!) { webhookDeliveries(webhookId: $id) { error } }', {
      id: webhook.id,
    });
    expect(webhookDeliveries.map((delivery) => delivery.error)).toContainEqual(expect.stringContaining(`Removed: the police's changes after ${backupSeq} were undone`));
    expect(partner.recordIds()).toEqual(undone);
    // The subscriber from before the backup had received the undone changes too.
    expect(before.events.map((event) => event.recordId)).toEqual([kept, ...undone]);
    expect(before.errors).toMatchObject([{ extensions: { reason: 'CURSOR_PAST_THE_END' } }]);
  }, 120_000);

  it('refuses a cursor taken before the restore once the store is written past it, to a subscriber and to a webhook resuming from it, where a seq alone would skip the changes numbered again', async () => {
    const parts = await startParts(cleanup);
    const editing = await policeEditing(parts);
    const { ask, createModel, reader } = editing;
    const { backupSeq, partner, webhook, subscriber, undone } = await backUpThenWriteTwo(parts, editing, cleanup);
    const stale = subscriber.events[1]!.cursor;

    // The stream is away while the store is restored and written past the stale cursor's seq: nothing is found live.
    await parts.stream().close();
    await editing.restartPolice(editing.restoreBackup);
    const redone = [await createModel(), await createModel(), await createModel()];
    await parts.startStream();

    // The webhook resumes from the stale cursor: removed, its log saying why, having delivered nothing more.
    await vi.waitFor(async () => expect((await ask<{ webhooks: { active: boolean }[] }>('{ webhooks { active } }')).webhooks).toEqual([{ active: false }]), {
      timeout: 15_000,
      interval: 100,
    });
    const { webhookDeliveries } = await ask<{ webhookDeliveries: { error: string | null }[] }>('query ($id: ID!) { webhookDeliveries(webhookId: $id) { error } }', {
      id: webhook.id,
    });
    const why = `the police's change ${backupSeq + 2} is not the one the cursor was given after`;
    expect(webhookDeliveries.map((delivery) => delivery.error)).toContainEqual(expect.stringContaining(`Removed: its cursor cannot be followed (${why}`));
    expect(partner.recordIds()).toEqual(undone);
    // The subscriber that resumes from it is refused at once, as from a cursor past the end.
    const resumed = subscribeToChanges(parts, reader, stale, cleanup);
    await vi.waitFor(() => expect(resumed.errors).toHaveLength(1), { timeout: 15_000 });
    expect(resumed.errors[0]).toMatchObject({ message: expect.stringContaining(why), extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_PAST_THE_END' } });
    expect(resumed.events).toEqual([]);
    // From where the backup ends, the changes numbered again.
    const fromTheBackup = subscribeToChanges(parts, reader, encodeStreamCursor({ police: backupSeq }), cleanup);
    await vi.waitFor(() => expect(fromTheBackup.events.map((event) => event.recordId)).toEqual(redone), { timeout: 15_000 });
  }, 120_000);
});

/** A police editor's writes through the gateway, a youth analyst's token, and a restart of the police subgraph on its store as changed. */
async function policeEditing(parts: Parts) {
  const editor = await parts.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' });
  const reader = await parts.issuer.mint({ agency: 'youth', roles: ['analyst'], clearance: 'shared' });
  const ask = async <T>(query: string, variables?: Record<string, unknown>) => {
    const response = await postGraphQL<T>(parts.gateway().url, { query, ...(variables ? { variables } : {}) }, { headers: { authorization: `Bearer ${editor}` } });
    expect(response.errors).toBeUndefined();
    return response.data!;
  };
  const createModel = async () =>
    (
      await ask<{ createPoliceModel: { id: string } }>('mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', {
        input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Camera ${randomUUID()}` },
      })
    ).createPoliceModel.id;
  const restartPolice = async (onItsStore: () => Promise<unknown>) => {
    await parts.subgraphs.police!.close();
    await onItsStore();
    await parts.startAgency('police');
  };
  const police = join(parts.dataDir, 'police');
  // Run while the police subgraph is stopped (restartPolice): its store copied aside, then put back in place of the store.
  const backUp = () => cp(police, `${police}-backup`, { recursive: true });
  const restoreBackup = async () => {
    await rm(police, { recursive: true, force: true });
    await rename(`${police}-backup`, police);
  };
  return { ask, createModel, restartPolice, backUp, restoreBackup, reader };
}

/**
 * The police's store backed up, then a webhook registered and a subscriber following from where
 * the backup ends, and two models written after it: both have received them (the changes a
 * restore of the backup undoes).
 */
async function backUpThenWriteTwo(parts: Parts, editing: Awaited<ReturnType<typeof policeEditing>>, cleanup: (() => Promise<unknown>)[]) {
  const backupSeq = await latestSeq(parts.subgraphs.police!.storage);
  await editing.restartPolice(editing.backUp);
  const partner = await webhookReceiver(cleanup);
  const { registerWebhook: webhook } = await editing.ask<{ registerWebhook: { id: string } }>('mutation ($url: String!) { registerWebhook(input: { url: $url }) { id } }', {
    url: partner.url,
  });
  const subscriber = subscribeToChanges(parts, editing.reader, encodeStreamCursor({ police: backupSeq }), cleanup);
  const undone = [await editing.createModel(), await editing.createModel()];
  await vi.waitFor(() => expect(subscriber.events.map((event) => event.recordId)).toEqual(undone), { timeout: 15_000 });
  await vi.waitFor(() => expect(partner.recordIds()).toEqual(undone), { timeout: 15_000 });
  return { backupSeq, partner, webhook, subscriber, undone };
}

/** A partner's webhook endpoint on this machine: the record ids of what it received. */
async function webhookReceiver(cleanup: (() => Promise<unknown>)[]) {
  const bodies: { recordId?: string }[] = [];
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { recordId?: string });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, recordIds: () => bodies.map((body) => body.recordId) };
}

/** A graphql-ws subscription to `changes` from `after`, its events and errors as they come. */
function subscribeToChanges(parts: Parts, token: string, after: string, cleanup: (() => Promise<unknown>)[], fields = 'cursor agency seq recordId') {
  const events: { recordId: string; seq: number; cursor: string }[] = [];
  const errors: unknown[] = [];
  const client = createClient({
    url: parts.gateway().url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  cleanup.push(async () => client.dispose());
  client.subscribe<{ changes: { recordId: string; seq: number; cursor: string } }>(
    { query: `subscription ($after: String) { changes(after: $after, filter: { agencies: [POLICE] }) { ${fields} } }`, variables: { after } },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) events.push(result.data.changes);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return { events, errors };
}

/** The two agency subgraphs, the stream and the gateway, each with a way to start it again. */
interface Parts {
  /** Each part's PGlite store is a folder in it, named after the part. */
  dataDir: string;
  issuer: Awaited<ReturnType<typeof createDevelopmentIssuer>>;
  subgraphs: Partial<Record<Agency, AgencySubgraph>>;
  startAgency: (agency: (typeof AGENCIES)[number]) => Promise<void>;
  stream: () => StreamSubgraph;
  startStream: () => Promise<void>;
  gateway: () => Gateway;
  startGateway: () => Promise<void>;
  /** Closes the gateway; `gatewayUp` waits until it is started again. */
  stopGateway: () => Promise<void>;
  gatewayUp: () => Promise<void>;
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
      webhookDestinations: { allowedNetworks: ['127.0.0.1'] },
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
  let up: Promise<void> = Promise.resolve();
  let markUp = () => undefined as void;
  const stopGateway = async () => {
    up = new Promise<void>((resolve) => (markUp = resolve));
    await gateway.close();
  };
  const startGateway = async () => {
    gateway = await createGateway({
      supergraph,
      port: 0,
      signingKey,
      metrics: false,
      identity: { keys: { kind: 'key', publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience },
    });
    markUp();
  };
  await startGateway();
  cleanup.push(async () => {
    await gateway.close();
    await stream.close();
    for (const agency of AGENCIES) await subgraphs[agency]?.close();
  });
  return { dataDir, issuer, subgraphs, startAgency, stream: () => stream, startStream, gateway: () => gateway, startGateway, stopGateway, gatewayUp: () => up };
}

/** The subscriber: reconnects to whatever gateway is up, always from its last cursor. */
function follow(parts: Parts, events: Events, reader: string, start: Record<string, number>) {
  const received: { agency: string; seq: number }[] = [];
  let cursor = encodeStreamCursor(start);
  let subscribing = true;
  let client: Client | undefined;
  const subscriber = (async () => {
    while (subscribing) {
      await parts.gatewayUp();
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
              events.emit('received');
            },
            error: () => resolve(),
            complete: () => resolve(),
          },
        );
      });
      await client?.dispose();
      events.emit('disconnected');
    }
  })();
  const stop = async () => {
    subscribing = false;
    await client?.dispose();
    await subscriber;
  };
  return { received, stop };
}

/** The writers' pace: about 25 writes a second, the load of a busy day (a rate, not a wait for anything). */
const writeRate = () => new Promise((resolve) => setTimeout(resolve, 40));

/** The writers: keep writing through whatever gateway is up; failures while a part is down are expected. */
function keepWriting(parts: Parts, events: Events, editors: Record<(typeof AGENCIES)[number], string>): () => Promise<void> {
  let writing = true;
  const writer = (async () => {
    let index = 0;
    while (writing) {
      const agency = AGENCIES[index++ % AGENCIES.length]!;
      const P = agency === 'police' ? 'Police' : 'Front';
      await parts.gatewayUp();
      const stored = await fetch(parts.gateway().url, {
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
      })
        .then(async (response) => response.ok && !((await response.json()) as { errors?: unknown }).errors)
        .catch(() => false);
      if (stored) events.emit('written', agency);
      else events.emit('refused');
      await writeRate();
    }
  })();
  return async () => {
    writing = false;
    await writer;
  };
}

/** Each step waits for writes to go through (or be refused while a part is down) before the next. */
async function restartEachPart(parts: Parts, events: Events): Promise<void> {
  await after(events, 'written', 5);
  await parts.subgraphs.police!.close(); // the police subgraph goes away …
  await after(events, 'refused', 3);
  await parts.startAgency('police'); // … and comes back on its data
  await after(events, 'written', 5);
  await parts.stream().close(); // the change stream restarts
  await after(events, 'disconnected');
  await parts.startStream();
  await after(events, 'written', 5);
  await parts.stopGateway(); // the gateway restarts (on a new port; the subscriber follows)
  await parts.startGateway();
  await after(events, 'written', 5);
  await after(events, 'received', 5);
}
