export {
  createSubgraphServer,
  GRAPHQL_PATH,
  SubgraphConfigError,
  type ContextInput,
  type SubgraphContext,
  type SubgraphContextBase,
  type SubgraphServer,
  type SubgraphServerOptions,
  type SubgraphSubscriptionOptions,
} from './create-subgraph-server.js';
export { createSubgraphLogger } from './subgraph-logger.js';
export { createErrorFormatter, type ErrorFormatterOptions, type MercuriusErrorFormatter } from './error-formatter.js';
export { antqScalars, attachScalarResolvers, DateScalar, DateTimeScalar, VndScalar, type SubgraphResolvers } from './scalars.js';
