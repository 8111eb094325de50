import { AntqError, ErrorCode, type Agency } from '@antq/sdk';
import type { SqlExecutor } from '../storage/index.js';
import { latestSeq, readChanges } from './change-outbox.js';
import { waitForChange, type ChangeSignal } from './change-signal.js';

const MAX_PAGE = 1_000;
const MAX_WAIT_MS = 25_000;
/** Without change notices (tests, tools), how often an empty long poll reads again. */
const POLL_MS = 50;

/**
 * `_<agency>ChangesAfter` — the change stream's read of this agency's outbox (hidden from
 * clients by `@inaccessible`; only the gateway's key signs it): a page of changes after a seq,
 * and the newest seq. With `waitMs`, an empty page waits for the first new change — a long poll.
 * Outbox seqs become visible in order (one row lock numbers them), so a page never skips one.
 */
export function createChangesAfterResolver(agency: Agency, storage: () => SqlExecutor, closing: () => boolean = () => false, changes?: ChangeSignal) {
  return async (_: unknown, args: { afterSeq: number; limit?: number | null; waitMs?: number | null }) => {
    const limit = args.limit ?? 500;
    const waitMs = Math.min(Math.max(args.waitMs ?? 0, 0), MAX_WAIT_MS);
    if (!Number.isInteger(args.afterSeq) || args.afterSeq < 0 || !Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE) {
      throw new AntqError(ErrorCode.BAD_USER_INPUT, `afterSeq must be 0 or more and limit from 0 to ${MAX_PAGE}.`);
    }
    const db = storage();
    const deadline = Date.now() + waitMs;
    for (;;) {
      const ticket = changes?.next();
      const head = await latestSeq(db);
      const rows = limit > 0 && head > args.afterSeq ? await readChanges(db, { afterSeq: args.afterSeq, limit }) : [];
      // A subgraph shutting down ends its long polls with what they have — the changes there are
      // and the true head, never an empty page that a reader would take for "nothing after this seq".
      // An outbox that ends before `afterSeq` (its store restored from a backup) is said at once.
      if (rows.length > 0 || limit === 0 || head < args.afterSeq || Date.now() >= deadline || closing()) {
        return {
          head,
          events: rows.map((row) => ({
            cursor: `${agency}:${row.seq}`,
            agency,
            seq: row.seq,
            recordKind: row.recordKind,
            recordId: row.recordId,
            change: row.change,
            area: row.areaCode ? { code: row.areaCode } : null,
            occurredAt: row.occurredAt,
          })),
        };
      }
      // With notices (never lost: the store calls its listeners again after a lost connection), wait out the poll.
      const remaining = Math.max(deadline - Date.now(), 0);
      await waitForChange(ticket, changes ? remaining : Math.min(POLL_MS, remaining));
    }
  };
}
