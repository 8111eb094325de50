import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { usageError } from './cli-error.js';

export const FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

/** Checks a --format value against the formats a command offers. */
export function parseFormat<Allowed extends string = Format>(value: string, allowed: readonly Allowed[] = FORMATS as readonly string[] as readonly Allowed[]): Allowed {
  if (!(allowed as readonly string[]).includes(value)) throw usageError(`Unknown --format "${value}": use ${allowed.join(', ')}.`);
  return value as Allowed;
}

export type Row = Record<string, unknown>;

/** The byte-order mark Excel needs to read UTF-8 CSV (Vietnamese diacritics) correctly. */
export const BOM = '\uFEFF';

/** A cell as text: nulls empty, lists of scalars joined with ";", anything else as JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) return value.join(';');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * CSV lines (RFC 4180: quotes where needed, CRLF) of rows, with the header when asked. A text
 * that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first: a name another
 * agency wrote, say) is written with a leading `'`; numbers stay numbers, negative ones too.
 */
export function csvLines(rows: readonly Row[], columns: readonly string[], header: boolean): string {
  return stringify(
    rows.map((row) => columns.map((column) => (typeof row[column] === 'number' ? row[column] : cellText(row[column])))),
    { header, columns: [...columns], record_delimiter: 'windows', escape_formulas: true },
  );
}

/** The columns of rows, in the order they first appear. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

const width = (text: string) => [...text.normalize('NFC')].length;

/** A plain text table: one header line, a rule, the rows; long cells are kept whole. */
export function tableText(rows: readonly Row[], columns: readonly string[] = columnsOf(rows)): string {
  const cells = rows.map((row) => columns.map((column) => cellText(row[column]).replace(/\s+/g, ' ')));
  const widths = columns.map((column, i) => Math.max(width(column), ...cells.map((line) => width(line[i]!))));
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value + ' '.repeat(widths[i]! - width(value)))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n') + '\n';
}

/** Rows in a format, as one text. */
export function formatRows(rows: readonly Row[], format: Format, options: { columns?: readonly string[]; bom?: boolean } = {}): string {
  const columns = options.columns ?? columnsOf(rows);
  switch (format) {
    case 'json':
      return JSON.stringify(rows, null, 2) + '\n';
    case 'ndjson':
      return rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length > 0 ? '\n' : '');
    case 'csv':
      return (options.bom ? BOM : '') + csvLines(rows, columns, true);
    case 'table':
      return rows.length === 0 ? '(no rows)\n' : tableText(rows, columns);
  }
}

/** Where a command writes: --out file, or stdout. */
export function openOutput(out: string | undefined, options: { append?: boolean } = {}): { stream: Writable; close(): Promise<void> } {
  if (out === undefined || out === '-') return { stream: process.stdout, close: async () => undefined };
  const stream = createWriteStream(out, { flags: options.append ? 'a' : 'w' });
  return {
    stream,
    close: async () => {
      stream.end();
      await once(stream, 'finish');
    },
  };
}

/** Writes text and waits while the stream is full, so a slow pipe is not buffered without bound. */
export async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}
