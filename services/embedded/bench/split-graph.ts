// The graph of the change stream benchmark's `--processes` mode: each agency subgraph, the change
// stream and the gateway in a process of its own (graph-part.ts), as production runs them.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { AGENCY_CODES } from '@antq/sdk';
import { composeSupergraph, createDevelopmentIssuer } from '@antq/gateway';
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
  const ask = <K extends GraphPartReply['kind']>(command: GraphPartCommand, kind: K) =>
    new Promise<Extract<GraphPartReply, { kind: K }>>((resolve, reject) => {
      const listen = (reply: GraphPartReply) => {
        if (reply.kind !== kind && reply.kind !== 'error') return;
        child.off('message', listen);
        if (reply.kind === 'error') reject(new Error(`a part of the graph failed (${command.kind}): ${reply.message}`));
        else resolve(reply as Extract<GraphPartReply, { kind: K }>);
      };
      child.on('message', listen);
      child.send(command);
    });
  return { ask, child };
}

export async function startSplitGraph(dataDir: string, progress: (line: string) => void): Promise<BenchGraph> {
  const signingKey = randomBytes(32).toString('base64');
  const parts: Part[] = [];
  try {
    progress('starting the four agency subgraphs, each in its own process');
    const agencies = await Promise.all(
      AGENCY_CODES.map(async (agency) => {
        const part = forkPart();
        parts.push(part);
        const { url, sdl } = await part.ask({ kind: 'agency', agency, signingKey, dataDir }, 'started');
        return { name: agency, url, sdl: sdl! };
      }),
    );
    progress('starting the change stream in its own process');
    const streamPart = forkPart();
    parts.push(streamPart);
    const stream = await streamPart.ask({ kind: 'stream', agencies: Object.fromEntries(agencies.map(({ name, url }) => [name, url])), signingKey, dataDir }, 'started');
    const supergraph = composeSupergraph([...agencies, { name: 'stream', url: stream.url, sdl: stream.sdl! }]);
    const issuer = await createDevelopmentIssuer();
    progress('starting the gateway in its own process');
    const gatewayPart = forkPart();
    parts.push(gatewayPart);
    const identity = { publicKeyPem: issuer.publicKeyPem, issuer: issuer.issuer, audience: issuer.audience };
    const gateway = await gatewayPart.ask({ kind: 'gateway', supergraph, signingKey, identity, dataDir }, 'started');
    return {
      url: gateway.url,
      mint: (claims) => issuer.mint(claims),
      async cpuMicros() {
        const used = await Promise.all(parts.map((part) => part.ask({ kind: 'cpu' }, 'cpu')));
        return used.reduce((sum, { micros }) => sum + micros, 0);
      },
      close: () => closeParts(parts),
    };
  } catch (error) {
    await closeParts(parts);
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
