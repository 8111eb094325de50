/** The reference operations: answers compared before load, then the interleaved rounds of measured windows. */
import { firstDifference, post } from './answers.js';
import type { TargetKind } from './gateway-host.js';
import type { Child } from './ipc.js';
import type { LoadResult, LoadWindow } from './load-host.js';
import { checkQuiet, cpuUs, fmt, settle, tallyOf } from './measure.js';
import { requestBody, type ReferenceOperation } from './operations.js';
import { SENDS_EVERY_REQUEST, log, settings, type Targets } from './options.js';

export async function checkAnswers(operations: readonly ReferenceOperation[], targets: Targets, subgraphsOf: (kind: TargetKind) => Child[], token: string) {
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
export async function runRounds(input: {
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
  const spent = { warming: 0, settling: 0, warmup: 0, measured: 0, usage: 0 };
  const timed = async <T>(part: keyof typeof spent, work: Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work;
    } finally {
      spent[part] += performance.now() - started;
    }
  };
  for (const operation of operations) await timed('warming', warmOperation(operation, input));
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
        await timed('settling', settle([target.child, ...subgraphsOf(kind)]));
        await timed('warmup', load.call<LoadResult>('run', { window: { ...base, seconds: settings.warmup, record: false } }));
        const [usageBefore, subgraphsBefore] = await timed('usage', Promise.all([target.child.usage(), Promise.all(subgraphsOf(kind).map((child) => child.usage()))]));
        const result = await timed('measured', load.call<LoadResult>('run', { window: { ...base, seconds: settings.seconds, record: true } }));
        const [usageAfter, subgraphsAfter] = await timed('usage', Promise.all([target.child.usage(), Promise.all(subgraphsOf(kind).map((child) => child.usage()))]));
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
  log(
    `  the windows took ${fmt(spent.measured / 1000)} s measured, ${fmt(spent.warming / 1000)} s warming the subgraphs, ${fmt(spent.warmup / 1000)} s warming up, ${fmt(spent.settling / 1000)} s waiting for targets to idle, ${fmt(spent.usage / 1000)} s reading CPU`,
  );
}

/**
 * Warms each set of subgraphs on an operation before any window is measured. A cold subgraph
 * (V8 still compiling its code and PGlite's, its store's pages not yet in its buffers) costs
 * up to twice its steady CPU per request for several seconds: measured, that fell on whichever
 * target came first in the first round (subgraphs CPU 14.3, 9.5, 14.1 and 13.8 ms per nested
 * request in that window, 4.8, 2.5, 3.4 and 3.9 in the next round's). Each target still warms
 * itself before each of its windows.
 */
async function warmOperation(operation: ReferenceOperation, input: Parameters<typeof runRounds>[0]): Promise<void> {
  const { targets, subgraphsOf, tokens, load } = input;
  // Through a target that sends every request on (a cached one would answer from its cache), where the set has one.
  const candidates = [...targets].sort(([a], [b]) => Number(SENDS_EVERY_REQUEST.includes(b)) - Number(SENDS_EVERY_REQUEST.includes(a)));
  const warmed = new Set<Child | TargetKind>();
  for (const [kind, target] of candidates) {
    const subgraphs = subgraphsOf(kind);
    // The monolith holds its subgraphs in its own process.
    const set = subgraphs[0] ?? kind;
    if (warmed.has(set)) continue;
    warmed.add(set);
    const processes = [target.child, ...subgraphs];
    const base = { url: target.url, body: requestBody(operation), tokens, connections: operation.key === 'rollup' ? settings.rollupConnections : settings.connections };
    const costs: number[] = [];
    while (costs.length < settings.warmWindows) {
      const before = await Promise.all(processes.map((child) => child.usage()));
      const result = await load.call<LoadResult>('run', { window: { ...base, seconds: settings.warmStep, record: false } });
      const after = await Promise.all(processes.map((child) => child.usage()));
      const cost = after.reduce((sum, usage, index) => sum + cpuUs(before[index]!, usage), 0) / 1000 / Math.max(1, result.requests);
      const previous = costs.at(-1);
      costs.push(cost);
      if (previous !== undefined && Math.abs(cost - previous) <= settings.warmTolerance * previous) break;
    }
    log(`  warm: ${operation.key} through ${kind}${subgraphs.length ? ' and its subgraphs' : ''}, CPU ms per request ${costs.map((cost) => fmt(cost, 2)).join(' → ')}`);
  }
}
