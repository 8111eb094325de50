import { AGENCIES, type Agency } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import type { AccessGrant } from '../access/access-grants.js';
import type { Caller } from '../identity/index.js';
import type { Storage } from '../storage/index.js';
import type { AreaScopes } from './area-scope.js';
import type { RecordLoaders } from './record-loaders.js';
import type { ReadScope } from './read-scope.js';

/** Type-name prefix of each agency's own types (PoliceModel, FrontForce …), from the SDK's registry. */
export const AGENCY_TYPE_PREFIX: Readonly<Record<Agency, string>> = Object.fromEntries(AGENCIES.map((agency) => [agency.code, agency.typePrefix])) as Record<Agency, string>;

/** What every resolver of an agency subgraph receives. */
export interface AgencyContext {
  readonly agency: Agency;
  readonly caller: Caller | undefined;
  readonly storage: Storage;
  readonly registry: AreaRegistry;
  readonly scopes: AreaScopes;
  readonly loaders: RecordLoaders;
  /** What this request read, by kind of record and area (the loaders note it): see `read-scope.ts`. */
  readonly reads: ReadScope;
  /** The data-sharing grants now in force for the caller's agency (another agency's caller only). */
  readonly accessGrants: () => Promise<readonly AccessGrant[]>;
  /** The request's Idempotency-Key (forwarded in `extensions.idempotencyKey`): see `writeOnce`. */
  readonly idempotencyKey?: string | undefined;
}

export interface AgencyResolverOptions {
  readonly agency: Agency;
  readonly registry: AreaRegistry;
  readonly scopes: AreaScopes;
}

/** A resolver's arguments, and a parent object, as the shared resolvers read them. */
export type Args = Record<string, unknown>;
export type Parent = Record<string, unknown>;
