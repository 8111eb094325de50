/**
 * Child process: the load generator. Runs autocannon against a URL for a window and returns
 * the count of responses, the errors (HTTP and GraphQL) and every response time (so rounds
 * can be merged).
 */
import autocannon from 'autocannon';
import { runDayWindow, type DayWindow } from './day-load.js';
import { serveRequests, type Request } from './ipc.js';

export interface LoadWindow {
  readonly url: string;
  readonly body: string;
  /**
   * One bearer token per caller: requests cycle through them, each connection starting at a
   * different caller, so identical requests of one caller are not in flight together (Hive's
   * HTTP executor would share one subgraph call between them — a win only identical load gets).
   */
  readonly tokens: readonly string[];
  readonly connections: number;
  readonly seconds: number;
  /** Keep the response times (the measured window) or only count (the warm-up). */
  readonly record: boolean;
}

export interface LoadResult {
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** 200 responses whose body carries GraphQL errors (a refused or failed operation). */
  readonly graphqlErrors: number;
  readonly elapsedMs: number;
  readonly latencies: number[];
}

function run(request: Request): Promise<LoadResult> {
  const window = request.window as LoadWindow;
  const latencies: number[] = [];
  let graphqlErrors = 0;
  let clients = 0;
  const onResponse = (status: number, body: string) => {
    if (status === 200 && body.includes('"errors"')) graphqlErrors += 1;
  };
  const requests = window.tokens.map((token) => ({
    method: 'POST',
    body: window.body,
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    onResponse,
  }));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: window.url,
        method: 'POST',
        body: window.body,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        connections: window.connections,
        pipelining: 1,
        duration: window.seconds,
        // autocannon checks for the end of the window once per sample: at its default (1 s) a
        // 0.4 s warm-up ran a whole second and a 1.6 s window two.
        sampleInt: 100,
        timeout: 30,
        requests,
        setupClient: (client: { setRequests: (requests: unknown[]) => void }) => {
          const offset = (clients++ * Math.max(1, Math.floor(requests.length / window.connections))) % requests.length;
          client.setRequests([...requests.slice(offset), ...requests.slice(0, offset)]);
        },
      },
      (error: Error | null, result: autocannon.Result) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          graphqlErrors,
          elapsedMs: performance.now() - started,
          latencies: window.record ? latencies : [],
        });
      },
    );
    if (window.record) {
      instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
        latencies.push(responseTime);
      });
    }
  });
}

serveRequests({ run, day: (request) => runDayWindow(request.window as DayWindow) });
