import { describe, expect, it } from 'vitest';
import { ErrorCode, isAntqError } from '../errors.js';
import { validateSecurityModelInput } from './security-model-input.js';
import { thrownAntqError as failure } from '../testing/thrown-antq-error.js';

const model = (extra: Record<string, unknown> = {}) => ({ kind: 'alarm_bell', name: 'Tiếng chuông cảnh báo', status: 'active', areaCode: '68', ...extra });

describe('validation errors', () => {
  it('lists up to five problems in the message, all of them in issues, and converts to GraphQL extensions', () => {
    const outcomes = Array.from({ length: 7 }, () => 7);
    const error = failure(() => validateSecurityModelInput(model({ outcomes })));
    expect(isAntqError(error)).toBe(true);
    expect(error.issues).toHaveLength(7);
    expect(error.message).toMatch(/^Invalid security model: 7 problems — outcomes\.0: expected text, got 7; .*outcomes\.4: .*; and 2 more$/);
    expect(error.toExtensions()).toEqual({ code: ErrorCode.BAD_USER_INPUT, input: 'security model', issues: error.issues });
  });

  it('reads GraphQL input objects, which have no prototype', () => {
    const input = Object.assign(Object.create(null) as object, model({ description: null }));
    expect(validateSecurityModelInput(input)).toEqual(model());
  });

  it('keeps nulls inside lists, where they are wrong', () => {
    expect(failure(() => validateSecurityModelInput(model({ outcomes: [null] }))).issues).toEqual([{ path: 'outcomes.0', message: 'expected text, got null' }]);
  });

  it('names every unknown area code at once', () => {
    const codes = ['11', '22'].map((c) => `${c}${Math.floor(Math.random() * 10)}`);
    const error = failure(() => validateSecurityModelInput(model({ replication: { areaCodes: codes } }), { areas: new Set(['68']) }));
    expect(error.code).toBe(ErrorCode.UNKNOWN_AREA);
    expect(error.message).toBe(`Unknown area codes "${codes[0]}", "${codes[1]}". Search with Query.areas(search:).`);
    expect(error.details).toEqual({ areaCode: codes[0], areaCodes: codes });
  });

  it('does not accept text that is blank or too long', () => {
    expect(failure(() => validateSecurityModelInput(model({ name: '   ' }))).issues).toEqual([
      { path: 'name', message: 'expected a non-empty text (spaces and invisible characters alone do not count)' },
    ]);
    expect(failure(() => validateSecurityModelInput(model({ name: 'x'.repeat(301) }))).issues).toEqual([{ path: 'name', message: 'expected at most 300 characters, got 301' }]);
  });
});
