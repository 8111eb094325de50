import type { Page } from '@antq/subgraph-kit';
import type { StoredDesignation } from './designations/designation-store.js';

/*
 * What the police's resolvers receive as the parent of each schema type: the generated resolver
 * types (src/generated/resolver-types.ts) read these through codegen's `mappers`.
 */

export type { PoliceContext } from './designations/designation-resolvers.js';
export type { StoredDesignation, StoredResidentialArea } from './designations/designation-store.js';
// The internal values of the schema's enums (the kit's SCHEMA_ENUM_VALUES): the SDK's codes.
export type {
  Agency,
  AreaLevel,
  ChangeDirection,
  FundingRecurrence,
  FundingSource,
  IndicatorUnit,
  LineageRelation,
  ModelStatus,
  MovementRatingClass,
  Organisation,
  SafetyUnitKind,
  TransformationOutcome,
} from '@antq/sdk';

/** An area as the police's resolvers give it: its code (the kit resolves the rest). */
export interface AreaReference {
  readonly code: string;
  readonly on?: string;
}

/** `Area.police`: the area the view is of (and, within the subgraph, the version). */
export interface AreaViewParent {
  readonly areaCode: string;
  readonly on?: string;
}

/** A model, force or observation of the kit, as far as the police's own resolvers read it. */
export interface RecordWithResidentialArea {
  readonly residentialAreaId?: string;
}

export type DesignationPage = Page<StoredDesignation>;
