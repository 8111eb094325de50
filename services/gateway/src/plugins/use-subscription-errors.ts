import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { isSubscription } from '../operation-fields.js';

/** What graphql-ws's client throws for the server's `error` message: the errors it carried. */
function isFormattedErrors(value: unknown): value is readonly GraphQLFormattedError[] {
  return Array.isArray(value) && value.length > 0 && value.every((error) => typeof (error as { message?: unknown })?.message === 'string');
}

/**
 * A subscription a subgraph ends with errors of its own (the stream's CURSOR_PAST_THE_END, say)
 * reaches the subscriber as those errors. Thrown from the upstream iterator, the runtime would
 * turn them into a DOWNSTREAM_SERVICE_ERROR without their message or code, beside the previous
 * event's data (it keeps a subscription's data from one event to the next unless an event brings
 * some): yielded as the last result, with empty data, they pass alone, like a subgraph's errors on a query.
 */
export function useSubscriptionErrors(): GatewayPlugin {
  return {
    onSubgraphExecute({ executionRequest, executor, setExecutor }) {
      if (!isSubscription(executionRequest)) return;
      setExecutor((async (request: Parameters<typeof executor>[0]) => {
        const result = await executor(request);
        if (!(typeof result === 'object' && result !== null && Symbol.asyncIterator in result)) return result;
        const upstream = (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
        let ended = false;
        const closing = (error: unknown): IteratorResult<ExecutionResult> => {
          if (!isFormattedErrors(error)) throw error;
          ended = true;
          return { done: false, value: { data: {}, errors: error.map((each) => new GraphQLError(each.message, { ...(each.extensions ? { extensions: each.extensions } : {}) })) } };
        };
        // One rejection handler on each event's promise, no async layer of its own: every event of every subscriber passes here.
        const events: AsyncIterableIterator<ExecutionResult> = {
          [Symbol.asyncIterator]: () => events,
          next: () => (ended ? Promise.resolve({ done: true, value: undefined }) : upstream.next().then(undefined, closing)),
          async return() {
            ended = true;
            await upstream.return?.();
            return { done: true, value: undefined };
          },
        };
        return events;
      }) as typeof executor);
    },
  };
}
