import type { ExecutionResult } from 'graphql';

/** What becomes of one upstream event: passed on (changed or not), or dropped (undefined). */
export type EventStep = (result: ExecutionResult) => ExecutionResult | undefined;

export interface SubscriptionEventOptions {
  /** Each event goes through this, in order. */
  readonly step?: EventStep;
  /** The subscription ends at `at` (ms since the epoch), with `last` as its final event (none when undefined); nothing after it passes. */
  readonly until?: { readonly at: number; readonly last: () => ExecutionResult | undefined };
}

/** What a layer not yet read keeps, so that a layer put over it can take its place. */
interface Layer {
  readonly source: AsyncIterable<ExecutionResult>;
  readonly options: SubscriptionEventOptions;
  /** True until its first `next()` or `return()`. */
  fresh: boolean;
  /** Stops its deadline's timer. */
  cancel(): void;
}
const LAYER = Symbol('subscriptionEvents.layer');

/**
 * One layer doing the work of `lower`, then of `upper`: the events `lower` passes go through
 * `upper`'s step, and so does `lower`'s last event.
 */
function joined(lower: SubscriptionEventOptions, upper: SubscriptionEventOptions): SubscriptionEventOptions {
  const { step: first } = lower;
  const { step: second } = upper;
  const step: EventStep | undefined =
    first && second
      ? (result) => {
          const passed = first(result);
          return passed === undefined ? undefined : second(passed);
        }
      : (first ?? second);
  const lowerUntil = lower.until;
  const until = lowerUntil
    ? {
        at: lowerUntil.at,
        last: () => {
          const last = lowerUntil.last();
          return last !== undefined && second ? second(last) : last;
        },
      }
    : upper.until;
  return { ...(step ? { step } : {}), ...(until ? { until } : {}) };
}

/** Node's timers hold at most this many milliseconds (about 24.8 days). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;
const EXPIRED = Symbol('expired');
const LEFT = Symbol('left');

/**
 * A subscription's events as the gateway passes them on. An iterator of its own, not an async
 * generator: a generator's `return()` waits for the event it is waiting on, so a subscriber that
 * leaves a quiet stream would keep its upstream subscription (and the subgraph's reads) alive
 * until the next change. Here leaving, or the end of `until`, answers the wait in progress at
 * once and ends the upstream.
 */
export function subscriptionEvents(source: AsyncIterable<ExecutionResult>, options: SubscriptionEventOptions): AsyncIterableIterator<ExecutionResult> {
  // Over another layer not read yet (the token's lifetime under the change stream's guards): one
  // layer for both, since every event of every subscriber passes each layer.
  const lower = (source as { [LAYER]?: Layer })[LAYER];
  if (lower?.fresh && !(lower.options.until && options.until)) {
    lower.fresh = false;
    lower.cancel();
    return subscriptionEvents(lower.source, joined(lower.options, options));
  }
  const upstream = source[Symbol.asyncIterator]();
  const { step, until } = options;
  const ended: IteratorReturnResult<undefined> = { value: undefined, done: true };
  let finished = false;
  let passed = false;
  // The one wait in progress; the deadline or the subscriber's leaving wakes it.
  let wake: ((reason: typeof EXPIRED | typeof LEFT) => void) | undefined;
  const deadline =
    until &&
    timerAt(until.at, () => {
      passed = true;
      wake?.(EXPIRED);
    });
  const isPast = () => until !== undefined && (passed || Date.now() >= until.at);
  const finish = () => {
    finished = true;
    deadline?.cancel();
    wake?.(LEFT);
  };
  const expire = (): IteratorResult<ExecutionResult> => {
    finish();
    // The upstream may still be waiting for its next event: end it without waiting.
    void Promise.resolve(upstream.return?.()).catch(() => undefined);
    const last = until!.last();
    return last === undefined ? ended : { value: last, done: false };
  };
  const layer: Layer = { source: { [Symbol.asyncIterator]: () => upstream }, options, fresh: true, cancel: () => deadline?.cancel() };
  const iterator: AsyncIterableIterator<ExecutionResult> & { [LAYER]: Layer } = {
    [LAYER]: layer,
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      layer.fresh = false;
      for (;;) {
        if (finished) return ended;
        if (isPast()) return expire();
        const next = await new Promise<IteratorResult<ExecutionResult> | typeof EXPIRED | typeof LEFT>((resolve, reject) => {
          wake = resolve;
          upstream.next().then(resolve, reject);
        });
        wake = undefined;
        if (next === LEFT || finished) return ended;
        if (next === EXPIRED || isPast()) return expire();
        if (next.done) {
          finish();
          return next;
        }
        const value = step ? step(next.value) : next.value;
        if (value !== undefined) return { value, done: false };
      }
    },
    async return() {
      layer.fresh = false;
      if (!finished) {
        finish();
        await upstream.return?.();
      }
      return ended;
    },
  };
  return iterator;
}

/** Calls `reached` at `at` (re-armed past the longest timer Node holds); unref'd, cancellable. */
function timerAt(at: number, reached: () => void): { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = at - Date.now();
    if (left <= 0) return reached();
    timer = setTimeout(arm, Math.min(left, LONGEST_TIMER_MS));
    timer.unref();
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}
