import { getIndicator, isAntqError, validateObservationInput, type Agency, type ObservationInput } from '@antq/sdk';
import { normaliseName, type AreaRegistry } from '@antq/sdk/areas';
import { usageError } from './cli-error.js';
import type { SheetRow } from './read-table-file.js';

/** A row that passed every check, ready to send. */
export interface GoodRow {
  readonly line: number;
  readonly input: ObservationInput;
  /** The natural key: one figure per indicator, area (and residential area) and period. */
  readonly key: string;
}

export interface BadRow {
  readonly line: number;
  readonly problem: string;
}

/** The column names each input field is read from, as `columnName` folds a header: the export's names first, then the Vietnamese ones officers' sheets use. */
const COLUMNS = {
  indicator: ['indicator', 'chi_tieu', 'ma_chi_tieu'],
  areaCode: ['area', 'area_code', 'areacode', 'dia_ban', 'ma_dia_ban', 'ma_don_vi'],
  period: ['period', 'ky', 'ky_bao_cao'],
  value: ['value', 'gia_tri', 'so_lieu'],
  atLeast: ['at_least', 'atleast', 'it_nhat'],
  approximate: ['approximate', 'uoc_tinh'],
  note: ['note', 'ghi_chu'],
  residentialAreaId: ['residential_area', 'residentialareaid', 'khu_dan_cu'],
  organisation: ['organisation', 'organization', 'to_chuc'],
} as const;
const REQUIRED = ['indicator', 'areaCode', 'period', 'value'] as const;

export const naturalKey = (input: { indicator: string; areaCode: string; period: string; residentialAreaId?: string | undefined }) =>
  [input.indicator, input.areaCode, input.period, input.residentialAreaId ?? ''].join('|');

/** Fails when a required column is missing from the header, naming what to call it. */
export function checkColumns(rows: readonly SheetRow[]): void {
  const present = new Set(rows.flatMap((row) => Object.keys(row.cells)));
  const missing = REQUIRED.filter((field) => !COLUMNS[field].some((name) => present.has(name)));
  if (rows.length > 0 && missing.length > 0) {
    throw usageError(
      `The file has no column ${missing.map((field) => `"${COLUMNS[field][0]}"`).join(', ')}. The first row must name the columns: indicator, area, period, value (and optionally at_least, approximate, note), or in Vietnamese chỉ tiêu, địa bàn, kỳ, giá trị (ghi chú).`,
    );
  }
}

/** The indicator a row names, under any of its column's names. */
export const indicatorOf = (row: SheetRow): string => cell(row, 'indicator');

function cell(row: SheetRow, field: keyof typeof COLUMNS): string {
  for (const name of COLUMNS[field]) if (row.cells[name] !== undefined && row.cells[name] !== '') return row.cells[name]!;
  return '';
}

function flag(text: string): boolean | undefined {
  if (text === '') return undefined;
  return /^(true|yes|1|x|có)$/i.test(text);
}

/**
 * The area code of a row whose area cell is a number without leading zeros (see `SheetRow.numbers`):
 * 31 was typed as 31 (Hải Phòng), 031 or 00031 (Phường Giảng Võ). The one of those the register
 * knows, or a problem naming them all; read as written, a commune's figures went to a province.
 */
function areaOfNumberCell(text: string, registry: AreaRegistry): { code: string } | { problem: string } {
  if (!/^\d{1,4}$/.test(text)) return { code: text };
  const candidates = [...new Set([2, 3, 5].filter((width) => width >= text.length).map((width) => text.padStart(width, '0')))].filter((code) => registry.has(code));
  if (candidates.length <= 1) return { code: candidates[0] ?? text };
  const named = candidates.map((code) => `${code} (${registry.versions(code).at(-1)!.name})`).join(', ');
  return {
    problem: `area ${text} is a number in the sheet, and Excel drops the leading zeros of a code typed in such a cell: it may be ${named}. Format the area column as Text and type the codes as the register writes them.`,
  };
}

/** A value as written: with a decimal comma (4,5) in a file that writes decimals so, where a dot can only group thousands (1.234) and is refused. */
function numberIn(text: string, decimalComma: boolean): number {
  if (text === '') return Number.NaN;
  if (!decimalComma) return Number(text);
  return /^[-+]?\d+(,\d+)?$/.test(text) ? Number(text.replace(',', '.')) : Number.NaN;
}

/** Whether a field's column is among `columns` (a row's `numbers` or `percents`), under any of its names. */
const heldIn = (columns: ReadonlySet<string> | undefined, field: keyof typeof COLUMNS): boolean => COLUMNS[field].some((name) => columns?.has(name) === true);

/**
 * A value typed in a percentage cell, as the percentage shown, for an indicator counted in percent:
 * Excel keeps 87.5 % as 0.875, which read as written is a hundredth of the figure. A ratio's cell
 * shown as a percentage holds the ratio itself (80 % is 0.8), and stays as it is.
 */
const percentShown = (value: number): number => Number((value * 100).toPrecision(15));

/**
 * A period as officers write it, in the SDK's form: "Tháng 7/2025", "T7/2025" or "07/2025" is
 * 2025-07, "Quý 3/2025" or "Q3/2025" is 2025-Q3, "Năm 2025" is 2025. Anything else as written,
 * for the SDK to check.
 */
function periodOf(text: string): string {
  const folded = normaliseName(text).replace(/\s+/g, '');
  const month = /^(?:thang|t)?(\d{1,2})[/.-](\d{4})$/.exec(folded);
  if (month && Number(month[1]) >= 1 && Number(month[1]) <= 12) return `${month[2]}-${month[1]!.padStart(2, '0')}`;
  const quarter = /^(?:quy|q)([1-4])[/.-]?(\d{4})$/.exec(folded);
  if (quarter) return `${quarter[2]}-Q${quarter[1]}`;
  const year = /^nam(\d{4})$/.exec(folded);
  return year ? year[1]! : text;
}

/** One row checked with the SDK, or its problem in words. */
function checkRow(row: SheetRow, context: { agency: Agency; registry: AreaRegistry }): GoodRow | BadRow {
  const valueText = cell(row, 'value').replace(/\s/g, '');
  const value = numberIn(valueText, row.decimalComma === true);
  if (!Number.isFinite(value)) {
    const plain = row.decimalComma ? '1234,5' : '1234.5';
    return { line: row.line, problem: valueText === '' ? 'value is empty' : `value "${valueText}" is not a number (write ${plain}, no thousands separators)` };
  }
  const area = heldIn(row.numbers, 'areaCode') ? areaOfNumberCell(cell(row, 'areaCode'), context.registry) : { code: cell(row, 'areaCode') };
  if ('problem' in area) return { line: row.line, problem: area.problem };
  const indicator = cell(row, 'indicator');
  const raw = {
    indicator,
    areaCode: area.code,
    period: periodOf(cell(row, 'period')),
    value: heldIn(row.percents, 'value') && getIndicator(indicator)?.unit === 'percent' ? percentShown(value) : value,
    atLeast: flag(cell(row, 'atLeast')),
    approximate: flag(cell(row, 'approximate')),
    note: cell(row, 'note') || undefined,
    residentialAreaId: cell(row, 'residentialAreaId') || undefined,
    organisation: cell(row, 'organisation') || undefined,
  };
  let input: ObservationInput;
  try {
    input = validateObservationInput(raw, { agency: context.agency, areas: context.registry });
  } catch (error) {
    if (isAntqError(error)) return { line: row.line, problem: error.message };
    throw error;
  }
  return { line: row.line, input, key: naturalKey(input) };
}

/** Every row checked; a second row with the natural key of an earlier one is a duplicate. */
export function checkRows(rows: readonly SheetRow[], context: { agency: Agency; registry: AreaRegistry }): { good: GoodRow[]; bad: BadRow[] } {
  const good: GoodRow[] = [];
  const bad: BadRow[] = [];
  const firstLine = new Map<string, number>();
  for (const row of rows) {
    const checked = checkRow(row, context);
    if ('problem' in checked) {
      bad.push(checked);
      continue;
    }
    const earlier = firstLine.get(checked.key);
    if (earlier !== undefined) {
      bad.push({
        line: row.line,
        problem: `duplicate of line ${earlier}: the same indicator, area and period (${checked.input.indicator}, ${checked.input.areaCode}, ${checked.input.period})`,
      });
      continue;
    }
    firstLine.set(checked.key, row.line);
    good.push(checked);
  }
  return { good, bad };
}
