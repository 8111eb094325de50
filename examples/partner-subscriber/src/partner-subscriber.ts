import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** One change as the stream carries it (the fields this partner asks for). */
export interface StreamEvent {
  /** Opaque; resume after this event by passing it as `after`. */
  readonly cursor: string;
  readonly agency: string;
  /** The owning agency's sequence number of this change. */
  readonly seq: number;
  readonly recordKind: string;
  readonly recordId: string;
  /** created, updated, retired, reported, corrected */
  readonly change: string;
  readonly area: { readonly code: string } | null;
  readonly occurredAt: string;
}

/** The `ChangeStreamFilter` input of `Subscription.changes`. */
export interface ChangeStreamFilter {
  /** Changes in this area's subtree, including its pre-2025 units. */
  readonly area?: string;
  /** POLICE, FRONT, VETERANS, YOUTH */
  readonly agencies?: readonly string[];
  readonly recordKinds?: readonly string[];
  readonly changes?: readonly string[];
}

/** What the follower is doing, for logs and tests. */
export type FollowProgress =
  | { readonly kind: 'connecting'; readonly attempt: number; readonly after: string | null }
  | { readonly kind: 'connected' }
  | { readonly kind: 'disconnected'; readonly reason: string; readonly retryInMs: number }
  | { readonly kind: 'duplicate-skipped'; readonly event: StreamEvent }
  | { readonly kind: 'stopped'; readonly cursor: string | null };

export interface FollowChangesOptions {
  /** The gateway's GraphQL endpoint, http(s) or ws(s); http is turned into ws. */
  readonly url: string;
  /** A bearer token, or a function asked for one at every (re)connect — to refresh an expiring token. */
  readonly token: string | (() => string | Promise<string>);
  /** Where the cursor of the last handled event is kept. Read at start, rewritten (atomically) after every event. */
  readonly cursorFile: string;
  readonly filter?: ChangeStreamFilter;
  /**
   * Called once per change, one at a time, in stream order. The cursor is saved only after it
   * returns (or its promise resolves); if it throws, the cursor stays before the event and
   * `followChanges` rejects with the error, so the next run hands the same event again.
   */
  readonly onChange: (event: StreamEvent) => void | Promise<void>;
  /** Stops following; `followChanges` then resolves, after the event in hand (if any) is handled and saved. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FollowProgress) => void;
  /** Reconnect delays: the first, doubling per failed attempt up to the longest, with jitter. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
}

/** Error codes a reconnect cannot cure: the follower stops and `followChanges` rejects. */
const FATAL_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);
/** graphql-ws close codes that mean the same (bad request, unauthorised, forbidden, subprotocol). */
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4406]);

/** A connection up this long before it drops resets the backoff, even if no change came through it. */
const STABLE_CONNECTION_MS = 30_000;

const CHANGES = `subscription PartnerChanges($after: String, $filter: ChangeStreamFilter) {
  changes(after: $after, filter: $filter) { cursor agency seq recordKind recordId change area { code } occurredAt }
}`;

/** An error the stream answered that reconnecting will not fix (bad token, malformed cursor, …). */
export class ChangeStreamError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ChangeStreamError';
  }
}

/** Reads the saved cursor; null when there is none yet. */
export async function readCursorFile(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text === '' ? null : text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Saves a cursor so that a crash leaves either the old or the new one, never a torn file: write
 * a temporary file next to it, flush it to disk, then rename it over the cursor file.
 */
export async function writeCursorFile(file: string, cursor: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(`${cursor}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The last seq handled per agency (lower-case agency code → seq). */
type StreamPosition = Readonly<Record<string, number>>;

/**
 * Where a cursor stands in each agency's sequence, to skip a change handled already. Cursors are
 * opaque to the API; today one is base64url of `v1|front:3,police:12`. Anything else reads as no
 * position (nothing is skipped, and the stream itself refuses a malformed cursor, reported then).
 */
export function positionOf(cursor: string | null): StreamPosition {
  if (cursor === null || !/^[A-Za-z0-9_-]+$/.test(cursor)) return {};
  const [version, body = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (version !== 'v1') return {};
  const position: Record<string, number> = {};
  for (const part of body.split(',').filter(Boolean)) {
    const [agency = '', seq] = part.split(':');
    const value = Number(seq);
    if (!/^[a-z]+$/.test(agency) || !Number.isSafeInteger(value) || value < 0) return {};
    position[agency] = value;
  }
  return position;
}

function errorCodes(error: unknown): string[] {
  const list = Array.isArray(error) ? error : [error];
  return list.map((item) => (item as { extensions?: { code?: unknown } } | null)?.extensions?.code).filter((code): code is string => typeof code === 'string');
}

function describe(error: unknown): string {
  if (Array.isArray(error)) return error.map((item) => (item as { message?: string }).message ?? String(item)).join('; ');
  if (error && typeof error === 'object' && 'code' in error && 'reason' in error) {
    const close = error as { code: number; reason: string };
    return `connection closed (${close.code}${close.reason ? ` ${close.reason}` : ''})`;
  }
  if (error instanceof Error) return error.message;
  // ws's ErrorEvent (the socket could not connect): { message, error }.
  const event = error as { message?: unknown; error?: { message?: unknown; code?: unknown } } | null;
  const cause = event?.error;
  if (cause && typeof cause.message === 'string') return `${cause.message}${typeof cause.code === 'string' && !cause.message.includes(cause.code) ? ` (${cause.code})` : ''}`;
  if (typeof event?.message === 'string' && event.message) return event.message;
  return String(error);
}

/** Whether an error ending a subscription is one reconnecting cannot cure. */
function fatal(error: unknown): ChangeStreamError | null {
  const codes = errorCodes(error);
  const code = codes.find((item) => FATAL_CODES.has(item));
  if (code) return new ChangeStreamError(`The change stream refused the subscription: ${describe(error)}`, code, error);
  if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'number') {
    const closeCode = (error as { code: number }).code;
    if (FATAL_CLOSE_CODES.has(closeCode)) return new ChangeStreamError(`The gateway refused the connection: ${describe(error)}`, String(closeCode), error);
  }
  return null;
}

type Ending = { readonly kind: 'aborted' } | { readonly kind: 'ended'; readonly reason: string; readonly handled: number };

/**
 * Đối tác theo dõi dòng thay đổi — follows the change stream as a partner system does: resumes
 * after the cursor saved in `cursorFile` (from "now" when there is none), hands every change to
 * `onChange`, saves the change's cursor after it, and on any disconnect reconnects with backoff
 * and resumes from the saved cursor. Resolves when `signal` aborts; rejects on a refusal a
 * reconnect cannot cure (bad token, malformed cursor) or when `onChange` throws.
 *
 * Delivery is exactly once as long as the process is not killed between `onChange` returning and
 * the cursor being saved (then the event comes once more: make `onChange` idempotent, e.g. keyed
 * by agency and seq). An event at or before the saved position is skipped, never handed twice.
 */
export async function followChanges(options: FollowChangesOptions): Promise<void> {
  const { signal } = options;
  const initialMs = options.backoff?.initialMs ?? 500;
  const maxMs = options.backoff?.maxMs ?? 30_000;
  const progress = (event: FollowProgress) => {
    try {
      options.onProgress?.(event);
    } catch {
      // a progress reporter must not stop the follower
    }
  };
  const token = typeof options.token === 'function' ? options.token : () => options.token as string;
  const url = options.url.replace(/^http(s?):/, 'ws$1:');

  let cursor = await readCursorFile(options.cursorFile);
  let position = positionOf(cursor);
  let failures = 0;

  /** Handles one event: skip what was handled already, else onChange then save. */
  async function handle(event: StreamEvent): Promise<void> {
    const seen = position[event.agency.toLowerCase()];
    if (seen !== undefined && event.seq <= seen) {
      progress({ kind: 'duplicate-skipped', event });
      return;
    }
    await options.onChange(event);
    await writeCursorFile(options.cursorFile, event.cursor);
    cursor = event.cursor;
    position = positionOf(cursor);
  }

  /** One connection: subscribe after the saved cursor and handle events until it ends. */
  async function connectOnce(attempt: number): Promise<Ending> {
    progress({ kind: 'connecting', attempt, after: cursor });
    const queue: StreamEvent[] = [];
    // Set from the subscription's callbacks: an object, so the loop below reads it fresh.
    const state: { ending: { error?: unknown } | null } = { ending: null };
    let connectedAt: number | undefined;
    let wake: (() => void) | null = null;
    const poke = () => {
      const resume = wake;
      wake = null;
      resume?.();
    };
    const client: Client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: async () => ({ authorization: `Bearer ${await token()}` }),
      retryAttempts: 0, // reconnects are ours: each one resumes from the saved cursor, not the first one
      lazy: true,
      keepAlive: 10_000, // pings find a silently dead connection
      on: {
        connected: () => {
          connectedAt = Date.now();
          progress({ kind: 'connected' });
        },
      },
    });
    const unsubscribe = client.subscribe<{ changes: StreamEvent }>(
      { query: CHANGES, variables: { after: cursor, filter: options.filter ?? null } },
      {
        next: (result) => {
          if (result.errors?.length) state.ending ??= { error: result.errors };
          else if (result.data?.changes) queue.push(result.data.changes);
          poke();
        },
        error: (error) => {
          state.ending ??= { error };
          poke();
        },
        complete: () => {
          state.ending ??= {};
          poke();
        },
      },
    );
    signal?.addEventListener('abort', poke);
    let handled = 0;
    try {
      for (;;) {
        if (signal?.aborted) return { kind: 'aborted' };
        const event = queue.shift();
        if (event) {
          await handle(event);
          handled += 1;
          failures = 0; // the connection works: the next disconnect starts the backoff afresh
          continue;
        }
        if (state.ending) {
          // A connection that held a while was a working one, quiet or not: back off afresh.
          if (connectedAt !== undefined && Date.now() - connectedAt >= STABLE_CONNECTION_MS) failures = 0;
          const { error } = state.ending;
          if (error === undefined) return { kind: 'ended', reason: 'the stream completed the subscription', handled };
          const refusal = fatal(error);
          if (refusal) throw refusal;
          return { kind: 'ended', reason: describe(error), handled };
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      signal?.removeEventListener('abort', poke);
      unsubscribe();
      await client.dispose();
    }
  }

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) break;
    const ending = await connectOnce(attempt);
    if (ending.kind === 'aborted') break;
    failures += 1;
    const ceiling = Math.min(initialMs * 2 ** Math.min(failures - 1, 30), maxMs);
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2); // jitter: many partners do not reconnect in step
    progress({ kind: 'disconnected', reason: ending.reason, retryInMs: delay });
    await sleep(delay, signal);
  }
  progress({ kind: 'stopped', cursor });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
