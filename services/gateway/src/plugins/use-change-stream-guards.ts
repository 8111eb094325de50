import { decodeStreamCursor, isAntqError, type StreamPosition } from '@antq/sdk';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, Kind, getOperationAST, valueFromASTUntyped, type FieldNode } from 'graphql';
import { withoutRepeats, type ChangeSelection } from '../change-stream-guards.js';

/** What an `onSubscribe` hook may return, read off the gateway's own plugin type. */
type SubscribeHookResult = Exclude<Awaited<ReturnType<NonNullable<GatewayPlugin['onSubscribe']>>>, void>;

/**
 * Guards of the change stream subscription at the gateway:
 * - the cursor is checked before the subscription goes upstream: an error raised when a
 *   subscription starts in a subgraph reaches the client without its code, so a malformed
 *   cursor is answered here with BAD_USER_INPUT;
 * - when the stream subgraph restarts, the gateway's websocket client subscribes again with the
 *   client's original cursor; what it replays that the client already had is dropped here
 *   (by agency and seq, when the client selected both), and the cursors passed on never go
 *   back, so the client sees each change once (see `withoutRepeats`).
 */
export function useChangeStreamGuards(): GatewayPlugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      const field = operation?.selectionSet.selections.find((selection): selection is FieldNode => selection.kind === Kind.FIELD && selection.name.value === 'changes');
      if (!field) return undefined;
      const cursorField = field.selectionSet?.selections.find((selection): selection is FieldNode => selection.kind === Kind.FIELD && selection.name.value === 'cursor');
      const selection: ChangeSelection = {
        field: field.alias?.value ?? field.name.value,
        ...(cursorField ? { cursor: cursorField.alias?.value ?? cursorField.name.value } : {}),
      };
      const dedupe = (from?: StreamPosition): SubscribeHookResult => ({
        onSubscribeResult: ({ result, setResult }) => {
          if (Symbol.asyncIterator in result) setResult(withoutRepeats(result, selection, from));
        },
      });
      const after = field.arguments?.find((argument) => argument.name.value === 'after');
      if (!after) return dedupe();
      const value = valueFromASTUntyped(after.value, args.variableValues ?? undefined);
      if (typeof value !== 'string') return dedupe();
      try {
        return dedupe(decodeStreamCursor(value));
      } catch (error) {
        if (!isAntqError(error)) throw error;
        setResultAndStopExecution({
          errors: [new GraphQLError(error.message, { nodes: [after], path: ['changes'], extensions: error.toExtensions() })],
        });
        return undefined;
      }
    },
  };
}
