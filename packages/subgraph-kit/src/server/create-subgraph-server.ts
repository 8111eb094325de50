import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import mercurius, { type MercuriusCommonOptions, type MercuriusContext } from 'mercurius';
import { pino, type LevelWithSilent } from 'pino';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Agency } from '@antq/sdk';
import { toSafeGraphQLError, gatewaySignatureError } from '../errors.js';
import type { Caller } from '../identity/caller.js';
import { createGatewayRequestVerifier, type AdmittedRequest } from '../identity/gateway-request.js';
import type { GraphQLRequestParams, NonceStore } from '../identity/gateway-signature.js';
import { createErrorFormatter } from './error-formatter.js';
import { maskSubscriptionErrors } from './mask-subscription-errors.js';
import { attachScalarResolvers, type SubgraphResolvers } from './scalars.js';
import { createSubscriptionGuard } from './subscription-guard.js';

/** Where every subgraph serves GraphQL (HTTP and websocket). */
export const GRAPHQL_PATH = '/graphql';

/** Who a subgraph belongs to: an agency, or the graph itself for the change stream. */
export type SubgraphOwner = Agency | 'stream';

/** What every resolver of an ANTQ subgraph finds in its context. */
export interface SubgraphContextBase {
  /** The agency that owns this subgraph ('stream' for the graph's change stream). */
  readonly agency: SubgraphOwner;
  /** The caller the gateway forwarded; undefined for anonymous callers and the gateway's own calls. */
  readonly caller: Caller | undefined;
  /** The request's logger (carries the request id). */
  readonly log: FastifyBaseLogger;
  /** `extensions.idempotencyKey` of the request, which the gateway forwards from `Idempotency-Key`. */
  readonly idempotencyKey?: string | undefined;
}

/** The base context plus what the agency's `context` hook adds. */
export type SubgraphContext<TExtra extends object = Record<never, never>> = SubgraphContextBase & TExtra;

/** Mercurius's subscription options that pass through (`context` and `fullWsTransport` are the kit's). */
export type SubgraphSubscriptionOptions = Omit<
  Exclude<MercuriusCommonOptions['subscription'], boolean | undefined>,
  'context' | 'fullWsTransport'
>;

/** What the agency's per-request `context` hook receives. */
export interface ContextInput {
  /** The verified caller (undefined when the gateway forwarded none). */
  readonly caller: Caller | undefined;
  /** The HTTP request, or the websocket upgrade request of a subscription. */
  readonly request: FastifyRequest;
}

export interface SubgraphServerOptions<TExtra extends object = Record<never, never>> {
  readonly agency: SubgraphOwner;
  /** The agency's Federation 2 SDL (`schema/<agency>.graphql`). */
  readonly typeDefs: string | DocumentNode;
  /** Resolvers; scalars the SDL declares are attached by name (see `attachScalarResolvers`). */
  readonly resolvers: SubgraphResolvers<SubgraphContext<TExtra>>;
  /** 0 picks a free port. Default 0. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The HMAC secret shared with the gateway. Required unless `allowUnsigned`. */
  readonly signingKey?: string;
  /** How old a gateway signature may be when it arrives, in seconds (the replay window). Default 30. */
  readonly signatureMaxAgeSeconds?: number;
  /**
   * Where the nonces of signed requests are kept for the replay window. Default: this process's
   * memory; replicas of one subgraph behind a load balancer share one (`createSqlNonceStore`).
   */
  readonly nonces?: NonceStore;
  /**
   * Local development only: accept requests the gateway did not sign and trust the caller they
   * name. Logs a warning at start; refused when NODE_ENV is `production`.
   */
  readonly allowUnsigned?: boolean;
  /** Builds the agency's part of the context, per request (and per subscription). */
  readonly context?: (input: ContextInput) => TExtra | Promise<TExtra>;
  /** Readiness check (e.g. a database ping): throw or return false when not ready. */
  readonly ready?: () => unknown;
  /** A pino logger; default a new one at `logLevel`. */
  readonly logger?: FastifyBaseLogger;
  /** Default `info`; tests use `silent`. Ignored when `logger` is given. */
  readonly logLevel?: LevelWithSilent;
  /** Run after the HTTP server has closed, last registered first (also when start-up fails). */
  readonly onClose?: (() => unknown) | ReadonlyArray<() => unknown>;
  /** Subscriptions over the websocket at /graphql (graphql-transport-ws). Default off. */
  readonly subscription?: boolean | SubgraphSubscriptionOptions;
  /** Largest request body in bytes. Default 1 MiB. */
  readonly bodyLimit?: number;
  /** Deepest operation accepted (mercurius `queryDepth`). Default 15. */
  readonly queryDepth?: number;
  /** Most tokens in an operation document. Default 20,000. */
  readonly maxTokens?: number;
  /** Changes the built schema before it is served, e.g. to guard classified fields. */
  readonly transformSchema?: (schema: GraphQLSchema) => void;
  /** How long `ready` may take before the subgraph counts as not ready. Default 2,000 ms. */
  readonly readinessTimeoutMs?: number;
  /**
   * How long `close` lets requests on their way (and websockets' close handshakes) finish before
   * it ends their connections. Default 10,000 ms. Requests that end sooner do not wait for it.
   */
  readonly closeGraceMs?: number;
}

export interface SubgraphServer extends AsyncDisposable {
  /** `http://host:port/graphql`. */
  readonly url: string;
  readonly app: FastifyInstance;
  /**
   * Stops accepting connections, ends the idle ones (also those a client opened and never sent a
   * request on), answers the requests on their way with `connection: close` — ending any that
   * outlast `closeGraceMs` — then runs the `onClose` hooks. Safe to call more than once.
   */
  close(): Promise<void>;
}

/** A configuration error, thrown at start (house style §2.4): never a GraphQL response. */
export class SubgraphConfigError extends Error {
  override readonly name = 'SubgraphConfigError';
  readonly code = 'ANTQ_ERR_INVALID_OPTS';
}

/** `@apollo/subgraph`'s `GraphQLResolverMap`, which its root does not export. */
type ApolloResolverMap = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>['resolvers']>;

const AGENCIES = new Set<string>(Object.values(Agency));

function queryStringParams(query: unknown): GraphQLRequestParams {
  if (typeof query !== 'object' || query === null) return {};
  const { query: text, operationName, variables, extensions } = query as Record<string, unknown>;
  const json = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return undefined;
    }
  };
  return { query: text, operationName, variables: json(variables), extensions: json(extensions) };
}

/** The forwarded Idempotency-Key of a POSTed request; any value is passed on, the write checks it. */
function idempotencyKeyOf(body: unknown): { idempotencyKey?: string } {
  const key = (body as { extensions?: { idempotencyKey?: unknown } } | null)?.extensions?.idempotencyKey;
  // Not a string: '' fails the write's check, with BAD_USER_INPUT.
  return key === undefined || key === null ? {} : { idempotencyKey: typeof key === 'string' ? key : '' };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`readiness check took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function checkOptions(options: Pick<SubgraphServerOptions, 'agency' | 'allowUnsigned' | 'signingKey' | 'port' | 'closeGraceMs'>): void {
  if (!AGENCIES.has(options.agency) && options.agency !== 'stream') {
    throw new SubgraphConfigError(`Unknown agency "${String(options.agency)}". Use one of ${[...AGENCIES].join(', ')}.`);
  }
  if (options.allowUnsigned === true && process.env.NODE_ENV === 'production') {
    throw new SubgraphConfigError('allowUnsigned is refused when NODE_ENV is production. Set the gateway signing key instead.');
  }
  if (!options.signingKey && options.allowUnsigned !== true) {
    throw new SubgraphConfigError(
      `The ${options.agency} subgraph needs signingKey, the HMAC secret it shares with the gateway (e.g. from ANTQ_SIGNING_KEY).`,
    );
  }
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)) {
    throw new SubgraphConfigError(`port must be an integer from 0 to 65535; got ${String(options.port)}.`);
  }
  if (options.closeGraceMs !== undefined && !(Number.isFinite(options.closeGraceMs) && options.closeGraceMs >= 0)) {
    throw new SubgraphConfigError(`closeGraceMs must be a number of milliseconds, 0 or more; got ${String(options.closeGraceMs)}.`);
  }
}

/**
 * Khởi tạo subgraph — the server every agency subgraph runs: the agency's Federation 2 schema
 * (built with `buildSubgraphSchema`) served by mercurius on Fastify with JIT, accepting only
 * requests the gateway signed (Hive Gateway's HMAC upstream signature), with the verified caller
 * in every resolver's context, typed errors and masking, `GET /health` and `GET /readiness`.
 */
export async function createSubgraphServer<TExtra extends object = Record<never, never>>(
  options: SubgraphServerOptions<TExtra>,
): Promise<SubgraphServer> {
  const { agency } = options;
  const bodyLimit = options.bodyLimit ?? 1_048_576;
  const queryDepth = options.queryDepth ?? 15;
  const maxTokens = options.maxTokens ?? 20_000;
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 2_000;
  const closeGraceMs = options.closeGraceMs ?? 10_000;
  const host = options.host ?? '127.0.0.1';
  const onCloseHooks = options.onClose === undefined ? [] : typeof options.onClose === 'function' ? [options.onClose] : [...options.onClose];
  const log: FastifyBaseLogger =
    options.logger ?? pino({ level: options.logLevel ?? 'info', name: `antq-${agency}-subgraph` });

  const runOnClose = async (): Promise<unknown[]> => {
    const failures: unknown[] = [];
    for (const hook of [...onCloseHooks].reverse()) {
      try {
        await hook();
      } catch (error) {
        log.error({ err: error }, 'An onClose hook failed');
        failures.push(error);
      }
    }
    return failures;
  };

  let app: FastifyInstance | undefined;
  try {
    checkOptions(options);
    if (options.signingKey && Buffer.byteLength(options.signingKey, 'utf8') < 32) {
      log.warn(`The ${agency} subgraph's signingKey is shorter than 32 bytes; use a longer random secret shared with the gateway.`);
    }
    if (options.allowUnsigned === true) {
      log.warn(
        `!!! allowUnsigned is ON: the ${agency} subgraph accepts requests that the gateway did not sign and trusts ` +
          'whatever caller they name. Use this only on a developer machine, never where anyone else can reach the port. !!!',
      );
    }

    let document: DocumentNode;
    try {
      document = typeof options.typeDefs === 'string' ? parse(options.typeDefs) : options.typeDefs;
    } catch (error) {
      throw new SubgraphConfigError(`The ${agency} SDL does not parse: ${(error as Error).message}`, { cause: error });
    }
    let schema;
    try {
      schema = buildSubgraphSchema({
        typeDefs: document,
        resolvers: attachScalarResolvers(document, options.resolvers) as ApolloResolverMap,
      });
    } catch (error) {
      throw new SubgraphConfigError(`The ${agency} subgraph schema does not build: ${(error as Error).message}`, { cause: error });
    }
    options.transformSchema?.(schema);
    maskSubscriptionErrors(schema, log);

    const verify = createGatewayRequestVerifier({
      audience: agency,
      signingKey: options.signingKey,
      allowUnsigned: options.allowUnsigned === true,
      ...(options.signatureMaxAgeSeconds === undefined ? {} : { maxAgeSeconds: options.signatureMaxAgeSeconds }),
      ...(options.nonces ? { nonces: options.nonces } : {}),
    });
    const admittedRequests = new WeakMap<FastifyRequest, AdmittedRequest>();
    const contextAttempted = new WeakSet<FastifyRequest>();
    let closing = false;

    const server = Fastify({
      loggerInstance: log,
      bodyLimit,
      requestIdHeader: 'x-request-id',
      genReqId: () => randomUUID(),
      return503OnClosing: true,
    });
    app = server;

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

    const guard = options.subscription
      ? createSubscriptionGuard({ schema, verify, maxDepth: queryDepth, maxTokens, log })
      : undefined;
    if (guard) {
      // Before mercurius adds its routes, so its websocket handler gets wrapped.
      server.addHook('onRoute', (route) => {
        // `wsHandler` is @fastify/websocket's route option, which mercurius sets on GET /graphql.
        const wsRoute = route as { url: string; wsHandler?: unknown };
        if (wsRoute.url === GRAPHQL_PATH && typeof wsRoute.wsHandler === 'function') {
          wsRoute.wsHandler = guard.wrapHandler(wsRoute.wsHandler as (socket: unknown, request: unknown) => unknown);
        }
      });
    }

    const verifyGatewaySignature = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
      if ((request as { ws?: boolean }).ws === true) return undefined; // subscriptions are checked per message
      const params: GraphQLRequestParams =
        request.method === 'GET' || request.method === 'HEAD'
          ? queryStringParams(request.query)
          : typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body)
            ? (request.body as GraphQLRequestParams)
            : {};
      const verdict = await verify(params);
      if (!verdict.ok) {
        request.log.warn({ problem: verdict.problem, remoteAddress: request.ip }, 'Refused a request the gateway did not sign');
        return reply
          .code(401)
          .type('application/json; charset=utf-8')
          .send({ errors: [verdict.error.toJSON()] });
      }
      admittedRequests.set(request, verdict);
      return undefined;
    };

    const buildContext = async (request: FastifyRequest): Promise<Record<string, unknown>> => {
      const admitted = admittedRequests.get(request);
      const base: SubgraphContextBase = { agency, caller: admitted?.caller, log: request.log, ...idempotencyKeyOf(request.body) };
      // Mercurius calls this again from its error handler when it threw the first time.
      if (!admitted || !options.context || contextAttempted.has(request)) return { ...base };
      contextAttempted.add(request);
      const extra = await options.context({ caller: admitted.caller, request });
      return { ...extra, ...base } as Record<string, unknown>;
    };

    await server.register(mercurius, {
      schema,
      path: GRAPHQL_PATH,
      graphiql: false,
      ide: false,
      jit: 1,
      queryDepth,
      graphql: { parseOptions: { maxTokens } },
      allowBatchedQueries: false,
      errorFormatter: createErrorFormatter({ log, bodyLimit }),
      context: (request) => buildContext(request),
      additionalRouteOptions: { preHandler: verifyGatewaySignature },
      subscription: options.subscription
        ? { ...(typeof options.subscription === 'object' ? options.subscription : {}), fullWsTransport: false }
        : false,
    });

    if (guard) {
      server.graphql.addHook('preSubscriptionExecution', async (_schema, _document, context, id) => {
        const subscriptionContext = context as MercuriusContext & { request: FastifyRequest } & Record<string, unknown>;
        const { request } = subscriptionContext;
        const admitted = guard.take(request, id);
        if (!admitted) throw gatewaySignatureError('MISSING_SIGNATURE');
        const base: SubgraphContextBase = { agency, caller: admitted.caller, log: request.log };
        let extra: object = {};
        if (options.context) {
          try {
            extra = await options.context({ caller: admitted.caller, request });
          } catch (error) {
            throw toSafeGraphQLError(error, (original) => request.log.error({ err: original }, 'The context hook failed for a subscription'));
          }
        }
        Object.assign(subscriptionContext, extra, base);
      });
    }

    server.get('/health', async () => ({ status: 'ok', agency }));
    server.get('/readiness', async (request, reply) => {
      if (closing) return reply.code(503).send({ status: 'closing', agency });
      try {
        const result = await withTimeout(Promise.resolve().then(() => options.ready?.()), readinessTimeoutMs);
        if (result === false) return reply.code(503).send({ status: 'not ready', agency });
      } catch (error) {
        request.log.warn({ err: error }, 'Readiness check failed');
        return reply.code(503).send({ status: 'not ready', agency });
      }
      return { status: 'ready', agency };
    });

    await server.listen({ port: options.port ?? 0, host });
    const address = server.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port ?? 0;
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

    let closed: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closed ??= (async () => {
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
        failures.push(...(await runOnClose()));
        if (failures.length === 1) throw failures[0];
        if (failures.length > 1) throw new AggregateError(failures, `Closing the ${agency} subgraph failed ${failures.length} times`);
      })());

    return {
      url: `http://${urlHost}:${port}${GRAPHQL_PATH}`,
      app: server,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    if (app) await app.close().catch(() => undefined);
    await runOnClose();
    throw error;
  }
}
