import * as z from 'zod';
import { FORCE_KINDS, getForceKind, suggestForceKinds, type ForceKindCode } from '../catalogues/force-kinds.js';
import type { Agency, Organisation, VolunteerForce } from '../domain/types.js';
import {
  agencyCode,
  areaCode,
  catalogueCode,
  count,
  funding,
  id,
  isoDate,
  list,
  organisationCode,
  positiveCount,
  recordRef,
  residentialAreaId,
  resource,
  sourceRef,
  text,
  type ResourceInput,
} from './fields.js';
import { checkOwner, checkResidentialArea, datesTime, runValidation, type InputSpec, type ValidationOptions } from './run-validation.js';

/**
 * What a client sends to record a volunteer force (lực lượng quần chúng): a
 * {@link VolunteerForce} without the fields the server assigns.
 */
export interface VolunteerForceInput extends Omit<VolunteerForce, 'id' | 'agency' | 'organisation' | 'kind' | 'equipment'> {
  readonly id?: string;
  readonly agency?: Agency;
  readonly organisation?: Organisation;
  readonly kind: ForceKindCode;
  readonly equipment?: readonly ResourceInput[];
}

const shape = {
  id: id.optional(),
  agency: agencyCode.optional(),
  organisation: organisationCode.optional(),
  kind: catalogueCode(
    'force kind',
    FORCE_KINDS.map((k) => k.code),
    suggestForceKinds,
  ),
  name: text(300),
  areaCode,
  residentialAreaId: residentialAreaId.optional(),
  units: positiveCount,
  members: count.optional(),
  establishedOn: isoDate.optional(),
  legalBasis: text(500).optional(),
  funding: list(funding).optional(),
  equipment: list(resource).optional(),
  linkedRecords: list(recordRef).optional(),
  note: text(5000).optional(),
  sources: list(sourceRef, 50).optional(),
};
const schema: z.ZodType<VolunteerForceInput> = z.strictObject(shape);

/** The fields of a volunteer force that an update may change. */
const PATCHABLE = ['name', 'units', 'members', 'establishedOn', 'legalBasis', 'funding', 'equipment', 'linkedRecords', 'note', 'sources'] as const;

/**
 * What a client sends to update a volunteer force: any of the changeable fields. Kind, area and
 * owner never change. A `null` field counts as absent (no change).
 */
export type VolunteerForcePatch = Partial<Pick<VolunteerForceInput, (typeof PATCHABLE)[number]>>;

const patchSchema: z.ZodType<VolunteerForcePatch> = z
  .strictObject({
    name: shape.name,
    units: shape.units,
    members: shape.members,
    establishedOn: shape.establishedOn,
    legalBasis: shape.legalBasis,
    funding: shape.funding,
    equipment: shape.equipment,
    linkedRecords: shape.linkedRecords,
    note: shape.note,
    sources: shape.sources,
  } satisfies Record<(typeof PATCHABLE)[number], z.ZodType>)
  .partial();

const patchSpec: InputSpec<VolunteerForcePatch> = {
  noun: 'volunteer force update',
  schema: patchSchema,
  check(value, issues) {
    if (Object.keys(value).length === 0) issues.add('', `expected at least one field to change (${PATCHABLE.join(', ')})`);
    if (value.members !== undefined && value.units !== undefined && value.members < value.units) {
      issues.add('members', `expected at least ${value.units} (one member per unit), got ${value.members}`);
    }
  },
};

const spec: InputSpec<VolunteerForceInput> = {
  noun: 'volunteer force',
  schema,
  check(value, issues, options) {
    checkOwner(value, issues, options);
    checkResidentialArea(value, issues);
    if (value.members !== undefined && value.members < value.units) {
      issues.add('members', `expected at least ${value.units} (one member per unit), got ${value.members}`);
    }
    const kind = getForceKind(value.kind);
    const on = value.establishedOn;
    if (kind?.replacedBy !== undefined && kind.replacedOn !== undefined && on !== undefined && on >= kind.replacedOn) {
      issues.add('kind', `"${kind.code}" was replaced by "${kind.replacedBy}" on ${kind.replacedOn}; a force established on ${on} should use that kind`);
    }
    if (kind?.inForceFrom !== undefined && on !== undefined && on < kind.inForceFrom) {
      issues.add('establishedOn', `expected a date on or after ${kind.inForceFrom}, when "${kind.code}" came into being, got "${on}"`);
    }
  },
  areaCodes: (value) => [{ path: 'areaCode', code: value.areaCode, during: datesTime(value.establishedOn) }],
};

/**
 * Validates a volunteer-force input. Returns it parsed, or throws `AntqError` with code
 * `BAD_USER_INPUT` (every problem in `issues`) or `UNKNOWN_AREA`.
 */
export function validateVolunteerForceInput(input: unknown, options?: ValidationOptions): VolunteerForceInput {
  return runValidation(spec, input, options);
}

/** Validates a volunteer-force update. Throws `AntqError` BAD_USER_INPUT. */
export function validateVolunteerForcePatch(input: unknown, options?: ValidationOptions): VolunteerForcePatch {
  return runValidation(patchSpec, input, options);
}
