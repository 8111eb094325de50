import { jurisdictionCovers, type Agency, type Caller } from '@antq/sdk';
import {
  notOwningAgencyError,
  outsideJurisdictionError,
  unauthenticatedError,
} from '../errors.js';

/*
 * The caller and its one parser live in the SDK (`@antq/sdk`), so the gateway and every
 * subgraph read a token the same way; re-exported here for the kit's users.
 */
export { Clearance, NATIONAL_JURISDICTION, parseCallerClaims, type Caller, type CallerClaims, type ParsedCaller } from '@antq/sdk';

/** The caller of this operation; throws UNAUTHENTICATED when the gateway forwarded none. */
export function requireCaller(context: { readonly caller?: Caller | undefined }): Caller {
  if (!context.caller) throw unauthenticatedError();
  return context.caller;
}

/**
 * Throws NOT_OWNING_AGENCY unless the caller belongs to `agency`, the owner of the record or
 * subgraph. `record` names what was being changed, for the message.
 */
export function assertOwningAgency(caller: Caller, agency: Agency, record?: { readonly kind: string; readonly id?: string }): void {
  if (caller.agency !== agency) {
    throw notOwningAgencyError({ owner: agency, callerAgency: caller.agency, ...(record ?? {}) });
  }
}

/**
 * Throws OUTSIDE_JURISDICTION unless `areaCode` lies within the caller's jurisdiction (`"VN"`
 * covers the country; no jurisdiction covers nothing). `isWithin(areaCode, ancestorCode)`
 * answers whether an area is in the subtree rooted at another (the SDK's area registry knows
 * the hierarchy, across the 2025 reform).
 */
export function assertJurisdiction(
  caller: Caller,
  areaCode: string,
  isWithin: (areaCode: string, ancestorCode: string) => boolean,
): void {
  if (!jurisdictionCovers(caller.jurisdiction, areaCode, isWithin)) {
    throw outsideJurisdictionError({ areaCode, jurisdiction: caller.jurisdiction });
  }
}

