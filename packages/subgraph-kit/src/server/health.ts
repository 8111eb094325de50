import type { FastifyInstance } from 'fastify';

export interface HealthOptions {
  readonly agency: string;
  /** Readiness check (e.g. a database ping): throw or return false when not ready. */
  readonly ready?: (() => unknown) | undefined;
  readonly readinessTimeoutMs: number;
  /** Whether the server is closing: then it is not ready, whatever `ready` says. */
  readonly closing: () => boolean;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`readiness check took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** `GET /health` (the process answers) and `GET /readiness` (it can serve: `ready` passes in time, not closing). */
export function registerHealthRoutes(server: FastifyInstance, options: HealthOptions): void {
  const { agency } = options;
  server.get('/health', async () => ({ status: 'ok', agency }));
  server.get('/readiness', async (request, reply) => {
    if (options.closing()) return reply.code(503).send({ status: 'closing', agency });
    try {
      const result = await withTimeout(
        Promise.resolve().then(() => options.ready?.()),
        options.readinessTimeoutMs,
      );
      if (result === false) return reply.code(503).send({ status: 'not ready', agency });
    } catch (error) {
      request.log.warn({ err: error }, 'Readiness check failed');
      return reply.code(503).send({ status: 'not ready', agency });
    }
    return { status: 'ready', agency };
  });
}
