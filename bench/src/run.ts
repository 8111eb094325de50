/**
 * npm run bench[:quick] — the graph against its peers, measured side by side.
 *
 * Starts the four agency subgraphs (one process each, with the national-scale dataset in their
 * stores), the targets in front of them (each alone in its process), and a load generator in
 * another process; for the `apollo-stack` target (Apollo Gateway over `@apollo/server`
 * subgraphs) also four more subgraph processes, the same agencies on `@apollo/server`, with
 * their own copy of the data on PGlite or the same databases on PostgreSQL (as the monolith);
 * checks that every target answers every reference operation alike; then runs
 * interleaved rounds of warm-up + measured windows and prints a table per operation, and times
 * the province roll-up against the equivalent direct SQL on the same stores.
 *
 * Options: --quick, --rounds N, --seconds S (measured window), --warmup S, --connections N,
 * --targets ours,hive,…, --ops overview,rollup,…, --profile (V8 CPU profiles of every gateway
 * and the police subgraph — both police subgraphs with apollo-stack — over the load windows,
 * summarised at the end),
 * --provinces 80,79 and --months N (dataset size), --callers N, --connections N,
 * --database-url URL (PostgreSQL; required by the full mode) and --fresh, --json FILE.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg, totalmem } from 'node:os';
import type { Agency } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { createAreaScopes, createStorage, type StorageOptions } from '@antq/subgraph-kit';
import { composeSupergraph, createDevelopmentIssuer } from '@antq/gateway';
import { AGENCIES, BENCH_PROVINCE, BENCH_YEAR, communesOn, datasetPlan, describePlan, type LoadedCounts } from './dataset.js';
import { Child, type Usage } from './ipc.js';
import type { LoadResult, LoadWindow } from './load-host.js';
import { ROLLED_UP_AGENCIES, ROLLUP_INDICATORS, rollUpPeriodOf, referenceOperations, requestBody, type ReferenceOperation } from './operations.js';
import type { TargetKind } from './gateway-host.js';
import { summariseProfile } from './profile-summary.js';
import { directSqlLines, measureDirectSql } from './direct-sql.js';

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
function option(name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
}
const quick = argv.includes('--quick');
const profile = argv.includes('--profile');
const ALL_TARGETS: readonly TargetKind[] = ['ours', 'ours-uncached', 'ours-open', 'hive', 'apollo', 'apollo-stack', 'monolith'];
/** Our gateway with one feature off: for attributing its cost (`--targets ours,ours-no-audit,…`). */
const VARIANTS: readonly TargetKind[] = ['ours-no-audit', 'ours-no-metrics'];
/**
 * What an agency would otherwise install: the two stock gateways on our subgraphs, and the whole
 * Apollo stack (Apollo Gateway over `@apollo/server` subgraphs). "Best peer" is the best of them.
 */
const PEERS: readonly TargetKind[] = ['hive', 'apollo', 'apollo-stack'];
type Targets = Map<TargetKind, { child: Child; url: string }>;
type Plan = ReturnType<typeof datasetPlan>;
type Storages = Awaited<ReturnType<typeof prepareStores>>;
type Identity = Awaited<ReturnType<typeof mintCallers>>['identity'];
const settings = {
  rounds: Number(option('rounds') ?? (quick ? 2 : 5)),
  seconds: Number(option('seconds') ?? (quick ? 1.6 : 10)),
  warmup: Number(option('warmup') ?? (quick ? 0.4 : 3)),
  connections: Number(option('connections') ?? 8),
  /** The roll-up costs the police subgraph ~0.35 s of CPU a request: fewer connections keep the queue (and the settling after each window) short. */
  rollupConnections: Number(option('rollup-connections') ?? 2),
  callers: Number(option('callers') ?? 64),
  targets: (option('targets')?.split(',') as TargetKind[] | undefined) ?? [...ALL_TARGETS],
  ops: option('ops')?.split(','),
  rollupSamples: Number(option('rollup-samples') ?? (quick ? 3 : 20)),
};
const benchDir = fileURLToPath(new URL('..', import.meta.url));
const schemaDir = fileURLToPath(new URL('../../schema/', import.meta.url));

const startedAt = performance.now();
function log(line: string): void {
  const seconds = Math.round((performance.now() - startedAt) / 1000);
  console.log(`[${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}] ${line}`);
}

// ---------------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------------

interface Tally {
  requests: number;
  non2xx: number;
  errors: number;
  elapsedMs: number;
  cpuUs: number;
  subgraphCpuUs: number;
  rssMax: number;
  graphqlErrors: number;
  latencies: number[];
}

const tallies = new Map<string, Tally>();
function tallyOf(op: string, target: string): Tally {
  const key = `${op}|${target}`;
  let tally = tallies.get(key);
  if (!tally) {
    tally = { requests: 0, non2xx: 0, errors: 0, elapsedMs: 0, cpuUs: 0, subgraphCpuUs: 0, rssMax: 0, graphqlErrors: 0, latencies: [] };
    tallies.set(key, tally);
  }
  return tally;
}

function cpuUs(before: Usage, after: Usage): number {
  return after.cpu.user - before.cpu.user + (after.cpu.system - before.cpu.system);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—');

/**
 * Waits until the processes are idle: a window's load stops at the client, but a gateway can
 * still be working off what it accepted (a slow roll-up leaves a backlog in the subgraphs),
 * and that must not be counted in the next target's window.
 */
async function settle(processes: readonly Child[], maxMs = 20_000): Promise<number> {
  const started = performance.now();
  let before = await Promise.all(processes.map((child) => child.usage()));
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await Promise.all(processes.map((child) => child.usage()));
    const busyUs = after.reduce((sum, usage, index) => sum + cpuUs(before[index]!, usage), 0);
    before = after;
    // Under a quarter of a core over the interval: idle.
    if (busyUs < 100_000 * 0.25 || performance.now() - started > maxMs) return performance.now() - started;
  }
}

const loads: { when: string; loadavg1: number }[] = [];
/** The benchmark shares the machine with whatever else runs: say so when something else is busy. */
function checkQuiet(when: string): void {
  const [one] = loadavg();
  loads.push({ when, loadavg1: one! });
  const line = `Load average ${when}: ${one!.toFixed(2)} on ${cpus().length} CPUs`;
  log(one! > cpus().length * 0.75 ? `${line} — the machine is busy with other work; absolute numbers will be low and noisy (ratios less so: targets are interleaved)` : line);
}

// ---------------------------------------------------------------------------------------------
// Answers: every target must answer alike
// ---------------------------------------------------------------------------------------------

async function post(url: string, body: string, token: string): Promise<{ status: number; json: { data?: unknown; errors?: { message: string }[] } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  return { status: response.status, json: (await response.json()) as { data?: unknown; errors?: { message: string }[] } };
}

/** Stable text of a result (object keys sorted), for comparing targets. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (canonical(a) === canonical(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return `${path || '.'}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`;
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const mode = quick ? 'quick' : 'full';
  const { plan, registry, described, operations } = await planRun(mode);

  const { signingKey, token, tokens, identity } = await mintCallers();
  const storages = await prepareStores(mode);

  const children: Child[] = [];
  const stopAll = async () => {
    await Promise.all(children.map((child) => child.stop().catch(() => undefined)));
  };
  process.on('SIGINT', () => {
    void stopAll().finally(() => process.exit(130));
  });

  try {
    // --- Subgraphs, each with its part of the dataset, and the monolith with its own copy.
    log('Starting the four agency subgraphs and loading the dataset into their stores');
    const subgraphs = Object.fromEntries(
      AGENCIES.map((agency) => {
        const child = new Child(agency, './subgraph-host.ts', { onProgress: (line) => log(`  ${line}`) });
        children.push(child);
        return [agency, child];
      }),
    ) as Record<Agency, Child>;
    const wantMonolith = settings.targets.includes('monolith');
    const monolithChild = wantMonolith ? new Child('monolith', './gateway-host.ts', { onProgress: (line) => log(`  ${line}`) }) : undefined;
    if (monolithChild) children.push(monolithChild);
    // On PostgreSQL the monolith opens the subgraphs' own databases, once they are loaded.
    const startMonolith = () =>
      monolithChild!
        .call<{ url: string; counts: Record<Agency, LoadedCounts> }>('start', {
          kind: 'monolith',
          plan,
          signingKey,
          identity,
          ...(storages.shared ? { storages: storages.options } : {}),
        })
        .catch((error: Error) => error);
    const monolithStart = monolithChild && !storages.shared ? startMonolith() : undefined;
    const { started, datasetLoaded } = await startSubgraphs({ subgraphs, plan, signingKey, storages });

    log('Composing the supergraph over the running subgraphs');
    const supergraph = await compose(Object.fromEntries(AGENCIES.map((agency) => [agency, started[agency].url])) as Record<Agency, string>);

    const { stackSubgraphs, stackSupergraph, stackLoaded } = startStack({ plan, signingKey, storages, children, datasetLoaded });
    /** The subgraph processes behind a target (none for the monolith). */
    const subgraphsOf = (kind: TargetKind): Child[] => (kind === 'monolith' ? [] : AGENCIES.map((agency) => (kind === 'apollo-stack' ? stackSubgraphs! : subgraphs)[agency]));

    // --- Gateways.
    const profileDir = join(benchDir, 'results', 'profiles', new Date().toISOString().replaceAll(':', '-'));
    if (profile) await mkdir(profileDir, { recursive: true });
    const targets = await startGateways({ children, supergraph, stackSupergraph, signingKey, identity });
    orderTargets(targets);
    if (monolithChild) await addMonolith(targets, monolithChild, storages.shared ? datasetLoaded.then(startMonolith) : monolithStart!);

    const load = new Child('load', './load-host.ts');
    children.push(load);
    await datasetLoaded;
    await Promise.all(stackLoaded);
    const startupCpu = await Promise.all(children.map(async (child) => `${child.name} ${fmt(((await child.usage()).cpu.user + (await child.usage()).cpu.system) / 1e6)} s`));
    log(`Everything is up. CPU spent starting: ${startupCpu.join(', ')}`);

    // --- Answers and subgraph calls.
    const { answerIssues, invalid, subgraphCalls } = await checkAnswers(operations, targets, subgraphsOf, token);

    // --- Interleaved rounds.
    const kinds = [...targets.keys()];
    const profiled = profiledProcesses(targets, subgraphs, stackSubgraphs);
    for (const [, target] of profiled) await target.child.call('profileStart');
    await runRounds({ operations, targets, subgraphsOf, tokens, load });

    const profileFiles: string[] = [];
    for (const [kind, target] of profiled) {
      profileFiles.push(await target.child.call<string>('profileStop', { file: join(profileDir, `${kind}.cpuprofile`) }));
    }

    // --- Roll-up against direct SQL on the same stores.
    const rollup = operations.find((operation) => operation.key === 'rollup')
      ? await rollUpVersusSql({ registry, subgraphs, targets, token, operation: operations.find((operation) => operation.key === 'rollup')! })
      : undefined;

    const directSql = await measureDirectSql({ registry, subgraphs, operations, samples: settings.rollupSamples });
    // --- Report.
    const report = printReport(operations, kinds, subgraphCalls, invalid);
    if (rollup) for (const line of rollup.lines) console.log(line);
    for (const line of directSqlLines(directSql, report)) console.log(line);

    for (const file of profileFiles) {
      console.log(`\nCPU profile of ${file.split('/').pop()!.replace('.cpuprofile', '')} over the load windows (${file}):`);
      console.log(summariseProfile(JSON.parse(await readFile(file, 'utf8'))));
    }

    await writeResults({ mode, described, answerIssues, report, subgraphCalls, rollup });
  } finally {
    log('Stopping the processes');
    await stopAll();
  }
  log('Done');
}

/** The dataset plan, logged with the machine and settings, and the reference operations on it. */
async function planRun(mode: 'quick' | 'full') {
  const plan = datasetPlan(mode, {
    ...(option('provinces') ? { provinces: option('provinces')!.split(',') } : {}),
    ...(option('months') ? { months: Number(option('months')) } : {}),
  });
  log(`ANTQ Graph benchmark, ${mode} mode — ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  checkQuiet('at the start');
  log(
    `Settings: ${settings.rounds} interleaved rounds × (${settings.warmup}s warm-up + ${settings.seconds}s measured) per operation and target, ${settings.connections} connections (${settings.rollupConnections} for the roll-up), ${settings.callers} distinct callers; targets ${settings.targets.join(', ')}`,
  );
  const registry = await loadAreaRegistry();
  const described = describePlan(registry, plan);
  log(`Dataset: ${plan.provinces ? `provinces ${plan.provinces.join(', ')} (and their pre-2025 units)` : 'the whole country'}, months ${described.months}`);
  log(`  current communes ${described.currentCommunes}; communes by register ${JSON.stringify(described.communesByRegister)}`);
  for (const agency of AGENCIES) {
    const counts = described.counts[agency];
    log(`  ${agency}: ${counts.indicators} indicators → ${counts.observations.toLocaleString('en')} observations, ${counts.models} models, ${counts.forces} forces`);
  }
  const firstCommune = communesOn(registry, { ...plan, provinces: [BENCH_PROVINCE] }, registry.latestRegister)[0]!;
  let operations = referenceOperations(firstCommune);
  if (settings.ops) operations = operations.filter((operation) => settings.ops!.includes(operation.key));
  return { plan, registry, described, operations };
}

/** The signing key and development identity, and the tokens of the analysts that call. */
async function mintCallers() {
  const signingKey = randomBytes(32).toString('base64');
  const issuer = await createDevelopmentIssuer();
  // An analyst of the police with national reach, cleared for shared data (metrics).
  const claims = (index: number) =>
    ({ agency: 'police', roles: ['analyst'], clearance: 'shared', subject: `police:analyst-${index}`, expiresIn: '12h' }) as Parameters<typeof issuer.mint>[0];
  const token = await issuer.mint(claims(0));
  // Many analysts sending the same operations (see LoadWindow.tokens).
  const tokens = await Promise.all(Array.from({ length: settings.callers }, (_, index) => issuer.mint(claims(index))));
  const identity = { publicKeyPem: issuer.publicKeyPem, issuer: issuer.issuer, audience: issuer.audience };
  return { signingKey, token, tokens, identity };
}

/** Starts the agency subgraphs; their dataset goes in while the rest starts (`datasetLoaded`). */
async function startSubgraphs(input: { subgraphs: Record<Agency, Child>; plan: Plan; signingKey: string; storages: Storages }) {
  const { subgraphs, plan, signingKey, storages } = input;
  const started = Object.fromEntries(
    await Promise.all(
      AGENCIES.map(async (agency) => {
        const result = await subgraphs[agency].call<{ url: string }>('start', { agency, plan, signingKey, storage: storages.options[agency] });
        log(`  ${agency} subgraph listening at ${result.url} (the dataset goes in while the gateways start)`);
        return [agency, result];
      }),
    ),
  ) as Record<Agency, { url: string }>;
  const datasetLoaded = Promise.all(
    AGENCIES.map(async (agency) => {
      const counts = await subgraphs[agency].call<LoadedCounts>('loaded');
      log(`  ${agency} dataset in: ${counts.observations.toLocaleString('en')} observations, ${counts.models} models, ${counts.forces} forces in ${fmt(counts.ms / 1000)} s`);
    }),
  );
  return { started, datasetLoaded };
}

/** The supergraph over the agencies' subgraphs at `urls`. */
async function compose(urls: Record<Agency, string>) {
  return composeSupergraph(
    await Promise.all(AGENCIES.map(async (agency) => ({ name: agency, url: urls[agency], sdl: await readFile(join(schemaDir, `${agency}.graphql`), 'utf8') }))),
  );
}

/**
 * The apollo-stack's own subgraphs: the same agencies on @apollo/server. On PGlite with their own
 * copy of the data (loaded alongside); on PostgreSQL the same databases, once loaded.
 */
function startStack(input: { plan: Plan; signingKey: string; storages: Storages; children: Child[]; datasetLoaded: Promise<unknown> }) {
  const { plan, signingKey, storages, children, datasetLoaded } = input;
  const stackSubgraphs = settings.targets.includes('apollo-stack')
    ? (Object.fromEntries(
        AGENCIES.map((agency) => {
          const child = new Child(`apollo-${agency}`, './subgraph-host.ts', { onProgress: (line) => log(`  apollo-stack ${line}`) });
          children.push(child);
          return [agency, child];
        }),
      ) as Record<Agency, Child>)
    : undefined;
  const stackLoaded: Promise<unknown>[] = [];
  const stackSupergraph = stackSubgraphs
    ? (async () => {
        if (storages.shared) await datasetLoaded;
        const urls = Object.fromEntries(
          await Promise.all(
            AGENCIES.map(async (agency) => {
              const { url } = await stackSubgraphs[agency].call<{ url: string }>('start', {
                agency,
                plan,
                signingKey,
                storage: storages.options[agency],
                server: 'apollo',
                skipDataset: storages.shared,
              });
              log(`  apollo-stack ${agency} subgraph (@apollo/server) listening at ${url}`);
              if (!storages.shared) {
                stackLoaded.push(
                  stackSubgraphs[agency]
                    .call<LoadedCounts>('loaded')
                    .then((counts) =>
                      log(
                        `  apollo-stack ${agency} dataset in: ${counts.observations.toLocaleString('en')} observations, ${counts.models} models, ${counts.forces} forces in ${fmt(counts.ms / 1000)} s`,
                      ),
                    ),
                );
              }
              return [agency, url];
            }),
          ),
        ) as Record<Agency, string>;
        return compose(urls);
      })()
    : undefined;
  return { stackSubgraphs, stackSupergraph, stackLoaded };
}

/** One gateway process per target but the monolith, each on its supergraph. */
async function startGateways(input: {
  children: Child[];
  supergraph: string;
  stackSupergraph: Promise<string> | undefined;
  signingKey: string;
  identity: Identity;
}): Promise<Targets> {
  const { children, supergraph, stackSupergraph, signingKey, identity } = input;
  const targets: Targets = new Map();
  await Promise.all(
    settings.targets
      .filter((target) => target !== 'monolith')
      .map(async (kind) => {
        const child = new Child(kind, './gateway-host.ts', { onProgress: (line) => log(`  ${line}`) });
        children.push(child);
        const { url } = await child.call<{ url: string }>('start', { kind, supergraph: kind === 'apollo-stack' ? await stackSupergraph! : supergraph, signingKey, identity });
        log(`  ${kind} at ${url}`);
        targets.set(kind, { child, url });
      }),
  );
  return targets;
}

/** Adds the monolith to the targets once it is up, or leaves it out when it failed to start. */
async function addMonolith(targets: Targets, monolithChild: Child, start: Promise<{ url: string } | Error>): Promise<void> {
  const result = await start;
  if (result instanceof Error) {
    log(`  monolith failed to start, left out: ${result.message.split('\n')[0]}`);
    await monolithChild.stop();
  } else {
    log(`  monolith at ${result.url}`);
    targets.set('monolith', { child: monolithChild, url: result.url });
  }
}

/** The processes to profile with --profile: the gateways and the police subgraphs. */
function profiledProcesses(targets: Targets, subgraphs: Record<Agency, Child>, stackSubgraphs: Record<Agency, Child> | undefined): [string, { child: Child }][] {
  return profile
    ? [
        ...[...targets].filter(([kind]) => kind !== 'monolith'),
        ['police-subgraph', { child: subgraphs.police }],
        ...(stackSubgraphs ? ([['apollo-stack-police-subgraph', { child: stackSubgraphs.police }]] as [string, { child: Child }][]) : []),
      ]
    : [];
}

/** Puts the targets in the table's order, whatever order they came up in. */
function orderTargets(targets: Targets): void {
  const rank = [...ALL_TARGETS.slice(0, 1), ...VARIANTS, ...ALL_TARGETS.slice(1)];
  const order = [...targets.keys()].sort((a, b) => rank.indexOf(a) - rank.indexOf(b));
  for (const kind of order) {
    const entry = targets.get(kind)!;
    targets.delete(kind);
    targets.set(kind, entry);
  }
}

/** Checks that every target answers every operation alike, and counts the subgraph calls each makes. */
async function checkAnswers(operations: readonly ReferenceOperation[], targets: Targets, subgraphsOf: (kind: TargetKind) => Child[], token: string) {
  log('Checking that every target answers every operation alike (and counting subgraph calls)');
  const answerIssues: string[] = [];
  const invalid = new Set<string>();
  const subgraphCalls = new Map<string, number>();
  for (const operation of operations) {
    let reference: unknown;
    for (const [kind, target] of targets) {
      const before = await Promise.all(subgraphsOf(kind).map((child) => child.call<number>('requests')));
      const { status, json } = await post(target.url, requestBody(operation), token);
      const after = await Promise.all(subgraphsOf(kind).map((child) => child.call<number>('requests')));
      const calls = after.reduce((sum, count, index) => sum + count - before[index]!, 0);
      subgraphCalls.set(`${operation.key}|${kind}`, calls);
      if (status !== 200 || json.errors?.length) {
        answerIssues.push(`${operation.key} on ${kind}: HTTP ${status} ${json.errors?.map((error) => error.message).join('; ') ?? ''}`.slice(0, 400));
        invalid.add(`${operation.key}|${kind}`);
      }
      if (reference === undefined) reference = json.data;
      else {
        const difference = firstDifference(reference, json.data);
        if (difference) {
          answerIssues.push(`${operation.key} on ${kind} differs from ${[...targets.keys()][0]}: ${difference}`);
          invalid.add(`${operation.key}|${kind}`);
        }
      }
    }
    log(`  ${operation.key}: subgraph calls per request ${[...targets.keys()].map((kind) => `${kind} ${subgraphCalls.get(`${operation.key}|${kind}`)}`).join(', ')}`);
  }
  for (const issue of answerIssues) log(`  ! ${issue}`);
  if (answerIssues.length === 0) log('  all targets answer alike, without errors');
  return { answerIssues, invalid, subgraphCalls };
}

/** The interleaved rounds: per round, operation and target, a warm-up and a measured window, tallied. */
async function runRounds(input: {
  operations: readonly ReferenceOperation[];
  targets: Targets;
  subgraphsOf: (kind: TargetKind) => Child[];
  tokens: string[];
  load: Child;
}): Promise<void> {
  const { operations, targets, subgraphsOf, tokens, load } = input;
  const kinds = [...targets.keys()];
  const windows = settings.rounds * operations.length * kinds.length;
  checkQuiet('before the load');
  log(`Load: ${windows} measured windows, about ${Math.round((windows * (settings.seconds + settings.warmup + 0.3)) / 60)} min`);
  for (let round = 0; round < settings.rounds; round++) {
    for (const operation of operations) {
      const order = kinds.map((_, index) => kinds[(index + round) % kinds.length]!);
      const line: string[] = [];
      for (const kind of order) {
        const target = targets.get(kind)!;
        const base: Omit<LoadWindow, 'seconds' | 'record'> = {
          url: target.url,
          body: requestBody(operation),
          tokens,
          connections: operation.key === 'rollup' ? settings.rollupConnections : settings.connections,
        };
        await settle([target.child, ...subgraphsOf(kind)]);
        await load.call<LoadResult>('run', { window: { ...base, seconds: settings.warmup, record: false } });
        const usageBefore = await target.child.usage();
        const subgraphsBefore = await Promise.all(subgraphsOf(kind).map((child) => child.usage()));
        const result = await load.call<LoadResult>('run', { window: { ...base, seconds: settings.seconds, record: true } });
        const usageAfter = await target.child.usage();
        const subgraphsAfter = await Promise.all(subgraphsOf(kind).map((child) => child.usage()));
        const tally = tallyOf(operation.key, kind);
        tally.requests += result.requests;
        tally.non2xx += result.non2xx;
        tally.errors += result.errors + result.timeouts;
        tally.graphqlErrors += result.graphqlErrors;
        tally.elapsedMs += result.elapsedMs;
        tally.cpuUs += cpuUs(usageBefore, usageAfter);
        tally.subgraphCpuUs += subgraphsAfter.reduce((sum, after, index) => sum + cpuUs(subgraphsBefore[index]!, after), 0);
        tally.rssMax = Math.max(tally.rssMax, usageAfter.rss);
        for (const latency of result.latencies) tally.latencies.push(latency);
        const rps = result.requests / (result.elapsedMs / 1000);
        line.push(`${kind} ${fmt(rps, rps < 10 ? 1 : 0)} rps`);
      }
      log(`  round ${round + 1}/${settings.rounds} ${operation.key}: ${line.join(', ')}`);
    }
  }
}

/** Writes the run's results as JSON (`--json FILE`, else results/<mode>-latest.json). */
async function writeResults(input: {
  mode: 'quick' | 'full';
  described: ReturnType<typeof describePlan>;
  answerIssues: readonly string[];
  report: ReturnType<typeof printReport>;
  subgraphCalls: Map<string, number>;
  rollup: Awaited<ReturnType<typeof rollUpVersusSql>> | undefined;
}): Promise<void> {
  const { mode, described, answerIssues, report, subgraphCalls, rollup } = input;
  const json = option('json') ?? join(benchDir, 'results', `${mode}-latest.json`);
  await mkdir(join(json, '..'), { recursive: true });
  await writeFile(
    json,
    JSON.stringify(
      {
        mode,
        machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loads },
        settings,
        peers: PEERS,
        dataset: described,
        answerIssues,
        results: report,
        subgraphCalls: Object.fromEntries(subgraphCalls),
        rollupVersusSql: rollup?.summary,
      },
      null,
      2,
    ),
  );
  log(`Results written to ${json}`);
}

// ---------------------------------------------------------------------------------------------
// Stores
// ---------------------------------------------------------------------------------------------

/**
 * Where the agencies keep their data: PGlite in memory in each subgraph process (quick mode,
 * the embedded mode's engine), or one PostgreSQL database per agency on the server of
 * `--database-url` (full mode: the national dataset is ~16 million observations), created if
 * missing and kept between runs (`--fresh` drops them first). With PostgreSQL the monolith
 * opens the very same databases.
 */
async function prepareStores(mode: 'quick' | 'full'): Promise<{ options: Record<Agency, StorageOptions>; shared: boolean }> {
  const url = option('database-url') ?? process.env.ANTQ_BENCH_DATABASE_URL;
  if (!url) {
    if (mode === 'full' && !argv.includes('--pglite')) {
      throw new Error(
        'The full mode needs PostgreSQL: pass --database-url postgres://user@host:port/postgres (a role that may CREATE DATABASE), ' +
          'or ANTQ_BENCH_DATABASE_URL. --pglite runs it on in-memory PGlite anyway (needs much memory and patience). See BENCHMARKS.md.',
      );
    }
    return { options: Object.fromEntries(AGENCIES.map((agency) => [agency, { kind: 'pglite' }])) as Record<Agency, StorageOptions>, shared: false };
  }
  const admin = await createStorage({ kind: 'postgres', url, poolSize: 1 });
  const options = {} as Record<Agency, StorageOptions>;
  try {
    for (const agency of AGENCIES) {
      const database = `antq_bench_${agency}`;
      if (argv.includes('--fresh')) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.length === 0) await admin.query(`CREATE DATABASE ${database}`);
      const target = new URL(url);
      target.pathname = `/${database}`;
      options[agency] = { kind: 'postgres', url: target.href, poolSize: 10 };
    }
  } finally {
    await admin.close();
  }
  log(`Stores: PostgreSQL databases antq_bench_{${AGENCIES.join(',')}} on ${new URL(url).host}`);
  return { options, shared: true };
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function printReport(operations: readonly ReferenceOperation[], kinds: readonly TargetKind[], subgraphCalls: Map<string, number>, invalid: ReadonlySet<string>) {
  const results: Record<string, Record<string, unknown>> = {};
  const peersHere = PEERS.filter((kind) => kinds.includes(kind));
  console.log(
    `\nBest peer: the best of ${peersHere.length ? peersHere.join(', ') : '— (no peer measured)'} on each operation (highest rps; lowest gateway CPU per request), among those that answered right. ` +
      'Peers are what an agency would otherwise install: stock Hive Gateway and Apollo Gateway on our mercurius subgraphs, and the whole Apollo stack ' +
      '(apollo-stack: Apollo Gateway over @apollo/server subgraphs, whose subgraph CPU is that of its own four subgraph processes). ' +
      'total CPU = gateway + its subgraphs (the whole server for the monolith).',
  );
  for (const operation of operations) {
    const rows = kinds.map((kind) => {
      const tally = tallyOf(operation.key, kind);
      const sorted = [...tally.latencies].sort((a, b) => a - b);
      return {
        kind,
        rps: tally.requests / (tally.elapsedMs / 1000),
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        cpuMs: tally.cpuUs / 1000 / tally.requests,
        subgraphCpuMs: kind === 'monolith' ? Number.NaN : tally.subgraphCpuUs / 1000 / tally.requests,
        /** Gateway and its subgraphs together (the whole server for the monolith): what the stack costs. */
        totalCpuMs: (tally.cpuUs + tally.subgraphCpuUs) / 1000 / tally.requests,
        rssMb: tally.rssMax / 2 ** 20,
        requests: tally.requests,
        failures: tally.non2xx + tally.errors + tally.graphqlErrors,
        calls: subgraphCalls.get(`${operation.key}|${kind}`),
        answers: invalid.has(`${operation.key}|${kind}`) ? 'WRONG' : 'ok',
      };
    });
    // Only targets that answered right (and completed requests in the windows) count as the best peer or the floor.
    const peers = rows.filter((row) => PEERS.includes(row.kind) && row.answers === 'ok' && row.requests > 0);
    const bestPeerRps = Math.max(...peers.map((row) => row.rps));
    const bestPeerCpu = Math.min(...peers.map((row) => row.cpuMs));
    const floor = rows.find((row) => row.kind === 'monolith' && row.answers === 'ok' && row.requests > 0);
    /** A ratio, or — when a side has no requests (a window too short for the operation). */
    const ratio = (value: number) => (Number.isFinite(value) ? `${fmt(value, 2)}×` : '—');
    console.log(`\n${operation.title}`);
    const header = [
      'target',
      'rps',
      'p50 ms',
      'p99 ms',
      'gw CPU ms/req',
      'subgraphs CPU ms/req',
      'total CPU ms/req',
      'RSS MB',
      'rps ÷ best peer',
      'CPU ÷ best peer',
      'rps ÷ monolith',
      'subgraph calls',
      'failed',
      'answer',
    ];
    const table = rows.map((row) => [
      row.kind,
      fmt(row.rps, row.rps < 10 ? 1 : 0),
      fmt(row.p50),
      fmt(row.p99),
      fmt(row.cpuMs, 2),
      fmt(row.subgraphCpuMs, 2),
      fmt(row.totalCpuMs, 2),
      fmt(row.rssMb, 0),
      peers.length ? ratio(row.rps / bestPeerRps) : '—',
      peers.length ? ratio(row.cpuMs / bestPeerCpu) : '—',
      floor ? ratio(row.rps / floor.rps) : '—',
      row.calls === undefined ? '—' : String(row.calls),
      String(row.failures),
      row.answers,
    ]);
    const widths = header.map((title, index) => Math.max(title.length, ...table.map((cells) => cells[index]!.length)));
    console.log(`| ${header.map((title, index) => title.padEnd(widths[index]!)).join(' | ')} |`);
    console.log(`| ${widths.map((width, index) => (index === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`)).join(' | ')} |`);
    for (const cells of table) console.log(`| ${cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join(' | ')} |`);
    results[operation.key] = Object.fromEntries(rows.map((row) => [row.kind, row]));
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Roll-up vs direct SQL
// ---------------------------------------------------------------------------------------------

async function rollUpVersusSql(input: {
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
  // The same figures in one statement per agency, this period and the previous one (for the
  // comparison): flows summed over the year's months (2024 before), stocks at the year's last
  // month (the month before it).
  const statement = (codes: readonly string[]) => {
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
  };
  const sql = await Promise.all(
    ROLLED_UP_AGENCIES.map(async (agency) => {
      const codes = ROLLUP_INDICATORS[agency];
      const result = await subgraphs[agency].call<{ times: number[]; rows: { indicator: string; current: number | null; previous: number | null }[] }>('sql', {
        sql: statement(codes),
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

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
