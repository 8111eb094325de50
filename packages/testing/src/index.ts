export {
  callerClaims,
  postGraphQL,
  postSignedGraphQL,
  signSubgraphRequest,
  type SigningOptions,
  type CallerClaims,
  type GraphQLRequestBody,
  type GraphQLResponse,
  type GraphQLResponseError,
  type TestCaller,
} from './signed-request.js';
export { openSubscriptionSocket, type SocketMessage, type SubscriptionSocket } from './subscription-socket.js';
export { ADMIN_POSTGRES_URL, createTestDatabase, forEachStorageDriver, storageDrivers, type StorageDriver } from './storage-drivers.js';
export { countingStorage, recordStatements } from './counting-storage.js';
export { canonicalSdl, defineSubgraphConformance, type SubgraphConformanceOptions } from './subgraph-conformance.js';
export { datasetItems, expectOwnedBy, expectReadableIds, expectSeedFigures, expectSources, loadAreas, loadTwice, type AnyRecord, type AreaSet } from './dataset-checks.js';
export { SEED_AREAS, SEED_DATES, SEED_FIGURES, seedObservationDataset, type SeedFigure, type SeedFile } from './seed-facts.js';
export { seededRandom } from './seeded-random.js';
export { packWorkspaces, repoRoot, runNpm, userEnv, type PackedPackage } from './npm-pack.js';
