import { print, type DocumentNode } from '@0no-co/graphql.web';
import type { TadaDocumentNode } from 'gql.tada';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { ErrorCode } from '@antq/sdk';
import pRetry from 'p-retry';

/** The bearer token, or a function that returns the current one (called for every request). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface AntqClientOptions {
  /** The gateway's GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  readonly url: string;
  readonly token?: TokenSource;
  /** How long one HTTP attempt may take, in ms (default 30,000). */
  readonly timeoutMs?: number;
  /** How many times a read (query) is tried again after a network failure, a timeout or a 5xx (default 2). */
  readonly retries?: number;
  /** A fetch implementation (default the global one). */
  readonly fetch?: typeof fetch;
  /** A WebSocket implementation where there is no global one (Node 20: the `ws` package). */
  readonly webSocketImpl?: unknown;
}

/** Codes of failures that happen before the gateway answers (the gateway's own are the SDK's `ErrorCode`). */
export const ClientErrorCode = {
  NETWORK_ERROR: 'NETWORK_ERROR',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  BAD_RESPONSE: 'BAD_RESPONSE',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** One error of an answer, with its code and, when a subgraph failed, the agency whose fields are missing. */
export interface ClientGraphQLError {
  readonly message: string;
  readonly code: ErrorCode | string;
  readonly agency?: string;
  readonly path?: readonly (string | number)[];
  readonly extensions: Readonly<Record<string, unknown>>;
}

/** An answer: the data (partial when some fields failed) and the errors, each with its code. */
export interface ClientResult<TData> {
  readonly data: TData | null;
  readonly errors: readonly ClientGraphQLError[];
}

/** A request that got no GraphQL answer: the gateway was unreachable, too slow, or answered something else. */
export class AntqClientError extends Error {
  override readonly name = 'AntqClientError';
  constructor(
    readonly code: ClientErrorCode | ErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RequestOptions {
  /** For a mutation: makes retrying it safe (the gateway's `Idempotency-Key`); the client then retries it too. */
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SubscribeOptions {
  /** graphql-ws (default) or server-sent events. */
  readonly transport?: 'ws' | 'sse';
  readonly signal?: AbortSignal;
  /** Told once the connection carrying this subscription is up (graphql-ws: acknowledged; SSE: the stream opened). */
  readonly onConnected?: () => void;
}

type AnyDocument<TResult, TVariables> = TadaDocumentNode<TResult, TVariables> | DocumentNode;

function operationOf(document: DocumentNode): 'query' | 'mutation' | 'subscription' {
  for (const definition of document.definitions) if (definition.kind === 'OperationDefinition') return definition.operation;
  throw new TypeError('The document has no operation.');
}

/** Errors as the client reports them: a code always, the agency when the gateway named one. */
export function toClientErrors(errors: unknown): ClientGraphQLError[] {
  if (!Array.isArray(errors)) return [];
  return errors.map((error: { message?: unknown; path?: unknown; extensions?: Record<string, unknown> }) => {
    const extensions = error.extensions ?? {};
    return {
      message: typeof error.message === 'string' ? error.message : 'Unknown error',
      code: typeof extensions.code === 'string' ? extensions.code : ErrorCode.INTERNAL_SERVER_ERROR,
      ...(typeof extensions.agency === 'string' ? { agency: extensions.agency } : {}),
      ...(Array.isArray(error.path) ? { path: error.path as (string | number)[] } : {}),
      extensions,
    };
  });
}

/** The wait after the first failed attempt, doubling after each further one. */
const RETRY_BASE_MS = 200;

/** A 502–504 answer: worth another attempt; the last one is returned as it is when none is left. */
class GatewayUnavailable extends Error {
  constructor(readonly response: Response) {
    super(`The gateway answered ${response.status}.`);
  }
}

/** What the HTTP and subscription halves of a client share, read once from its options. */
interface ClientSettings {
  readonly url: string;
  readonly fetchImpl: typeof fetch;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly tokenNow: () => Promise<string | undefined>;
  readonly webSocketImpl?: unknown;
}

/** One HTTP attempt, with its timeout; failures before an answer become an `AntqClientError`. */
async function attempt(settings: ClientSettings, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
  const { fetchImpl, timeoutMs, url } = settings;
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await fetchImpl(url, { method: 'POST', headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (error) {
    if (signal?.aborted) throw error;
    if (timeout.aborted) throw new AntqClientError(ClientErrorCode.REQUEST_TIMEOUT, `The gateway did not answer within ${timeoutMs} ms (${url}).`, undefined, { cause: error });
    throw new AntqClientError(ClientErrorCode.NETWORK_ERROR, `Cannot reach the gateway at ${url}: ${(error as Error).message}. Is it running?`, undefined, {
      cause: error,
    });
  }
}

/** Queries and mutations over HTTP, retrying what is safe to retry. */
function createRequester(settings: ClientSettings) {
  const { retries, tokenNow } = settings;
  async function request<TResult, TVariables>(
    document: AnyDocument<TResult, TVariables>,
    variables?: TVariables,
    requestOptions: RequestOptions = {},
  ): Promise<ClientResult<TResult>> {
    const operation = operationOf(document as DocumentNode);
    if (operation === 'subscription') throw new TypeError('Use subscribe() for a subscription.');
    const token = await tokenNow();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json;q=0.9',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(requestOptions.idempotencyKey ? { 'idempotency-key': requestOptions.idempotencyKey } : {}),
      ...requestOptions.headers,
    };
    const body = JSON.stringify({ query: print(document as DocumentNode), ...(variables ? { variables } : {}) });
    const retryable = operation === 'query' || requestOptions.idempotencyKey !== undefined;
    const response = await send(body, headers, { retryable, ...(requestOptions.signal ? { signal: requestOptions.signal } : {}) });
    const text = await response.text();
    let parsed: { data?: TResult | null; errors?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new AntqClientError(ClientErrorCode.BAD_RESPONSE, `The gateway answered ${response.status} with something that is not GraphQL: ${text.slice(0, 120)}`, response.status);
    }
    return { data: parsed.data ?? null, errors: toClientErrors(parsed.errors) };
  }

  /**
   * Sends one request, trying again (p-retry, exponential backoff) after a network failure, a
   * timeout or a 502–504 when it is safe to: a read, or a write with an idempotency key.
   */
  async function send(body: string, headers: Record<string, string>, options: { retryable: boolean; signal?: AbortSignal }): Promise<Response> {
    try {
      return await pRetry(
        async () => {
          const response = await attempt(settings, body, headers, options.signal);
          if (options.retryable && response.status >= 502 && response.status <= 504) throw new GatewayUnavailable(response);
          return response;
        },
        {
          retries: options.retryable ? retries : 0,
          factor: 2,
          minTimeout: RETRY_BASE_MS,
          ...(options.signal ? { signal: options.signal } : {}),
          shouldRetry: ({ error }) => error instanceof AntqClientError || error instanceof GatewayUnavailable,
          // A 5xx answer that will be tried again is not read: free its connection.
          onFailedAttempt: ({ error, retriesLeft }) => void (error instanceof GatewayUnavailable && retriesLeft > 0 && error.response.body?.cancel()),
        },
      );
    } catch (error) {
      if (error instanceof GatewayUnavailable) return error.response;
      throw error;
    }
  }

  return request;
}

/** graphql-ws close codes by which the server refuses the caller: reconnecting would meet the same refusal. */
const REFUSING_CLOSE_CODES: Readonly<Record<number, ErrorCode>> = { 4401: ErrorCode.UNAUTHENTICATED, 4403: ErrorCode.FORBIDDEN };

/** Subscriptions over graphql-ws or SSE, each transport connected on first use. */
function createSubscriber(settings: ClientSettings) {
  const { fetchImpl, tokenNow } = settings;
  let ws: WsClient | undefined;
  let sse: SseClient | undefined;
  // One socket carries every graphql-ws subscription: a subscription started on it while it is up is connected at once.
  let wsUp = false;

  function wsClient(): WsClient {
    return (ws ??= createWsClient({
      url: settings.url.replace(/^http/, 'ws'),
      ...(settings.webSocketImpl ? { webSocketImpl: settings.webSocketImpl } : {}),
      lazy: true,
      retryAttempts: 0,
      on: { connected: () => void (wsUp = true), closed: () => void (wsUp = false) },
      connectionParams: async () => {
        const token = await tokenNow();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    }));
  }

  function sseClient(): SseClient {
    return (sse ??= createSseClient({
      url: settings.url,
      fetchFn: fetchImpl,
      retryAttempts: 0,
      headers: async (): Promise<Record<string, string>> => {
        const token = await tokenNow();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    }));
  }

  /** The events of a subscription, each with its errors; ends when the server ends it or `signal` aborts. */
  async function* subscribe<TResult, TVariables>(
    document: AnyDocument<TResult, TVariables>,
    variables?: TVariables,
    subscribeOptions: SubscribeOptions = {},
  ): AsyncGenerator<ClientResult<TResult>> {
    const payload = { query: print(document as DocumentNode), ...(variables ? { variables: variables as Record<string, unknown> } : {}) };
    const { onConnected } = subscribeOptions;
    let iterator: AsyncIterableIterator<{ data?: unknown; errors?: unknown }>;
    let stopListening = () => undefined as void;
    if (subscribeOptions.transport === 'sse') {
      iterator = sseClient().iterate<TResult>(payload, onConnected ? { connected: () => onConnected() } : undefined);
    } else {
      const client = wsClient();
      iterator = client.iterate<TResult>(payload);
      if (onConnected && wsUp) queueMicrotask(onConnected);
      else if (onConnected) stopListening = client.on('connected', () => (stopListening(), onConnected()));
    }
    const stop = () => void iterator.return?.();
    subscribeOptions.signal?.addEventListener('abort', stop);
    try {
      for await (const result of iterator) {
        yield { data: (result.data as TResult | null | undefined) ?? null, errors: toClientErrors(result.errors) };
      }
    } catch (error) {
      if (subscribeOptions.signal?.aborted) return;
      if (Array.isArray(error)) {
        yield { data: null, errors: toClientErrors(error) };
        return;
      }
      if (error instanceof AntqClientError) throw error;
      const refusal = REFUSING_CLOSE_CODES[(error as { code?: number } | null)?.code ?? 0];
      throw new AntqClientError(refusal ?? ClientErrorCode.NETWORK_ERROR, `The subscription to ${settings.url} ended: ${describe(error)}`, undefined, { cause: error });
    } finally {
      stopListening();
      subscribeOptions.signal?.removeEventListener('abort', stop);
      await iterator.return?.();
    }
  }

  async function close(): Promise<void> {
    await ws?.dispose();
    sse?.dispose();
    ws = undefined;
    sse = undefined;
  }

  return { subscribe, close };
}

/**
 * Máy khách ANTQ — one small client of the ANTQ Graph gateway: typed operations over HTTP
 * (`application/graphql-response+json`), subscriptions over graphql-ws or SSE, a token or a
 * function that gives the current one, codes on every error, partial data kept, timeouts, and
 * retries of what is safe to retry (reads, and writes that carry an idempotency key).
 */
export function createAntqClient(options: AntqClientOptions) {
  const settings: ClientSettings = {
    url: options.url,
    fetchImpl: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 2,
    tokenNow: async () => (typeof options.token === 'function' ? await options.token() : options.token),
    webSocketImpl: options.webSocketImpl,
  };
  const { subscribe, close } = createSubscriber(settings);
  return { url: options.url, request: createRequester(settings), subscribe, close };
}

export type AntqClient = ReturnType<typeof createAntqClient>;

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'code' in error)
    return `closed with ${String((error as { code: unknown }).code)} ${String((error as { reason?: unknown }).reason ?? '')}`.trim();
  return String(error);
}
