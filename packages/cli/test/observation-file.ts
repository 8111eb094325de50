import { INDICATORS } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';

export interface GeneratedFile {
  readonly csv: string;
  /** Line numbers (the header is line 1) of the rows that are wrong, ascending. */
  readonly badLines: number[];
  /** The good rows, for comparing with what the graph then holds. */
  readonly good: { indicator: string; area: string; period: string; value: number }[];
}

/** Kinds of wrong row, one per bad row in turn; each is wrong in exactly one way. */
const BAD_ROWS: readonly ((base: { indicator: string; area: string; period: string }) => string)[] = [
  (row) => `no_such_indicator,${row.area},${row.period},5`,
  (row) => `${row.indicator},99999,${row.period},5`,
  (row) => `${row.indicator},28168,2025-09,5`, // Xã Long Hậu ended on 2025-07-01
  (row) => `${row.indicator},${row.area},2025-13,5`,
  (row) => `${row.indicator},${row.area},${row.period},-3`, // a count below 0
  (row) => `${row.indicator},${row.area},${row.period},2.5`, // a count that is not whole
  (row) => `${row.indicator},${row.area},${row.period},`,
];

/**
 * A CSV of `goodCount` police figures — counts for the communes of Tây Ninh (80), months of a
 * year's second half — with `badCount` wrong rows spread through it (the last kinds are duplicates
 * of an earlier good row). Rows are distinct by indicator, area and period.
 */
export function generateObservationFile(registry: AreaRegistry, options: { goodCount: number; badCount: number; year: number; seed: number }): GeneratedFile {
  const indicators = INDICATORS.filter((indicator) => indicator.reportedBy === 'police' && indicator.unit === 'count').map((indicator) => indicator.code);
  const communes = registry.children('80').map((unit) => unit.code);
  const months = ['07', '08', '09', '10', '11', '12'].map((month) => `${options.year}-${month}`);
  const good: GeneratedFile['good'] = [];
  for (const period of months)
    for (const area of communes) for (const indicator of indicators) if (good.length < options.goodCount) good.push({ indicator, area, period, value: 0 });
  if (good.length < options.goodCount) throw new Error(`only ${good.length} distinct rows available`);
  let random = options.seed;
  const next = () => (random = (random * 1_103_515_245 + 12_345) % 2_147_483_648);
  for (const row of good) row.value = next() % 500;
  const lines = ['indicator,area,period,value,note'];
  const badLines: number[] = [];
  const every = Math.floor(options.goodCount / options.badCount);
  good.forEach((row, i) => {
    lines.push(`${row.indicator},${row.area},${row.period},${row.value},"Báo cáo tháng, ""số liệu"" ${i}"`);
    if ((i + 1) % every === 0 && badLines.length < options.badCount) {
      const kind = badLines.length % (BAD_ROWS.length + 1);
      lines.push(kind === BAD_ROWS.length ? `${row.indicator},${row.area},${row.period},${row.value}` : BAD_ROWS[kind]!(row));
      badLines.push(lines.length);
    }
  });
  return { csv: lines.join('\r\n') + '\r\n', badLines, good };
}
