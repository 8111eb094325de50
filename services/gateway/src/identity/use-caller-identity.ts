import { createInlineSigningKeyProvider, createRemoteJwksSigningKeyProvider, useJWT } from '@graphql-mesh/plugin-jwt-auth';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { ErrorCode } from '@antq/sdk';
import { decodeJwt } from 'jose';
import { GraphQLError } from 'graphql';
import { explainRefusedToken, useRefusedTokenExplanation } from './explain-refused-token.js';

/** Where the gateway gets the keys that verify callers' tokens. */
export type TokenKeySource =
  /** An OIDC provider's JWKS endpoint (production). */
  | { readonly kind: 'jwks'; readonly url: string }
  /** One public key in PEM (the development issuer, or a provider without JWKS). */
  | { readonly kind: 'key'; readonly publicKeyPem: string };

export interface CallerIdentityOptions {
  readonly keys: TokenKeySource;
  readonly issuer: string;
  readonly audience: string;
}

/**
 * Xác thực người gọi — verifies the bearer token of every request (signature, issuer,
 * audience, expiry) with Hive's JWT plugin and forwards its claims to the subgraphs in
 * `extensions.jwt`, where the gateway's HMAC signature covers them. A request without a
 * token goes on as anonymous (public fields only); a bad token is refused.
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
  return [requireJwtShape, useRefusedTokenExplanation(options), verifyWebSocketOperations(verify, options)];
}

/** The hook of Yoga's JWT plugin (added by Hive's `useJWT`) that finds and verifies the token. */
type RequestParseHook = (payload: { request: Request; url: URL; serverContext: Record<string, unknown> }) => unknown;

/**
 * An operation over graphql-ws (see `websocket.ts`) skips the HTTP request parsing where the
 * JWT plugin verifies the token, and the JWT plugin's fallback, at context building, runs after
 * the runtime's auth directives have looked for the caller. So the token is verified here in
 * `onParams`, which runs first for every operation, by the same hook and with the same result as
 * for HTTP (a no-op when the request was verified already).
 */
function verifyWebSocketOperations(jwtPlugin: GatewayPlugin, options: CallerIdentityOptions): GatewayPlugin {
  let requestParse: RequestParseHook | undefined;
  type Init = NonNullable<GatewayPlugin['onPluginInit']>;
  type InitPayload = Parameters<Init>[0];
  return {
    ...jwtPlugin,
    onPluginInit(payload: InitPayload) {
      return jwtPlugin.onPluginInit?.({
        ...payload,
        addPlugin(plugin) {
          requestParse ??= (plugin as { onRequestParse?: RequestParseHook }).onRequestParse;
          payload.addPlugin(plugin);
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
          const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization')?.trim() ?? '')?.[1];
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

/**
 * Local development with authentication switched off: the bearer token's claims are taken
 * as they are, without checking signature, issuer, audience or expiry.
 */
export function useUnverifiedIdentity(): GatewayPlugin {
  return {
    // In onParams, which runs before context building: the runtime's auth directives look for
    // the caller there, before this plugin's context-building hook would run.
    onParams({ request, context }) {
      const token = request?.headers.get('authorization')?.replace(/^Bearer\s+/i, '');
      if (!token) return;
      try {
        const payload = decodeJwt(token);
        Object.assign(context as object, { jwt: { payload } });
      } catch {
        // Not a JWT: anonymous.
      }
    },
    // Forwarded the way the JWT plugin forwards a verified payload.
    onSubgraphExecute({ executionRequest, setExecutionRequest }) {
      const payload = (executionRequest.context as { jwt?: { payload?: unknown } } | undefined)?.jwt?.payload;
      if (payload) setExecutionRequest({ ...executionRequest, extensions: { ...executionRequest.extensions, jwt: { payload } } });
    },
  };
}
