import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { formatPeriod } from './period.js';
import { periodContains, periodDays, periodsEqual, periodsOverlap, previousPeriod, splitPeriod } from './period-math.js';
import { thrownAntqError as caught } from '../testing/thrown-antq-error.js';

describe('periodDays', () => {
  it.each([
    ['2023', 365],
    ['2024', 366],
    ['2000', 366],
    ['1900', 365],
    ['2023-02', 28],
    ['2024-02', 29],
    ['2023-Q1', 90],
    ['2024-Q1', 91],
    ['2023-Q3', 92],
    ['2023-06-30/2023-06-30', 1],
    ['2023-01-15/2023-06-30', 167],
    ['2023-12-31/2024-01-01', 2],
  ])('%s has %i days', (period, days) => {
    expect(periodDays(period)).toBe(days);
  });

  it('counts across many years exactly', () => {
    // 400 Gregorian years are always 146 097 days.
    expect(periodDays('1601-01-01/2000-12-31')).toBe(146_097);
  });
});

describe('previousPeriod', () => {
  it.each([
    ['2023-05', '2023-04'],
    ['2023-01', '2022-12'],
    ['2024-03', '2024-02'],
    ['2023-Q2', '2023-Q1'],
    ['2023-Q1', '2022-Q4'],
    ['2023', '2022'],
    // Ranges: the same number of days, ending the day before.
    ['2023-01-15/2023-06-30', '2022-08-01/2023-01-14'],
    ['2024-03-01/2024-03-31', '2024-01-30/2024-02-29'],
    ['2023-03-01/2023-03-31', '2023-01-29/2023-02-28'],
    ['2024-01-01/2024-01-01', '2023-12-31/2023-12-31'],
    // A range is counted in days, not calendar units: a leap year's 366 days reach back into 2022.
    ['2024-01-01/2024-12-31', '2022-12-31/2023-12-31'],
    ['2025-01-01/2025-12-31', '2024-01-02/2024-12-31'],
  ])('before %s comes %s', (period, expected) => {
    const previous = previousPeriod(period);
    expect(formatPeriod(previous)).toBe(expected);
    if (previous.kind === 'range') expect(periodDays(previous)).toBe(periodDays(period));
  });

  it('accepts a period object and keeps its kind', () => {
    expect(previousPeriod({ kind: 'quarter', start: '2024-01-01', end: '2024-03-31' })).toEqual({ kind: 'quarter', start: '2023-10-01', end: '2023-12-31' });
  });

  it('refuses to go before year 1', () => {
    expect(caught(() => previousPeriod('0001')).code).toBe(ErrorCode.INVALID_PERIOD);
    expect(caught(() => previousPeriod('0001-01-01/0001-01-10')).code).toBe(ErrorCode.INVALID_PERIOD);
  });

  it('refuses a bad period', () => {
    expect(caught(() => previousPeriod('2023-13')).code).toBe(ErrorCode.INVALID_PERIOD);
  });
});

describe('periodContains / periodsOverlap / periodsEqual', () => {
  it('a period contains itself and what lies inside it', () => {
    expect(periodContains('2023', '2023')).toBe(true);
    expect(periodContains('2023', '2023-Q2')).toBe(true);
    expect(periodContains('2023', '2023-05')).toBe(true);
    expect(periodContains('2023-Q2', '2023-06')).toBe(true);
    expect(periodContains('2023', '2023-01-15/2023-06-30')).toBe(true);
    expect(periodContains('2023', '2023-01-01/2023-12-31')).toBe(true);
  });

  it('does not contain what sticks out', () => {
    expect(periodContains('2023-Q2', '2023-07')).toBe(false);
    expect(periodContains('2023-05', '2023')).toBe(false);
    expect(periodContains('2023', '2023-12-15/2024-01-15')).toBe(false);
  });

  it('overlap needs one common day', () => {
    expect(periodsOverlap('2023', '2023-12-31/2024-01-31')).toBe(true);
    expect(periodsOverlap('2023-Q1', '2023-03')).toBe(true);
    expect(periodsOverlap('2023-Q1', '2023-04')).toBe(false);
    expect(periodsOverlap('2022', '2023')).toBe(false);
  });

  it('equal periods cover the same days whatever their form', () => {
    expect(periodsEqual('2023', '2023-01-01/2023-12-31')).toBe(true);
    expect(periodsEqual('2023-Q1', '2023-01-01/2023-03-31')).toBe(true);
    expect(periodsEqual('2023-Q1', '2023-01')).toBe(false);
  });
});

describe('splitPeriod', () => {
  it('splits a year into months and quarters', () => {
    expect(splitPeriod('2024', 'month').map(formatPeriod)).toEqual([
      '2024-01',
      '2024-02',
      '2024-03',
      '2024-04',
      '2024-05',
      '2024-06',
      '2024-07',
      '2024-08',
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
    ]);
    expect(splitPeriod('2024', 'quarter').map(formatPeriod)).toEqual(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']);
    expect(splitPeriod('2024', 'month')[1]).toEqual({ kind: 'month', start: '2024-02-01', end: '2024-02-29' });
  });

  it('splits a quarter into its months, and a month or quarter into itself', () => {
    expect(splitPeriod('2023-Q4', 'month').map(formatPeriod)).toEqual(['2023-10', '2023-11', '2023-12']);
    expect(splitPeriod('2023-05', 'month').map(formatPeriod)).toEqual(['2023-05']);
    expect(splitPeriod('2023-Q2', 'quarter').map(formatPeriod)).toEqual(['2023-Q2']);
  });

  it('splits a range made of whole months or quarters, across a year end', () => {
    expect(splitPeriod('2023-11-01/2024-02-29', 'month').map(formatPeriod)).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
    expect(splitPeriod('2023-10-01/2024-06-30', 'quarter').map(formatPeriod)).toEqual(['2023-Q4', '2024-Q1', '2024-Q2']);
  });

  it.each([
    ['2023-05', 'quarter'],
    ['2023-01-15/2023-06-30', 'month'],
    ['2023-02-01/2023-04-30', 'quarter'],
  ] as const)('refuses to split %s into %ss', (period, unit) => {
    const error = caught(() => splitPeriod(period, unit));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.message).toContain(period);
  });

  it('refuses an unknown unit', () => {
    expect(caught(() => splitPeriod('2023', 'week' as never)).issues[0]?.path).toBe('unit');
  });
});
