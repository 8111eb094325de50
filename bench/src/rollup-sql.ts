import pMap from 'p-map';
import { rollUpPlaces, type Agency } from '@antq/sdk';
import type { loadAreaRegistry } from '@antq/sdk/areas';
import { createAreaScopes } from '@antq/subgraph-kit';
import { post } from './answers.js';
import { BENCH_PROVINCE, BENCH_YEAR, provincesOn } from './dataset.js';
import type { Child } from './ipc.js';
import { fmt, median } from './measure.js';
import { ROLLED_UP_AGENCIES, ROLLUP_INDICATORS, nationalRollUpOperations, rollUpPeriodOf, requestBody, type ReferenceOperation } from './operations.js';
import { log, settings, type Targets } from './options.js';

/** The SUM … FILTER expressions of a roll-up: `current` and `previous` per indicator of `codes` (see rollUpStatement). */
function figureSums(codes: readonly string[], year: number): string {
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
  return `sum(value) FILTER (WHERE ${pick('current')}) AS current, sum(value) FILTER (WHERE ${pick('previous')}) AS previous`;
}

/** The rows a roll-up statement reads: the indicators, over the year and the year before. */
const yearsOf = (year: number) => `indicator = ANY($2::text[]) AND period_start >= '${year - 1}-01-01' AND period_end <= '${year}-12-31'`;

/**
 * The roll-up's figures for `codes` in one statement, this period and the previous one (for the
 * comparison): flows summed over the year's months (the year before), stocks at the year's last
 * month (the month before it). Parameters: the area codes of the scope, the indicator codes.
 */
export function rollUpStatement(codes: readonly string[], year: number): string {
  return `SELECT indicator, ${figureSums(codes, year)} FROM observations WHERE area_code = ANY($1::text[]) AND ${yearsOf(year)} GROUP BY indicator`;
}

/**
 * The national roll-up in one statement: every province's figures (as rollUpStatement's), each
 * over its scope. Parameters: the area codes, the indicator codes, each area code's province.
 */
export function nationalRollUpStatement(codes: readonly string[], year: number): string {
  return `SELECT scope.province, indicator, ${figureSums(codes, year)}
          FROM observations JOIN unnest($1::text[], $3::text[]) AS scope (code, province) ON area_code = scope.code
          WHERE ${yearsOf(year)} GROUP BY scope.province, indicator`;
}

interface Figure {
  readonly value: number | null | undefined;
  readonly comparison?: { previous: number | null } | null;
}
interface SqlFigure {
  readonly province?: string;
  readonly indicator: string;
  readonly current: number | null;
  readonly previous: number | null;
}
/** An area's figures in an answer: agency → indicator alias → figure. */
type AreaFigures = Partial<Record<Agency, Record<string, Figure>>>;
type Registry = Awaited<ReturnType<typeof loadAreaRegistry>>;

/** What one roll-up comparison runs: the operation, each agency's statement and where the graph answers each SQL row. */
interface RollUpComparison {
  readonly title: string;
  /** The requests of one measurement, at most `inFlight` at a time. */
  readonly operations: readonly ReferenceOperation[];
  readonly inFlight: number;
  readonly statement: (agency: (typeof ROLLED_UP_AGENCIES)[number]) => { sql: string; params: unknown[] };
  readonly graphFigure: (answers: readonly unknown[], agency: Agency, row: SqlFigure) => Figure | undefined;
}

/**
 * The area codes whose figures count in a province's roll-up: the units the SDK places in it
 * (`rollUpPlaces`: the province or inside it, in some register). The lineage scope
 * (`AreaScopes.scopeOf`) is what a roll-up reads, and it can be wider: a new province's scope
 * holds every unit of the old provinces that went into it, also a commune that went whole to a
 * neighbour (Tân Phú, 30622, of old An Giang, went to Đồng Tháp's Tân Phú Trung in 2025; it
 * counts for province 82, not 91).
 */
function countedScope(registry: Registry, scopes: ReturnType<typeof createAreaScopes>, province: string): string[] {
  const places = rollUpPlaces(registry, province, {});
  return scopes.scopeOf(province).filter((code) =>
    registry.registers.some((register) => {
      const kind = places.placeOf(code, register).kind;
      return kind === 'target' || kind === 'inside';
    }),
  );
}

/** The province roll-up through every target against the same figures by direct SQL on the same stores. */
export function rollUpVersusSql(input: { registry: Registry; subgraphs: Record<Agency, Child>; targets: Targets; token: string; operation: ReferenceOperation }) {
  const scope = countedScope(input.registry, createAreaScopes(input.registry), BENCH_PROVINCE);
  const year = Number(BENCH_YEAR);
  return compareWithSql(input, {
    title: `Roll-up of province ${BENCH_PROVINCE} for ${BENCH_YEAR} over ${scope.length} area codes (the 2025 lineage included)`,
    operations: [input.operation],
    inFlight: 1,
    statement: (agency) => ({ sql: rollUpStatement(ROLLUP_INDICATORS[agency], year), params: [scope, ROLLUP_INDICATORS[agency]] }),
    graphFigure: ([data], agency, row) => (data as { area?: AreaFigures } | undefined)?.area?.[agency]?.[row.indicator],
  });
}

/**
 * Goal 4 of issue 16: the whole country's year, every province rolled up across the 2025 lineage
 * (a request per province, `--national-in-flight` at a time, as a client would page through
 * them: all 34 at once queue behind each other in the subgraphs past the gateway's upstream
 * timeout) through each target, against the same figures by one direct statement per agency.
 */
export function nationalRollUpVersusSql(input: { registry: Registry; subgraphs: Record<Agency, Child>; targets: Targets; token: string }) {
  const scopes = createAreaScopes(input.registry);
  const provinces = provincesOn(input.registry, input.registry.latestRegister).map((unit) => unit.code);
  const pairs = provinces.flatMap((province) => countedScope(input.registry, scopes, province).map((code) => [code, province] as const));
  const year = Number(BENCH_YEAR);
  return compareWithSql(input, {
    title: `National roll-up for ${BENCH_YEAR}: ${provinces.length} provinces over ${pairs.length} area codes (the 2025 lineage included)`,
    operations: nationalRollUpOperations(provinces),
    inFlight: settings.nationalInFlight,
    statement: (agency) => ({
      sql: nationalRollUpStatement(ROLLUP_INDICATORS[agency], year),
      params: [pairs.map(([code]) => code), ROLLUP_INDICATORS[agency], pairs.map(([, province]) => province)],
    }),
    graphFigure: (answers, agency, row) => (answers[provinces.indexOf(row.province!)] as { area?: AreaFigures } | undefined)?.area?.[agency]?.[row.indicator],
  });
}

/** Times a roll-up through every target (one measurement at a time) against its direct SQL, and checks `ours` gives the SQL's figures. */
async function compareWithSql(input: { subgraphs: Record<Agency, Child>; targets: Targets; token: string }, comparison: RollUpComparison) {
  const { subgraphs, targets, token } = input;
  const samples = settings.rollupSamples;
  log(`${comparison.title}: ${samples} sequential requests per target against the equivalent direct SQL`);
  const sql = await Promise.all(
    ROLLED_UP_AGENCIES.map(async (agency) => {
      const result = await subgraphs[agency].call<{ times: number[]; rows: SqlFigure[] }>('sql', { ...comparison.statement(agency), repeat: samples });
      return { agency, median: median(result.times.slice(1)), rows: result.rows };
    }),
  );
  const sqlParallel = Math.max(...sql.map((entry) => entry.median));
  const sqlSerial = sql.reduce((sum, entry) => sum + entry.median, 0);

  const lines = [`\n${comparison.title}, unloaded, median of ${samples}:`];
  lines.push(
    `  direct SQL on the same stores: ${sql.map((entry) => `${entry.agency} ${fmt(entry.median, 2)} ms`).join(', ')} → ${fmt(sqlParallel, 2)} ms with the agencies in parallel (${fmt(sqlSerial, 2)} ms one after another)`,
  );
  const summary = {
    sqlMs: Object.fromEntries(sql.map((entry) => [entry.agency, entry.median])),
    sqlParallelMs: sqlParallel,
    sqlSerialMs: sqlSerial,
    targets: {} as Record<string, unknown>,
  };
  let mismatches = 0;
  for (const [kind, target] of targets) {
    const times: number[] = [];
    let answers: unknown[] = [];
    const errors = new Set<string>();
    for (let index = 0; index < samples + 1; index++) {
      const started = performance.now();
      const replies = await pMap(comparison.operations, (operation) => post(target.url, requestBody(operation), token), { concurrency: comparison.inFlight });
      if (index >= 1) times.push(performance.now() - started);
      answers = replies.map(({ json }) => json.data);
      for (const { json } of replies) for (const error of json.errors ?? []) errors.add(error.message);
    }
    const ms = median(times);
    summary.targets[kind] = { ms, ratioToSql: ms / sqlParallel };
    lines.push(
      `  ${kind.padEnd(12)} ${fmt(ms, 2)} ms end to end = ${fmt(ms / sqlParallel, 1)}× direct SQL${errors.size > 0 ? ` — errors: ${[...errors].join('; ').slice(0, 300)}` : ''}`,
    );
    if (kind !== 'ours') continue;
    // The graph's figures must be the SQL's figures.
    const same = (a: number | null | undefined, b: number | null | undefined) => ((a ?? null) === null ? (b ?? null) === null : Math.abs(Number(a) - Number(b)) < 1e-6);
    for (const entry of sql) {
      for (const row of entry.rows) {
        const graph = comparison.graphFigure(answers, entry.agency, row);
        if (same(graph?.value, row.current) && same(graph?.comparison?.previous ?? null, row.previous)) continue;
        mismatches += 1;
        if (mismatches <= 10) {
          lines.push(
            `  ! ${row.province ? `${row.province} ` : ''}${entry.agency}.${row.indicator}: graph ${graph?.value} (previous ${graph?.comparison?.previous}) vs SQL ${row.current} (previous ${row.previous})`,
          );
        }
      }
    }
  }
  lines.push(mismatches === 0 ? '  the graph’s figures equal the SQL’s' : `  ${mismatches} figures differ between the graph and the SQL`);
  return { lines, summary };
}
