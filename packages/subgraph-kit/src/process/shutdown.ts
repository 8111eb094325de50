/** One thing a process closes on its way out. */
export interface ShutdownStep {
  readonly name: string;
  close(): unknown;
}

export interface GracefulShutdownOptions {
  /** The program's name, in front of what it prints. */
  readonly program: string;
  /** Closed one after another, in this order. */
  readonly steps: readonly ShutdownStep[];
  /** The most the whole shutdown may take before the process exits anyway (default 10 s). */
  readonly timeoutMs?: number;
}

/**
 * On SIGINT or SIGTERM, closes the steps in order and exits: 0 when every step closed, 1 when
 * one failed (the others are still closed) or the shutdown outlasted `timeoutMs`. A second
 * signal while it runs changes nothing. Returns the shutdown itself, for a main's fatal errors.
 */
export function handleShutdownSignals(options: GracefulShutdownOptions): () => Promise<never> {
  let running: Promise<never> | undefined;
  const shutdown = () => (running ??= closeAndExit(options));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown());
  return shutdown;
}

async function closeAndExit(options: GracefulShutdownOptions): Promise<never> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timer = setTimeout(() => {
    console.error(`${options.program}: shutdown took longer than ${timeoutMs} ms; exiting without waiting for the rest.`);
    process.exit(1);
  }, timeoutMs);
  timer.unref();
  let code = 0;
  for (const step of options.steps) {
    try {
      await step.close();
    } catch (error) {
      code = 1;
      console.error(`${options.program}: unclean shutdown: ${step.name} did not close: ${(error as Error).message ?? String(error)}`);
    }
  }
  clearTimeout(timer);
  process.exit(code);
}
