// Change stream benchmark: events per second end to end and delivery latency with 100, 1,000 and
// 2,000 concurrent subscribers on one gateway instance (embedded graph, one process).
//   npm run bench:stream                      (100, 1,000, 2,000 subscribers; 200 writes each)
//   npm run bench:stream -- --quick           (100 and 1,000 subscribers; 100 writes)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startEmbeddedGraph } from '../src/index.js';

const quick = process.argv.includes('--quick');
const option = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : process.argv[index + 1];
};
const SUBSCRIBERS = option('subscribers')?.split(',').map(Number) ?? (quick ? [100, 1_000] : [100, 1_000, 2_000]);
const WRITES = Number(option('writes') ?? (quick ? 100 : 200));
const WRITERS = 4;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const progress = (line: string) => process.stderr.write(`… ${line}\n`);

const dataDir = await mkdtemp(join(tmpdir(), 'antq-stream-bench-'));
progress('starting the embedded graph');
const graph = await startEmbeddedGraph({ dataDir, port: 0 });
const editor = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'] });
const reader = await graph.issuer.mint({ agency: 'youth', roles: ['analyst'], clearance: 'shared' });
const wsUrl = graph.gateway.url.replace(/^http/, 'ws');

async function write(name: string): Promise<string> {
  const response = await fetch(graph.gateway.url, {
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
  const received = new Map<string, number[]>(); // recordId -> receive times
  const clients: Client[] = [];
  for (let index = 0; index < count; index++) {
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${reader}` }, retryAttempts: 0 });
    clients.push(client);
    client.subscribe<{ changes: { recordId: string } }>(
      { query: 'subscription { changes { recordId } }' },
      {
        next: (result) => {
          const id = result.data?.changes.recordId;
          if (!id) return;
          const times = received.get(id) ?? [];
          times.push(performance.now());
          received.set(id, times);
        },
        error: (error) => progress(`subscriber error: ${JSON.stringify(error).slice(0, 200)}`),
        complete: () => undefined,
      },
    );
  }
  // Live when every subscriber has a change written after it connected.
  for (let attempt = 0; ; attempt++) {
    const id = await write(`warm-up ${attempt}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    if ((received.get(id)?.length ?? 0) >= count) break;
    if (attempt > 60) throw new Error(`only ${received.get(id)?.length ?? 0} of ${count} subscribers went live`);
  }
  received.clear();

  progress(`${count} subscribers: ${WRITES} writes from ${WRITERS} writers`);
  const committed = new Map<string, number>();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < WRITES) {
        next++;
        const id = await write(`bench ${next}`);
        committed.set(id, performance.now());
      }
    }),
  );
  const writeSeconds = (performance.now() - started) / 1000;
  const expected = committed.size * count;
  const deadline = performance.now() + 120_000;
  const delivered = () => [...committed.keys()].reduce((sum, id) => sum + (received.get(id)?.length ?? 0), 0);
  while (delivered() < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  let finished = 0;
  for (const times of received.values()) for (const time of times) if (time > finished) finished = time;
  const latencies = [...committed].flatMap(([id, at]) => (received.get(id) ?? []).map((time) => time - at)).sort((a, b) => a - b);
  const seconds = (finished - started) / 1000;
  const line = [
    `${String(count).padStart(5)} subscribers`,
    `${(committed.size / writeSeconds).toFixed(0).padStart(5)} writes/s`,
    `${(delivered() / seconds).toFixed(0).padStart(7)} events/s delivered`,
    `p50 ${percentile(latencies, 50).toFixed(0).padStart(5)} ms`,
    `p99 ${percentile(latencies, 99).toFixed(0).padStart(5)} ms`,
    `${delivered()}/${expected} delivered`,
  ].join('  ');
  console.log(line);
  results.push(line);
  await Promise.all(clients.map((client) => client.dispose()));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

await graph.close();
await rm(dataDir, { recursive: true, force: true });
console.log(`\nchange stream, one gateway, embedded mode, ${WRITES} writes per round (latency: write acknowledged → event received)`);
for (const line of results) console.log(line);
