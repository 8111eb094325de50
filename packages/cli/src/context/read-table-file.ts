import { createReadStream } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse';
import { usageError } from './cli-error.js';

/** One data row of a spreadsheet, with the line (CSV) or row (xlsx) number a person sees. */
export interface SheetRow {
  readonly line: number;
  /** Cells by lower-cased header; empty cells are "". */
  readonly cells: Readonly<Record<string, string>>;
  /**
   * The (lower-cased) columns whose cell an xlsx holds as a number shown without leading zeros:
   * Excel drops them from a code typed in a cell not formatted as text (00031 becomes 31).
   */
  readonly numbers?: ReadonlySet<string>;
  /** The file writes decimals with a comma (4,5): a CSV separated by semicolons, as Excel saves one where the comma is the decimal mark (Vietnamese settings among them). */
  readonly decimalComma?: boolean;
}

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
 * The CSV's separator, from its header line: a semicolon when the header has semicolons and no
 * comma (Excel's "CSV" where the comma is the decimal mark, as on Vietnamese settings), else a comma.
 */
async function csvDelimiter(path: string): Promise<',' | ';'> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read({ buffer: Buffer.alloc(64 * 1024), position: 0 });
    const header = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .split(/\r?\n/, 1)[0]!
      .replace(/"[^"]*"/g, '');
    return header.includes(';') && !header.includes(',') ? ';' : ',';
  } finally {
    await file.close();
  }
}

async function readCsv(path: string): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  const delimiter = await csvDelimiter(path);
  const parser = createReadStream(path).pipe(
    parse({
      bom: true,
      delimiter,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: true,
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      rows.push({ line: info.lines, cells: record, ...(delimiter === ';' ? { decimalComma: true } : {}) });
    }
  } catch (error) {
    throw usageError(`${path} is not readable CSV: ${(error as Error).message}`);
  }
  return rows;
}

/**
 * A date cell as the period it shows. Excel turns "07/2025" or "2025-07" typed in a cell into the
 * date 1 July 2025 shown as a month (`mm/yyyy`, `mmm-yy`): read as its day, a month's figure
 * would be stored as one day's, and counted again beside the same month sent as text. So a
 * format without days gives the month (YYYY-MM), one with years alone the year; any other, the
 * day (YYYY-MM-DD). exceljs reads a date cell at UTC midnight of its day.
 */
function datePeriod(date: Date, numberFormat: string | undefined): string {
  const day = date.toISOString().slice(0, 10);
  // The format's own letters: not its [locale or colour] tags, "quoted text" or \escaped characters.
  const tokens = (numberFormat ?? '').replace(/\[[^\]]*\]|"[^"]*"|\\./g, '').toLowerCase();
  if (!/[ymd]/.test(tokens) || /[dhs]/.test(tokens)) return day;
  return /m/.test(tokens) ? day.slice(0, 7) : day.slice(0, 4);
}

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
      header = values.map((name) => name.toLowerCase());
      return;
    }
    if (values.every((value) => value === '')) return;
    const numbers = new Set(header.filter((_, i) => typeof numberOf(raw[i]) === 'number' && zeroPadded(numberOf(raw[i])!, formats[i]) === undefined));
    rows.push({ line: rowNumber, cells: Object.fromEntries(header.map((name, i) => [name, values[i] ?? ''])), ...(numbers.size > 0 ? { numbers } : {}) });
  });
  return rows;
}
