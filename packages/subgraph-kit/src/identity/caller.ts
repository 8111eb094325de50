import { Agency, Organisation } from '@antq/sdk';
import {
  notOwningAgencyError,
  outsideJurisdictionError,
  unauthenticatedError,
} from '../errors.js';

/**
 * Mức tiếp cận — how far a caller may see into classified fields. Field classifications are
 * public, shared between participating agencies, or restricted to the owner (architecture.md,
 * "Identity, access and audit"); a caller's clearance is the highest class it may be shown.
 */
export const Clearance = {
  PUBLIC: 'public',
  SHARED: 'shared',
  RESTRICTED: 'restricted',
} as const;
export type Clearance = (typeof Clearance)[keyof typeof Clearance];

/**
 * Người gọi — the person or system on whose behalf the gateway calls a subgraph, as the gateway
 * verified it from the caller's JWT and forwarded it in the signed request.
 */
export interface Caller {
  /** The token's `sub`: who acts. Recorded as the author of writes. */
  readonly subject: string;
  /** The agency the caller works for. */
  readonly agency: Agency;
  /** The organisation within the agency (for the Front: one of its member organisations). */
  readonly organisation: Organisation;
  /** Địa bàn phụ trách — the area code at the root of the caller's jurisdiction; none means no area-bound rights. */
  readonly jurisdiction: string | undefined;
  readonly roles: readonly string[];
  readonly clearance: Clearance;
  /** Every claim of the forwarded payload, for rules this interface does not model. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * The JWT payload the gateway forwards (Hive's `forward.payload`, in `extensions.jwt.payload`).
 * Claim names are the ones the development issuer and the OIDC mapping produce.
 */
export interface CallerClaims {
  readonly sub: string;
  /** An agency code (`police`, `front`, `veterans`, `youth`); upper case (`POLICE`) is accepted too. */
  readonly agency: string;
  /** Defaults to the agency's own organisation. */
  readonly organisation?: string;
  readonly jurisdiction?: string;
  readonly roles?: readonly string[];
  /** Defaults to `public`. */
  readonly clearance?: string;
  readonly [claim: string]: unknown;
}

const AGENCIES = new Set<string>(Object.values(Agency));
const ORGANISATIONS = new Set<string>(Object.values(Organisation));
const CLEARANCES = new Set<string>(Object.values(Clearance));

/** The organisation a caller belongs to when its token names only the agency. */
const AGENCY_ORGANISATION: Readonly<Record<Agency, Organisation>> = {
  police: 'police',
  front: 'fatherland_front',
  veterans: 'veterans_association',
  youth: 'youth_union',
};

/** The result of {@link parseCallerClaims}: a caller, or what is wrong with the claims. */
export type ParsedCaller = { readonly ok: true; readonly caller: Caller } | { readonly ok: false; readonly problem: string };

/** Reads a forwarded JWT payload into a {@link Caller}; says which claim is missing or wrong. */
export function parseCallerClaims(payload: unknown): ParsedCaller {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, problem: 'the JWT payload is not an object' };
  }
  const claims = payload as Record<string, unknown>;
  const { sub, agency, organisation, jurisdiction, roles, clearance } = claims;
  if (typeof sub !== 'string' || sub.length === 0) return { ok: false, problem: 'claim "sub" must be a non-empty string' };
  const agencyCode = typeof agency === 'string' ? agency.toLowerCase() : undefined;
  if (agencyCode === undefined || !AGENCIES.has(agencyCode)) {
    return { ok: false, problem: `claim "agency" must be one of ${[...AGENCIES].join(', ')}` };
  }
  const agencyValue = agencyCode as Agency;
  let organisationValue: Organisation = AGENCY_ORGANISATION[agencyValue];
  if (organisation !== undefined && organisation !== null) {
    const code = typeof organisation === 'string' ? organisation.toLowerCase() : undefined;
    if (code === undefined || !ORGANISATIONS.has(code)) {
      return { ok: false, problem: `claim "organisation" must be one of ${[...ORGANISATIONS].join(', ')}` };
    }
    organisationValue = code as Organisation;
  }
  if (jurisdiction !== undefined && jurisdiction !== null && (typeof jurisdiction !== 'string' || jurisdiction.length === 0)) {
    return { ok: false, problem: 'claim "jurisdiction" must be an area code' };
  }
  if (roles !== undefined && roles !== null && (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string'))) {
    return { ok: false, problem: 'claim "roles" must be a list of strings' };
  }
  let clearanceValue: Clearance = Clearance.PUBLIC;
  if (clearance !== undefined && clearance !== null) {
    const code = typeof clearance === 'string' ? clearance.toLowerCase() : undefined;
    if (code === undefined || !CLEARANCES.has(code)) {
      return { ok: false, problem: `claim "clearance" must be one of ${[...CLEARANCES].join(', ')}` };
    }
    clearanceValue = code as Clearance;
  }
  return {
    ok: true,
    caller: Object.freeze({
      subject: sub,
      agency: agencyValue,
      organisation: organisationValue,
      jurisdiction: typeof jurisdiction === 'string' ? jurisdiction : undefined,
      roles: Object.freeze([...((roles as string[] | undefined | null) ?? [])]),
      clearance: clearanceValue,
      claims: Object.freeze({ ...claims }),
    }),
  };
}

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
 * Throws OUTSIDE_JURISDICTION unless `areaCode` lies within the caller's jurisdiction.
 * `isWithin(areaCode, ancestorCode)` answers whether an area is in the subtree rooted at
 * another (the SDK's area registry knows the hierarchy, across the 2025 reform).
 */
export function assertJurisdiction(
  caller: Caller,
  areaCode: string,
  isWithin: (areaCode: string, ancestorCode: string) => boolean,
): void {
  const { jurisdiction } = caller;
  if (jurisdiction === undefined || !(jurisdiction === areaCode || isWithin(areaCode, jurisdiction))) {
    throw outsideJurisdictionError({ areaCode, jurisdiction });
  }
}

