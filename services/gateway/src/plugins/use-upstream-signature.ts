import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { defaultPrintFn } from '@graphql-tools/executor-common';
import { deriveSubgraphKey, signExecutionRequest } from '@antq/subgraph-kit';

/**
 * Ký yêu cầu tới subgraph — signs every request the gateway sends to a subgraph (queries,
 * mutations, `_entities` fetches and the `subscribe` messages of graphql-ws) for that subgraph
 * alone, now, with a fresh nonce: the scheme of `@antq/subgraph-kit`'s `gateway-signature.ts`.
 * Register it last, so the signature covers every extension the plugins before it add (the
 * forwarded caller, the idempotency key). The query is signed as the HTTP and graphql-ws
 * transports print it (`defaultPrintFn`: the planner's own text of each fetch), so the subgraph
 * verifies it at its first check.
 */
export function useUpstreamSignature(options: { readonly signingKey: string }): GatewayPlugin {
  const keys = new Map<string, Buffer>();
  const keyFor = (subgraph: string): Buffer => {
    let key = keys.get(subgraph);
    if (!key) keys.set(subgraph, (key = deriveSubgraphKey(options.signingKey, subgraph)));
    return key;
  };
  return {
    onSubgraphExecute({ subgraphName, executionRequest, setExecutionRequest }) {
      const extensions = signExecutionRequest(executionRequest, { key: keyFor(subgraphName), audience: subgraphName, print: defaultPrintFn });
      setExecutionRequest({ ...executionRequest, extensions });
    },
  };
}
