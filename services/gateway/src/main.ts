// antq-gateway --supergraph <file|url> [--port 4000] — serves any supergraph.
//
// Environment (production):
//   ANTQ_SIGNING_KEY         secret shared with the subgraphs (required)
//   ANTQ_JWKS_URL            the identity provider's JWKS endpoint, or
//   ANTQ_JWT_PUBLIC_KEY      one PEM public key (or ANTQ_JWT_PUBLIC_KEY_FILE)
//   ANTQ_JWT_ISSUER          expected `iss` (default urn:antq:development-issuer)
//   ANTQ_JWT_AUDIENCE        expected `aud` (default antq-graph)
//   AUDIT_DATABASE_URL       PostgreSQL for the audit log; else PGlite in <ANTQ_DATA_DIR>/audit
//   ANTQ_AUDIT_KEY           secret that seals the audit chain, kept outside its database (required;
//                            or ANTQ_AUDIT_KEY_FILE)
//   ANTQ_AUDIT_ANCHOR_DIR    append-only folder of signed checkpoints (default <ANTQ_DATA_DIR>/audit-anchors)
//   ANTQ_AUDIT_ANCHOR_NATS_URL  also anchor checkpoints in a NATS JetStream stream (optional)
//   ANTQ_GRAPHIQL=true, ANTQ_INTROSPECTION=false, ANTQ_AUTH=off (development only: refused with NODE_ENV=production),
//   ANTQ_DASHBOARD_DIR=<services/dashboard/dist> (the analysts' dashboard at /dashboard)
//   ANTQ_CORS_ORIGINS        origins whose pages may call the graph, comma-separated (default none)
//   ANTQ_ALLOWED_HOSTS       host names it answers to besides IP addresses and localhost (default any)
//   ANTQ_METRICS=false       turns off Prometheus metrics at GET /metrics (on by default)
//   ANTQ_METRICS_TOKEN       the bearer token GET /metrics asks for (16 characters or more); unset: open to anyone who reaches the port
//   ANTQ_RESPONSE_CACHE=false turns off the response cache (on by default)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createStorage, envFlag, envRequired, handleShutdownSignals, readConfig } from '@antq/subgraph-kit';
import { z } from 'zod';
import { createAuditLog } from './audit/audit-log.js';
import { auditKeyFromEnv } from './audit/audit-key.js';
import { auditLocationsIn } from './audit/audit-locations.js';
import { createGateway } from './gateway.js';
import { parseAllowedHosts } from './allowed-hosts.js';
import { DEVELOPMENT_ISSUER, GRAPH_AUDIENCE } from './identity/development-issuer.js';
import type { CallerIdentityOptions } from './identity/caller-identity-options.js';
import { loadSupergraph } from './supergraph-source.js';

/** `https://host[:port]` and nothing more: what a browser sends as `Origin`. */
function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === text;
  } catch {
    return false;
  }
}

function fail(message: string): never {
  console.error(`antq-gateway: ${message}`);
  process.exit(1);
}

/** The gateway's environment, read once. */
const GATEWAY_ENV = z.object({
  ANTQ_SUPERGRAPH: z.string().default('schema/supergraph.graphql'),
  PORT: z.string().default('4000'),
  HOST: z.string().default('0.0.0.0'),
  ANTQ_SIGNING_KEY: envRequired('is not set: set it to the secret the subgraphs share with the gateway.'),
  ANTQ_AUTH: z.string().optional(),
  ANTQ_JWKS_URL: z.string().optional(),
  ANTQ_JWT_PUBLIC_KEY: z.string().optional(),
  ANTQ_JWT_PUBLIC_KEY_FILE: z.string().optional(),
  ANTQ_JWT_ISSUER: z.string().default(DEVELOPMENT_ISSUER),
  ANTQ_JWT_AUDIENCE: z.string().default(GRAPH_AUDIENCE),
  ANTQ_DATA_DIR: z.string().default(join('.data', 'gateway')),
  AUDIT_DATABASE_URL: z.string().optional(),
  ANTQ_AUDIT_ANCHOR_DIR: z.string().optional(),
  ANTQ_AUDIT_ANCHOR_NATS_URL: z.string().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
  ANTQ_GRAPHIQL: envFlag(false),
  ANTQ_DASHBOARD_DIR: z.string().optional(),
  ANTQ_ALLOWED_HOSTS: z.string().optional().transform(parseAllowedHosts),
  ANTQ_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .refine((origins) => origins.every(isOrigin), {
      error: 'must list origins, comma-separated, each a scheme and a host with no path, e.g. https://dashboard.example.gov.vn,http://10.20.0.5:8080',
    }),
  ANTQ_INTROSPECTION: envFlag(true),
  ANTQ_METRICS: envFlag(true),
  ANTQ_METRICS_TOKEN: z.string().min(16, 'must be 16 characters or more, e.g. `openssl rand -hex 24`').optional(),
  ANTQ_RESPONSE_CACHE: envFlag(true),
});

const config = (() => {
  try {
    return readConfig(GATEWAY_ENV);
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const { values } = parseArgs({
  options: {
    supergraph: { type: 'string', default: config.ANTQ_SUPERGRAPH },
    port: { type: 'string', default: config.PORT },
    host: { type: 'string', default: config.HOST },
  },
});

async function identityFromConfig(): Promise<CallerIdentityOptions | { disabled: true }> {
  if (config.ANTQ_AUTH === 'off') {
    // As the kit refuses a subgraph that takes unsigned requests: a setting copied from a laptop must not open production.
    if (process.env.NODE_ENV === 'production') {
      return fail(
        "ANTQ_AUTH=off is refused when NODE_ENV is production: anyone could act as any agency. Unset it, and set ANTQ_JWKS_URL (or ANTQ_JWT_PUBLIC_KEY[_FILE]) to your identity provider's keys.",
      );
    }
    return { disabled: true };
  }
  const issuer = config.ANTQ_JWT_ISSUER;
  const audience = config.ANTQ_JWT_AUDIENCE;
  if (config.ANTQ_JWKS_URL) return { keys: { kind: 'jwks', url: config.ANTQ_JWKS_URL }, issuer, audience };
  const pem = config.ANTQ_JWT_PUBLIC_KEY ?? (config.ANTQ_JWT_PUBLIC_KEY_FILE ? await readFile(config.ANTQ_JWT_PUBLIC_KEY_FILE, 'utf8') : undefined);
  if (pem) return { keys: { kind: 'key', publicKeyPem: pem }, issuer, audience };
  return fail('no token keys: set ANTQ_JWKS_URL (or ANTQ_JWT_PUBLIC_KEY[_FILE]); ANTQ_AUTH=off switches authentication off for local development only.');
}

const identity = await identityFromConfig();
const auditKey =
  (await auditKeyFromEnv(process.env).catch((error: unknown) => fail(`the audit key cannot be read: ${(error as Error).message}`))) ??
  fail(
    'ANTQ_AUDIT_KEY is not set: set it (or ANTQ_AUDIT_KEY_FILE) to the secret that seals the audit log, e.g. `openssl rand -base64 32`, and keep it away from the audit database.',
  );
const auditPlaces = auditLocationsIn(config.ANTQ_DATA_DIR);
const auditStorage = await createStorage(
  config.AUDIT_DATABASE_URL ? { kind: 'postgres', url: config.AUDIT_DATABASE_URL } : { kind: 'pglite', dataDir: auditPlaces.database },
).catch((error: unknown) => fail(`the audit log's database cannot be opened: ${(error as Error).message}`));
const audit = await createAuditLog(auditStorage, {
  key: auditKey,
  anchors: { dir: config.ANTQ_AUDIT_ANCHOR_DIR ?? auditPlaces.anchorDir, ...(config.ANTQ_AUDIT_ANCHOR_NATS_URL ? { natsUrl: config.ANTQ_AUDIT_ANCHOR_NATS_URL } : {}) },
}).catch((error: unknown) => fail(`the audit log cannot be opened: ${(error as Error).message}`));
const gateway = await createGateway({
  supergraph: await loadSupergraph(values.supergraph),
  port: Number(values.port),
  host: values.host,
  signingKey: config.ANTQ_SIGNING_KEY,
  identity,
  audit,
  ...(config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? { tracing: { endpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, ...(config.OTEL_SERVICE_NAME ? { serviceName: config.OTEL_SERVICE_NAME } : {}) } }
    : {}),
  graphiql: config.ANTQ_GRAPHIQL,
  // The dashboard's static build at /dashboard: sign-in by pasted token only (no development identities here).
  ...(config.ANTQ_DASHBOARD_DIR ? { dashboard: { root: config.ANTQ_DASHBOARD_DIR } } : {}),
  corsOrigins: config.ANTQ_CORS_ORIGINS,
  ...(config.ANTQ_ALLOWED_HOSTS ? { allowedHosts: config.ANTQ_ALLOWED_HOSTS } : {}),
  introspection: config.ANTQ_INTROSPECTION,
  metrics: config.ANTQ_METRICS,
  ...(config.ANTQ_METRICS_TOKEN ? { metricsToken: config.ANTQ_METRICS_TOKEN } : {}),
  ...(config.ANTQ_RESPONSE_CACHE ? {} : { responseCache: false as const }),
}).catch((error: unknown) =>
  fail(`${(error as Error).message}${(error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ` — port ${values.port} is taken: pass --port <another>.` : ''}`),
);
console.log(`ANTQ gateway listening on ${gateway.url}`);
if (config.ANTQ_METRICS && !config.ANTQ_METRICS_TOKEN) {
  console.warn('antq-gateway: GET /metrics is open to anyone who reaches this port: set ANTQ_METRICS_TOKEN (the scrape job sends it as a bearer token), or ANTQ_METRICS=false.');
}
handleShutdownSignals({
  program: 'antq-gateway',
  steps: [
    { name: 'the gateway', close: () => gateway.close() },
    { name: 'the audit log', close: () => audit.close() },
    { name: "the audit log's database", close: () => auditStorage.close() },
  ],
});
