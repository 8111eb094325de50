import type { Agency } from '@antq/sdk';
import { createAgencyFeed, type AgencyFeed } from '@antq/subgraph-kit';

/** How long one long poll of an agency's outbox waits for a change (the subgraph caps it at 25 s). */
const WAIT_MS = 20_000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * Theo dõi thay đổi — what the gateway knows of each agency's data: a generation that moves on
 * with every change in the agency's outbox (heard through `_<agency>ChangesAfter`, the change
 * stream's own read), with every write through this gateway, and whenever the feed is lost.
 * A response computed under one generation is stale under any later one.
 */
export interface ChangeWatch {
  /**
   * The generations of these agencies as one string, or undefined while any of them is not
   * followed (not yet reached, or lost): what cannot be invalidated must not be cached.
   */
  stamp(agencies: readonly string[]): string | undefined;
  /** A write went through this gateway: its readers must not wait for the outbox to say so. */
  bump(agencies: readonly string[]): void;
  /**
   * Resolves once the watch has read the agency's outbox up to `seq` (and so moved its
   * generation past every change up to there); at once for an agency it does not follow.
   */
  heard(agency: string, seq: number): Promise<void>;
  close(): Promise<void>;
}

interface Followed {
  generation: number;
  live: boolean;
  /** The outbox position read so far (-1 before the first read). */
  head: number;
  /** Who waits for the head to reach a position. */
  waiters: { seq: number; resolve: () => void }[];
}

export function watchAgencyChanges(options: { agencies: Partial<Record<Agency, string>>; signingKey: string }): ChangeWatch {
  const controller = new AbortController();
  const followed = new Map<string, Followed>();
  const loops: Promise<void>[] = [];

  // One signal per read: a listener left on the watch's own signal by every read would pile up.
  const read = async (feed: AgencyFeed, afterSeq: number, limit: number, waitMs: number) => {
    const readController = new AbortController();
    const abort = () => readController.abort();
    controller.signal.addEventListener('abort', abort, { once: true });
    try {
      return await feed.read(afterSeq, limit, waitMs, readController.signal);
    } finally {
      controller.signal.removeEventListener('abort', abort);
    }
  };

  const follow = async (feed: AgencyFeed, state: Followed) => {
    let after: number | undefined;
    let retryMs = RETRY_MIN_MS;
    while (!controller.signal.aborted) {
      try {
        // The first read only learns the head; later ones wait for anything after it.
        const batch = after === undefined ? await read(feed, 0, 0, 0) : await read(feed, after, 1, WAIT_MS);
        // Anything cached before this feed was followed was cached without it: a new generation.
        if (after === undefined || batch.head !== after) state.generation += 1;
        after = batch.head;
        state.head = batch.head;
        state.waiters = state.waiters.filter((waiter) => (waiter.seq <= batch.head ? void waiter.resolve() : true));
        state.live = true;
        retryMs = RETRY_MIN_MS;
      } catch {
        if (controller.signal.aborted) return;
        state.live = false;
        state.generation += 1;
        after = undefined;
        await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      }
    }
  };

  for (const [agency, url] of Object.entries(options.agencies) as [Agency, string][]) {
    const state: Followed = { generation: 0, live: false, head: -1, waiters: [] };
    followed.set(agency, state);
    loops.push(follow(createAgencyFeed({ agency, url, signingKey: options.signingKey }), state));
  }

  return {
    stamp(agencies) {
      let stamp = '';
      for (const agency of agencies) {
        const state = followed.get(agency);
        if (!state?.live) return undefined;
        stamp += `${agency}:${state.generation};`;
      }
      return stamp;
    },
    bump(agencies) {
      for (const agency of agencies) {
        const state = followed.get(agency);
        if (state) state.generation += 1;
      }
    },
    heard(agency, seq) {
      const state = followed.get(agency);
      if (!state || state.head >= seq) return Promise.resolve();
      return new Promise((resolve) => state.waiters.push({ seq, resolve }));
    },
    async close() {
      controller.abort();
      for (const state of followed.values()) for (const waiter of state.waiters.splice(0)) waiter.resolve();
      await Promise.allSettled(loops);
    },
  };
}
