import { Classification, clearanceScopes, type Agency } from '@antq/sdk';
import type { AreaScopes, Caller } from '@antq/subgraph-kit';

/**
 * The class of what a change event reveals, by the kind of record it is about — the same class
 * as the record's fields in the SDL: figures are shared, designations and grants restricted.
 */
const RECORD_CLASS: Readonly<Record<string, Classification>> = {
  security_model: Classification.PUBLIC,
  volunteer_force: Classification.PUBLIC,
  residential_area: Classification.PUBLIC,
  safety_recognition: Classification.PUBLIC,
  exemplary_commune_pilot: Classification.PUBLIC,
  movement_rating: Classification.PUBLIC,
  observation: Classification.SHARED,
  complex_area_designation: Classification.RESTRICTED,
  transformation_result: Classification.RESTRICTED,
  access_grant: Classification.RESTRICTED,
};

/** Unknown kinds are treated as restricted: a new record kind is closed until classified. */
export function classOfRecordKind(recordKind: string): Classification {
  return RECORD_CLASS[recordKind] ?? Classification.RESTRICTED;
}

/** A grant in force, as the stream needs it: who granted, and for which area (none: everywhere). */
export interface ActiveGrant {
  readonly owner: Agency;
  readonly areaCode: string | null;
}

/** Whether a subscriber may learn of a change: the rules of the query side, per event. */
export function maySee(
  caller: Caller,
  event: { agency: Agency; recordKind: string; areaCode: string },
  grants: readonly ActiveGrant[],
  scopes: AreaScopes,
): boolean {
  const needed = classOfRecordKind(event.recordKind);
  if (needed === Classification.PUBLIC) return true;
  const held = clearanceScopes(caller.clearance);
  if (!held.includes(needed)) return false;
  if (needed === Classification.SHARED) return true;
  if (caller.agency === event.agency) return true;
  // Access grants themselves are the owner's business only.
  if (event.recordKind === 'access_grant') return false;
  return grants.some((grant) => grant.owner === event.agency && (grant.areaCode === null || (event.areaCode !== '' && scopes.covers(grant.areaCode, event.areaCode))));
}
