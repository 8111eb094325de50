import { AntqError, ErrorCode } from '../errors.js';

/**
 * So sánh với cùng kỳ / kỳ trước — comparing a figure with the one of the period before, as the
 * articles write it: "phạm pháp hình sự 13/37 vụ" is 13 cases this period against 37 the
 * period before, a fall of 64.9 %.
 */

/** Which way a figure went from the previous period to the current one. */
export type ChangeDirection = 'up' | 'down' | 'unchanged';

/** Two figures to compare: this period's and the previous period's. */
export interface PeriodFigures {
  /** Kỳ này — the value for the current period (0 or more, finite); `null` when none was reported. */
  readonly current: number | null;
  /** Kỳ trước / cùng kỳ — the value for the period compared against (0 or more, finite); `null` when none was reported. */
  readonly previous: number | null;
  /** The periods as the text names them when a figure is missing ("no figure for 2016"). */
  readonly periods?: { readonly current: string; readonly previous: string };
}

/** The two figures of {@link PeriodFigures} when both were reported. */
export interface ReportedFigures {
  readonly current: number;
  readonly previous: number;
}

/**
 * The comparison of two periods' figures. A missing figure is not 0: without both figures there
 * is no comparison, so `change`, `changePercent` and `direction` are `null` and the text says
 * which figure is missing.
 */
export interface PeriodComparison {
  readonly current: number | null;
  readonly previous: number | null;
  /** `current − previous`; `null` when a figure is missing. */
  readonly change: number | null;
  /**
   * The change as a percentage of `previous`, rounded to one decimal, half away from zero
   * (−64.86… → −64.9). `null` when `previous` is 0: there is no basis for a percentage
   * (`0/0` is unchanged, `3/0` is up by 3 but by no finite percentage), and when a figure is missing.
   */
  readonly changePercent: number | null;
  /** `null` when a figure is missing. */
  readonly direction: ChangeDirection | null;
  /**
   * The article notation with the change: `13/37 (−64.9 %)`, `5/4 (+25 %)`, `4/4 (0 %)`. Without
   * a percentage it shows the change in the unit instead: `3/0 (+3)`, `0/0 (±0)`. Uses the minus
   * sign U+2212; trailing `.0` is dropped (`−100 %`). With a figure missing it says so:
   * `150 (no figure for 2016)`, `no figure for 2017 (2016: 37)`.
   */
  readonly text: string;
}

const MINUS = '\u2212';

function checkFigure(field: keyof ReportedFigures, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const message = `expected a finite number of 0 or more, got ${typeof value === 'number' ? String(value) : typeof value}`;
  throw new AntqError(ErrorCode.BAD_USER_INPUT, `Invalid ${field} figure: ${message}.`, {
    details: { field, value: typeof value === 'number' ? String(value) : value },
    issues: [{ path: field, message }],
  });
}

/** Rounds a number of tenths to a whole number of tenths, half away from zero, and gives it in units; never −0. */
function roundTenths(tenths: number): number {
  const rounded = Math.round(Math.abs(tenths));
  return rounded === 0 ? 0 : (Math.sign(tenths) * rounded) / 10;
}

/** A signed number as the text shows it: `+25`, `−64.9`, `0`. */
function signed(value: number, zero: string): string {
  if (value === 0) return zero;
  return `${value > 0 ? '+' : MINUS}${String(Math.abs(value))}`;
}

/**
 * Compares a period's figure with the previous period's: the change, the change in percent of
 * the previous figure (one decimal) and the direction.
 *
 * `comparePeriods({ current: 13, previous: 37 })` →
 * `{ current: 13, previous: 37, change: -24, changePercent: -64.9, direction: 'down', text: '13/37 (−64.9 %)' }`.
 *
 * With a previous figure of 0 the percentage is `null`: `0/0` is `unchanged`, `3/0` is `up`.
 * A missing figure (`null`) is not 0: `{ current: 150, previous: null, periods: { current: '2017', previous: '2016' } }`
 * gives change, percentage and direction `null` and the text `150 (no figure for 2016)`.
 *
 * @throws AntqError `BAD_USER_INPUT` naming `current` or `previous` when it is negative, not
 *   finite or not a number.
 */
export function comparePeriods(figures: PeriodFigures): PeriodComparison {
  const current = figures.current === null ? null : checkFigure('current', figures.current);
  const previous = figures.previous === null ? null : checkFigure('previous', figures.previous);
  if (current === null || previous === null) {
    return { current, previous, change: null, changePercent: null, direction: null, text: missingText(current, previous, figures.periods) };
  }
  const change = current - previous;
  const direction: ChangeDirection = change > 0 ? 'up' : change < 0 ? 'down' : 'unchanged';
  // Tenths of a percent as one division, (change × 1000) / previous: with whole figures the
  // product is exact, so a true half (17/16: +6.25 % = 62.5 tenths) is exact before rounding.
  const changePercent = previous === 0 ? null : roundTenths((change * 1000) / previous);
  const detail = changePercent === null ? signed(change, '±0') : `${signed(changePercent, '0')} %`;
  return { current, previous, change, changePercent, direction, text: `${current}/${previous} (${detail})` };
}

/** The text of a comparison with a figure missing: what there is, and which period has no figure. */
function missingText(current: number | null, previous: number | null, periods: PeriodFigures['periods']): string {
  const currentName = periods?.current ?? 'this period';
  const previousName = periods?.previous ?? 'the previous period';
  if (current !== null) return `${current} (no figure for ${previousName})`;
  if (previous !== null) return `no figure for ${currentName} (${periods ? `${previousName}: ` : 'previous: '}${previous})`;
  return `no figure for ${currentName} nor ${previousName}`;
}

const RATIO = /^\s*(\d+)\s*\/\s*(\d+)\s*$/;

/**
 * Reads the article notation `current/previous` ("13/37", "00/04", "3 / 19") into figures for
 * {@link comparePeriods}. Both sides are whole numbers of 0 or more, written with digits only
 * (no thousands separators).
 *
 * @throws AntqError `BAD_USER_INPUT` naming the bad text and the expected form.
 */
export function parseRatio(text: string): ReportedFigures {
  const match = typeof text === 'string' ? RATIO.exec(text) : null;
  const current = match === null ? Number.NaN : Number(match[1]);
  const previous = match === null ? Number.NaN : Number(match[2]);
  if (match === null || !Number.isSafeInteger(current) || !Number.isSafeInteger(previous)) {
    const shown = typeof text === 'string' ? `"${text}"` : String(text);
    const message = 'expected two whole numbers as current/previous, e.g. 13/37';
    throw new AntqError(ErrorCode.BAD_USER_INPUT, `Invalid ratio ${shown}: ${message}.`, {
      details: { ratio: text },
      issues: [{ path: 'ratio', message }],
    });
  }
  return { current, previous };
}
