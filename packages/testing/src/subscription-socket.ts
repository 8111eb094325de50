import { createRequire } from 'node:module';

/** The part of the `ws` client used here (the package ships no types). */
interface WsClient {
  on(event: 'open', listener: () => void): unknown;
  on(event: 'message', listener: (data: Buffer) => void): unknown;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  send(data: string): void;
  close(code?: number): void;
  readonly readyState: number;
}
type WsConstructor = new (url: string, protocols?: string | string[]) => WsClient;

const require = createRequire(import.meta.url);

/** One message from the server (graphql-transport-ws: connection_ack, next, error, complete, ping …). */
export interface SocketMessage {
  readonly type: string;
  readonly id?: string;
  readonly payload?: unknown;
}

/** A raw graphql-transport-ws connection for tests: send frames, read what comes back in order. */
export interface SubscriptionSocket extends AsyncDisposable {
  send(message: Readonly<Record<string, unknown>>): void;
  /** The next message, or an error after `timeoutMs` (default 5 s) or when the socket closes. */
  next(timeoutMs?: number): Promise<SocketMessage>;
  /** Sends `connection_init` and waits for `connection_ack`. */
  init(payload?: Readonly<Record<string, unknown>>): Promise<void>;
  /** Sends `subscribe` with `payload` ({ query, variables, extensions }). */
  subscribe(id: string, payload: Readonly<Record<string, unknown>>): void;
  close(): Promise<void>;
}

/** Opens a websocket to a subgraph's `/graphql` (an `http://` URL is turned into `ws://`). */
export async function openSubscriptionSocket(url: string, protocol = 'graphql-transport-ws'): Promise<SubscriptionSocket> {
  const WebSocket = require('ws') as WsConstructor;
  const socket = new WebSocket(url.replace(/^http/, 'ws'), protocol);
  const queue: SocketMessage[] = [];
  const waiters: Array<{ resolve: (message: SocketMessage) => void; reject: (error: Error) => void }> = [];
  let closedWith: Error | undefined;
  let closed: Promise<void> | undefined;
  const closedEvent = new Promise<void>((resolve) => {
    socket.on('close', (code, reason) => {
      closedWith = new Error(`websocket closed (${code} ${reason.toString()})`);
      for (const waiter of waiters.splice(0)) waiter.reject(closedWith);
      resolve();
    });
  });

  socket.on('message', (data) => {
    const message = JSON.parse(data.toString('utf8')) as SocketMessage;
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(message);
    else queue.push(message);
  });

  await new Promise<void>((resolve, reject) => {
    socket.on('open', resolve);
    socket.on('error', reject);
  });

  const next = (timeoutMs = 5_000): Promise<SocketMessage> => {
    const queued = queue.shift();
    if (queued) return Promise.resolve(queued);
    if (closedWith) return Promise.reject(closedWith);
    return new Promise<SocketMessage>((resolve, reject) => {
      const waiter = {
        resolve: (message: SocketMessage) => {
          clearTimeout(timer);
          resolve(message);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no websocket message within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push(waiter);
    });
  };

  const send = (message: Readonly<Record<string, unknown>>): void => socket.send(JSON.stringify(message));
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      if (!closedWith) socket.close(1000);
      await closedEvent;
    })());

  return {
    send,
    next,
    async init(payload) {
      send({ type: 'connection_init', ...(payload ? { payload } : {}) });
      const ack = await next();
      if (ack.type !== 'connection_ack') throw new Error(`expected connection_ack, got ${JSON.stringify(ack)}`);
    },
    subscribe(id, payload) {
      send({ id, type: 'subscribe', payload });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
