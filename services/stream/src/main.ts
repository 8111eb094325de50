// Starts the change stream subgraph from the environment (production entry).
//
//   ANTQ_SIGNING_KEY     secret shared with the gateway and the agency subgraphs (required)
//   PORT, HOST           default 4005 and 127.0.0.1
//   ANTQ_AGENCY_URLS     `police=http://…/graphql,front=…,veterans=…,youth=…`
//                        (default: every agency of the registry at its default port on 127.0.0.1)
//   DATABASE_URL         PostgreSQL for the webhooks (shared by every instance); else PGlite in <ANTQ_DATA_DIR>/stream
//   NATS_URL             NATS JetStream server(s), comma-separated: fan-out between several instances;
//                        without it the instance delivers only what it reads itself
//   NATS_STREAM, NATS_SUBJECT_PREFIX   default ANTQ_CHANGES and antq.changes
//   LOG_LEVEL            default info
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AGENCIES, AGENCY_CODES, isAgencyCode, type Agency } from '@antq/sdk';
import { storageFromEnv } from '@antq/subgraph-kit';
import type { LevelWithSilent } from 'pino';
import type { ChangeBus } from './change-hub.js';
import { createNatsBus } from './nats-bus.js';
import { createStreamSubgraph, type StreamSubgraph } from './stream-subgraph.js';

// Each agency's subgraph on this machine, at its default port from the registry.
const DEFAULT_AGENCY_URLS = AGENCIES.map((agency) => `${agency.code}=http://127.0.0.1:${agency.defaultPort}/graphql`).join(',');

function fail(message: string): never {
  console.error(`antq-stream: ${message}`);
  process.exit(1);
}

function parseAgencyUrls(text: string): Partial<Record<Agency, string>> {
  const urls: Partial<Record<Agency, string>> = {};
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const separator = entry.indexOf('=');
    const agency = entry.slice(0, separator).trim().toLowerCase();
    const url = entry.slice(separator + 1).trim();
    if (separator < 1 || !isAgencyCode(agency)) fail(`ANTQ_AGENCY_URLS: "${entry}" is not <agency>=<url> with an agency of ${AGENCY_CODES.join(', ')}.`);
    try {
      new URL(url);
    } catch {
      fail(`ANTQ_AGENCY_URLS: the URL of ${agency} ("${url}") is not an absolute URL.`);
    }
    urls[agency] = url;
  }
  if (Object.keys(urls).length === 0) fail('ANTQ_AGENCY_URLS names no agency.');
  return urls;
}

const env = process.env;
const signingKey = env.ANTQ_SIGNING_KEY || fail('ANTQ_SIGNING_KEY is not set: set it to the secret the stream shares with the gateway and the agency subgraphs.');
const port = Number(env.PORT ?? 4005);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`PORT "${env.PORT}" is not a port number.`);
const logLevel = (env.LOG_LEVEL as LevelWithSilent | undefined) ?? 'info';
const agencies = parseAgencyUrls(env.ANTQ_AGENCY_URLS ?? DEFAULT_AGENCY_URLS);
const instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

let bus: ChangeBus | undefined;
if (env.NATS_URL) {
  bus = await createNatsBus({
    servers: env.NATS_URL,
    ...(env.NATS_STREAM ? { stream: env.NATS_STREAM } : {}),
    ...(env.NATS_SUBJECT_PREFIX ? { subjectPrefix: env.NATS_SUBJECT_PREFIX } : {}),
    name: `antq-stream ${instance}`,
    onError: (error) => {
      if (logLevel !== 'silent') console.warn(`antq-stream: NATS: ${(error as Error).message ?? String(error)}`);
    },
  }).catch((error: unknown) => fail(`cannot use NATS JetStream at ${env.NATS_URL}: ${(error as Error).message}`));
}

const stream: StreamSubgraph = await createStreamSubgraph({
  agencies,
  signingKey,
  port,
  host: env.HOST ?? '127.0.0.1',
  storage: storageFromEnv(env, { agency: 'stream' }),
  logLevel,
  ...(bus ? { bus } : {}),
  webhookLease: { owner: instance },
}).catch(async (error: unknown) => {
  await bus?.close().catch(() => undefined);
  const code = (error as NodeJS.ErrnoException).code;
  return fail(`${(error as Error).message}${code === 'EADDRINUSE' ? ` — port ${port} is taken: set PORT to another.` : ''}`);
});

console.log(`stream subgraph listening on ${stream.url}${bus ? ` (fan-out through NATS JetStream at ${env.NATS_URL})` : ''}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    // Closing the server stops the webhook workers (giving their leases up), then the hub and its bus.
    void stream.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`antq-stream: unclean shutdown: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  });
}
