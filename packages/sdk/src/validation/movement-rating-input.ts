import * as z from 'zod';
import { MOVEMENT_RATING_CLASSES } from '../catalogues/labelled-enums.js';
import type { Agency, MovementRating, Organisation } from '../domain/types.js';
import { agencyCode, areaCode, finiteNumber, id, labelledCode, list, organisationCode, residentialAreaId, sourceRef, text, year } from './fields.js';
import { checkBegun, checkOwner, checkResidentialArea, runValidation, type InputSpec, type ValidationOptions, yearTime } from './run-validation.js';

/**
 * What a client sends to record the yearly rating of the movement in a unit (xếp loại phong
 * trào): a {@link MovementRating} without the fields the server assigns.
 */
export interface MovementRatingInput extends Omit<MovementRating, 'id' | 'agency' | 'organisation'> {
  readonly id?: string;
  readonly agency?: Agency;
  readonly organisation?: Organisation;
}

const schema: z.ZodType<MovementRatingInput> = z.strictObject({
  id: id.optional(),
  agency: agencyCode.optional(),
  organisation: organisationCode.optional(),
  areaCode,
  residentialAreaId: residentialAreaId.optional(),
  year,
  rating: labelledCode('movement rating class', MOVEMENT_RATING_CLASSES),
  score: finiteNumber.refine((n) => n >= 0, { error: (issue) => `expected a score of 0 or more, got ${String(issue.input)}` }).optional(),
  decisionRef: text(300).optional(),
  sources: list(sourceRef, 50).optional(),
});

const spec: InputSpec<MovementRatingInput> = {
  noun: 'movement rating',
  schema,
  check(value, issues, options) {
    checkOwner(value, issues, options);
    checkResidentialArea(value, issues);
    checkBegun({ path: 'year', noun: 'year', given: String(value.year), start: yearTime(value.year).start }, issues);
  },
  areaCodes: (value) => [{ path: 'areaCode', code: value.areaCode, during: yearTime(value.year) }],
};

/**
 * Validates a movement rating. Returns it parsed, or throws `AntqError` with code
 * `BAD_USER_INPUT` or `UNKNOWN_AREA`. The point bands of each class are not verified, so the
 * score is not checked against the class.
 */
export function validateMovementRatingInput(input: unknown, options?: ValidationOptions): MovementRatingInput {
  return runValidation(spec, input, options);
}
