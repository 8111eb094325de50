import { AntqError, encodeStreamCursor, ErrorCode, isAgencyCode, type Agency, type StreamCursor } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import { CHANGE_KINDS, mayReadChange, type AreaScopes, type Caller, type StreamChange } from '@antq/subgraph-kit';
import { changeMark } from './change-mark.js';
import { cursorPastTheEnd, type ChangeHub, type UnfollowablePosition } from './change-hub.js';
import type { StreamEvent } from './generated/resolver-types.js';

/** What a subscriber asked for. */
export interface ChangeFilter {
  readonly area?: string;
  readonly agencies?: ReadonlySet<Agency>;
  readonly recordKinds?: ReadonlySet<string>;
  readonly changes?: ReadonlySet<string>;
}

export function readChangeFilter(registry: AreaRegistry, input: Record<string, unknown> | null | undefined): ChangeFilter {
  if (!input) return {};
  const list = (value: unknown) => (Array.isArray(value) && value.length > 0 ? new Set(value.map((item) => String(item).toLowerCase())) : undefined);
  // The schema maps `Agency` values to the SDK's codes (POLICE → police), so these are codes already.
  const agencies =
    Array.isArray(input.agencies) && input.agencies.length > 0 ? input.agencies.filter((item): item is Agency => typeof item === 'string' && isAgencyCode(item)) : undefined;
  return {
    ...(typeof input.area === 'string' && input.area !== '' ? { area: registry.require(input.area).code } : {}),
    ...(agencies ? { agencies: new Set(agencies) } : {}),
    ...(list(input.recordKinds) ? { recordKinds: list(input.recordKinds)! } : {}),
    ...(list(input.changes) ? { changes: knownChanges(list(input.changes)!) } : {}),
  };
}

/** A change kind the outbox never writes is a typo that would select nothing, forever. */
function knownChanges(changes: Set<string>): Set<string> {
  for (const change of changes) {
    if ((CHANGE_KINDS as readonly string[]).includes(change)) continue;
    const message = `unknown change "${change.slice(0, 40)}"; the changes are ${CHANGE_KINDS.join(', ')}`;
    throw new AntqError(ErrorCode.BAD_USER_INPUT, `Invalid filter: ${message}.`, { issues: [{ path: 'filter.changes', message }] });
  }
  return changes;
}

export function matchesFilter(filter: ChangeFilter, change: StreamChange, scopes: AreaScopes): boolean {
  return (
    (!filter.agencies || filter.agencies.has(change.agency)) &&
    (!filter.recordKinds || filter.recordKinds.has(change.recordKind)) &&
    (!filter.changes || filter.changes.has(change.change)) &&
    (!filter.area || (change.areaCode !== '' && scopes.covers(filter.area, change.areaCode)))
  );
}

/** The event a subscriber receives, with the cursor that resumes after it. */
export function toStreamEvent(change: StreamChange, cursor: string): StreamEvent {
  return {
    cursor,
    agency: change.agency,
    seq: change.seq,
    recordKind: change.recordKind,
    recordId: change.recordId,
    change: change.change,
    area: change.areaCode ? { code: change.areaCode } : null,
    occurredAt: change.occurredAt,
  };
}

/**
 * Refuses a cursor that cannot be followed — past the end of an agency's changes, or at a change
 * its store no longer holds (restored from a backup, then written past the cursor) — which a
 * subscriber or a webhook would otherwise follow in silence, skipping changes.
 */
export async function refuseUnfollowableCursor(hub: ChangeHub, after: StreamCursor): Promise<void> {
  const unfollowable = await hub.unfollowable(after);
  if (unfollowable.length === 0) return;
  throw cursorPastTheEnd(
    `The cursor cannot be followed (${describeUnfollowable(unfollowable)}): following it would skip changes. Read changesCursor, read again the records you keep, and follow from that cursor.`,
    unfollowable,
  );
}

/** Why each position of a cursor cannot be followed, in words for the partner. */
export function describeUnfollowable(unfollowable: readonly UnfollowablePosition[]): string {
  return unfollowable.map(describePosition).join('; ');
}

function describePosition({ agency, cursor, head, reason }: UnfollowablePosition): string {
  return reason === 'past-the-end'
    ? `the ${agency}'s position ${cursor} is past its newest change, ${head}: the cursor comes from another graph, or the ${agency}'s store was restored from a backup`
    : `the ${agency}'s change ${cursor} is not the one the cursor was given after: the ${agency}'s store was restored from a backup and its changes numbered again (its newest is ${head})`;
}

/**
 * Where a reader starts: `after` where it says, the hub's head ("now") for the agencies it does
 * not name, each with the mark of the change it stands at: the cursor's, else the hub's (a v1
 * cursor, or the gateway's "now", is taken as standing at the change the hub holds there).
 */
export function startingCursor(hub: ChangeHub, after: StreamCursor): StreamCursor {
  const position = { ...hub.head(), ...after.position };
  const marks: Partial<Record<Agency, string>> = {};
  for (const [agency, seq] of Object.entries(position) as [Agency, number][]) {
    const mark = after.marks[agency] ?? hub.markAt(agency, seq);
    if (mark !== undefined) marks[agency] = mark;
  }
  return { position, marks };
}

/** A change the reader may see without a grant (public, shared, or its own agency's) needs no read of them. */
const NO_GRANTS: readonly never[] = [];

/**
 * Follows the hub for one reader — a subscriber or a webhook — from a position, keeping the
 * position of everything seen (filtered out or not) in the cursor of each event it hands out.
 */
export async function* followChanges(input: {
  hub: ChangeHub;
  after: StreamCursor;
  filter: ChangeFilter;
  reader: Caller;
  scopes: AreaScopes;
  grantsFor: (agency: Agency) => Promise<readonly { owner: Agency; areaCode: string | null }[]>;
  signal: AbortSignal;
}): AsyncGenerator<{ change: StreamChange; cursor: string }> {
  const start = startingCursor(input.hub, input.after);
  const position: Record<string, number> = { ...start.position };
  const marks: Record<string, string> = { ...start.marks };
  for await (const change of input.hub.follow(input.after.position, input.signal, input.filter.agencies)) {
    position[change.agency] = change.seq;
    marks[change.agency] = changeMark(change);
    if (!matchesFilter(input.filter, change, input.scopes)) continue;
    // Grants are read per event that needs them (cached briefly), so a revocation closes the stream too.
    if (!mayReadChange(input.reader, change, NO_GRANTS, input.scopes) && !mayReadChange(input.reader, change, await input.grantsFor(input.reader.agency), input.scopes)) continue;
    yield { change, cursor: encodeStreamCursor(position, marks) };
  }
}
