/**
 * One agency's subgraph served by `@apollo/server` instead of the kit's mercurius server — the
 * subgraph half of the `apollo-stack` target (Apollo Gateway over `@apollo/server` subgraphs, the
 * stack an agency would otherwise install).
 *
 * The same schema and resolvers as the agency's own subgraph (see agency-internals.ts): the
 * agency's contract and the resolvers `createAgencySubgraph` merges, scalars attached by name,
 * built with `@apollo/subgraph`'s `buildSubgraphSchema`, then the kit's field-classification
 * guard — as `createSubgraphServer` builds it. Served with `startStandaloneServer` and Apollo
 * Server's defaults, plus what our subgraphs demand of every request, done where Apollo Server
 * lets an application do it, in the `context` function (which runs before the operation is
 * parsed or validated, as the kit's preHandler does):
 *
 * - the gateway's HMAC signature is checked over the request params, and the forwarded caller is
 *   read from `extensions.jwt.payload`, by the kit's own `createGatewayRequestVerifier` (the
 *   function the kit's server admits requests with); a refused request gets HTTP 401 with the
 *   kit's UNAUTHENTICATED error;
 * - each request's context is the agency's (`createAgencySubgraph`'s), so the classification is
 *   enforced on the same caller and grants.
 *
 * Also as the kit does: errors masked by the kit's rule (`toSafeGraphQLError`: deliberate errors
 * keep their code and message, anything else becomes INTERNAL_SERVER_ERROR) and the parser's
 * token limit (20,000). Not mirrored: mercurius's query depth limit (15) and its 1 MiB body limit
 * (the standalone server accepts 50 MB), graphql-jit (Apollo Server runs graphql-js), the change
 * subscription over a websocket (Apollo Server serves none; the schema still has the field).
 */
import { parse, GraphQLError } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { Agency } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import { createAreaScopes, type Storage } from '@antq/subgraph-kit';
import {
  agencyContextFactory,
  agencyResolvers,
  attachScalarResolvers,
  createGatewayRequestVerifier,
  enforceFieldClassification,
  toSafeGraphQLError,
  type GraphQLRequestParams,
} from './agency-internals.js';
import { AGENCY_TYPE_DEFS } from './agencies.js';

/** `@apollo/subgraph`'s resolver map type, which its root does not export (as in the kit). */
type ApolloResolverMap = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>['resolvers']>;

export interface ApolloSubgraphOptions {
  readonly agency: Agency;
  readonly storage: Storage;
  readonly registry: AreaRegistry;
  /** The HMAC secret shared with the gateway. */
  readonly signingKey: string;
  /** Called once per GraphQL request received, admitted or not (to count subgraph calls). */
  readonly onRequest?: () => void;
}

export interface ApolloSubgraph {
  readonly url: string;
  close(): Promise<void>;
}

/** The params of a GET request, from its query string (as the kit reads them). */
function queryStringParams(url: string | undefined): GraphQLRequestParams {
  const search = new URL(url ?? '/', 'http://localhost').searchParams;
  const json = (value: string | null): unknown => {
    if (value === null) return undefined;
    try {
      return JSON.parse(value);
    } catch {
      return undefined;
    }
  };
  return {
    query: search.get('query') ?? undefined,
    operationName: search.get('operationName') ?? undefined,
    variables: json(search.get('variables')),
    extensions: json(search.get('extensions')),
  };
}

export async function startApolloSubgraph(options: ApolloSubgraphOptions): Promise<ApolloSubgraph> {
  const { agency, storage, registry } = options;
  const scopes = createAreaScopes(registry);
  let closing = false;

  const document = parse(AGENCY_TYPE_DEFS[agency]);
  const resolvers = attachScalarResolvers(document, agencyResolvers({ agency, registry, scopes, changeFeed: { storage, closing: () => closing } }) as never);
  const schema = buildSubgraphSchema({ typeDefs: document, resolvers: resolvers as ApolloResolverMap });
  enforceFieldClassification(schema);

  const verify = createGatewayRequestVerifier({ audience: agency, signingKey: options.signingKey });
  const contextOf = agencyContextFactory({ agency, storage, registry, scopes });
  const server = new ApolloServer<Record<string, unknown>>({
    schema,
    parseOptions: { maxTokens: 20_000 },
    formatError: (_formatted, error) => {
      const { extensions, ...safe } = toSafeGraphQLError(error, (original) =>
        server.logger.error(`${agency} subgraph: unexpected error, sent as INTERNAL_SERVER_ERROR: ${(original as Error)?.stack ?? String(original)}`),
      ).toJSON();
      // `http` only sets the response status (of a refused request), as in the kit.
      const { http: _status, ...rest } = extensions ?? {};
      return { ...safe, extensions: rest };
    },
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => {
      options.onRequest?.();
      // body-parser has read a JSON body into `req.body`; a GET carries the params in its URL.
      const body = (req as { body?: unknown }).body;
      const params: GraphQLRequestParams =
        req.method === 'GET' || req.method === 'HEAD'
          ? queryStringParams(req.url)
          : typeof body === 'object' && body !== null && !Array.isArray(body)
            ? (body as GraphQLRequestParams)
            : {};
      const verdict = await verify(params);
      if (!verdict.ok) {
        // Apollo Server answers a context failure with the error's `extensions.http.status`.
        throw new GraphQLError(verdict.error.message, { extensions: { ...verdict.error.extensions, http: { status: 401 } } });
      }
      return contextOf(verdict.caller, server.logger);
    },
  });
  return {
    url: new URL('/graphql', url).href,
    close: async () => {
      closing = true;
      await server.stop();
    },
  };
}
