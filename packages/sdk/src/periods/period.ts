import type { Period, PeriodKind } from '../domain/types.js';
import { AntqError, ErrorCode } from '../errors.js';
import { daysInMonth, formatCalendarDate, isPeriodYear, readCalendarDate, type CalendarDate } from './calendar-date.js';

/**
 * Kỳ báo cáo — reading, writing and building reporting periods.
 *
 * A period has four string forms, all calendar dates (no time zone):
 * - `2023` — a year;
 * - `2023-Q2` — a quarter (quý), Q1–Q4;
 * - `2023-05` — a month;
 * - `2023-01-15/2023-06-30` — an inclusive date range (start and end both belong to it).
 *
 * Years run from 0001 to 9999. Parsing is strict: no spaces, a capital `Q`, two-digit months
 * and days. Each form reads back to the same string (`formatPeriod(parsePeriod(s)) === s`).
 */

/** A period, or its string form: what every period function accepts. */
export type PeriodLike = Period | string;

/** The kinds of period a date falls in: every kind but a free range. */
export type CalendarPeriodKind = Exclude<PeriodKind, 'range'>;

/** The accepted forms, as every period error message lists them. */
export const PERIOD_FORMS = '2023 (year), 2023-Q2 (quarter), 2023-05 (month) or 2023-01-15/2023-06-30 (inclusive date range)';

const YEAR = /^(\d{4})$/;
const QUARTER = /^(\d{4})-Q(\d+)$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const RANGE = /^([^/]*)\/([^/]*)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The error for a bad period. `shown` is how the message names it: the quoted string, or the
 * call that tried to build it.
 */
function invalidPeriod(shown: string, problem: string, details: Record<string, unknown>): AntqError {
  return new AntqError(ErrorCode.INVALID_PERIOD, `Invalid period ${shown}: ${problem}. Write a period as ${PERIOD_FORMS}.`, {
    details: { ...details, problem },
  });
}

function yearProblem(year: number): string | undefined {
  return isPeriodYear(year) ? undefined : `the year must be a whole number from 1 to 9999, got ${year}`;
}

function monthBounds(year: number, month: number): Period {
  return {
    kind: 'month',
    start: formatCalendarDate({ year, month, day: 1 }),
    end: formatCalendarDate({ year, month, day: daysInMonth(year, month) }),
  };
}

function quarterBounds(year: number, quarter: number): Period {
  const firstMonth = quarter * 3 - 2;
  return {
    kind: 'quarter',
    start: formatCalendarDate({ year, month: firstMonth, day: 1 }),
    end: formatCalendarDate({ year, month: firstMonth + 2, day: daysInMonth(year, firstMonth + 2) }),
  };
}

function yearBounds(year: number): Period {
  return { kind: 'year', start: formatCalendarDate({ year, month: 1, day: 1 }), end: formatCalendarDate({ year, month: 12, day: 31 }) };
}

/** Reads a period, or says (as a sentence, for {@link invalidPeriod}) what is wrong with it. */
function readPeriod(text: string): Period | string {
  if (text === '') return 'it is empty';
  if (text.trim() !== text) return 'it has spaces around it';

  const year = YEAR.exec(text);
  if (year !== null) {
    const value = Number(year[1]);
    return yearProblem(value) ?? yearBounds(value);
  }

  const quarter = QUARTER.exec(text);
  if (quarter !== null) {
    const value = Number(quarter[1]);
    const number = Number(quarter[2]);
    if (number < 1 || number > 4 || quarter[2]!.length !== 1) return `there is no quarter Q${quarter[2]} (quarters run Q1–Q4)`;
    return yearProblem(value) ?? quarterBounds(value, number);
  }

  const month = MONTH.exec(text);
  if (month !== null) {
    const value = Number(month[1]);
    const number = Number(month[2]);
    if (number < 1 || number > 12) return `there is no month ${month[2]} (months run 01–12)`;
    return yearProblem(value) ?? monthBounds(value, number);
  }

  const range = RANGE.exec(text);
  if (range !== null) {
    const start = readCalendarDate(range[1]!);
    if (typeof start === 'string') return `the range start ${start}`;
    const end = readCalendarDate(range[2]!);
    if (typeof end === 'string') return `the range end ${end}`;
    if (range[2]! < range[1]!) return `the range ends (${range[2]}) before it starts (${range[1]}); write the earlier date first`;
    return { kind: 'range', start: range[1]!, end: range[2]! };
  }

  if (DATE.test(text)) {
    const date = readCalendarDate(text);
    if (typeof date === 'string') return date;
    return `a single date is not a period; write one day as the range ${text}/${text}`;
  }
  if (/^\d{4}-q\d$/.test(text)) return 'write the quarter with a capital Q';
  return 'it is in none of the accepted forms';
}

/**
 * Reads a period string into a {@link Period}.
 *
 * @throws AntqError `INVALID_PERIOD` naming the bad value, what is wrong with it and the accepted
 *   forms: `2023-13` (no month 13), `2023-Q5`, `2023-02-30` (not a date), a range that ends before
 *   it starts, an empty string.
 */
export function parsePeriod(text: string): Period {
  if (typeof text !== 'string') {
    throw invalidPeriod(String(text), `expected a string, got ${text === null ? 'null' : typeof text}`, { period: text });
  }
  const period = readPeriod(text);
  if (typeof period === 'string') throw invalidPeriod(`"${text}"`, period, { period: text });
  return period;
}

/** Whether `value` is a string in one of the period forms (see {@link parsePeriod}). */
export function isPeriodString(value: unknown): value is string {
  return typeof value === 'string' && typeof readPeriod(value) !== 'string';
}

function isPeriodObject(value: unknown): value is Period {
  return typeof value === 'object' && value !== null;
}

/** The string form a period object claims to have; undefined when its kind or start is off. */
function claimedForm(period: Period): string | undefined {
  if (typeof period.start !== 'string') return undefined;
  const start = readCalendarDate(period.start);
  if (typeof start === 'string') return undefined;
  const year = String(start.year).padStart(4, '0');
  switch (period.kind) {
    case 'year':
      return year;
    case 'quarter':
      return `${year}-Q${Math.ceil(start.month / 3)}`;
    case 'month':
      return period.start.slice(0, 7);
    case 'range':
      return `${period.start}/${period.end}`;
    default:
      return undefined;
  }
}

/**
 * Writes a period in its string form (`2023`, `2023-Q2`, `2023-05`, `2023-01-15/2023-06-30`).
 * A range keeps the range form even when it spans a whole month, quarter or year.
 *
 * @throws AntqError `INVALID_PERIOD` when the object is not a well-formed period: e.g. kind
 *   `month` whose start and end are not the first and last day of one month.
 */
export function formatPeriod(period: Period): string {
  const form = isPeriodObject(period) ? claimedForm(period) : undefined;
  const read = form === undefined ? undefined : readPeriod(form);
  if (form !== undefined && read !== undefined && typeof read !== 'string' && read.start === period.start && read.end === period.end) {
    return form;
  }
  const shown = isPeriodObject(period) ? `{ kind: ${String(period.kind)}, start: ${String(period.start)}, end: ${String(period.end)} }` : String(period);
  const problem =
    typeof read === 'string'
      ? read
      : isPeriodObject(period)
        ? `its start and end are not calendar dates that make one whole ${String(period.kind)}`
        : 'expected an object { kind, start, end }';
  throw invalidPeriod(shown, problem, { period });
}

/**
 * A period from its object or string form, checked. Strings are parsed; objects are checked
 * (see {@link formatPeriod}) and copied to a plain `{ kind, start, end }`.
 *
 * @throws AntqError `INVALID_PERIOD`.
 */
export function toPeriod(period: PeriodLike): Period {
  if (typeof period === 'string') return parsePeriod(period);
  formatPeriod(period);
  return { kind: period.kind, start: period.start, end: period.end };
}

/** A year (năm), e.g. `yearPeriod(2023)` → `2023`. @throws AntqError `INVALID_PERIOD`. */
export function yearPeriod(year: number): Period {
  const problem = yearProblem(year);
  if (problem !== undefined) throw invalidPeriod(`yearPeriod(${year})`, problem, { year });
  return yearBounds(year);
}

/** A quarter (quý) 1–4, e.g. `quarterPeriod(2023, 2)` → `2023-Q2`. @throws AntqError `INVALID_PERIOD`. */
export function quarterPeriod(year: number, quarter: number): Period {
  const problem = yearProblem(year) ?? (Number.isInteger(quarter) && quarter >= 1 && quarter <= 4 ? undefined : `there is no quarter ${quarter} (quarters run 1–4)`);
  if (problem !== undefined) throw invalidPeriod(`quarterPeriod(${year}, ${quarter})`, problem, { year, quarter });
  return quarterBounds(year, quarter);
}

/** A month (tháng) 1–12, e.g. `monthPeriod(2023, 5)` → `2023-05`. @throws AntqError `INVALID_PERIOD`. */
export function monthPeriod(year: number, month: number): Period {
  const problem = yearProblem(year) ?? (Number.isInteger(month) && month >= 1 && month <= 12 ? undefined : `there is no month ${month} (months run 1–12)`);
  if (problem !== undefined) throw invalidPeriod(`monthPeriod(${year}, ${month})`, problem, { year, month });
  return monthBounds(year, month);
}

/**
 * An inclusive date range, e.g. `rangePeriod('2023-01-15', '2023-06-30')`. A range of one day
 * has the same start and end.
 *
 * @throws AntqError `INVALID_PERIOD` when a date is not a calendar date or the range ends before it starts.
 */
export function rangePeriod(start: string, end: string): Period {
  return parsePeriod(`${start}/${end}`);
}

/**
 * The month, quarter or year that an ISO date (`YYYY-MM-DD`) falls in:
 * `periodOfDate('2024-02-29', 'quarter')` → `2024-Q1`.
 *
 * @throws AntqError `BAD_USER_INPUT` when `date` is not a calendar date or `kind` is not
 *   `month`, `quarter` or `year`.
 */
export function periodOfDate(date: string, kind: CalendarPeriodKind): Period {
  const parts: CalendarDate | string = typeof date === 'string' ? readCalendarDate(date) : `expected an ISO date string, got ${typeof date}`;
  if (typeof parts === 'string') {
    throw new AntqError(ErrorCode.BAD_USER_INPUT, `Invalid date for periodOfDate: ${parts}.`, {
      details: { date },
      issues: [{ path: 'date', message: parts }],
    });
  }
  switch (kind) {
    case 'year':
      return yearBounds(parts.year);
    case 'quarter':
      return quarterBounds(parts.year, Math.ceil(parts.month / 3));
    case 'month':
      return monthBounds(parts.year, parts.month);
    default: {
      const message = `expected month, quarter or year, got ${String(kind)}`;
      throw new AntqError(ErrorCode.BAD_USER_INPUT, `Invalid period kind for periodOfDate: ${message}.`, {
        details: { kind },
        issues: [{ path: 'kind', message }],
      });
    }
  }
}
