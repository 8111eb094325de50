/** Measurements: tallies per operation and target, CPU and percentiles, idling between windows, the machine's load. */
import { cpus, loadavg } from 'node:os';
import type { Child, Usage } from './ipc.js';
import { log } from './options.js';

export interface Tally {
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

export const tallies = new Map<string, Tally>();
export function tallyOf(op: string, target: string): Tally {
  const key = `${op}|${target}`;
  let tally = tallies.get(key);
  if (!tally) {
    tally = { requests: 0, non2xx: 0, errors: 0, elapsedMs: 0, cpuUs: 0, subgraphCpuUs: 0, rssMax: 0, graphqlErrors: 0, latencies: [] };
    tallies.set(key, tally);
  }
  return tally;
}

export function cpuUs(before: Usage, after: Usage): number {
  return after.cpu.user - before.cpu.user + (after.cpu.system - before.cpu.system);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—');

/**
 * Waits until the processes are idle: a window's load stops at the client, but a gateway can
 * still be working off what it accepted (a slow roll-up leaves a backlog in the subgraphs),
 * and that must not be counted in the next target's window.
 */
export async function settle(processes: readonly Child[], maxMs = 20_000): Promise<number> {
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

export const loads: { when: string; loadavg1: number }[] = [];
/** The benchmark shares the machine with whatever else runs: say so when something else is busy. */
export function checkQuiet(when: string): void {
  const [one] = loadavg();
  loads.push({ when, loadavg1: one! });
  const line = `Load average ${when}: ${one!.toFixed(2)} on ${cpus().length} CPUs`;
  log(one! > cpus().length * 0.75 ? `${line} — the machine is busy with other work; absolute numbers will be low and noisy (ratios less so: targets are interleaved)` : line);
}
