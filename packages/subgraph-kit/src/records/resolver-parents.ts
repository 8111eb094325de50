import type { ForceKind, Indicator, ModelKind, RollUpContribution, RollUpPartial, SecurityModel, VolunteerForce } from '@antq/sdk';
import type { AccessGrant } from '../access/access-grants.js';
import type { ChangeEvent } from '../outbox/change-subscription.js';
import type { AreaVersionRef } from './area-version.js';
import type { MetricRollUp } from './metric-roll-up.js';
import type { StoredObservation } from './observation-store.js';
import type { Page } from './page.js';
import type { StoredRecordMeta } from './record-table.js';

/*
 * What the kit really passes as the parent of each schema type: the generated resolver types
 * (src/generated/resolver-types.ts) read these through codegen's `mappers` (scripts/resolver-types.ts).
 */

export type { AgencyContext } from './agency-context.js';
// The internal values of the schema's enums (schema-enums.ts): the SDK's codes.
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
export type { StoredObservation };
export type AccessGrantParent = AccessGrant;
/** A change: the subscription's carry the record's area code for the classification check, the change stream's page does not. */
export type ChangeEventParent = Omit<ChangeEvent, 'areaCode'> & { readonly areaCode?: string };
export type MetricRollUpParent = MetricRollUp;

/** One version of a unit: its code, and a date within the version unless it is the newest (see area-version.ts). */
export type AreaParent = AreaVersionRef;
/** `Area.<agency>`: the area the view is of, with the version within this subgraph. */
export interface AreaViewParent {
  readonly areaCode: string;
  readonly on?: string;
}
export type ModelParent = SecurityModel & StoredRecordMeta;
export type ForceParent = VolunteerForce & StoredRecordMeta;
export type ModelPage = Page<ModelParent>;
export type ForcePage = Page<ForceParent>;
export type ObservationPage = Page<StoredObservation>;
/** Another agency's record, resolved by its owner through the gateway. */
export interface RecordReference {
  readonly __typename: string;
  readonly id: string;
}
export interface ResidentialAreaReference {
  readonly id: string;
}
/** A catalogue entry; a code the catalogue no longer lists is answered with its code as its label. */
type CatalogueEntry<Entry extends { code: string; label: unknown }> = Pick<Entry, 'code' | 'label'> & Partial<Entry>;
export type IndicatorParent = CatalogueEntry<Indicator>;
export type ModelKindParent = CatalogueEntry<ModelKind>;
export type ForceKindParent = CatalogueEntry<ForceKind>;
export type ContributionParent = RollUpContribution;
export type PartialParent = RollUpPartial;
