import { ErrorCode } from '@antq/sdk';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';

/** Subgraph names are agency codes: the supergraph's join__Graph names them so. */
const AGENCIES = new Set(['police', 'front', 'veterans', 'youth']);

function agencyOf(error: GraphQLError): string | undefined {
  const extensions = error.extensions as Record<string, unknown>;
  const named = extensions.agency ?? extensions.serviceName ?? extensions.subgraph;
  if (typeof named === 'string') return named.toLowerCase();
  const match = /subgraph "?(\w+)"?/i.exec(error.message);
  return match && AGENCIES.has(match[1]!.toLowerCase()) ? match[1]!.toLowerCase() : undefined;
}

/**
 * Keeps each subgraph error's code and adds which agency it came from; a subgraph that did
 * not answer becomes DOWNSTREAM_SERVICE_ERROR naming the agency, so a caller knows whose
 * fields are missing while the rest of the answer stands.
 */
export function useAgencyErrors(): GatewayPlugin {
  return {
    onExecutionResult({ result, setResult }) {
      if (!result || !('errors' in result) || !result.errors?.length) return;
      setResult({
        ...result,
        errors: result.errors.map((error) => {
          const agency = agencyOf(error);
          const code = (error.extensions as Record<string, unknown>).code;
          if (!agency && code) return error;
          return new GraphQLError(error.message, {
            nodes: error.nodes,
            path: error.path,
            originalError: error.originalError,
            extensions: {
              ...error.extensions,
              code: code ?? ErrorCode.DOWNSTREAM_SERVICE_ERROR,
              ...(agency ? { agency } : {}),
            },
          });
        }),
      });
    },
  };
}
