import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { comparePeriods, parseRatio } from './compare.js';
import { thrownAntqError as caught } from '../testing/thrown-antq-error.js';

describe('comparePeriods — the figures of phường Tân An (001_dd7c2b3e7725a3b0)', () => {
  it('criminal offences 13/37: down 64.9 %', () => {
    expect(comparePeriods({ current: 13, previous: 37 })).toEqual({
      current: 13,
      previous: 37,
      change: -24,
      changePercent: -64.9,
      direction: 'down',
      text: '13/37 (−64.9 %)',
    });
  });

  it('serious cases 0/1 and snatch thefts 0/4: down 100 %', () => {
    expect(comparePeriods({ current: 0, previous: 1 })).toMatchObject({ change: -1, changePercent: -100, direction: 'down', text: '0/1 (−100 %)' });
    expect(comparePeriods({ current: 0, previous: 4 })).toMatchObject({ change: -4, changePercent: -100, direction: 'down', text: '0/4 (−100 %)' });
  });

  it('motorbike thefts 3/19: down 84.2 %', () => {
    expect(comparePeriods({ current: 3, previous: 19 })).toMatchObject({ change: -16, changePercent: -84.2, direction: 'down', text: '3/19 (−84.2 %)' });
  });

  it('0/0: unchanged, with no percentage (there is no basis)', () => {
    expect(comparePeriods({ current: 0, previous: 0 })).toEqual({
      current: 0,
      previous: 0,
      change: 0,
      changePercent: null,
      direction: 'unchanged',
      text: '0/0 (±0)',
    });
  });

  it('3/0: up, with no finite percentage', () => {
    expect(comparePeriods({ current: 3, previous: 0 })).toEqual({
      current: 3,
      previous: 0,
      change: 3,
      changePercent: null,
      direction: 'up',
      text: '3/0 (+3)',
    });
  });
});

describe('comparePeriods — rounding and signs', () => {
  it.each([
    [5, 4, 25, 'up', '5/4 (+25 %)'],
    [4, 4, 0, 'unchanged', '4/4 (0 %)'],
    [17, 16, 6.3, 'up', '17/16 (+6.3 %)'], // 6.25 → half away from zero
    [15, 16, -6.3, 'down', '15/16 (−6.3 %)'], // −6.25 → half away from zero
    [1, 3, -66.7, 'down', '1/3 (−66.7 %)'],
    [2, 3, -33.3, 'down', '2/3 (−33.3 %)'],
    [30_001, 30_000, 0, 'up', '30001/30000 (0 %)'], // +0.0033 % rounds to 0, never to −0
    [29_999, 30_000, 0, 'down', '29999/30000 (0 %)'],
    [150, 50, 200, 'up', '150/50 (+200 %)'],
  ] as const)('%i/%i → %d % %s', (current, previous, percent, direction, text) => {
    const result = comparePeriods({ current, previous });
    expect(result.changePercent).toBe(percent);
    expect(Object.is(result.changePercent, -0)).toBe(false);
    expect(result.direction).toBe(direction);
    expect(result.text).toBe(text);
  });

  it('works with random whole figures', () => {
    const previous = 1 + Math.floor(Math.random() * 10_000);
    const current = Math.floor(Math.random() * 10_000);
    const result = comparePeriods({ current, previous });
    expect(result.change).toBe(current - previous);
    expect(Math.abs(result.changePercent! - ((current - previous) / previous) * 100)).toBeLessThanOrEqual(0.05 + 1e-9);
  });
});

describe('comparePeriods — a missing figure is not 0', () => {
  it('gives no change, percentage or direction without a previous figure, and says so (Mỹ Lộc: 150 cameras in 2017, none reported for 2016)', () => {
    const current = 1 + Math.floor(Math.random() * 1000);
    expect(comparePeriods({ current, previous: null, periods: { current: '2017', previous: '2016' } })).toEqual({
      current,
      previous: null,
      change: null,
      changePercent: null,
      direction: null,
      text: `${current} (no figure for 2016)`,
    });
  });

  it('gives no comparison without a current figure either, and keeps the previous one in the text', () => {
    expect(comparePeriods({ current: null, previous: 37, periods: { current: '2017', previous: '2016' } })).toEqual({
      current: null,
      previous: 37,
      change: null,
      changePercent: null,
      direction: null,
      text: 'no figure for 2017 (2016: 37)',
    });
    expect(comparePeriods({ current: 0, previous: null }).text).toBe('0 (no figure for the previous period)');
  });

  it('still refuses undefined: a missing figure is said with null', () => {
    expect(caught(() => comparePeriods({ current: 3 } as never)).code).toBe(ErrorCode.BAD_USER_INPUT);
  });
});

describe('comparePeriods — bad figures', () => {
  it.each([
    ['current', { current: -1, previous: 4 }, '-1'],
    ['previous', { current: 1, previous: -4 }, '-4'],
    ['current', { current: Number.NaN, previous: 4 }, 'NaN'],
    ['previous', { current: 1, previous: Number.POSITIVE_INFINITY }, 'Infinity'],
    ['current', { current: '13', previous: 37 }, 'string'],
  ])('names %s in BAD_USER_INPUT (%j)', (field, figures, shown) => {
    const error = caught(() => comparePeriods(figures as never));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.message).toContain(field);
    expect(error.message).toContain(shown);
    expect(error.issues).toEqual([{ path: field, message: expect.stringContaining('finite number of 0 or more') }]);
  });
});

describe('parseRatio', () => {
  it.each([
    ['13/37', 13, 37],
    ['00/01', 0, 1],
    ['00/04', 0, 4],
    ['03/19', 3, 19],
    ['3 / 19', 3, 19],
    ['0/0', 0, 0],
  ])('reads %s', (text, current, previous) => {
    expect(parseRatio(text)).toEqual({ current, previous });
  });

  it('feeds comparePeriods', () => {
    expect(comparePeriods(parseRatio('13/37')).text).toBe('13/37 (−64.9 %)');
  });

  it.each(['', '13', '13/', '/37', '13/37/2', '-1/4', '1.5/4', '1.420/1.300', 'a/b', '13:37', '99999999999999999/1'])('refuses %j with BAD_USER_INPUT naming it', (text) => {
    const error = caught(() => parseRatio(text));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.message).toContain(`"${text}"`);
    expect(error.message).toContain('e.g. 13/37');
  });
});
