import * as z from 'zod';
import { MODEL_KINDS, suggestModelKinds, type ModelKindCode } from '../catalogues/model-kinds.js';
import { MODEL_STATUSES } from '../catalogues/labelled-enums.js';
import type { Agency, Commendation, Organisation, SecurityModel } from '../domain/types.js';
import {
  agencyCode,
  areaCode,
  catalogueCode,
  commendation,
  funding,
  id,
  isoDate,
  labelledCode,
  list,
  organisationCode,
  recordRef,
  replication,
  residentialAreaId,
  resource,
  sourceRef,
  text,
  type ReplicationInput,
  type ResourceInput,
} from './fields.js';
import { checkDateOrder, checkOwner, checkResidentialArea, datesTime, runValidation, type InputSpec, type IssueList, type ValidationOptions } from './run-validation.js';

/**
 * What a client sends to create a security model (mô hình): a {@link SecurityModel} without the
 * fields the server assigns. `id` is optional (assigned when absent); `agency` comes from the
 * subgraph that receives it and `organisation` defaults to that agency's own.
 */
export interface SecurityModelInput extends Omit<SecurityModel, 'id' | 'agency' | 'organisation' | 'kind' | 'resources' | 'replication'> {
  readonly id?: string;
  readonly agency?: Agency;
  readonly organisation?: Organisation;
  readonly kind: ModelKindCode;
  readonly resources?: readonly ResourceInput[];
  readonly replication?: ReplicationInput;
}

const shape = {
  id: id.optional(),
  agency: agencyCode.optional(),
  organisation: organisationCode.optional(),
  kind: catalogueCode(
    'model kind',
    MODEL_KINDS.map((k) => k.code),
    suggestModelKinds,
  ),
  name: text(300),
  description: text(5000).optional(),
  status: labelledCode('model status', MODEL_STATUSES),
  areaCode,
  residentialAreaId: residentialAreaId.optional(),
  startedOn: isoDate.optional(),
  endedOn: isoDate.optional(),
  resources: list(resource).optional(),
  funding: list(funding).optional(),
  outcomes: list(text(2000)).optional(),
  replication: replication.optional(),
  commendations: list(commendation).optional(),
  linkedRecords: list(recordRef).optional(),
  partners: list(organisationCode, 20).optional(),
  sources: list(sourceRef, 50).optional(),
};
const schema: z.ZodType<SecurityModelInput> = z.strictObject(shape);

/** The fields of a security model that an update may change. */
const PATCHABLE = [
  'name',
  'description',
  'status',
  'startedOn',
  'endedOn',
  'resources',
  'funding',
  'outcomes',
  'replication',
  'commendations',
  'partners',
  'linkedRecords',
  'sources',
] as const;

/**
 * What a client sends to update a security model: any of the changeable fields. Kind, area and
 * owner never change; retire the model and create another instead. A `null` field counts as
 * absent (no change); send an empty list to clear a list.
 */
export type SecurityModelPatch = Partial<Pick<SecurityModelInput, (typeof PATCHABLE)[number]>>;

const patchSchema: z.ZodType<SecurityModelPatch> = z
  .strictObject({
    name: shape.name,
    description: shape.description,
    status: shape.status,
    startedOn: shape.startedOn,
    endedOn: shape.endedOn,
    resources: shape.resources,
    funding: shape.funding,
    outcomes: shape.outcomes,
    replication: shape.replication,
    commendations: shape.commendations,
    partners: shape.partners,
    linkedRecords: shape.linkedRecords,
    sources: shape.sources,
  } satisfies Record<(typeof PATCHABLE)[number], z.ZodType>)
  .partial();

/** A commendation's `date` and `year`, when both are given, must agree. */
function checkCommendations(commendations: readonly Commendation[] | undefined, issues: IssueList): void {
  commendations?.forEach((c, i) => {
    if (c.date !== undefined && c.year !== undefined && Number(c.date.slice(0, 4)) !== c.year) {
      issues.add(`commendations.${i}.year`, `expected ${c.date.slice(0, 4)} (the year of its date ${c.date}), got ${c.year}`);
    }
  });
}

const spec: InputSpec<SecurityModelInput> = {
  noun: 'security model',
  schema,
  check(value, issues, options) {
    checkOwner(value, issues, options);
    checkResidentialArea(value, issues);
    checkDateOrder({ path: 'startedOn', date: value.startedOn }, { path: 'endedOn', date: value.endedOn }, issues);
    checkCommendations(value.commendations, issues);
  },
  areaCodes: (value) => [
    { path: 'areaCode', code: value.areaCode, during: datesTime(value.startedOn, value.endedOn) },
    ...(value.replication?.areaCodes ?? []).map((code, i) => ({ path: `replication.areaCodes.${i}`, code })),
  ],
};

const patchSpec: InputSpec<SecurityModelPatch> = {
  noun: 'security model update',
  schema: patchSchema,
  check(value, issues) {
    if (Object.keys(value).length === 0) issues.add('', `expected at least one field to change (${PATCHABLE.join(', ')})`);
    checkDateOrder({ path: 'startedOn', date: value.startedOn }, { path: 'endedOn', date: value.endedOn }, issues);
    checkCommendations(value.commendations, issues);
  },
  areaCodes: (value) => (value.replication?.areaCodes ?? []).map((code, i) => ({ path: `replication.areaCodes.${i}`, code })),
};

/**
 * Validates a security-model input. Returns it parsed, or throws `AntqError` with code
 * `BAD_USER_INPUT` (every problem in `issues`, by field path) or `UNKNOWN_AREA` (an area code
 * that `options.areas` does not know).
 */
export function validateSecurityModelInput(input: unknown, options?: ValidationOptions): SecurityModelInput {
  return runValidation(spec, input, options);
}

/**
 * Validates a security-model update. Start and end dates are checked against each other only
 * when both are in the update; the subgraph checks them against the stored model.
 */
export function validateSecurityModelPatch(input: unknown, options?: ValidationOptions): SecurityModelPatch {
  return runValidation(patchSpec, input, options);
}
