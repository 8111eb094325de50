import { computeSignature, serializeSignedParams } from './gateway-signature.js';

/**
 * A request one part of the graph makes to a subgraph on its own behalf (no caller), signed
 * with the gateway's key like any request the gateway forwards: the grant look-ups of the
 * gateway, the change stream's reads of the agencies' outboxes.
 */
export async function postSignedSystemRequest<T>(
  url: string,
  request: { query: string; variables?: Record<string, unknown> },
  options: { signingKey: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const signature = computeSignature(serializeSignedParams(request), options.signingKey);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 5_000);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...request, extensions: { 'hmac-signature': signature } }),
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
  });
  return (await response.json()) as { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}
