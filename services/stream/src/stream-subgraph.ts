import { readFileSync } from 'node:fs';
import { AntqError, ErrorCode, decodeStreamCursor, encodeStreamCursor, isAgencyCode, type Agency, type StreamPosition } from '@antq/sdk';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import {
  buildPlatformContract,
  createSqlNonceStore,
  createAgencyFeed,
  createAreaScopes,
  createGrantDirectory,
  createSubgraphServer,
  enforceFieldClassification,
  mayReadChange,
  type AreaScopes,
  type Caller,
  type Storage,
  type StorageOptions,
  type StreamChange,
  type SubgraphServer,
} from '@antq/subgraph-kit';
import type { LevelWithSilent } from 'pino';
import { startChangeHub, type ChangeBus, type ChangeHub } from './change-hub.js';
import { startWebhooks, type WebhookLeaseOptions } from './webhooks/index.js';

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
  /** The webhooks' own store (not an agency's); default PGlite in memory. A Storage given is not closed. */
  readonly storage?: Storage | StorageOptions;
  /** Webhook leases, when several instances share the webhooks' store (defaults: 30 s lease, renewed every 10 s). */
  readonly webhookLease?: WebhookLeaseOptions;
}

export interface StreamSubgraph extends SubgraphServer {
  readonly hub: ChangeHub;
  /** The SDL it serves, for composing a supergraph with it. */
  readonly sdl: string;
}

/** What a subscriber asked for. */
export interface ChangeFilter {
  readonly area?: string;
  readonly agencies?: ReadonlySet<Agency>;
  readonly recordKinds?: ReadonlySet<string>;
  readonly changes?: ReadonlySet<string>;
}

export function readChangeFilter(registry: AreaRegistry, input: Record<string, unknown> | null | undefined): ChangeFilter {
  if (!input) return {};
  const list = (value: unknown) => (Array.isArray(value) && value.length > 0 ? new Set(value.map((item) => String(item).toLowerCase())) : undefined);
  const agencies = list(input.agencies);
  return {
    ...(typeof input.area === 'string' && input.area !== '' ? { area: registry.require(input.area).code } : {}),
    ...(agencies ? { agencies: new Set([...agencies].filter(isAgencyCode)) } : {}),
    ...(list(input.recordKinds) ? { recordKinds: list(input.recordKinds)! } : {}),
    ...(list(input.changes) ? { changes: list(input.changes)! } : {}),
  };
}

export function matchesFilter(filter: ChangeFilter, change: StreamChange, scopes: AreaScopes): boolean {
  return (
    (!filter.agencies || filter.agencies.has(change.agency)) &&
    (!filter.recordKinds || filter.recordKinds.has(change.recordKind)) &&
    (!filter.changes || filter.changes.has(change.change)) &&
    (!filter.area || (change.areaCode !== '' && scopes.covers(filter.area, change.areaCode)))
  );
}

/** The event a subscriber receives, with the cursor that resumes after it. */
export function toStreamEvent(change: StreamChange, cursor: string) {
  return {
    cursor,
    agency: change.agency.toUpperCase(),
    seq: change.seq,
    recordKind: change.recordKind,
    recordId: change.recordId,
    change: change.change,
    area: change.areaCode ? { code: change.areaCode } : null,
    occurredAt: change.occurredAt,
  };
}

/**
 * Follows the hub for one reader — a subscriber or a webhook — from a position, keeping the
 * position of everything seen (filtered out or not) in the cursor of each event it hands out.
 */
export async function* followChanges(input: {
  hub: ChangeHub;
  after: StreamPosition;
  filter: ChangeFilter;
  reader: Caller;
  scopes: AreaScopes;
  grantsFor: (agency: Agency) => Promise<readonly { owner: Agency; areaCode: string | null }[]>;
  signal: AbortSignal;
}): AsyncGenerator<{ change: StreamChange; cursor: string }> {
  const position: Record<string, number> = { ...input.hub.head(), ...input.after };
  for await (const change of input.hub.follow(input.after, input.signal)) {
    position[change.agency] = change.seq;
    if (!matchesFilter(input.filter, change, input.scopes)) continue;
    // Grants are read per event (cached briefly), so a revocation closes the stream too.
    if (!mayReadChange(input.reader, change, await input.grantsFor(input.reader.agency), input.scopes)) continue;
    yield { change, cursor: encodeStreamCursor(position) };
  }
}

/** Dòng thay đổi — the change stream as a subgraph of the graph. */
export async function createStreamSubgraph(options: StreamSubgraphOptions): Promise<StreamSubgraph> {
  const registry = options.registry ?? (await loadAreaRegistry());
  const scopes = createAreaScopes(registry);
  const feeds = (Object.entries(options.agencies) as [Agency, string][]).map(([agency, url]) => createAgencyFeed({ agency, url, signingKey: options.signingKey }));
  const grants = createGrantDirectory({ owners: options.agencies, signingKey: options.signingKey });
  const hub = await startChangeHub({ feeds, ...(options.bus ? { bus: options.bus } : {}) });
  const webhooks = await startWebhooks({
    hub,
    registry,
    scopes,
    grantsFor: (agency) => grants.grantsFor(agency),
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.webhookLease ? { lease: options.webhookLease } : {}),
  }).catch(async (error: unknown) => {
    await hub.close();
    throw error;
  });

  const requireCaller = (caller: Caller | undefined): Caller => {
    if (!caller) throw new AntqError(ErrorCode.UNAUTHENTICATED, 'The change stream needs a signed-in caller. Send a bearer token.');
    return caller;
  };

  const resolvers = {
    ...webhooks.resolvers,
    Subscription: {
      changes: {
        subscribe: async (_: unknown, args: { after?: string | null; filter?: Record<string, unknown> | null }, ctx: { caller: Caller | undefined }) => {
          const reader = requireCaller(ctx.caller);
          const after = args.after ? decodeStreamCursor(args.after) : {};
          const filter = readChangeFilter(registry, args.filter);
          const stop = new AbortController();
          const events = followChanges({ hub, after, filter, reader, scopes, grantsFor: (agency) => grants.grantsFor(agency), signal: stop.signal });
          const iterator: AsyncIterableIterator<{ changes: ReturnType<typeof toStreamEvent> }> = {
            [Symbol.asyncIterator]: () => iterator,
            next: async () => {
              const next = await events.next();
              return next.done ? { done: true, value: undefined } : { done: false, value: { changes: toStreamEvent(next.value.change, next.value.cursor) } };
            },
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
  };

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
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    // Last first: the webhook workers stop before the hub they follow.
    onClose: [() => hub.close(), () => webhooks.close()],
  });
  return Object.assign(server, { hub, sdl: typeDefs });
}
