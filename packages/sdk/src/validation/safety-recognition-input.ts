import * as z from 'zod';
import { SAFETY_UNIT_KINDS } from '../catalogues/labelled-enums.js';
import type { Agency, Organisation, SafetyRecognition } from '../domain/types.js';
import { agencyCode, areaCode, boolean, id, labelledCode, list, organisationCode, residentialAreaId, sourceRef, text, year } from './fields.js';
import { checkBegun, checkOwner, checkResidentialArea, runValidation, type InputSpec, type ValidationOptions, yearTime } from './run-validation.js';

/**
 * What a client sends to record a yearly "safe for security and order" recognition (công nhận
 * "An toàn về ANTT"): a {@link SafetyRecognition} without the fields the server assigns.
 */
export interface SafetyRecognitionInput extends Omit<SafetyRecognition, 'id' | 'agency' | 'organisation'> {
  readonly id?: string;
  readonly agency?: Agency;
  readonly organisation?: Organisation;
}

const schema: z.ZodType<SafetyRecognitionInput> = z.strictObject({
  id: id.optional(),
  agency: agencyCode.optional(),
  organisation: organisationCode.optional(),
  areaCode,
  residentialAreaId: residentialAreaId.optional(),
  unitKind: labelledCode('safety-recognition unit kind', SAFETY_UNIT_KINDS),
  year,
  recognised: boolean,
  standard: text(300),
  implementingAct: text(300).optional(),
  decisionRef: text(300).optional(),
  sources: list(sourceRef, 50).optional(),
});

const spec: InputSpec<SafetyRecognitionInput> = {
  noun: 'safety recognition',
  schema,
  check(value, issues, options) {
    checkOwner(value, issues, options);
    checkResidentialArea(value, issues);
    checkBegun({ path: 'year', noun: 'year', given: String(value.year), start: yearTime(value.year).start }, issues);
    if (value.unitKind === 'residential_area' && value.residentialAreaId === undefined) {
      issues.add('residentialAreaId', 'expected the residential area recognised (unitKind is "residential_area"), got nothing');
    }
    if (value.unitKind === 'commune' && value.areaCode.length !== 5) {
      issues.add('areaCode', `expected a commune code of 5 digits (unitKind is "commune"), got "${value.areaCode}"`);
    }
  },
  areaCodes: (value) => [{ path: 'areaCode', code: value.areaCode, during: yearTime(value.year) }],
};

/**
 * Validates a safety recognition. Returns it parsed, or throws `AntqError` with code
 * `BAD_USER_INPUT` or `UNKNOWN_AREA`.
 */
export function validateSafetyRecognitionInput(input: unknown, options?: ValidationOptions): SafetyRecognitionInput {
  return runValidation(spec, input, options);
}
