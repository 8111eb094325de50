import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL } from '@antq/testing';
import { startEmbeddedGraph, type EmbeddedGraph } from '@antq/embedded';
import { ChangeFollowError, createAntqClient, followChanges, type ChangeEvent, type CursorStore } from '@antq/client';
import WebSocket from 'ws';
import { fileCursorStore } from '../src/cursor-file.js';

type StreamEvent = ChangeEvent;
/** What a partner's follower told: each connection up, each reconnection, each cursor it resumed from. */
type Progress = { readonly kind: 'connected' } | { readonly kind: 'disconnected'; readonly attempt: number } | { readonly kind: 'resumed'; readonly after: string | undefined };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A TCP relay in front of the gateway whose connections the test can cut, as a flaky network would. */
async function startRelay(target: URL): Promise<{ url: string; cut(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnectionTo(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    cut() {
      const count = sockets.size;
      for (const socket of sockets) socket.destroy();
      return count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const createConnectionTo = (target: URL) => connect(Number(target.port), target.hostname);

/** A partner following the stream as src/main.ts does (the client's followChanges, the cursor in a file), its changes collected. */
/** `stopWhen`: the partner stops itself from inside its handler once it holds what this says. */
function runPartner(url: string, token: string, cursorFile: string, stopWhen?: (events: readonly StreamEvent[]) => boolean) {
  const client = createAntqClient({ url, token, webSocketImpl: WebSocket });
  const stopping = new AbortController();
  const events: StreamEvent[] = [];
  const progress: Progress[] = [];
  const file = fileCursorStore(cursorFile);
  // The file store, watched: every load is a (re)connection resuming from what was saved last.
  const cursorStore: CursorStore = {
    load: async () => {
      const after = await file.load();
      progress.push({ kind: 'resumed', after });
      return after;
    },
    save: (cursor) => file.save(cursor),
  };
  const follower = followChanges(client, {
    cursorStore,
    maxBackoffMs: 1_000,
    onConnected: () => progress.push({ kind: 'connected' }),
    onReconnect: (attempt) => progress.push({ kind: 'disconnected', attempt }),
    onEvent: async (event) => {
      events.push(event);
      // An awaited handler: the cursor must not move before it settles.
      await sleep(5);
      if (stopWhen?.(events)) stopping.abort();
    },
    signal: stopping.signal,
  });
  return { events, progress, done: follower.done, stop: async () => (await follower.stop(), await client.close()) };
}

describe('the partner subscriber', () => {
  let graph: EmbeddedGraph;
  let dataDir: string;
  let workDir: string;
  const tokens: Record<string, string> = {};

  const ask = async <T>(query: string, token: string, variables: Record<string, unknown>) => {
    const response = await postGraphQL<T>(graph.gateway.url, { query, variables }, { headers: { authorization: `Bearer ${token}` } });
    expect(response.errors).toBeUndefined();
    return response.data!;
  };

  const createPoliceModel = async () =>
    (
      await ask<{ createPoliceModel: { id: string } }>('mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', tokens.policeEditor!, {
        input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Camera ${randomUUID()}` },
      })
    ).createPoliceModel.id;

  const createFrontModel = async () =>
    (
      await ask<{ createFrontModel: { id: string } }>('mutation ($input: SecurityModelInput!) { createFrontModel(input: $input) { id } }', tokens.frontEditor!, {
        input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Front camera ${randomUUID()}`, organisation: 'FATHERLAND_FRONT' },
      })
    ).createFrontModel.id;

  const write = (index: number) => (index % 2 === 0 ? createPoliceModel() : createFrontModel());

  /** Writes until the partner receives something (without a saved cursor it starts from "now"); returns the writes. */
  async function whenLive(partner: { events: StreamEvent[] }): Promise<string[]> {
    const written: string[] = [];
    const deadline = Date.now() + 20_000;
    while (partner.events.length === 0) {
      if (Date.now() > deadline) throw new Error('the partner never went live');
      written.push(await createPoliceModel());
      await sleep(300);
    }
    // Writes before the subscription was live are not its to receive: it starts from the first it saw.
    return written.slice(written.indexOf(partner.events[0]!.recordId));
  }

  /** Every expected change received exactly once overall, nothing else, each agency in its order with no gap. */
  function expectExactlyOnce(received: StreamEvent[], expected: string[]) {
    const ids = received.map((event) => event.recordId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
    for (const agency of ['POLICE', 'FRONT']) {
      const seqs = received.filter((event) => event.agency === agency).map((event) => event.seq);
      expect(
        seqs.every((seq, index) => index === 0 || seq === seqs[index - 1]! + 1),
        `${agency} seqs ${seqs.join(',')}`,
      ).toBe(true);
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'antq-partner-graph-'));
    workDir = await mkdtemp(join(tmpdir(), 'antq-partner-'));
    graph = await startEmbeddedGraph({ dataDir, port: 0 });
    tokens.policeEditor = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' });
    tokens.frontEditor = await graph.issuer.mint({ agency: 'front', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' });
    tokens.partner = await graph.issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'shared' });
  }, 600_000); // the whole graph starting on a busy 2-core machine has taken over 5 minutes

  afterAll(async () => {
    await graph?.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('stopped midway and started again with its cursor file, receives every change exactly once, in each agency’s order', async () => {
    const cursorFile = join(workDir, 'stop-start', '.partner-cursor');
    const received: StreamEvent[] = [];

    // First run: live, then stopped from inside its handler at the third change of a burst of eight.
    let stopAt = Infinity;
    const first = runPartner(graph.gateway.url, tokens.partner!, cursorFile, (events) => events.length >= stopAt);
    const expected = await whenLive(first);
    const before = first.events.length;
    stopAt = before + 3;
    const burst: string[] = [];
    for (let index = 0; index < 8; index++) burst.push(await write(index));
    expected.push(...burst);
    await first.done;
    await first.stop();
    received.push(...first.events);
    const stoppedAt = first.events.length;

    // The saved cursor is the last handled event's, and only the cursor file is left (no temp files).
    expect((await readFile(cursorFile, 'utf8')).trim()).toBe(first.events.at(-1)!.cursor);
    expect(await readdir(join(workDir, 'stop-start'))).toEqual(['.partner-cursor']);
    await sleep(300);
    expect(first.events.length).toBe(stoppedAt); // nothing handled after the stop

    // Written while the partner is stopped.
    for (let index = 0; index < 6; index++) expected.push(await write(index + 1));

    // Second run, same cursor file: the rest of the burst, the missed changes, then live ones.
    const second = runPartner(graph.gateway.url, tokens.partner!, cursorFile);
    await until(() => expected.every((id) => [...received, ...second.events].some((event) => event.recordId === id)), 'the missed changes');
    expect(second.progress[0]).toEqual({ kind: 'resumed', after: first.events.at(-1)!.cursor });
    for (let index = 0; index < 3; index++) expected.push(await write(index));
    await until(() => expected.every((id) => second.events.some((event) => event.recordId === id) || received.some((event) => event.recordId === id)), 'the live changes');
    await sleep(300);
    await second.stop();
    received.push(...second.events);

    expect(first.events.slice(before).map((event) => event.recordId)).toEqual(burst.slice(0, 3)); // it really stopped midway
    expectExactlyOnce(received, expected);
    expect((await readFile(cursorFile, 'utf8')).trim()).toBe(received.at(-1)!.cursor);
  });

  it('reconnects with backoff after the connection drops and resumes from its saved cursor', async () => {
    const relay = await startRelay(new URL(graph.gateway.url));
    try {
      const cursorFile = join(workDir, 'drops', '.partner-cursor');
      const partner = runPartner(relay.url, tokens.partner!, cursorFile);
      const expected = await whenLive(partner);
      for (let round = 0; round < 3; round++) {
        // Cut the connection, write while it is down, and write again once it is back.
        expect(relay.cut()).toBeGreaterThan(0);
        for (let index = 0; index < 3; index++) expected.push(await write(index + round));
        await until(() => partner.progress.filter((item) => item.kind === 'connected').length >= round + 2, `reconnect ${round + 1}`);
        expected.push(await write(round));
        await until(() => expected.every((id) => partner.events.some((event) => event.recordId === id)), `the changes of round ${round + 1}`);
      }
      await sleep(300);
      await partner.stop();
      expect(partner.progress.filter((item) => item.kind === 'disconnected').length).toBeGreaterThanOrEqual(3);
      expectExactlyOnce(partner.events, expected);
      // Each reconnect resumed after the saved cursor, not the one it first started with.
      const resumes = partner.progress.filter((item): item is Extract<Progress, { kind: 'resumed' }> => item.kind === 'resumed').slice(1);
      expect(resumes.length).toBeGreaterThanOrEqual(3);
      expect(resumes.every((item) => item.after !== undefined)).toBe(true);
      expect(new Set(resumes.map((item) => item.after)).size).toBe(resumes.length);
    } finally {
      await relay.close();
    }
  });

  it('stops with a typed error when the stream refuses it (bad token), instead of retrying forever', async () => {
    const partner = runPartner(graph.gateway.url, 'not-a-token', join(workDir, 'refused', '.partner-cursor'));
    const failure = await partner.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    await partner.stop();
    expect(failure).toBeInstanceOf(ChangeFollowError);
    expect((failure as ChangeFollowError).errors.map((error) => error.code)).toContain('UNAUTHENTICATED');
    expect(partner.progress.filter((item) => item.kind === 'disconnected')).toEqual([]);
  });
});
