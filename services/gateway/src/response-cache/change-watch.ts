import type { Agency } from '@antq/sdk';
import { createAgencyFeed, firstChangedSeq, retryUntilDone, type AgencyFeed, type ChangeBatch, type StreamChange } from '@antq/subgraph-kit';

/** How long one long poll of an agency's outbox waits for a change (the subgraph caps it at 25 s). */
const WAIT_MS = 20_000;
/** Changes read per long poll: enough to name the kinds of record a burst of writes touched. */
const PAGE = 100;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;
/** How often, at most, the changes heard are compared with the outbox (a store restored from a backup). */
const CHECK_EVERY_MS = 1_000;
/** Named changes kept for `changesSince`: more than a burst of writes heard while a read runs. */
const LOG_SIZE = 4_096;

/**
 * Theo dõi thay đổi — what the gateway knows of each agency's data, heard through
 * `_<agency>ChangesAfter` (the change stream's own read of the agency's outbox):
 * - the changes themselves, each named (kind of record, area), when a read of the outbox
 *   reached its head: listeners hear them, and `changesSince` keeps the latest;
 * - a generation that moves on when something may have changed that no change names: the feed
 *   reached or lost, a page that did not reach the head, a write through this gateway not heard
 *   yet (`bump`). A response computed under one generation is stale under any later one.
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
  /**
   * Calls `listener` whenever an agency's data changes: with the kinds of record that changed and
   * the changes when the outbox named them all, with undefined when anything may have changed (a
   * write through this gateway, a feed reached or lost). Returns the unsubscribe function.
   */
  onChange(listener: ChangeListener): () => void;
  /** How many named changes have been heard: a position for `changesSince`. */
  changeCount(): number;
  /** The named changes heard after position `count`; undefined when they are no longer all kept. */
  changesSince(count: number): readonly StreamChange[] | undefined;
  close(): Promise<void>;
}

export type ChangeListener = (agency: string, recordKinds: ReadonlySet<string> | undefined, changes?: readonly StreamChange[]) => void;

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
  const listeners = new Set<ChangeListener>();
  const log = createChangeLog();
  /** Moves an agency's generation on and tells the listeners: anything may have changed. */
  const advance = (agency: string, state: Followed) => {
    state.generation += 1;
    for (const listener of listeners) listener(agency, undefined);
  };
  /** Changes the outbox named, all of them up to its head: kept and told, the generation stays. */
  const named = (agency: string, changes: readonly StreamChange[]) => {
    log.add(changes);
    const kinds = new Set(changes.map((change) => change.recordKind));
    for (const listener of listeners) listener(agency, kinds, changes);
  };

  for (const [agency, url] of Object.entries(options.agencies) as [Agency, string][]) {
    const state: Followed = { generation: 0, live: false, head: -1, waiters: [] };
    followed.set(agency, state);
    loops.push(followAgency(createAgencyFeed({ agency, url, signingKey: options.signingKey }), state, { signal: controller.signal, advance, named }));
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
        // Listeners hear of it for an agency not followed too: the write went through here.
        for (const listener of listeners) listener(agency, undefined);
      }
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    changeCount: log.count,
    changesSince: log.since,
    heard(agency, seq) {
      const state = followed.get(agency);
      if (!state || state.head >= seq) return Promise.resolve();
      return new Promise((resolve) => state.waiters.push({ seq, resolve }));
    },
    async close() {
      controller.abort();
      listeners.clear();
      for (const state of followed.values()) for (const waiter of state.waiters.splice(0)) waiter.resolve();
      await Promise.allSettled(loops);
    },
  };
}

/**
 * Follows one agency's outbox for the watch: long polls it, names what changed or moves the
 * generation on, and wakes who waits for a seq to be heard.
 */
async function followAgency(
  feed: AgencyFeed,
  state: Followed,
  watch: { signal: AbortSignal; advance: (agency: string, state: Followed) => void; named: (agency: string, changes: readonly StreamChange[]) => void },
): Promise<void> {
  const { signal, advance, named } = watch;
  const agency = feed.agency;
  let after: number | undefined;
  // The changes heard since the outbox was last compared with them, from the last one compared
  // on: an outbox that went back (a store restored from a backup), even one written past them
  // since, no longer holds them as heard, and names nothing it undid. Compared at most once a
  // second, after the page is applied: a compare before it held every write through here up.
  let unchecked: StreamChange[] = [];
  let checkedAt = Date.now();
  // The long poll ends by the next compare due, so that compare is at most a second late.
  const untilCheck = () => (unchecked.length > 1 ? Math.max(0, CHECK_EVERY_MS - (Date.now() - checkedAt)) : WAIT_MS);
  // The first read only learns the head (and the change there); later ones wait for anything after it.
  const readNext = async (): Promise<{ batch: ChangeBatch; newest?: StreamChange }> =>
    after === undefined ? readHead(feed, signal) : { batch: await readFeed(feed, { afterSeq: after, limit: PAGE, waitMs: untilCheck() }, signal) };
  const lost = () => {
    if (signal.aborted) return;
    state.live = false;
    advance(agency, state);
    after = undefined;
  };
  while (!signal.aborted) {
    let read: { batch: ChangeBatch; newest?: StreamChange };
    try {
      read = await retryUntilDone(readNext, { minDelayMs: RETRY_MIN_MS, maxDelayMs: RETRY_MAX_MS, signal, onFailure: lost });
    } catch {
      return; // closed
    }
    const { batch } = read;
    // Anything cached before this feed was followed was cached without it: a new generation.
    if (after === undefined) {
      advance(agency, state);
      unchecked = read.newest ? [read.newest] : [];
    } else if (batch.head !== after) {
      if (reachesHead(batch)) named(agency, batch.changes);
      else advance(agency, state);
      unchecked = reachesHead(batch) && batch.head > after ? [...unchecked, ...batch.changes] : [];
    }
    after = batch.head;
    state.head = batch.head;
    state.waiters = state.waiters.filter((waiter) => (waiter.seq <= batch.head ? void waiter.resolve() : true));
    state.live = true;
    if (unchecked.length > 1 && Date.now() - checkedAt >= CHECK_EVERY_MS) {
      let wentBack: boolean;
      try {
        wentBack = (await endedBy(signal, (read) => firstChangedSeq(feed, unchecked, read))) !== undefined;
      } catch {
        lost();
        continue;
      }
      checkedAt = Date.now();
      unchecked = unchecked.slice(-1);
      if (wentBack) {
        // Everything of the agency may have changed; followed again from its head, and the change there.
        advance(agency, state);
        after = undefined;
      }
    }
  }
}

/** The outbox's head and the change there: a restore before the watch hears any change is told by it too. */
async function readHead(feed: AgencyFeed, closing: AbortSignal): Promise<{ batch: ChangeBatch; newest?: StreamChange }> {
  const batch = await readFeed(feed, { afterSeq: 0, limit: 0, waitMs: 0 }, closing);
  if (batch.head === 0) return { batch };
  const [newest] = (await readFeed(feed, { afterSeq: batch.head - 1, limit: 1, waitMs: 0 }, closing)).changes;
  return newest?.seq === batch.head ? { batch, newest } : { batch };
}

/** One page of a feed, ended by `closing`. */
function readFeed(feed: AgencyFeed, page: { afterSeq: number; limit: number; waitMs: number }, closing: AbortSignal): Promise<ChangeBatch> {
  return endedBy(closing, (signal) => feed.read(page.afterSeq, page.limit, page.waitMs, signal));
}

/** `read` with a signal of its own that `closing` aborts: a listener left on the watch's own signal by every read would pile up. */
async function endedBy<T>(closing: AbortSignal, read: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const readController = new AbortController();
  const abort = () => readController.abort();
  closing.addEventListener('abort', abort, { once: true });
  try {
    return await read(readController.signal);
  } finally {
    closing.removeEventListener('abort', abort);
  }
}

/** The latest named changes, numbered by how many were heard before each. */
function createChangeLog() {
  const kept: StreamChange[] = [];
  let count = 0;
  return {
    add(changes: readonly StreamChange[]) {
      kept.push(...changes);
      count += changes.length;
      if (kept.length > LOG_SIZE) kept.splice(0, kept.length - LOG_SIZE);
    },
    count: () => count,
    since(position: number): readonly StreamChange[] | undefined {
      const missed = count - position;
      if (missed <= 0) return [];
      return missed > kept.length ? undefined : kept.slice(kept.length - missed);
    },
  };
}

/** Whether a page holds every change up to its head (else some are unread: anything may have changed). */
function reachesHead(batch: ChangeBatch): boolean {
  const last = batch.changes.at(-1);
  return last !== undefined && last.seq >= batch.head;
}
