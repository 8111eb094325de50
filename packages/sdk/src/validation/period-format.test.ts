import { describe, expect, it } from 'vitest';
import { checkPeriodFormat, isCalendarDate } from './period-format.js';

describe('isCalendarDate', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2023-04-31', false],
    ['2023-12-31', true],
    ['2023-1-01', false],
    ['1944-12-31', false],
    ['2101-01-01', false],
    ['2023-06-15T00:00:00Z', false],
  ])('%s → %s', (text, expected) => {
    expect(isCalendarDate(text)).toBe(expected);
  });
});

describe('checkPeriodFormat', () => {
  it('accepts the four forms', () => {
    for (const period of ['2023', '2023-Q1', '2023-12', '2023-01-01/2023-12-31']) expect(checkPeriodFormat(period)).toBeUndefined();
  });

  it('says what is wrong', () => {
    expect(checkPeriodFormat('2023-Q0')).toMatch(/^expected a period as/);
    expect(checkPeriodFormat('2023-00')).toMatch(/^expected a period as/);
    expect(checkPeriodFormat('2023-01-01/2023-02-30')).toBe('the range end 2023-02-30 is not a real date between 1945 and 2100');
    expect(checkPeriodFormat('2101-Q1')).toBe('the year must be between 1945 and 2100');
  });
});
