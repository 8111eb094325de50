import type { AntqClient, ClientGraphQLError } from './client.js';
import { AntqClientError } from './client.js';
import { graphql } from './graphql.js';

/** Where a follower keeps the cursor of the last change it handled (a file, a database row, localStorage …). */
export interface CursorStore {
  load(): string | undefined | Promise<string | undefined>;
  save(cursor: string): void | Promise<void>;
}

/** A cursor kept in memory: enough for a page; a partner keeps it where a restart finds it. */
export function memoryCursorStore(initial?: string): CursorStore & { readonly cursor: string | undefined } {
  let cursor = initial;
  return {
    get cursor() {
      return cursor;
    },
    load: () => cursor,
    save: (next) => void (cursor = next),
  };
}

export const CHANGES_SUBSCRIPTION = graphql(`
  subscription FollowChanges($after: String, $filter: ChangeStreamFilter) {
    changes(after: $after, filter: $filter) {
      cursor
      agency
      seq
      recordKind
      recordId
      change
      area {
        code
      }
      occurredAt
    }
  }
`);

export type ChangeEvent = {
  readonly cursor: string;
  readonly agency: string;
  readonly seq: number;
  readonly recordKind: string;
  readonly recordId: string;
  readonly change: string;
  readonly area: { readonly code: string } | null;
  readonly occurredAt: string;
};

export interface FollowChangesOptions {
  /** Where to start when the store has no cursor yet (omitted: from now). */
  readonly after?: string;
  readonly filter?: { readonly area?: string; readonly agencies?: readonly string[]; readonly recordKinds?: readonly string[]; readonly changes?: readonly string[] };
  /** Handles one change; the cursor is saved only after it resolves, so a crash re-delivers, never skips. */
  readonly onEvent: (event: ChangeEvent) => void | Promise<void>;
  readonly cursorStore?: CursorStore;
  readonly transport?: 'ws' | 'sse';
  /** Told each time the subscription's connection is up: at the start and after every reconnection. */
  readonly onConnected?: () => void;
  /** Told of each reconnection (after a disconnect, a gateway restart …). */
  readonly onReconnect?: (attempt: number, reason: unknown) => void;
  /** Longest wait between reconnections, ms (default 15,000). */
  readonly maxBackoffMs?: number;
  readonly signal?: AbortSignal;
}

export interface ChangeFollower {
  /** Stops following; resolves when the last event handler has finished. */
  stop(): Promise<void>;
  /** Settles when following stops: resolves on `stop`, rejects on a refusal that retrying cannot fix. */
  readonly done: Promise<void>;
}

/** Refusals a reconnection would meet again: the follower stops and says why. */
const FATAL = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'UNKNOWN_AREA']);

/** Stopped for a reason the caller must fix (a bad token, a filter the server refuses). */
export class ChangeFollowError extends Error {
  override readonly name = 'ChangeFollowError';
  constructor(readonly errors: readonly ClientGraphQLError[]) {
    super(`The change stream refused the subscription: ${errors.map((error) => `${error.code}: ${error.message}`).join('; ')}`);
  }
}

/** The gateway ends a subscription when the token it was made with expires (reason TOKEN_EXPIRED). */
function isTokenExpiry(error: ClientGraphQLError): boolean {
  return error.code === 'UNAUTHENTICATED' && error.extensions.reason === 'TOKEN_EXPIRED';
}

/** A subscription ended by its token's expiry: resumed at once, not counted as a failure. */
class TokenExpired extends Error {
  constructor(readonly errors: readonly ClientGraphQLError[]) {
    super(errors[0]?.message ?? 'The token expired.');
  }
}

/**
 * Theo dõi thay đổi — follows the change stream and resumes from the last saved cursor after any
 * disconnect, so each change reaches `onEvent` once, in order — the guarantee the stream gives,
 * kept across the follower's own reconnections and restarts (with a store that outlives it).
 */
export function followChanges(client: AntqClient, options: FollowChangesOptions): ChangeFollower {
  const store = options.cursorStore ?? memoryCursorStore();
  const stopping = new AbortController();
  const external = options.signal;
  if (external) external.addEventListener('abort', () => stopping.abort(external.reason), { once: true });
  const maxBackoff = options.maxBackoffMs ?? 15_000;

  const run = async () => {
    let attempt = 0;
    while (!stopping.signal.aborted) {
      const after = (await store.load()) ?? options.after;
      try {
        for await (const result of client.subscribe(
          CHANGES_SUBSCRIPTION,
          { after: after ?? null, filter: (options.filter as never) ?? null },
          {
            ...(options.transport ? { transport: options.transport } : {}),
            ...(options.onConnected ? { onConnected: options.onConnected } : {}),
            signal: stopping.signal,
          },
        )) {
          // Stopped, perhaps from inside the handler: an event already on its way is not handed out.
          if (stopping.signal.aborted) break;
          if (result.data) {
            attempt = 0;
            const event = result.data.changes as ChangeEvent;
            await options.onEvent(event);
            await store.save(event.cursor);
          } else if (result.errors.some(isTokenExpiry)) {
            // The subscription ended with its token: again at once, with the token the client gives now.
            throw new TokenExpired(result.errors);
          } else if (result.errors.some((error) => FATAL.has(String(error.code)))) {
            throw new ChangeFollowError(result.errors);
          } else if (result.errors.length > 0) {
            throw new AntqClientError('NETWORK_ERROR', result.errors.map((error) => error.message).join('; '));
          }
        }
        if (stopping.signal.aborted) return;
        throw new AntqClientError('NETWORK_ERROR', 'The change stream ended.');
      } catch (error) {
        if (stopping.signal.aborted) return;
        if (error instanceof ChangeFollowError) throw error;
        if (error instanceof TokenExpired) {
          options.onReconnect?.(attempt + 1, error);
          continue;
        }
        // The socket itself refused (graphql-ws 4401/4403): the same token would be refused again.
        if (error instanceof AntqClientError && FATAL.has(error.code)) throw new ChangeFollowError([{ message: error.message, code: error.code, extensions: {} }]);
        attempt += 1;
        options.onReconnect?.(attempt, error);
        const delay = Math.min(maxBackoff, 250 * 2 ** Math.min(attempt - 1, 6)) * (0.5 + Math.random() / 2);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          stopping.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    }
  };

  const done = run();
  // A caller that only ever calls stop() must not see an unhandled rejection; `done` still rejects.
  done.catch(() => undefined);
  return {
    done,
    async stop() {
      stopping.abort();
      await done.catch(() => undefined);
    },
  };
}
