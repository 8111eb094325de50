import * as z from 'zod';
import { COMPLEX_AREA_LISTS, COMPLEX_AREA_PROBLEM_TYPES, type ComplexAreaProblemType } from '../catalogues/labelled-enums.js';
import type { Agency, ComplexAreaDesignation, Organisation } from '../domain/types.js';
import { agencyCode, areaCode, id, labelledCode, list, organisationCode, residentialAreaId, sourceRef, text, year } from './fields.js';
import { checkOwner, checkResidentialArea, runValidation, type InputSpec, type ValidationOptions, yearTime } from './run-validation.js';

/**
 * What a client sends to designate a key complex area (địa bàn trọng điểm, phức tạp): a
 * {@link ComplexAreaDesignation} without the fields the server assigns.
 */
export interface ComplexAreaDesignationInput extends Omit<ComplexAreaDesignation, 'id' | 'agency' | 'organisation' | 'problemTypes'> {
  readonly id?: string;
  readonly agency?: Agency;
  readonly organisation?: Organisation;
  /** At least one, no repeats. */
  readonly problemTypes: readonly ComplexAreaProblemType[];
}

const schema: z.ZodType<ComplexAreaDesignationInput> = z.strictObject({
  id: id.optional(),
  agency: agencyCode.optional(),
  organisation: organisationCode.optional(),
  areaCode,
  residentialAreaId: residentialAreaId.optional(),
  list: labelledCode('complex-area list', COMPLEX_AREA_LISTS),
  problemTypes: list(labelledCode('complex-area problem type', COMPLEX_AREA_PROBLEM_TYPES), 10),
  year,
  decisionRef: text(300).optional(),
  note: text(5000).optional(),
  sources: list(sourceRef, 50).optional(),
});

const spec: InputSpec<ComplexAreaDesignationInput> = {
  noun: 'complex-area designation',
  schema,
  check(value, issues, options) {
    checkOwner(value, issues, options);
    checkResidentialArea(value, issues);
    if (value.problemTypes.length === 0) {
      issues.add('problemTypes', `expected at least one problem type (${Object.keys(COMPLEX_AREA_PROBLEM_TYPES).join(', ')}), got none`);
    }
    value.problemTypes.forEach((type, i) => {
      if (value.problemTypes.indexOf(type) !== i) issues.add(`problemTypes.${i}`, `expected each problem type once, got "${type}" again`);
    });
  },
  areaCodes: (value) => [{ path: 'areaCode', code: value.areaCode, during: yearTime(value.year) }],
};

/**
 * Validates a complex-area designation. Returns it parsed, or throws `AntqError` with code
 * `BAD_USER_INPUT` or `UNKNOWN_AREA`.
 */
export function validateComplexAreaDesignationInput(input: unknown, options?: ValidationOptions): ComplexAreaDesignationInput {
  return runValidation(spec, input, options);
}
