/**
 * The peers' own response caches, configured as their documentation describes, for the
 * `hive-cached` and `apollo-cached` targets (gateway-host.ts), and the counts of what they did
 * (hits and lookups, read by the orchestrator over IPC: the targets' own counts, not guesses
 * from response times).
 *
 * - Hive Gateway: the runtime's `responseCaching` option (`@graphql-mesh/plugin-response-cache`,
 *   Envelop's response cache) with its defaults — no TTL (`ttl: Infinity`), entries holding an
 *   entity a mutation through this gateway returns are invalidated (`invalidateViaMutation`) —
 *   and one session per caller: the bearer token, so callers never share private answers. The
 *   option needs a cache storage; the Hive CLI's default is an in-memory LRU, which
 *   `createInMemoryCache` stands in for (the runtime takes any `KeyValueCache`).
 * - Apollo Server: `@apollo/server-plugin-response-cache` with `sessionId` from the token. It
 *   caches only what cache hints make cacheable; behind Apollo Gateway the hints are the
 *   subgraphs' `Cache-Control` headers (`RemoteGraphQLDataSource` restricts the response's policy
 *   by each subgraph response's header, and a response without one counts as `max-age=0`). Our
 *   subgraphs send none, so `withDefaultCacheHint` gives each subgraph response without a header
 *   `Cache-Control: max-age=<ttl>, private` — what an Apollo subgraph sends with
 *   `ApolloServerPluginCacheControl({ defaultMaxAge: <ttl> })` and private scope.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import responseCachePlugin from '@apollo/server-plugin-response-cache';

/** What a target's response cache did since it started. */
export interface CacheCounts {
  /** Query operations looked up in the cache. */
  readonly lookups: number;
  readonly hits: number;
}

const counts = { lookups: 0, hits: 0 };

export function cacheCounts(): CacheCounts {
  return { ...counts };
}

interface Entry {
  readonly value: unknown;
  readonly expires: number;
}

/**
 * An in-memory key-value cache with per-entry TTL (seconds) and prefix listing, the interface
 * Hive Gateway's runtime takes as `cache` (`KeyValueCache` of `@graphql-mesh/types`). Counts
 * the response cache's lookups (`response-cache:<id>` without an entity part) and hits.
 */
export function createInMemoryCache(maxEntries = 10_000) {
  const entries = new Map<string, Entry>();
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expires <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    get(key: string): unknown {
      const entry = live(key);
      if (key.startsWith('response-cache:') && key.split(':').length === 2) {
        counts.lookups += 1;
        if (entry) counts.hits += 1;
      }
      if (entry) {
        // Least recently used goes first.
        entries.delete(key);
        entries.set(key, entry);
      }
      return entry?.value;
    },
    set(key: string, value: unknown, options?: { ttl?: number }): void {
      const ttl = options?.ttl;
      entries.delete(key);
      entries.set(key, { value, expires: ttl !== undefined && Number.isFinite(ttl) && ttl > 0 ? Date.now() + ttl * 1000 : Number.POSITIVE_INFINITY });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    delete(key: string): boolean {
      return entries.delete(key);
    },
    getKeysByPrefix(prefix: string): string[] {
      return [...entries.keys()].filter((key) => key.startsWith(prefix) && live(key));
    },
  };
}

/** The bearer token of a request, as the session of its cached answers (null: no session, not cached as private). */
export function sessionOf(authorization: string | null | undefined): string | null {
  return authorization?.startsWith('Bearer ') ? authorization.slice(7) : null;
}

/** Apollo Server's response cache keyed by the caller's token, plus a plugin counting its hits. */
export function apolloResponseCachePlugins<TContext extends BaseContext>(): ApolloServerPlugin<TContext>[] {
  const counter: ApolloServerPlugin<TContext> = {
    requestDidStart: async () => ({
      willSendResponse: async (requestContext) => {
        if (requestContext.operation?.operation !== 'query') return;
        counts.lookups += 1;
        if (requestContext.metrics.responseCacheHit) counts.hits += 1;
      },
    }),
  };
  return [responseCachePlugin<TContext>({ sessionId: async ({ request }) => sessionOf(request.http?.headers.get('authorization')) }), counter];
}

interface HeadersLike {
  get(name: string): string | null;
}

/** Reads a property of a wrapped object, with its methods bound to it. */
function bound(target: object, property: string | symbol): unknown {
  const value: unknown = Reflect.get(target, property, target);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}

/**
 * A subgraph fetcher whose responses without a `Cache-Control` header read as
 * `max-age=<seconds>, private` (the response is otherwise the fetcher's own).
 */
export function withDefaultCacheHint<Init, Response extends { readonly headers: HeadersLike }>(
  fetcher: (url: string, init?: Init) => Promise<Response>,
  seconds: number,
): (url: string, init?: Init) => Promise<Response> {
  const hint = `max-age=${seconds}, private`;
  return async (url, init) => {
    const response = await fetcher(url, init);
    if (response.headers.get('cache-control') !== null) return response;
    const headers = new Proxy(response.headers, {
      get: (target, property) => (property === 'get' ? (name: string) => (name.toLowerCase() === 'cache-control' ? hint : target.get(name)) : bound(target, property)),
    });
    return new Proxy(response, { get: (target, property) => (property === 'headers' ? headers : bound(target, property)) });
  };
}
