import { rename, rm } from 'node:fs/promises';
import { cellText, type Row } from './output.js';

/** Rows an Excel worksheet holds below its header (1,048,576 in all). */
export const XLSX_MAX_ROWS = 1_048_575;

/** An xlsx file written a page of rows at a time; it appears at its name only once whole. */
export interface XlsxSheetWriter {
  add(rows: readonly Row[]): void;
  /** Writes the file's end and moves it to its name. */
  finish(): Promise<void>;
  /** Drops what was written: an interrupted export leaves no half file. */
  abandon(): Promise<void>;
}

/**
 * One worksheet of `columns` at `out`, streamed (exceljs's WorkbookWriter, into `<out>.partial`).
 * Numbers and booleans stay such; every other value is text in a column formatted as Text, so
 * Excel keeps an area code's leading zeros (00031) and never reads a period as a date, and a value
 * beginning with "=" stays text, never a formula. `antq import observations` reads the file back.
 */
export async function openXlsxSheet(out: string, sheetName: string, columns: readonly string[]): Promise<XlsxSheetWriter> {
  // Loaded only for xlsx: exceljs is the largest part of antq.
  const { default: ExcelJS } = await import('exceljs');
  const partial = `${out}.partial`;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: partial, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((key) => ({ header: key, key, style: { numFmt: '@' } }));
  const cell = (value: unknown) => (value === null || value === undefined ? null : typeof value === 'number' || typeof value === 'boolean' ? value : cellText(value));
  return {
    add(rows) {
      for (const row of rows) sheet.addRow(columns.map((column) => cell(row[column]))).commit();
    },
    async finish() {
      sheet.commit();
      await workbook.commit();
      await rename(partial, out);
    },
    async abandon() {
      await rm(partial, { force: true });
    },
  };
}
