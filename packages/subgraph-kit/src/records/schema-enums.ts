import {
  Agency,
  FUNDING_RECURRENCES,
  FUNDING_SOURCES,
  MODEL_STATUSES,
  MOVEMENT_RATING_CLASSES,
  Organisation,
  SAFETY_UNIT_KINDS,
  TRANSFORMATION_OUTCOMES,
  type AreaLevel,
  type ChangeDirection,
  type IndicatorUnit,
  type LineageRelation,
} from '@antq/sdk';

/*
 * The SDL's enums are the SDK's codes in capitals (`WOMENS_UNION` is `womens_union`). Each enum's
 * internal values are the SDK's codes, so resolvers read and return the codes and the schema
 * converts at the edge: no resolver converts an enum value by hand.
 */

/** `{ WOMENS_UNION: 'womens_union', … }` for a list of SDK codes. */
function byEnumName(codes: readonly string[]): Readonly<Record<string, string>> {
  return Object.fromEntries(codes.map((code) => [code.toUpperCase(), code]));
}

// Codes the SDK names only as types: the compiler checks each list against its type, both ways.
const AREA_LEVELS = { province: null, district: null, commune: null } satisfies Record<AreaLevel, null>;
const LINEAGE_RELATIONS = { full: null, partial: null } satisfies Record<LineageRelation, null>;
const INDICATOR_UNITS = { count: null, vnd: null, percent: null, ratio: null } satisfies Record<IndicatorUnit, null>;
const CHANGE_DIRECTIONS = { up: null, down: null, unchanged: null } satisfies Record<ChangeDirection, null>;

/**
 * The internal value of every enum the agency subgraphs share or the SDK defines, by enum name;
 * an enum a schema does not declare is skipped. `ComplexAreaList` codes are the capitals already.
 */
export const SCHEMA_ENUM_VALUES = {
  Agency,
  Organisation,
  AreaLevel: byEnumName(Object.keys(AREA_LEVELS)),
  LineageRelation: byEnumName(Object.keys(LINEAGE_RELATIONS)),
  IndicatorUnit: byEnumName(Object.keys(INDICATOR_UNITS)),
  ChangeDirection: byEnumName(Object.keys(CHANGE_DIRECTIONS)),
  ModelStatus: byEnumName(Object.keys(MODEL_STATUSES)),
  FundingSource: byEnumName(Object.keys(FUNDING_SOURCES)),
  FundingRecurrence: byEnumName(Object.keys(FUNDING_RECURRENCES)),
  TransformationOutcome: byEnumName(Object.keys(TRANSFORMATION_OUTCOMES)),
  SafetyUnitKind: byEnumName(Object.keys(SAFETY_UNIT_KINDS)),
  MovementRatingClass: byEnumName(Object.keys(MOVEMENT_RATING_CLASSES)),
} as const;
