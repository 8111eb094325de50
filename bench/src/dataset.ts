/**
 * Bộ dữ liệu quốc gia — the benchmark's dataset, generated from the SDK's area registry and
 * catalogues and written straight into an agency's store with bulk SQL (multi-row INSERTs in
 * transactions), next to the seed example data of the articles.
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
import { createAreaScopes, type SqlExecutor, type Storage } from '@antq/subgraph-kit';

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

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `'${String(value).replaceAll("'", "''")}'`;
}

/** Multi-row INSERTs of `rowsPerStatement`, `statementsPerTransaction` to a transaction. */
class BulkWriter {
  private rows: string[] = [];
  private statements: string[] = [];
  written = 0;

  constructor(
    private readonly storage: Storage,
    private readonly head: string,
    private readonly rowsPerStatement = 1_000,
    private readonly statementsPerTransaction = 20,
  ) {}

  async add(values: readonly unknown[]): Promise<void> {
    this.rows.push(`(${values.map(literal).join(',')})`);
    if (this.rows.length >= this.rowsPerStatement) {
      this.cut();
      if (this.statements.length >= this.statementsPerTransaction) await this.commit();
    }
  }

  private cut(): void {
    if (this.rows.length === 0) return;
    this.statements.push(`${this.head} VALUES ${this.rows.join(',')} ON CONFLICT DO NOTHING`);
    this.written += this.rows.length;
    this.rows = [];
  }

  private async commit(): Promise<void> {
    const statements = this.statements;
    this.statements = [];
    if (statements.length === 0) return;
    await this.storage.transaction(async (tx: SqlExecutor) => {
      for (const statement of statements) await tx.query(statement);
    });
  }

  async flush(): Promise<number> {
    this.cut();
    await this.commit();
    return this.written;
  }
}

export interface LoadedCounts {
  readonly observations: number;
  readonly models: number;
  readonly forces: number;
  readonly communes: number;
  readonly ms: number;
}

/** The agency's observations: each of its indicators, for every reporting unit of every month of the plan. */
async function writeObservations(input: { storage: Storage; registry: AreaRegistry; agency: Agency; plan: DatasetPlan; progress: (line: string) => void }): Promise<number> {
  const { storage, registry, agency, plan, progress } = input;
  const indicators = INDICATORS.filter((indicator) => indicator.reportedBy === agency);
  const byMonth = reportingUnits(registry, plan);
  const organisation = ORGANISATION(agency);

  const observations = new BulkWriter(
    storage,
    'INSERT INTO observations (id, indicator, area_code, period, period_start, period_end, value, organisation, reported_by, reported_at)',
  );
  let monthIndex = 0;
  for (const month of plan.months) {
    const start = `${month}-01`;
    const end = monthEnd(month);
    const reportedAt = `${end}T10:00:00Z`;
    for (const code of byMonth.get(month)!) {
      for (const indicator of indicators) {
        await observations.add([
          `bench-${agency}-obs-${indicator.code}-${code}-${month}`,
          indicator.code,
          code,
          month,
          start,
          end,
          valueFor(indicator, code, month),
          organisation,
          DATASET_REPORTER,
          reportedAt,
        ]);
      }
    }
    monthIndex += 1;
    if (monthIndex % 6 === 0 || monthIndex === plan.months.length) {
      progress(`${agency}: observations through ${month} (${observations.written.toLocaleString('en')} rows)`);
    }
  }
  return observations.flush();
}

/**
 * Writes the agency's part of the dataset into its store (after the kit's migrations and the
 * example data). Idempotent: rows already there are skipped (`ON CONFLICT DO NOTHING`).
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
  const models = new BulkWriter(storage, 'INSERT INTO security_models (id, kind, name, organisation, area_code, status, description, started_on, details, created_by)');
  const forces = new BulkWriter(
    storage,
    'INSERT INTO volunteer_forces (id, kind, name, organisation, area_code, units, members, established_on, legal_basis, details, created_by)',
  );
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
