import * as z from 'zod';
import type { Agency, ExemplaryCommunePilot, Organisation } from '../domain/types.js';
import { agencyCode, communeCode, count, id, list, organisationCode, positiveCount, residentialAreaId, sourceRef, text, year } from './fields.js';
import { checkOwner, checkResidentialArea, runValidation, type InputSpec, type ValidationOptions, yearTime } from './run-validation.js';

/**
 * What a client sends to record an exemplary-commune pilot (xã điển hình về phong trào
 * TDBVANTQ): an {@link ExemplaryCommunePilot} without the fields the server assigns.
 * `areaCode` is the commune's 5-digit code.
 */
export interface ExemplaryCommunePilotInput extends Omit<ExemplaryCommunePilot, 'id' | 'agency' | 'organisation'> {
  readonly id?: string;
  readonly agency?: Agency;
  readonly organisation?: Organisation;
}

const schema: z.ZodType<ExemplaryCommunePilotInput> = z.strictObject({
  id: id.optional(),
  agency: agencyCode.optional(),
  organisation: organisationCode.optional(),
  areaCode: communeCode,
  residentialAreaId: residentialAreaId.optional(),
  year,
  criteriaTotal: positiveCount,
  criteriaMet: count.optional(),
  decisionRef: text(300).optional(),
  focusModelIds: list(id, 100).optional(),
  sources: list(sourceRef, 50).optional(),
});

const spec: InputSpec<ExemplaryCommunePilotInput> = {
  noun: 'exemplary-commune pilot',
  schema,
  check(value, issues, options) {
    checkOwner(value, issues, options);
    checkResidentialArea(value, issues);
    if (value.criteriaMet !== undefined && value.criteriaMet > value.criteriaTotal) {
      issues.add('criteriaMet', `expected at most ${value.criteriaTotal} (criteriaTotal), got ${value.criteriaMet}`);
    }
    value.focusModelIds?.forEach((modelId, i) => {
      if (value.focusModelIds?.indexOf(modelId) !== i) issues.add(`focusModelIds.${i}`, `expected each model once, got "${modelId}" again`);
    });
  },
  areaCodes: (value) => [{ path: 'areaCode', code: value.areaCode, during: yearTime(value.year) }],
};

/**
 * Validates an exemplary-commune pilot. Returns it parsed, or throws `AntqError` with code
 * `BAD_USER_INPUT` (e.g. criteriaMet above criteriaTotal) or `UNKNOWN_AREA`.
 */
export function validateExemplaryCommunePilotInput(input: unknown, options?: ValidationOptions): ExemplaryCommunePilotInput {
  return runValidation(spec, input, options);
}
