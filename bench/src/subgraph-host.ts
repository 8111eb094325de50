/**
 * Child process: one agency's subgraph, as its service runs it (the agency's factory on the kit,
 * served by mercurius), with the seed example data and the benchmark dataset in its store.
 * Also answers direct SQL on that same store, for the roll-up comparison.
 *
 * With `server: 'apollo'`: the same agency served by `@apollo/server` (apollo-subgraph.ts), for
 * the `apollo-stack` target. Its store is prepared by the agency's own factory (migrations and
 * seed example data, its HTTP server closed right after, as the monolith does), then gets the
 * same bulk dataset — unless `skipDataset` (on PostgreSQL it opens the very databases the
 * mercurius subgraphs loaded).
 *
 * On in-memory PGlite the store is pglite-copy.ts's: `dump` writes it to a file once the dataset
 * is in, and a subgraph started with `fromDump` opens a copy of such a file (the apollo-stack's).
 */
import type { Agency } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { createStorage, type AgencySubgraph, type Storage, type StorageOptions } from '@antq/subgraph-kit';
import { SUBGRAPH_FACTORIES } from './agencies.js';
import type { ApolloSubgraph } from './apollo-subgraph.js';
import { loadBenchDataset, type DatasetPlan, type LoadedCounts } from './dataset.js';
import { progress, serveRequests, type Request } from './ipc.js';
import { openPgliteCopy, type DumpableStorage } from './pglite-copy.js';

let subgraph: AgencySubgraph | ApolloSubgraph | undefined;
let storage: Storage | undefined;
let dumpable: DumpableStorage | undefined;
/** HTTP requests the subgraph has received (to count subgraph calls per operation). */
let requests = 0;

async function start(request: Request) {
  const agency = request.agency as Agency;
  const plan = request.plan as DatasetPlan;
  const registry = await loadAreaRegistry();
  const options = request.storage as StorageOptions;
  if (options.kind === 'pglite' && !options.dataDir) {
    dumpable = await openPgliteCopy(request.fromDump as string | undefined);
    storage = dumpable.storage;
  } else {
    storage = await createStorage(options);
  }
  progress(`${agency}: store open (${storage.kind}); migrations and seed example data`);
  if (request.server === 'apollo') {
    const prepared = await SUBGRAPH_FACTORIES[agency]({ port: 0, signingKey: String(request.signingKey), registry, storage, exampleData: true, logLevel: 'silent' });
    await prepared.close();
    const { startApolloSubgraph } = await import('./apollo-subgraph.js');
    subgraph = await startApolloSubgraph({ agency, storage, registry, signingKey: String(request.signingKey), onRequest: () => (requests += 1) });
  } else {
    subgraph = await startMercurius(agency, request, registry, storage);
  }
  loading = request.skipDataset ? undefined : loadBenchDataset(storage, registry, agency, plan, (line) => progress(line));
  // Answer at once: the gateways start (and compose) while the dataset goes in.
  loading?.catch(() => undefined);
  return { url: subgraph.url };
}

async function startMercurius(agency: Agency, request: Request, registry: Awaited<ReturnType<typeof loadAreaRegistry>>, storage: Storage): Promise<AgencySubgraph> {
  const subgraph = await SUBGRAPH_FACTORIES[agency]({
    port: 0,
    signingKey: String(request.signingKey),
    registry,
    storage,
    exampleData: true,
    logLevel: 'warn',
  });
  subgraph.app.server.on('request', (incoming: import('node:http').IncomingMessage) => {
    requests += 1;
    // BENCH_TRACE_SUBGRAPHS=1: print the start of every request body (debugging only).
    if (process.env.BENCH_TRACE_SUBGRAPHS) {
      let body = '';
      incoming.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      incoming.on('end', () => console.error(`[${agency}] ${body.slice(0, 1500)}`));
    }
  });
  return subgraph;
}

let loading: Promise<LoadedCounts> | undefined;

/** Waits for the dataset to be in the store. */
async function loaded() {
  return loading;
}

/**
 * Runs one statement `repeat` times (`prepared`: kept prepared, see `StatementOptions`); the time
 * of each run in ms (in this process, on this store), and this process's CPU time of each (on
 * PGlite the statement's whole cost, whatever else the machine runs).
 */
async function sql(request: Request) {
  const times: number[] = [];
  const cpuMs: number[] = [];
  let rows: unknown[] = [];
  for (let index = 0; index < Number(request.repeat ?? 1); index++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    rows = await storage!.query(String(request.sql), request.params as unknown[], { prepared: request.prepared === true });
    const used = process.cpuUsage(cpu);
    times.push(performance.now() - started);
    cpuMs.push((used.user + used.system) / 1000);
  }
  return { times, cpuMs, kind: storage!.kind, rows };
}

/** Writes the store (with its dataset) to `file`, for the copies of other processes. */
async function dump(request: Request) {
  if (!dumpable) throw new Error('Only an in-memory PGlite store is dumped.');
  await loading;
  await dumpable.dump(String(request.file));
  return request.file;
}

serveRequests({ start, loaded, sql, dump, requests: () => requests }, async () => {
  await subgraph?.close();
  await storage?.close();
});
