import * as z from 'zod';
import { RESIDENTIAL_AREA_KINDS } from '../catalogues/labelled-enums.js';
import type { ResidentialArea } from '../domain/types.js';
import { communeCode, labelledCode, slug, text } from './fields.js';
import { runValidation, type InputSpec, type ValidationOptions } from './run-validation.js';

/**
 * What a client sends to register a residential area (khu dân cư) under its commune. The
 * stored id becomes `<communeCode>:<slug>` (see {@link toResidentialAreaId}).
 */
export interface ResidentialAreaInput extends Omit<ResidentialArea, 'id'> {
  /** Local slug under the commune, e.g. `ap-3`. */
  readonly slug: string;
}

const schema: z.ZodType<ResidentialAreaInput> = z.strictObject({
  slug,
  communeCode,
  name: text(200),
  localKind: labelledCode('residential-area kind', RESIDENTIAL_AREA_KINDS),
});

const spec: InputSpec<ResidentialAreaInput> = {
  noun: 'residential area',
  schema,
  areaCodes: (value) => [{ path: 'communeCode', code: value.communeCode }],
};

/**
 * Validates a residential-area registration. Returns it parsed, or throws `AntqError` with code
 * `BAD_USER_INPUT` or `UNKNOWN_AREA` (the commune does not exist).
 */
export function validateResidentialAreaInput(input: unknown, options?: ValidationOptions): ResidentialAreaInput {
  return runValidation(spec, input, options);
}

/** The id a residential area gets: `<communeCode>:<slug>`, e.g. `28168:ap-3`. */
export function toResidentialAreaId(input: Pick<ResidentialAreaInput, 'communeCode' | 'slug'>): string {
  return `${input.communeCode}:${input.slug}`;
}
