import { createRequire } from 'node:module';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode } from '@antq/sdk';
import { getGraphQLWSOptions } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { hostRefusal } from './allowed-hosts.js';

/** The part of `ws`'s WebSocketServer used here (the package ships no types). */
interface WsServer {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, callback: (client: unknown) => void): void;
  emit(event: 'connection', client: unknown, request: IncomingMessage): boolean;
  close(callback?: (error?: Error) => void): void;
  readonly clients: Set<{ terminate(): void }>;
}
type WsServerConstructor = new (options: { noServer: true; maxPayload?: number }) => WsServer;

const require = createRequire(import.meta.url);

/** What the websocket endpoint needs of the gateway runtime (a Yoga instance underneath). */
type GatewayRuntimeLike = Parameters<typeof getGraphQLWSOptions>[0] & {
  /** Loads the supergraph if it is not yet (HTTP requests wait for it the same way). */
  getSchema(): unknown;
};

export interface GraphQLWebSocket {
  /** Closes every client socket and stops taking upgrades. */
  close(): Promise<void>;
}

/**
 * The header set a websocket operation runs with: the upgrade request's headers, and an
 * `Authorization` from the `connection_init` payload (browsers cannot set headers on a
 * websocket), which wins over the upgrade's.
 */
function headersOf(request: IncomingMessage, connectionParams: Readonly<Record<string, unknown>> | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    // Hop-by-hop websocket headers mean nothing to a GraphQL operation.
    if (/^(connection|upgrade|sec-websocket-.*)$/i.test(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const authorization = connectionParams?.authorization ?? connectionParams?.Authorization;
  if (typeof authorization === 'string' && authorization !== '') {
    try {
      headers.set('authorization', authorization);
    } catch {
      // Not a valid header value (e.g. a line break): left out, so the caller is anonymous.
    }
  }
  return headers;
}

/**
 * Browsers open a websocket to any site, sending the page's origin, and no CORS applies: a page of
 * another site, open in an analyst's browser inside a closed network, could otherwise read the
 * graph through it. The gateway's own pages are of its origin; clients that are not pages send none.
 */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

function refuseUpgrade(socket: Duplex, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code: ErrorCode.FORBIDDEN } }] });
  socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

function tooManyOperations(limit: number): GraphQLError {
  return new GraphQLError(`This connection already runs ${limit} operations, its limit: complete one it no longer needs, or open another connection.`, {
    extensions: { code: ErrorCode.RATE_LIMITED, limit: 'operationsPerConnection', max: limit },
  });
}

/**
 * Đăng ký qua websocket — clients subscribe to the gateway over graphql-ws (graphql-transport-ws)
 * at the GraphQL path, on the same HTTP server as Fastify. Each operation runs through the
 * gateway runtime with a `Request` built from the upgrade request, so identity, limits, auth
 * and the upstream signature work as for HTTP. SSE needs nothing here: the runtime serves it at
 * the same path for `accept: text/event-stream`.
 */
export function attachGraphQLWebSocket(
  server: Server,
  runtime: GatewayRuntimeLike,
  options: {
    readonly path: string;
    /** Largest message accepted, like the HTTP body limit. */
    readonly maxPayloadBytes: number;
    /** Operations one connection may have running at once. */
    readonly maxOperations: number;
    /** Other sites whose pages may connect (`GatewayOptions.corsOrigins`). */
    readonly corsOrigins: readonly string[];
    /** Whether the gateway answers to a `Host` (`GatewayOptions.allowedHosts`). */
    readonly hostAllowed: (host: string | undefined) => boolean;
  },
): GraphQLWebSocket {
  const { path } = options;
  const WebSocketServer = (require('ws') as { WebSocketServer: WsServerConstructor }).WebSocketServer;
  // A larger frame closes the connection (1009); ws's own default would be 100 MiB.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname !== path) {
      socket.destroy();
      return;
    }
    if (!options.hostAllowed(request.headers.host)) {
      refuseUpgrade(socket, hostRefusal(request.headers.host));
      return;
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, request.headers.host) && !options.corsOrigins.includes(origin)) {
      refuseUpgrade(socket, `Pages of ${origin} may not connect to the graph: ask its operator to name that origin in ANTQ_CORS_ORIGINS.`);
      return;
    }
    wsServer.handleUpgrade(request, socket, head, (client) => wsServer.emit('connection', client, request));
  };
  server.on('upgrade', onUpgrade);

  const serverOptions = getGraphQLWSOptions<Record<string, unknown>, Extra>(runtime, async (ctx: Context<Record<string, unknown> | undefined, Extra>) => {
    // An operation run before the supergraph is loaded would meet no schema at all.
    await runtime.getSchema();
    const upgrade = ctx.extra.request;
    return {
      req: upgrade,
      socket: ctx.extra.socket,
      // A fixed origin: the client's Host header has no say in the URL.
      request: new Request(new URL(upgrade.url ?? path, 'http://localhost'), {
        method: 'POST',
        headers: headersOf(upgrade, ctx.connectionParams ?? undefined),
      }),
    };
  });
  const cleanup = useServer(
    {
      ...serverOptions,
      // The operation being subscribed is already among the connection's.
      onSubscribe: (ctx, id, payload) =>
        Object.keys(ctx.subscriptions).length > options.maxOperations ? [tooManyOperations(options.maxOperations)] : serverOptions.onSubscribe?.(ctx, id, payload),
    },
    wsServer as never,
  );

  return {
    async close() {
      server.off('upgrade', onUpgrade);
      for (const client of wsServer.clients) client.terminate();
      await cleanup.dispose();
    },
  };
}
