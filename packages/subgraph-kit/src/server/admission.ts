import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MercuriusContext } from 'mercurius';
import { gatewaySignatureError, toSafeGraphQLError } from '../errors.js';
import type { AdmittedRequest, GatewayRequestVerdict } from '../identity/gateway-request.js';
import type { GraphQLRequestParams } from '../identity/gateway-signature.js';
import type { ContextInput, SubgraphContextBase, SubgraphOwner } from './subgraph-context.js';
import type { SubscriptionGuard } from './subscription-guard.js';

export interface AdmissionOptions {
  readonly agency: SubgraphOwner;
  /** Checks the gateway signature and the caller it forwards. */
  readonly verify: (params: GraphQLRequestParams) => Promise<GatewayRequestVerdict>;
  /** The agency's per-request `context` hook. */
  readonly context?: ((input: ContextInput) => object | Promise<object>) | undefined;
}

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

/**
 * Who gets in, and with which context: an HTTP request only when the gateway signed it (checked
 * before mercurius runs it), a subscription only when the guard admitted its message.
 */
export function createAdmission(options: AdmissionOptions) {
  const { agency, verify } = options;
  const admittedRequests = new WeakMap<FastifyRequest, AdmittedRequest>();
  const contextAttempted = new WeakSet<FastifyRequest>();

  /** The route's preHandler: refuses with 401 what the gateway did not sign. */
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
      request.log.warn(
        { problem: verdict.problem, ...(verdict.detail ? { detail: verdict.detail } : {}), remoteAddress: request.ip },
        'Refused a request the gateway did not sign',
      );
      return reply
        .code(401)
        .type('application/json; charset=utf-8')
        .send({ errors: [verdict.error.toJSON()] });
    }
    admittedRequests.set(request, verdict);
    return undefined;
  };

  /** Mercurius's `context` for an HTTP request. */
  const buildContext = async (request: FastifyRequest): Promise<Record<string, unknown>> => {
    const admitted = admittedRequests.get(request);
    const base: SubgraphContextBase = { agency, caller: admitted?.caller, log: request.log, ...idempotencyKeyOf(request.body) };
    // Mercurius calls this again from its error handler when it threw the first time.
    if (!admitted || !options.context || contextAttempted.has(request)) return { ...base };
    contextAttempted.add(request);
    const extra = await options.context({ caller: admitted.caller, request });
    return { ...extra, ...base } as Record<string, unknown>;
  };

  /** Mercurius's `preSubscriptionExecution` hook: the context of a subscription the guard admitted. */
  const admitSubscription =
    (guard: SubscriptionGuard) =>
    async (_schema: unknown, _document: unknown, context: MercuriusContext, id: string | number): Promise<void> => {
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
    };

  return { verifyGatewaySignature, buildContext, admitSubscription };
}
