import { createInlineSigningKeyProvider, createRemoteJwksSigningKeyProvider, useJWT } from '@graphql-mesh/plugin-jwt-auth';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { ErrorCode } from '@antq/sdk';
import { decodeJwt } from 'jose';

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
  return [requireJwtShape, verify];
}

/**
 * Local development with authentication switched off: the bearer token's claims are taken
 * as they are, without checking signature, issuer, audience or expiry.
 */
export function useUnverifiedIdentity(): GatewayPlugin {
  return {
    onContextBuilding({ context, extendContext }) {
      const header = (context as { request?: Request }).request?.headers.get('authorization');
      const token = header?.replace(/^Bearer\s+/i, '');
      if (!token) return;
      try {
        const payload = decodeJwt(token);
        extendContext({ jwt: { payload } } as never);
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
