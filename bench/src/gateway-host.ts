/**
 * Child process: one benchmark target in front of the shared subgraph processes, alone in its
 * process so its CPU time and memory can be read (`usage` over IPC) before and after a window.
 *
 * - `ours`: our gateway as the embedded mode starts it — `createGateway` with caller identity
 *   (tokens verified), the default limits, the audit log (PGlite in a folder; on PostgreSQL in the full mode), GraphiQL and
 *   introspection on, and whatever else `createGateway` switches on by default (metrics…).
 *   Its response cache is on, as by default: the load repeats the same operations, so after the
 *   first request of each kind of caller `ours` answers from the cache (audited, invalidated
 *   from the outboxes).
 * - `ours-uncached`: `ours` with the response cache off — every request planned and sent to the
 *   subgraphs, as for a first or changing read.
 * - `ours-open`: the same gateway with identity switched off (ANTQ_AUTH=off) and no audit log.
 * - `hive`: stock Hive Gateway runtime — `createGatewayRuntime` with the supergraph and defaults
 *   (no Rust planner, landing page, default logging), on node:http; plus what the subgraphs
 *   require of any gateway: Hive's JWT plugin forwarding the caller and Hive's HMAC upstream
 *   signature over it (`useHmacUpstreamSignature` after the JWT plugin, with the kit's
 *   serializer — as ours does), so the subgraphs see the same caller as behind ours.
 * - `apollo`: Apollo Gateway in @apollo/server's standalone server; the signature and the
 *   forwarded caller are added in `RemoteGraphQLDataSource.willSendRequest`.
 * - `apollo-stack`: the very same Apollo Gateway, in front of its own four subgraph processes
 *   that serve the agencies with `@apollo/server` instead of mercurius (apollo-subgraph.ts): the
 *   whole stack an agency would otherwise install. run.ts composes its supergraph over them.
 * - `hive-cached`: `hive` with Hive Gateway's response cache (`responseCaching`, see
 *   peer-caches.ts), one session per caller's token.
 * - `apollo-cached`: `apollo` with Apollo Server's response-cache plugin, sessions by token, and
 *   the cache hint subgraphs without `Cache-Control` headers would need (peer-caches.ts).
 * - `monolith`: see monolith.ts.
 *
 * `cacheStats` answers the response cache's lookups and hits (the peers' own counts; for ours its
 * `antq_response_cache_requests` metric).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Kind, parse, print, visit, type DirectiveNode } from 'graphql';
import { importSPKI, jwtVerify, type JWTPayload } from 'jose';
import type { Storage, StorageOptions } from '@antq/subgraph-kit';
import { progress, serveRequests, type IdentityConfig, type Request } from './ipc.js';
import { apolloResponseCachePlugins, cacheCounts, createInMemoryCache, sessionOf, withDefaultCacheHint, type CacheCounts } from './peer-caches.js';

export type TargetKind = 'ours' | 'ours-open' | 'hive' | 'apollo' | 'apollo-stack' | 'monolith' | CachedPeer | OursVariant;

/** A peer with its own response cache switched on, as its documentation describes. */
export type CachedPeer = 'hive-cached' | 'apollo-cached';

/** Our gateway with one thing switched off, for finding what costs what (not in the default run). */
export type OursVariant = 'ours-no-audit' | 'ours-no-metrics' | 'ours-uncached';

let close: (() => Promise<unknown>) | undefined;
/** Our gateway's URL, to read its response-cache metric. */
let oursUrl: string | undefined;

// Each target imports only its own stack (in start-up CPU, @antq/gateway costs 2.6 s, Hive's runtime 1.4 s, Apollo's 1 s): a run starts nine of them at once.
async function startOurs(request: Request, open: boolean, variant?: OursVariant) {
  const [{ createAuditLog, createGateway }, { createStorage }] = await Promise.all([import('@antq/gateway'), import('@antq/subgraph-kit')]);
  const identity = request.identity as IdentityConfig;
  let auditStorage: Storage | undefined;
  let audit: Awaited<ReturnType<typeof createAuditLog>> | undefined;
  let auditDir: string | undefined;
  if (!open && variant !== 'ours-no-audit') {
    // On PostgreSQL (the full mode) as production keeps it; else as the embedded mode does: PGlite in a folder.
    if (!request.auditStorage) auditDir = await mkdtemp(join(tmpdir(), 'antq-bench-audit-'));
    auditStorage = await createStorage((request.auditStorage as StorageOptions | undefined) ?? { kind: 'pglite', dataDir: auditDir! });
    audit = await createAuditLog(auditStorage);
  }
  const gateway = await createGateway({
    supergraph: String(request.supergraph),
    port: 0,
    host: '127.0.0.1',
    signingKey: String(request.signingKey),
    // As the embedded mode starts it.
    graphiql: true,
    introspection: true,
    identity: open ? { disabled: true } : { keys: { kind: 'key', publicKeyPem: identity.publicKeyPem }, issuer: identity.issuer, audience: identity.audience },
    ...(audit ? { audit } : {}),
    ...(variant === 'ours-no-metrics' ? { metrics: false } : {}),
    ...(variant === 'ours-uncached' ? { responseCache: false as const } : {}),
  });
  close = async () => {
    await gateway.close();
    await audit?.close();
    await auditStorage?.close();
    if (auditDir) await rm(auditDir, { recursive: true, force: true });
  };
  oursUrl = gateway.url;
  return { url: gateway.url };
}

async function startHive(request: Request, cached: boolean) {
  const [{ createGatewayRuntime }, { createInlineSigningKeyProvider, useJWT }, { useUpstreamSignature }] = await Promise.all([
    import('@graphql-hive/gateway-runtime'),
    import('@graphql-mesh/plugin-jwt-auth'),
    import('@antq/gateway'),
  ]);
  const identity = request.identity as IdentityConfig;
  const runtime = createGatewayRuntime({
    supergraph: String(request.supergraph),
    ...(cached
      ? {
          cache: createInMemoryCache() as never,
          // The documented defaults (no TTL, invalidation by the entities mutations return), one session per caller.
          responseCaching: { session: (httpRequest: globalThis.Request) => sessionOf(httpRequest.headers.get('authorization')) },
        }
      : {}),
    plugins: () => [
      useJWT({
        signingKeyProviders: [createInlineSigningKeyProvider(identity.publicKeyPem)],
        tokenVerification: { issuer: identity.issuer, audience: identity.audience, algorithms: ['ES256', 'RS256', 'PS256'] },
        reject: { missingToken: false, invalidToken: true },
        forward: { payload: true, token: false, extensionsFieldName: 'jwt' },
      }) as never,
      // After the JWT plugin, so the signature covers the forwarded caller (as in ours): our
      // subgraphs accept only requests signed for them, fresh and once.
      useUpstreamSignature({ signingKey: String(request.signingKey) }) as never,
    ],
  });
  const server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  close = async () => {
    await new Promise((resolve) => server.close(resolve));
    await runtime.dispose();
  };
  return { url: `http://127.0.0.1:${port}${runtime.graphqlEndpoint}` };
}

/** The authorization features of Federation 2.5+ that Apollo Gateway refuses (only Apollo Router supports them). */
const SECURITY_FEATURES = ['authenticated', 'requiresScopes', 'policy'];

/**
 * The supergraph without the authorization features Apollo Gateway cannot load
 * ("feature …/policy/v0.1 is for: SECURITY but is unsupported"): their @link, definitions and
 * uses go; the subgraphs still check the caller they receive. Nothing else changes.
 */
export function supergraphForApolloGateway(sdl: string): string {
  const isSecurityDirective = (node: DirectiveNode) =>
    SECURITY_FEATURES.includes(node.name.value) ||
    (node.name.value === 'link' &&
      node.arguments?.some(
        (argument) =>
          argument.name.value === 'url' &&
          argument.value.kind === Kind.STRING &&
          SECURITY_FEATURES.some((feature) => (argument.value as { value: string }).value.includes(`/${feature}/`)),
      ));
  const stripped = visit(parse(sdl), {
    Directive: (node) => (isSecurityDirective(node) ? null : undefined),
    DirectiveDefinition: (node) => (SECURITY_FEATURES.includes(node.name.value) ? null : undefined),
    ScalarTypeDefinition: (node) => (SECURITY_FEATURES.some((feature) => node.name.value.startsWith(`${feature}__`)) ? null : undefined),
  });
  return print(stripped);
}

interface ApolloContext {
  readonly jwt?: JWTPayload;
}

async function startApollo(request: Request, cacheTtlSeconds?: number) {
  const [{ ApolloGateway, RemoteGraphQLDataSource }, { ApolloServer }, { startStandaloneServer }, { deriveSubgraphKey, signRequestParams }] = await Promise.all([
    import('@apollo/gateway'),
    import('@apollo/server'),
    import('@apollo/server/standalone'),
    import('@antq/subgraph-kit'),
  ]);
  const identity = request.identity as IdentityConfig;
  const signingKey = String(request.signingKey);
  const publicKey = await importSPKI(identity.publicKeyPem, 'ES256').catch(() => importSPKI(identity.publicKeyPem, 'RS256'));
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphForApolloGateway(String(request.supergraph)),
    buildService: ({ name, url }) => {
      const key = deriveSubgraphKey(signingKey, name);
      const source = new RemoteGraphQLDataSource<ApolloContext>({
        url,
        willSendRequest({ request: subgraphRequest, context }) {
          const jwt = context.jwt ? { payload: context.jwt } : undefined;
          const extensions = { ...subgraphRequest.extensions, ...(jwt ? { jwt } : {}) };
          subgraphRequest.extensions = signRequestParams({ ...subgraphRequest, extensions }, { key, audience: name }).extensions;
        },
      });
      if (cacheTtlSeconds !== undefined) source.fetcher = withDefaultCacheHint(source.fetcher, cacheTtlSeconds);
      return source;
    },
  });
  const server = new ApolloServer<ApolloContext>({ gateway, ...(cacheTtlSeconds !== undefined ? { plugins: apolloResponseCachePlugins<ApolloContext>() } : {}) });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => {
      const header = req.headers.authorization;
      if (!header?.startsWith('Bearer ')) return {};
      const { payload } = await jwtVerify(header.slice(7), publicKey, { issuer: identity.issuer, audience: identity.audience });
      return { jwt: payload };
    },
  });
  close = () => server.stop();
  return { url: new URL('/graphql', url).href };
}

async function start(request: Request) {
  const kind = request.kind as TargetKind;
  progress(`${kind}: starting`);
  switch (kind) {
    case 'ours':
      return startOurs(request, false);
    case 'ours-open':
      return startOurs(request, true);
    case 'ours-no-audit':
    case 'ours-no-metrics':
    case 'ours-uncached':
      return startOurs(request, false, kind);
    case 'hive':
    case 'hive-cached':
      return startHive(request, kind === 'hive-cached');
    case 'apollo':
    case 'apollo-stack':
      return startApollo(request);
    case 'apollo-cached':
      return startApollo(request, Number(request.cacheTtlSeconds ?? 60));
    case 'monolith': {
      const { startMonolith } = await import('./monolith.js');
      const monolith = await startMonolith(request);
      close = monolith.close;
      return { url: monolith.url, counts: monolith.counts };
    }
    default:
      throw new Error(`unknown target ${String(kind)}`);
  }
}

/** The response cache's lookups and hits so far: the peers' own counts, or our gateway's metric. */
async function cacheStats(): Promise<CacheCounts> {
  if (!oursUrl) return cacheCounts();
  const text = await (await fetch(new URL('/metrics', oursUrl))).text();
  const count = (result: string) => Number(new RegExp(`^antq_response_cache_requests\\{result="${result}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  const hits = count('hit');
  return { hits, lookups: hits + count('stored') + count('passed') };
}

serveRequests({ start, cacheStats }, async () => close?.());
