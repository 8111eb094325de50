import type { Agency } from '@antq/sdk';
import type { loadAreaRegistry } from '@antq/sdk/areas';
import { createAreaScopes } from '@antq/subgraph-kit';
import { post } from './answers.js';
import { BENCH_PROVINCE, BENCH_YEAR } from './dataset.js';
import type { TargetKind } from './gateway-host.js';
import type { Child } from './ipc.js';
import { fmt, median } from './measure.js';
import { ROLLED_UP_AGENCIES, ROLLUP_INDICATORS, rollUpPeriodOf, requestBody, type ReferenceOperation } from './operations.js';
import { log, settings } from './options.js';

/**
 * The roll-up's figures for `codes` in one statement, this period and the previous one (for the
 * comparison): flows summed over the year's months (the year before), stocks at the year's last
 * month (the month before it). Parameters: the area codes of the scope, the indicator codes.
 */
export function rollUpStatement(codes: readonly string[], year: number): string {
  const cases = codes.map((code) =>
    rollUpPeriodOf(code) === 'year'
      ? {
          code,
          current: `period ~ '^[0-9]{4}-[0-9]{2}$' AND period_start >= '${year}-01-01' AND period_end <= '${year}-12-31'`,
          previous: `period ~ '^[0-9]{4}-[0-9]{2}$' AND period_start >= '${year - 1}-01-01' AND period_end <= '${year - 1}-12-31'`,
        }
      : { code, current: `period = '${year}-12'`, previous: `period = '${year}-11'` },
  );
  const pick = (side: 'current' | 'previous') => `CASE indicator ${cases.map((entry) => `WHEN '${entry.code}' THEN ${entry[side]}`).join(' ')} END`;
  return `SELECT indicator, sum(value) FILTER (WHERE ${pick('current')}) AS current, sum(value) FILTER (WHERE ${pick('previous')}) AS previous
          FROM observations
          WHERE area_code = ANY($1::text[]) AND indicator = ANY($2::text[]) AND period_start >= '${year - 1}-01-01' AND period_end <= '${year}-12-31'
          GROUP BY indicator`;
}

/** The province roll-up through every target against the same figures by direct SQL on the same stores. */
export async function rollUpVersusSql(input: {
  registry: Awaited<ReturnType<typeof loadAreaRegistry>>;
  subgraphs: Record<Agency, Child>;
  targets: Map<TargetKind, { child: Child; url: string }>;
  token: string;
  operation: ReferenceOperation;
}) {
  const { registry, subgraphs, targets, token, operation } = input;
  const samples = settings.rollupSamples;
  log(`Roll-up of province ${BENCH_PROVINCE}, ${BENCH_YEAR}: ${samples} sequential requests per target against the equivalent direct SQL`);
  const scope = createAreaScopes(registry).scopeOf(BENCH_PROVINCE);
  const year = Number(BENCH_YEAR);
  const sql = await Promise.all(
    ROLLED_UP_AGENCIES.map(async (agency) => {
      const codes = ROLLUP_INDICATORS[agency];
      const result = await subgraphs[agency].call<{ times: number[]; rows: { indicator: string; current: number | null; previous: number | null }[] }>('sql', {
        sql: rollUpStatement(codes, year),
        params: [scope, codes],
        repeat: samples,
      });
      return { agency, median: median(result.times.slice(1)), rows: result.rows };
    }),
  );
  const sqlParallel = Math.max(...sql.map((entry) => entry.median));
  const sqlSerial = sql.reduce((sum, entry) => sum + entry.median, 0);

  const lines = [`\nRoll-up of province ${BENCH_PROVINCE} for ${BENCH_YEAR} over ${scope.length} area codes (the 2025 lineage included), unloaded, median of ${samples}:`];
  lines.push(
    `  direct SQL on the same stores: ${sql.map((entry) => `${entry.agency} ${fmt(entry.median, 2)} ms`).join(', ')} → ${fmt(sqlParallel, 2)} ms with the agencies in parallel (${fmt(sqlSerial, 2)} ms one after another)`,
  );
  const summary: Record<string, unknown> = {
    sqlMs: Object.fromEntries(sql.map((entry) => [entry.agency, entry.median])),
    sqlParallelMs: sqlParallel,
    sqlSerialMs: sqlSerial,
    targets: {},
  };
  let mismatches = 0;
  for (const [kind, target] of targets) {
    const times: number[] = [];
    let data: unknown;
    for (let index = 0; index < samples + 1; index++) {
      const started = performance.now();
      const { json } = await post(target.url, requestBody(operation), token);
      if (index >= 1) times.push(performance.now() - started);
      data = json.data;
    }
    const ms = median(times);
    (summary.targets as Record<string, unknown>)[kind] = { ms, ratioToSql: ms / sqlParallel };
    lines.push(`  ${kind.padEnd(12)} ${fmt(ms, 2)} ms end to end = ${fmt(ms / sqlParallel, 1)}× direct SQL`);
    if (kind === 'ours') {
      // The graph's figures must be the SQL's figures.
      const area = (data as { area?: Record<string, Record<string, { value: number | null; comparison: { previous: number | null } | null }>> })?.area;
      for (const entry of sql) {
        for (const row of entry.rows) {
          const graph = area?.[entry.agency]?.[row.indicator];
          const same = (a: number | null | undefined, b: number | null | undefined) => ((a ?? null) === null ? (b ?? null) === null : Math.abs(Number(a) - Number(b)) < 1e-6);
          if (!same(graph?.value, row.current) || !same(graph?.comparison?.previous ?? null, row.previous)) {
            mismatches += 1;
            lines.push(`  ! ${entry.agency}.${row.indicator}: graph ${graph?.value} (previous ${graph?.comparison?.previous}) vs SQL ${row.current} (previous ${row.previous})`);
          }
        }
      }
    }
  }
  lines.push(mismatches === 0 ? '  the graph’s figures equal the SQL’s' : `  ${mismatches} figures differ between the graph and the SQL`);
  return { lines, summary };
}
