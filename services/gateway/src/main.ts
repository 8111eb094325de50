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
//   ANTQ_GRAPHIQL=true, ANTQ_INTROSPECTION=false, ANTQ_AUTH=off (development only)
//   ANTQ_METRICS=false       turns off Prometheus metrics at GET /metrics (on by default)
//   ANTQ_RESPONSE_CACHE=false turns off the response cache (on by default)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createStorage } from '@antq/subgraph-kit';
import { createAuditLog } from './audit/audit-log.js';
import { auditKeyFromEnv } from './audit/audit-key.js';
import { auditLocationsIn } from './audit/audit-locations.js';
import { createGateway } from './gateway.js';
import { DEVELOPMENT_ISSUER, GRAPH_AUDIENCE } from './identity/development-issuer.js';
import type { CallerIdentityOptions } from './identity/caller-identity-options.js';
import { loadSupergraph } from './supergraph-source.js';

const { values } = parseArgs({
  options: {
    supergraph: { type: 'string', default: process.env.ANTQ_SUPERGRAPH ?? 'schema/supergraph.graphql' },
    port: { type: 'string', default: process.env.PORT ?? '4000' },
    host: { type: 'string', default: process.env.HOST ?? '0.0.0.0' },
  },
});

function fail(message: string): never {
  console.error(`antq-gateway: ${message}`);
  process.exit(1);
}

const env = process.env;
const signingKey = env.ANTQ_SIGNING_KEY ?? fail('ANTQ_SIGNING_KEY is not set: set it to the secret the subgraphs share with the gateway.');

async function identityFromEnv(): Promise<CallerIdentityOptions | { disabled: true }> {
  if (env.ANTQ_AUTH === 'off') return { disabled: true };
  const issuer = env.ANTQ_JWT_ISSUER ?? DEVELOPMENT_ISSUER;
  const audience = env.ANTQ_JWT_AUDIENCE ?? GRAPH_AUDIENCE;
  if (env.ANTQ_JWKS_URL) return { keys: { kind: 'jwks', url: env.ANTQ_JWKS_URL }, issuer, audience };
  const pem = env.ANTQ_JWT_PUBLIC_KEY ?? (env.ANTQ_JWT_PUBLIC_KEY_FILE ? await readFile(env.ANTQ_JWT_PUBLIC_KEY_FILE, 'utf8') : undefined);
  if (pem) return { keys: { kind: 'key', publicKeyPem: pem }, issuer, audience };
  return fail('no token keys: set ANTQ_JWKS_URL (or ANTQ_JWT_PUBLIC_KEY[_FILE]); ANTQ_AUTH=off switches authentication off for local development only.');
}

const identity = await identityFromEnv();
const auditKey =
  (await auditKeyFromEnv(env).catch((error: unknown) => fail(`the audit key cannot be read: ${(error as Error).message}`))) ??
  fail('ANTQ_AUDIT_KEY is not set: set it (or ANTQ_AUDIT_KEY_FILE) to the secret that seals the audit log, e.g. `openssl rand -base64 32`, and keep it away from the audit database.');
const auditPlaces = auditLocationsIn(env.ANTQ_DATA_DIR ?? join('.data', 'gateway'));
const auditStorage = await createStorage(
  env.AUDIT_DATABASE_URL ? { kind: 'postgres', url: env.AUDIT_DATABASE_URL } : { kind: 'pglite', dataDir: auditPlaces.database },
).catch((error: unknown) => fail(`the audit log's database cannot be opened: ${(error as Error).message}`));
const audit = await createAuditLog(auditStorage, {
  key: auditKey,
  anchors: { dir: env.ANTQ_AUDIT_ANCHOR_DIR ?? auditPlaces.anchorDir, ...(env.ANTQ_AUDIT_ANCHOR_NATS_URL ? { natsUrl: env.ANTQ_AUDIT_ANCHOR_NATS_URL } : {}) },
}).catch((error: unknown) => fail(`the audit log cannot be opened: ${(error as Error).message}`));
const gateway = await createGateway({
  supergraph: await loadSupergraph(values.supergraph),
  port: Number(values.port),
  host: values.host,
  signingKey,
  identity,
  audit,
  ...(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? { tracing: { endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, ...(env.OTEL_SERVICE_NAME ? { serviceName: env.OTEL_SERVICE_NAME } : {}) } }
    : {}),
  graphiql: env.ANTQ_GRAPHIQL === 'true',
  introspection: env.ANTQ_INTROSPECTION !== 'false',
  metrics: env.ANTQ_METRICS !== 'false',
  ...(env.ANTQ_RESPONSE_CACHE === 'false' ? { responseCache: false as const } : {}),
}).catch((error: unknown) => fail(`${(error as Error).message}${(error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ` — port ${values.port} is taken: pass --port <another>.` : ''}`));
console.log(`ANTQ gateway listening on ${gateway.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (async () => {
      await gateway.close();
      await audit.close();
      await auditStorage.close();
      process.exit(0);
    })();
  });
}
