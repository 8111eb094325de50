/**
 * npm run bench[:quick] — the graph against its peers, measured side by side.
 *
 * Starts the four agency subgraphs (one process each, with the national-scale dataset in their
 * stores), the targets in front of them (each alone in its process), and a load generator in
 * another process; for the `apollo-stack` target (Apollo Gateway over `@apollo/server`
 * subgraphs) also four more subgraph processes, the same agencies on `@apollo/server`, with
 * their own copy of the data on PGlite (loaded from a dump of the first stores) or the same
 * databases on PostgreSQL (as the monolith); checks that every target answers every reference
 * operation alike; then runs interleaved rounds of warm-up + measured windows and prints a table
 * per operation, and times the province roll-up against the equivalent direct SQL on the same
 * stores. `--workload day` (or `all`) runs the analyst day instead (or as well): many distinct
 * operations, Zipf-drawn, with writes through the target and stale answers counted (day-run.ts).
 *
 * Options: --quick, --rounds N, --seconds S (measured window), --warmup S, --connections N,
 * --targets ours,hive,…, --ops overview,rollup,…, --profile (V8 CPU profiles of every gateway
 * and the police subgraph — both police subgraphs with apollo-stack — over the load windows,
 * summarised at the end),
 * --provinces 80,79 and --months N (dataset size), --callers N, --connections N,
 * --workload reference|day|all, --day-seconds S, --zipf S, --writes-per-second N, --apollo-cache-ttl S,
 * --database-url URL (PostgreSQL; required by the full mode) and --fresh, --json FILE,
 * --national-rollup (the whole country's year against its SQL; always in the full mode), --national-in-flight N (its province requests at a time, default 4).
 * The modules: options.ts, measure.ts, startup.ts, dump-cache.ts, rounds.ts, report.ts, rollup-sql.ts, day-run.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import type { Agency } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { createDevelopmentIssuer } from '@antq/gateway';
import { AGENCIES, BENCH_PROVINCE, communesOn, datasetPlan, describePlan, type LoadedCounts } from './dataset.js';
import { dayOperations, dayWrites } from './day.js';
import { printDay, runDay } from './day-run.js';
import type { TargetKind } from './gateway-host.js';
import { Child } from './ipc.js';
import { checkQuiet, fmt, loads } from './measure.js';
import { referenceOperations, type ReferenceOperation } from './operations.js';
import { CACHED_PEERS, DAY_TARGETS, PEERS, benchDir, log, option, profile, quick, settings, type Identity, type Plan, type Storages } from './options.js';
import { summariseProfile } from './profile-summary.js';
import { directSqlLines, measureDirectSql } from './direct-sql.js';
import { openDumpCache } from './dump-cache.js';
import { printReport } from './report.js';
import { nationalRollUpVersusSql, rollUpVersusSql } from './rollup-sql.js';
import { checkAnswers, runRounds } from './rounds.js';
import { prepareStores } from './stores.js';
import { addMonolith, compose, dumpStores, orderTargets, profiledProcesses, startFreshReader, startGateways, startStack, startSubgraphs } from './startup.js';

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

type Run = Awaited<ReturnType<typeof planRun>> & Awaited<ReturnType<typeof mintCallers>> & { storages: Storages; children: Child[] };

async function main(): Promise<void> {
  const mode = quick ? 'quick' : 'full';
  const planned = await planRun(mode);
  const callers = await mintCallers();
  const storages = await prepareStores(mode);

  const children: Child[] = [];
  const stopAll = async () => {
    await Promise.all(children.map((child) => child.stop().catch(() => undefined)));
  };
  process.on('SIGINT', () => {
    void stopAll().finally(() => process.exit(130));
  });
  try {
    const run: Run = { ...planned, ...callers, storages, children };
    const up = await startAll(run);
    const reference = settings.workload === 'day' ? undefined : await measureReference(run, up);
    const day = settings.workload === 'reference' ? undefined : await measureDay(run, up);
    await writeResults({ mode, described: run.described, ...reference, day });
  } finally {
    log('Stopping the processes');
    await stopAll();
  }
  log(`Done in ${fmt((performance.now() - runStarted) / 1000)} s`);
}

const runStarted = performance.now();

/** Starts the subgraphs (the dataset going in), the copies, the gateways, the monolith and the load process. */
async function startAll(run: Run) {
  const { plan, signingKey, identity, storages, children } = run;
  // --- Subgraphs, each with its part of the dataset; the copies of the monolith and the apollo-stack from dumps of them.
  log('Starting the four agency subgraphs and loading the dataset into their stores');
  const subgraphs = Object.fromEntries(
    AGENCIES.map((agency) => {
      const child = new Child(agency, 'subgraph-host', { onProgress: (line) => log(`  ${line}`) });
      children.push(child);
      return [agency, child];
    }),
  ) as Record<Agency, Child>;
  const monolithChild = settings.targets.includes('monolith')
    ? new Child('monolith', 'gateway-host', {
        code: 'sources',
        // It takes callers' requests unsigned, which the kit refuses to do in production.
        env: { NODE_ENV: undefined },
        onProgress: (line) => log(`  ${line}`),
      })
    : undefined;
  if (monolithChild) children.push(monolithChild);
  // On PGlite the stores start from an earlier run's dumps when it had the same plan and code (dump-cache.ts).
  const cache = storages.shared ? undefined : await openDumpCache(plan);
  if (cache?.complete) log(`  the stores start from the dumps of an earlier run with the same plan and code (${cache.folder})`);
  const { started, datasetLoaded } = await startSubgraphs({ subgraphs, plan, signingKey, storages, ...(cache?.complete ? { fromDumps: cache.files } : {}) });
  const dumps = cache ? (cache.complete ? Promise.resolve({ files: cache.files }) : dumpStores(subgraphs, datasetLoaded, cache)) : undefined;
  // On PostgreSQL the monolith opens the subgraphs' own databases, once they are loaded; on PGlite copies of their dumps.
  const monolithStart = monolithChild
    ? (async () => {
        const files = dumps ? (await dumps).files : undefined;
        await datasetLoaded;
        return monolithChild.call<{ url: string; counts: Record<Agency, LoadedCounts> }>('start', {
          kind: 'monolith',
          plan,
          signingKey,
          identity,
          ...(storages.shared ? { storages: storages.options } : { dumps: files }),
        });
      })().catch((error: Error) => error)
    : undefined;

  log('Composing the supergraph over the running subgraphs');
  const supergraph = await compose(Object.fromEntries(AGENCIES.map((agency) => [agency, started[agency].url])) as Record<Agency, string>);
  const { stackSubgraphs, stackSupergraph } = startStack({ plan, signingKey, storages, children, datasetLoaded, dumps });
  /** The subgraph processes behind a target (none for the monolith). */
  const subgraphsOf = (kind: TargetKind): Child[] => (kind === 'monolith' ? [] : AGENCIES.map((agency) => (kind === 'apollo-stack' ? stackSubgraphs! : subgraphs)[agency]));

  // --- Gateways.
  const freshStart = settings.workload === 'reference' ? undefined : startFreshReader({ children, supergraph, signingKey, identity });
  const targets = await startGateways({ children, supergraph, stackSupergraph, signingKey, identity, audit: storages.audit });
  orderTargets(targets);
  if (monolithChild) await addMonolith(targets, monolithChild, monolithStart!);
  const freshUrl = await freshStart;

  const load = new Child('load', 'load-host');
  children.push(load);
  await datasetLoaded;
  await stackSupergraph;
  const startupCpu = await Promise.all(children.map(async (child) => `${child.name} ${fmt(((await child.usage()).cpu.user + (await child.usage()).cpu.system) / 1e6)} s`));
  log(`Everything is up in ${fmt((performance.now() - runStarted) / 1000)} s. CPU spent starting: ${startupCpu.join(', ')}`);
  await dumps;
  return { subgraphs, stackSubgraphs, subgraphsOf, targets, load, freshUrl };
}

type Up = Awaited<ReturnType<typeof startAll>>;

/** The reference operations: answers compared, interleaved rounds, the roll-up against SQL, the tables and profiles. */
async function measureReference(run: Run, up: Up) {
  const { operations, registry, token, tokens } = run;
  const { subgraphs, stackSubgraphs, subgraphsOf, targets, load } = up;
  const { answerIssues, invalid, subgraphCalls } = await checkAnswers(operations, targets, subgraphsOf, token);

  const profileDir = join(benchDir, 'results', 'profiles', new Date().toISOString().replaceAll(':', '-'));
  if (profile) await mkdir(profileDir, { recursive: true });
  const profiled = profiledProcesses(targets, subgraphs, stackSubgraphs);
  for (const [, target] of profiled) await target.child.call('profileStart');
  await runRounds({ operations, targets, subgraphsOf, tokens, load });
  const profileFiles: string[] = [];
  for (const [kind, target] of profiled) profileFiles.push(await target.child.call<string>('profileStop', { file: join(profileDir, `${kind}.cpuprofile`) }));

  const rollupOperation = operations.find((operation) => operation.key === 'rollup');
  const rollup = rollupOperation ? await rollUpVersusSql({ registry, subgraphs, targets, token, operation: rollupOperation }) : undefined;
  const national = settings.nationalRollup ? await nationalRollUpVersusSql({ registry, subgraphs, targets, token }) : undefined;

  const directSql = await measureDirectSql({ registry, subgraphs, operations, samples: settings.rollupSamples });

  const report = printReport(operations, [...targets.keys()], subgraphCalls, invalid);
  if (rollup) for (const line of rollup.lines) console.log(line);
  if (national) for (const line of national.lines) console.log(line);
  for (const line of directSqlLines(directSql, report)) console.log(line);
  for (const file of profileFiles) {
    console.log(`\nCPU profile of ${file.split('/').pop()!.replace('.cpuprofile', '')} over the load windows (${file}):`);
    console.log(summariseProfile(JSON.parse(await readFile(file, 'utf8'))));
  }
  return { answerIssues, report, subgraphCalls, rollup, national };
}

/** The analyst day on the targets in front of the shared subgraphs. */
async function measureDay(run: Run, up: Up) {
  const { registry, plan, tokens, writerToken, references } = run;
  const communes = communesOn(registry, { ...plan, provinces: [BENCH_PROVINCE] }, registry.latestRegister);
  const operations = dayOperations(references, communes);
  const tallies = await runDay({
    targets: up.targets,
    freshUrl: up.freshUrl!,
    subgraphsOf: up.subgraphsOf,
    load: up.load,
    operations,
    writes: dayWrites(communes),
    tokens,
    writerToken,
  });
  return printDay(tallies, operations.length);
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
  const references = referenceOperations(firstCommune);
  const operations: ReferenceOperation[] = settings.ops ? references.filter((operation) => settings.ops!.includes(operation.key)) : references;
  return { plan: plan as Plan, registry, described, operations, references };
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
  // The analyst day's writer: a police editor with national jurisdiction.
  const writerToken = await issuer.mint({
    agency: 'police',
    roles: ['editor'],
    clearance: 'shared',
    subject: 'police:editor-bench',
    jurisdiction: 'VN',
    expiresIn: '12h',
  } as Parameters<typeof issuer.mint>[0]);
  const identity: Identity = { publicKeyPem: issuer.publicKeyPem, issuer: issuer.issuer, audience: issuer.audience };
  return { signingKey, token, tokens, writerToken, identity };
}

/** Starts the agency subgraphs; their dataset goes in while the rest starts (`datasetLoaded`). */

/** Writes the run's results as JSON (`--json FILE`, else results/<mode>-latest.json). */
async function writeResults(input: {
  mode: 'quick' | 'full';
  described: ReturnType<typeof describePlan>;
  answerIssues?: readonly string[];
  report?: ReturnType<typeof printReport>;
  subgraphCalls?: Map<string, number>;
  rollup?: Awaited<ReturnType<typeof rollUpVersusSql>> | undefined;
  national?: Awaited<ReturnType<typeof nationalRollUpVersusSql>> | undefined;
  day?: ReturnType<typeof printDay>;
}): Promise<void> {
  const { mode, described, answerIssues, report, subgraphCalls, rollup, national, day } = input;
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
        cachedPeers: CACHED_PEERS,
        dayTargets: DAY_TARGETS,
        dataset: described,
        answerIssues,
        results: report,
        subgraphCalls: subgraphCalls ? Object.fromEntries(subgraphCalls) : undefined,
        rollupVersusSql: rollup?.summary,
        nationalRollupVersusSql: national?.summary,
        analystDay: day,
      },
      null,
      2,
    ),
  );
  log(`Results written to ${json}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
