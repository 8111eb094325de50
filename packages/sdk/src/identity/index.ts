export { Clearance, DEFAULT_CLOCK_SKEW_SECONDS, parseCallerClaims, type Caller, type CallerClaims, type ParseCallerOptions, type ParsedCaller } from './parse-caller-claims.js';
export { NATIONAL_JURISDICTION, isNationalJurisdiction, jurisdictionCovers } from './national-jurisdiction.js';
