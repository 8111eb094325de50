import { AntqError, encodeStreamCursor, ErrorCode, isAgencyCode, type Agency, type StreamPosition } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import { CHANGE_KINDS, mayReadChange, type AreaScopes, type Caller, type StreamChange } from '@antq/subgraph-kit';
import { cursorPastTheEnd, type ChangeHub } from './change-hub.js';
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
 * Refuses a cursor past the end of an agency's changes, which a subscriber or a webhook would
 * otherwise follow in silence, skipping every change made until the agency's sequence reached it.
 */
export async function refuseCursorPastTheEnd(hub: ChangeHub, after: StreamPosition): Promise<void> {
  const past = await hub.pastTheEnd(after);
  if (past.length === 0) return;
  const where = past.map(({ agency, cursor, head }) => `the ${agency}'s at ${cursor}, where its newest change is ${head}`).join('; ');
  throw cursorPastTheEnd(
    `The cursor is past the end of the changes (${where}): it comes from another graph, or the agency's store was restored from a backup, and following it would skip every change up to it. Read changesCursor, read again the records you keep, and follow from that cursor.`,
    past,
  );
}

/**
 * Follows the hub for one reader — a subscriber or a webhook — from a position, keeping the
 * position of everything seen (filtered out or not) in the cursor of each event it hands out.
 */
export async function* followChanges(input: {
  hub: ChangeHub;
  after: StreamPosition;
  filter: ChangeFilter;
  reader: Caller;
  scopes: AreaScopes;
  grantsFor: (agency: Agency) => Promise<readonly { owner: Agency; areaCode: string | null }[]>;
  signal: AbortSignal;
}): AsyncGenerator<{ change: StreamChange; cursor: string }> {
  const position: Record<string, number> = { ...input.hub.head(), ...input.after };
  for await (const change of input.hub.follow(input.after, input.signal, input.filter.agencies)) {
    position[change.agency] = change.seq;
    if (!matchesFilter(input.filter, change, input.scopes)) continue;
    // Grants are read per event (cached briefly), so a revocation closes the stream too.
    if (!mayReadChange(input.reader, change, await input.grantsFor(input.reader.agency), input.scopes)) continue;
    yield { change, cursor: encodeStreamCursor(position) };
  }
}
