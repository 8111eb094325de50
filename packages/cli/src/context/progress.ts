import { SingleBar } from 'cli-progress';

/** Progress of long work on stderr: a bar with the total on a terminal, a line per step otherwise. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function createProgress(options: { label: string; quiet?: boolean | undefined }): Progress {
  if (options.quiet) return { update: () => undefined, stop: () => undefined };
  if (!process.stderr.isTTY) {
    // Not a terminal (a log, a pipe, a test): one line per step, which a reader can follow.
    return { update: (done, total) => void process.stderr.write(`${options.label} ${done}/${total}\n`), stop: () => undefined };
  }
  const bar = new SingleBar({ format: `${options.label} [{bar}] {value}/{total} ({percentage}%) · {eta_formatted} left`, stream: process.stderr, hideCursor: true });
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
