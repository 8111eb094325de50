import * as z from 'zod';
import type { Agency } from '../domain/types.js';
import { dateInVietnam } from '../periods/calendar-date.js';
import { agencyCode, areaCode, text } from './fields.js';
import { runValidation, type InputSpec, type InputTime, type ValidationOptions } from './run-validation.js';

/**
 * What an owning agency's administrator sends to let another agency read its restricted data
 * (chia sẻ dữ liệu): for an area with its subtree (none: the whole country) and a time window.
 */
export interface AccessGrantInput {
  readonly grantee: Agency;
  readonly areaCode?: string;
  /** ISO 8601 date-time; default: now. */
  readonly validFrom?: string;
  /** ISO 8601 date-time, after `validFrom`. */
  readonly validUntil: string;
  readonly note?: string;
}

const dateTime = z.iso.datetime({ offset: true, error: (issue) => `expected an ISO 8601 date-time (2026-01-31T00:00:00Z), got ${JSON.stringify(issue.input)}` });

const schema: z.ZodType<AccessGrantInput> = z.strictObject({
  grantee: agencyCode,
  areaCode: areaCode.optional(),
  validFrom: dateTime.optional(),
  validUntil: dateTime,
  note: text(2000).optional(),
});

/** When a grant starts: its `validFrom`, else now. */
const grantStart = (value: AccessGrantInput): Date => (value.validFrom === undefined ? new Date() : new Date(value.validFrom));

/** The days a grant is in force, from its start to `validUntil`, in Vietnam's calendar (the register's). */
function grantTime(value: AccessGrantInput): InputTime {
  const start = dateInVietnam(grantStart(value));
  const end = dateInVietnam(new Date(value.validUntil));
  return {
    start,
    end,
    text: `while the grant is in force (${start} – ${end})`,
    instead: (successors) => `grant access under ${successors}, which took it over`,
  };
}

const spec: InputSpec<AccessGrantInput> = {
  noun: 'access grant',
  schema,
  check(value, issues, options) {
    if (options.agency !== undefined && value.grantee === options.agency) issues.add('grantee', `expected another agency than the ${options.agency}, which owns the data`);
    const from = grantStart(value);
    if (!(new Date(value.validUntil) > from)) issues.add('validUntil', `expected a time after ${from.toISOString()}, when the grant starts`);
  },
  // The unit must stand while the grant is in force: a grant on an ended one (Tỉnh Long An's districts, say) covers only what was reported under it.
  areaCodes: (value) => (value.areaCode === undefined ? [] : [{ path: 'areaCode', code: value.areaCode, during: grantTime(value) }]),
};

/**
 * Validates a grant of read access. Returns it parsed, or throws `AntqError` with code
 * `BAD_USER_INPUT` (every problem in `issues`) or `UNKNOWN_AREA`. A grant goes to another agency
 * than `options.agency` (the owner), and its window ends after it starts (without `validFrom`:
 * after now). A window already over is kept, as a record of what was agreed; it gives no access.
 */
export function validateAccessGrantInput(input: unknown, options?: ValidationOptions): AccessGrantInput {
  return runValidation(spec, input, options);
}
