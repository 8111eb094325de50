import type { Period } from '../domain/types.js';
import { AntqError, ErrorCode } from '../errors.js';
import { dayNumberOf, daysInMonth, formatCalendarDate, fromDayNumber, isPeriodYear, readCalendarDate, type CalendarDate } from './calendar-date.js';
import { formatPeriod, monthPeriod, quarterPeriod, toPeriod, yearPeriod, type PeriodLike } from './period.js';

/**
 * Kỳ trước, kỳ con — arithmetic on reporting periods. Every function takes a {@link Period} or
 * its string form and throws `AntqError` `INVALID_PERIOD` for a bad one. Days are calendar days
 * and both ends of a period belong to it.
 */

/** Parts of an ISO date that a checked period holds. */
function partsOf(isoDate: string): CalendarDate {
  const parts = readCalendarDate(isoDate);
  if (typeof parts === 'string') throw new TypeError(`internal: unchecked date ${isoDate}`);
  return parts;
}

/** Number of days in a period, both ends included: `periodDays('2024-Q1')` → 91 (a leap year). */
export function periodDays(period: PeriodLike): number {
  const { start, end } = toPeriod(period);
  return dayNumberOf(end) - dayNumberOf(start) + 1;
}

/**
 * Whether `outer` contains `inner`: every day of `inner` is a day of `outer`. A period
 * contains itself; `2023` contains `2023-Q2`, `2023-05` and `2023-01-15/2023-06-30`.
 */
export function periodContains(outer: PeriodLike, inner: PeriodLike): boolean {
  const a = toPeriod(outer);
  const b = toPeriod(inner);
  return a.start <= b.start && b.end <= a.end;
}

/** Whether two periods share at least one day. */
export function periodsOverlap(a: PeriodLike, b: PeriodLike): boolean {
  const first = toPeriod(a);
  const second = toPeriod(b);
  return first.start <= second.end && second.start <= first.end;
}

/**
 * Whether two periods cover exactly the same days, whatever their form: `2023` and
 * `2023-01-01/2023-12-31` are equal.
 */
export function periodsEqual(a: PeriodLike, b: PeriodLike): boolean {
  const first = toPeriod(a);
  const second = toPeriod(b);
  return first.start === second.start && first.end === second.end;
}

/**
 * The period just before this one, of the same kind: the previous month (January → December
 * of the year before), quarter (Q1 → Q4 of the year before) or year. For a range, the range
 * of the same number of days that ends the day before it starts
 * (`2024-03-01/2024-03-31` → `2024-01-30/2024-02-29`).
 *
 * @throws AntqError `INVALID_PERIOD` for a bad period, or when the previous one would fall before year 1.
 */
export function previousPeriod(period: PeriodLike): Period {
  const checked = toPeriod(period);
  const start = partsOf(checked.start);
  switch (checked.kind) {
    case 'year':
      return yearPeriod(start.year - 1);
    case 'quarter': {
      const quarter = Math.ceil(start.month / 3);
      return quarter === 1 ? quarterPeriod(start.year - 1, 4) : quarterPeriod(start.year, quarter - 1);
    }
    case 'month':
      return start.month === 1 ? monthPeriod(start.year - 1, 12) : monthPeriod(start.year, start.month - 1);
    case 'range': {
      const first = dayNumberOf(checked.start);
      const length = dayNumberOf(checked.end) - first + 1;
      const newStart = fromDayNumber(first - length);
      if (!isPeriodYear(newStart.year)) {
        throw new AntqError(ErrorCode.INVALID_PERIOD, `The period before ${formatPeriod(checked)} would start before year 1.`, {
          details: { period: formatPeriod(checked) },
        });
      }
      return { kind: 'range', start: formatCalendarDate(newStart), end: formatCalendarDate(fromDayNumber(first - 1)) };
    }
  }
}

/** What {@link splitPeriod} splits a period into. */
export type SplitUnit = 'month' | 'quarter';

/**
 * The months or quarters that make up a period, in order: a year is 12 months or 4 quarters, a
 * quarter 3 months, a month 1 month. A range splits when it starts on the first day and ends on
 * the last day of a month (or quarter): `2023-02-01/2023-04-30` → `2023-02`, `2023-03`, `2023-04`.
 *
 * @throws AntqError `BAD_USER_INPUT` when the period does not start and end on boundaries of the
 *   unit (a month into quarters, a range from the 15th) or the unit is neither `month` nor `quarter`;
 *   `INVALID_PERIOD` for a bad period.
 */
export function splitPeriod(period: PeriodLike, unit: SplitUnit): Period[] {
  const checked = toPeriod(period);
  if (unit !== 'month' && unit !== 'quarter') {
    const message = `expected month or quarter, got ${String(unit)}`;
    throw new AntqError(ErrorCode.BAD_USER_INPUT, `Cannot split a period: ${message}.`, {
      details: { unit },
      issues: [{ path: 'unit', message }],
    });
  }
  const start = partsOf(checked.start);
  const end = partsOf(checked.end);
  const monthsPerUnit = unit === 'month' ? 1 : 3;
  const aligned = start.day === 1 && (start.month - 1) % monthsPerUnit === 0 && end.day === daysInMonth(end.year, end.month) && end.month % monthsPerUnit === 0;
  if (!aligned) {
    const shown = formatPeriod(checked);
    const message = `${shown} does not start on the first day and end on the last day of a ${unit}, so it is not made of whole ${unit}s`;
    throw new AntqError(ErrorCode.BAD_USER_INPUT, `Cannot split ${shown} into ${unit}s: ${message}.`, {
      details: { period: shown, unit },
      issues: [{ path: 'period', message }],
    });
  }
  const parts: Period[] = [];
  let year = start.year;
  let month = start.month;
  while (year < end.year || (year === end.year && month <= end.month)) {
    parts.push(unit === 'month' ? monthPeriod(year, month) : quarterPeriod(year, (month + 2) / 3));
    month += monthsPerUnit;
    if (month > 12) {
      month -= 12;
      year += 1;
    }
  }
  return parts;
}
