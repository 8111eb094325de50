import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import mercurius, { type MercuriusCommonOptions } from 'mercurius';
import type { LevelWithSilent } from 'pino';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Agency } from '@antq/sdk';
import { createGatewayRequestVerifier } from '../identity/gateway-request.js';
import type { NonceStore } from '../identity/gateway-signature.js';
import { createAdmission } from './admission.js';
import { createErrorFormatter } from './error-formatter.js';
import { runCloseHooks, trackConnectionsForClose } from './graceful-close.js';
import { registerHealthRoutes } from './health.js';
import { maskSubscriptionErrors } from './mask-subscription-errors.js';
import { attachScalarResolvers, type SubgraphResolvers } from './scalars.js';
import { createSubgraphLogger } from './subgraph-logger.js';
import type { ContextInput, SubgraphContext, SubgraphOwner } from './subgraph-context.js';
import { createSubscriptionGuard } from './subscription-guard.js';

export type { ContextInput, SubgraphContext, SubgraphContextBase, SubgraphOwner } from './subgraph-context.js';

/** Where every subgraph serves GraphQL (HTTP and websocket). */
export const GRAPHQL_PATH = '/graphql';

/** Mercurius's subscription options that pass through (`context` and `fullWsTransport` are the kit's). */
export type SubgraphSubscriptionOptions = Omit<Exclude<MercuriusCommonOptions['subscription'], boolean | undefined>, 'context' | 'fullWsTransport'>;

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
  /** Headers added to the answer of a GraphQL request over HTTP, once it has run (e.g. what it read). */
  readonly responseHeaders?: (request: FastifyRequest) => Record<string, string> | undefined | Promise<Record<string, string> | undefined>;
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

function checkOptions(options: Pick<SubgraphServerOptions, 'agency' | 'allowUnsigned' | 'signingKey' | 'port' | 'closeGraceMs'>): void {
  if (!AGENCIES.has(options.agency) && options.agency !== 'stream') {
    throw new SubgraphConfigError(`Unknown agency "${String(options.agency)}". Use one of ${[...AGENCIES].join(', ')}.`);
  }
  if (options.allowUnsigned === true && process.env.NODE_ENV === 'production') {
    throw new SubgraphConfigError('allowUnsigned is refused when NODE_ENV is production. Set the gateway signing key instead.');
  }
  if (!options.signingKey && options.allowUnsigned !== true) {
    throw new SubgraphConfigError(`The ${options.agency} subgraph needs signingKey, the HMAC secret it shares with the gateway (e.g. from ANTQ_SIGNING_KEY).`);
  }
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)) {
    throw new SubgraphConfigError(`port must be an integer from 0 to 65535; got ${String(options.port)}.`);
  }
  if (options.closeGraceMs !== undefined && !(Number.isFinite(options.closeGraceMs) && options.closeGraceMs >= 0)) {
    throw new SubgraphConfigError(`closeGraceMs must be a number of milliseconds, 0 or more; got ${String(options.closeGraceMs)}.`);
  }
}

/** Warns at start about options that are allowed but risky. */
function warnAboutOptions(options: Pick<SubgraphServerOptions, 'agency' | 'allowUnsigned' | 'signingKey'>, log: FastifyBaseLogger): void {
  const { agency } = options;
  if (options.signingKey && Buffer.byteLength(options.signingKey, 'utf8') < 32) {
    log.warn(`The ${agency} subgraph's signingKey is shorter than 32 bytes; use a longer random secret shared with the gateway.`);
  }
  if (options.allowUnsigned === true) {
    log.warn(
      `!!! allowUnsigned is ON: the ${agency} subgraph accepts requests that the gateway did not sign and trusts ` +
        'whatever caller they name. Use this only on a developer machine, never where anyone else can reach the port. !!!',
    );
  }
}

/** Parses the SDL and builds the federated schema, transformed and with subscription errors masked. */
function buildSchema<TExtra extends object>(
  options: Pick<SubgraphServerOptions<TExtra>, 'agency' | 'typeDefs' | 'resolvers' | 'transformSchema'>,
  log: FastifyBaseLogger,
): GraphQLSchema {
  const { agency } = options;
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
  return schema;
}

/** The URL clients reach the server at: a wildcard host is reached on loopback. */
function serverUrl(server: FastifyInstance, host: string, configuredPort: number | undefined): string {
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (configuredPort ?? 0);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${urlHost}:${port}${GRAPHQL_PATH}`;
}

/**
 * Khởi tạo subgraph — the server every agency subgraph runs: the agency's Federation 2 schema
 * (built with `buildSubgraphSchema`) served by mercurius on Fastify with JIT, accepting only
 * requests the gateway signed (Hive Gateway's HMAC upstream signature), with the verified caller
 * in every resolver's context, typed errors and masking, `GET /health` and `GET /readiness`.
 */
export async function createSubgraphServer<TExtra extends object = Record<never, never>>(options: SubgraphServerOptions<TExtra>): Promise<SubgraphServer> {
  const { agency } = options;
  const bodyLimit = options.bodyLimit ?? 1_048_576;
  const queryDepth = options.queryDepth ?? 15;
  const maxTokens = options.maxTokens ?? 20_000;
  const host = options.host ?? '127.0.0.1';
  const onCloseHooks = options.onClose === undefined ? [] : typeof options.onClose === 'function' ? [options.onClose] : [...options.onClose];
  const log: FastifyBaseLogger = options.logger ?? createSubgraphLogger({ name: agency, ...(options.logLevel === undefined ? {} : { level: options.logLevel }) });

  let app: FastifyInstance | undefined;
  try {
    checkOptions(options);
    warnAboutOptions(options, log);
    const schema = buildSchema(options, log);
    const verify = createGatewayRequestVerifier({
      audience: agency,
      signingKey: options.signingKey,
      allowUnsigned: options.allowUnsigned === true,
      ...(options.signatureMaxAgeSeconds === undefined ? {} : { maxAgeSeconds: options.signatureMaxAgeSeconds }),
      ...(options.nonces ? { nonces: options.nonces } : {}),
    });
    const admission = createAdmission({ agency, verify, context: options.context });

    const server = Fastify({
      loggerInstance: log,
      bodyLimit,
      requestIdHeader: 'x-request-id',
      genReqId: () => randomUUID(),
      return503OnClosing: true,
    });
    app = server;
    const graceful = trackConnectionsForClose(server, { agency, log, closeGraceMs: options.closeGraceMs ?? 10_000 });

    const guard = options.subscription ? createSubscriptionGuard({ schema, verify, maxDepth: queryDepth, maxTokens, log }) : undefined;
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
      context: (request) => admission.buildContext(request),
      additionalRouteOptions: { preHandler: admission.verifyGatewaySignature },
      subscription: options.subscription ? { ...(typeof options.subscription === 'object' ? options.subscription : {}), fullWsTransport: false } : false,
    });
    if (guard) server.graphql.addHook('preSubscriptionExecution', admission.admitSubscription(guard));
    const { responseHeaders } = options;
    if (responseHeaders) {
      server.addHook('onSend', async (request, reply, payload) => {
        if (request.method === 'POST' && request.routeOptions.url === GRAPHQL_PATH) {
          const headers = await responseHeaders(request);
          if (headers) void reply.headers(headers);
        }
        return payload;
      });
    }

    registerHealthRoutes(server, { agency, ready: options.ready, readinessTimeoutMs: options.readinessTimeoutMs ?? 2_000, closing: graceful.closing });

    await server.listen({ port: options.port ?? 0, host });

    let closed: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closed ??= (async () => {
        const failures = [...(await graceful.close()), ...(await runCloseHooks(onCloseHooks, log))];
        if (failures.length === 1) throw failures[0];
        if (failures.length > 1) throw new AggregateError(failures, `Closing the ${agency} subgraph failed ${failures.length} times`);
      })());

    return {
      url: serverUrl(server, host, options.port),
      app: server,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    if (app) await app.close().catch(() => undefined);
    await runCloseHooks(onCloseHooks, log);
    throw error;
  }
}
