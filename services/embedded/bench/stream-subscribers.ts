// The subscribers of the change stream benchmark, in their own process as partners are: their
// WebSocket and JSON work is theirs, not the graph's. Driven over IPC by change-stream.bench.ts.
// Each selects the cursor, as a partner that resumes after a restart does.
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** What the bench asks of this process. */
export type SubscriberCommand =
  | { readonly kind: 'connect'; readonly url: string; readonly token: string; readonly count: number }
  | { readonly kind: 'await'; readonly recordId: string; readonly count: number; readonly timeoutMs: number }
  | { readonly kind: 'report'; readonly ids: readonly string[] }
  | { readonly kind: 'close' };

export type SubscriberReply =
  | { readonly kind: 'connected' }
  | { readonly kind: 'awaited'; readonly received: number }
  /** When each subscriber received each change, and when the change was committed (its `occurredAt`). */
  | { readonly kind: 'report'; readonly times: Record<string, number[]>; readonly committed: Record<string, number> }
  | { readonly kind: 'closed' }
  | { readonly kind: 'error'; readonly message: string };

/** Wall-clock milliseconds with sub-millisecond resolution: comparable across processes on one machine. */
export const now = (): number => performance.timeOrigin + performance.now();

const received = new Map<string, number[]>();
const committed = new Map<string, number>();
const waiters = new Set<() => void>();
let clients: Client[] = [];
const send = (reply: SubscriberReply) => process.send!(reply);

function connect(url: string, token: string, count: number): void {
  for (let index = 0; index < count; index++) {
    const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    clients.push(client);
    client.subscribe<{ changes: { cursor: string; recordId: string; occurredAt: string } }>(
      { query: 'subscription { changes { cursor recordId occurredAt } }' },
      {
        next: (result) => {
          const id = result.data?.changes.recordId;
          if (!id) return;
          const times = received.get(id) ?? [];
          times.push(now());
          received.set(id, times);
          if (times.length === 1) committed.set(id, Date.parse(result.data!.changes.occurredAt));
          for (const wake of [...waiters]) wake();
        },
        error: (error) => send({ kind: 'error', message: describe(error) }),
        complete: () => undefined,
      },
    );
  }
}

/** A subscription's error: GraphQL errors, a socket's error event or its close. */
function describe(error: unknown): string {
  if (Array.isArray(error)) return JSON.stringify(error).slice(0, 200);
  const { message, code, reason, type } = error as { message?: string; code?: number; reason?: string; type?: string };
  return [type, code, reason, message].filter((part) => part !== undefined && part !== '').join(' ') || String(error);
}

/** Resolves when `count` subscribers have `recordId`, or at the timeout; with how many have it. */
function awaitRecord(recordId: string, count: number, timeoutMs: number): Promise<number> {
  const have = () => received.get(recordId)?.length ?? 0;
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiters.delete(check);
      resolve(have());
    };
    const check = () => {
      if (have() >= count) done();
    };
    const timer = setTimeout(done, timeoutMs);
    waiters.add(check);
    check();
  });
}

process.on('message', (command: SubscriberCommand) => {
  void (async () => {
    if (command.kind === 'connect') {
      connect(command.url, command.token, command.count);
      send({ kind: 'connected' });
    } else if (command.kind === 'await') {
      send({ kind: 'awaited', received: await awaitRecord(command.recordId, command.count, command.timeoutMs) });
    } else if (command.kind === 'report') {
      send({ kind: 'report', times: Object.fromEntries(command.ids.map((id) => [id, received.get(id) ?? []])), committed: Object.fromEntries(committed) });
      received.clear();
      committed.clear();
    } else {
      await Promise.all(clients.map((client) => client.dispose()));
      clients = [];
      received.clear();
      committed.clear();
      send({ kind: 'closed' });
    }
  })();
});
