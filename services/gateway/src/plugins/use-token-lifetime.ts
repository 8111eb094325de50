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

/**
 * The events of `source` until `until` (ms since the epoch), then the expiry's error; none after
 * it. An iterator of its own, not an async generator: a generator's `return()` waits for the
 * event it is waiting on, so a subscriber that leaves a quiet stream would keep its upstream
 * subscription (and the subgraph's reads) alive until the next change.
 */
export function untilTokenExpires(source: AsyncIterable<ExecutionResult>, until: number): AsyncIterableIterator<ExecutionResult> {
  const upstream = source[Symbol.asyncIterator]();
  const ended: IteratorReturnResult<undefined> = { value: undefined, done: true };
  let finished = false;
  let passed = false;
  // The one wait in progress; the deadline or the subscriber's leaving wakes it.
  let wake: ((step: typeof EXPIRED | typeof LEFT) => void) | undefined;
  const deadline = timerAt(until, () => {
    passed = true;
    wake?.(EXPIRED);
  });
  const finish = () => {
    finished = true;
    deadline.cancel();
    wake?.(LEFT);
  };
  const expire = (): IteratorResult<ExecutionResult> => {
    finish();
    // The upstream may still be waiting for its next event: end it without waiting.
    void Promise.resolve(upstream.return?.()).catch(() => undefined);
    return { value: tokenExpired(until), done: false };
  };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      if (finished) return ended;
      if (passed || Date.now() >= until) return expire();
      const step = await new Promise<IteratorResult<ExecutionResult> | typeof EXPIRED | typeof LEFT>((resolve, reject) => {
        wake = resolve;
        upstream.next().then(resolve, reject);
      });
      wake = undefined;
      if (step === LEFT || finished) return ended;
      if (step === EXPIRED || Date.now() >= until) return expire();
      if (step.done) finish();
      return step;
    },
    async return() {
      if (!finished) {
        finish();
        await upstream.return?.();
      }
      return ended;
    },
  };
  return iterator;
}

const LEFT = Symbol('left');

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
