import * as z from 'zod';
import { text } from './fields.js';
import { runValidation, type InputSpec } from './run-validation.js';

const spec: InputSpec<{ readonly reason: string }> = {
  noun: 'retirement',
  schema: z.strictObject({ reason: text(2000) }),
};

/**
 * Validates why a model or force is retired (ngừng theo dõi): a text of at most 2,000 characters
 * without control characters, in NFC. Returns it trimmed, or throws `AntqError` `BAD_USER_INPUT` with the
 * problem under `reason`.
 */
export function validateRetirementReason(reason: unknown): string {
  return runValidation(spec, { reason }).reason;
}
