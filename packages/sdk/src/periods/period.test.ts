import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { formatPeriod, isPeriodString, monthPeriod, parsePeriod, periodOfDate, quarterPeriod, rangePeriod, toPeriod, yearPeriod } from './period.js';
import { thrownAntqError as caught } from '../testing/thrown-antq-error.js';

/** Runs `fn` and returns the AntqError it throws (fails the test if it throws nothing else). */
/** A random year, so a hard-coded result cannot pass. */
const someYear = 2000 + Math.floor(Math.random() * 50);

describe('parsePeriod', () => {
  it.each([
    ['2023', { kind: 'year', start: '2023-01-01', end: '2023-12-31' }],
    ['2023-Q1', { kind: 'quarter', start: '2023-01-01', end: '2023-03-31' }],
    ['2023-Q2', { kind: 'quarter', start: '2023-04-01', end: '2023-06-30' }],
    ['2023-Q3', { kind: 'quarter', start: '2023-07-01', end: '2023-09-30' }],
    ['2023-Q4', { kind: 'quarter', start: '2023-10-01', end: '2023-12-31' }],
    ['2023-05', { kind: 'month', start: '2023-05-01', end: '2023-05-31' }],
    ['2023-04', { kind: 'month', start: '2023-04-01', end: '2023-04-30' }],
    ['2023-01-15/2023-06-30', { kind: 'range', start: '2023-01-15', end: '2023-06-30' }],
    ['2023-06-30/2023-06-30', { kind: 'range', start: '2023-06-30', end: '2023-06-30' }],
  ])('reads %s', (text, expected) => {
    expect(parsePeriod(text)).toEqual(expected);
    expect(formatPeriod(parsePeriod(text))).toBe(text);
  });

  it('reads any year the same way', () => {
    expect(parsePeriod(`${someYear}-Q3`)).toEqual({ kind: 'quarter', start: `${someYear}-07-01`, end: `${someYear}-09-30` });
  });

  describe('leap years', () => {
    it.each([
      ['2024-02', '2024-02-29'], // divisible by 4
      ['2023-02', '2023-02-28'],
      ['2000-02', '2000-02-29'], // divisible by 400
      ['1900-02', '1900-02-28'], // a century not divisible by 400
      ['2100-02', '2100-02-28'],
    ])('%s ends on %s', (text, end) => {
      expect(parsePeriod(text).end).toBe(end);
    });

    it('accepts 29 February only in a leap year', () => {
      expect(parsePeriod('2024-02-29/2024-03-01').start).toBe('2024-02-29');
      const error = caught(() => parsePeriod('2023-02-29/2023-03-01'));
      expect(error.message).toContain('February 2023 has 28 days');
    });
  });

  it.each([
    ['', 'it is empty'],
    ['2023-13', 'there is no month 13'],
    ['2023-00', 'there is no month 00'],
    ['2023-Q5', 'there is no quarter Q5'],
    ['2023-Q0', 'there is no quarter Q0'],
    ['2023-q2', 'capital Q'],
    ['2023-02-30/2023-03-31', 'February 2023 has 28 days'],
    ['2023-01-01/2023-04-31', 'April 2023 has 30 days'],
    ['2023-06-30/2023-01-15', 'ends (2023-01-15) before it starts (2023-06-30)'],
    ['2023-02-30', 'February 2023 has 28 days'],
    ['2023-05-01', 'a single date is not a period'],
    ['0000', 'year must be'],
    [' 2023', 'spaces'],
    ['23', 'none of the accepted forms'],
    ['2023-5', 'none of the accepted forms'],
    ['2023/2024', 'is not a date in the form YYYY-MM-DD'],
    ['2023-01-01/', 'the range end "" is not a date'],
    ['2023-Q2/2023-Q3', 'the range start "2023-Q2" is not a date'],
  ])('refuses %j (%s)', (text, problem) => {
    const error = caught(() => parsePeriod(text));
    expect(error.code).toBe(ErrorCode.INVALID_PERIOD);
    expect(error.message).toContain(`"${text}"`);
    expect(error.message).toContain(problem);
    expect(error.message).toContain('2023 (year), 2023-Q2 (quarter), 2023-05 (month) or 2023-01-15/2023-06-30 (inclusive date range)');
    expect(error.details).toMatchObject({ period: text });
  });

  it('refuses a value that is not a string', () => {
    const error = caught(() => parsePeriod(2023 as unknown as string));
    expect(error.code).toBe(ErrorCode.INVALID_PERIOD);
    expect(error.message).toContain('expected a string, got number');
  });
});

describe('isPeriodString', () => {
  it('is true for the four forms only', () => {
    for (const text of ['2023', '2023-Q4', '2023-12', '2024-02-29/2024-02-29']) expect(isPeriodString(text)).toBe(true);
    for (const value of ['', '2023-13', '2023-Q5', '2023-02-30/2023-03-01', '2023-12-31/2023-01-01', 2023, null, undefined, {}]) {
      expect(isPeriodString(value)).toBe(false);
    }
  });
});

describe('formatPeriod', () => {
  it('writes each kind', () => {
    expect(formatPeriod({ kind: 'year', start: '2023-01-01', end: '2023-12-31' })).toBe('2023');
    expect(formatPeriod({ kind: 'quarter', start: '2023-04-01', end: '2023-06-30' })).toBe('2023-Q2');
    expect(formatPeriod({ kind: 'month', start: '2024-02-01', end: '2024-02-29' })).toBe('2024-02');
    expect(formatPeriod({ kind: 'range', start: '2023-01-01', end: '2023-12-31' })).toBe('2023-01-01/2023-12-31');
  });

  it.each([
    [{ kind: 'month', start: '2023-05-02', end: '2023-05-31' }],
    [{ kind: 'month', start: '2023-02-01', end: '2023-02-29' }],
    [{ kind: 'quarter', start: '2023-05-01', end: '2023-07-31' }],
    [{ kind: 'year', start: '2023-01-01', end: '2024-12-31' }],
    [{ kind: 'range', start: '2023-06-30', end: '2023-01-01' }],
    [{ kind: 'range', start: '2023-01-01', end: '2023-02-30' }],
    [{ kind: 'week', start: '2023-01-02', end: '2023-01-08' }],
  ])('refuses the malformed %j', (period) => {
    const error = caught(() => formatPeriod(period as never));
    expect(error.code).toBe(ErrorCode.INVALID_PERIOD);
    expect(error.message).toContain(period.start);
  });
});

describe('toPeriod', () => {
  it('parses strings and checks objects', () => {
    expect(toPeriod('2023-Q2')).toEqual(quarterPeriod(2023, 2));
    const extra = { kind: 'month', start: '2023-05-01', end: '2023-05-31', note: 'x' } as const;
    expect(toPeriod(extra)).toEqual({ kind: 'month', start: '2023-05-01', end: '2023-05-31' });
    expect(caught(() => toPeriod({ kind: 'month', start: '2023-05-01', end: '2023-05-30' })).code).toBe(ErrorCode.INVALID_PERIOD);
  });
});

describe('constructors', () => {
  it('build the same periods as the string forms', () => {
    expect(yearPeriod(someYear)).toEqual(parsePeriod(String(someYear)));
    expect(quarterPeriod(2023, 2)).toEqual(parsePeriod('2023-Q2'));
    expect(monthPeriod(2024, 2)).toEqual(parsePeriod('2024-02'));
    expect(monthPeriod(2023, 12)).toEqual(parsePeriod('2023-12'));
    expect(rangePeriod('2023-01-15', '2023-06-30')).toEqual(parsePeriod('2023-01-15/2023-06-30'));
  });

  it.each([
    ['monthPeriod(2023, 13)', () => monthPeriod(2023, 13), 'there is no month 13'],
    ['monthPeriod(2023, 0)', () => monthPeriod(2023, 0), 'there is no month 0'],
    ['monthPeriod(2023, 1.5)', () => monthPeriod(2023, 1.5), 'there is no month 1.5'],
    ['quarterPeriod(2023, 5)', () => quarterPeriod(2023, 5), 'there is no quarter 5'],
    ['yearPeriod(0)', () => yearPeriod(0), 'from 1 to 9999'],
    ['yearPeriod(10000)', () => yearPeriod(10_000), 'from 1 to 9999'],
    ['yearPeriod(NaN)', () => yearPeriod(Number.NaN), 'from 1 to 9999'],
  ])('%s throws INVALID_PERIOD', (call, fn, problem) => {
    const error = caught(fn);
    expect(error.code).toBe(ErrorCode.INVALID_PERIOD);
    expect(error.message).toContain(call);
    expect(error.message).toContain(problem);
  });

  it('rangePeriod refuses a reversed range', () => {
    const error = caught(() => rangePeriod('2023-06-30', '2023-01-15'));
    expect(error.code).toBe(ErrorCode.INVALID_PERIOD);
    expect(error.message).toContain('before it starts');
  });
});

describe('periodOfDate', () => {
  it.each([
    ['2024-02-29', 'month', '2024-02'],
    ['2024-02-29', 'quarter', '2024-Q1'],
    ['2024-02-29', 'year', '2024'],
    ['2023-04-01', 'quarter', '2023-Q2'],
    ['2023-03-31', 'quarter', '2023-Q1'],
    ['2023-12-31', 'quarter', '2023-Q4'],
    ['2023-10-30', 'month', '2023-10'],
  ] as const)('%s in a %s is %s', (date, kind, expected) => {
    expect(formatPeriod(periodOfDate(date, kind))).toBe(expected);
  });

  it('refuses a date that does not exist, naming it', () => {
    const error = caught(() => periodOfDate('2023-02-29', 'month'));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.message).toContain('2023-02-29');
    expect(error.issues).toEqual([{ path: 'date', message: expect.stringContaining('February 2023 has 28 days') }]);
  });

  it('refuses a kind it cannot take', () => {
    const error = caught(() => periodOfDate('2023-02-28', 'range' as never));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.issues[0]?.path).toBe('kind');
  });
});
