import type { Agency } from '@antq/sdk';
import type { AgencyFeed, ChangeBatch, StreamChange } from '@antq/subgraph-kit';

/**
 * An agency's change outbox in memory, for testing the hub and the webhooks without agency
 * subgraphs: the same shape as AgencyFeed over an array the test appends to; long polls like the real one.
 */
export function memoryFeed(agency: Agency) {
  const changes: StreamChange[] = [];
  // Records are numbered apart from seqs: a change numbered again after a restore is another change.
  let made = 0;
  const waiters = new Set<() => void>();
  let down = false;
  // Pages read without waiting: the hub's checks of what it carried (and its gap reads).
  let pagesAtOnce = 0;
  const feed = {
    agency,
    async read(afterSeq: number, limit: number, waitMs: number, signal?: AbortSignal): Promise<ChangeBatch> {
      if (down) throw new Error(`the ${agency} is down`);
      if (waitMs === 0 && limit > 0) pagesAtOnce += 1;
      const page = () => changes.filter((change) => change.seq > afterSeq).slice(0, limit);
      if (page().length === 0 && waitMs > 0 && limit > 0 && !signal?.aborted) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waiters.delete(done);
            signal?.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, waitMs);
          waiters.add(done);
          signal?.addEventListener('abort', done, { once: true });
        });
      }
      return { head: changes.length, changes: page() };
    },
  } satisfies AgencyFeed;
  return {
    feed,
    append(recordKind = 'security_model', change = 'created', areaCode = '79'): StreamChange {
      const event: StreamChange = {
        agency,
        seq: changes.length + 1,
        recordKind,
        recordId: `${agency}-${++made}`,
        change,
        areaCode,
        occurredAt: new Date().toISOString(),
      };
      changes.push(event);
      for (const waiter of [...waiters]) waiter();
      return event;
    },
    /** The change the outbox holds at `seq`. */
    at(seq: number): StreamChange {
      return changes[seq - 1]!;
    },
    /** How many pages were read without waiting so far. */
    pagesReadAtOnce: () => pagesAtOnce,
    /** The agency's subgraph stops answering (true) or answers again. */
    setDown(value: boolean): void {
      down = value;
    },
    /** The outbox as a backup held it: every change after `seq` gone, and its numbers free again. */
    restore(seq: number): void {
      changes.splice(seq);
    },
  };
}
