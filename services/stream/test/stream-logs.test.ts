import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createPoliceSubgraph } from '@antq/police';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { createSubgraphLogger } from '@antq/subgraph-kit';
import { describe, expect, it, vi } from 'vitest';
import { createStreamSubgraph } from '../src/index.js';

describe("the stream's log", () => {
  it('says when an agency’s outbox cannot be read, while it retries', async () => {
    const lines: { level: number; msg: string; agency?: string }[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string; agency?: string });
        done();
      },
    });
    const signingKey = randomBytes(32).toString('base64');
    const registry = await loadAreaRegistry();
    const police = await createPoliceSubgraph({ port: 0, signingKey, registry, logLevel: 'silent' });
    const stream = await createStreamSubgraph({
      agencies: { police: police.url },
      signingKey,
      registry,
      port: 0,
      logger: createSubgraphLogger({ name: 'stream', level: 'warn', destination }),
    });
    try {
      // The police's subgraph goes away under the hub's long poll.
      await police.close();
      await vi.waitFor(() => expect(lines).toContainEqual(expect.objectContaining({ level: 40, agency: 'police', msg: "the police's outbox could not be read; retrying" })), {
        timeout: 30_000,
        interval: 100,
      });
    } finally {
      await stream.close();
    }
  }, 60_000);
});
