import { encodeStreamCursor, readStreamCursor, type Agency, type StreamCursor } from '@antq/sdk';
import type { ExecutionResult } from 'graphql';
import { subscriptionEvents } from './subscription-events.js';

/** Each agency at the later of two cursors, with its mark; `cursor` itself when it is nowhere behind `delivered`. */
function furthest(delivered: StreamCursor, cursor: StreamCursor): StreamCursor {
  const behind = (Object.entries(delivered.position) as [Agency, number][]).some(([agency, seq]) => (cursor.position[agency] ?? -1) < seq);
  if (!behind) return cursor;
  const position: Partial<Record<Agency, number>> = { ...delivered.position };
  const marks: Partial<Record<Agency, string>> = { ...delivered.marks };
  for (const [agency, seq] of Object.entries(cursor.position) as [Agency, number][]) {
    if (seq < (position[agency] ?? -1)) continue;
    position[agency] = seq;
    if (cursor.marks[agency] === undefined) delete marks[agency];
    else marks[agency] = cursor.marks[agency];
  }
  return { position, marks };
}

/** Where the selection of the `changes` field puts an event's fields. */
export interface ChangeSelection {
  /** Response key of the `changes` field. */
  readonly field: string;
  /** Response key of its `cursor`, when selected. */
  readonly cursor?: string;
}

/**
 * Drops what a subscriber has already had (events at or before the last seq it got of their
 * agency), and gives each event it passes a cursor at least as far as everything delivered
 * before it. An upstream subscription opened again from the client's first cursor replays, and
 * its cursors lag in the agencies it has not caught up with yet: resuming from such a cursor
 * would bring those agencies' changes a second time.
 */
export function withoutRepeats(
  source: AsyncIterable<ExecutionResult>,
  selection: ChangeSelection,
  from: StreamCursor = { position: {}, marks: {} },
): AsyncIterableIterator<ExecutionResult> {
  const seen = new Map<string, number>();
  let delivered = from;
  return subscriptionEvents(source, {
    step(result) {
      const event = (result.data as Record<string, Record<string, unknown> | null> | null | undefined)?.[selection.field];
      if (typeof event?.agency === 'string' && typeof event.seq === 'number') {
        if (event.seq <= (seen.get(event.agency) ?? -1)) return undefined;
        seen.set(event.agency, event.seq);
      }
      const cursor = selection.cursor === undefined ? undefined : event?.[selection.cursor];
      if (typeof cursor !== 'string') return result;
      const read = readStreamCursor(cursor);
      delivered = furthest(delivered, read);
      // The usual case: upstream's own cursor already covers everything delivered.
      if (delivered === read) return result;
      return { ...result, data: { ...result.data, [selection.field]: { ...event, [selection.cursor!]: encodeStreamCursor(delivered.position, delivered.marks) } } };
    },
  });
}

/**
 * `read`, one at a time, shared: a caller gets a read that started after it called, never one
 * already out (that one may predate it), and the callers that come while a read is out share the
 * next one.
 */
export function sharedReads<T>(read: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = () => (current = read().finally(() => (current = undefined)));
  return () => {
    if (!current) return start();
    next ??= current
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}
