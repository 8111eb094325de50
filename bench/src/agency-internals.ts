/**
 * What one agency's subgraph is made of, for the benchmark's servers that are not the kit's
 * mercurius server: the monolith (monolith.ts) and the `@apollo/server` subgraphs of the
 * `apollo-stack` target (apollo-subgraph.ts).
 *
 * The kit does not export an agency's shared resolvers, record loaders, grants, change-feed
 * resolvers or the way it admits a gateway request, and the police do not export their
 * designation resolvers; this file reaches them by relative source path, once, and repeats the
 * per-request context of `createAgencySubgraph` (packages/subgraph-kit/src/agency-subgraph.ts).
 * Nothing in the kit or the services changes. If those internals move, this is the file to
 * update (or the kit could export a "definition → resolvers + context" step).
 */
import type { Agency } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import { createChangeSubscriptionResolvers, type AreaScopes, type Caller, type Storage } from '@antq/subgraph-kit';
// Kit and police internals (see above).
import { createAgencyResolvers } from '../../packages/subgraph-kit/src/records/agency-resolvers.js';
import { createRecordLoaders } from '../../packages/subgraph-kit/src/records/record-loaders.js';
import { createAccessGrantResolvers, createAccessGrantStore, enforceFieldClassification } from '../../packages/subgraph-kit/src/access/index.js';
import { createChangesAfterResolver } from '../../packages/subgraph-kit/src/outbox/changes-after.js';
import { createGatewayRequestVerifier, type GatewayRequestVerdict } from '../../packages/subgraph-kit/src/identity/gateway-request.js';
import type { GraphQLRequestParams } from '../../packages/subgraph-kit/src/identity/gateway-signature.js';
import { attachScalarResolvers } from '../../packages/subgraph-kit/src/server/scalars.js';
import { toSafeGraphQLError } from '../../packages/subgraph-kit/src/errors.js';
import { createDesignationLoaders, createDesignationResolvers } from '../../services/police/src/designations/designation-resolvers.js';

export { attachScalarResolvers, createGatewayRequestVerifier, enforceFieldClassification, toSafeGraphQLError, type GatewayRequestVerdict, type GraphQLRequestParams };

export type ResolverMap = Record<string, Record<string, unknown>>;

/** Resolver maps merged type by type, field by field, later maps over earlier ones (as `mergeResolvers` does for these maps). */
export function mergeResolverMaps(maps: readonly ResolverMap[]): ResolverMap {
  const merged: ResolverMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      // A scalar (GraphQLScalarType) or anything else that is not a plain field map replaces.
      merged[type] = fields.constructor === Object ? { ...merged[type], ...fields } : fields;
    }
  }
  return merged;
}

export interface AgencyResolverInput {
  readonly agency: Agency;
  readonly registry: AreaRegistry;
  readonly scopes: AreaScopes;
  /**
   * Also the change feed (`<agency>Changes` and `_<agency>ChangesAfter`), as the agency's own
   * subgraph serves it; the monolith leaves it out.
   */
  readonly changeFeed?: { readonly storage: Storage; readonly closing: () => boolean };
}

/**
 * An agency's resolvers as `createAgencySubgraph` merges them: the kit's shared records, the
 * grants, (the change feed,) and the agency's own (the police's designations).
 */
export function agencyResolvers(input: AgencyResolverInput): ResolverMap {
  const { agency, registry, scopes, changeFeed } = input;
  return mergeResolverMaps([
    createAgencyResolvers({ agency, registry, scopes }) as unknown as ResolverMap,
    createAccessGrantResolvers(agency, createAccessGrantStore(agency)) as unknown as ResolverMap,
    ...(changeFeed
      ? [
          createChangeSubscriptionResolvers({ agency }) as unknown as ResolverMap,
          { Query: { [`_${agency}ChangesAfter`]: createChangesAfterResolver(agency, () => changeFeed.storage, changeFeed.closing) } },
        ]
      : []),
    ...(agency === 'police' ? [createDesignationResolvers() as unknown as ResolverMap] : []),
  ]);
}

/**
 * The per-request context of one agency's resolvers, as `createAgencySubgraph` and the kit's
 * server make it: the shared base (grants loaded at most once, and only for another agency's
 * caller; fresh record loaders), the agency's own part (the police's designation loaders), and
 * the server's `agency`, `caller` and `log` over it.
 */
export function agencyContextFactory(input: { readonly agency: Agency; readonly storage: Storage; readonly registry: AreaRegistry; readonly scopes: AreaScopes }) {
  const { agency, storage, registry, scopes } = input;
  const grantStore = createAccessGrantStore(agency);
  return (caller: Caller | undefined, log: unknown): Record<string, unknown> => {
    let accessGrants: Promise<unknown[]> | undefined;
    const base: Record<string, unknown> = {
      accessGrants: () => (accessGrants ??= caller && caller.agency !== agency ? grantStore.list(storage, { grantee: caller.agency, activeOnly: true }) : Promise.resolve([])),
      agency,
      caller,
      storage,
      registry,
      scopes,
      loaders: createRecordLoaders({ db: storage, agency, registry, scopeOf: scopes.scopeOf }),
    };
    const own = agency === 'police' ? { designations: createDesignationLoaders(storage) } : {};
    return { ...base, ...own, agency, caller, log };
  };
}
