import { Agency } from './types.js';

const AGENCY_CODES: ReadonlySet<string> = new Set(Object.values(Agency));
const RESTRICTED_SUFFIX = ':restricted';

/**
 * Phân loại trường dữ liệu — how widely a field may be read. The SDL marks each field with the
 * federation auth directives: nothing (public), `@requiresScopes([["shared"]])` (shared between
 * participating agencies), `@requiresScopes([["restricted"]]) @policy([["<owner>:restricted"]])`
 * (the owning agency, and agencies it granted access to).
 */
export const Classification = {
  PUBLIC: 'public',
  SHARED: 'shared',
  RESTRICTED: 'restricted',
} as const;
export type Classification = (typeof Classification)[keyof typeof Classification];

/** The scopes a caller's clearance carries: each class includes the ones below it. */
export function clearanceScopes(clearance: string | undefined): string[] {
  switch (clearance) {
    case Classification.RESTRICTED:
      return [Classification.SHARED, Classification.RESTRICTED];
    case Classification.SHARED:
      return [Classification.SHARED];
    default:
      return [];
  }
}

/** The policy that guards an agency's restricted fields. */
export function restrictedPolicy(owner: Agency): string {
  return `${owner}${RESTRICTED_SUFFIX}`;
}

/** The owner a restricted-data policy names, if it is one. */
export function ownerOfPolicy(policy: string): Agency | undefined {
  if (!policy.endsWith(RESTRICTED_SUFFIX)) return undefined;
  const owner = policy.slice(0, -RESTRICTED_SUFFIX.length);
  return AGENCY_CODES.has(owner) ? (owner as Agency) : undefined;
}

/**
 * The class of what a change reveals, by the kind of record it is about — the class of that
 * record's fields in the SDL: figures are shared, designations and grants restricted. A kind not
 * listed is restricted: a new record kind stays closed until it is classified here.
 */
const RECORD_KIND_CLASS: Readonly<Record<string, Classification>> = {
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

export function classOfRecordKind(recordKind: string): Classification {
  return RECORD_KIND_CLASS[recordKind] ?? Classification.RESTRICTED;
}
