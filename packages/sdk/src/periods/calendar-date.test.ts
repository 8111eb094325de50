import { describe, expect, it } from 'vitest';
import { daysInMonth, fromDayNumber, isLeapYear, readCalendarDate, toDayNumber } from './calendar-date.js';

describe('calendar arithmetic', () => {
  it('agrees with the platform calendar on every day from 1600 to 2400', () => {
    const first = Date.UTC(1600, 0, 1) / 86_400_000;
    const last = Date.UTC(2400, 11, 31) / 86_400_000;
    const mismatches: number[] = [];
    for (let day = first; day <= last; day++) {
      const date = new Date(day * 86_400_000);
      const parts = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
      const back = fromDayNumber(day);
      if (toDayNumber(parts) !== day || back.year !== parts.year || back.month !== parts.month || back.day !== parts.day) mismatches.push(day);
    }
    expect(mismatches).toEqual([]);
  });

  it('knows the leap years', () => {
    expect([1900, 2000, 2023, 2024, 2100, 2400].map(isLeapYear)).toEqual([false, true, false, true, false, true]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
  });

  it('reads the first and last day of the years allowed', () => {
    expect(readCalendarDate('0001-01-01')).toEqual({ year: 1, month: 1, day: 1 });
    expect(readCalendarDate('9999-12-31')).toEqual({ year: 9999, month: 12, day: 31 });
    expect(readCalendarDate('0000-01-01')).toMatch(/year 0000/);
  });
});
