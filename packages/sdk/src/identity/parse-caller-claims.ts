import { AGENCIES, agencyCarriesOrganisation, getAgency, isAgencyCode, isOrganisationCode } from '../catalogues/agencies.js';
import type { Agency, Organisation } from '../domain/types.js';
import { NATIONAL_JURISDICTION } from './national-jurisdiction.js';

/**
 * Mức tiếp cận — how far a caller may see into classified fields. Field classifications are
 * public, shared between participating agencies, or restricted to the owner; a caller's
 * clearance is the highest class it may be shown.
 */
export const Clearance = {
  PUBLIC: 'public',
  SHARED: 'shared',
  RESTRICTED: 'restricted',
} as const;
export type Clearance = (typeof Clearance)[keyof typeof Clearance];

/**
 * Người gọi — the person or system a request acts for, read from its verified JWT by
 * {@link parseCallerClaims}: at the gateway (access, response cache, audit) and in every
 * subgraph (from the payload the gateway forwards), so both ends read one token one way.
 */
export interface Caller {
  /** The token's `sub`: who acts. Recorded as the author of writes. */
  readonly subject: string;
  /** The agency the caller works for. */
  readonly agency: Agency;
  /** The organisation within the agency (for the Front: one of its member organisations). */
  readonly organisation: Organisation;
  /**
   * Địa bàn phụ trách — the area code at the root of the caller's jurisdiction, or `"VN"`
   * ({@link NATIONAL_JURISDICTION}) for the whole country; none means no area-bound rights.
   */
  readonly jurisdiction: string | undefined;
  readonly roles: readonly string[];
  readonly clearance: Clearance;
  /** Every claim of the payload, for rules this interface does not model. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The token's `exp`, in seconds since the epoch (absent for callers not read from a token). */
  readonly expiresAt?: number;
}

/**
 * The JWT claims of a caller, as the development issuer and the OIDC mapping produce them.
 * Codes are the canonical lower-case ones; nothing else is accepted.
 */
export interface CallerClaims {
  readonly sub: string;
  /** An agency code: `police`, `front`, `veterans` or `youth`. */
  readonly agency: string;
  /** An organisation the agency carries; defaults to the agency's own organisation. */
  readonly organisation?: string;
  /** An area code (2, 3 or 5 digits) or `"VN"` for the whole country. */
  readonly jurisdiction?: string;
  readonly roles?: readonly string[];
  /** `public` (the default), `shared` or `restricted`. */
  readonly clearance?: string;
  /** Expiry, seconds since the epoch. Required. */
  readonly exp: number;
  /** Not before, seconds since the epoch. */
  readonly nbf?: number;
  readonly [claim: string]: unknown;
}

export interface ParseCallerOptions {
  /** The time to check `exp` and `nbf` against, in milliseconds (default: now). */
  readonly now?: number;
  /** How far clocks may disagree, in seconds (default 30). */
  readonly clockSkewSeconds?: number;
}

/** The result of {@link parseCallerClaims}: a caller, or what is wrong with the claims. */
export type ParsedCaller =
  | { readonly ok: true; readonly caller: Caller }
  /** `outsideLifetime`: the claims are well formed but the token is expired, or not valid yet. */
  | { readonly ok: false; readonly problem: string; readonly outsideLifetime?: boolean };

const AGENCY_CODES: readonly Agency[] = AGENCIES.map((agency) => agency.code);
const CLEARANCES = new Set<string>(Object.values(Clearance));
/** GSO area codes (province, district, commune) or the national root. */
const JURISDICTION = new RegExp(`^(?:${NATIONAL_JURISDICTION}|\\d{2}|\\d{3}|\\d{5})$`);
/** How far the identity provider's clock and a reader's may disagree, for a token's `exp` and `nbf`: the gateway's and the subgraphs' tolerance. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 30;

type Claims = Record<string, unknown>;
type Checked<T> = { readonly value: T } | { readonly problem: string };

const absent = (value: unknown) => value === undefined || value === null;

function checkAgency(agency: unknown): Checked<Agency> {
  if (isAgencyCode(agency)) return { value: agency };
  return { problem: `claim "agency" must be one of ${AGENCY_CODES.join(', ')} (lower case); got ${JSON.stringify(agency) ?? 'nothing'}` };
}

function checkOrganisation(organisation: unknown, agency: Agency): Checked<Organisation> {
  if (absent(organisation)) return { value: getAgency(agency)!.organisation };
  if (isOrganisationCode(organisation) && agencyCarriesOrganisation(agency, organisation)) return { value: organisation };
  return { problem: `claim "organisation" must be an organisation of the ${agency} (lower case); got ${JSON.stringify(organisation)}` };
}

function checkJurisdiction(jurisdiction: unknown): Checked<string | undefined> {
  if (absent(jurisdiction)) return { value: undefined };
  if (typeof jurisdiction === 'string' && JURISDICTION.test(jurisdiction)) return { value: jurisdiction };
  return { problem: `claim "jurisdiction" must be an area code (2, 3 or 5 digits) or "${NATIONAL_JURISDICTION}" for the whole country; got ${JSON.stringify(jurisdiction)}` };
}

function checkRoles(roles: unknown): Checked<readonly string[]> {
  if (absent(roles)) return { value: [] };
  if (Array.isArray(roles) && roles.every((role) => typeof role === 'string' && role.length > 0)) return { value: roles as string[] };
  return { problem: `claim "roles" must be a list of role names (e.g. ["analyst"]); got ${JSON.stringify(roles)}` };
}

function checkClearance(clearance: unknown): Checked<Clearance> {
  if (absent(clearance)) return { value: Clearance.PUBLIC };
  if (typeof clearance === 'string' && CLEARANCES.has(clearance)) return { value: clearance as Clearance };
  return { problem: `claim "clearance" must be one of ${[...CLEARANCES].join(', ')} (lower case); got ${JSON.stringify(clearance)}` };
}

/** The token's validity window against `now`: `exp` required, `nbf` optional, both with skew. */
function checkLifetime(claims: Claims, options: ParseCallerOptions): Checked<number> {
  const { exp, nbf } = claims;
  const now = (options.now ?? Date.now()) / 1000;
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { problem: 'claim "exp" must be the expiry in seconds since the epoch; a token without one is refused' };
  if (exp + skew <= now) return { problem: `the token expired at ${new Date(exp * 1000).toISOString()}; get a new one` };
  if (!absent(nbf) && (typeof nbf !== 'number' || !Number.isFinite(nbf))) return { problem: 'claim "nbf" must be a time in seconds since the epoch' };
  if (typeof nbf === 'number' && nbf - skew > now) return { problem: `the token is not valid before ${new Date(nbf * 1000).toISOString()}` };
  return { value: exp };
}

/**
 * Reads a verified JWT payload into a {@link Caller} — the one reading of a caller's claims in
 * the graph. Strict: the codes must be the canonical lower-case ones, the organisation one the
 * agency carries, the jurisdiction an area code or `"VN"`, and the token within its lifetime
 * (`exp` required). Anything else is a problem naming the claim, to refuse as UNAUTHENTICATED.
 */
export function parseCallerClaims(payload: unknown, options: ParseCallerOptions = {}): ParsedCaller {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, problem: 'the JWT payload is not an object' };
  }
  const claims = payload as Claims;
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) return { ok: false, problem: 'claim "sub" must be a non-empty string' };
  const agency = checkAgency(claims.agency);
  if ('problem' in agency) return { ok: false, problem: agency.problem };
  const checks = [
    checkOrganisation(claims.organisation, agency.value),
    checkJurisdiction(claims.jurisdiction),
    checkRoles(claims.roles),
    checkClearance(claims.clearance),
    checkLifetime(claims, options),
  ] as const;
  for (const check of checks) if ('problem' in check) return { ok: false, problem: check.problem, ...(check === checks[4] ? { outsideLifetime: true } : {}) };
  const [organisation, jurisdiction, roles, clearance, expiresAt] = checks.map((check) => (check as { value: unknown }).value) as [
    Organisation,
    string | undefined,
    string[],
    Clearance,
    number,
  ];
  return {
    ok: true,
    caller: Object.freeze({
      subject: claims.sub,
      agency: agency.value,
      organisation,
      jurisdiction,
      roles: Object.freeze([...roles]),
      clearance,
      claims: Object.freeze({ ...claims }),
      expiresAt,
    }),
  };
}
