import * as z from 'zod';
import { getIndicator, INDICATORS, requireIndicator, suggestIndicators, type IndicatorCode } from '../catalogues/indicators.js';
import { parsePeriod } from '../periods/period.js';
import type { Agency, IndicatorUnit, Observation, Organisation } from '../domain/types.js';
import { agencyCode, areaCode, boolean, catalogueCode, finiteNumber, id, list, organisationCode, period, residentialAreaId, sourceRef, text } from './fields.js';
import { checkBegun, checkOwner, checkResidentialArea, runValidation, type InputSpec, type IssueList, type ValidationOptions } from './run-validation.js';

/**
 * What a client sends to report a figure (số liệu): an {@link Observation} without the fields
 * the server assigns (`revision`, `reportedAt`; `id` is optional).
 */
export interface ObservationInput extends Omit<Observation, 'id' | 'indicator' | 'agency' | 'organisation' | 'revision' | 'reportedAt'> {
  readonly id?: string;
  readonly indicator: IndicatorCode;
  readonly agency?: Agency;
  readonly organisation?: Organisation;
}

/** What a client sends to correct a reported figure: the new value and why it changed. */
export interface ObservationCorrectionInput {
  readonly value: number;
  /** Why the figure changed; kept with the revision. */
  readonly note: string;
}

/** Options of {@link validateObservationCorrectionInput}. */
export interface ObservationCorrectionOptions extends ValidationOptions {
  /** Indicator of the observation being corrected; when given, the value must fit its unit. */
  readonly indicator?: string;
}

const observationSchema: z.ZodType<ObservationInput> = z.strictObject({
  id: id.optional(),
  indicator: catalogueCode(
    'indicator',
    INDICATORS.map((i) => i.code),
    suggestIndicators,
  ),
  areaCode,
  residentialAreaId: residentialAreaId.optional(),
  period,
  value: finiteNumber,
  agency: agencyCode.optional(),
  organisation: organisationCode.optional(),
  atLeast: boolean.optional(),
  approximate: boolean.optional(),
  note: text(5000).optional(),
  sources: list(sourceRef, 50).optional(),
});

const correctionSchema: z.ZodType<ObservationCorrectionInput> = z.strictObject({
  value: finiteNumber,
  note: text(5000),
});

const UNIT_RULES: Record<IndicatorUnit, { fits: (value: number) => boolean; expected: string }> = {
  count: { fits: (v) => Number.isSafeInteger(v) && v >= 0, expected: 'a whole number (0 or more)' },
  vnd: { fits: (v) => Number.isSafeInteger(v) && v >= 0, expected: 'a whole number of VND (safe integer, 0 or more)' },
  percent: { fits: (v) => v >= 0 && v <= 100, expected: 'a percentage from 0 to 100' },
  ratio: { fits: (v) => v >= 0, expected: 'a ratio of 0 or more' },
};

/** Checks that a value fits the unit of its indicator (an unknown indicator is left alone). */
function checkValueFitsUnit(indicatorCode: string, value: number, issues: IssueList): void {
  const indicator = getIndicator(indicatorCode);
  if (indicator === undefined) return;
  const rule = UNIT_RULES[indicator.unit];
  if (!rule.fits(value)) {
    issues.add('value', `expected ${rule.expected} for indicator "${indicator.code}" (unit ${indicator.unit}), got ${value}`);
  }
}

const observationSpec: InputSpec<ObservationInput> = {
  noun: 'observation',
  schema: observationSchema,
  check(value, issues, options) {
    checkOwner(value, issues, options);
    checkResidentialArea(value, issues);
    checkValueFitsUnit(value.indicator, value.value, issues);
    if (value.atLeast === true && value.approximate === true) {
      issues.add('approximate', 'expected either atLeast ("more than") or approximate ("about"), not both');
    }
    checkBegun({ path: 'period', noun: 'period', given: `"${value.period}"`, start: parsePeriod(value.period).start }, issues);
  },
  areaCodes: (value) => {
    const { start, end } = parsePeriod(value.period);
    return [{ path: 'areaCode', code: value.areaCode, during: { start, end, text: `in ${value.period}` } }];
  },
};

/**
 * Validates an observation report. Returns it parsed, or throws `AntqError` with code
 * `BAD_USER_INPUT` (every problem in `issues`) or `UNKNOWN_AREA`. The value must fit the
 * indicator's unit: counts and VND are whole numbers, percentages lie in 0–100. The period must
 * have begun by today's date in Vietnam (a figure for a month still to come is refused).
 */
export function validateObservationInput(input: unknown, options?: ValidationOptions): ObservationInput {
  return runValidation(observationSpec, input, options);
}

/**
 * Validates an observation correction. With `options.indicator` the new value must fit that
 * indicator's unit. Throws `AntqError` BAD_USER_INPUT, or UNKNOWN_INDICATOR when
 * `options.indicator` is not in the catalogue.
 */
export function validateObservationCorrectionInput(input: unknown, options: ObservationCorrectionOptions = {}): ObservationCorrectionInput {
  // An unknown indicator here is the caller's mistake, not the input's: fail with UNKNOWN_INDICATOR.
  const indicator = options.indicator === undefined ? undefined : requireIndicator(options.indicator).code;
  return runValidation(
    {
      noun: 'observation correction',
      schema: correctionSchema,
      check(value, issues) {
        if (indicator !== undefined) checkValueFitsUnit(indicator, value.value, issues);
      },
    },
    input,
    options,
  );
}
