export { createGateway, type Gateway, type GatewayOptions } from './gateway.js';
export { parseAllowedHosts } from './allowed-hosts.js';
export {
  AGENCY_SUBGRAPHS,
  GATEWAY_DEFAULT_PORT,
  GRAPH_SUBGRAPHS,
  STREAM_DEFAULT_PORT,
  composeSupergraph,
  embeddedSubgraphUrl,
  generatedSubgraphFile,
  type SubgraphSource,
} from './compose-supergraph.js';
export { loadSupergraph } from './supergraph-source.js';
export { DEFAULT_LIMITS, type OperationLimits } from './limits.js';
export { createDevelopmentIssuer, DEVELOPMENT_ISSUER, GRAPH_AUDIENCE, type CallerTokenClaims, type DevelopmentIssuer } from './identity/development-issuer.js';
export { useCallerIdentity } from './plugins/use-caller-identity.js';
export type { CallerIdentityOptions, TokenKeySource } from './identity/caller-identity-options.js';
export {
  auditMigrations,
  createAuditLog,
  verifyAuditChain,
  type AuditBreakKind,
  type AuditLogOptions,
  type ChainVerifyOptions,
  type AuditEntry,
  type AuditEntryInput,
  type AuditLog,
  type AuditRecordRef,
  type AuditVerification,
  type VerifyOptions,
} from './audit/audit-log.js';
export { auditKeyFrom, auditKeyFromEnv, loadOrCreateAuditKeyFile, type AuditKey } from './audit/audit-key.js';
export { ANCHOR_FILE, readCheckpoints, type AuditAnchorOptions, type AuditCheckpoint, type SignedCheckpoint } from './audit/audit-anchors.js';
export { auditLocationsIn } from './audit/audit-locations.js';
export { useAuditLog, type AuditPluginOptions } from './plugins/use-audit-log.js';
export { EXAMPLE_OPERATIONS, exampleGraphiQLTabs, type ExampleOperation } from './graphiql/example-operations.js';
export type { GraphiQLSettings } from './graphiql/graphiql-options.js';
export type { DashboardSettings } from './dashboard/serve-dashboard.js';
export type { TracingOptions } from './plugins/use-tracing.js';
export { useUpstreamSignature } from './plugins/use-upstream-signature.js';
