import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createGatewayRuntime, type GatewayPlugin, type LogWriter } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import http from '@graphql-mesh/transport-http';
import ws from '@graphql-mesh/transport-ws';
import usePrometheus from '@graphql-mesh/plugin-prometheus';
import { Registry } from 'prom-client';
import { getOperationAST, type DocumentNode } from 'graphql';
import { ErrorCode } from '@antq/sdk';
import { DEFAULT_LIMITS, useOperationLimits, type OperationLimits } from './limits.js';
import { agencyErrorMask, useAgencyErrors } from './agency-errors.js';
import { useCallerIdentity, useUnverifiedIdentity, type CallerIdentityOptions } from './identity/use-caller-identity.js';
import { useAuditLog } from './audit/use-audit.js';
import { accessControlOptions, useGrantInvalidation } from './access/access-control.js';
import { createGatewayGrantDirectory } from './access/grant-directory.js';
import { useChangeStreamGuards } from './change-stream-guards.js';
import { useIdempotencyKey } from './idempotency.js';
import { useTracing, type TracingOptions } from './tracing.js';
import { useUpstreamSignature } from './plugins/use-upstream-signature.js';
import type { AuditLog } from './audit/audit-log.js';
import { graphiqlOptions, type GraphiQLSettings } from './graphiql/graphiql-options.js';
import { attachGraphQLWebSocket } from './websocket.js';
import { createResponseCache, type ResponseCacheOptions } from './response-cache/response-cache.js';
import { watchAgencyChanges } from './response-cache/change-watch.js';
import { subgraphUrls } from './access/grant-directory.js';
import { createGatewayLogger } from './gateway-logger.js';

export interface GatewayOptions {
  /** The supergraph SDL (see `loadSupergraph` for files and URLs). */
  readonly supergraph: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Secret shared with the subgraphs: every upstream request is signed with it. */
  readonly signingKey: string;
  /**
   * How callers prove who they are. `disabled` is for local development only: tokens are read
   * without verification, and the gateway says so loudly at start.
   */
  readonly identity: CallerIdentityOptions | { readonly disabled: true };
  /** The hash-chained audit log every write and cross-agency read goes to. */
  readonly audit?: AuditLog;
  readonly limits?: Partial<OperationLimits>;
  /**
   * GraphiQL at GET /graphql with the analysts' example operations (on in the embedded mode),
   * every asset served by the gateway itself; settings pre-fill its Headers pane.
   */
  readonly graphiql?: boolean | GraphiQLSettings;
  /** Prometheus metrics at GET /metrics, in a registry of this gateway's own (default on). */
  readonly metrics?: boolean;
  /** Schema introspection (on in the embedded mode). */
  readonly introspection?: boolean;
  /** OpenTelemetry tracing over OTLP/HTTP; off when absent. */
  readonly tracing?: TracingOptions;
  /**
   * Answers of queries kept and served again until a change is heard in their agencies'
   * outboxes (on by default; `false` turns it off). See `response-cache/response-cache.ts`.
   */
  readonly responseCache?: ResponseCacheOptions | false;
  /** Extra envelop/gateway plugins. */
  readonly plugins?: readonly GatewayPlugin[];
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error' | false;
  /** Where the runtime's log lines go (default the console). */
  readonly logWriter?: LogWriter;
}

export interface Gateway extends AsyncDisposable {
  readonly url: string;
  readonly app: FastifyInstance;
  /** This gateway's Prometheus registry (what GET /metrics serves); undefined with `metrics: false`. */
  readonly metricsRegistry?: Registry;
  /**
   * Resolves once the response cache has heard of the agency's changes up to outbox position
   * `seq` (answers kept before them are no longer served); at once without the cache.
   */
  changesHeard(agency: string, seq: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * What /metrics reports. Left out: the per-request summary (quantiles computed on every
 * observation, a second copy of the duration histogram), the deprecated-field counter (a walk of
 * every document with type info) and context-building timings.
 */
const PROMETHEUS_METRICS = {
  graphql_envelop_request: true,
  graphql_envelop_request_duration: true,
  graphql_envelop_phase_parse: true,
  graphql_envelop_phase_validate: true,
  graphql_envelop_phase_execute: true,
  graphql_envelop_phase_subscribe: true,
  graphql_envelop_error_result: true,
  graphql_yoga_http_duration: true,
  graphql_gateway_fetch_duration: true,
  graphql_gateway_subgraph_execute_duration: true,
  graphql_gateway_subgraph_execute_errors: true,
} as const;

/**
 * Labels of /metrics: only what the server knows. The plugins' defaults also label by the
 * client's operation name, the error path (its aliases) and the request URL (a GET's whole
 * query): every new name a client sends would be a new series, growing memory and every scrape.
 */
const PROMETHEUS_LABELS = {
  operationName: false,
  path: false,
  url: false,
  fetchRequestHeaders: false,
  fetchResponseHeaders: false,
};

type RuntimePlugins = ReturnType<NonNullable<Parameters<typeof createGatewayRuntime>[0]['plugins']>>;

function isSubscription(request: { operationType?: string; document: DocumentNode; operationName?: string } | undefined): boolean {
  if (!request) return false;
  return (request.operationType ?? getOperationAST(request.document, request.operationName)?.operation) === 'subscription';
}

/** The most of an oversized upload read and thrown away so that its client can read the 413. */
const DISCARD_LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * Answers an oversized request once its upload has ended, reading the rest of the body and
 * throwing it away: a server that answers mid-upload and closes leaves the client a reset
 * socket (EPIPE, ECONNRESET) instead of the 413. Beyond DISCARD_LIMIT_BYTES (declared or read)
 * the answer goes at once and the connection is cut, as for any abusive client.
 */
function discardUpload(request: FastifyRequest, maxBodyBytes: number, answer: () => unknown): void {
  const body = request.raw;
  const limit = Math.max(DISCARD_LIMIT_BYTES, maxBodyBytes * 4);
  const declared = Number(request.headers['content-length'] ?? 0);
  if (body.readableEnded || declared > limit) {
    void answer();
    return;
  }
  let read = 0;
  const done = () => {
    body.off('data', count);
    body.off('end', done);
    body.off('error', done);
    void answer();
  };
  const count = (chunk: Buffer) => {
    read += chunk.length;
    if (read > limit) {
      done();
      body.destroy();
    }
  };
  body.on('data', count);
  body.once('end', done);
  body.once('error', done);
  body.resume();
}

/** Cổng liên kết — the federation gateway: Hive Gateway runtime with its Rust planner, in Fastify. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  if ('disabled' in options.identity) {
    console.warn(
      '\n\u001b[41;97m WARNING \u001b[0m Authentication is OFF (ANTQ_AUTH=off): tokens are read WITHOUT verification and anyone can act as any agency.\n' +
        '          Use this only on a development machine. Unset ANTQ_AUTH to verify tokens again.\n',
    );
  }
  const limits: OperationLimits = { ...DEFAULT_LIMITS, ...options.limits };
  // One registry per gateway, so two gateways in one process do not register the same metrics twice.
  const metricsRegistry = options.metrics === false ? undefined : new Registry();
  const grants = createGatewayGrantDirectory({ supergraphSdl: options.supergraph, signingKey: options.signingKey });
  const changeWatch = options.responseCache === false ? undefined : watchAgencyChanges({ agencies: subgraphUrls(options.supergraph), signingKey: options.signingKey });
  const responseCache =
    changeWatch &&
    createResponseCache({
      ...(options.responseCache || {}),
      supergraphSdl: options.supergraph,
      watch: changeWatch,
      ...(options.audit ? { audit: options.audit } : {}),
      ...(metricsRegistry ? { metrics: metricsRegistry } : {}),
    });
  // 9 MB of bundled GraphiQL, loaded only when the page is on.
  const graphiqlPage = options.graphiql ? await import('./graphiql/graphiql-page.js') : undefined;
  const graphiqlSettings = options.graphiql === true ? {} : options.graphiql || undefined;
  const runtime = createGatewayRuntime({
    supergraph: options.supergraph,
    unifiedGraphHandler,
    transports: { http, ws },
    // Subscriptions go to the owning subgraph over graphql-ws at its /graphql, signed like the rest.
    transportEntries: { '*.http': { options: { subscriptions: { kind: 'ws', location: '/graphql' } } } },
    landingPage: false,
    graphiql: graphiqlSettings ? () => graphiqlOptions(graphiqlSettings) : false,
    ...(graphiqlPage ? { renderGraphiQL: graphiqlPage.renderOfflineGraphiQL } : {}),
    disableIntrospection: options.introspection === false ? { disableIf: () => true } : undefined,
    // Client errors (FORBIDDEN, BAD_USER_INPUT…) on one info line; server faults stay errors.
    logging: createGatewayLogger(options.logLevel ?? 'error', options.logWriter),
    // Not for subscriptions: the timeout would end every change stream after upstreamTimeoutMs.
    upstreamTimeout: ({ executionRequest }) => (isSubscription(executionRequest) ? undefined : limits.upstreamTimeoutMs),
    genericAuth: accessControlOptions(grants) as never,
    maskedErrors: { maskError: agencyErrorMask(limits) },
    plugins: (context) => [
      // Served by the Fastify route /metrics below, not by the plugin (endpoint: false).
      ...(metricsRegistry ? [usePrometheus({ registry: metricsRegistry, endpoint: false, metrics: PROMETHEUS_METRICS, labels: PROMETHEUS_LABELS, log: context.log })] : []),
      ...(options.tracing ? [useTracing(options.tracing)] : []),
      useOperationLimits(limits),
      ...('disabled' in options.identity ? [useUnverifiedIdentity()] : useCallerIdentity(options.identity)),
      useGrantInvalidation(grants),
      useChangeStreamGuards(),
      useIdempotencyKey(),
      ...(options.audit
        ? [useAuditLog({ log: options.audit, supergraphSdl: options.supergraph, ...(responseCache ? { onReadEntry: responseCache.recordAudit } : {}) })]
        : []),
      ...(responseCache ? [responseCache.plugin()] : []),
      ...(options.plugins ?? []),
      useAgencyErrors(),
      // Last, so the signature covers everything the plugins above put into the request.
      useUpstreamSignature({ signingKey: options.signingKey }),
      // The runtime's declarations include two copies of its logger type, so plugins typed by
      // GatewayPlugin do not check against its parameter even though they are the same type.
    ] as RuntimePlugins,
  });

  const app = Fastify({ bodyLimit: limits.maxBodyBytes, logger: false });
  if (responseCache) {
    // Fastify's own JSON parsing (and its errors), with the text kept for the cache key.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      responseCache.keepRawBody(request, body as string);
      parseJson(request, body as string, done);
    });
  }
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    // Errors Fastify raises before GraphQL runs: oversized or malformed bodies.
    const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
    const status = error.statusCode ?? 500;
    const answer = () =>
      reply.status(status).send({
        errors: [
          {
            message: tooLarge
              ? `The request body is larger than ${limits.maxBodyBytes} bytes. Send a smaller operation, or use persisted documents.`
              : status < 500
                ? `The request could not be read: ${error.message}. Send a JSON body { "query": "…", "variables": { … } }.`
                : 'Internal server error.',
            extensions: { code: tooLarge ? ErrorCode.PAYLOAD_TOO_LARGE : status < 500 ? ErrorCode.BAD_USER_INPUT : ErrorCode.INTERNAL_SERVER_ERROR },
          },
        ],
      });
    if (tooLarge) discardUpload(request, limits.maxBodyBytes, answer);
    else void answer();
  });
  app.route({
    url: runtime.graphqlEndpoint,
    method: ['GET', 'POST', 'OPTIONS'],
    handler: async (req, reply) => {
      const cached = responseCache?.serve(req);
      if (cached) return reply.status(200).header('content-type', cached.contentType).send(cached.body);
      responseCache?.track(req);
      const response = await runtime.handleNodeRequestAndResponse(req, reply, { req, reply });
      const kept = await responseCache?.keep(req, response);
      response.headers.forEach((value, key) => {
        void reply.header(key, value);
      });
      void reply.status(response.status);
      reply.send(kept ?? response.body);
      return reply;
    },
  });
  if (metricsRegistry) {
    app.get('/metrics', async (_request, reply) => reply.header('content-type', metricsRegistry.contentType).send(await metricsRegistry.metrics()));
  }
  if (graphiqlPage) graphiqlPage.serveGraphiQLAssets(app);
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/readiness', async (_request, reply) => {
    const ready = await Promise.resolve()
      .then(() => runtime.getSchema())
      .then(
        () => true,
        () => false,
      );
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });

  // Clients subscribe over graphql-ws at the GraphQL path too (SSE is served by the route above).
  const webSocket = attachGraphQLWebSocket(app.server, runtime, { path: runtime.graphqlEndpoint, maxPayloadBytes: limits.maxBodyBytes });
  try {
    await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    // A port that is taken must not leave the outbox reads of the change watch running.
    await changeWatch?.close();
    await runtime.dispose();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const close = async () => {
    await changeWatch?.close();
    await webSocket.close();
    await app.close();
    await runtime.dispose();
  };
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}${runtime.graphqlEndpoint}`,
    app,
    ...(metricsRegistry ? { metricsRegistry } : {}),
    changesHeard: (agency, seq) => changeWatch?.heard(agency, seq) ?? Promise.resolve(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
