/**
 * The analyst day (`--workload day` or `all`): per round, for each target in front of the shared
 * subgraphs (the order rotating), a warm-up and a measured window of Zipf-drawn reads with writes
 * arriving steadily through that target, stale answers checked against a gateway without a cache
 * (day-load.ts). The hit counts are the targets' own (their caches' counters, our metric).
 */
import type { TargetKind } from './gateway-host.js';
import type { Child } from './ipc.js';
import type { DayResult, DayWindow } from './day-load.js';
import type { DayOperation, DayWrite } from './day.js';
import type { CacheCounts } from './peer-caches.js';
import { checkQuiet, cpuUs, fmt, percentile, settle } from './measure.js';
import { CACHED_PEERS, DAY_TARGETS, log, settings, type Targets } from './options.js';

interface DayTally {
  reads: number;
  readFailures: number;
  writes: number;
  writeFailures: number;
  elapsedMs: number;
  cpuUs: number;
  subgraphCpuUs: number;
  hits: number;
  checkerReads: number;
  sampled: number;
  stale: number;
  distinct: number;
  latencies: number[];
  examples: string[];
}

export interface DayInput {
  readonly targets: Targets;
  /** A gateway without a response cache on the same subgraphs: the fresh reads. */
  readonly freshUrl: string;
  readonly subgraphsOf: (kind: TargetKind) => Child[];
  readonly load: Child;
  readonly operations: readonly DayOperation[];
  readonly writes: readonly DayWrite[];
  readonly tokens: readonly string[];
  readonly writerToken: string;
}

/** The targets the day runs against, in the table's order. */
export function dayTargets(targets: Targets): TargetKind[] {
  return [...targets.keys()].filter((kind) => DAY_TARGETS.includes(kind));
}

async function dayWindow(input: DayInput, kind: TargetKind, window: Omit<DayWindow, 'url'>, tally: DayTally | undefined): Promise<void> {
  const target = input.targets.get(kind)!;
  const processes = [target.child, ...input.subgraphsOf(kind)];
  const before = await Promise.all(processes.map((child) => child.usage()));
  const cacheBefore = await target.child.call<CacheCounts>('cacheStats');
  const result = await input.load.call<DayResult>('day', { window: { ...window, url: target.url } });
  const after = await Promise.all(processes.map((child) => child.usage()));
  const cacheAfter = await target.child.call<CacheCounts>('cacheStats');
  if (!tally) return;
  tally.reads += result.reads;
  tally.readFailures += result.readFailures;
  tally.writes += result.writes;
  tally.writeFailures += result.writeFailures;
  tally.elapsedMs += result.elapsedMs;
  tally.cpuUs += cpuUs(before[0]!, after[0]!);
  tally.subgraphCpuUs += after.slice(1).reduce((sum, usage, index) => sum + cpuUs(before[index + 1]!, usage), 0);
  tally.hits += cacheAfter.hits - cacheBefore.hits;
  tally.checkerReads += result.checkerReads;
  tally.sampled += result.sampled;
  tally.stale += result.stale;
  tally.distinct = Math.max(tally.distinct, result.distinct);
  for (const latency of result.latencies) tally.latencies.push(latency);
  for (const example of [...result.staleExamples, ...result.failureExamples]) if (tally.examples.length < 4) tally.examples.push(example);
}

/** Runs the day's rounds; returns the tallies per target. */
export async function runDay(input: DayInput): Promise<Map<TargetKind, DayTally>> {
  const kinds = dayTargets(input.targets);
  const tallies = new Map<TargetKind, DayTally>(
    kinds.map((kind) => [
      kind,
      {
        reads: 0,
        readFailures: 0,
        writes: 0,
        writeFailures: 0,
        elapsedMs: 0,
        cpuUs: 0,
        subgraphCpuUs: 0,
        hits: 0,
        checkerReads: 0,
        sampled: 0,
        stale: 0,
        distinct: 0,
        latencies: [],
        examples: [],
      },
    ]),
  );
  checkQuiet('before the analyst day');
  log(
    `Analyst day: ${input.operations.length} distinct operations (Zipf s=${settings.zipf}), ${settings.writesPerSecond} writes a second through the target, ` +
      `${settings.rounds} rounds × (${settings.warmup}s warm-up + ${settings.daySeconds}s measured) on ${kinds.join(', ')}`,
  );
  const runTag = Date.now().toString(36);
  let firstWrite = 0;
  for (let round = 0; round < settings.rounds; round++) {
    const line: string[] = [];
    for (const kind of kinds.map((_, index) => kinds[(index + round) % kinds.length]!)) {
      const base = {
        freshUrl: input.freshUrl,
        operations: input.operations.map((operation) => operation.body),
        zipf: settings.zipf,
        tokens: input.tokens,
        writerToken: input.writerToken,
        writes: input.writes,
        writesPerSecond: settings.writesPerSecond,
        runTag,
        connections: settings.connections,
        seed: round * 31 + kinds.indexOf(kind),
      };
      await settle([input.targets.get(kind)!.child, ...input.subgraphsOf(kind)]);
      await dayWindow(input, kind, { ...base, firstWrite, seconds: settings.warmup }, undefined);
      firstWrite += Math.ceil(settings.warmup * settings.writesPerSecond) + 1;
      const tally = tallies.get(kind)!;
      const reads = tally.reads;
      const elapsed = tally.elapsedMs;
      await dayWindow(input, kind, { ...base, firstWrite, seconds: settings.daySeconds }, tally);
      firstWrite += Math.ceil(settings.daySeconds * settings.writesPerSecond) + 1;
      line.push(`${kind} ${fmt((tally.reads - reads) / ((tally.elapsedMs - elapsed) / 1000), 0)} rps`);
    }
    log(`  day round ${round + 1}/${settings.rounds}: ${line.join(', ')}`);
  }
  return tallies;
}

/** The day's table; returns its rows for the JSON results. */
export function printDay(tallies: Map<TargetKind, DayTally>, distinctOperations: number): Record<string, unknown> {
  const rows = [...tallies].map(([kind, tally]) => {
    const sorted = [...tally.latencies].sort((a, b) => a - b);
    return {
      kind,
      rps: tally.reads / (tally.elapsedMs / 1000),
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      cpuMs: tally.cpuUs / 1000 / tally.reads,
      subgraphCpuMs: tally.subgraphCpuUs / 1000 / tally.reads,
      // The checker's reads of the target go through its cache too.
      hitRatio: tally.reads ? tally.hits / (tally.reads + tally.checkerReads) : Number.NaN,
      reads: tally.reads,
      distinct: tally.distinct,
      failures: tally.readFailures,
      writes: tally.writes,
      writeFailures: tally.writeFailures,
      sampled: tally.sampled,
      stale: tally.stale,
      examples: tally.examples,
    };
  });
  const cachedPeers = rows.filter((row) => CACHED_PEERS.includes(row.kind) && row.reads > 0);
  const bestCachedRps = Math.max(...cachedPeers.map((row) => row.rps));
  console.log(
    `\nAnalyst day: ${distinctOperations} distinct operations drawn Zipf-like, ${settings.writesPerSecond} writes a second through the target (police models renamed, police figures corrected). ` +
      'hit ratio = the target’s own count of cache hits ÷ the reads it got (the checker’s included); stale = checked answers that differ from fresh reads (a gateway without a cache) just before and just after them.',
  );
  const header = [
    'target',
    'reads/s',
    'p50 ms',
    'p99 ms',
    'gw CPU ms/read',
    'subgraphs CPU ms/read',
    'hit ratio',
    'distinct asked',
    'writes (failed)',
    'checked',
    'stale',
    'failed reads',
    'rps ÷ best cached peer',
  ];
  const table = rows.map((row) => [
    row.kind,
    fmt(row.rps, 0),
    fmt(row.p50),
    fmt(row.p99),
    fmt(row.cpuMs, 2),
    fmt(row.subgraphCpuMs, 2),
    `${fmt(row.hitRatio * 100)} %`,
    String(row.distinct),
    `${row.writes} (${row.writeFailures})`,
    String(row.sampled),
    String(row.stale),
    String(row.failures),
    cachedPeers.length ? `${fmt(row.rps / bestCachedRps, 2)}×` : '—',
  ]);
  const widths = header.map((title, index) => Math.max(title.length, ...table.map((cells) => cells[index]!.length)));
  console.log(`| ${header.map((title, index) => title.padEnd(widths[index]!)).join(' | ')} |`);
  console.log(`| ${widths.map((width, index) => (index === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`)).join(' | ')} |`);
  for (const cells of table) console.log(`| ${cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join(' | ')} |`);
  for (const row of rows) for (const example of row.examples) console.log(`  ${row.kind}: ${example}`);
  return Object.fromEntries(rows.map((row) => [row.kind, row]));
}
