import { decodeStreamCursor, encodeStreamCursor, type Agency, type StreamPosition } from '@antq/sdk';
import type { ExecutionResult } from 'graphql';
import { subscriptionEvents } from './subscription-events.js';

/** Each agency at the later of two positions; `position` itself when it is nowhere behind `delivered`. */
function furthest(delivered: StreamPosition, position: StreamPosition): StreamPosition {
  const behind = (Object.entries(delivered) as [Agency, number][]).some(([agency, seq]) => (position[agency] ?? -1) < seq);
  if (!behind) return position;
  const merged: Partial<Record<Agency, number>> = { ...delivered };
  for (const [agency, seq] of Object.entries(position) as [Agency, number][]) merged[agency] = Math.max(merged[agency] ?? seq, seq);
  return merged;
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
export function withoutRepeats(source: AsyncIterable<ExecutionResult>, selection: ChangeSelection, from: StreamPosition = {}): AsyncIterableIterator<ExecutionResult> {
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
      const position = decodeStreamCursor(cursor);
      delivered = furthest(delivered, position);
      // The usual case: upstream's own cursor already covers everything delivered.
      if (delivered === position) return result;
      return { ...result, data: { ...result.data, [selection.field]: { ...event, [selection.cursor!]: encodeStreamCursor(delivered) } } };
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
