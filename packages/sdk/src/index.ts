/**
 * @antq/sdk — the typed domain SDK of ANTQ Graph: domain types, catalogues, validation,
 * periods and metric maths. The national area registry is a separate entry point,
 * `@antq/sdk/areas`, loaded on first use so this one stays small.
 */

// Errors shared by servers and clients.
export { AntqError, ErrorCode, isAntqError, type FieldIssue } from './errors.js';

// Domain types.
export { Agency, LINKED_RECORD_KINDS, Organisation } from './domain/types.js';
export type {
  AdministrativeUnit,
  AreaLevel,
  AreaRef,
  Commendation,
  ComplexAreaDesignation,
  ComplexAreaList,
  ExemplaryCommunePilot,
  ForceKind,
  Funding,
  FundingSource,
  Indicator,
  IndicatorUnit,
  Label,
  LinkedRecordKind,
  ModelKind,
  ModelStatus,
  MovementRating,
  MovementRatingClass,
  Observation,
  OwnedRecord,
  Period,
  PeriodKind,
  RecordKind,
  RecordRef,
  RegisterDate,
  Replication,
  ResidentialArea,
  ResidentialAreaKind,
  Resource,
  SafetyRecognition,
  SecurityModel,
  SourceRef,
  TransformationResult,
  VolunteerForce,
} from './domain/types.js';
export { REGISTER_DATES, type AreaGraph, type LineageLink, type LineageRelation } from './domain/area-graph.js';

// Catalogues.
export {
  AGENCIES,
  AGENCY_CODES,
  ORGANISATIONS,
  agencyCarriesOrganisation,
  getAgency,
  getAgencyOrganisations,
  getOrganisation,
  isAgencyCode,
  isOrganisationCode,
  requireAgency,
  requireOrganisation,
  type AgencyInfo,
  type OrganisationInfo,
} from './catalogues/agencies.js';
export { MODEL_KINDS, getModelKind, isModelKindCode, requireModelKind, suggestModelKinds, type ModelKindCode } from './catalogues/model-kinds.js';
export { FORCE_KINDS, getForceKind, isForceKindCode, requireForceKind, suggestForceKinds, type ForceKindCode } from './catalogues/force-kinds.js';
export { INDICATORS, getIndicator, isIndicatorCode, requireIndicator, suggestIndicators, type IndicatorCode } from './catalogues/indicators.js';
export {
  COMPLEX_AREA_LISTS,
  COMPLEX_AREA_PROBLEM_TYPES,
  FUNDING_RECURRENCES,
  FUNDING_SOURCES,
  MODEL_STATUSES,
  MOVEMENT_RATING_CLASSES,
  RECORD_KINDS,
  REPLICATION_SITE_KINDS,
  RESIDENTIAL_AREA_KINDS,
  RESOURCE_KINDS,
  SAFETY_UNIT_KINDS,
  TRANSFORMATION_OUTCOMES,
  isCodeOf,
  type ComplexAreaProblemType,
  type FundingRecurrence,
  type ReplicationSiteKind,
  type ResourceKind,
  type SafetyUnitKind,
  type TransformationOutcome,
} from './catalogues/labelled-enums.js';

// Validation of every input shape.
export type { ValidationOptions } from './validation/run-validation.js';
export { isRecordId, type ReplicationInput, type ResourceInput } from './validation/fields.js';
export { validateSecurityModelInput, validateSecurityModelPatch, type SecurityModelInput, type SecurityModelPatch } from './validation/security-model-input.js';
export { validateVolunteerForceInput, validateVolunteerForcePatch, type VolunteerForceInput, type VolunteerForcePatch } from './validation/volunteer-force-input.js';
export {
  validateObservationCorrectionInput,
  validateObservationInput,
  type ObservationCorrectionInput,
  type ObservationCorrectionOptions,
  type ObservationInput,
} from './validation/observation-input.js';
export { validateComplexAreaDesignationInput, type ComplexAreaDesignationInput } from './validation/complex-area-designation-input.js';
export { validateTransformationResultInput, type TransformationResultInput } from './validation/transformation-result-input.js';
export { validateSafetyRecognitionInput, type SafetyRecognitionInput } from './validation/safety-recognition-input.js';
export { validateExemplaryCommunePilotInput, type ExemplaryCommunePilotInput } from './validation/exemplary-commune-pilot-input.js';
export { validateMovementRatingInput, type MovementRatingInput } from './validation/movement-rating-input.js';
export { toResidentialAreaId, validateResidentialAreaInput, type ResidentialAreaInput } from './validation/residential-area-input.js';
export { validateAccessGrantInput, type AccessGrantInput } from './validation/access-grant-input.js';
export { validateRetirementReason } from './validation/retirement-input.js';

// Periods: months, quarters, years and date ranges.
export {
  PERIOD_FORMS,
  formatPeriod,
  isPeriodString,
  monthPeriod,
  parsePeriod,
  periodOfDate,
  quarterPeriod,
  rangePeriod,
  toPeriod,
  yearPeriod,
  type CalendarPeriodKind,
  type PeriodLike,
} from './periods/period.js';
export { periodContains, periodDays, periodsEqual, periodsOverlap, previousPeriod, splitPeriod, type SplitUnit } from './periods/period-math.js';

// Metric maths: period-over-period comparison and roll-up over areas and the 2025 lineage.
export { comparePeriods, parseRatio, type ChangeDirection, type PeriodComparison, type PeriodFigures, type ReportedFigures } from './metrics/compare.js';
export {
  rollUpObservations,
  rollUpPartialOf,
  unitValueRange,
  type UnitValueRange,
  type RollUpContribution,
  type RollUpExclusion,
  type RollUpExclusionReason,
  type RollUpObservationFacts,
  type RollUpOptions,
  type RollUpPartial,
  type RollUpPartialUnit,
  type RollUpResult,
  type RollUpVia,
} from './metrics/roll-up.js';
export { resolveAreaForward, type AreaResolution, type AreaWidening } from './metrics/resolve-area-forward.js';
export { rollUpPlaces, type RollUpPlace, type RollUpPlaceKind, type RollUpPlaces } from './metrics/roll-up-place.js';
export { rollUpGroups, type RollUpGroup, type RollUpGroupsOptions, type RollUpGroupsResult } from './metrics/roll-up-groups.js';

// Field classification and the scopes and policies that enforce it.
export { Classification, classOfRecordKind, clearanceScopes, ownerOfPolicy, restrictedPolicy } from './domain/classification.js';

// Who calls: the one reading of a caller's token claims, and the national jurisdiction.
export {
  Clearance,
  DEFAULT_CLOCK_SKEW_SECONDS,
  NATIONAL_JURISDICTION,
  isNationalJurisdiction,
  jurisdictionCovers,
  parseCallerClaims,
  type Caller,
  type CallerClaims,
  type ParseCallerOptions,
  type ParsedCaller,
} from './identity/index.js';

// The change stream's cursor.
export { decodeStreamCursor, encodeStreamCursor, readStreamCursor, type StreamCursor, type StreamMarks, type StreamPosition } from './domain/stream-cursor.js';
