import type { VerifiedTokenOptions } from './verified-tokens.js';

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
  /** The cache of tokens already verified (see `verified-tokens.ts`): bounds, and a clock for tests. */
  readonly verifiedTokens?: VerifiedTokenOptions;
  /**
   * How far the identity provider's clock may be from the gateway's, in seconds, for a token's
   * `nbf` and `exp` (default 30, as the subgraphs' reading of the claims).
   */
  readonly clockToleranceSeconds?: number;
}
