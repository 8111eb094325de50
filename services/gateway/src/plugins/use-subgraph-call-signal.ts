import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { isPromise } from '../agency-errors.js';
import { isSubscription } from '../operation-fields.js';

/**
 * Each subgraph call gets an abort signal of its own, aborted when the call has answered. The HTTP
 * executor ties every call's signal to its own, which lives as long as the gateway, and the
 * upstream timeout to a timer's; each tie is undone only when the call's signal aborts. Left to
 * the timeout's timer (10 s), a busy gateway held thousands of listeners and the requests they
 * reach, and Node warned of a leak after ten calls. Subscriptions keep theirs: they end on their own.
 */
export function useSubgraphCallSignal(): GatewayPlugin {
  return {
    onSubgraphExecute({ executionRequest, executor, setExecutor }) {
      if (isSubscription(executionRequest)) return;
      setExecutor((request) => {
        const caller = request.signal;
        if (caller?.aborted) return executor(request);
        const call = new AbortController();
        const forward = () => call.abort(caller?.reason);
        caller?.addEventListener('abort', forward, { once: true });
        const answered = () => {
          caller?.removeEventListener('abort', forward);
          call.abort();
        };
        // A streamed answer (an async iterable) is still under way when it is handed over.
        const settle = <T>(value: T): T => {
          if (!(typeof value === 'object' && value !== null && Symbol.asyncIterator in value)) answered();
          return value;
        };
        const failed = (error: unknown): never => {
          answered();
          throw error;
        };
        try {
          const result = executor({ ...request, signal: call.signal });
          return isPromise(result) ? result.then(settle, failed) : settle(result);
        } catch (error) {
          return failed(error);
        }
      });
    },
  };
}
