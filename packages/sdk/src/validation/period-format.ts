/*
 * A format check for period strings, and no more. The full period parser (src/periods) owns
 * the meaning of periods; once it lands, `checkPeriodFormat` should delegate to it so there is
 * one definition. Until then this keeps validation self-contained.
 */

const YEAR = /^(\d{4})$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const RANGE = /^(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The first and last year a date or period of the movement may fall in. */
export const MIN_YEAR = 1945;
export const MAX_YEAR = 2100;

/** Whether `text` is a real calendar date `YYYY-MM-DD` (no 2023-02-29) within the years allowed. */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < MIN_YEAR || year > MAX_YEAR) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Checks a period string: `2023`, `2023-Q2`, `2023-05` or `2023-01-15/2023-06-30` (inclusive
 * range, start not after end). Returns undefined when it is fine, else what is wrong.
 */
export function checkPeriodFormat(text: string): string | undefined {
  const simple = YEAR.exec(text) ?? QUARTER.exec(text) ?? MONTH.exec(text);
  if (simple !== null) {
    const year = Number(simple[1]);
    return year < MIN_YEAR || year > MAX_YEAR ? `the year must be between ${MIN_YEAR} and ${MAX_YEAR}` : undefined;
  }
  const range = RANGE.exec(text);
  if (range !== null) {
    const [start, end] = [range[1]!, range[2]!];
    if (!isCalendarDate(start)) return `the range start ${start} is not a real date between ${MIN_YEAR} and ${MAX_YEAR}`;
    if (!isCalendarDate(end)) return `the range end ${end} is not a real date between ${MIN_YEAR} and ${MAX_YEAR}`;
    if (end < start) return `the range ends (${end}) before it starts (${start})`;
    return undefined;
  }
  return 'expected a period as 2023, 2023-Q2, 2023-05 or 2023-01-15/2023-06-30';
}
