import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { AntqClientError, ChangeFollowError, createAntqClient, followChanges, graphql } from '../src/index.js';

/** A graphql-ws endpoint on port 0 that closes every connection with `code` once the client says hello, as a refusing server does. */
async function startRefusingServer(code: number, reason: string) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'graphql-transport-ws' });
  let connections = 0;
  server.on('connection', (socket) => {
    connections += 1;
    socket.once('message', () => socket.close(code, reason));
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, connections: () => connections };
}
const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('a server that refuses the socket', () => {
  it('ends a subscription with UNAUTHENTICATED or FORBIDDEN for graphql-ws 4401 and 4403', async () => {
    for (const [code, expected] of [
      [4401, 'UNAUTHENTICATED'],
      [4403, 'FORBIDDEN'],
    ] as const) {
      const server = await startRefusingServer(code, `refused ${randomUUID()}`);
      const client = createAntqClient({ url: server.url, webSocketImpl: WebSocket });
      const failure = await client
        .subscribe(graphql('subscription { changes { cursor } }'))
        .next()
        .catch((error: unknown) => error);
      await client.close();
      expect(failure).toBeInstanceOf(AntqClientError);
      expect(failure).toMatchObject({ code: expected, message: expect.stringContaining(String(code)) });
    }
  });

  it('stops followChanges with a ChangeFollowError instead of reconnecting forever', async () => {
    const server = await startRefusingServer(4403, 'Forbidden');
    const client = createAntqClient({ url: server.url, webSocketImpl: WebSocket });
    let reconnects = 0;
    const follower = followChanges(client, { onEvent: () => undefined, onReconnect: () => reconnects++ });
    const failure = await follower.done.catch((error: unknown) => error);
    await client.close();
    expect(failure).toBeInstanceOf(ChangeFollowError);
    expect((failure as ChangeFollowError).errors.map((error) => error.code)).toEqual(['FORBIDDEN']);
    expect(reconnects).toBe(0);
    expect(server.connections()).toBe(1);
  });

  it('still reconnects after a close that is not a refusal', async () => {
    const server = await startRefusingServer(1011, 'going away');
    const client = createAntqClient({ url: server.url, webSocketImpl: WebSocket });
    let resolveSecond: () => void = () => undefined;
    const second = new Promise<void>((resolve) => (resolveSecond = resolve));
    const follower = followChanges(client, { onEvent: () => undefined, maxBackoffMs: 50, onReconnect: (attempt) => attempt >= 2 && resolveSecond() });
    await second;
    await follower.stop();
    await client.close();
    expect(server.connections()).toBeGreaterThanOrEqual(2);
  });
});
