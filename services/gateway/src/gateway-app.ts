import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { Registry } from 'prom-client';
import { ErrorCode } from '@antq/sdk';
import type { OperationLimits } from './limits.js';
import { discardUpload } from './oversized-body.js';
import { hostRefusal } from './allowed-hosts.js';
import type { ResponseCache } from './response-cache/response-cache.js';
import { serveDashboard, type DashboardSettings } from './dashboard/serve-dashboard.js';

export interface GatewayAppOptions {
  readonly runtime: ReturnType<typeof createGatewayRuntime>;
  readonly limits: OperationLimits;
  readonly responseCache: ResponseCache | undefined;
  readonly metricsRegistry: Registry | undefined;
  /** The bearer token GET /metrics asks for (see `GatewayOptions.metricsToken`). */
  readonly metricsToken?: string;
  /** The GraphiQL page's module, when the page is on: it serves its own assets. */
  readonly graphiqlPage: { serveGraphiQLAssets(app: FastifyInstance): void } | undefined;
  /** The analysts' dashboard's static build, when it is served here. */
  readonly dashboard?: DashboardSettings | undefined;
  /** Origins whose pages may call the graph (see `GatewayOptions.corsOrigins`). */
  readonly corsOrigins: readonly string[];
  /** Whether the gateway answers to a `Host` (see `GatewayOptions.allowedHosts`). */
  readonly hostAllowed: (host: string | undefined) => boolean;
}

/**
 * What a page served here may load: only the gateway's own files (agencies run it on closed
 * networks, so nothing comes from elsewhere), and no other page may frame it, so the tokens it
 * holds stay out of another site's reach. The analysts' dashboard runs under this policy.
 */
const PAGE_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** GraphiQL's page (the GraphQL route's answer to a browser): the styles its editor injects, and its fonts as data. Its scripts are files of the gateway's. */
const GRAPHIQL_PAGE_POLICY = { ...PAGE_POLICY, styleSrc: ["'self'", "'unsafe-inline'"], fontSrc: ["'self'", 'data:'] };

/**
 * Helmet's headers (nosniff, no framing, no referrer, same-origin opener and resources …) with a
 * page policy; built once, set on every answer (about 2 µs). HSTS is left to whatever terminates
 * TLS in front of the gateway: it knows which names are served over https.
 */
function securityHeaders(policy: typeof PAGE_POLICY): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: policy },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  };
}

/** Whether an Authorization header carries the metrics token (any header when there is none), compared in constant time. */
function metricsAuthorisation(token: string | undefined): (header: string | undefined) => boolean {
  if (token === undefined) return () => true;
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  return (header) => header !== undefined && timingSafeEqual(createHash('sha256').update(header.trim()).digest(), expected);
}

/** The Fastify half of the gateway: the GraphQL route (with the response cache in front), metrics, health and readiness. */
export function createGatewayApp(options: GatewayAppOptions): FastifyInstance {
  const { runtime, limits, responseCache, metricsRegistry } = options;
  const app = Fastify({ bodyLimit: limits.maxBodyBytes, logger: false });
  if (responseCache) {
    // Fastify's own JSON parsing (and its errors), with the text kept for the cache key.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      responseCache.keepRawBody(request, body as string);
      parseJson(request, body as string, done);
    });
  }
  setBodyErrorHandler(app, limits);
  const followEventStream = cutEventStreamsOnClose(app);
  // Before any route: every answer carries them.
  const pageHeaders = helmet(securityHeaders(PAGE_POLICY));
  const graphiqlHeaders = helmet(securityHeaders(GRAPHIQL_PAGE_POLICY));
  app.addHook('onRequest', (request, reply, done) => {
    (request.routeOptions.url === runtime.graphqlEndpoint ? graphiqlHeaders : pageHeaders)(request.raw, reply.raw, (error) => done(error as Error | undefined));
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (options.hostAllowed(request.headers.host)) return done();
    void reply.status(403).send({ errors: [{ message: hostRefusal(request.headers.host), extensions: { code: ErrorCode.FORBIDDEN } }] });
  });
  // Only the origins named: no credentials (tokens travel in Authorization), preflights answered here.
  void app.register(cors, {
    origin: options.corsOrigins.length > 0 ? [...options.corsOrigins] : false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'accept', 'x-request-id'],
    maxAge: 600,
  });
  app.route({
    url: runtime.graphqlEndpoint,
    method: ['GET', 'POST'],
    handler: async (req, reply) => {
      const cached = responseCache?.serve(req);
      if (cached) return reply.status(200).header('content-type', cached.contentType).send(cached.body);
      responseCache?.track(req);
      const response = await runtime.handleNodeRequestAndResponse(req, reply, { req, reply });
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) followEventStream(reply.raw);
      const kept = await responseCache?.keep(req, response);
      response.headers.forEach((value, key) => {
        void reply.header(key, value);
      });
      void reply.status(response.status);
      // The runtime refuses some requests with no body at all (an unsupported content type): say why.
      if (response.body === null && response.status >= 400) return reply.type('application/json; charset=utf-8').send(bodilessRefusal(response.status));
      reply.send(kept ?? response.body);
      return reply;
    },
  });
  if (metricsRegistry) {
    const authorised = metricsAuthorisation(options.metricsToken);
    app.get('/metrics', async (request, reply) => {
      if (!authorised(request.headers.authorization)) {
        const message = 'GET /metrics needs the metrics token: Authorization: Bearer <ANTQ_METRICS_TOKEN> (in Prometheus, authorization.credentials of the scrape job).';
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .type('application/json; charset=utf-8')
          .send({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
      }
      return reply.header('content-type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
    });
  }
  options.graphiqlPage?.serveGraphiQLAssets(app);
  if (options.dashboard) serveDashboard(app, options.dashboard, runtime.graphqlEndpoint);
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
  return app;
}

/**
 * An SSE subscription never ends on its own, so closing the server would wait for it forever (and
 * a shutdown would give up on the audit log's last checkpoint). On close each one is cut, as the
 * websockets are: a client reconnects from its last cursor (a `complete` event would tell it the
 * subscription is over). Returns what registers a stream.
 */
function cutEventStreamsOnClose(app: FastifyInstance): (response: ServerResponse) => void {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', (done) => {
    for (const response of open) response.destroy();
    done();
  });
  return (response) => {
    open.add(response);
    response.once('close', () => open.delete(response));
  };
}

const NOT_JSON = 'The request body is not in a form GraphQL is read from. Send it as JSON with content-type: application/json, { "query": "…", "variables": { … } }.';

/** A GraphQL error for a refusal the runtime sent without a body. */
function bodilessRefusal(status: number) {
  const message =
    status === 415 ? NOT_JSON : `The request was refused (HTTP ${status}). Send a JSON body { "query": "…", "variables": { … } } in a POST, or a query as URL parameters of a GET.`;
  return { errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT } }] };
}

/** Errors Fastify raises before GraphQL runs (oversized or malformed bodies), answered as GraphQL errors. */
function setBodyErrorHandler(app: FastifyInstance, limits: OperationLimits): void {
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
    const status = error.statusCode ?? 500;
    const answer = () =>
      reply.status(status).send({
        errors: [
          {
            message: tooLarge
              ? `The request body is larger than ${limits.maxBodyBytes} bytes. Split it into smaller requests: fewer records or values in each.`
              : status === 415
                ? NOT_JSON
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
}
