import { Classification, classOfRecordKind, clearanceScopes, type Agency } from '@antq/sdk';
import type { Caller } from '../identity/index.js';
import type { AreaScopes } from '../records/area-scope.js';
import type { GrantInForce } from './grant-directory.js';

/**
 * Whether a reader may learn of a change — the query side's rules, per event: public kinds to
 * anyone, shared kinds with clearance `shared`, restricted kinds with clearance `restricted` to
 * the owner or under a grant covering the change's area. Grants themselves only to the owner.
 * Used by every feed of changes: an agency's own subscription, the stream and its webhooks.
 */
export function mayReadChange(reader: Caller, change: { agency: Agency; recordKind: string; areaCode: string }, grants: readonly GrantInForce[], scopes: AreaScopes): boolean {
  const needed = classOfRecordKind(change.recordKind);
  if (needed === Classification.PUBLIC) return true;
  if (!clearanceScopes(reader.clearance).includes(needed)) return false;
  if (needed === Classification.SHARED || reader.agency === change.agency) return true;
  if (change.recordKind === 'access_grant') return false;
  return grants.some((grant) => grant.owner === change.agency && (grant.areaCode === null || (change.areaCode !== '' && scopes.covers(grant.areaCode, change.areaCode))));
}
