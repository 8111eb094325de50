import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { OperationAnalyser } from '../operation-analysis.js';
import type { ChangeWatch } from '../response-cache/change-watch.js';

/**
 * Tells the change watch of every write through this gateway, once it has been applied and
 * before its answer leaves: its readers (cached answers, grants) must not wait for the outbox.
 */
export function useChangeWatchWrites(options: { watch: ChangeWatch; analyse: OperationAnalyser }): GatewayPlugin {
  return {
    onExecute({ args }) {
      const analysis = options.analyse(args.schema, args.document, args.operationName);
      if (analysis?.operationType !== 'mutation') return undefined;
      return { onExecuteDone: () => options.watch.bump(analysis.fieldOwners) };
    },
  };
}
