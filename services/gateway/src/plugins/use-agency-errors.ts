import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { ExecutionResult } from 'graphql';
import { isAgencySubgraph, isPromise, namedFor, withCodes } from '../agency-errors.js';

/**
 * Every error leaves the gateway with an `extensions.code` from the SDK's map. Subgraph errors
 * keep theirs and gain the agency they came from; a subgraph that did not answer becomes
 * DOWNSTREAM_SERVICE_ERROR naming the agency, so a caller knows whose fields are missing while
 * the rest of the answer stands. Runs on the final result, so errors raised before execution
 * (token checks, variable coercion) are covered too.
 */
export function useAgencyErrors(): GatewayPlugin {
  return {
    // An error a subgraph call raises (a timeout, a refused connection) may not say which
    // subgraph it was: the call itself knows.
    onSubgraphExecute({ subgraphName, executor, setExecutor }) {
      if (!isAgencySubgraph(subgraphName)) return;
      setExecutor((request) => {
        try {
          const result = executor(request);
          return isPromise(result) ? result.catch((error: unknown) => Promise.reject(namedFor(error, subgraphName))) : result;
        } catch (error) {
          throw namedFor(error, subgraphName);
        }
      });
    },
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(withCodes));
      else if (result && !(Symbol.asyncIterator in result)) setResult(withCodes(result as ExecutionResult));
    },
  };
}
