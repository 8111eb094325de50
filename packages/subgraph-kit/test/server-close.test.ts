import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { signSubgraphRequest } from '@antq/testing';
import { describe, expect, it } from 'vitest';
import { createAgencySubgraph } from '../src/agency-subgraph.js';
import { createAgencyFeed } from '../src/outbox/agency-feed.js';
import { createSubgraphServer, type SubgraphServer } from '../src/server/create-subgraph-server.js';
import { randomKey } from './fixtures/tiny-subgraph.js';

/*
 * Closing a subgraph must not wait on its clients: not on keep-alive connections (idle, or
 * freed by a request that ends while closing), not on a connection a client opened and never
 * sent a request on, and at most `closeGraceMs` on a request that does not end.
 */

const slowSdl = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query {
    slow(ms: Int!): String
    stuck: String
  }
`;

/** A subgraph whose `slow` answers after `ms`, and whose `stuck` answers when the test lets it. */
async function startSlowSubgraph(options: { closeGraceMs?: number } = {}) {
  const signingKey = randomKey();
  let started = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server: SubgraphServer = await createSubgraphServer({
    agency: 'police',
    typeDefs: slowSdl,
    resolvers: {
      Query: {
        slow: async (_: unknown, args: { ms: number }) => {
          started += 1;
          await new Promise((resolve) => setTimeout(resolve, args.ms));
          return `slept ${args.ms}`;
        },
        stuck: async () => {
          started += 1;
          await released;
          return 'released';
        },
      },
    } as never,
    signingKey,
    port: 0,
    logLevel: 'silent',
    ...options,
  });
  return { server, signingKey, started: () => started, release };
}

/** A POST over node:http with a keep-alive agent, so the test sees the connection it used. */
function post(url: string, body: unknown, agent: Agent): Promise<{ status: number; headers: IncomingHttpHeaders; body: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), socket: req.socket! }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const closedEvent = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

async function until(check: () => boolean, what: string, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Well under the 10 s close grace: a close that waits on a client, or on the grace, fails it. */
const PROMPT_MS = 5_000;

describe('closing a subgraph', () => {
  it('ends idle and never-used connections at once, and answers a request on its way with connection: close', async () => {
    const { server, signingKey, started } = await startSlowSubgraph();
    const agent = new Agent({ keepAlive: true });
    try {
      // An idle keep-alive connection: its request is done, the agent keeps it for the next one.
      const idle = await post(server.url, signSubgraphRequest({ body: { query: '{ slow(ms: 0) }' }, signingKey, audience: 'police' }), agent);
      expect(idle.status).toBe(200);
      expect(idle.headers.connection).toBe('keep-alive');
      // A connection a client opened and never sent a request on (as an HTTP client's pool may, after an aborted request).
      const { port } = new URL(server.url);
      const unused = connect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve, reject) => unused.once('connect', resolve).once('error', reject));
      const connections = () => new Promise<number>((resolve) => server.app.server.getConnections((_, count) => resolve(count)));
      for (let tries = 0; (await connections()) < 2 && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await connections()).toBe(2);
      // A request on its way when the close starts.
      const busy = post(server.url, signSubgraphRequest({ body: { query: '{ slow(ms: 300) }' }, signingKey, audience: 'police' }), agent);
      await until(() => started() === 2, 'the slow request to start');

      const began = performance.now();
      await server.close();
      const took = performance.now() - began;

      const answered = await busy;
      expect(answered.status).toBe(200);
      expect(JSON.parse(answered.body)).toEqual({ data: { slow: 'slept 300' } });
      expect(answered.headers.connection).toBe('close');
      await closedEvent(answered.socket);
      await closedEvent(idle.socket);
      await closedEvent(unused);
      expect(took).toBeGreaterThanOrEqual(250); // it waited for the request on its way …
      expect(took).toBeLessThan(PROMPT_MS); // … and for nothing else
      expect(await connections()).toBe(0);
    } finally {
      agent.destroy();
      await server.close();
    }
  });

  it('ends a request that outlasts the close grace period, and closes then', async () => {
    const { server, signingKey, started, release } = await startSlowSubgraph({ closeGraceMs: 300 });
    const agent = new Agent({ keepAlive: true });
    try {
      const stuck = post(server.url, signSubgraphRequest({ body: { query: '{ stuck }' }, signingKey, audience: 'police' }), agent).then(
        () => 'answered',
        (error: NodeJS.ErrnoException) => error.code ?? error.message,
      );
      await until(() => started() === 1, 'the stuck request to start');
      const began = performance.now();
      await server.close();
      const took = performance.now() - began;
      expect(await stuck).toBe('ECONNRESET');
      expect(took).toBeGreaterThanOrEqual(250);
      expect(took).toBeLessThan(PROMPT_MS);
    } finally {
      release();
      agent.destroy();
      await server.close();
    }
  });

  it("ends the change stream's long polls with what they have, also after a poll was aborted, and closes promptly", async () => {
    const signingKey = randomBytes(32).toString('base64');
    const subgraph = await createAgencySubgraph({ agency: 'police' }, { signingKey, registry: await loadAreaRegistry(), logLevel: 'silent' });
    try {
      const feed = createAgencyFeed({ agency: 'police', url: subgraph.url, signingKey });
      // Answered reads: the feed's HTTP client learns the subgraph keeps connections alive (for 72 s).
      const { head } = await feed.read(0, 0, 0);
      await feed.read(head, 10, 0);
      // A long poll the stream gives up on (as when it closes or restarts) …
      const aborted = new AbortController();
      const given = feed.read(head, 10, 20_000, aborted.signal).then(
        () => 'answered',
        (error: Error) => error.name,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      aborted.abort();
      expect(await given).toBe('AbortError');
      // … and one still waiting when the subgraph closes.
      const waiting = feed.read(head, 10, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 200));

      const began = performance.now();
      await subgraph.close();
      const took = performance.now() - began;
      expect(await waiting).toEqual({ head, changes: [] });
      expect(took).toBeLessThan(PROMPT_MS);
    } finally {
      await subgraph.close();
    }
  });
});
