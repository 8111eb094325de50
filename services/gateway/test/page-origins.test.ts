import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';

// Which pages may read the graph from a browser: the gateway's own (same origin), and the origins
// an operator names. Any other site's page, open in an analyst's browser inside a closed network,
// must not read the graph through it.

const supergraph = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');
const DASHBOARD = 'https://dashboard.example.gov.vn';
const ELSEWHERE = 'https://elsewhere.example';
const gateways = {} as Record<'closed' | 'named' | 'hosts', Gateway>;

beforeAll(async () => {
  const options = { supergraph, port: 0, signingKey: 'test-signing-key', identity: { disabled: true as const }, logLevel: false as const };
  gateways.closed = await createGateway(options);
  gateways.named = await createGateway({ ...options, corsOrigins: [DASHBOARD] });
  gateways.hosts = await createGateway({ ...options, allowedHosts: ['graph.example.gov.vn'] });
}, 300_000);

afterAll(async () => {
  await Promise.all(Object.values(gateways).map((gateway) => gateway.close()));
}, 120_000);

const ask = (gateway: Gateway, origin: string) =>
  fetch(gateway.url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
/** Answers served from the response cache, so far. */
const hits = async (gateway: Gateway) =>
  Number(/^antq_response_cache_requests\{result="hit"\} (\d+)/m.exec(await (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text())?.[1] ?? 0);
const preflight = (gateway: Gateway, origin: string) =>
  fetch(gateway.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });

describe('CORS', () => {
  it('lets no other site’s page read the graph by default, cached answers included', async () => {
    const before = await hits(gateways.closed);
    for (let round = 0; round < 2; round++) {
      const answer = await ask(gateways.closed, ELSEWHERE);
      expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect(await hits(gateways.closed)).toBe(before + 1);
    const refused = await preflight(gateways.closed, ELSEWHERE);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('lets a named origin’s page read and send a token, without credentials, on first answers and cached ones alike', async () => {
    const allowed = await preflight(gateways.named, DASHBOARD);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const before = await hits(gateways.named);
    for (let round = 0; round < 2; round++) {
      const answer = await ask(gateways.named, DASHBOARD);
      expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
      expect(answer.headers.get('access-control-allow-origin'), `round ${round}`).toBe(DASHBOARD);
      expect(answer.headers.get('vary')).toContain('Origin');
    }
    // The second was served from the cache, before the GraphQL pipeline.
    expect(await hits(gateways.named)).toBe(before + 1);
    expect((await ask(gateways.named, ELSEWHERE)).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(gateways.named, ELSEWHERE)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the same pages open the websocket: the gateway’s own, a named origin’s, and clients that are not pages', async () => {
    const own = new URL(gateways.closed.url).origin;
    expect(await overWebSocket(gateways.closed, own)).toEqual({ data: { __typename: 'Query' } });
    expect(await overWebSocket(gateways.closed, undefined)).toEqual({ data: { __typename: 'Query' } });
    expect(await overWebSocket(gateways.named, DASHBOARD)).toEqual({ data: { __typename: 'Query' } });
    for (const gateway of [gateways.closed, gateways.named]) {
      expect(await overWebSocket(gateway, ELSEWHERE)).toEqual({ refused: 403, body: expect.stringContaining(`Pages of ${ELSEWHERE} may not connect to the graph`) });
    }
  });
});

describe('allowed hosts', () => {
  it('answers to IP addresses, localhost and the names given, and refuses a rebound name over HTTP and the websocket', async () => {
    const { port } = new URL(gateways.hosts.url);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `graph.example.gov.vn:${port}`, 'GRAPH.example.gov.vn']) {
      expect(await withHost(gateways.hosts, host), host).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
    }
    for (const host of ['rebound.example', `rebound.example:${port}`, 'localhost.rebound.example']) {
      expect(await withHost(gateways.hosts, host), host).toMatchObject({
        status: 403,
        body: { errors: [{ message: expect.stringContaining(`does not answer to the host name "${host}"`), extensions: { code: 'FORBIDDEN' } }] },
      });
      expect(await withHost(gateways.closed, host), `${host}, no hosts named`).toMatchObject({ status: 200 });
    }
    const upgrade = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(gateways.hosts.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers: { host: 'rebound.example' } });
      socket.once('open', () => reject(new Error('the upgrade was taken')));
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    });
    expect(upgrade).toBe(403);
  });
});

/** `{ __typename }` POSTed with a `Host` header of our choosing (fetch sends the URL's). */
function withHost(gateway: Gateway, host: string): Promise<{ status: number; body: unknown }> {
  const url = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { host, 'content-type': 'application/json' } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(body) as unknown }));
    });
    request.once('error', reject);
    request.end(JSON.stringify({ query: '{ __typename }' }));
  });
}

/** `{ __typename }` over graphql-ws from a page of `origin` (none: a client that is not a page), or how the upgrade was refused. */
async function overWebSocket(gateway: Gateway, origin: string | undefined): Promise<unknown> {
  const url = gateway.url.replace(/^http/, 'ws');
  const headers = origin ? { origin } : {};
  const upgrade = new WebSocket(url, 'graphql-transport-ws', { headers });
  const refusal = await new Promise<{ refused: number; body: string } | undefined>((resolve, reject) => {
    upgrade.once('open', () => resolve(undefined));
    upgrade.once('error', reject);
    upgrade.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ refused: response.statusCode ?? 0, body }));
    });
  });
  upgrade.terminate();
  if (refusal) return refusal;
  class PageSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  const client = createClient({ url, webSocketImpl: PageSocket, retryAttempts: 0 });
  try {
    return await new Promise((resolve, reject) => {
      let result: unknown;
      client.subscribe({ query: '{ __typename }' }, { next: (value) => (result = value), complete: () => resolve(result), error: reject });
    });
  } finally {
    await client.dispose();
  }
}
