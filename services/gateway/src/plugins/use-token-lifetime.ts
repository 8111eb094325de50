import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { ErrorCode } from '@antq/sdk';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { tokenPayloadOf } from '../identity/caller-of-context.js';
import { subscriptionEvents } from '../subscription-events.js';

/**
 * Hết hạn thì dừng — a subscription lasts as long as the token it was made with. A token is
 * checked when an operation starts; a subscription then runs for as long as the client keeps it,
 * so without this a partner whose token expired (or was never renewed after its rights were
 * withdrawn) would go on receiving changes. At the token's `exp` the subscriber gets one
 * UNAUTHENTICATED error (reason TOKEN_EXPIRED) and the subscription ends, over graphql-ws and SSE
 * alike; it subscribes again with a new token from the last cursor it received. Register after
 * the identity plugins.
 */
export function useTokenLifetime(): GatewayPlugin {
  return {
    onSubscribe({ args }) {
      const exp = (tokenPayloadOf(args.contextValue) as { readonly exp?: unknown } | undefined)?.exp;
      if (typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
      const until = exp * 1000;
      return {
        onSubscribeResult({ result, setResult }) {
          if (Symbol.asyncIterator in result) setResult(untilTokenExpires(result, until));
        },
      };
    },
  };
}

/** The events of `source` until `until` (ms since the epoch), then the expiry's error; none after it. */
export function untilTokenExpires(source: AsyncIterable<ExecutionResult>, until: number): AsyncIterableIterator<ExecutionResult> {
  return subscriptionEvents(source, { until: { at: until, last: () => tokenExpired(until) } });
}

function tokenExpired(until: number): ExecutionResult {
  const at = new Date(until).toISOString();
  return {
    errors: [
      new GraphQLError(
        `The token this subscription was made with expired at ${at}, and the subscription ended with it. Subscribe again with a new token, from the cursor of the last event you received (after:).`,
        { extensions: { code: ErrorCode.UNAUTHENTICATED, reason: 'TOKEN_EXPIRED', expiredAt: at } },
      ),
    ],
  };
}
