/**
 * Bộ dữ liệu quốc gia — the benchmark's dataset, generated from the SDK's area registry and
 * catalogues and written straight into an agency's store with bulk SQL (one array parameter per
 * column, `INSERT … SELECT FROM unnest(…)`), next to the seed example data of the articles.
 *
 * - Areas: every commune of the register in force in each month. Months before 2025-07-01
 *   are reported under the pre-reform units (province → district → commune), months after
 *   under the current two-level units — so a province's year rolls up across the 2025 lineage.
 * - Observations: every indicator the agency reports (`indicator.reportedBy`), monthly.
 * - Models and forces: a few per current commune, linked across agencies (for the nested query).
 *
 * Deterministic: the same plan gives the same rows in every process (the monolith loads its
 * own copy of exactly what the subgraphs hold).
 */
import { AGENCY_CODES, FORCE_KINDS, INDICATORS, MODEL_KINDS, requireAgency, type Agency } from '@antq/sdk';
import type { AdministrativeUnit, AreaRegistry } from '@antq/sdk/areas';
import { createAreaScopes, type Storage } from '@antq/subgraph-kit';

export type DatasetMode = 'quick' | 'full';

export interface DatasetPlan {
  readonly mode: DatasetMode;
  /** Provinces of the current register the dataset covers; undefined = the whole country. */
  readonly provinces: readonly string[] | undefined;
  /** Months, `YYYY-MM`, oldest first. */
  readonly months: readonly string[];
}

export const AGENCIES: readonly Agency[] = AGENCY_CODES;

/** The province every reference operation looks at (Tây Ninh since 2025, Long An + Tây Ninh before). */
export const BENCH_PROVINCE = '80';
/** The year the roll-up operation asks for: half before, half after the 2025 reform. */
export const BENCH_YEAR = '2025';

export function datasetPlan(mode: DatasetMode, options: { provinces?: readonly string[]; months?: number } = {}): DatasetPlan {
  if (mode === 'quick') {
    return { mode, provinces: options.provinces ?? [BENCH_PROVINCE], months: monthRange('2025-01', options.months ?? 12) };
  }
  // Three years: 2023-07 … 2026-06 (two years on the old units, one on the new).
  return { mode, provinces: options.provinces, months: monthRange('2023-07', options.months ?? 36) };
}

export function monthRange(first: string, count: number): string[] {
  const [year, month] = first.split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let index = 0; index < count; index++) {
    const total = year * 12 + (month - 1) + index;
    months.push(`${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`);
  }
  return months;
}

function monthEnd(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${month}-${String(last).padStart(2, '0')}`;
}

/** Organisation each agency's records belong to by default (the kit's DEFAULT_ORGANISATION). */
const ORGANISATION = (agency: Agency): string => requireAgency(agency).organisation;

export const DATASET_REPORTER = 'bench-dataset';

// ---------------------------------------------------------------------------------------------
// Areas
// ---------------------------------------------------------------------------------------------

/** Provinces standing in a register (the registry has no list of them: codes are two digits). */
export function provincesOn(registry: AreaRegistry, register: string): AdministrativeUnit[] {
  const found: AdministrativeUnit[] = [];
  for (let code = 1; code <= 99; code++) {
    const unit = registry.get(String(code).padStart(2, '0'), { on: register });
    if (unit?.level === 'province') found.push(unit);
  }
  return found;
}

function communesUnder(registry: AreaRegistry, code: string, register: string, into: string[]): void {
  for (const child of registry.children(code, { on: register })) {
    if (child.level === 'commune') into.push(child.code);
    else communesUnder(registry, child.code, register, into);
  }
}

/** The communes a plan covers in one register. */
export function communesOn(registry: AreaRegistry, plan: DatasetPlan, register: string): string[] {
  let provinces = provincesOn(registry, register).map((unit) => unit.code);
  if (plan.provinces) {
    // The old provinces that went into the chosen ones, through the lineage.
    const scopes = createAreaScopes(registry);
    const wanted = new Set(plan.provinces.flatMap((code) => scopes.scopeOf(code)));
    provinces = provinces.filter((code) => wanted.has(code));
  }
  const communes: string[] = [];
  for (const province of provinces) communesUnder(registry, province, register, communes);
  return communes;
}

/** Month → the communes observations of that month are reported under. */
export function reportingUnits(registry: AreaRegistry, plan: DatasetPlan): Map<string, readonly string[]> {
  const byRegister = new Map<string, readonly string[]>();
  const byMonth = new Map<string, readonly string[]>();
  for (const month of plan.months) {
    const register = registry.registerOn(`${month}-01`);
    let communes = byRegister.get(register);
    if (!communes) {
      communes = communesOn(registry, plan, register);
      byRegister.set(register, communes);
    }
    byMonth.set(month, communes);
  }
  return byMonth;
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** FNV-1a: a stable pseudo-random number in [0, 1) for a key. */
function unitRandom(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return ((hash >>> 0) % 1_000_003) / 1_000_003;
}

function valueFor(indicator: (typeof INDICATORS)[number], code: string, month: string): number {
  const r = unitRandom(`${indicator.code}|${code}|${month}`);
  switch (indicator.unit) {
    case 'vnd':
      return Math.round(r * 200) * 500_000;
    case 'percent':
      return Math.round(r * 1000) / 10;
    case 'ratio':
      return Math.round(r * 100) / 100;
    default:
      return indicator.summableOverPeriods ? Math.floor(r * 12) : 5 + Math.floor(r * 40);
  }
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/** How many models and forces each agency keeps per current commune (an agency not listed: one of each). */
const RECORDS_PER_COMMUNE_OF: Readonly<Partial<Record<Agency, { models: number; forces: number }>>> = {
  police: { models: 3, forces: 2 },
  front: { models: 2, forces: 1 },
};
export const RECORDS_PER_COMMUNE: Readonly<Record<Agency, { models: number; forces: number }>> = Object.fromEntries(
  AGENCY_CODES.map((agency) => [agency, RECORDS_PER_COMMUNE_OF[agency] ?? { models: 1, forces: 1 }]),
) as Record<Agency, { models: number; forces: number }>;

export function modelId(agency: Agency, code: string, index: number): string {
  return `bench-${agency}-model-${code}-${index}`;
}

export function forceId(agency: Agency, code: string, index: number): string {
  return `bench-${agency}-force-${code}-${index}`;
}

/** The links a record carries: each model points at models and forces of the other agencies in its commune. */
function linksFor(agency: Agency, code: string, index: number) {
  const others = AGENCIES.filter((other) => other !== agency);
  const links: { agency: Agency; kind: 'security_model' | 'volunteer_force'; id: string }[] = [];
  for (const other of others) {
    links.push({ agency: other, kind: 'security_model', id: modelId(other, code, index % RECORDS_PER_COMMUNE[other].models) });
  }
  const partner = others[index % others.length]!;
  links.push({ agency: partner, kind: 'volunteer_force', id: forceId(partner, code, 0) });
  return links;
}

// ---------------------------------------------------------------------------------------------
// Bulk SQL
// ---------------------------------------------------------------------------------------------

/** A column of a bulk insert: its name and the SQL type its values are sent as. */
type Column = readonly [name: string, type: 'text' | 'date' | 'float8' | 'int4' | 'timestamptz' | 'jsonb'];

/**
 * Rows sent as one array parameter per column, `INSERT … SELECT FROM unnest($1::text[], …)`,
 * `rowsPerStatement` to a statement: PostgreSQL parses and plans one short statement per batch
 * instead of thousands of literals (a multi-row literal INSERT loaded ~11,000 rows a second), and
 * the same statement runs on PGlite. Batches are built while earlier ones are written: up to
 * `IN_FLIGHT` statements at a time (on PostgreSQL each on its own connection of the pool, so a
 * large agency's load is not held to one server process; PGlite runs them one after another).
 */
const IN_FLIGHT = 2;

class BulkWriter {
  private columns: unknown[][];
  private inFlight: Promise<unknown>[] = [];
  private readonly statement: string;
  private readonly rowsPerStatement: number;
  written = 0;

  constructor(
    private readonly storage: Storage,
    table: string,
    columns: readonly Column[],
    options: { skipConflicts?: boolean; rowsPerStatement?: number } = {},
  ) {
    this.rowsPerStatement = options.rowsPerStatement ?? 5_000;
    this.columns = columns.map(() => []);
    const names = columns.map(([name]) => name).join(', ');
    const arrays = columns.map(([, type], index) => `$${index + 1}::${type}[]`).join(', ');
    this.statement = `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})${options.skipConflicts === false ? '' : ' ON CONFLICT DO NOTHING'}`;
  }

  async add(values: readonly unknown[]): Promise<void> {
    for (let index = 0; index < values.length; index++) this.columns[index]!.push(values[index] ?? null);
    if (this.columns[0]!.length >= this.rowsPerStatement) await this.send();
  }

  private async send(): Promise<void> {
    const batch = this.columns;
    if (batch[0]!.length === 0) return;
    this.columns = batch.map(() => []);
    this.written += batch[0]!.length;
    if (this.inFlight.length >= IN_FLIGHT) await this.inFlight.shift();
    const sent = this.storage.query(this.statement, batch);
    sent.catch(() => undefined); // reported by a later send or the flush, which await it
    this.inFlight.push(sent);
  }

  async flush(): Promise<number> {
    await this.send();
    await Promise.all(this.inFlight);
    this.inFlight = [];
    return this.written;
  }
}

const MODEL_COLUMNS: readonly Column[] = [
  ['id', 'text'],
  ['kind', 'text'],
  ['name', 'text'],
  ['organisation', 'text'],
  ['area_code', 'text'],
  ['status', 'text'],
  ['description', 'text'],
  ['started_on', 'date'],
  ['details', 'jsonb'],
  ['created_by', 'text'],
];
const FORCE_COLUMNS: readonly Column[] = [
  ['id', 'text'],
  ['kind', 'text'],
  ['name', 'text'],
  ['organisation', 'text'],
  ['area_code', 'text'],
  ['units', 'int4'],
  ['members', 'int4'],
  ['established_on', 'date'],
  ['legal_basis', 'text'],
  ['details', 'jsonb'],
  ['created_by', 'text'],
];

export interface LoadedCounts {
  readonly observations: number;
  readonly models: number;
  readonly forces: number;
  readonly communes: number;
  readonly ms: number;
}

/**
 * The agency's observations: each of its indicators, for every reporting unit of every month of the plan.
 * Written commune by commune (codes in order), so each index of the table is filled at a few
 * places that move forward (the key starts with the indicator or the commune) instead of at random
 * pages: at national size the indexes outgrow PostgreSQL's buffers. Plain INSERTs (no `ON CONFLICT`,
 * which checks every unique index before each row): identities already stored — the seed example
 * data, or an interrupted load — are read first and left out.
 */
async function writeObservations(input: { storage: Storage; registry: AreaRegistry; agency: Agency; plan: DatasetPlan; progress: (line: string) => void }): Promise<number> {
  const { storage, registry, agency, plan, progress } = input;
  const indicators = INDICATORS.filter((indicator) => indicator.reportedBy === agency).sort((a, b) => (a.code < b.code ? -1 : 1));
  const monthsOf = new Map<string, string[]>();
  for (const [month, communes] of reportingUnits(registry, plan)) {
    for (const code of communes) monthsOf.set(code, [...(monthsOf.get(code) ?? []), month]);
  }
  const stored = new Set(
    (await storage.query<{ key: string }>("SELECT indicator || '|' || area_code || '|' || period AS key FROM observations WHERE residential_area_id IS NULL")).map(
      (row) => row.key,
    ),
  );
  const organisation = ORGANISATION(agency);
  const observations = new BulkWriter(
    storage,
    'observations',
    [
      ['id', 'text'],
      ['indicator', 'text'],
      ['area_code', 'text'],
      ['period', 'text'],
      ['period_start', 'date'],
      ['period_end', 'date'],
      ['value', 'float8'],
      ['organisation', 'text'],
      ['reported_by', 'text'],
      ['reported_at', 'timestamptz'],
    ],
    { skipConflicts: false },
  );
  const codes = [...monthsOf.keys()].sort();
  for (const [index, code] of codes.entries()) {
    for (const indicator of indicators) {
      for (const month of monthsOf.get(code)!) {
        if (stored.has(`${indicator.code}|${code}|${month}`)) continue;
        const end = monthEnd(month);
        await observations.add([
          `bench-${agency}-obs-${indicator.code}-${code}-${month}`,
          indicator.code,
          code,
          month,
          `${month}-01`,
          end,
          valueFor(indicator, code, month),
          organisation,
          DATASET_REPORTER,
          `${end}T10:00:00Z`,
        ]);
      }
    }
    if ((index + 1) % Math.ceil(codes.length / 5) === 0)
      progress(`${agency}: observations of ${index + 1} of ${codes.length} communes (${observations.written.toLocaleString('en')} rows)`);
  }
  return observations.flush();
}

/**
 * Writes the agency's part of the dataset into its store (after the kit's migrations and the
 * example data). Idempotent: rows already there are skipped (`ON CONFLICT DO NOTHING` for
 * records, stored identities for observations).
 */
export async function loadBenchDataset(
  storage: Storage,
  registry: AreaRegistry,
  agency: Agency,
  plan: DatasetPlan,
  progress: (line: string) => void = () => undefined,
): Promise<LoadedCounts> {
  const started = performance.now();
  // A store kept between runs (PostgreSQL) that already holds this plan's dataset is used as it is.
  const planKey = JSON.stringify({ agency, provinces: plan.provinces ?? null, months: plan.months });
  await storage.query('CREATE TABLE IF NOT EXISTS bench_dataset (plan text PRIMARY KEY, counts jsonb NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now())');
  const [marker] = await storage.query<{ counts: LoadedCounts | string }>('SELECT counts FROM bench_dataset WHERE plan = $1', [planKey]);
  if (marker) {
    progress(`${agency}: the store already holds this dataset`);
    const counts = typeof marker.counts === 'string' ? (JSON.parse(marker.counts) as LoadedCounts) : marker.counts;
    return { ...counts, ms: performance.now() - started };
  }
  const current = communesOn(registry, plan, registry.latestRegister);
  const organisation = ORGANISATION(agency);
  const observationCount = await writeObservations({ storage, registry, agency, plan, progress });

  const modelKinds = MODEL_KINDS.filter((kind) => kind.agency === agency);
  const forceKinds = FORCE_KINDS.filter((kind) => kind.agency === agency && !('replacedBy' in kind && kind.replacedBy));
  const statuses = ['active', 'pilot', 'replicated', 'commended'];
  const models = new BulkWriter(storage, 'security_models', MODEL_COLUMNS);
  const forces = new BulkWriter(storage, 'volunteer_forces', FORCE_COLUMNS);
  const { models: modelsPerCommune, forces: forcesPerCommune } = RECORDS_PER_COMMUNE[agency];
  for (const code of current) {
    const unit = registry.require(code);
    for (let index = 0; index < modelsPerCommune; index++) {
      const kind = modelKinds[(index + code.length + Number(code)) % modelKinds.length]!;
      const details = {
        resources: [{ kind: 'camera', quantity: 4 + index, approximate: false }],
        funding: [{ amountVnd: 50_000_000 * (index + 1), source: 'community', atLeast: false }],
        outcomes: [`Giảm phạm pháp hình sự tại ${unit.name}`],
        partners: [ORGANISATION(AGENCIES[(AGENCIES.indexOf(agency) + 1) % AGENCIES.length]!)],
        linkedRecords: linksFor(agency, code, index),
        sources: [{ title: 'ANTQ benchmark dataset' }],
      };
      await models.add([
        modelId(agency, code, index),
        kind.code,
        `${kind.label.vi} ${unit.name} ${index + 1}`,
        organisation,
        code,
        statuses[index % statuses.length],
        `${kind.label.en} in ${unit.fullName}`,
        `202${3 + (index % 3)}-0${1 + (index % 9)}-15`,
        JSON.stringify(details),
        DATASET_REPORTER,
      ]);
    }
    for (let index = 0; index < forcesPerCommune; index++) {
      const kind = forceKinds[(index + Number(code)) % forceKinds.length]!;
      const units = 3 + Math.floor(unitRandom(`${agency}|${code}|units|${index}`) * 20);
      const details = { linkedRecords: linksFor(agency, code, index + 1), sources: [{ title: 'ANTQ benchmark dataset' }] };
      await forces.add([
        forceId(agency, code, index),
        kind.code,
        `${kind.label.vi} ${unit.name}`,
        organisation,
        code,
        units,
        units * 9,
        '2024-07-01',
        'legalBasis' in kind ? (kind.legalBasis as string) : null,
        JSON.stringify(details),
        DATASET_REPORTER,
      ]);
    }
  }
  const modelCount = await models.flush();
  const forceCount = await forces.flush();
  // Fresh statistics for the planner after a bulk load.
  await storage.query('ANALYZE');
  const counts = { observations: observationCount, models: modelCount, forces: forceCount, communes: current.length, ms: performance.now() - started };
  await storage.query('INSERT INTO bench_dataset (plan, counts) VALUES ($1, $2::jsonb) ON CONFLICT (plan) DO NOTHING', [planKey, JSON.stringify(counts)]);
  return counts;
}

/** What the dataset of a plan holds, without writing it (for the report). */
export function describePlan(registry: AreaRegistry, plan: DatasetPlan) {
  const byMonth = reportingUnits(registry, plan);
  const current = communesOn(registry, plan, registry.latestRegister);
  const counts = Object.fromEntries(
    AGENCIES.map((agency) => {
      const indicators = INDICATORS.filter((indicator) => indicator.reportedBy === agency).length;
      let observations = 0;
      for (const communes of byMonth.values()) observations += communes.length * indicators;
      return [agency, { indicators, observations, models: current.length * RECORDS_PER_COMMUNE[agency].models, forces: current.length * RECORDS_PER_COMMUNE[agency].forces }];
    }),
  ) as Record<Agency, { indicators: number; observations: number; models: number; forces: number }>;
  const registers = [...new Set(plan.months.map((month) => registry.registerOn(`${month}-01`)))];
  return {
    currentCommunes: current.length,
    communesByRegister: Object.fromEntries(registers.map((register) => [register, communesOn(registry, plan, register).length])),
    months: `${plan.months[0]} … ${plan.months.at(-1)} (${plan.months.length})`,
    counts,
  };
}
