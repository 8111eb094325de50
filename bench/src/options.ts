/** The benchmark's command-line options and settings (see run.ts), and its log. */
import type { Agency } from '@antq/sdk';
import type { StorageOptions } from '@antq/subgraph-kit';
import { fileURLToPath } from 'node:url';
import type { datasetPlan } from './dataset.js';
import type { TargetKind } from './gateway-host.js';
import type { Child, IdentityConfig } from './ipc.js';

export const argv = process.argv.slice(2);
export function option(name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
}
export const quick = argv.includes('--quick');
export const profile = argv.includes('--profile');
export const ALL_TARGETS: readonly TargetKind[] = ['ours', 'ours-uncached', 'ours-open', 'hive', 'hive-cached', 'apollo', 'apollo-cached', 'apollo-stack', 'monolith'];
/** Our gateway with one feature off: for attributing its cost (`--targets ours,ours-no-audit,…`). */
export const VARIANTS: readonly TargetKind[] = ['ours-no-audit', 'ours-no-metrics'];
/**
 * What an agency would otherwise install: the two stock gateways on our subgraphs, and the whole
 * Apollo stack (Apollo Gateway over `@apollo/server` subgraphs). "Best peer" is the best of them.
 */
export const PEERS: readonly TargetKind[] = ['hive', 'apollo', 'apollo-stack'];
/** The peers with their own response caches (issue 16): compared with `ours` on the analyst day. */
export const CACHED_PEERS: readonly TargetKind[] = ['hive-cached', 'apollo-cached'];
/**
 * The targets without a response cache: every request reaches the subgraphs. A target not named
 * here is taken to have one, so a new cached target is never mistaken for one that sends on.
 */
export const SENDS_EVERY_REQUEST: readonly TargetKind[] = ['ours-uncached', ...PEERS, 'monolith'];
/** The targets the analyst day runs against: those in front of the shared subgraphs that take a writer's token. */
export const DAY_TARGETS: readonly TargetKind[] = ['ours', 'ours-uncached', 'hive', 'hive-cached', 'apollo', 'apollo-cached'];
export type Targets = Map<TargetKind, { child: Child; url: string }>;
export type Plan = ReturnType<typeof datasetPlan>;
/** The agencies' stores, whether processes share them (PostgreSQL), and where our gateways keep their audit log on PostgreSQL. */
export type Storages = { options: Record<Agency, StorageOptions>; shared: boolean; audit?: Partial<Record<TargetKind, StorageOptions>> };
export type Identity = IdentityConfig;
export const settings = {
  rounds: Number(option('rounds') ?? (quick ? 2 : 5)),
  seconds: Number(option('seconds') ?? (quick ? 1.6 : 10)),
  warmup: Number(option('warmup') ?? (quick ? 0.4 : 3)),
  /**
   * Before the rounds, each operation runs through each set of subgraphs (the shared ones, the
   * apollo-stack's, the monolith) in unmeasured windows of this length until a window costs
   * within `warmTolerance` of the one before (CPU per request, gateway and subgraphs), at most
   * `warmWindows` of them.
   */
  warmStep: Number(option('warm-step') ?? 1),
  warmTolerance: Number(option('warm-tolerance') ?? 0.15),
  warmWindows: Number(option('warm-windows') ?? 8),
  connections: Number(option('connections') ?? 8),
  /** The roll-up costs the police subgraph ~0.35 s of CPU a request: fewer connections keep the queue (and the settling after each window) short. */
  rollupConnections: Number(option('rollup-connections') ?? 2),
  callers: Number(option('callers') ?? 64),
  targets: (option('targets')?.split(',') as TargetKind[] | undefined) ?? [...ALL_TARGETS],
  ops: option('ops')?.split(','),
  rollupSamples: Number(option('rollup-samples') ?? (quick ? 3 : 20)),
  /** The whole country's year against its direct SQL (goal 4 of issue 16): in the full mode, or asked for. */
  nationalRollup: !quick || argv.includes('--national-rollup'),
  /** Province roll-ups of the national one in flight at a time. */
  nationalInFlight: Number(option('national-in-flight') ?? 4),
  /** `reference` (the four operations), `day` (the analyst day) or `all`. */
  workload: (option('workload') ?? 'reference') as 'reference' | 'day' | 'all',
  /** The analyst day: Zipf exponent, writes a second, window length. */
  zipf: Number(option('zipf') ?? 1),
  writesPerSecond: Number(option('writes-per-second') ?? 5),
  daySeconds: Number(option('day-seconds') ?? (quick ? 4 : 20)),
  /** The max-age Apollo's subgraph responses are hinted with (`apollo-cached`), seconds. */
  apolloCacheTtl: Number(option('apollo-cache-ttl') ?? 60),
};
export const benchDir = fileURLToPath(new URL('..', import.meta.url));
export const schemaDir = fileURLToPath(new URL('../../schema/', import.meta.url));

export const startedAt = performance.now();
export function log(line: string): void {
  const seconds = Math.round((performance.now() - startedAt) / 1000);
  console.log(`[${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}] ${line}`);
}
