import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { ErrorCode } from '@antq/sdk';
import { GraphQLError, type ExecutionResult } from 'graphql';

/** Where the verified token's payload sits in a request's context (Hive's `useJWT`). */
interface JwtContext {
  readonly jwt?: { readonly payload?: { readonly exp?: unknown } };
}

const EXPIRED = Symbol('expired');

/** Node's timers hold at most this many milliseconds (about 24.8 days). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

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
      const exp = (args.contextValue as JwtContext).jwt?.payload?.exp;
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
export async function* untilTokenExpires(source: AsyncIterable<ExecutionResult>, until: number): AsyncGenerator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  // The deadline wakes the one wait in progress; racing a long-lived promise would pile a reaction on it per event.
  let wake: ((value: typeof EXPIRED) => void) | undefined;
  let passed = false;
  const deadline = timerAt(until, () => {
    passed = true;
    wake?.(EXPIRED);
  });
  let expired = false;
  try {
    for (;;) {
      const step = passed
        ? EXPIRED
        : await new Promise<IteratorResult<ExecutionResult> | typeof EXPIRED>((resolve, reject) => {
            wake = resolve;
            iterator.next().then(resolve, reject);
          });
      wake = undefined;
      if (step === EXPIRED || Date.now() >= until) {
        expired = true;
        yield tokenExpired(until);
        return;
      }
      if (step.done) return;
      yield step.value;
    }
  } finally {
    deadline.cancel();
    // Ended by the deadline, the upstream may still be waiting for its next event: end it without waiting.
    if (expired) void Promise.resolve(iterator.return?.()).catch(() => undefined);
    else await iterator.return?.();
  }
}

/** Calls `reached` at `until` (re-armed past the longest timer Node holds); unref'd, cancellable. */
function timerAt(until: number, reached: () => void): { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = until - Date.now();
    if (left <= 0) return reached();
    timer = setTimeout(arm, Math.min(left, LONGEST_TIMER_MS));
    timer.unref();
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
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
