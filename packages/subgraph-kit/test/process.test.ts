import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envFlag, envPort, envRequired, readConfig, retryUntilDone } from '../src/index.js';

describe('retryUntilDone', () => {
  it('retries every failure, TypeErrors included, until the attempt succeeds', async () => {
    const failures: number[] = [];
    const answer = `done-${Math.random()}`;
    const result = await retryUntilDone(
      async (number) => {
        if (number === 1) throw new TypeError('a bug-shaped failure');
        if (number < 4) throw new Error(`failure ${number}`);
        return answer;
      },
      { minDelayMs: 1, maxDelayMs: 2, onFailure: (_error, failure) => void failures.push(failure) },
    );
    expect(result).toBe(answer);
    expect(failures).toEqual([1, 2, 3]);
  });

  it('rejects with the failure retryIf refuses, and with the reason when the signal aborts', async () => {
    class Fatal extends Error {}
    await expect(retryUntilDone(() => Promise.reject(new Fatal('stop')), { minDelayMs: 1, maxDelayMs: 1, retryIf: (error) => !(error instanceof Fatal) })).rejects.toBeInstanceOf(
      Fatal,
    );
    const controller = new AbortController();
    const reason = new Error('closing');
    const running = retryUntilDone(
      async () => {
        throw new Error('never succeeds');
      },
      { minDelayMs: 60_000, maxDelayMs: 60_000, signal: controller.signal, onFailure: () => controller.abort(reason) },
    );
    await expect(running).rejects.toBe(reason);
  });
});

describe('readConfig', () => {
  const schema = z.object({ PORT: envPort(4001), CACHE: envFlag(true), DEBUG: envFlag(false), KEY: envRequired('is not set: set it to the shared secret.') });

  it('reads the environment with its defaults', () => {
    expect(readConfig(schema, { KEY: 'k', CACHE: 'false' })).toEqual({ PORT: 4001, CACHE: false, DEBUG: false, KEY: 'k' });
  });

  it('names every variable that is wrong at once', () => {
    let error: unknown;
    try {
      readConfig(schema, { PORT: 'eighty' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(['PORT: "eighty" is not a port number (0 to 65535).', 'KEY: is not set: set it to the shared secret.']);
  });
});
