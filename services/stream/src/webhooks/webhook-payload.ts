import { Agency } from '@antq/sdk';
import type { StreamChange } from '@antq/subgraph-kit';
import type { ChangeFilter } from '../follow-changes.js';
import type { StoredWebhookFilter } from './webhook-store.js';

/** The body of one delivery. `areaCode` is null for changes of no area. */
export interface WebhookPayload {
  readonly cursor: string;
  readonly agency: string;
  readonly seq: number;
  readonly recordKind: string;
  readonly recordId: string;
  readonly change: string;
  readonly areaCode: string | null;
  readonly occurredAt: string;
}

/**
 * The GraphQL enum value of each agency (police → POLICE): the payload names agencies as the
 * subscription's events do, from the same map the schema converts with (the SDK's `Agency`).
 */
const AGENCY_ENUM_VALUE = Object.fromEntries(Object.entries(Agency).map(([enumValue, code]) => [code, enumValue])) as Record<Agency, keyof typeof Agency>;

export function toWebhookPayload(change: StreamChange, cursor: string): WebhookPayload {
  return {
    cursor,
    agency: AGENCY_ENUM_VALUE[change.agency],
    seq: change.seq,
    recordKind: change.recordKind,
    recordId: change.recordId,
    change: change.change,
    areaCode: change.areaCode === '' ? null : change.areaCode,
    occurredAt: change.occurredAt,
  };
}

export function toChangeFilter(stored: StoredWebhookFilter): ChangeFilter {
  return {
    ...(stored.area ? { area: stored.area } : {}),
    ...(stored.agencies ? { agencies: new Set(stored.agencies) } : {}),
    ...(stored.recordKinds ? { recordKinds: new Set(stored.recordKinds) } : {}),
    ...(stored.changes ? { changes: new Set(stored.changes) } : {}),
  };
}
