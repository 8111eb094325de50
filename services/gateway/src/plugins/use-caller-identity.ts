import { createInlineSigningKeyProvider, createRemoteJwksSigningKeyProvider, useJWT } from '@graphql-mesh/plugin-jwt-auth';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { DEFAULT_CLOCK_SKEW_SECONDS, ErrorCode } from '@antq/sdk';
import { GraphQLError } from 'graphql';
import type { CallerIdentityOptions } from '../identity/caller-identity-options.js';
import { identityProblem, malformedIdentityError, malformedIdentityResponse, unauthenticatedResponse } from '../identity/caller-of-context.js';
import { bearerOf, explainRefusedToken } from '../identity/explain-refused-token.js';
import { createVerifiedTokens, type VerifiedJwt, type VerifiedTokens } from '../identity/verified-tokens.js';

/**
 * Xác thực người gọi — verifies the bearer token of every request (signature, issuer,
 * audience, expiry) with Hive's JWT plugin and forwards its claims to the subgraphs in
 * `extensions.jwt`, where the gateway's HMAC signature covers them. A request without a
 * token goes on as anonymous (public fields only); a bad token — or a good one whose claims
 * the SDK's parser refuses (`parseCallerClaims`) — is refused with UNAUTHENTICATED and 401.
 */
export function useCallerIdentity(options: CallerIdentityOptions): GatewayPlugin[] {
  const provider =
    options.keys.kind === 'jwks'
      ? createRemoteJwksSigningKeyProvider({ jwksUri: options.keys.url, cache: true, rateLimit: true })
      : createInlineSigningKeyProvider(options.keys.publicKeyPem);
  const verify = useJWT({
    signingKeyProviders: [provider],
    tokenVerification: {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ['ES256', 'RS256', 'PS256'],
      // The identity provider dates tokens by its own clock: a few seconds apart from ours is the same moment.
      clockTolerance: options.clockToleranceSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
    },
    reject: { missingToken: false, invalidToken: true },
    forward: { payload: true, token: false, extensionsFieldName: 'jwt' },
  }) as GatewayPlugin;
  // A bearer value that is not a JWT at all is an authentication failure, not a bad request.
  const requireJwtShape: GatewayPlugin = {
    onRequest({ request, endResponse, fetchAPI }) {
      const header = request.headers.get('authorization');
      if (header !== null && !/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(header.trim())) {
        const message = 'The Authorization header must be "Bearer <JWT>". Get a token from your identity provider (npm run token in the embedded mode).';
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code: ErrorCode.UNAUTHENTICATED } }] }), {
            status: 401,
            headers: { 'content-type': 'application/json; charset=utf-8' },
          }),
        );
      }
    },
  };
  return [requireJwtShape, verifyWebSocketOperations(verify, options, createVerifiedTokens(options.verifiedTokens))];
}

const INVALID_TOKEN_MESSAGE =
  'The bearer token was refused: its signature, issuer, audience or lifetime (exp, nbf) does not hold. Get a new token from your identity provider (npm run token in the embedded mode).';

/** The JWT plugin's refusal of a token (HTTP 401), as opposed to a failure of the gateway (e.g. no signing key). */
function isTokenRefusal(error: unknown): boolean {
  return error instanceof GraphQLError && (error.extensions?.http as { status?: number } | undefined)?.status === 401;
}

/** The hook of Yoga's JWT plugin (added by Hive's `useJWT`) that finds and verifies the token. */
type RequestParseHook = (payload: {
  request: Request;
  url: URL;
  serverContext: Record<string, unknown>;
  /** Over HTTP: ends the request with this response (the websocket path has none). */
  endResponse?: (response: Response) => void;
  fetchAPI?: { Response: typeof Response };
}) => unknown;

/**
 * An operation over graphql-ws (see `websocket.ts`) skips the HTTP request parsing where the
 * JWT plugin verifies the token, and the JWT plugin's fallback, at context building, runs after
 * the runtime's auth directives have looked for the caller. So the token is verified here in
 * `onParams`, which runs first for every operation, by the same hook and with the same result as
 * for HTTP (a no-op when the request was verified already).
 */
function verifyWebSocketOperations(jwtPlugin: GatewayPlugin, options: CallerIdentityOptions, tokens: VerifiedTokens): GatewayPlugin {
  let requestParse: RequestParseHook | undefined;
  type Init = NonNullable<GatewayPlugin['onPluginInit']>;
  type InitPayload = Parameters<Init>[0];
  return {
    ...jwtPlugin,
    onPluginInit(payload: InitPayload) {
      return jwtPlugin.onPluginInit?.({
        ...payload,
        addPlugin(plugin) {
          const verify = (plugin as { onRequestParse?: RequestParseHook }).onRequestParse;
          if (!verify) return payload.addPlugin(plugin);
          // Claims are read as soon as the signature holds: before planning, and before the
          // response cache (its hook runs after this one) could answer for the token.
          // Over HTTP the request ends with a 401 here (a thrown error would be masked to 200).
          // A token verified before (the same text, signature included) is not verified again
          // until its exp: the claims it was verified with go into the context as the plugin puts them.
          const verifyAndParse: RequestParseHook = (hookPayload) => {
            const { endResponse, fetchAPI, serverContext } = hookPayload;
            const token = bearerOf(hookPayload.request);
            const known = token === undefined ? undefined : tokens.get(token);
            if (known) {
              serverContext.jwt = known;
              return undefined;
            }
            return Promise.resolve()
              .then(() => verify(hookPayload))
              .then(
                () => {
                  const problem = identityProblem(serverContext);
                  if (problem === undefined) {
                    const verified = serverContext.jwt as VerifiedJwt | undefined;
                    if (verified?.token?.value === token && typeof verified?.payload === 'object') tokens.keep(verified);
                    return;
                  }
                  if (!endResponse || !fetchAPI) throw malformedIdentityError(problem);
                  endResponse(malformedIdentityResponse(problem, fetchAPI));
                },
                async (error: unknown) => {
                  // The JWT plugin's own refusal (signature, issuer, audience, exp, nbf) is a 401 too,
                  // saying why where it can (a key this graph no longer has, an expiry …).
                  if (!endResponse || !fetchAPI || !isTokenRefusal(error)) throw error;
                  const explained = token ? await explainRefusedToken(token, options) : undefined;
                  endResponse(unauthenticatedResponse(explained ?? INVALID_TOKEN_MESSAGE, 'INVALID_TOKEN', fetchAPI));
                },
              );
          };
          requestParse ??= verifyAndParse;
          payload.addPlugin({ ...plugin, onRequestParse: verifyAndParse } as typeof plugin);
        },
      });
    },
    onParams({ request, context, setResult }) {
      const parse = requestParse;
      const serverContext = context as unknown as Record<string, unknown>;
      if (!parse || !request || serverContext.jwt !== undefined) return;
      // Over HTTP a refused token is a 401; over the websocket, an error for this operation only
      // (thrown, it would close the client's whole connection with 4500).
      return Promise.resolve()
        .then(() => parse({ request, url: new URL(request.url), serverContext }))
        .catch(async (error: unknown) => {
          const token = bearerOf(request);
          const explained = token ? await explainRefusedToken(token, options) : undefined;
          const reason = error instanceof Error ? error.message : String(error);
          const message = explained ?? `The bearer token was refused (${reason}).`;
          setResult({
            errors: [
              new GraphQLError(`${message} Send a valid token: connection_init payload { "authorization": "Bearer <JWT>" }.`, {
                extensions: { code: ErrorCode.UNAUTHENTICATED },
              }),
            ],
          });
        }) as never;
    },
  } as GatewayPlugin;
}
