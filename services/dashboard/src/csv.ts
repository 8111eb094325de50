import type { FigureRow } from './figures.js';

/**
 * The roll-up as CSV, the columns of `antq rollup --format csv` (one row per indicator and agency:
 * the value, the previous period's, the change and the article notation; partial contributions
 * counted and listed apart). RFC 4180 quoting by csv-stringify, with a BOM so Excel reads the diacritics.
 */
export const CSV_COLUMNS = [
  'area_code',
  'area_name',
  'agency',
  'indicator',
  'indicator_label',
  'period',
  'value',
  'previous_period',
  'previous',
  'change',
  'change_percent',
  'text',
  'partial_count',
  'partial',
] as const;

/** The partial contributions as `antq rollup` writes them: "unit (code) period: value → new units". */
function partialText(partial: FigureRow['rollUp']['partial']): string {
  return partial
    .map((entry) => `${entry.area.fullName} (${entry.area.code}) ${entry.period}: ${entry.value} → ${entry.into.map((link) => link.area.code).join(', ') || '?'}`)
    .join('; ');
}

export function csvRecords(rows: readonly FigureRow[]): (string | number | null)[][] {
  return rows.map(({ agency, indicator, rollUp }) => [
    rollUp.target.code,
    rollUp.target.fullName,
    agency.toUpperCase(),
    indicator.code,
    indicator.label.vi,
    rollUp.period,
    rollUp.value,
    rollUp.comparison?.previousPeriod ?? null,
    rollUp.comparison?.previous ?? null,
    rollUp.comparison?.change ?? null,
    rollUp.comparison?.changePercent ?? null,
    rollUp.comparison?.text ?? null,
    rollUp.partial.length,
    partialText(rollUp.partial),
  ]);
}

/** Loaded on the first download only: the first view does not carry it. */
export async function toCsv(rows: readonly FigureRow[]): Promise<string> {
  const { stringify } = await import('csv-stringify/browser/esm/sync');
  // A text a spreadsheet would run as a formula (a unit name, an article's notation) gets a leading "'"; numbers stay numbers.
  return `\uFEFF${stringify([[...CSV_COLUMNS], ...csvRecords(rows)], { record_delimiter: 'windows', escape_formulas: true })}`;
}

export async function downloadCsv(rows: readonly FigureRow[], fileName: string): Promise<void> {
  const url = URL.createObjectURL(new Blob([await toCsv(rows)], { type: 'text/csv;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
