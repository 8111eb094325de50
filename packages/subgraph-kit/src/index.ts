/**
 * @antq/subgraph-kit — what every agency subgraph of ANTQ Graph shares: the server bootstrap,
 * gateway-signed caller identity, storage on PGlite or PostgreSQL with migrations, the change
 * outbox, the shared records (models, forces, observations) with their loaders, and errors.
 */

// Starting an agency's subgraph.
export { createAgencySubgraph, type AgencyDefinition, type AgencySubgraph, type AgencySubgraphOptions, type ExampleDataTarget } from './agency-subgraph.js';
export { runAgencySubgraphMain } from './run-agency-subgraph-main.js';
export { retryUntilDone, type RetryOptions } from './process/retry.js';
export { ConfigError, envFlag, envLogLevel, envPort, envRequired, readConfig } from './process/config.js';
export { handleShutdownSignals, type GracefulShutdownOptions, type ShutdownStep } from './process/shutdown.js';
export {
  createSubgraphLogger,
  createSubgraphServer,
  GRAPHQL_PATH,
  SubgraphConfigError,
  type SubgraphServer,
  type SubgraphServerOptions,
  type SubgraphContext,
} from './server/index.js';
export { antqScalars, DateScalar, DateTimeScalar, VndScalar } from './server/index.js';

// Caller identity: only requests the gateway signed get in.
export {
  Clearance,
  NATIONAL_JURISDICTION,
  JWT_EXTENSION,
  SIGNATURE_EXTENSION,
  createMemoryNonceStore,
  createSqlNonceStore,
  deriveSubgraphKey,
  requestNonceMigrations,
  parseCallerClaims,
  requireCaller,
  signExecutionRequest,
  signRequestParams,
  type Caller,
  type CallerClaims,
  type NonceStore,
  type RequestSignature,
  type SignableExecutionRequest,
} from './identity/index.js';

// Storage, migrations and the change outbox.
export {
  createStorage,
  openPgliteStorage,
  runMigrations,
  storageFromEnv,
  StorageConfigError,
  type Migration,
  type SqlExecutor,
  type StatementOptions,
  type Storage,
  type StorageOptions,
} from './storage/index.js';
export { appendChange, CHANGE_KINDS, latestSeq, outboxMigrations, readChanges, type Change, type ChangeKind, type StoredChange } from './outbox/index.js';
export { changeCursor, createChangeSubscriptionResolvers, type ChangeEvent, type ChangeSubscriptionOptions } from './outbox/index.js';
export { createAgencyFeed, firstChangedSeq, isSameChange, readOutboxHeads, type AgencyFeed, type ChangeBatch, type StreamChange } from './outbox/index.js';

// The records every agency keeps, for services that add their own.
export { agencyRecordMigrations } from './records/record-migrations.js';
export { loadAgencyDataset, DATASET_AUTHOR, type AgencyDataset } from './records/agency-dataset.js';
export { type AgencyContext } from './records/agency-resolvers.js';
export { buildAgencyContract, buildPlatformContract } from './subgraph-contract.js';
// The internal values of the schema's enums (the SDK's codes), for a subgraph that declares them.
export { SCHEMA_ENUM_VALUES } from './records/schema-enums.js';
export { createAreaScopes, type AreaScopes, type ListScope } from './records/area-scope.js';
export { OUTBOX_HEAD_HEADER, READ_SCOPE_HEADER, parseReadScope, type ReadScope, type ReadScopeValue } from './records/read-scope.js';
export { requireWriter, WRITER_ROLES } from './records/write-access.js';
export {
  IDEMPOTENCY_KEY_EXTENSION,
  IDEMPOTENCY_KEY_TTL_HOURS,
  idempotentWriteMigrations,
  parseIdempotencyKey,
  writeOnce,
  type IdempotentWrite,
  type IdempotentWriteContext,
} from './records/idempotent-writes.js';
export { checkPageSize, decodeCursor, encodeCursor, listSource, scopePairs, toPage, MAX_PAGE_SIZE, type Page, type PageCursor, type ScopeBounds } from './records/page.js';

// Field classification and data-sharing grants.
export { enforceFieldClassification, isActiveGrant, mayReadChange, type AccessGrant, type ClassifiedContext } from './access/index.js';

export { createGrantDirectory, type GrantDirectory, type GrantInForce } from './access/grant-directory.js';
export { postSignedSystemRequest } from './identity/system-request.js';
