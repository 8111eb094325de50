import type { FastifyInstance } from 'fastify';
import { createGatewayRuntime, type GatewayPlugin, type LogWriter } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import http from '@graphql-mesh/transport-http';
import ws from '@graphql-mesh/transport-ws';
import { Registry } from 'prom-client';
import type { GrantDirectory } from '@antq/subgraph-kit';
import { DEFAULT_LIMITS, type OperationLimits } from './limits.js';
import { useOperationLimits } from './plugins/use-operation-limits.js';
import { agencyErrorMask } from './agency-errors.js';
import { useAgencyErrors } from './plugins/use-agency-errors.js';
import { useSubgraphCallSignal } from './plugins/use-subgraph-call-signal.js';
import { useSubscriptionErrors } from './plugins/use-subscription-errors.js';
import { isSubscription } from './operation-fields.js';
import type { CallerIdentityOptions } from './identity/caller-identity-options.js';
import { useCallerIdentity } from './plugins/use-caller-identity.js';
import { useUnverifiedIdentity } from './plugins/use-unverified-identity.js';
import { useAuditLog } from './plugins/use-audit-log.js';
import { accessControlOptions } from './access/access-control.js';
import { createGatewayGrantDirectory } from './access/grant-directory.js';
import { useChangeStreamGuards } from './plugins/use-change-stream-guards.js';
import { useTokenLifetime } from './plugins/use-token-lifetime.js';
import { useIdempotencyKey } from './plugins/use-idempotency-key.js';
import { useTracing, type TracingOptions } from './plugins/use-tracing.js';
import { useUpstreamSignature } from './plugins/use-upstream-signature.js';
import { useAccessVerdicts } from './plugins/use-access-verdicts.js';
import { useStableDocument } from './plugins/use-stable-document.js';
import type { AuditLog } from './audit/audit-log.js';
import { graphiqlOptions, type GraphiQLSettings } from './graphiql/graphiql-options.js';
import { attachGraphQLWebSocket } from './websocket.js';
import { createHostCheck } from './allowed-hosts.js';
import { createResponseCache, type ResponseCache, type ResponseCacheOptions } from './response-cache/response-cache.js';
import { watchAgencyChanges, type ChangeWatch } from './response-cache/change-watch.js';
import { createOperationAnalyser, type OperationAnalyser } from './operation-analysis.js';
import { readSupergraphModel, type SupergraphModel } from './supergraph-model.js';
import { createGatewayApp } from './gateway-app.js';
import type { DashboardSettings } from './dashboard/serve-dashboard.js';
import { useRecordReferenceCheck } from './plugins/use-record-reference-check.js';
import { useMetrics } from './plugins/use-metrics.js';
import { useChangeWatchWrites } from './plugins/use-change-watch-writes.js';
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
  /** The analysts' dashboard's static build, served at `/dashboard` (see `DashboardSettings`). */
  readonly dashboard?: DashboardSettings;
  /**
   * Origins (`https://host[:port]`) whose pages may call the graph from a browser: a dashboard
   * served from another host, a partner's web application. Default none: the gateway's own pages
   * (the dashboard, GraphiQL) are of its origin and need no CORS, and a page of any other site
   * may not read the graph through an analyst's browser, from inside a closed network.
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Host names the gateway answers to, besides IP addresses and `localhost`; given, a request for
   * any other `Host` is refused with 403, as a page that rebinds its own name to the gateway's
   * address would send (see `allowed-hosts.ts`). Unset: every host (behind a proxy that checks it).
   */
  readonly allowedHosts?: readonly string[];
  /** Prometheus metrics at GET /metrics, in a registry of this gateway's own (default on). */
  readonly metrics?: boolean;
  /** When set, GET /metrics answers only `Authorization: Bearer <metricsToken>` (Prometheus's `authorization.credentials`). */
  readonly metricsToken?: string;
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

/** Pending connections the kernel queues for the gateway (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 4_096;

type RuntimePlugins = ReturnType<NonNullable<Parameters<typeof createGatewayRuntime>[0]['plugins']>>;

/** What the runtime's plugins share with the rest of the gateway. */
interface GatewayParts {
  readonly limits: OperationLimits;
  readonly metricsRegistry: Registry | undefined;
  readonly grants: GrantDirectory;
  readonly watch: ChangeWatch;
  readonly analyse: OperationAnalyser;
  readonly responseCache: ResponseCache | undefined;
  readonly model: SupergraphModel;
}

/** The runtime's plugins, in order: each sees what the ones above it put into the request. */
function gatewayPlugins(options: GatewayOptions, parts: GatewayParts, log: Parameters<typeof useMetrics>[1]): RuntimePlugins {
  const { metricsRegistry, responseCache } = parts;
  return [
    // First: every plugin below sees the parsed document, not access control's copy of it.
    useStableDocument(),
    // After it: a verdict is kept for the parsed document only, as it runs after access control.
    useAccessVerdicts({ grants: parts.grants, metrics: metricsRegistry }),
    ...(metricsRegistry ? [useMetrics(metricsRegistry, log)] : []),
    ...(options.tracing ? [useTracing(options.tracing)] : []),
    useOperationLimits(parts.limits),
    // A subscription ends when the verified token it was made with expires.
    ...('disabled' in options.identity ? [useUnverifiedIdentity()] : [...useCallerIdentity(options.identity), useTokenLifetime()]),
    useChangeStreamGuards({ agencyUrls: parts.model.agencyUrls, signingKey: options.signingKey }),
    useIdempotencyKey(),
    ...(options.audit ? [useAuditLog({ log: options.audit, supergraph: parts.model, ...(responseCache ? { onReadEntry: responseCache.recordAudit } : {}) })] : []),
    // After the audit log, so a write it refuses is audited like any other refusal.
    useRecordReferenceCheck({ agencyUrls: parts.model.agencyUrls, ownership: parts.model.ownership, signingKey: options.signingKey }),
    useChangeWatchWrites({ watch: parts.watch, analyse: parts.analyse, agencyUrls: parts.model.agencyUrls }),
    ...(responseCache ? [responseCache.plugin()] : []),
    ...(options.plugins ?? []),
    useAgencyErrors(),
    useSubgraphCallSignal(),
    useSubscriptionErrors(),
    // Last, so the signature covers everything the plugins above put into the request.
    useUpstreamSignature({ signingKey: options.signingKey }),
    // The runtime's declarations include two copies of its logger type, so plugins typed by
    // GatewayPlugin do not check against its parameter even though they are the same type.
  ] as RuntimePlugins;
}

/** The Hive Gateway runtime of a supergraph: transports, GraphiQL, logging, limits, access control and the plugins. */
async function createRuntime(options: GatewayOptions, parts: GatewayParts) {
  // 9 MB of bundled GraphiQL, loaded only when the page is on.
  const graphiqlPage = options.graphiql ? await import('./graphiql/graphiql-page.js') : undefined;
  const graphiqlSettings = options.graphiql === true ? {} : options.graphiql || undefined;
  const runtime = createGatewayRuntime({
    supergraph: options.supergraph,
    unifiedGraphHandler,
    transports: { http, ws },
    transportEntries: {
      '*.http': {
        options: {
          // Subscriptions go to the owning subgraph over graphql-ws at its /graphql, signed like the rest.
          subscriptions: { kind: 'ws', location: '/graphql' },
          // Every upstream request is signed with a fresh nonce, so no two bodies are ever alike and
          // in-flight deduplication never shares a call: it only cost a structuredClone of every answer.
          deduplicateInflightRequests: false,
        },
      },
    },
    landingPage: false,
    // The Fastify app answers CORS for every answer, cached ones included (gateway-app.ts); the runtime's own would allow any origin.
    cors: false,
    graphiql: graphiqlSettings ? () => graphiqlOptions(graphiqlSettings) : false,
    ...(graphiqlPage ? { renderGraphiQL: graphiqlPage.renderOfflineGraphiQL } : {}),
    disableIntrospection: options.introspection === false ? { disableIf: () => true } : undefined,
    // Client errors (FORBIDDEN, BAD_USER_INPUT…) on one info line; server faults stay errors.
    logging: createGatewayLogger(options.logLevel ?? 'error', options.logWriter),
    // Not for subscriptions: the timeout would end every change stream after upstreamTimeoutMs.
    upstreamTimeout: ({ executionRequest }) => (isSubscription(executionRequest) ? undefined : parts.limits.upstreamTimeoutMs),
    genericAuth: accessControlOptions(parts.grants) as never,
    maskedErrors: { maskError: agencyErrorMask(parts.limits) },
    plugins: (context) => gatewayPlugins(options, parts, context.log),
  });
  return { runtime, graphiqlPage };
}

/** Cổng liên kết — the federation gateway: Hive Gateway runtime with its Rust planner, in Fastify. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  if ('disabled' in options.identity) {
    console.warn(
      '\n\u001b[41;97m WARNING \u001b[0m Authentication is OFF (ANTQ_AUTH=off): tokens are read WITHOUT verification and anyone can act as any agency.\n' +
        '          Use this only on a development machine. Unset ANTQ_AUTH to verify tokens again.\n',
    );
  }
  const model = readSupergraphModel(options.supergraph);
  const limits: OperationLimits = { ...DEFAULT_LIMITS, ...options.limits };
  // One registry per gateway, so two gateways in one process do not register the same metrics twice.
  const metricsRegistry = options.metrics === false ? undefined : new Registry();
  // The agencies' outboxes, followed for the response cache and the grant directory alike. Without
  // the cache none is followed: the grants then hear of writes through this gateway only, and
  // are otherwise kept briefly (see access/grant-directory.ts).
  const watch = watchAgencyChanges({ agencies: options.responseCache === false ? {} : model.agencyUrls, signingKey: options.signingKey });
  const grants = createGatewayGrantDirectory({ agencyUrls: model.agencyUrls, signingKey: options.signingKey, watch });
  const analyse = createOperationAnalyser(model.ownership);
  const responseCache =
    options.responseCache === false
      ? undefined
      : createResponseCache({
          ...(options.responseCache ?? {}),
          analyse,
          watch,
          agencyUrls: model.agencyUrls,
          ...(options.audit ? { audit: options.audit } : {}),
          ...(metricsRegistry ? { metrics: metricsRegistry } : {}),
        });
  const { runtime, graphiqlPage } = await createRuntime(options, { limits, metricsRegistry, grants, watch, analyse, responseCache, model });
  const hostAllowed = options.allowedHosts ? createHostCheck(options.allowedHosts) : () => true;
  const app = createGatewayApp({
    runtime,
    limits,
    responseCache,
    metricsRegistry,
    graphiqlPage,
    dashboard: options.dashboard,
    corsOrigins: options.corsOrigins ?? [],
    hostAllowed,
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
  });
  // Clients subscribe over graphql-ws at the GraphQL path too (SSE is served by the route above).
  const webSocket = attachGraphQLWebSocket(app.server, runtime, {
    path: runtime.graphqlEndpoint,
    maxPayloadBytes: limits.maxBodyBytes,
    maxOperations: limits.maxOperationsPerConnection,
    corsOrigins: options.corsOrigins ?? [],
    hostAllowed,
  });
  try {
    // Partners' subscribers reconnect all at once after a restart: a queue of pending connections
    // longer than Node's 511 keeps them from being reset while the first ones are set up.
    await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: LISTEN_BACKLOG });
  } catch (error) {
    // A port that is taken must not leave the outbox reads of the change watch running.
    grants.close();
    await watch.close();
    await runtime.dispose();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closed: Promise<void> | undefined;
  // Once: a second close (a signal during shutdown, a test's cleanup) waits for the first.
  const close = () =>
    (closed ??= (async () => {
      grants.close();
      await watch.close();
      await webSocket.close();
      await app.close();
      await runtime.dispose();
    })());
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}${runtime.graphqlEndpoint}`,
    app,
    ...(metricsRegistry ? { metricsRegistry } : {}),
    // Without the response cache, nothing served depends on what the watch has heard.
    changesHeard: (agency, seq) => (responseCache ? watch.heard(agency, seq) : Promise.resolve()),
    close,
    [Symbol.asyncDispose]: close,
  };
}
