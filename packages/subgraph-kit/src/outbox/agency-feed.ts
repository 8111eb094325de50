import type { Agency } from '@antq/sdk';
import { postSignedSystemRequest } from '../identity/system-request.js';

/** One change as the stream carries it. */
export interface StreamChange {
  readonly agency: Agency;
  readonly seq: number;
  readonly recordKind: string;
  readonly recordId: string;
  readonly change: string;
  /** '' for changes of no area (national grants). */
  readonly areaCode: string;
  readonly occurredAt: string;
}

export interface ChangeBatch {
  /** The agency's newest seq when the batch was read. */
  readonly head: number;
  readonly changes: readonly StreamChange[];
}

/**
 * The same change of an outbox, field for field. A store restored from a backup numbers other
 * changes with the seqs of those it lost: a reader that compares the change at its position with
 * the one it read there learns that the outbox went back, even once it has grown past that seq.
 */
export function isSameChange(a: StreamChange | undefined, b: StreamChange | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.agency === b.agency &&
    a.seq === b.seq &&
    a.recordKind === b.recordKind &&
    a.recordId === b.recordId &&
    a.change === b.change &&
    a.areaCode === b.areaCode &&
    a.occurredAt === b.occurredAt
  );
}

/**
 * The seq of the first of `carried` (one agency's changes, consecutive) that the agency's outbox no
 * longer holds as it was read (or no longer holds at all); undefined when it holds them all. Read
 * in pages of at most 500 without waiting: how a reader finds that the store was restored from a
 * backup since it read them, even if it has been written past them again.
 */
export async function firstChangedSeq(feed: AgencyFeed, carried: readonly StreamChange[], signal?: AbortSignal): Promise<number | undefined> {
  for (let start = 0; start < carried.length; start += 500) {
    const expected = carried.slice(start, start + 500);
    const { changes } = await feed.read(expected[0]!.seq - 1, expected.length, 0, signal);
    // Outbox seqs are gap-free: the page holds the same seqs in the same order.
    const index = expected.findIndex((change, at) => !isSameChange(changes[at], change));
    if (index >= 0) return expected[index]!.seq;
  }
  return undefined;
}

/**
 * Reads one agency's change outbox through its subgraph (`_<agency>ChangesAfter`, hidden from
 * clients): a page after a seq, waiting up to `waitMs` for the first new change — a long poll,
 * so a caught-up feed costs one open request, not a stream of empty ones.
 */
export function createAgencyFeed(options: { agency: Agency; url: string; signingKey: string }) {
  const { agency } = options;
  const field = `_${agency}ChangesAfter`;
  const query = `query ($afterSeq: Int!, $limit: Int!, $waitMs: Int!) {
    ${field}(afterSeq: $afterSeq, limit: $limit, waitMs: $waitMs) { head events { seq recordKind recordId change area { code } occurredAt } }
  }`;
  return {
    agency,
    async read(afterSeq: number, limit: number, waitMs: number, signal?: AbortSignal): Promise<ChangeBatch> {
      const body = await postSignedSystemRequest<
        Record<string, { head: number; events: { seq: number; recordKind: string; recordId: string; change: string; area: { code: string } | null; occurredAt: string }[] }>
      >(
        options.url,
        { query, variables: { afterSeq, limit, waitMs } },
        { signingKey: options.signingKey, audience: agency, timeoutMs: waitMs + 10_000, ...(signal ? { signal } : {}) },
      );
      const batch = body.data?.[field];
      if (!batch) throw new Error(`The ${agency} subgraph did not return its changes: ${body.errors?.[0]?.message ?? 'no data'}`);
      return {
        head: batch.head,
        changes: batch.events.map((event) => ({
          agency,
          seq: event.seq,
          recordKind: event.recordKind,
          recordId: event.recordId,
          change: event.change,
          areaCode: event.area?.code ?? '',
          occurredAt: event.occurredAt,
        })),
      };
    },
  };
}

export type AgencyFeed = ReturnType<typeof createAgencyFeed>;

/**
 * Each agency's newest outbox seq, read in parallel: the position of this moment, which nothing
 * committed later is behind. An agency that has not answered by `signal` is left out.
 */
export async function readOutboxHeads(feeds: readonly AgencyFeed[], signal?: AbortSignal): Promise<Partial<Record<Agency, number>>> {
  const heads = await Promise.allSettled(feeds.map(async (feed) => [feed.agency, (await feed.read(0, 0, 0, signal)).head] as const));
  return Object.fromEntries(heads.flatMap((head) => (head.status === 'fulfilled' ? [head.value] : [])));
}
