/**
 * Messages between the benchmark's orchestrator and its child processes (subgraphs, gateways,
 * load generator): request/response over Node's IPC channel, each request with an id.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

export interface Request {
  readonly id: number;
  readonly type: string;
  readonly [key: string]: unknown;
}

/** How a host verifies the run's tokens: the issuer's public key, issuer and audience (sent in a request's `identity`). */
export interface IdentityConfig {
  readonly publicKeyPem: string;
  readonly issuer: string;
  readonly audience: string;
}

export interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

export interface ProgressMessage {
  readonly progress: string;
}

/** The process's CPU time and memory, for a measurement window. */
export interface Usage {
  readonly cpu: NodeJS.CpuUsage;
  readonly rss: number;
  readonly heapUsed: number;
}

export function usage(): Usage {
  const memory = process.memoryUsage();
  return { cpu: process.cpuUsage(), rss: memory.rss, heapUsed: memory.heapUsed };
}

/** In a child: answers requests with the given handlers; `usage` and `exit` are built in. */
export function serveRequests(handlers: Record<string, (request: Request) => unknown>, onExit?: () => Promise<unknown>): void {
  if (!process.send) throw new Error('This script runs as a child of bench/src/run.ts (it needs an IPC channel).');
  let profiler: Session | undefined;
  const all: Record<string, (request: Request) => unknown> = {
    usage: () => usage(),
    // The V8 CPU profiler for a stretch of the run (the same .cpuprofile as node --cpu-prof).
    profileStart: async () => {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.post('Profiler.start');
      return true;
    },
    profileStop: async (request) => {
      if (!profiler) return undefined;
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      profiler = undefined;
      await writeFile(String(request.file), JSON.stringify(profile));
      return request.file;
    },
    exit: async () => {
      await onExit?.();
      setTimeout(() => process.exit(0), 20);
      return true;
    },
    ...handlers,
  };
  process.on('message', (message: Request) => {
    const handler = all[message.type];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown request ${message.type}`);
        return handler(message);
      })
      .then(
        (value) => process.send!({ id: message.id, ok: true, value } satisfies Reply),
        (error: unknown) => process.send!({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply),
      );
  });
  // The orchestrator went away: do not linger.
  process.on('disconnect', () => process.exit(0));
}

export function progress(line: string): void {
  process.send?.({ progress: line } satisfies ProgressMessage);
}

export interface ChildOptions {
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly execArgv?: readonly string[];
  /**
   * Where the host's code comes from. `build` (default): its compiled script, with plain `node`.
   * `typescript`: its source under tsx, the workspace packages still from their builds — for a
   * host that imports the kit's sources by path (apollo-stack's subgraphs). `sources`: the
   * workspace packages from their TypeScript sources too — the monolith, whose kit internals must
   * be the same module instances as the kit's entry (a process spends about 3 s more CPU to start).
   */
  readonly code?: 'build' | 'typescript' | 'sources';
  readonly onProgress?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Whether this module runs compiled (`dist/`, as the npm scripts run the bench): the hosts then
 * start with plain `node`. Under `tsx src/run.ts` they start from their sources too.
 */
const COMPILED = import.meta.url.endsWith('.js');

/** A child process of the benchmark, reached by requests. */
export class Child {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly process: ChildProcess;
  private exited = false;

  /** `host`: the script's name without extension (`gateway-host`), run compiled when the bench is. */
  constructor(
    readonly name: string,
    host: string,
    options: ChildOptions = {},
  ) {
    const code = options.code ?? 'build';
    const compiled = code === 'build' && COMPILED;
    const script = fileURLToPath(new URL(compiled ? `./${host}.js` : `${COMPILED ? '../src/' : './'}${host}.ts`, import.meta.url));
    const loader = compiled ? [] : ['--import', 'tsx', ...(code === 'sources' ? ['--conditions=@antq/source'] : [])];
    this.process = fork(script, [name], {
      execArgv: [...loader, ...(options.execArgv ?? [])],
      // As the README's production commands run every process (graphql-js then skips its
      // development checks; Apollo Server takes its production defaults).
      env: { ...process.env, NODE_ENV: 'production', ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.process.on('message', (message: Reply | ProgressMessage) => {
      if ('progress' in message) {
        options.onProgress?.(message.progress);
        return;
      }
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(new Error(`${this.name}: ${message.error}`));
    });
    this.process.on('exit', (code, signal) => {
      this.exited = true;
      for (const waiting of this.pending.values()) waiting.reject(new Error(`${this.name} exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  call<T>(type: string, payload: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.process.send({ id, type, ...payload } satisfies Request);
    });
  }

  usage(): Promise<Usage> {
    return this.call<Usage>('usage');
  }

  /** Asks the child to close and exit; kills it (by its own pid) if it does not within `ms`. */
  async stop(ms = 10_000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    // Both timers are cleared: a pending one kept the orchestrator alive 10 s after its last line.
    let answerTimer: NodeJS.Timeout | undefined;
    await Promise.race([this.call('exit').catch(() => undefined), new Promise((resolve) => (answerTimer = setTimeout(resolve, ms)))]);
    clearTimeout(answerTimer);
    const killTimer = setTimeout(() => {
      if (!this.exited) this.process.kill('SIGKILL');
    }, ms);
    await exited;
    clearTimeout(killTimer);
  }
}
