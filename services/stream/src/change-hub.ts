import { AntqError, ErrorCode, type Agency } from '@antq/sdk';
import { firstChangedSeq, isSameChange, readOutboxHeads, retryUntilDone, type AgencyFeed, type StreamChange } from '@antq/subgraph-kit';
import type { StreamCursor, StreamPosition } from '@antq/sdk';
import { changeMark } from './change-mark.js';

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
 * An agency's outbox no longer holds changes the stream has carried: its store was restored from
 * a backup (or replaced). The hub follows it again from the last change both still share; the
 * subscribers and webhooks that had gone past it are told to read again (CURSOR_PAST_THE_END).
 */
export class OutboxRewoundError extends Error {
  constructor(
    readonly agency: Agency,
    readonly carried: number,
    readonly kept: number,
  ) {
    super(
      `The ${agency}'s outbox no longer holds the changes after ${kept} that the stream carried (up to ${carried}): was its store restored from a backup? The stream follows it again from ${kept}; subscribers and webhooks that had received changes after ${kept} are told to read the ${agency}'s records again (CURSOR_PAST_THE_END), and those webhooks are removed.`,
    );
    this.name = 'OutboxRewoundError';
  }
}

/** An agency's outbox went back: the changes after `kept` that the stream had carried are undone. */
export interface OutboxRewind {
  readonly agency: Agency;
  readonly kept: number;
  readonly carried: number;
}

/**
 * The error a reader gets whose position is past the changes an agency still holds: the same
 * refusal (BAD_USER_INPUT, reason CURSOR_PAST_THE_END) as a cursor past the end when subscribing,
 * so a partner handles both alike — read the records again, then follow from `changesCursor`.
 */
export function cursorPastTheEnd(message: string, past: readonly UnfollowablePosition[]): AntqError {
  return new AntqError(ErrorCode.BAD_USER_INPUT, message, {
    details: { reason: 'CURSOR_PAST_THE_END', pastTheEnd: past },
    issues: [{ path: 'after', message: 'expected a cursor of this graph, at most its newest change' }],
  });
}

export function isCursorPastTheEnd(error: unknown): boolean {
  return error instanceof AntqError && (error.details as { reason?: unknown } | undefined)?.reason === 'CURSOR_PAST_THE_END';
}

function rewoundCursor(agency: Agency, position: number, kept: number): AntqError {
  return cursorPastTheEnd(
    `The ${agency}'s changes after ${kept} were undone (its store was restored from a backup) and are numbered again: the events after ${agency} ${kept} you received (up to ${position}) are no longer its record. Read the ${agency}'s records you keep again, read changesCursor, and follow from that cursor.`,
    [{ agency, cursor: position, head: kept, reason: 'changed' }],
  );
}

export interface ChangeHubOptions {
  readonly feeds: readonly AgencyFeed[];
  readonly bus?: ChangeBus;
  /** Changes kept per agency for subscribers that resume a little behind (default 10,000). */
  readonly window?: number;
  /** How long a feed's long poll waits for a new change (default 25 s, the subgraph's cap). */
  readonly waitMs?: number;
  readonly onError?: (agency: Agency, error: unknown) => void;
  /**
   * Told when an agency's outbox went back, after the hub has cut what it undid and before its
   * readers hear of it: the webhooks past it are removed first, so none delivers past the cut.
   */
  readonly onRewound?: (rewind: OutboxRewind) => Promise<void>;
}

export interface ChangeHub {
  /** The newest seq this hub holds for each agency: "now", for a subscriber without a cursor. */
  head(): StreamPosition;
  /** The mark of the change the hub holds at an agency's seq; undefined once its window no longer does. */
  markAt(agency: Agency, seq: number): string | undefined;
  /**
   * Each agency's outbox head read at this moment (the hub may not have heard of the newest
   * changes yet), with the marks of those changes; where an agency does not answer within 2 s,
   * the hub's own head, which is no later.
   */
  now(): Promise<StreamCursor>;
  /**
   * Where a cursor cannot be followed, read at this moment: past the end of an agency's outbox (a
   * cursor from another graph, or from before the agency's store was restored from a backup), or
   * at a seq whose change is not the one its mark names (a restore, then new changes numbered past
   * it). Following it would skip changes in silence. An agency that does not answer within 2 s is
   * not judged.
   */
  unfollowable(cursor: StreamCursor): Promise<readonly UnfollowablePosition[]>;
  /**
   * Every change after `after`, per agency in sequence order with no gap, until `signal` aborts.
   * `takes`: the agencies whose changes the reader wants (every agency when undefined). When an
   * agency's outbox goes back, a reader past the cut that takes that agency is stopped
   * (CURSOR_PAST_THE_END: it may hold undone changes); one that does not is moved back to the cut.
   */
  follow(after: StreamPosition, signal: AbortSignal, takes?: ReadonlySet<Agency>): AsyncIterable<StreamChange>;
  close(): Promise<void>;
}

/** An agency's position in a cursor that cannot be followed, and why. */
export interface UnfollowablePosition {
  readonly agency: Agency;
  readonly cursor: number;
  /** The outbox's newest seq. */
  readonly head: number;
  /** Past the end of the outbox, or at a change other than the one the cursor's mark names. */
  readonly reason: 'past-the-end' | 'changed';
}

interface AgencyLog {
  readonly feed: AgencyFeed;
  /** The newest seq held; every seq in (last − window.length, last] is in `window`. */
  last: number;
  window: StreamChange[];
  waiters: Set<() => void>;
  /** Serialises deliveries so the window stays contiguous. */
  delivering: Promise<void>;
  /** Where the outbox went back to, each time it did (rare: a store restored from a backup). */
  readonly rewinds: number[];
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
    // The window starts with the newest changes (one page), so the reader's first check covers a
    // restore before any change is carried, and finds where it went back to within them.
    const from = Math.max(0, head - Math.min(500, windowSize));
    const newest = head > 0 ? (await feed.read(from, head - from, 0)).changes.filter((change) => change.seq <= head) : [];
    logs.set(feed.agency, { feed, last: head, window: newest, waiters: new Set(), delivering: Promise.resolve(), rewinds: [] });
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
      // Up to the change itself: the outbox's copy is the record (a late copy from the bus may predate a restore).
      const readGap = () => log.feed.read(log.last, Math.min(500, change.seq - log.last), 0, stop.signal);
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
  const readers = [...logs.values()].map((log) => readOutbox(log, { bus, waitMs, signal: stop.signal, options }));

  const head = (): StreamPosition => Object.fromEntries([...logs].map(([agency, log]) => [agency, log.last]));
  return {
    head,
    markAt(agency, seq) {
      const log = logs.get(agency);
      const held = log && heldChange(log, seq);
      return held && changeMark(held);
    },
    async now() {
      // The hub's own head is taken first: where an agency does not answer, it is no later than this moment.
      const position = { ...head(), ...(await readOutboxHeads(options.feeds, AbortSignal.timeout(2_000))) };
      const marks = await Promise.all(options.feeds.map(async (feed) => [feed.agency, await markOf(logs.get(feed.agency)!, position[feed.agency] ?? 0)] as const));
      return { position, marks: Object.fromEntries(marks.filter(([, mark]) => mark !== undefined)) };
    },
    async unfollowable({ position, marks }) {
      const judged = await Promise.all(options.feeds.map((feed) => judgePosition(logs.get(feed.agency)!, position[feed.agency] ?? 0, marks[feed.agency])));
      return judged.filter((verdict) => verdict !== undefined);
    },
    follow(after, signal, takes) {
      return followAgencies(logs, after, signal, takes);
    },
    async close() {
      stop.abort();
      for (const log of logs.values()) wake(log);
      await Promise.allSettled(readers);
      await bus.close();
    },
  };
}

/** Wakes the readers waiting on an agency's log. */
function wake(log: AgencyLog): void {
  for (const waiter of [...log.waiters]) waiter();
}

/** How long a judgement of a cursor waits on an agency. */
const JUDGE_TIMEOUT_MS = 2_000;

/** The change the hub holds at `seq` (none at 0, past its head, or behind its window). */
function heldChange(log: AgencyLog, seq: number): StreamChange | undefined {
  return seq > 0 && seq <= log.last ? changeAt(log, seq) : undefined;
}

/** The outbox's head and its change at `seq`, read now; undefined when the agency does not answer in time. */
async function readChangeAt(log: AgencyLog, seq: number): Promise<{ head: number; change: StreamChange | undefined } | undefined> {
  const read = await log.feed.read(seq - 1, 1, 0, AbortSignal.timeout(JUDGE_TIMEOUT_MS)).catch(() => undefined);
  return read && { head: read.head, change: read.changes[0]?.seq === seq ? read.changes[0] : undefined };
}

/** The mark of an agency's change at `seq`: from the window, else read from its outbox; undefined at 0 or when it does not answer. */
async function markOf(log: AgencyLog, seq: number): Promise<string | undefined> {
  if (seq === 0) return undefined;
  const change = heldChange(log, seq) ?? (await readChangeAt(log, seq))?.change;
  return change && changeMark(change);
}

/**
 * Whether a reader can follow an agency from `cursor`. Only a position past the hub's head, or
 * one whose mark differs from the change the hub holds there, is read from the outbox (the hub's
 * copy may predate a restore it has yet to find, and another instance may have found it first).
 * Without a mark (a v1 cursor) only the end of the outbox is judged.
 */
async function judgePosition(log: AgencyLog, cursor: number, mark: string | undefined): Promise<UnfollowablePosition | undefined> {
  if (cursor === 0) return undefined;
  if (cursor <= log.last) {
    const held = heldChange(log, cursor);
    if (mark === undefined || (held !== undefined && changeMark(held) === mark)) return undefined;
  }
  const read = await readChangeAt(log, cursor);
  if (!read) return undefined;
  const agency = log.feed.agency;
  if (cursor > read.head) return { agency, cursor, head: read.head, reason: 'past-the-end' };
  if (mark === undefined || (read.change !== undefined && changeMark(read.change) === mark)) return undefined;
  return { agency, cursor, head: read.head, reason: 'changed' };
}

/** How often, at most, a reader compares what it carried with the agency's outbox. */
const VERIFY_EVERY_MS = 1_000;

/**
 * One agency's reader: long polls its outbox and publishes each change; retries with backoff while
 * the subgraph is away. A store restored from a backup may be written past the reader's position
 * before it reads again, so the changes it carried since the last check are compared with the
 * outbox at most once a second (at once after a failed read), apart from the long polls: a check
 * before each page held every change's delivery up by a round trip through a busy subgraph.
 */
async function readOutbox(log: AgencyLog, hub: { bus: ChangeBus; waitMs: number; signal: AbortSignal; options: ChangeHubOptions }): Promise<void> {
  const { bus, waitMs, signal, options } = hub;
  const agency = log.feed.agency;
  let readFrom = log.last;
  // Every change up to `verified`, as carried, was found in the outbox after it was carried.
  let verified = (log.window[0]?.seq ?? log.last + 1) - 1;
  let verifiedAt = Date.now();
  const goBack = async (upTo: number) => {
    const carried = Math.max(readFrom, log.last);
    const kept = await rewind(log, { upTo, carried }, options, signal);
    options.onError?.(agency, new OutboxRewoundError(agency, carried, kept));
    readFrom = verified = kept;
  };
  const readAndPublish = async () => {
    if (verified < readFrom && Date.now() - verifiedAt >= VERIFY_EVERY_MS) {
      // From the last change checked on: a restore after that check, then written past it, has changed it.
      const differs = await firstChangedSeq(log.feed, carriedBetween(log, Math.max(0, verified - 1), readFrom), signal);
      verifiedAt = Date.now();
      if (differs !== undefined) return goBack(differs - 1);
      verified = readFrom;
    }
    // The long poll ends by the next check due, so that check is at most a second late.
    const wait = verified < readFrom ? Math.min(waitMs, Math.max(0, VERIFY_EVERY_MS - (Date.now() - verifiedAt))) : waitMs;
    const batch = await log.feed.read(readFrom, 500, wait, signal);
    if (batch.head < readFrom) return goBack(batch.head);
    for (const change of batch.changes) {
      await bus.publish(change);
      readFrom = change.seq;
    }
  };
  const onFailure = (error: unknown) => {
    verifiedAt = 0;
    if (!signal.aborted) options.onError?.(agency, error);
  };
  while (!signal.aborted) {
    try {
      await retryUntilDone(readAndPublish, { minDelayMs: 250, maxDelayMs: 5_000, signal, onFailure });
    } catch {
      return; // closed
    }
  }
}

/**
 * An agency's outbox went back behind `carried`, to `upTo` or before: cuts the window to what it
 * still holds, tells `onRewound`, then wakes the readers, which see the cut (and those past it
 * stop). In delivery order, so no change read before the cut lands after it. Resolves with the
 * seq kept.
 */
function rewind(log: AgencyLog, at: { upTo: number; carried: number }, options: ChangeHubOptions, signal: AbortSignal): Promise<number> {
  const agency = log.feed.agency;
  const cut = log.delivering.then(async () => {
    const kept = await lastSharedSeq(log, Math.min(at.upTo, at.carried), signal);
    log.window.splice(Math.max(0, kept + 1 - (log.window[0]?.seq ?? kept + 1)));
    log.last = Math.min(log.last, kept);
    log.rewinds.push(kept);
    await options.onRewound?.({ agency, kept, carried: at.carried }).catch((error: unknown) => options.onError?.(agency, error));
    wake(log);
    return kept;
  });
  log.delivering = cut.then(
    () => undefined,
    () => undefined,
  );
  return cut;
}

/**
 * The newest seq at or below `upTo` whose change the outbox still holds as the hub carried it.
 * A backup holds a beginning of the outbox, so below the first match everything matches: read
 * from the newest down, a page at a time, over the window. Nothing carried to compare: `upTo`;
 * even the window's oldest change gone (the restore went back further than the hub can check): 0.
 */
async function lastSharedSeq(log: AgencyLog, upTo: number, signal: AbortSignal): Promise<number> {
  const oldest = log.window[0]?.seq;
  if (oldest === undefined) return upTo;
  let top = Math.min(upTo, log.last);
  while (top >= oldest) {
    const from = Math.max(oldest - 1, top - 500);
    const { changes } = await log.feed.read(from, top - from, 0, signal);
    for (let index = changes.length - 1; index >= 0; index--) {
      const change = changes[index]!;
      if (change.seq <= top && isSameChange(change, changeAt(log, change.seq))) return change.seq;
    }
    top = from;
  }
  return 0;
}

/**
 * Every agency's changes after `after`, each agency in its own order: from its outbox while behind
 * its window, then from the window as it grows. One generator per reader, taking what each agency
 * has in turn: with thousands of readers, a generator per agency and a merge of them cost each
 * change a handful of promise hops per reader.
 */
async function* followAgencies(logs: ReadonlyMap<Agency, AgencyLog>, after: StreamPosition, signal: AbortSignal, takes?: ReadonlySet<Agency>): AsyncGenerator<StreamChange> {
  const followed = [...logs].map(([agency, log]) => ({ log, position: after[agency] ?? log.last, rewindsSeen: log.rewinds.length }));
  const waiter = readerWaiter(
    followed.map((agency) => agency.log),
    signal,
  );
  try {
    while (!signal.aborted) {
      let handedOut = false;
      for (const agency of followed) {
        const { log } = agency;
        if (agency.rewindsSeen < log.rewinds.length) {
          // The outbox went back: a reader past where it went back to holds changes that were undone.
          const kept = Math.min(...log.rewinds.slice(agency.rewindsSeen));
          agency.rewindsSeen = log.rewinds.length;
          if (agency.position > kept && takes && !takes.has(log.feed.agency)) agency.position = kept;
          else if (agency.position > kept) throw rewoundCursor(log.feed.agency, agency.position, kept);
        }
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
      if (!handedOut) await waiter.idle();
    }
  } finally {
    waiter.close();
  }
}

/**
 * Wakes one reader when any of its logs receives a change, or its signal aborts. One waiter per
 * reader, in every log's set while it follows: no set or listener work per change. A wake while
 * the reader is busy (handing out, reading an outbox) makes it look again instead of waiting.
 */
function readerWaiter(logs: readonly AgencyLog[], signal: AbortSignal): { idle(): Promise<void> | undefined; close(): void } {
  let resume: (() => void) | undefined;
  let missed = false;
  const waiter = () => {
    const waiting = resume;
    resume = undefined;
    if (waiting) waiting();
    else missed = true;
  };
  for (const log of logs) log.waiters.add(waiter);
  signal.addEventListener('abort', waiter, { once: true });
  return {
    idle() {
      if (missed || signal.aborted) {
        missed = false;
        return undefined;
      }
      return new Promise<void>((resolve) => (resume = resolve));
    },
    close() {
      for (const log of logs) log.waiters.delete(waiter);
      signal.removeEventListener('abort', waiter);
    },
  };
}

/** The changes the hub holds in (`from`, `to`], consecutive: those the window still has. */
function carriedBetween(log: AgencyLog, from: number, to: number): StreamChange[] {
  const oldest = log.window[0]?.seq ?? to + 1;
  return log.window.slice(Math.max(0, from + 1 - oldest), Math.max(0, to + 1 - oldest));
}

/** The change the hub holds at `seq`, if its window still does. */
function changeAt(log: AgencyLog, seq: number): StreamChange | undefined {
  const index = seq - (log.window[0]?.seq ?? seq + 1);
  return index >= 0 ? log.window[index] : undefined;
}
