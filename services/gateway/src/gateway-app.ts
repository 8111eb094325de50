import Fastify, { type FastifyInstance } from 'fastify';
import type { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { Registry } from 'prom-client';
import { ErrorCode } from '@antq/sdk';
import type { OperationLimits } from './limits.js';
import { discardUpload } from './oversized-body.js';
import type { ResponseCache } from './response-cache/response-cache.js';
import { serveDashboard, type DashboardSettings } from './dashboard/serve-dashboard.js';

export interface GatewayAppOptions {
  readonly runtime: ReturnType<typeof createGatewayRuntime>;
  readonly limits: OperationLimits;
  readonly responseCache: ResponseCache | undefined;
  readonly metricsRegistry: Registry | undefined;
  /** The GraphiQL page's module, when the page is on: it serves its own assets. */
  readonly graphiqlPage: { serveGraphiQLAssets(app: FastifyInstance): void } | undefined;
  /** The analysts' dashboard's static build, when it is served here. */
  readonly dashboard?: DashboardSettings | undefined;
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
      // The runtime refuses some requests with no body at all (an unsupported content type): say why.
      if (response.body === null && response.status >= 400) return reply.type('application/json; charset=utf-8').send(bodilessRefusal(response.status));
      reply.send(kept ?? response.body);
      return reply;
    },
  });
  if (metricsRegistry) {
    app.get('/metrics', async (_request, reply) => reply.header('content-type', metricsRegistry.contentType).send(await metricsRegistry.metrics()));
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
