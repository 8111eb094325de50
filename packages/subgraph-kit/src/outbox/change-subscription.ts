import { AntqError, ErrorCode, requireAgency, type Agency } from '@antq/sdk';
import { forAgency, type TemplateResolvers } from '../records/agency-names.js';
import type { AgencyContext } from '../records/agency-context.js';
import { latestSeq, readChanges, type StoredChange } from './change-outbox.js';
import { waitForChange, type ChangeSignal } from './change-signal.js';
import { createAccessGrantStore } from '../access/access-grants.js';
import { mayReadChange } from '../access/change-access.js';

/** What the `<agency>Changes` subscription sends for one outbox row (the `ChangeEvent` type). */
export interface ChangeEvent {
  readonly cursor: string;
  readonly seq: number;
  /** The agency's code (`police`); the schema answers its enum value, `POLICE`. */
  readonly agency: Agency;
  readonly recordKind: string;
  readonly recordId: string;
  readonly change: string;
  readonly area: { readonly code: string } | null;
  readonly occurredAt: string;
  /** For the field classification check (the record's area). */
  readonly areaCode: string;
}

export interface ChangeSubscriptionOptions {
  readonly agency: Agency;
  /** The store's change notices: a caught-up subscription waits on them. */
  readonly changes?: ChangeSignal;
  /** How often a caught-up subscription reads again anyway: 30 s with `changes`, else 200 ms. */
  readonly pollIntervalMs?: number;
  /** Rows read per query while catching up. Default 100. */
  readonly pageSize?: number;
}

interface ChangeArgs {
  readonly afterSeq?: number | null;
  readonly area?: string | null;
  readonly recordKinds?: readonly string[] | null;
}

/** `police:42` — what a client keeps to resume; the number is what `afterSeq` takes. */
export function changeCursor(agency: Agency, seq: number): string {
  return `${agency}:${seq}`;
}

function toEvent(row: StoredChange): ChangeEvent {
  return {
    cursor: changeCursor(row.agency, row.seq),
    seq: row.seq,
    agency: row.agency,
    recordKind: row.recordKind,
    recordId: row.recordId,
    change: row.change,
    area: row.areaCode ? { code: row.areaCode } : null,
    occurredAt: row.occurredAt,
    areaCode: row.areaCode,
  };
}

/**
 * Dòng thay đổi — the `<agency>Changes` subscription: replays the outbox rows after `afterSeq`
 * (default: the newest sequence number when the subscription starts, so only new changes) page
 * by page, then follows new rows as the store's change notices announce them (PGlite and
 * PostgreSQL alike). Rows are
 * filtered by area (the area's subtree and predecessors) and record kinds; access-grant changes go
 * to the owning agency's callers only. Polling stops when the client unsubscribes.
 */
export function createChangeSubscriptionResolvers(options: ChangeSubscriptionOptions) {
  const { agency } = options;
  // With the store's change notices, reading again now and then is only a safety net.
  const pollIntervalMs = options.pollIntervalMs ?? (options.changes ? 30_000 : 200);
  const pageSize = options.pageSize ?? 100;
  const grantStore = createAccessGrantStore(agency);

  const subscribe = async (_source: unknown, args: ChangeArgs, ctx: AgencyContext): Promise<AsyncIterableIterator<ChangeEvent>> => {
    if (args.afterSeq !== undefined && args.afterSeq !== null && (!Number.isInteger(args.afterSeq) || args.afterSeq < 0)) {
      throw new AntqError(ErrorCode.BAD_USER_INPUT, `afterSeq must be 0 or a seq of an earlier ChangeEvent; got ${String(args.afterSeq)}.`, {
        issues: [{ path: 'afterSeq', message: 'expected an integer of 0 or more' }],
      });
    }
    // Throws the kit's unknown-area error for a code that is in no register.
    const area = typeof args.area === 'string' && args.area !== '' ? ctx.registry.require(args.area).code : undefined;
    const kinds = args.recordKinds ? new Set(args.recordKinds) : undefined;
    const reader = ctx.caller;
    // This subgraph's grants to the reader's agency, read again for every page of changes so a
    // revocation closes the feed too.
    const grantsNow = async () =>
      reader && reader.agency !== agency
        ? (await grantStore.list(ctx.storage, { grantee: reader.agency, activeOnly: true })).map((grant) => ({ owner: agency, areaCode: grant.areaCode }))
        : [];
    const { storage } = ctx;
    const startAfter = args.afterSeq ?? (await latestSeq(storage));

    const wanted = (row: StoredChange, grants: Awaited<ReturnType<typeof grantsNow>>): boolean =>
      (kinds === undefined || kinds.has(row.recordKind)) &&
      reader !== undefined &&
      mayReadChange(reader, { agency, recordKind: row.recordKind, areaCode: row.areaCode }, grants, ctx.scopes) &&
      (area === undefined || (row.areaCode !== '' && ctx.scopes.covers(area, row.areaCode)));

    const stop = new AbortController();
    async function* follow(): AsyncGenerator<ChangeEvent> {
      let after = startAfter;
      while (!stop.signal.aborted) {
        const ticket = options.changes?.next();
        const rows = await readChanges(storage, { afterSeq: after, limit: pageSize });
        if (stop.signal.aborted) return;
        const grants = rows.length > 0 ? await grantsNow() : [];
        for (const row of rows) {
          after = row.seq;
          if (wanted(row, grants)) yield toEvent(row);
          if (stop.signal.aborted) return;
        }
        // A full page means more rows are waiting: read on at once; else wait for new ones.
        if (rows.length < pageSize) await waitForChange(ticket, pollIntervalMs, stop.signal);
      }
    }

    const generator = follow();
    const iterator: AsyncIterableIterator<ChangeEvent> = {
      [Symbol.asyncIterator]() {
        return iterator;
      },
      next: () => generator.next(),
      // Stops a pending poll first: the generator cannot take `return` while it awaits.
      return: async (value?: unknown) => {
        stop.abort();
        await generator.return(undefined);
        return { done: true, value: value as ChangeEvent };
      },
      throw: async (error?: unknown) => {
        stop.abort();
        return generator.throw(error);
      },
    };
    return iterator;
  };

  const resolvers = {
    Subscription: {
      templateChanges: {
        subscribe,
        resolve: (event: ChangeEvent) => event,
      },
    },
  } satisfies TemplateResolvers;
  // Written for the placeholder agency (templateChanges); served under the agency's name (policeChanges).
  return forAgency(resolvers, requireAgency(agency));
}
