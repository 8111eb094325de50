import pRetry from 'p-retry';

export interface RetryOptions {
  /** The wait after the first failure, in milliseconds; it doubles with each failure after. */
  readonly minDelayMs: number;
  /** The longest wait between two attempts. */
  readonly maxDelayMs: number;
  /** Stops retrying: the call then rejects with the signal's reason, also mid-wait. */
  readonly signal?: AbortSignal;
  /** Told of each failure (its 1-based number in this call) before the wait; may be async. */
  readonly onFailure?: (error: unknown, failure: number) => void | Promise<void>;
  /** Which failures are worth another attempt (default all); the call rejects with any other. */
  readonly retryIf?: (error: unknown) => boolean;
}

/** p-retry gives up at once on a TypeError that is not a network error; a service loop retries every failure. */
class RetriedFailure extends Error {
  constructor(readonly failure: unknown) {
    super((failure as Error).message ?? String(failure), { cause: failure });
  }
}

/**
 * Runs `attempt` until it succeeds, with exponential backoff (p-retry) between failures and no
 * limit on their number: what the service loops need that follow an outbox, deliver a webhook or
 * hold a lease. Rejects with the signal's reason when `signal` aborts, or with a failure that
 * `retryIf` does not retry.
 */
export async function retryUntilDone<T>(attempt: (number: number) => Promise<T>, options: RetryOptions): Promise<T> {
  try {
    return await retry(attempt, options);
  } catch (error) {
    throw error instanceof RetriedFailure ? error.failure : error;
  }
}

function retry<T>(attempt: (number: number) => Promise<T>, options: RetryOptions): Promise<T> {
  return pRetry(
    async (number) => {
      try {
        return await attempt(number);
      } catch (error) {
        throw new RetriedFailure(error);
      }
    },
    {
      retries: Number.POSITIVE_INFINITY,
      factor: 2,
      minTimeout: Math.min(options.minDelayMs, options.maxDelayMs),
      maxTimeout: options.maxDelayMs,
      randomize: false,
      unref: true,
      ...(options.signal ? { signal: options.signal } : {}),
      onFailedAttempt: async ({ error, attemptNumber }) => {
        await options.onFailure?.((error as RetriedFailure).failure, attemptNumber);
      },
      shouldRetry: ({ error }) => options.retryIf?.((error as RetriedFailure).failure) ?? true,
    },
  );
}
