// Change stream benchmark: events per second end to end and delivery latency with 100, 1,000 and
// 2,000 concurrent subscribers on one gateway instance (the embedded graph in this process; the
// subscribers in another, as partners are elsewhere, so their own work is not counted as ours).
//   npm run bench:stream                      (100, 1,000, 2,000 subscribers; 200 writes each)
//   npm run bench:stream -- --quick           (100 and 1,000 subscribers; 100 writes)
//   --subscribers 2000 --writes 100 --profile /tmp/stream   (a CPU profile of the graph's measured window)
//   --writes-per-second 2   (writes paced at a steady rate instead of as fast as they are answered)
//   --processes             (each agency subgraph, the stream and the gateway in its own process, as production runs them)
//   --processes --postgres  (… on PostgreSQL databases made for the run, the changes through NATS JetStream)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedGraph } from '../src/index.js';
import { startSplitGraph, type BenchGraph } from './split-graph.js';
import { now, type SubscriberCommand, type SubscriberReply } from './stream-subscribers.js';

const quick = process.argv.includes('--quick');
const option = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : process.argv[index + 1];
};
const SUBSCRIBERS = option('subscribers')?.split(',').map(Number) ?? (quick ? [100, 1_000] : [100, 1_000, 2_000]);
const WRITES = Number(option('writes') ?? (quick ? 100 : 200));
const WRITERS = 4;
/** Writes a second, paced (`--writes-per-second`); without it the writers write as fast as they are answered. */
const RATE = option('writes-per-second') === undefined ? undefined : Number(option('writes-per-second'));

/** The graph's young generation as measured: Node's default semi-space or the one NODE_OPTIONS gives (production's services run with 64 MB). */
const youngGeneration = () => {
  const flag = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.match(/--max-semi-space-size=(\d+)/);
  return flag ? `semi-space ${flag[1]} MB` : "Node's default semi-space";
};
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const progress = (line: string) => process.stderr.write(`… ${line}\n`);

const SPLIT = process.argv.includes('--processes');
const POSTGRES = process.argv.includes('--postgres');
if (POSTGRES && !SPLIT) throw new Error('--postgres runs the graph a process per part: add --processes');
if (SPLIT && option('profile')) throw new Error('--profile records the one-process graph; leave out --processes');
progress(`load average ${loadavg()[0]!.toFixed(1)}; starting the ${SPLIT ? 'graph, a process per part' : 'embedded graph'}`);
const dataDir = await mkdtemp(join(tmpdir(), 'antq-stream-bench-'));
const graph: BenchGraph = SPLIT ? await startSplitGraph({ dataDir, postgres: POSTGRES }, progress) : await inThisProcess(dataDir);
const editor = await graph.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'] });
const reader = await graph.mint({ agency: 'youth', roles: ['analyst'], clearance: 'shared' });
const wsUrl = graph.url.replace(/^http/, 'ws');

/** The embedded graph, in this process: its CPU is this process's. */
async function inThisProcess(dir: string): Promise<BenchGraph> {
  const embedded = await startEmbeddedGraph({ dataDir: dir, port: 0 });
  return {
    url: embedded.gateway.url,
    mint: (claims) => embedded.issuer.mint(claims),
    cpuMicros: async () => {
      const { user, system } = process.cpuUsage();
      return user + system;
    },
    close: () => embedded.close(),
  };
}

/** The subscribers' process, and one request to it at a time. */
function startSubscribers(): {
  ask: <K extends SubscriberReply['kind']>(command: SubscriberCommand, reply: K) => Promise<Extract<SubscriberReply, { kind: K }>>;
  child: ChildProcess;
} {
  // The subscribers run on Node's defaults whatever flags the graph is measured with (NODE_OPTIONS).
  const { NODE_OPTIONS: _flags, ...env } = process.env;
  const child = fork(fileURLToPath(new URL('./stream-subscribers.ts', import.meta.url)), { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('message', (reply: SubscriberReply) => {
    if (reply.kind === 'error') progress(`subscriber error: ${reply.message}`);
  });
  const ask = <K extends SubscriberReply['kind']>(command: SubscriberCommand, kind: K) =>
    new Promise<Extract<SubscriberReply, { kind: K }>>((resolve) => {
      const listen = (reply: SubscriberReply) => {
        if (reply.kind !== kind) return;
        child.off('message', listen);
        resolve(reply as Extract<SubscriberReply, { kind: K }>);
      };
      child.on('message', listen);
      child.send(command);
    });
  return { ask, child };
}
const subscribers = startSubscribers();

async function write(name: string): Promise<string> {
  const response = await fetch(graph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${editor}` },
    body: JSON.stringify({
      query: 'mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }',
      variables: { input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name } },
    }),
  });
  const body = (await response.json()) as { data?: { createPoliceModel: { id: string } }; errors?: unknown[] };
  if (!body.data) throw new Error(`write failed: ${JSON.stringify(body.errors)}`);
  return body.data.createPoliceModel.id;
}

const results: string[] = [];
for (const count of SUBSCRIBERS) {
  progress(`${count} subscribers: connecting`);
  await subscribers.ask({ kind: 'connect', url: wsUrl, token: reader, count }, 'connected');
  // Live when every subscriber has a change written after it connected.
  for (let attempt = 0; ; attempt++) {
    const id = await write(`warm-up ${attempt}`);
    const { received } = await subscribers.ask({ kind: 'await', recordId: id, count, timeoutMs: 1_000 }, 'awaited');
    if (received >= count) break;
    if (attempt > 60) throw new Error(`only ${received} of ${count} subscribers went live`);
  }
  await subscribers.ask({ kind: 'report', ids: [] }, 'report');

  progress(`${count} subscribers: ${WRITES} writes from ${WRITERS} writers`);
  // --profile FILE: a V8 CPU profile of the measured window only (bench/src/profile-summary.ts reads it).
  const profiler = option('profile') ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const written: string[] = [];
  const started = now();
  const cpuBefore = await graph.cpuMicros();
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < WRITES) {
        next++;
        const due = RATE === undefined ? 0 : started + ((next - 1) * 1_000) / RATE - now();
        if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
        const id = await write(`bench ${next}`);
        written.push(id);
      }
    }),
  );
  const writeSeconds = (now() - started) / 1000;
  const expected = written.length * count;
  const deadline = now() + 120_000;
  for (const id of written) await subscribers.ask({ kind: 'await', recordId: id, count, timeoutMs: Math.max(0, deadline - now()) }, 'awaited');
  const cpuMicros = (await graph.cpuMicros()) - cpuBefore;
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    await writeFile(`${option('profile')}-${count}.cpuprofile`, JSON.stringify(profile));
    profiler.disconnect();
  }
  const report = await subscribers.ask({ kind: 'report', ids: written }, 'report');
  const { times } = report;
  const delivered = Object.values(times).reduce((sum, list) => sum + list.length, 0);
  const finished = Object.values(times).reduce((latest, list) => list.reduce((a, b) => Math.max(a, b), latest), started);
  // From the change's commit (its outbox row's time) to each subscriber's receipt: the write's own answer, slow on a busy graph, is not in it.
  const latencies = written.flatMap((id) => (times[id] ?? []).map((time) => time - report.committed[id]!)).sort((a, b) => a - b);
  const seconds = (finished - started) / 1000;
  const line = [
    `${String(count).padStart(5)} subscribers`,
    `${(written.length / writeSeconds).toFixed(0).padStart(5)} writes/s`,
    `${(delivered / seconds).toFixed(0).padStart(7)} events/s delivered`,
    `p50 ${percentile(latencies, 50).toFixed(0).padStart(5)} ms`,
    `p99 ${percentile(latencies, 99).toFixed(0).padStart(5)} ms`,
    `${delivered}/${expected} delivered`,
    `graph CPU ${(cpuMicros / 1000 / delivered).toFixed(3)} ms/event`,
  ].join('  ');
  console.log(line);
  results.push(line);
  await subscribers.ask({ kind: 'close' }, 'closed');
}

subscribers.child.kill();
await graph.close();
await rm(dataDir, { recursive: true, force: true });
console.log(
  `\nchange stream, one gateway, ${SPLIT ? `a process per part (agencies, stream, gateway; ${POSTGRES ? 'PostgreSQL and NATS JetStream' : 'embedded stores'})` : 'embedded mode'}, ${WRITES} writes per round${RATE === undefined ? '' : ` at ${RATE} a second`} (latency: change committed → event received; load average ${loadavg()[0]!.toFixed(1)}; ${youngGeneration()})`,
);
for (const line of results) console.log(line);
