import { createRequire } from 'node:module';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../src/index.js';
import { startTwoAgencyGraph, type TwoAgencyGraph } from './two-agency-graph.js';

const require = createRequire(import.meta.url);
// `ws` ships no types; graphql-ws takes any WebSocket implementation.
const WebSocket = require('ws') as unknown;

/*
 * Dừng cổng khi còn người theo dõi — a subscription never ends on its own. When the gateway
 * stops (a deploy, a restart) its subscribers' connections are cut, over SSE as over graphql-ws,
 * and the gateway closes at once: a client reconnects from its last cursor. Before, an SSE
 * subscriber kept the close waiting until the shutdown gave up, skipping the audit log's close.
 */

let graph: TwoAgencyGraph;
let gateway: Gateway;
let token: string;

beforeAll(async () => {
  graph = await startTwoAgencyGraph();
  gateway = await graph.gateway({ responseCache: false });
  token = await graph.issuer.mint({ agency: 'police', organisation: 'police', roles: ['analyst'], jurisdiction: 'VN', clearance: 'shared' });
}, 120_000);

afterAll(async () => {
  await graph?.close();
});

describe('subscriptions when a part of the graph stops', () => {
  it('are cut, over SSE and graphql-ws, without a complete, and the gateway closes', async () => {
    const query = 'subscription { policeChanges { seq } }';
    const client = createClient({ url: gateway.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
    const overWebSocket = new Promise<string>((resolve) => {
      client.subscribe({ query }, { next: () => undefined, error: () => resolve('error'), complete: () => resolve('complete') });
    });
    await connected;
    // The answer's headers come once the gateway runs the subscription.
    const sse = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    // Read to its end: a cut connection fails the read, a completed subscription ends it.
    const overSse = sse.text().then(
      (text) => `ended: ${text.includes('event: complete') ? 'complete' : 'no complete'}`,
      (error: Error) => error.message,
    );

    await gateway.close();

    expect(await overSse).toBe('terminated');
    expect(await overWebSocket).toBe('error');
    await client.dispose();
  });

  it("end with the agency's DOWNSTREAM_SERVICE_ERROR when its subgraph goes away, not with the subgraph's address", async () => {
    const own = await startTwoAgencyGraph();
    try {
      const ownGateway = await own.gateway({ responseCache: false });
      const reader = await own.issuer.mint({ agency: 'front', organisation: 'fatherland_front', roles: ['analyst'], jurisdiction: 'VN', clearance: 'shared' });
      const sse = await fetch(ownGateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${reader}` },
        body: JSON.stringify({ query: 'subscription { policeChanges { seq } }' }),
      });
      const events = sse.text();
      await own.subgraphs.find((subgraph) => subgraph.agency === 'police')!.close();
      const data = (await events)
        .split('\n')
        .filter((line) => line.startsWith('data: {'))
        .map((line) => JSON.parse(line.slice(6)) as { errors?: { message: string; extensions: Record<string, unknown> }[] });
      expect(data.flatMap((event) => event.errors ?? [])).toEqual([
        {
          message: 'The police service did not answer, so its fields are missing from this answer. The rest stands; try again later.',
          path: ['policeChanges'],
          extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', agency: 'police' },
        },
      ]);
    } finally {
      await own.close();
    }
  });
});
