import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

export interface GracefulCloseOptions {
  /** Named in the log when connections outlast the grace period. */
  readonly agency: string;
  readonly log: FastifyBaseLogger;
  /** How long requests on their way may take to finish once closing has begun. */
  readonly closeGraceMs: number;
}

export interface GracefulClose {
  /** Whether `close` has begun. */
  readonly closing: () => boolean;
  /** Stops the server and ends its connections (see `SubgraphServer.close`); resolves with what failed. */
  readonly close: () => Promise<unknown[]>;
}

/**
 * Tracks the server's connections from the start so that closing need not wait on clients:
 * registered before the server listens.
 */
export function trackConnectionsForClose(server: FastifyInstance, options: GracefulCloseOptions): GracefulClose {
  const { agency, log, closeGraceMs } = options;
  let closing = false;

  // Every open connection, so that close need not wait on clients (see `close` below).
  const sockets = new Set<Socket>();
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.server.on('request', (_request, response) => {
    // A response that ends while closing leaves its connection idle: end it then, not when the client lets go.
    response.once('close', () => {
      if (closing) setImmediate(() => server.server.closeIdleConnections());
    });
  });
  // While closing, every answer tells the client the connection ends with it.
  server.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  const close = async (): Promise<unknown[]> => {
    closing = true;
    const failures: unknown[] = [];
    const closingServer = server.close().then(
      () => undefined,
      (error: unknown) => void failures.push(error),
    );
    // Node's close ends the connections idle at that moment, but counts one that a client
    // opened and never sent a request on as busy (an HTTP client may open one right after
    // an aborted request and keep it for the whole keep-alive timeout): once the server has
    // stopped listening, end those too. Requests on their way finish with `connection: close`.
    let settled = false;
    void closingServer.then(() => (settled = true));
    while (server.server.listening && !settled) await new Promise((resolve) => setImmediate(resolve));
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
    const grace = setTimeout(() => {
      log.warn({ connections: sockets.size, graceMs: closeGraceMs }, `Ending the ${agency} subgraph's connections that outlasted the close grace period`);
      server.server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    }, closeGraceMs);
    try {
      await closingServer;
    } finally {
      clearTimeout(grace);
    }
    return failures;
  };

  return { closing: () => closing, close };
}

/** Runs the `onClose` hooks, last registered first; returns their failures, each logged. */
export async function runCloseHooks(hooks: ReadonlyArray<() => unknown>, log: FastifyBaseLogger): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (const hook of [...hooks].reverse()) {
    try {
      await hook();
    } catch (error) {
      log.error({ err: error }, 'An onClose hook failed');
      failures.push(error);
    }
  }
  return failures;
}
