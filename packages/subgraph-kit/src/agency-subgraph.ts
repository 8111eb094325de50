import { mergeResolvers } from '@graphql-tools/merge';
import type { IResolvers } from '@graphql-tools/utils';
import { requireAgency, type Agency } from '@antq/sdk';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import type { LevelWithSilent } from 'pino';
import { createSubgraphServer, type SubgraphServer } from './server/index.js';
import { buildAgencyContract } from './subgraph-contract.js';
import { createStorage, runMigrations, type Migration, type Storage, type StorageOptions } from './storage/index.js';
import { createChangeSignal, createChangeSubscriptionResolvers, outboxMigrations } from './outbox/index.js';
import { agencyRecordMigrations } from './records/record-migrations.js';
import { idempotentWriteMigrations } from './records/idempotent-writes.js';
import { createAgencyResolvers, type AgencyContext } from './records/agency-resolvers.js';
import { forAgency, type TemplateResolvers } from './records/agency-names.js';
import { createAreaScopes, type AreaScopes } from './records/area-scope.js';
import { createRecordLoaders } from './records/record-loaders.js';
import { createReadScope, formatReadScope, markingWrites, OUTBOX_HEAD_HEADER, READ_SCOPE_HEADER, readingEverything, type ReadScope } from './records/read-scope.js';
import { latestSeq } from './outbox/change-outbox.js';
import { createChangesAfterResolver } from './outbox/changes-after.js';
import { createSqlNonceStore, requestNonceMigrations } from './identity/sql-nonce-store.js';
import { accessGrantMigrations, createAccessGrantResolvers, createAccessGrantStore, enforceFieldClassification, type AccessGrant } from './access/index.js';

/** What makes one agency's subgraph: its contract, its own tables and resolvers, its data. */
export interface AgencyDefinition<TExtra extends object = Record<never, never>> {
  readonly agency: Agency;
  /**
   * The agency's own part of its contract (`services/<agency>/schema/<agency>.graphql`): its own types and
   * the fields it adds to its records; the shared contract and its names come from the kit and the registry.
   */
  readonly typeDefs?: string;
  /** The agency's own migrations, numbered from 100. */
  readonly migrations?: readonly Migration[];
  /** Resolvers beyond the shared ones; merged field by field over them. */
  readonly resolvers?: Record<string, unknown>;
  /** Adds agency-specific loaders or services to each request's context. */
  readonly context?: (base: AgencyContext) => TExtra;
  /** Loads the example dataset; must be idempotent. */
  readonly loadExampleData?: (target: ExampleDataTarget) => Promise<unknown>;
}

/** Where example data is written: straight into the store, as the owning agency. */
export interface ExampleDataTarget {
  readonly storage: Storage;
  readonly registry: AreaRegistry;
  readonly scopes: AreaScopes;
}

export interface AgencySubgraphOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Secret shared with the gateway; requests not signed with it are refused. */
  readonly signingKey?: string;
  /** The replay window: how old a gateway signature may be, in seconds (default 30). */
  readonly signatureMaxAgeSeconds?: number;
  /** Accept unsigned requests — local development only, with a loud warning. */
  readonly allowUnsigned?: boolean;
  /** A store the caller owns, or options to open one (default: PGlite in memory). */
  readonly storage?: Storage | StorageOptions;
  /** Share one registry between subgraphs of one process. */
  readonly registry?: AreaRegistry;
  /** Load the agency's example dataset on start. */
  readonly exampleData?: boolean;
  readonly logLevel?: LevelWithSilent;
}

export interface AgencySubgraph extends SubgraphServer {
  readonly storage: Storage;
  readonly agency: Agency;
  /** The SDL it serves, for composing a supergraph with it. */
  readonly sdl: string;
}

/** The shared resolvers read through the loaders, which note their scopes; the others may read anything. */
function composeResolvers(shared: object, others: readonly object[]) {
  return markingWrites(
    mergeResolvers([shared as IResolvers, ...others.map((resolvers) => readingEverything(resolvers as Record<string, unknown>) as IResolvers)]) as Record<string, unknown>,
  );
}

/** What a request read, for the gateway's response cache; a write's outbox head, so the gateway can wait to hear it. */
async function readScopeHeaders(reads: ReadScope | undefined, storage: Storage): Promise<Record<string, string> | undefined> {
  if (!reads) return undefined;
  const headers: Record<string, string> = { [READ_SCOPE_HEADER]: formatReadScope(reads.value()) };
  if (reads.wrote) headers[OUTBOX_HEAD_HEADER] = String(await latestSeq(storage));
  return headers;
}

function isStorage(value: Storage | StorageOptions | undefined): value is Storage {
  return typeof value === 'object' && value !== null && 'transaction' in value;
}

/**
 * Starts one agency's subgraph: opens its store, runs the migrations, optionally loads the
 * example data, and serves the contract with the shared and the agency's own resolvers.
 */
export async function createAgencySubgraph<TExtra extends object>(definition: AgencyDefinition<TExtra>, options: AgencySubgraphOptions = {}): Promise<AgencySubgraph> {
  const ownsStorage = !isStorage(options.storage);
  const storage = isStorage(options.storage) ? options.storage : await createStorage(options.storage ?? { kind: 'pglite' });
  try {
    await runMigrations(storage, [
      ...outboxMigrations,
      ...agencyRecordMigrations,
      ...accessGrantMigrations,
      ...idempotentWriteMigrations,
      ...requestNonceMigrations,
      ...(definition.migrations ?? []),
    ]);
    const registry = options.registry ?? (await loadAreaRegistry());
    const scopes = createAreaScopes(registry);
    if (options.exampleData) await definition.loadExampleData?.({ storage, registry, scopes });

    const readScopes = new WeakMap<object, ReadScope>();
    const shared = createAgencyResolvers({ agency: definition.agency, registry, scopes });
    const grantStore = createAccessGrantStore(definition.agency);
    const grants = createAccessGrantResolvers(definition.agency, grantStore);
    // Long polls and subscriptions wait on the store's change notices: at rest, nothing reads.
    const changeSignal = await createChangeSignal(storage);
    const changes = createChangeSubscriptionResolvers({ agency: definition.agency, changes: changeSignal });
    let closing = false;
    // Long polls still reading when the subgraph closes: the close waits for them, so none reads a closed store.
    const longPolls = new Set<Promise<unknown>>();
    const readChangesAfter = createChangesAfterResolver(
      definition.agency,
      () => storage,
      () => closing,
      changeSignal,
    );
    const changesAfter = {
      Query: {
        _templateChangesAfter: (...args: Parameters<typeof readChangesAfter>) => {
          const poll = readChangesAfter(...args);
          longPolls.add(poll);
          void poll.then(
            () => longPolls.delete(poll),
            () => longPolls.delete(poll),
          );
          return poll;
        },
      },
    } satisfies TemplateResolvers;
    const sdl = buildAgencyContract(definition.agency, definition.typeDefs);
    const server = await createSubgraphServer<AgencyContext & TExtra>({
      agency: definition.agency,
      typeDefs: sdl,
      resolvers: composeResolvers(shared, [grants, changes, forAgency(changesAfter, requireAgency(definition.agency)), definition.resolvers ?? {}]) as never,
      transformSchema: (schema) => void enforceFieldClassification(schema),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.signingKey === undefined ? {} : { signingKey: options.signingKey }),
      // Replicas of a subgraph share its PostgreSQL database, so they share the replay window there.
      ...(storage.kind === 'postgres' ? { nonces: createSqlNonceStore(storage) } : {}),
      ...(options.signatureMaxAgeSeconds === undefined ? {} : { signatureMaxAgeSeconds: options.signatureMaxAgeSeconds }),
      ...(options.allowUnsigned === undefined ? {} : { allowUnsigned: options.allowUnsigned }),
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
      // `<agency>Changes` over the websocket at /graphql, gateway-signed like every request.
      subscription: true,
      context: ({ caller, request }) => {
        let accessGrants: Promise<AccessGrant[]> | undefined;
        const reads = createReadScope();
        readScopes.set(request, reads);
        const base: AgencyContext = {
          // Loaded at most once per request, and only when a restricted field is read by another agency.
          accessGrants: () =>
            (accessGrants ??= caller && caller.agency !== definition.agency ? grantStore.list(storage, { grantee: caller.agency, activeOnly: true }) : Promise.resolve([])),
          agency: definition.agency,
          caller,
          storage,
          registry,
          scopes,
          loaders: createRecordLoaders({ db: storage, agency: definition.agency, registry, scopeOf: scopes.scopeOf, versionScopeOf: scopes.versionScopeOf, reads }),
          reads,
        };
        return { ...base, ...(definition.context?.(base) ?? ({} as TExtra)) } as AgencyContext & TExtra;
      },
      responseHeaders: (request) => readScopeHeaders(readScopes.get(request), storage),
      ready: () => storage.query('SELECT 1'),
      onClose: ownsStorage ? [() => storage.close()] : [],
    });
    // Long polls of the change stream end at once instead of holding the shutdown.
    const closeServer = server.close;
    const close = async () => {
      closing = true;
      await changeSignal.close();
      await Promise.allSettled([...longPolls]);
      await closeServer();
    };
    return Object.assign(server, { storage, agency: definition.agency, sdl, close, [Symbol.asyncDispose]: close });
  } catch (error) {
    if (ownsStorage) await storage.close();
    throw error;
  }
}
