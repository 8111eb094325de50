import { decodeStreamCursor, isAntqError } from '@antq/sdk';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, Kind, getOperationAST, valueFromASTUntyped, type FieldNode } from 'graphql';

/**
 * Checks the change stream's cursor before the subscription goes upstream: an error raised when
 * a subscription starts in a subgraph reaches the client without its code, so a malformed cursor
 * is answered here with BAD_USER_INPUT instead.
 */
export function useStreamCursorCheck(): GatewayPlugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      const field = operation?.selectionSet.selections.find(
        (selection): selection is FieldNode => selection.kind === Kind.FIELD && selection.name.value === 'changes',
      );
      const after = field?.arguments?.find((argument) => argument.name.value === 'after');
      if (!after) return;
      const value = valueFromASTUntyped(after.value, args.variableValues ?? undefined);
      if (typeof value !== 'string') return;
      try {
        decodeStreamCursor(value);
      } catch (error) {
        if (!isAntqError(error)) throw error;
        setResultAndStopExecution({
          errors: [new GraphQLError(error.message, { nodes: [after], path: ['changes'], extensions: error.toExtensions() })],
        });
      }
    },
  };
}
