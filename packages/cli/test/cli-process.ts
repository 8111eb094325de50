import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedGraph, type EmbeddedGraph } from '@antq/embedded';

/** The built bin, as `npx antq` runs it (the test task builds the package first). */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface TestGraph {
  readonly graph: EmbeddedGraph;
  readonly dataDir: string;
  /** The environment antq gets: the graph's URL and data folder, no token of the machine's. */
  readonly env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** The graph `npm start` runs, on a free port in a temporary data folder. */
export async function startTestGraph(): Promise<TestGraph> {
  const dataDir = await mkdtemp(join(tmpdir(), 'antq-cli-'));
  const graph = await startEmbeddedGraph({ dataDir, port: 0, host: '127.0.0.1' });
  const env: NodeJS.ProcessEnv = { ...process.env, ANTQ_URL: graph.gateway.url, ANTQ_DATA_DIR: dataDir };
  delete env.ANTQ_TOKEN;
  return {
    graph,
    dataDir,
    env,
    close: async () => {
      await graph.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts antq; `lines` of stdout and stderr arrive as they are written. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv, options: { cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env, cwd: options.cwd ?? process.cwd(), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Longer than any run of a test takes; a run past it is stopped and named, instead of holding its test to the test's own limit. */
const RUN_LIMIT_MS = 100_000;

/** Runs antq to its end. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv, options: { input?: string; cwd?: string } = {}): Promise<CliRun> {
  const child = spawnCli(args, env, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.end(options.input ?? '');
  const limit = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(limit);
  if (signal === 'SIGKILL') {
    throw new Error(`antq ${args.join(' ')} did not end within ${RUN_LIMIT_MS / 1000} s (pid ${child.pid}).\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`);
  }
  return { code, stdout, stderr };
}

/** Resolves when a line of the stream passes `test` (each complete line is tested once). */
export function waitForLine(stream: NodeJS.ReadableStream, test: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer | string) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      const found = lines.find(test);
      if (found !== undefined) {
        stream.off('data', onData);
        resolve(found);
      }
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error('the stream ended before the line came')));
  });
}
