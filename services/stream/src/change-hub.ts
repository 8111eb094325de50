import type { Agency } from '@antq/sdk';
import { readOutboxHeads, retryUntilDone, type AgencyFeed, type StreamChange } from '@antq/subgraph-kit';
import type { StreamPosition } from '@antq/sdk';

/**
 * Đường truyền — how changes reach every stream instance. In the embedded mode one process
 * reads the feeds and delivers locally; with several gateways, the changes go through a broker
 * (NATS JetStream), which also drops the copies that several instances publish.
 */
export interface ChangeBus {
  publish(change: StreamChange): Promise<void>;
  /** Delivers every published change, possibly more than once and out of order across agencies. */
  subscribe(deliver: (change: StreamChange) => void): Promise<void>;
  close(): Promise<void>;
}

/** The bus of one process: what is published is delivered at once. */
export function createLocalBus(): ChangeBus {
  const handlers: ((change: StreamChange) => void)[] = [];
  return {
    async publish(change) {
      for (const handler of handlers) handler(change);
    },
    async subscribe(deliver) {
      handlers.push(deliver);
    },
    async close() {
      handlers.length = 0;
    },
  };
}

/**
 * An agency's outbox ends before changes the stream has already carried: its store was restored
 * from a backup (or replaced). The changes it numbers again up to what was carried reach nobody
 * until the stream is restarted; subscribers resuming from a cursor past its end are then refused
 * (CURSOR_PAST_THE_END) and read again.
 */
export class OutboxRewoundError extends Error {
  constructor(
    readonly agency: Agency,
    readonly head: number,
    readonly carried: number,
  ) {
    super(
      `The ${agency}'s outbox ends at ${head}, behind the ${carried} changes the stream has carried: was its store restored from a backup? The changes it numbers again from ${head + 1} to ${carried} reach no subscriber nor webhook until the stream is restarted; then subscribers resuming past ${head} are told to read again (CURSOR_PAST_THE_END). Webhooks registered before the restore skip those changes: tell their partners to read the ${agency}'s records again.`,
    );
    this.name = 'OutboxRewoundError';
  }
}

export interface ChangeHubOptions {
  readonly feeds: readonly AgencyFeed[];
  readonly bus?: ChangeBus;
  /** Changes kept per agency for subscribers that resume a little behind (default 10,000). */
  readonly window?: number;
  /** How long a feed's long poll waits for a new change (default 25 s, the subgraph's cap). */
  readonly waitMs?: number;
  readonly onError?: (agency: Agency, error: unknown) => void;
}

export interface ChangeHub {
  /** The newest seq this hub holds for each agency: "now", for a subscriber without a cursor. */
  head(): StreamPosition;
  /**
   * Each agency's outbox head read at this moment (the hub may not have heard of the newest
   * changes yet); where an agency does not answer within 2 s, the hub's own head, which is no later.
   */
  now(): Promise<StreamPosition>;
  /**
   * Where `position` is past the end of an agency's outbox, read at this moment: a cursor from
   * another graph, or from before the agency's store was restored from a backup. Following it
   * would skip every change up to it. An agency that does not answer within 2 s is not judged.
   */
  pastTheEnd(position: StreamPosition): Promise<readonly { agency: Agency; cursor: number; head: number }[]>;
  /** Every change after `after`, per agency in sequence order with no gap, until `signal` aborts. */
  follow(after: StreamPosition, signal: AbortSignal): AsyncIterable<StreamChange>;
  close(): Promise<void>;
}

interface AgencyLog {
  readonly feed: AgencyFeed;
  /** The newest seq held; every seq in (last − window.length, last] is in `window`. */
  last: number;
  window: StreamChange[];
  waiters: Set<() => void>;
  /** Serialises deliveries so the window stays contiguous. */
  delivering: Promise<void>;
}

/**
 * Tập trung thay đổi — reads each agency's outbox (one long poll per agency), publishes what it
 * reads on the bus, keeps a contiguous window of recent changes per agency from what the bus
 * delivers, and serves subscribers from that window — or, for one resuming from further back,
 * from the agency's own outbox first. Per-agency order and completeness come from the outbox
 * sequence: a gap is filled from the feed before anything after it is handed out.
 */
export async function startChangeHub(options: ChangeHubOptions): Promise<ChangeHub> {
  const bus = options.bus ?? createLocalBus();
  const windowSize = options.window ?? 10_000;
  const waitMs = options.waitMs ?? 25_000;
  const stop = new AbortController();
  const logs = new Map<Agency, AgencyLog>();

  for (const feed of options.feeds) {
    const { head } = await feed.read(0, 0, 0);
    logs.set(feed.agency, { feed, last: head, window: [], waiters: new Set(), delivering: Promise.resolve() });
  }

  function wake(log: AgencyLog) {
    for (const waiter of [...log.waiters]) waiter();
  }

  function append(log: AgencyLog, change: StreamChange) {
    log.window.push(change);
    log.last = change.seq;
    if (log.window.length > windowSize) log.window.splice(0, log.window.length - windowSize);
  }

  // What the bus delivers joins the window in sequence; a gap is read from the feed first.
  function receive(change: StreamChange) {
    const log = logs.get(change.agency);
    if (!log) return;
    log.delivering = log.delivering.then(async () => {
      if (change.seq <= log.last) return; // a copy
      const readGap = () => log.feed.read(log.last, Math.min(500, change.seq - log.last - 1), 0, stop.signal);
      const onFailure = (error: unknown) => {
        if (!stop.signal.aborted) options.onError?.(change.agency, error);
      };
      while (change.seq > log.last + 1 && !stop.signal.aborted) {
        const batch = await retryUntilDone(readGap, { minDelayMs: 500, maxDelayMs: 500, signal: stop.signal, onFailure }).catch(() => undefined);
        if (!batch) break; // closed
        for (const missing of batch.changes) if (missing.seq === log.last + 1) append(log, missing);
        if (batch.changes.length === 0) break;
      }
      if (change.seq === log.last + 1) append(log, change);
      wake(log);
    });
  }
  await bus.subscribe(receive);

  // One reader per agency: long polls the outbox and publishes; retries with backoff while the subgraph is away.
  const readers = [...logs.values()].map(async (log) => {
    let readFrom = log.last;
    let rewindReported = -1;
    const readAndPublish = async () => {
      const batch = await log.feed.read(readFrom, 500, waitMs, stop.signal);
      if (batch.head < readFrom && rewindReported !== readFrom) {
        rewindReported = readFrom;
        options.onError?.(log.feed.agency, new OutboxRewoundError(log.feed.agency, batch.head, readFrom));
      }
      for (const change of batch.changes) {
        await bus.publish(change);
        readFrom = change.seq;
      }
    };
    const onFailure = (error: unknown) => {
      if (!stop.signal.aborted) options.onError?.(log.feed.agency, error);
    };
    while (!stop.signal.aborted) {
      try {
        await retryUntilDone(readAndPublish, { minDelayMs: 250, maxDelayMs: 5_000, signal: stop.signal, onFailure });
      } catch {
        return; // closed
      }
    }
  });

  const head = (): StreamPosition => Object.fromEntries([...logs].map(([agency, log]) => [agency, log.last]));
  return {
    head,
    async now() {
      // The hub's own head is taken first: where an agency does not answer, it is no later than this moment.
      const held = head();
      return { ...held, ...(await readOutboxHeads(options.feeds, AbortSignal.timeout(2_000))) };
    },
    async pastTheEnd(position) {
      // The hub's head is not past the outbox's (unless the outbox went back, which the reader reports): only a cursor past the hub's is read further.
      const unheard = options.feeds.filter((feed) => (position[feed.agency] ?? 0) > (logs.get(feed.agency)?.last ?? 0));
      if (unheard.length === 0) return [];
      const heads = await readOutboxHeads(unheard, AbortSignal.timeout(2_000));
      return unheard.flatMap(({ agency }) => {
        const [cursor, head] = [position[agency] ?? 0, heads[agency]];
        return head !== undefined && cursor > head ? [{ agency, cursor, head }] : [];
      });
    },
    follow(after, signal) {
      return followAgencies(logs, after, signal);
    },
    async close() {
      stop.abort();
      for (const log of logs.values()) wake(log);
      await Promise.allSettled(readers);
      await bus.close();
    },
  };
}

/**
 * Every agency's changes after `after`, each agency in its own order: from its outbox while behind
 * its window, then from the window as it grows. One generator per reader, taking what each agency
 * has in turn: with thousands of readers, a generator per agency and a merge of them cost each
 * change a handful of promise hops per reader.
 */
async function* followAgencies(logs: ReadonlyMap<Agency, AgencyLog>, after: StreamPosition, signal: AbortSignal): AsyncGenerator<StreamChange> {
  const followed = [...logs].map(([agency, log]) => ({ log, position: after[agency] ?? log.last }));
  while (!signal.aborted) {
    let handedOut = false;
    for (const agency of followed) {
      const { log } = agency;
      // The window holds every seq from its first to `log.last`, so the next change is found by its seq.
      const oldest = log.window[0]?.seq ?? log.last + 1;
      if (agency.position < oldest - 1) {
        // Behind the window: read the agency's own outbox.
        const batch = await log.feed.read(agency.position, 500, 0, signal);
        for (const change of batch.changes) {
          yield change;
          agency.position = change.seq;
        }
        if (batch.changes.length > 0) {
          handedOut = true;
          continue;
        }
      }
      // Behind the window with nothing more in the outbox: go on from the window's first change.
      const next = log.window[Math.max(0, agency.position + 1 - (log.window[0]?.seq ?? log.last + 1))];
      if (next) {
        yield next;
        agency.position = next.seq;
        handedOut = true;
      }
    }
    if (!handedOut)
      await nextChange(
        followed.map((agency) => agency.log),
        signal,
      );
  }
}

/** Resolves when any of the logs receives a change, or the signal aborts. */
function nextChange(logs: readonly AgencyLog[], signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      for (const log of logs) log.waiters.delete(done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    for (const log of logs) log.waiters.add(done);
    signal.addEventListener('abort', done, { once: true });
  });
}
