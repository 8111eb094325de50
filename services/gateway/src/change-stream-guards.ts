import { decodeStreamCursor, isAntqError } from '@antq/sdk';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, Kind, getOperationAST, valueFromASTUntyped, type ExecutionResult, type FieldNode } from 'graphql';

/** What an `onSubscribe` hook may return, read off the gateway's own plugin type. */
type SubscribeHookResult = Exclude<Awaited<ReturnType<NonNullable<GatewayPlugin['onSubscribe']>>>, void>;

/** Drops what a subscriber has already had: events at or before the last seq it got of their agency. */
async function* withoutRepeats(source: AsyncIterable<ExecutionResult>, responseKey: string): AsyncGenerator<ExecutionResult> {
  const seen = new Map<string, number>();
  for await (const result of source) {
    const event = (result.data as Record<string, { agency?: string; seq?: number } | null> | null | undefined)?.[responseKey];
    if (event?.agency !== undefined && typeof event.seq === 'number') {
      if (event.seq <= (seen.get(event.agency) ?? -1)) continue;
      seen.set(event.agency, event.seq);
    }
    yield result;
  }
}

/**
 * Guards of the change stream subscription at the gateway:
 * - the cursor is checked before the subscription goes upstream: an error raised when a
 *   subscription starts in a subgraph reaches the client without its code, so a malformed
 *   cursor is answered here with BAD_USER_INPUT;
 * - when the stream subgraph restarts, the gateway's websocket client subscribes again with the
 *   client's original cursor; what it replays that the client already had is dropped here
 *   (by agency and seq, when the client selected both), so the client sees each change once.
 */
export function useChangeStreamGuards(): GatewayPlugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      const field = operation?.selectionSet.selections.find(
        (selection): selection is FieldNode => selection.kind === Kind.FIELD && selection.name.value === 'changes',
      );
      if (!field) return undefined;
      const responseKey = field.alias?.value ?? field.name.value;
      const dedupe: SubscribeHookResult = {
        onSubscribeResult: ({ result, setResult }) => {
          if (Symbol.asyncIterator in result) setResult(withoutRepeats(result, responseKey));
        },
      };
      const after = field.arguments?.find((argument) => argument.name.value === 'after');
      if (!after) return dedupe;
      const value = valueFromASTUntyped(after.value, args.variableValues ?? undefined);
      if (typeof value !== 'string') return dedupe;
      try {
        decodeStreamCursor(value);
      } catch (error) {
        if (!isAntqError(error)) throw error;
        setResultAndStopExecution({
          errors: [new GraphQLError(error.message, { nodes: [after], path: ['changes'], extensions: error.toExtensions() })],
        });
        return undefined;
      }
      return dedupe;
    },
  };
}
