import { readFileSync } from 'node:fs';
import { AntqError, ErrorCode, encodeStreamCursor, readStreamCursor, type Agency } from '@antq/sdk';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import {
  buildPlatformContract,
  createSqlNonceStore,
  createAgencyFeed,
  createAreaScopes,
  createGrantDirectory,
  createSubgraphLogger,
  createSubgraphServer,
  enforceFieldClassification,
  SCHEMA_ENUM_VALUES,
  type Caller,
  type Storage,
  type StorageOptions,
  type SubgraphServer,
} from '@antq/subgraph-kit';
import type { LevelWithSilent, Logger } from 'pino';
import { OutboxRewoundError, startChangeHub, type ChangeBus, type ChangeHub } from './change-hub.js';
import { followChanges, readChangeFilter, refuseUnfollowableCursor, toStreamEvent } from './follow-changes.js';
import { startWebhooks, type WebhookDestinationOptions, type WebhookLeaseOptions, type WebhookService } from './webhooks/index.js';
import type { Resolvers } from './generated/resolver-types.js';

// The stream's contract is in this package; the kit adds the registry's Agency enum.
const typeDefs = buildPlatformContract(readFileSync(new URL('../schema/stream.graphql', import.meta.url), 'utf8'));

export interface StreamSubgraphOptions {
  /** Subgraph URL of each agency whose changes the stream carries. */
  readonly agencies: Partial<Record<Agency, string>>;
  /** The secret shared with the gateway: signs the stream's reads and checks the gateway's requests. */
  readonly signingKey: string;
  readonly port?: number;
  readonly host?: string;
  readonly registry?: AreaRegistry;
  /** Fan-out between stream instances (NATS JetStream); default: this process only. */
  readonly bus?: ChangeBus;
  readonly logLevel?: LevelWithSilent;
  /** Where its log lines go; default the kit's subgraph logger at `logLevel`. */
  readonly logger?: Logger;
  /** The webhooks' own store (not an agency's); default PGlite in memory. A Storage given is not closed. */
  readonly storage?: Storage | StorageOptions;
  /** Webhook leases, when several instances share the webhooks' store (defaults: 30 s lease, renewed every 10 s). */
  readonly webhookLease?: WebhookLeaseOptions;
  /** Internal networks webhooks may deliver to; default none, public addresses only (see `webhook-destinations.ts`). */
  readonly webhookDestinations?: WebhookDestinationOptions;
  /** Active webhooks an agency may hold at once (default 100). */
  readonly webhooksPerAgency?: number;
  /** Active webhooks one caller who is not an admin may register (default 10). */
  readonly webhooksPerCaller?: number;
  /** How many days the webhooks' delivery log keeps an attempt (default 90). */
  readonly webhookLogDays?: number;
}

export interface StreamSubgraph extends SubgraphServer {
  readonly hub: ChangeHub;
  /** The SDL it serves, for composing a supergraph with it. */
  readonly sdl: string;
}

/** Dòng thay đổi — the change stream as a subgraph of the graph. */
export async function createStreamSubgraph(options: StreamSubgraphOptions): Promise<StreamSubgraph> {
  const registry = options.registry ?? (await loadAreaRegistry());
  const scopes = createAreaScopes(registry);
  const feeds = (Object.entries(options.agencies) as [Agency, string][]).map(([agency, url]) => createAgencyFeed({ agency, url, signingKey: options.signingKey }));
  const grants = createGrantDirectory({ owners: options.agencies, signingKey: options.signingKey });
  const log = options.logger ?? createSubgraphLogger({ name: 'stream', ...(options.logLevel === undefined ? {} : { level: options.logLevel }) });
  // The webhooks start on the hub: an outbox that goes back meanwhile is theirs to hear of once they run.
  const started: { webhooks?: WebhookService } = {};
  const hub = await startChangeHub({
    feeds,
    ...(options.bus ? { bus: options.bus } : {}),
    // An outbox read that failed is retried with backoff; one that went back is followed again from what it kept.
    onError: (agency, error) =>
      error instanceof OutboxRewoundError ? log.error({ agency }, error.message) : log.warn({ agency, err: error }, `the ${agency}'s outbox could not be read; retrying`),
    onRewound: async (rewind) => started.webhooks?.removePastRewind(rewind),
  });
  const webhooks = await startWebhooks({
    hub,
    onError: (webhookId, error) => log.warn({ webhookId, err: error }, 'a webhook worker failed; it goes on'),
    registry,
    scopes,
    grantsFor: (agency) => grants.grantsFor(agency),
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.webhookLease ? { lease: options.webhookLease } : {}),
    ...(options.webhookDestinations ? { destinations: options.webhookDestinations } : {}),
    ...(options.webhooksPerAgency ? { maxActivePerAgency: options.webhooksPerAgency } : {}),
    ...(options.webhooksPerCaller ? { maxActivePerCaller: options.webhooksPerCaller } : {}),
    ...(options.webhookLogDays ? { deliveryLogDays: options.webhookLogDays } : {}),
  }).catch(async (error: unknown) => {
    await hub.close();
    throw error;
  });
  started.webhooks = webhooks;

  const requireCaller = (caller: Caller | undefined): Caller => {
    if (!caller) throw new AntqError(ErrorCode.UNAUTHENTICATED, 'The change stream needs a signed-in caller. Send a bearer token.');
    return caller;
  };

  const resolvers = {
    ...webhooks.resolvers,
    // Agency values are the SDK's codes inside, the enum's names outside (police ↔ POLICE).
    Agency: SCHEMA_ENUM_VALUES.Agency,
    Query: {
      ...webhooks.resolvers.Query,
      changesCursor: async (_, __, ctx) => {
        requireCaller(ctx.caller);
        const now = await hub.now();
        return encodeStreamCursor(now.position, now.marks);
      },
    },
    Subscription: {
      changes: {
        subscribe: async (_, args, ctx) => {
          const reader = requireCaller(ctx.caller);
          const after = args.after ? readStreamCursor(args.after) : { position: {}, marks: {} };
          const filter = readChangeFilter(registry, args.filter);
          await refuseUnfollowableCursor(hub, after);
          const stop = new AbortController();
          const events = followChanges({ hub, after, filter, reader, scopes, grantsFor: (agency) => grants.grantsFor(agency), signal: stop.signal });
          const iterator: AsyncIterableIterator<{ changes: ReturnType<typeof toStreamEvent> }> = {
            [Symbol.asyncIterator]: () => iterator,
            next: () =>
              events
                .next()
                .then((next) => (next.done ? { done: true, value: undefined } : { done: false, value: { changes: toStreamEvent(next.value.change, next.value.cursor) } })),
            return: async () => {
              stop.abort();
              await events.return(undefined);
              return { done: true, value: undefined };
            },
          };
          return iterator;
        },
      },
    },
  } satisfies Resolvers;

  const server = await createSubgraphServer({
    agency: 'stream',
    typeDefs,
    resolvers: resolvers as never,
    signingKey: options.signingKey,
    ...(webhooks.store.storage.kind === 'postgres' ? { nonces: createSqlNonceStore(webhooks.store.storage) } : {}),
    subscription: true,
    transformSchema: (schema) => void enforceFieldClassification(schema),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    logger: log,
    // Last first: the webhook workers stop before the hub they follow.
    onClose: [() => hub.close(), () => webhooks.close()],
  });
  return Object.assign(server, { hub, sdl: typeDefs });
}
