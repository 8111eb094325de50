import * as z from 'zod';
import { TRANSFORMATION_OUTCOMES } from '../catalogues/labelled-enums.js';
import type { Agency, Organisation, TransformationResult } from '../domain/types.js';
import { agencyCode, id, labelledCode, list, organisationCode, sourceRef, text, year } from './fields.js';
import { checkOwner, runValidation, type InputSpec, type ValidationOptions } from './run-validation.js';

/**
 * What a client sends to record the outcome of transforming a key complex area (kết quả chuyển
 * hóa địa bàn): a {@link TransformationResult} without the fields the server assigns.
 */
export interface TransformationResultInput extends Omit<TransformationResult, 'id' | 'agency' | 'organisation'> {
  readonly id?: string;
  readonly agency?: Agency;
  readonly organisation?: Organisation;
}

const schema: z.ZodType<TransformationResultInput> = z.strictObject({
  id: id.optional(),
  agency: agencyCode.optional(),
  organisation: organisationCode.optional(),
  designationId: id,
  year,
  sinceYear: year.optional(),
  outcome: labelledCode('transformation outcome', TRANSFORMATION_OUTCOMES),
  note: text(5000).optional(),
  sources: list(sourceRef, 50).optional(),
});

const spec: InputSpec<TransformationResultInput> = {
  noun: 'transformation result',
  schema,
  check(value, issues, options) {
    checkOwner(value, issues, options);
    if (value.sinceYear !== undefined && value.sinceYear > value.year) {
      issues.add('sinceYear', `expected a year up to ${value.year} (the year judged), got ${value.sinceYear}`);
    }
  },
};

/**
 * Validates a transformation result. Returns it parsed, or throws `AntqError` BAD_USER_INPUT.
 * Whether `designationId` exists is for the subgraph that stores designations to check.
 */
export function validateTransformationResultInput(input: unknown, options?: ValidationOptions): TransformationResultInput {
  return runValidation(spec, input, options);
}
