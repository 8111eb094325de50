/**
 * Phạm vi toàn quốc — the jurisdiction claim that covers the whole country: "VN", the ISO 3166-1
 * code of Viet Nam, the root above every province. The area registry has no unit for the
 * country, so this is the one value a token carries to act nationwide (grants for the whole
 * country, writes anywhere). A token without a `jurisdiction` claim has no area-bound rights at
 * all: a national scope is never read from a missing claim.
 */
export const NATIONAL_JURISDICTION = 'VN';

/** Whether a jurisdiction claim is the national one. */
export function isNationalJurisdiction(jurisdiction: string | undefined | null): boolean {
  return jurisdiction === NATIONAL_JURISDICTION;
}

/**
 * Whether a caller's jurisdiction covers an area — the one rule every jurisdiction check uses.
 * `areaCode` null means the whole country (a national grant), which only the national
 * jurisdiction covers; `isWithin(areaCode, ancestorCode)` answers for area codes (the kit's area
 * scopes know the hierarchy across the 2025 reform). No jurisdiction covers nothing.
 */
export function jurisdictionCovers(jurisdiction: string | undefined | null, areaCode: string | null, isWithin: (areaCode: string, ancestorCode: string) => boolean): boolean {
  if (jurisdiction === undefined || jurisdiction === null || jurisdiction.length === 0) return false;
  if (isNationalJurisdiction(jurisdiction)) return true;
  if (areaCode === null) return false;
  return jurisdiction === areaCode || isWithin(areaCode, jurisdiction);
}
