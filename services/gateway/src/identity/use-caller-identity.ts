import { createInlineSigningKeyProvider, createRemoteJwksSigningKeyProvider, useJWT } from '@graphql-mesh/plugin-jwt-auth';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { ErrorCode } from '@antq/sdk';

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
