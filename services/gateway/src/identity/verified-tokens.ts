import { LRUCache } from 'lru-cache';

/** What the JWT plugin puts into a request's context once a token verifies (`context.jwt`). */
export interface VerifiedJwt {
  readonly payload: Record<string, unknown>;
  readonly token: { readonly value: string; readonly prefix?: string };
}

export interface VerifiedTokenOptions {
  /** Tokens kept at most (least recently used go first); default 10,000. */
  readonly max?: number;
  /**
   * How long a verification is trusted at most, even when the token lives longer (default 10
   * minutes, as long as the JWKS provider keeps the keys it fetched): a key withdrawn from the
   * identity provider's JWKS stops tokens it signed within this time.
   */
  readonly maxAgeMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

interface Kept {
  readonly jwt: VerifiedJwt;
  readonly until: number;
}

/**
 * Tokens already verified, by their exact text — signature included, so a token differing in
 * any byte (a forged signature, a changed claim) is not found and goes through the whole
 * verification. A token is kept until its `exp` (never past it) or `maxAgeMs`, whichever comes
 * first; a token without `exp` is not kept. The claims are the very payload object verified
 * first, so what reads them once per payload (`parsePayload`) reads them once per token.
 */
export function createVerifiedTokens(options: VerifiedTokenOptions = {}) {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const kept = new LRUCache<string, Kept>({ max: options.max ?? 10_000 });
  return {
    /** The verified token's context value, while it may still be trusted. */
    get(token: string): VerifiedJwt | undefined {
      const found = kept.get(token);
      if (!found) return undefined;
      if (now() < found.until) return found.jwt;
      kept.delete(token);
      return undefined;
    },
    /** Keeps a token the JWT plugin has just verified (its `context.jwt`). */
    keep(jwt: VerifiedJwt): void {
      const { exp, nbf } = jwt.payload;
      if (typeof exp !== 'number') return;
      const at = now();
      // Not yet valid (the plugin would not have accepted it, but the clock may have moved): not kept.
      if (typeof nbf === 'number' && nbf * 1000 > at) return;
      const until = Math.min(exp * 1000, at + maxAgeMs);
      if (until > at) kept.set(jwt.token.value, { jwt, until });
    },
    get size() {
      return kept.size;
    },
  };
}

export type VerifiedTokens = ReturnType<typeof createVerifiedTokens>;
