import { describe, expect, it } from 'vitest';
import { AntqError } from '../errors.js';
import { validateRetirementReason } from './retirement-input.js';

function issues(reason: unknown): unknown {
  try {
    validateRetirementReason(reason);
  } catch (error) {
    if (error instanceof AntqError) return error.issues;
    throw error;
  }
  throw new Error('expected the call to throw an AntqError');
}

describe('validateRetirementReason', () => {
  it('returns the reason trimmed', () => {
    expect(validateRetirementReason('  Mô hình đã sáp nhập \n')).toBe('Mô hình đã sáp nhập');
  });

  it('refuses a blank, an overlong or a control-character reason, and what is not text', () => {
    expect(issues('  ')).toEqual([{ path: 'reason', message: 'expected a non-empty text (spaces and invisible characters alone do not count)' }]);
    expect(issues('x'.repeat(2001))).toEqual([{ path: 'reason', message: 'expected at most 2000 characters, got 2001' }]);
    expect(issues('a\u0000b')).toEqual([{ path: 'reason', message: 'expected text without control characters, got U+0000' }]);
    expect(issues(42)).toEqual([{ path: 'reason', message: expect.stringMatching(/^expected text/) }]);
  });
});
