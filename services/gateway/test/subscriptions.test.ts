import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agency } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { countingStorage } from '@antq/testing';
import { appendChange, createAgencySubgraph, createStorage, type AgencySubgraph, type Storage } from '@antq/subgraph-kit';
import { composeSupergraph, createDevelopmentIssuer, createGateway, type DevelopmentIssuer, type Gateway } from '../src/index.js';

const require = createRequire(import.meta.url);
// `ws` ships no types; graphql-ws takes any WebSocket implementation.
const WebSocket = require('ws') as unknown;

const schemaDir = new URL('../../../schema/', import.meta.url);

interface ChangeEvent {
  cursor: string;
  seq: number;
  agency: string;
  recordKind: string;
  recordId: string;
  change: string;
  area: { code: string; name: string } | null;
  occurredAt: string;
}

const CHANGE_FIELDS = 'cursor seq agency recordKind recordId change area { code name } occurredAt';

let signingKey: string;
const subgraphs: AgencySubgraph[] = [];
/** The police store, counting statements: polling shows up there. */
let policeStore: ReturnType<typeof countingStorage>;
let policeRaw: Storage;
let gateway: Gateway;
let issuer: DevelopmentIssuer;
let supergraph: string;
let analyst: string;
let policeEditor: string;
/** Every police model created through the gateway, in commit order (the police outbox has nothing else). */
const written: string[] = [];
const clients: Client[] = [];

async function ask<T>(query: string, token: string | undefined, variables?: Record<string, unknown>): Promise<FormattedExecutionResult<T>> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as FormattedExecutionResult<T>;
}

/** Creates a police model in area 28177 through the gateway; returns its id. */
async function createPoliceModel(): Promise<string> {
  const result = await ask<{ createPoliceModel: { id: string } }>('mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', policeEditor, {
    input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Camera ${randomUUID()}` },
  });
  expect(result.errors).toBeUndefined();
  const id = result.data!.createPoliceModel.id;
  written.push(id);
  return id;
}

function wsClient(token: string | undefined, target: Gateway = gateway): Client {
  const client = createClient({
    url: target.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

/** Reads the next result, failing after `ms`. */
async function nextWithin<T>(iterator: AsyncIterator<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
      }),
    ]);
    if (result.done) throw new Error('the subscription ended');
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A subscription without afterSeq sees only changes made after it started upstream, and nothing
 * says when that is: write until the first event arrives, then check it is one of the writes.
 */
async function writeUntilEvent<T>(iterator: AsyncIterator<T>): Promise<{ first: T; ids: string[] }> {
  const ids: string[] = [];
  const first = iterator.next();
  let arrived = false;
  void first.then(
    () => (arrived = true),
    () => (arrived = true),
  );
  const deadline = Date.now() + 15_000;
  // Each write's own round trip paces the next: the loop ends at the first event.
  while (!arrived && Date.now() < deadline) ids.push(await createPoliceModel());
  const result = await first;
  if (result.done) throw new Error('the subscription ended');
  return { first: result.value, ids };
}

/** One SSE subscription through the gateway, its `next` events as an iterator. */
async function sseSubscribe(query: string, token: string | undefined, variables?: Record<string, unknown>) {
  const abort = new AbortController();
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  async function* events(): AsyncGenerator<FormattedExecutionResult<Record<string, unknown>>> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const event =
          lines
            .find((line) => line.startsWith('event:'))
            ?.slice(6)
            .trim() ?? 'message';
        const data = lines
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('\n');
        if (event === 'complete') return;
        if (data) yield JSON.parse(data) as FormattedExecutionResult<Record<string, unknown>>;
        continue;
      }
      const chunk = await reader.read();
      if (chunk.done) return;
      buffer += chunk.value;
    }
  }
  return { response, events: events(), close: () => abort.abort() };
}

beforeAll(async () => {
  signingKey = randomBytes(32).toString('base64');
  const registry = await loadAreaRegistry();
  const sdl = (agency: Agency) => readFile(new URL(`${agency}.graphql`, schemaDir), 'utf8');
  policeRaw = await createStorage({ kind: 'pglite' });
  policeStore = countingStorage(policeRaw);
  let noticed = () => undefined as void;
  let notice = new Promise<void>((resolve) => (noticed = resolve));
  await policeRaw.listen('antq_outbox', () => {
    const heard = noticed;
    notice = new Promise<void>((resolve) => (noticed = resolve));
    heard();
  });
  nextNotice = () => notice;
  subgraphs.push(await createAgencySubgraph({ agency: 'police', typeDefs: await sdl('police') }, { signingKey, registry, logLevel: 'silent', storage: policeStore }));
  subgraphs.push(await createAgencySubgraph({ agency: 'front', typeDefs: await sdl('front') }, { signingKey, registry, logLevel: 'silent' }));
  supergraph = composeSupergraph(await Promise.all(subgraphs.map(async (s) => ({ name: s.agency, url: s.url, sdl: await sdl(s.agency) }))));
  issuer = await createDevelopmentIssuer();
  gateway = await createGateway({
    supergraph,
    port: 0,
    signingKey,
    metrics: false,
    // These tests count the police store's statements; the cache's change watch would add its own.
    responseCache: false,
    // Short, to show that subscriptions outlive the upstream timeout.
    limits: { upstreamTimeoutMs: 1_500 },
    identity: { keys: { kind: 'key', publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience },
  });
  analyst = await issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'shared' });
  policeEditor = await issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'] });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await gateway?.close();
  await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
  await policeRaw?.close();
});

let probes = 0;
/** Resolves the next time the police outbox's change notice goes out (a listener of the test's own). */
let nextNotice: () => Promise<void>;

/** Commits a change straight into the police store, past the counter, and waits until its notice has gone out. */
async function commitProbe(): Promise<void> {
  probes += 1;
  const noticed = nextNotice();
  await policeRaw.transaction((tx) =>
    appendChange(tx, { agency: 'police', recordKind: 'residential_area', recordId: `probe-${probes}`, change: 'updated', areaCode: '28159', payload: null }),
  );
  await noticed;
}

/**
 * Whether something reads the police store when a change commits: a subscriber follows the outbox
 * by the store's change notices, so only a live subscription reads it. Ends on the first read.
 */
async function readsOnChange(ms = 10_000): Promise<boolean> {
  const before = policeStore.count();
  await commitProbe();
  const deadline = Date.now() + ms;
  while (policeStore.count() === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return policeStore.count() !== before;
}

/**
 * Whether a change reads nothing. The subgraph's readers wake on the same notice as the test's own
 * listener, and start reading before any I/O can happen: once the notice has reached the test and
 * the tasks it queued have run, a reader still following would have read.
 */
async function readsNothingOnChange(): Promise<boolean> {
  const before = policeStore.count();
  await commitProbe();
  await new Promise((resolve) => setImmediate(resolve));
  return policeStore.count() === before;
}

/** Whether a change soon reads nothing: a subscription that was just ended takes a moment to stop. */
async function quietOnChange(): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) if (await readsNothingOnChange()) return true;
  return false;
}

describe('change subscriptions through the gateway', () => {
  let seenSeq = 0;

  it('delivers a write to a graphql-ws subscriber with the record, agency and cursor', async () => {
    const client = wsClient(analyst);
    const iterator = client.iterate<{ policeChanges: ChangeEvent }>({ query: `subscription { policeChanges { ${CHANGE_FIELDS} } }` });
    try {
      const { first, ids } = await writeUntilEvent(iterator);
      expect(first.errors).toBeUndefined();
      const event = first.data!.policeChanges;
      expect(ids).toContain(event.recordId);
      expect(event).toMatchObject({ agency: 'POLICE', recordKind: 'security_model', change: 'created', area: { code: '28177' } });
      expect(event.area!.name).toEqual(expect.any(String));
      expect(event.seq).toBe(written.indexOf(event.recordId) + 1);
      expect(event.cursor).toBe(`police:${event.seq}`);
      expect(Number.isNaN(Date.parse(event.occurredAt))).toBe(false);
      // The writes after the first one arrive too, in order.
      for (const id of ids.slice(ids.indexOf(event.recordId) + 1)) {
        expect((await nextWithin(iterator)).data!.policeChanges.recordId).toBe(id);
      }
      seenSeq = written.length;
    } finally {
      await iterator.return?.();
    }
  });

  it('replays the changes after afterSeq exactly once, then follows new ones', async () => {
    expect(seenSeq).toBeGreaterThan(0);
    const missed = [await createPoliceModel(), await createPoliceModel(), await createPoliceModel()];
    const client = wsClient(analyst);
    const iterator = client.iterate<{ policeChanges: ChangeEvent }>({
      query: `subscription ($after: Int) { policeChanges(afterSeq: $after) { ${CHANGE_FIELDS} } }`,
      variables: { after: seenSeq },
    });
    try {
      const replayed: ChangeEvent[] = [];
      for (let i = 0; i < missed.length; i++) replayed.push((await nextWithin(iterator)).data!.policeChanges);
      expect(replayed.map((event) => event.recordId)).toEqual(missed);
      expect(replayed.map((event) => event.seq)).toEqual([seenSeq + 1, seenSeq + 2, seenSeq + 3]);
      // Live after the replay, with no repeat of what was replayed.
      const live = await createPoliceModel();
      const next = (await nextWithin(iterator)).data!.policeChanges;
      expect(next.recordId).toBe(live);
      expect(next.seq).toBe(seenSeq + 4);
    } finally {
      await iterator.return?.();
    }
  });

  it('filters by area and record kind', async () => {
    const client = wsClient(analyst);
    const elsewhere = client.iterate<{ policeChanges: ChangeEvent }>({ query: `subscription { policeChanges(afterSeq: 0, area: "01") { ${CHANGE_FIELDS} } }` });
    const otherKind = client.iterate<{ policeChanges: ChangeEvent }>({ query: `subscription { policeChanges(afterSeq: 0, recordKinds: ["observation"]) { ${CHANGE_FIELDS} } }` });
    const here = client.iterate<{ policeChanges: ChangeEvent }>({
      query: `subscription { policeChanges(afterSeq: 0, area: "80", recordKinds: ["security_model"]) { ${CHANGE_FIELDS} } }`,
    });
    try {
      expect((await nextWithin(here)).data!.policeChanges.recordId).toBe(written[0]);
      const nothing = Symbol('nothing');
      const within = (iterator: AsyncIterator<unknown>) => Promise.race([iterator.next(), new Promise((resolve) => setTimeout(() => resolve(nothing), 1_000))]);
      expect(await within(elsewhere)).toBe(nothing);
      expect(await within(otherKind)).toBe(nothing);
    } finally {
      await Promise.all([elsewhere.return?.(), otherKind.return?.(), here.return?.()]);
    }
  });

  it('delivers a write to an SSE subscriber', async () => {
    const sse = await sseSubscribe(`subscription { policeChanges { ${CHANGE_FIELDS} } }`, analyst);
    try {
      expect(sse.response.status).toBe(200);
      expect(sse.response.headers.get('content-type')).toContain('text/event-stream');
      const { first, ids } = await writeUntilEvent(sse.events);
      expect(first.errors).toBeUndefined();
      const event = (first.data as { policeChanges: ChangeEvent }).policeChanges;
      expect(ids).toContain(event.recordId);
      expect(event).toMatchObject({ agency: 'POLICE', recordKind: 'security_model', cursor: `police:${written.indexOf(event.recordId) + 1}` });
    } finally {
      sse.close();
    }
  });

  itKeepsSubscriptionsAliveAndRefusesStrangers();
});

describe('change subscriptions with authentication off (development)', () => {
  it("takes the caller from the token's claims over graphql-ws, as over HTTP", async () => {
    await using unverified = await createGateway({ supergraph, port: 0, signingKey, metrics: false, identity: { disabled: true } });
    const client = createClient({
      url: unverified.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${analyst}` },
      retryAttempts: 0,
    });
    clients.push(client);
    const iterator = client.iterate<{ policeChanges: ChangeEvent }>({ query: `subscription { policeChanges(afterSeq: 0) { ${CHANGE_FIELDS} } }` });
    try {
      const result = await nextWithin(iterator);
      expect(result.errors, JSON.stringify(result)).toBeUndefined();
      expect(result.data!.policeChanges).toMatchObject({ seq: 1, recordId: written[0] });
    } finally {
      await iterator.return?.();
    }
  });
});

describe('operations per connection', () => {
  it('refuses an operation past the connection’s limit with RATE_LIMITED, and takes one again once another completes', async () => {
    const identity = { keys: { kind: 'key' as const, publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience };
    await using limited = await createGateway({ supergraph, port: 0, signingKey, metrics: false, responseCache: false, limits: { maxOperationsPerConnection: 2 }, identity });
    const client = wsClient(analyst, limited);
    const subscribe = () => client.iterate<{ policeChanges: ChangeEvent }>({ query: `subscription { policeChanges(afterSeq: 0) { ${CHANGE_FIELDS} } }` });
    const [first, second] = [subscribe(), subscribe()];
    for (const running of [first, second]) expect((await nextWithin(running)).data!.policeChanges.seq).toBe(1);
    const refused = await nextWithin(subscribe()).then(
      (result) => result.errors,
      (error: unknown) => (Array.isArray(error) ? error : [error]) as FormattedExecutionResult['errors'],
    );
    expect(refused?.[0]?.extensions, JSON.stringify(refused)).toMatchObject({ code: 'RATE_LIMITED', max: 2 });
    await first.return?.();
    const again = subscribe();
    expect((await nextWithin(again)).data!.policeChanges.seq).toBe(1);
    await Promise.all([second.return?.(), again.return?.()]);
  });
});

// Long-lived subscriptions, unsubscribing, and callers without a good token.
function itKeepsSubscriptionsAliveAndRefusesStrangers(): void {
  it('keeps a subscription open beyond the upstream timeout', async () => {
    const client = wsClient(analyst);
    const iterator = client.iterate<{ policeChanges: ChangeEvent }>({ query: `subscription { policeChanges { ${CHANGE_FIELDS} } }` });
    try {
      await writeUntilEvent(iterator);
      const drained = written.length;
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      // Anything written while the first event was on its way, then one more after the timeout.
      const later = await createPoliceModel();
      let event: ChangeEvent;
      do event = (await nextWithin(iterator)).data!.policeChanges;
      while (event.recordId !== later && event.seq <= drained);
      expect(event.recordId).toBe(later);
    } finally {
      await iterator.return?.();
    }
  });

  it('stops reading the subgraph store when clients unsubscribe over graphql-ws or SSE', async () => {
    expect(await quietOnChange()).toBe(true);
    const client = wsClient(analyst);
    const iterator = client.iterate<{ policeChanges: ChangeEvent }>({ query: `subscription { policeChanges(afterSeq: 0) { ${CHANGE_FIELDS} } }` });
    expect((await nextWithin(iterator)).data!.policeChanges.seq).toBe(1);
    expect(await readsOnChange()).toBe(true);
    // The quiet check sees a live reader: it read before the check ended.
    expect(await readsNothingOnChange()).toBe(false);
    await iterator.return?.();
    expect(await quietOnChange()).toBe(true);

    const sse = await sseSubscribe(`subscription { policeChanges(afterSeq: 0) { ${CHANGE_FIELDS} } }`, analyst);
    expect(((await nextWithin(sse.events)).data as { policeChanges: ChangeEvent }).policeChanges.seq).toBe(1);
    expect(await readsOnChange()).toBe(true);
    sse.close();
    expect(await quietOnChange()).toBe(true);
  });

  it('refuses anonymous subscribers and bad tokens with UNAUTHENTICATED, over graphql-ws and SSE', async () => {
    const client = wsClient(undefined);
    const iterator = client.iterate({ query: `subscription { policeChanges { ${CHANGE_FIELDS} } }` });
    const refused = await nextWithin(iterator).then(
      (result) => result.errors,
      (error: unknown) => (Array.isArray(error) ? error : [error]) as FormattedExecutionResult['errors'],
    );
    expect(refused?.[0]?.extensions?.code, JSON.stringify(refused)).toBe('UNAUTHENTICATED');

    // A bad token fails the operation with UNAUTHENTICATED (not the connection with 4500).
    for (const token of ['not-a-jwt', `${analyst.slice(0, -4)}AAAA`]) {
      const forged = wsClient(token).iterate({ query: `subscription { policeChanges { ${CHANGE_FIELDS} } }` });
      const result = await nextWithin(forged);
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(result)).toBe('UNAUTHENTICATED');
    }

    const sse = await sseSubscribe(`subscription { policeChanges { ${CHANGE_FIELDS} } }`, undefined);
    try {
      const result = await nextWithin(sse.events);
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(result)).toBe('UNAUTHENTICATED');
      expect(result.data ?? null).toBeNull();
    } finally {
      sse.close();
    }
  });
}
