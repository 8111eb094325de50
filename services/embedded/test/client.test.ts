import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import WebSocket from 'ws';
import { encodeStreamCursor } from '@antq/sdk';
import { startEmbeddedGraph, type EmbeddedGraph } from '../src/index.js';
import { AntqClientError, ChangeFollowError, createAntqClient, followChanges, graphql, memoryCursorStore, type ChangeEvent, type ResultOf } from '@antq/client';

let graph: EmbeddedGraph;
let dataDir: string;
let editor: string;
let analyst: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'antq-client-'));
  graph = await startEmbeddedGraph({ dataDir, port: 0 });
  editor = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' });
  analyst = await graph.issuer.mint({ agency: 'front', jurisdiction: '80', roles: ['analyst'], clearance: 'shared' });
}, 600_000);

afterAll(async () => {
  await graph?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const AREA = graphql(`
  query Area($code: ID!) {
    area(code: $code) {
      code
      name
      province {
        name
      }
    }
  }
`);
const CREATE = graphql(`
  mutation Create($input: SecurityModelInput!) {
    createPoliceModel(input: $input) {
      id
      name
    }
  }
`);
const modelInput = (name: string) => ({ kind: 'security_camera', status: 'ACTIVE' as const, areaCode: '28177', name });

describe('requests', () => {
  it('types the answer from the document and keeps the codes of errors', async () => {
    const client = createAntqClient({ url: graph.gateway.url, token: analyst });
    const result = await client.request(AREA, { code: '28159' });
    expectTypeOf(result.data).toEqualTypeOf<ResultOf<typeof AREA> | null>();
    expect(result.errors).toEqual([]);
    expect(result.data?.area).toMatchObject({ code: '28159', name: 'Cần Giuộc', province: { name: 'Tây Ninh' } });

    const unknown = await client.request(AREA, { code: '99999' });
    expect(unknown.errors[0]).toMatchObject({ code: 'UNKNOWN_AREA' });
  });

  it('asks the token provider for every request, and reports a refusal with its code', async () => {
    let asked = 0;
    const client = createAntqClient({ url: graph.gateway.url, token: () => (asked++, analyst) });
    const restricted = await client.request(graphql('{ complexAreaDesignations(first: 5) { totalCount } }'));
    expect(asked).toBe(1);
    expect(restricted.errors.map((error) => error.code)).toContain('FORBIDDEN');
  });

  it('retries a read after a network failure, but not a write without an idempotency key', async () => {
    let failures = 1;
    const flaky: typeof fetch = async (input, init) => {
      if (failures-- > 0) throw new TypeError('fetch failed (cut by the test)');
      return fetch(input, init);
    };
    const reader = createAntqClient({ url: graph.gateway.url, token: analyst, fetch: flaky });
    expect((await reader.request(AREA, { code: '28177' })).data?.area?.name).toBe('Mỹ Lộc');

    failures = 1;
    const writer = createAntqClient({ url: graph.gateway.url, token: editor, fetch: flaky });
    await expect(writer.request(CREATE, { input: modelInput(`Camera ${randomUUID()}`) })).rejects.toMatchObject({ code: 'NETWORK_ERROR' });

    failures = 1;
    const name = `Camera ${randomUUID()}`;
    const created = await writer.request(CREATE, { input: modelInput(name) }, { idempotencyKey: randomUUID() });
    expect(created.data?.createPoliceModel.name).toBe(name);
  });

  it('says when the gateway cannot be reached or does not answer in time', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const slow = createAntqClient({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql`, timeoutMs: 300, retries: 0 });
      await expect(slow.request(AREA, { code: '28159' })).rejects.toMatchObject({ name: 'AntqClientError', code: 'REQUEST_TIMEOUT' });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
    const nowhere = createAntqClient({ url: 'http://127.0.0.1:9/graphql', retries: 0 });
    const failure = await nowhere.request(AREA, { code: '28159' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AntqClientError);
    expect((failure as AntqClientError).message).toContain('Cannot reach the gateway');
  });
});

/** A TCP relay in front of the gateway whose connections the test can cut, as a flaky network would. */
async function startRelay(target: string): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  const { hostname, port, pathname } = new URL(target);
  const sockets = new Set<Socket>();
  const relay: TcpServer = createTcpServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}${pathname}`,
    cut: () => sockets.forEach((socket) => socket.destroy()),
    close: () => new Promise((resolve) => relay.close(() => resolve())),
  };
}

describe('following changes', () => {
  it('delivers every change once, in order, across a cut connection and a restart from the saved cursor', async () => {
    const relay = await startRelay(graph.gateway.url);
    const writer = createAntqClient({ url: graph.gateway.url, token: editor });
    const tag = randomUUID();
    const write = async (n: number) => {
      const result = await writer.request(CREATE, { input: modelInput(`Follow ${tag} ${n}`) });
      expect(result.errors).toEqual([]);
      return result.data!.createPoliceModel.id;
    };
    const client = createAntqClient({ url: relay.url, token: editor, webSocketImpl: WebSocket });
    const store = memoryCursorStore();
    const seen: ChangeEvent[] = [];
    const watchers = new Set<() => void>();
    /** Resolves once every one of `ids` has been delivered. */
    const delivered = (ids: readonly string[]) =>
      new Promise<void>((resolve) => {
        const check = () => ids.every((id) => seen.some((event) => event.recordId === id)) && (watchers.delete(check), resolve());
        watchers.add(check);
        check();
      });
    let reconnects = 0;
    let connects = 0;
    const follower = followChanges(client, {
      filter: { agencies: ['POLICE'], recordKinds: ['security_model'] },
      // From the police outbox's start: the example data's models first, then the test's.
      after: encodeStreamCursor({ police: 0 }),
      onEvent: (event) => {
        seen.push(event);
        for (const check of [...watchers]) check();
      },
      cursorStore: store,
      onReconnect: () => reconnects++,
      onConnected: () => connects++,
      maxBackoffMs: 200,
    });
    try {
      const ids = [await write(1), await write(2)];
      await delivered(ids);
      relay.cut();
      ids.push(await write(3), await write(4));
      await delivered(ids);
      expect(reconnects).toBeGreaterThanOrEqual(1);
      // Told of the first connection and of each one after a cut.
      expect(connects).toBeGreaterThanOrEqual(2);
      expect(seen.filter((event) => ids.includes(event.recordId)).map((event) => event.recordId)).toEqual(ids);
      expect(new Set(seen.map((event) => event.cursor)).size).toBe(seen.length);
      await follower.stop();
      // Saved once its handler had returned: the last change handled is where a restart resumes.
      expect(store.cursor).toBe(seen.at(-1)!.cursor);

      // A new follower (a restarted partner) resumes from the saved cursor: only what came after.
      ids.push(await write(5));
      const resumed: ChangeEvent[] = [];
      let resolveFifth: () => void = () => undefined;
      const fifth = new Promise<void>((resolve) => (resolveFifth = resolve));
      const again = followChanges(client, {
        filter: { agencies: ['POLICE'], recordKinds: ['security_model'] },
        cursorStore: store,
        onEvent: (event) => {
          resumed.push(event);
          if (event.recordId === ids[4]) resolveFifth();
        },
      });
      await fifth;
      await again.stop();
      expect(resumed.map((event) => event.recordId)).toEqual([ids[4]]);
    } finally {
      await follower.stop();
      await client.close();
      await relay.close();
    }
  });

  it('subscribes over SSE too', async () => {
    const client = createAntqClient({ url: graph.gateway.url, token: editor });
    const stop = new AbortController();
    let connected = 0;
    const events = client.subscribe(
      graphql('subscription ($after: String) { changes(after: $after, filter: { agencies: [POLICE] }) { cursor agency } }'),
      { after: encodeStreamCursor({ police: 0 }) },
      {
        transport: 'sse',
        signal: stop.signal,
        onConnected: () => connected++,
      },
    );
    const first = await events.next();
    stop.abort();
    expect(first.value?.data?.changes.agency).toBe('POLICE');
    expect(connected).toBe(1);
    await client.close();
  });
});

describe('following changes across token expiries', () => {
  it('follows on across token expiries with a token provider, each change once; with a fixed token it stops and says why', async () => {
    const writer = createAntqClient({ url: graph.gateway.url, token: editor });
    const tag = randomUUID();
    const write = async (n: number) => (await writer.request(CREATE, { input: modelInput(`Renew ${tag} ${n}`) })).data!.createPoliceModel.id;
    // Each connection gets a token that lives 3 seconds: the gateway ends the subscription with it.
    const shortLived = () => graph.issuer.mint({ agency: 'police', roles: ['analyst'], clearance: 'shared', expiresIn: '3s' });
    const client = createAntqClient({ url: graph.gateway.url, token: shortLived, webSocketImpl: WebSocket });
    const seen: string[] = [];
    const renewals: unknown[] = [];
    let renewedNow: () => void = () => undefined;
    const renewed = new Promise<void>((resolve) => (renewedNow = resolve));
    let waiting: { id: string; resolve: () => void } | undefined;
    const follower = followChanges(client, {
      filter: { agencies: ['POLICE'], recordKinds: ['security_model'] },
      after: encodeStreamCursor({ police: 0 }),
      onEvent: (event) => {
        seen.push(event.recordId);
        if (event.recordId === waiting?.id) waiting.resolve();
      },
      onReconnect: (_attempt, reason) => {
        renewals.push(reason);
        renewedNow();
      },
    });
    const delivered = (id: string) => new Promise<void>((resolve) => (seen.includes(id) ? resolve() : (waiting = { id, resolve })));
    try {
      const ids = [await write(1)];
      await delivered(ids[0]!);
      // Written after the first token's expiry has ended its subscription.
      await renewed;
      ids.push(await write(2));
      await delivered(ids[1]!);
      expect(renewals[0]).toMatchObject({ errors: [{ code: 'UNAUTHENTICATED', extensions: { reason: 'TOKEN_EXPIRED' } }] });
      expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    } finally {
      await follower.stop();
      await client.close();
    }

    const fixed = createAntqClient({ url: graph.gateway.url, token: await shortLived(), webSocketImpl: WebSocket });
    const stopped = followChanges(fixed, { after: encodeStreamCursor({ police: 0 }), onEvent: () => undefined });
    const failure = await stopped.done.catch((error: unknown) => error);
    await fixed.close();
    expect(failure).toBeInstanceOf(ChangeFollowError);
    expect((failure as ChangeFollowError).errors[0]?.code).toBe('UNAUTHENTICATED');
  }, 60_000);
});
