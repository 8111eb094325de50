// The graph of the change stream benchmark's `--processes` mode: each agency subgraph, the change
// stream and the gateway in a process of its own (graph-part.ts), as production runs them; with
// `postgres`, on databases of their own made for the run and dropped after it, the stream's
// changes through NATS JetStream on a stream of its own (deleted after the run).
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'nats';
import { AGENCY_CODES } from '@antq/sdk';
import type { StorageOptions } from '@antq/subgraph-kit';
import { composeSupergraph, createDevelopmentIssuer } from '@antq/gateway';
import { createTestDatabase } from '@antq/testing';
import type { GraphPartCommand, GraphPartReply } from './graph-part.js';

/** What the benchmark needs of a graph, however it runs. */
export interface BenchGraph {
  readonly url: string;
  mint(claims: Parameters<Awaited<ReturnType<typeof createDevelopmentIssuer>>['mint']>[0]): Promise<string>;
  /** CPU time of the graph's processes so far, in microseconds. */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

interface Part {
  ask<K extends GraphPartReply['kind']>(command: GraphPartCommand, kind: K): Promise<Extract<GraphPartReply, { kind: K }>>;
  readonly child: ChildProcess;
}

/** Forks a part; it inherits NODE_OPTIONS (the young generation the run measures), as the production processes take their flags. */
function forkPart(): Part {
  const child = fork(fileURLToPath(new URL('./graph-part.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx', '--conditions=@antq/source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // A part that dies does not answer: its exit ends the wait, so the bench says so instead of hanging.
  const ask = <K extends GraphPartReply['kind']>(command: GraphPartCommand, kind: K) =>
    new Promise<Extract<GraphPartReply, { kind: K }>>((resolve, reject) => {
      const done = () => {
        child.off('message', listen);
        child.off('exit', exited);
      };
      const listen = (reply: GraphPartReply) => {
        if (reply.kind !== kind && reply.kind !== 'error') return;
        done();
        if (reply.kind === 'error') reject(new Error(`a part of the graph failed (${command.kind}): ${reply.message}`));
        else resolve(reply as Extract<GraphPartReply, { kind: K }>);
      };
      const exited = (code: number | null) => {
        done();
        reject(new Error(`a part of the graph (${command.kind}) exited with code ${code} before answering; its output is above`));
      };
      child.on('message', listen);
      child.once('exit', exited);
      child.send(command);
    });
  return { ask, child };
}

/** Where the parts keep their data: PGlite folders, or PostgreSQL databases and NATS JetStream. */
interface Stores {
  storage(part: string): Promise<StorageOptions>;
  readonly nats?: { readonly servers: string; readonly stream: string; readonly subjectPrefix: string };
  drop(): Promise<void>;
}

function embeddedStores(dataDir: string): Stores {
  return { storage: async (part) => ({ kind: 'pglite', dataDir: join(dataDir, part) }), drop: async () => undefined };
}

function productionStores(): Stores {
  const databases: Awaited<ReturnType<typeof createTestDatabase>>[] = [];
  const run = randomBytes(4).toString('hex');
  const nats = { servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', stream: `ANTQ_BENCH_${run}`, subjectPrefix: `antq.bench.${run}` };
  return {
    async storage() {
      const database = await createTestDatabase();
      databases.push(database);
      return { kind: 'postgres', url: database.url };
    },
    nats,
    async drop() {
      await Promise.all(databases.map((database) => database.drop()));
      const nc = await connect({ servers: nats.servers });
      await (await nc.jetstreamManager()).streams.delete(nats.stream).catch(() => undefined);
      await nc.close();
    },
  };
}

export async function startSplitGraph(options: { dataDir: string; postgres: boolean }, progress: (line: string) => void): Promise<BenchGraph> {
  const signingKey = randomBytes(32).toString('base64');
  const stores = options.postgres ? productionStores() : embeddedStores(options.dataDir);
  const parts: Part[] = [];
  const close = async () => {
    await closeParts(parts);
    await stores.drop();
  };
  try {
    progress(`starting the four agency subgraphs, each in its own process (${options.postgres ? 'PostgreSQL' : 'PGlite'})`);
    const agencies = await Promise.all(
      AGENCY_CODES.map(async (agency) => {
        const part = forkPart();
        parts.push(part);
        const { url, sdl } = await part.ask({ kind: 'agency', agency, signingKey, storage: await stores.storage(agency) }, 'started');
        return { name: agency, url, sdl: sdl! };
      }),
    );
    progress(`starting the change stream in its own process${stores.nats ? ' (changes through NATS JetStream)' : ''}`);
    const streamPart = forkPart();
    parts.push(streamPart);
    const agencyUrls = Object.fromEntries(agencies.map(({ name, url }) => [name, url]));
    const stream = await streamPart.ask(
      { kind: 'stream', agencies: agencyUrls, signingKey, storage: await stores.storage('stream'), ...(stores.nats ? { nats: stores.nats } : {}) },
      'started',
    );
    const supergraph = composeSupergraph([...agencies, { name: 'stream', url: stream.url, sdl: stream.sdl! }]);
    const issuer = await createDevelopmentIssuer();
    progress('starting the gateway in its own process');
    const gatewayPart = forkPart();
    parts.push(gatewayPart);
    const identity = { publicKeyPem: issuer.publicKeyPem, issuer: issuer.issuer, audience: issuer.audience };
    const gateway = await gatewayPart.ask({ kind: 'gateway', supergraph, signingKey, identity, audit: await stores.storage('audit'), dataDir: options.dataDir }, 'started');
    return {
      url: gateway.url,
      mint: (claims) => issuer.mint(claims),
      async cpuMicros() {
        const used = await Promise.all(parts.map((part) => part.ask({ kind: 'cpu' }, 'cpu')));
        return used.reduce((sum, { micros }) => sum + micros, 0);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The gateway first, then the stream, then the agencies: the order the embedded graph closes in. */
async function closeParts(parts: readonly Part[]): Promise<void> {
  for (const part of [...parts].reverse()) {
    if (part.child.exitCode !== null || !part.child.connected) continue;
    await part.ask({ kind: 'close' }, 'closed').catch(() => part.child.kill());
  }
}
