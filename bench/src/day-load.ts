/**
 * The analyst day's load (run in the load process, load-host.ts): `connections` readers asking
 * Zipf-drawn operations with the callers' tokens, and one writer sending an agency's writes at a
 * steady rate through the same gateway. Beside them a checker asks reads of the same draw, one
 * at a time, each between two fresh reads of the same operation through a path without a cache
 * (just before it is sent and just after its answer arrives): the answer is stale when it differs
 * from both (a write landing between the two fresh reads makes either state a right answer). The
 * checker is apart so that the fresh reads do not slow the readers whose rate is measured; its
 * reads are not counted in it.
 */
import { canonical, firstDifference, post } from './answers.js';
import { seededRandom, writeBody, zipfSampler, type DayWrite } from './day.js';

export interface DayWindow {
  readonly url: string;
  /** A gateway without a response cache in front of the same subgraphs. */
  readonly freshUrl: string;
  /** The bodies of the distinct read operations, most popular first. */
  readonly operations: readonly string[];
  readonly zipf: number;
  readonly tokens: readonly string[];
  readonly writerToken: string;
  readonly writes: readonly DayWrite[];
  readonly writesPerSecond: number;
  /** The sequence number of the window's first write (writes go on from window to window). */
  readonly firstWrite: number;
  readonly runTag: string;
  readonly connections: number;
  readonly seconds: number;
  readonly seed: number;
}

export interface DayResult {
  readonly reads: number;
  readonly readFailures: number;
  readonly writes: number;
  readonly writeFailures: number;
  readonly elapsedMs: number;
  readonly latencies: number[];
  /** Distinct operations asked in the window. */
  readonly distinct: number;
  /** The checker's reads of the target (not in `reads`), checked or not. */
  readonly checkerReads: number;
  readonly sampled: number;
  readonly stale: number;
  readonly staleExamples: string[];
  readonly failureExamples: string[];
}

type Tally = {
  reads: number;
  readFailures: number;
  writes: number;
  writeFailures: number;
  checkerReads: number;
  sampled: number;
  stale: number;
  latencies: number[];
  asked: Set<number>;
  staleExamples: string[];
  failureExamples: string[];
};

const failed = (status: number, json: { errors?: unknown[] }) => status !== 200 || (json.errors?.length ?? 0) > 0;

/** One measured read. */
async function read(window: DayWindow, tally: Tally, index: number, token: string): Promise<void> {
  const started = performance.now();
  const { status, json } = await post(window.url, window.operations[index]!, token);
  tally.latencies.push(performance.now() - started);
  tally.reads += 1;
  tally.asked.add(index);
  if (failed(status, json)) {
    tally.readFailures += 1;
    if (tally.failureExamples.length < 3) tally.failureExamples.push(`HTTP ${status} ${JSON.stringify(json.errors ?? '').slice(0, 200)}`);
  }
}

/** One checked read: the target's answer against fresh reads just before and just after it. */
async function check(window: DayWindow, tally: Tally, index: number, token: string): Promise<void> {
  const body = window.operations[index]!;
  const before = await post(window.freshUrl, body, token);
  const { status, json } = await post(window.url, body, token);
  const after = await post(window.freshUrl, body, token);
  tally.checkerReads += 1;
  if (failed(status, json)) return;
  if (failed(before.status, before.json) || failed(after.status, after.json)) return;
  tally.sampled += 1;
  const answer = canonical(json.data);
  if (answer !== canonical(before.json.data) && answer !== canonical(after.json.data)) {
    tally.stale += 1;
    if (tally.staleExamples.length < 3) tally.staleExamples.push(`operation #${index}: ${firstDifference(json.data, after.json.data)}`);
  }
}

async function writer(window: DayWindow, tally: Tally, deadline: number): Promise<void> {
  if (window.writesPerSecond <= 0) return;
  const interval = 1000 / window.writesPerSecond;
  const started = performance.now();
  for (let count = 0; ; count++) {
    const due = started + count * interval;
    if (due >= deadline) return;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    const sequence = window.firstWrite + count;
    const write = window.writes[sequence % window.writes.length]!;
    const { status, json } = await post(window.url, writeBody(write, sequence, window.runTag), window.writerToken);
    tally.writes += 1;
    if (failed(status, json)) {
      tally.writeFailures += 1;
      if (tally.failureExamples.length < 3) tally.failureExamples.push(`write HTTP ${status} ${JSON.stringify(json.errors ?? '').slice(0, 200)}`);
    }
  }
}

export async function runDayWindow(window: DayWindow): Promise<DayResult> {
  const tally: Tally = {
    reads: 0,
    readFailures: 0,
    writes: 0,
    writeFailures: 0,
    checkerReads: 0,
    sampled: 0,
    stale: 0,
    latencies: [],
    asked: new Set(),
    staleExamples: [],
    failureExamples: [],
  };
  const started = performance.now();
  const deadline = started + window.seconds * 1000;
  const loop = (connection: number, ask: typeof read) => async () => {
    const draw = zipfSampler(window.operations.length, window.zipf, seededRandom(window.seed * 1000 + connection));
    for (let count = 0; performance.now() < deadline; count++) await ask(window, tally, draw(), window.tokens[(connection * 7 + count) % window.tokens.length]!);
  };
  const readers = Array.from({ length: window.connections }, (_, connection) => loop(connection, read)());
  await Promise.all([...readers, loop(window.connections, check)(), writer(window, tally, deadline)]);
  const { asked, ...rest } = tally;
  return { ...rest, distinct: asked.size, elapsedMs: performance.now() - started };
}
