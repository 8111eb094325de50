/** Starting a run's processes: the agency subgraphs, the apollo-stack's own, the gateways and the monolith. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Agency } from '@antq/sdk';
import { composeSupergraph } from '@antq/gateway';
import { AGENCIES, type LoadedCounts } from './dataset.js';
import type { DumpCache } from './dump-cache.js';
import { Child } from './ipc.js';
import { fmt } from './measure.js';
import { ALL_TARGETS, VARIANTS, log, profile, schemaDir, settings, type Identity, type Plan, type Storages, type Targets } from './options.js';

export async function startSubgraphs(input: { subgraphs: Record<Agency, Child>; plan: Plan; signingKey: string; storages: Storages; fromDumps?: Record<Agency, string> }) {
  const { subgraphs, plan, signingKey, storages, fromDumps } = input;
  const started = Object.fromEntries(
    await Promise.all(
      AGENCIES.map(async (agency) => {
        const result = await subgraphs[agency].call<{ url: string }>('start', {
          agency,
          plan,
          signingKey,
          storage: storages.options[agency],
          ...(fromDumps ? { fromDump: fromDumps[agency] } : {}),
        });
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
export async function compose(urls: Record<Agency, string>) {
  return composeSupergraph(
    await Promise.all(AGENCIES.map(async (agency) => ({ name: agency, url: urls[agency], sdl: await readFile(join(schemaDir, `${agency}.graphql`), 'utf8') }))),
  );
}

/**
 * Dumps the agency subgraphs' in-memory stores once their dataset is in (pglite-copy.ts) into the
 * dump cache (dump-cache.ts): the copies the apollo-stack subgraphs and the monolith hold are
 * loaded from these files, and so are the next run's stores.
 */
export async function dumpStores(subgraphs: Record<Agency, Child>, datasetLoaded: Promise<unknown>, cache: DumpCache): Promise<{ files: Record<Agency, string> }> {
  await datasetLoaded;
  const started = performance.now();
  await Promise.all(AGENCIES.map((agency) => subgraphs[agency].call<string>('dump', { file: cache.files[agency] })));
  await cache.markComplete();
  log(`  the four stores dumped for the copies and the next runs in ${fmt((performance.now() - started) / 1000)} s`);
  return { files: cache.files };
}

/**
 * The apollo-stack's own subgraphs: the same agencies on @apollo/server. On PGlite with their own
 * copy of the data, loaded from the dumps; on PostgreSQL the same databases, once loaded.
 */
export function startStack(input: {
  plan: Plan;
  signingKey: string;
  storages: Storages;
  children: Child[];
  datasetLoaded: Promise<unknown>;
  dumps: Promise<{ files: Record<Agency, string> }> | undefined;
}) {
  const { plan, signingKey, storages, children, datasetLoaded, dumps } = input;
  const stackSubgraphs = settings.targets.includes('apollo-stack')
    ? (Object.fromEntries(
        AGENCIES.map((agency) => {
          const child = new Child(`apollo-${agency}`, 'subgraph-host', { code: 'typescript', onProgress: (line) => log(`  apollo-stack ${line}`) });
          children.push(child);
          return [agency, child];
        }),
      ) as Record<Agency, Child>)
    : undefined;
  const stackSupergraph = stackSubgraphs
    ? (async () => {
        const files = dumps ? (await dumps).files : undefined;
        await datasetLoaded;
        const urls = Object.fromEntries(
          await Promise.all(
            AGENCIES.map(async (agency) => {
              const { url } = await stackSubgraphs[agency].call<{ url: string }>('start', {
                agency,
                plan,
                signingKey,
                storage: storages.options[agency],
                server: 'apollo',
                skipDataset: true,
                ...(files ? { fromDump: files[agency] } : {}),
              });
              log(`  apollo-stack ${agency} subgraph (@apollo/server) listening at ${url}${files ? ', its store loaded from the dump' : ''}`);
              return [agency, url];
            }),
          ),
        ) as Record<Agency, string>;
        return compose(urls);
      })()
    : undefined;
  return { stackSubgraphs, stackSupergraph };
}

/** One gateway process per target but the monolith, each on its supergraph. */
export async function startGateways(input: {
  children: Child[];
  supergraph: string;
  stackSupergraph: Promise<string> | undefined;
  signingKey: string;
  identity: Identity;
  audit: Storages['audit'];
}): Promise<Targets> {
  const { children, supergraph, stackSupergraph, signingKey, identity, audit } = input;
  const targets: Targets = new Map();
  await Promise.all(
    settings.targets
      .filter((target) => target !== 'monolith')
      .map(async (kind) => {
        const child = new Child(kind, 'gateway-host', { onProgress: (line) => log(`  ${line}`) });
        children.push(child);
        const { url } = await child.call<{ url: string }>('start', {
          kind,
          supergraph: kind === 'apollo-stack' ? await stackSupergraph! : supergraph,
          signingKey,
          identity,
          cacheTtlSeconds: settings.apolloCacheTtl,
          ...(audit?.[kind] ? { auditStorage: audit[kind] } : {}),
        });
        log(`  ${kind} at ${url}`);
        targets.set(kind, { child, url });
      }),
  );
  return targets;
}

/** The analyst day's fresh reads: a gateway without a response cache (stock Apollo Gateway) on the shared subgraphs. */
export async function startFreshReader(input: { children: Child[]; supergraph: string; signingKey: string; identity: Identity }): Promise<string> {
  const child = new Child('fresh', 'gateway-host');
  input.children.push(child);
  const { url } = await child.call<{ url: string }>('start', { kind: 'apollo', supergraph: input.supergraph, signingKey: input.signingKey, identity: input.identity });
  log(`  fresh reads (apollo, no cache) at ${url}`);
  return url;
}

/** Adds the monolith to the targets once it is up, or leaves it out when it failed to start. */
export async function addMonolith(targets: Targets, monolithChild: Child, start: Promise<{ url: string } | Error>): Promise<void> {
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
export function profiledProcesses(targets: Targets, subgraphs: Record<Agency, Child>, stackSubgraphs: Record<Agency, Child> | undefined): [string, { child: Child }][] {
  return profile
    ? [
        ...[...targets].filter(([kind]) => kind !== 'monolith'),
        ['police-subgraph', { child: subgraphs.police }],
        ...(stackSubgraphs ? ([['apollo-stack-police-subgraph', { child: stackSubgraphs.police }]] as [string, { child: Child }][]) : []),
      ]
    : [];
}

/** Puts the targets in the table's order, whatever order they came up in. */
export function orderTargets(targets: Targets): void {
  const rank = [...ALL_TARGETS.slice(0, 1), ...VARIANTS, ...ALL_TARGETS.slice(1)];
  const order = [...targets.keys()].sort((a, b) => rank.indexOf(a) - rank.indexOf(b));
  for (const kind of order) {
    const entry = targets.get(kind)!;
    targets.delete(kind);
    targets.set(kind, entry);
  }
}

/** Checks that every target answers every operation alike, and counts the subgraph calls each makes. */
