import { access, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { normaliseName } from '@antq/sdk/areas';
import { usageError } from './cli-error.js';

/** One data row of a spreadsheet, with the line (CSV) or row (xlsx) number a person sees. */
export interface SheetRow {
  readonly line: number;
  /** Cells by their column's name as `columnName` folds it; empty cells are "". */
  readonly cells: Readonly<Record<string, string>>;
  /**
   * The (lower-cased) columns whose cell an xlsx holds as a number shown without leading zeros:
   * Excel drops them from a code typed in a cell not formatted as text (00031 becomes 31).
   */
  readonly numbers?: ReadonlySet<string>;
  /** The columns whose cell an xlsx holds as a number shown as a percentage: 87.5 % is the number 0.875. */
  readonly percents?: ReadonlySet<string>;
  /** The file writes decimals with a comma (4,5): a CSV separated by semicolons, as Excel saves one where the comma is the decimal mark (Vietnamese settings among them). */
  readonly decimalComma?: boolean;
}

/** A header as the import names its column: no diacritics, lower case, words joined by "_" ("Mã địa bàn" → ma_dia_ban, "Area code" → area_code). */
const columnName = (header: string): string => normaliseName(header).replace(/[\s_-]+/g, '_');

/** Reads a CSV (RFC 4180, UTF-8 with or without BOM) or the first (or named) sheet of an xlsx file; the first row names the columns. */
export async function readTableFile(path: string, options: { sheet?: string } = {}): Promise<SheetRow[]> {
  await access(path).catch(() => {
    throw usageError(`No file "${path}".`);
  });
  const kind = extname(path).toLowerCase();
  if (kind === '.xlsx') return readXlsx(path, options.sheet);
  if (kind === '.csv' || kind === '.txt') return readCsv(path);
  throw usageError(`"${path}" is neither .csv nor .xlsx: save the spreadsheet as CSV (UTF-8) or Excel workbook.`);
}

/**
 * A CSV file's text, which must be UTF-8: Excel's plain "CSV" is in the Windows code page
 * (Vietnamese: Windows-1258) and its "Unicode Text" in UTF-16, which read as UTF-8 would store
 * notes and names as mojibake. Refused, saying how to save it.
 */
async function csvText(path: string): Promise<string> {
  const bytes = await readFile(path);
  const saveAs = 'save it from Excel as "CSV UTF-8 (Comma delimited)", or as an Excel workbook (.xlsx)';
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) throw usageError(`${path} is UTF-16 text: ${saveAs}.`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw usageError(`${path} is not UTF-8 text (line ${firstLineNotUtf8(bytes)} is not): ${saveAs}.`);
  }
}

/** The number of the first line that is not UTF-8 (a newline byte is never inside a character). */
function firstLineNotUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = 1; ; line++) {
    const end = bytes.indexOf(0x0a, start);
    try {
      decoder.decode(bytes.subarray(start, end === -1 ? bytes.length : end));
    } catch {
      return line;
    }
    if (end === -1) return line;
    start = end + 1;
  }
}

/**
 * The CSV's separator, from its header line: a semicolon when the header has semicolons and no
 * comma (Excel's "CSV" where the comma is the decimal mark, as on Vietnamese settings), else a comma.
 */
function csvDelimiter(text: string): ',' | ';' {
  const header = text.split(/\r?\n/, 1)[0]!.replace(/"[^"]*"/g, '');
  return header.includes(';') && !header.includes(',') ? ';' : ',';
}

async function readCsv(path: string): Promise<SheetRow[]> {
  const text = await csvText(path);
  const delimiter = csvDelimiter(text);
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter,
      columns: (header: string[]) => header.map(columnName),
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: true,
    }) as typeof records;
  } catch (error) {
    throw usageError(`${path} is not readable CSV: ${(error as Error).message}`);
  }
  return records.map(({ record, info }) => ({ line: info.lines, cells: record, ...(delimiter === ';' ? { decimalComma: true } : {}) }));
}

/** A number format's own codes: without its [locale or colour] tags, "quoted text" or \escaped characters. */
const formatCodes = (numberFormat: string | undefined) => (numberFormat ?? '').replace(/\[[^\]]*\]|"[^"]*"|\\./g, '').toLowerCase();

/**
 * A date cell as the period it shows. Excel turns "07/2025" or "2025-07" typed in a cell into the
 * date 1 July 2025 shown as a month (`mm/yyyy`, `mmm-yy`): read as that day, the row was refused
 * (a day is no period) until the cells were formatted as text and typed again. So a format
 * without days gives the month (YYYY-MM), one with years alone the year; any other, the day
 * (YYYY-MM-DD). exceljs reads a date cell at UTC midnight of its day.
 */
function datePeriod(date: Date, numberFormat: string | undefined): string {
  const day = date.toISOString().slice(0, 10);
  const codes = formatCodes(numberFormat);
  if (!/[ymd]/.test(codes) || /[dhs]/.test(codes)) return day;
  return /m/.test(codes) ? day.slice(0, 7) : day.slice(0, 4);
}

/** Whether a number format shows its number as a percentage (`0.0%`), not counting a "%" in quoted text. */
const isPercentFormat = (numberFormat: string | undefined) => formatCodes(numberFormat).includes('%');

/** A whole number shown with leading zeros (`00000`), as shown: 31 in such a cell reads 00031. */
function zeroPadded(value: number, numberFormat: string | undefined): string | undefined {
  const width = /^0+$/.exec(numberFormat ?? '')?.[0].length;
  return width !== undefined && Number.isSafeInteger(value) && value >= 0 ? String(value).padStart(width, '0') : undefined;
}

/** A cell of exceljs as text: formulas by their result, rich text joined, dates as the period they show (see `datePeriod`), numbers as shown. */
function cellText(value: unknown, numberFormat?: string): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return datePeriod(value, numberFormat);
  if (typeof value === 'number') return zeroPadded(value, numberFormat) ?? String(value);
  if (typeof value === 'object') {
    const cell = value as { result?: unknown; richText?: { text: string }[]; text?: unknown };
    if ('result' in cell) return cellText(cell.result, numberFormat);
    if (cell.richText) return cell.richText.map((part) => part.text).join('');
    if (cell.text !== undefined) return cellText(cell.text);
    return '';
  }
  return String(value).trim();
}

/** A cell's number, a formula's result included. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  const result = (value as { result?: unknown } | null)?.result;
  return typeof result === 'number' ? result : undefined;
}

async function readXlsx(path: string, sheetName: string | undefined): Promise<SheetRow[]> {
  // Loaded only for xlsx: exceljs is the largest part of antq.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (error) {
    throw usageError(`${path} is not a readable Excel workbook: ${(error as Error).message}`);
  }
  const sheet = sheetName === undefined ? workbook.worksheets[0] : workbook.getWorksheet(sheetName);
  if (!sheet)
    throw usageError(
      sheetName === undefined ? `${path} has no sheet.` : `${path} has no sheet "${sheetName}": it has ${workbook.worksheets.map((s) => `"${s.name}"`).join(', ')}.`,
    );
  let header: string[] | undefined;
  const rows: SheetRow[] = [];
  sheet.eachRow((row, rowNumber) => {
    const raw = (row.values as unknown[]).slice(1);
    const formats = raw.map((_, index) => row.getCell(index + 1).numFmt);
    const values = raw.map((value, index) => cellText(value, formats[index]));
    if (header === undefined) {
      header = values.map(columnName);
      return;
    }
    if (values.every((value) => value === '')) return;
    const numbered = header.flatMap((name, i) => {
      const number = numberOf(raw[i]);
      return number === undefined ? [] : [{ name, number, format: formats[i] }];
    });
    const numbers = new Set(numbered.filter((cell) => zeroPadded(cell.number, cell.format) === undefined).map((cell) => cell.name));
    const percents = new Set(numbered.filter((cell) => isPercentFormat(cell.format)).map((cell) => cell.name));
    rows.push({
      line: rowNumber,
      cells: Object.fromEntries(header.map((name, i) => [name, values[i] ?? ''])),
      ...(numbers.size > 0 ? { numbers } : {}),
      ...(percents.size > 0 ? { percents } : {}),
    });
  });
  return rows;
}
