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
//   ANTQ_WEBHOOK_ALLOWED_NETWORKS   internal networks webhooks may deliver to, e.g. 10.20.0.0/16,192.168.5.7
//                        (default none: loopback, private, link-local … addresses are refused)
//   ANTQ_WEBHOOKS_PER_AGENCY   active webhooks an agency may hold at once (default 100)
//   ANTQ_WEBHOOKS_PER_CALLER   active webhooks one caller who is not an admin may register (default 10)
//   ANTQ_WEBHOOK_LOG_DAYS      days the webhooks' delivery log keeps an attempt (default 90)
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AGENCIES, AGENCY_CODES, isAgencyCode, type Agency } from '@antq/sdk';
import { envLogLevel, envPort, envRequired, handleShutdownSignals, readConfig, storageFromEnv } from '@antq/subgraph-kit';
import { z } from 'zod';
import type { ChangeBus } from './change-hub.js';
import { createNatsBus } from './nats-bus.js';
import { createStreamSubgraph, type StreamSubgraph } from './stream-subgraph.js';
import { ALLOWED_NETWORKS_ENV, parseAllowedNetworks } from './webhooks/webhook-destinations.js';

// Each agency's subgraph on this machine, at its default port from the registry.
const DEFAULT_AGENCY_URLS = AGENCIES.map((agency) => `${agency.code}=http://127.0.0.1:${agency.defaultPort}/graphql`).join(',');

const webhookCount = (byDefault: number) =>
  z.coerce.number({ error: 'must be a whole number of webhooks, 1 or more' }).int('must be a whole number of webhooks, 1 or more').min(1, 'must be 1 or more').default(byDefault);

function fail(message: string): never {
  console.error(`antq-stream: ${message}`);
  process.exit(1);
}

/** `police=http://…,front=…` as agency → URL; each entry checked. */
function parseAgencyUrls(text: string, context: z.RefinementCtx): Partial<Record<Agency, string>> {
  const urls: Partial<Record<Agency, string>> = {};
  const problem = (message: string) => context.addIssue({ code: 'custom', message });
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf('=');
    const agency = entry.slice(0, separator).trim().toLowerCase();
    const url = entry.slice(separator + 1).trim();
    if (separator < 1 || !isAgencyCode(agency)) {
      problem(`"${entry}" is not <agency>=<url> with an agency of ${AGENCY_CODES.join(', ')}.`);
      continue;
    }
    if (!URL.canParse(url)) problem(`the URL of ${agency} ("${url}") is not an absolute URL.`);
    urls[agency] = url;
  }
  if (Object.keys(urls).length === 0) problem('names no agency.');
  return urls;
}

const config = (() => {
  try {
    return readConfig(
      z.object({
        ANTQ_SIGNING_KEY: envRequired('is not set: set it to the secret the stream shares with the gateway and the agency subgraphs.'),
        PORT: envPort(4005),
        HOST: z.string().default('127.0.0.1'),
        LOG_LEVEL: envLogLevel(),
        ANTQ_AGENCY_URLS: z.string().default(DEFAULT_AGENCY_URLS).transform(parseAgencyUrls),
        NATS_URL: z.string().optional(),
        NATS_STREAM: z.string().optional(),
        NATS_SUBJECT_PREFIX: z.string().optional(),
        ANTQ_WEBHOOKS_PER_AGENCY: webhookCount(100),
        ANTQ_WEBHOOKS_PER_CALLER: webhookCount(10),
        ANTQ_WEBHOOK_LOG_DAYS: z.coerce.number({ error: 'must be a number of days, more than 0' }).positive('must be a number of days, more than 0').default(90),
      }),
    );
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const { PORT: port, LOG_LEVEL: logLevel } = config;
const allowedNetworks = (() => {
  try {
    return parseAllowedNetworks(process.env[ALLOWED_NETWORKS_ENV]);
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

let bus: ChangeBus | undefined;
if (config.NATS_URL) {
  bus = await createNatsBus({
    servers: config.NATS_URL,
    ...(config.NATS_STREAM ? { stream: config.NATS_STREAM } : {}),
    ...(config.NATS_SUBJECT_PREFIX ? { subjectPrefix: config.NATS_SUBJECT_PREFIX } : {}),
    name: `antq-stream ${instance}`,
    onError: (error) => {
      if (logLevel !== 'silent') console.warn(`antq-stream: NATS: ${(error as Error).message ?? String(error)}`);
    },
  }).catch((error: unknown) => fail(`cannot use NATS JetStream at ${config.NATS_URL}: ${(error as Error).message}`));
}

const stream: StreamSubgraph = await createStreamSubgraph({
  agencies: config.ANTQ_AGENCY_URLS,
  signingKey: config.ANTQ_SIGNING_KEY,
  port,
  host: config.HOST,
  storage: storageFromEnv(process.env, { agency: 'stream' }),
  logLevel,
  ...(bus ? { bus } : {}),
  webhookLease: { owner: instance },
  webhookDestinations: { allowedNetworks },
  webhooksPerAgency: config.ANTQ_WEBHOOKS_PER_AGENCY,
  webhooksPerCaller: config.ANTQ_WEBHOOKS_PER_CALLER,
  webhookLogDays: config.ANTQ_WEBHOOK_LOG_DAYS,
}).catch(async (error: unknown) => {
  await bus?.close().catch(() => undefined);
  const code = (error as NodeJS.ErrnoException).code;
  return fail(`${(error as Error).message}${code === 'EADDRINUSE' ? ` — port ${port} is taken: set PORT to another.` : ''}`);
});

console.log(`stream subgraph listening on ${stream.url}${bus ? ` (fan-out through NATS JetStream at ${config.NATS_URL})` : ''}`);

// Closing the server stops the webhook workers (giving their leases up), then the hub and its bus.
handleShutdownSignals({ program: 'antq-stream', steps: [{ name: 'the stream subgraph', close: () => stream.close() }] });
