/*
 * Ngày dương lịch — plain proleptic-Gregorian calendar arithmetic on ISO dates (`YYYY-MM-DD`).
 * Periods are calendar dates, not instants, so no time zone is involved and `Date` is not used:
 * a date is turned into a day number (days since 1970-01-01) and back with integer maths
 * (H. Hinnant's `days_from_civil` / `civil_from_days`), which is exact for every year 1–9999.
 * Internal to the periods module.
 */

/** The first and last year a period may fall in: four-digit years, no year 0. */
export const FIRST_YEAR = 1;
export const LAST_YEAR = 9999;

/** A calendar date split into its parts; `month` is 1–12. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

/** Whether `year` is a Gregorian leap year (divisible by 4, except centuries not divisible by 400). */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days of a month (`month` 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** English name of a month (`month` 1–12), for messages. */
export function getMonthName(month: number): string {
  return MONTH_NAMES[month - 1] ?? `month ${month}`;
}

/** Whether `year` is a whole number in the years a period may fall in. */
export function isPeriodYear(year: number): boolean {
  return Number.isInteger(year) && year >= FIRST_YEAR && year <= LAST_YEAR;
}

/**
 * Reads an ISO date. Returns its parts, or a sentence saying what is wrong
 * ("2023-02-30 is not a calendar date: February 2023 has 28 days").
 */
export function readCalendarDate(text: string): CalendarDate | string {
  const match = ISO_DATE.exec(text);
  if (match === null) return `"${text}" is not a date in the form YYYY-MM-DD`;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (!isPeriodYear(year)) return `${text} has year 0000; years run from 0001 to 9999`;
  if (month < 1 || month > 12) return `${text} is not a calendar date: there is no month ${match[2]} (months run 01–12)`;
  const length = daysInMonth(year, month);
  if (day < 1 || day > length) {
    return `${text} is not a calendar date: ${getMonthName(month)} ${year} has ${length} days`;
  }
  return { year, month, day };
}

/** Writes a date as `YYYY-MM-DD`. */
export function formatCalendarDate(date: CalendarDate): string {
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Days since 1970-01-01 (negative before it) of a valid date. */
export function toDayNumber(date: CalendarDate): number {
  const year = date.month <= 2 ? date.year - 1 : date.year;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const monthFromMarch = (date.month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + date.day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The date of a day number (inverse of {@link toDayNumber}). */
export function fromDayNumber(dayNumber: number): CalendarDate {
  const shifted = dayNumber + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Vietnam's clock runs 7 hours ahead of UTC, with no daylight saving. */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** The date in Vietnam at `now` (YYYY-MM-DD): where the agencies report, whatever the server's time zone. */
export function dateInVietnam(now: Date = new Date()): string {
  return new Date(now.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** Day number of an ISO date already known to be valid. */
export function dayNumberOf(isoDate: string): number {
  const date = readCalendarDate(isoDate);
  if (typeof date === 'string') throw new TypeError(`internal: ${date}`);
  return toDayNumber(date);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
