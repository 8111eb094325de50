import type { Storage } from '../storage/index.js';

/** The channel `appendChange` notifies, in the writing transaction: the notice goes out when it commits. */
export const OUTBOX_CHANNEL = 'antq_outbox';

/**
 * Wakes the readers of the outbox (long polls, subscriptions) when a change commits, instead of
 * each reading it again and again: at rest nothing runs.
 */
export interface ChangeSignal {
  /**
   * The next committed change. Take it before reading the outbox and wait on it after an empty
   * read (`waitForChange`): a change committed in between is not missed.
   */
  next(): Promise<void>;
  /** Wakes every waiter once, stops listening; later waits only time out. */
  close(): Promise<void>;
}

export async function createChangeSignal(storage: Storage): Promise<ChangeSignal> {
  let wake!: () => void;
  let pending = new Promise<void>((resolve) => (wake = resolve));
  let closed = false;
  const notify = () => {
    const woken = wake;
    pending = new Promise<void>((resolve) => (wake = resolve));
    woken();
  };
  const unlisten = await storage.listen(OUTBOX_CHANNEL, () => {
    if (!closed) notify();
  });
  return {
    next: () => pending,
    async close() {
      if (closed) return;
      closed = true;
      notify();
      await unlisten();
    },
  };
}

/** Waits for `ticket` (a `ChangeSignal.next()`), at most `ms`, or until `signal` aborts. */
export function waitForChange(ticket: Promise<void> | undefined, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    void ticket?.then(done);
  });
}
