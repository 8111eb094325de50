import { deriveSubgraphKey, signRequestParams } from './gateway-signature.js';

/**
 * A request one part of the graph makes to a subgraph on its own behalf (no caller), signed
 * like any request the gateway forwards — fresh, once, for that subgraph only: the gateway's
 * grant look-ups and outbox reads, the change stream's reads of the agencies' outboxes.
 */
export async function postSignedSystemRequest<T>(
  url: string,
  request: { query: string; variables?: Record<string, unknown> },
  options: { signingKey: string; audience: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const body = signRequestParams(request, { key: audienceKey(options.signingKey, options.audience), audience: options.audience });
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 5_000);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
  });
  return (await response.json()) as { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

const derivedKeys = new Map<string, Buffer>();

/** The audience key, derived once per signing key and audience (HKDF is not free on a hot path). */
function audienceKey(signingKey: string, audience: string): Buffer {
  const cacheKey = `${audience}\u0000${signingKey}`;
  let key = derivedKeys.get(cacheKey);
  if (!key) {
    key = deriveSubgraphKey(signingKey, audience);
    derivedKeys.set(cacheKey, key);
  }
  return key;
}
