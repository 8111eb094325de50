/**
 * Each reference operation against the direct SQL that reads the same rows: the statements an
 * analyst would write by hand on each agency's store (no paging machinery, no GraphQL), run in
 * that agency's subgraph process on its own store, like the roll-up comparison. The report puts
 * the subgraphs' CPU per request beside the sum of those statements' times (the subgraph CPU is
 * summed over the four processes, so the SQL is too): the subgraphs' own cost over the data's.
 */
import type { Agency } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import { createAreaScopes } from '@antq/subgraph-kit';
import { BENCH_PROVINCE, BENCH_YEAR } from './dataset.js';
import type { Child } from './ipc.js';
import { ROLLED_UP_AGENCIES, ROLLUP_INDICATORS, type ReferenceOperation } from './operations.js';
import { rollUpStatement } from './rollup-sql.js';

/** One statement on one agency's store. */
interface Statement {
  readonly agency: Agency;
  readonly sql: string;
  readonly params: readonly unknown[];
  /** A read by primary key, kept prepared on PGlite as the kit keeps its own (`StatementOptions.prepared`). */
  readonly prepared?: boolean;
}

/** The direct SQL of one operation: its statements and the median time of each (ms). */
export interface DirectSql {
  readonly key: ReferenceOperation['key'];
  readonly statements: number;
  /** Per agency, the sum of its statements' median times. */
  readonly byAgency: Partial<Record<Agency, number>>;
  /** All statements one after another (what the subgraphs' summed CPU compares with). */
  readonly serialMs: number;
}

type Run = (statement: Statement) => Promise<{ ms: number; rows: Record<string, unknown>[] }>;

const TABLES = { security_model: 'security_models', volunteer_force: 'volunteer_forces' } as const;

/** `list_key, area_code` pairs for `unnest($1::text[], $2::text[])`: each area with its lineage scope. */
function scopePairs(scopes: ReturnType<typeof createAreaScopes>, codes: readonly string[]): [string[], string[]] {
  const keys: string[] = [];
  const areaCodes: string[] = [];
  for (const code of codes) {
    for (const scoped of scopes.scopeOf(code)) {
      keys.push(code);
      areaCodes.push(scoped);
    }
  }
  return [keys, areaCodes];
}

const PAIRS = 'unnest($1::text[], $2::text[]) AS s(list_key, area_code)';

/** (1) The models and forces of the 50 communes (with their lineage), the columns the overview shows. */
function overview(registry: AreaRegistry, scopes: ReturnType<typeof createAreaScopes>, agencies: readonly Agency[]): Statement[] {
  const communes = registry
    .search('2', { level: 'commune', provinceCode: BENCH_PROVINCE, on: registry.latestRegister, limit: 50 } as Parameters<AreaRegistry['search']>[1])
    .map((unit) => unit.code);
  const params = scopePairs(scopes, communes);
  return agencies.flatMap((agency) => [
    { agency, sql: `SELECT s.list_key, r.id, r.name, r.status FROM ${PAIRS} JOIN security_models r ON r.area_code = s.area_code WHERE r.retired_at IS NULL`, params },
    { agency, sql: `SELECT s.list_key, r.id, r.name, r.units FROM ${PAIRS} JOIN volunteer_forces r ON r.area_code = s.area_code WHERE r.retired_at IS NULL`, params },
  ]);
}

/** (2) The roll-up: one statement per agency, as the roll-up comparison of run.ts. */
function rollUp(scopes: ReturnType<typeof createAreaScopes>): Statement[] {
  const year = Number(BENCH_YEAR);
  return ROLLED_UP_AGENCIES.map((agency) => {
    const codes = ROLLUP_INDICATORS[agency];
    const sql = rollUpStatement(codes, year);
    return { agency, sql, params: [scopes.scopeOf(BENCH_PROVINCE), codes] };
  });
}

/** The agency whose view of a linked record's area the nested operation asks for, and of which list. */
const NESTED_AREA_VIEW: Readonly<Record<string, { agency: Agency; table: string }>> = {
  police: { agency: 'front', table: 'volunteer_forces' },
  front: { agency: 'veterans', table: 'security_models' },
  veterans: { agency: 'youth', table: 'volunteer_forces' },
  youth: { agency: 'police', table: 'volunteer_forces' },
};

/**
 * (3) The province's first 20 police models and their total; the records they link to, at their
 * owners; and for each linked model's area, the count the operation asks of another agency.
 */
async function nested(scopes: ReturnType<typeof createAreaScopes>, run: Run): Promise<{ ms: number[]; byAgency: Partial<Record<Agency, number>> }> {
  const byAgency: Partial<Record<Agency, number>> = {};
  const times: number[] = [];
  const timed = async (statement: Statement) => {
    const result = await run(statement);
    byAgency[statement.agency] = (byAgency[statement.agency] ?? 0) + result.ms;
    times.push(result.ms);
    return result.rows;
  };
  const province = scopes.scopeOf(BENCH_PROVINCE);
  const page = await timed({
    agency: 'police',
    sql: `SELECT id, name, kind, area_code, details->'linkedRecords' AS links, count(*) OVER () AS total FROM security_models
          WHERE area_code = ANY($1::text[]) AND retired_at IS NULL ORDER BY name, id LIMIT 20`,
    params: [province],
  });
  const links = page.flatMap((row) => ((typeof row.links === 'string' ? JSON.parse(row.links) : row.links) ?? []) as { agency: Agency; kind: keyof typeof TABLES; id: string }[]);
  const areasByView = new Map<string, Set<string>>();
  for (const agency of ['police', 'front', 'veterans', 'youth'] as const) {
    for (const kind of Object.keys(TABLES) as (keyof typeof TABLES)[]) {
      const ids = [...new Set(links.filter((link) => link.agency === agency && link.kind === kind).map((link) => link.id))];
      if (ids.length === 0) continue;
      const rows = await timed({
        agency,
        sql: `SELECT id, name, ${kind === 'security_model' ? 'status' : 'units'}, area_code FROM ${TABLES[kind]} WHERE id = ANY($1::text[])`,
        params: [ids],
        prepared: true,
      });
      if (kind !== 'security_model') continue;
      const view = NESTED_AREA_VIEW[agency]!;
      const key = `${view.agency}|${view.table}`;
      areasByView.set(key, new Set([...(areasByView.get(key) ?? []), ...rows.map((row) => String(row.area_code))]));
    }
  }
  for (const [key, areas] of areasByView) {
    const [agency, table] = key.split('|') as [Agency, string];
    await timed({
      agency,
      sql: `SELECT s.list_key, count(r.id) FROM ${PAIRS} LEFT JOIN ${table} r ON r.area_code = s.area_code AND r.retired_at IS NULL GROUP BY s.list_key`,
      params: scopePairs(scopes, [...areas]),
    });
  }
  return { ms: times, byAgency };
}

/** (4) One model by id, with the columns the lookup shows. */
function lookup(operation: ReferenceOperation): Statement[] {
  return [
    {
      agency: 'police',
      sql: 'SELECT id, name, status, description, kind, area_code, started_on FROM security_models WHERE id = $1',
      params: [operation.variables.id],
      prepared: true,
    },
  ];
}

/**
 * Runs of each statement at least: a statement of a few milliseconds meets a collection or a
 * timer of its process now and then, and the median of 3 let such a run through (front's
 * overview statements measured 2.9 ms in one quick run and 14.8 ms in the next).
 */
const MIN_STATEMENT_SAMPLES = 15;

/**
 * The direct SQL of each operation, each statement run `samples` times (at least
 * `MIN_STATEMENT_SAMPLES`) in its agency's subgraph process (median after the first run), one
 * statement at a time.
 */
export async function measureDirectSql(input: {
  registry: AreaRegistry;
  subgraphs: Record<Agency, Child>;
  operations: readonly ReferenceOperation[];
  samples: number;
}): Promise<DirectSql[]> {
  const { registry, subgraphs, operations } = input;
  const samples = Math.max(MIN_STATEMENT_SAMPLES, input.samples);
  const scopes = createAreaScopes(registry);
  const run: Run = async (statement) => {
    const result = await subgraphs[statement.agency].call<{ times: number[]; cpuMs?: number[]; kind?: string; rows: Record<string, unknown>[] }>('sql', {
      sql: statement.sql,
      params: statement.params,
      prepared: statement.prepared === true,
      repeat: samples + 1,
    });
    // PGlite runs in the subgraph's process: its CPU time is the statement's time without the
    // machine's other load. PostgreSQL works in its own processes: the time as the subgraph waits.
    const sorted = (result.kind === 'pglite' && result.cpuMs ? result.cpuMs : result.times).slice(1).sort((a, b) => a - b);
    return { ms: sorted[Math.floor(sorted.length / 2)]!, rows: result.rows };
  };
  const results: DirectSql[] = [];
  for (const operation of operations) {
    if (operation.key === 'nested') {
      const { ms, byAgency } = await nested(scopes, run);
      results.push({ key: operation.key, statements: ms.length, byAgency, serialMs: ms.reduce((sum, value) => sum + value, 0) });
      continue;
    }
    const statements =
      operation.key === 'overview' ? overview(registry, scopes, Object.keys(subgraphs) as Agency[]) : operation.key === 'rollup' ? rollUp(scopes) : lookup(operation);
    const byAgency: Partial<Record<Agency, number>> = {};
    let serialMs = 0;
    for (const statement of statements) {
      const { ms } = await run(statement);
      byAgency[statement.agency] = (byAgency[statement.agency] ?? 0) + ms;
      serialMs += ms;
    }
    results.push({ key: operation.key, statements: statements.length, byAgency, serialMs });
  }
  return results;
}

/** Lines for the report: each operation's subgraph CPU per request ÷ its direct SQL, for our targets. */
export function directSqlLines(direct: readonly DirectSql[], report: Readonly<Record<string, Readonly<Record<string, unknown>>>>): string[] {
  const subgraphCpuMs = (key: string) =>
    Object.values(report[key] ?? {})
      .map((row) => row as { kind: string; subgraphCpuMs: number })
      .map((row) => ({ kind: row.kind, ms: row.subgraphCpuMs }));
  const fmt = (value: number) => value.toLocaleString('en', { maximumFractionDigits: value < 10 ? 2 : 1 });
  const lines = [
    '\nSubgraphs against the direct SQL that reads the same rows (statements run one after another on each agency’s store, median; ' +
      'on PGlite the statements’ CPU time in the subgraph process, on PostgreSQL their time as the subgraph waits):',
  ];
  for (const entry of direct) {
    const agencies = Object.entries(entry.byAgency)
      .map(([agency, ms]) => `${agency} ${fmt(ms)}`)
      .join(', ');
    const targets = subgraphCpuMs(entry.key)
      .filter((target) => Number.isFinite(target.ms))
      .map((target) => `${target.kind} ${fmt(target.ms)} ms = ${fmt(target.ms / entry.serialMs)}×`)
      .join('; ');
    lines.push(
      `  ${entry.key.padEnd(9)} direct SQL ${fmt(entry.serialMs)} ms (${entry.statements} statements: ${agencies}) — subgraphs CPU/request ${targets || '(not measured)'}`,
    );
  }
  return lines;
}
