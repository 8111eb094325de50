import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult } from 'graphql';
import { decodeStreamCursor, encodeStreamCursor, type StreamPosition } from '@antq/sdk';
import { sharedReads, withoutRepeats } from '../src/change-stream-guards.js';

const event = (agency: 'police' | 'front', seq: number, position: StreamPosition): ExecutionResult => ({
  data: { changes: { agency: agency.toUpperCase(), seq, at: encodeStreamCursor(position) } },
});

async function collect(source: ExecutionResult[], from?: StreamPosition) {
  async function* upstream() {
    yield* source;
  }
  const passed: { agency: string; seq: number; at: StreamPosition }[] = [];
  for await (const result of withoutRepeats(upstream(), { field: 'changes', cursor: 'at' }, from)) {
    const change = (result.data as { changes: { agency: string; seq: number; at: string } }).changes;
    passed.push({ agency: change.agency, seq: change.seq, at: decodeStreamCursor(change.at) });
  }
  return passed;
}

describe('the change stream guard at the gateway', () => {
  it('passes each change once, and its cursors never go back, across an upstream that replays', async () => {
    const passed = await collect(
      [
        // The first upstream subscription, from { police: 10, front: 3 }.
        event('police', 11, { police: 11, front: 3 }),
        event('police', 12, { police: 12, front: 3 }),
        event('front', 4, { police: 12, front: 4 }),
        // The stream restarted: the gateway subscribes again from the client's first cursor. It
        // replays police 11–12 and front 4, and passes front 5 while its police is still at 11.
        event('police', 11, { police: 11, front: 3 }),
        event('front', 4, { police: 11, front: 4 }),
        event('front', 5, { police: 11, front: 5 }),
        event('police', 12, { police: 12, front: 5 }),
        event('police', 13, { police: 13, front: 5 }),
      ],
      { police: 10, front: 3 },
    );
    expect(passed.map((change) => `${change.agency}:${change.seq}`)).toEqual(['POLICE:11', 'POLICE:12', 'FRONT:4', 'FRONT:5', 'POLICE:13']);
    // Resuming from front 5's cursor must not bring police 12 again.
    expect(passed[3]!.at).toEqual({ police: 12, front: 5 });
    for (let index = 1; index < passed.length; index += 1) {
      for (const agency of ['police', 'front'] as const) expect(passed[index]!.at[agency]!).toBeGreaterThanOrEqual(passed[index - 1]!.at[agency]!);
    }
  });

  it('keeps the agencies of the first cursor that no event has moved yet', async () => {
    const passed = await collect([event('police', 8, { police: 8 })], { police: 7, youth: 40 });
    expect(passed[0]!.at).toEqual({ police: 8, youth: 40 });
  });

  it('ends the upstream at once when the subscriber leaves a quiet stream', async () => {
    let ended = false;
    // An upstream with nothing to say until it is ended.
    const quiet: AsyncIterableIterator<ExecutionResult> = {
      next: () => new Promise<IteratorResult<ExecutionResult>>(() => undefined),
      return: () => {
        ended = true;
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => quiet,
    };
    const stream = withoutRepeats(quiet, { field: 'changes', cursor: 'at' });
    const waiting = stream.next();
    await stream.return!();
    expect(ended).toBe(true);
    expect(await waiting).toEqual({ value: undefined, done: true });
  });

  it('shares the reads of "now" among the subscribers that come while one is out, each read starting after its callers came', async () => {
    const finish: (() => void)[] = [];
    const read = vi.fn(() => new Promise<number>((resolve) => finish.push(() => resolve(finish.length))));
    const now = sharedReads(read);
    const first = now();
    const second = now();
    const third = now();
    expect(read).toHaveBeenCalledTimes(1);
    finish[0]!();
    expect(await first).toBe(1);
    await vi.waitFor(() => expect(read).toHaveBeenCalledTimes(2));
    // Came while the second read was out: it may predate this caller, so the caller waits for a third.
    const fourth = now();
    finish[1]!();
    expect([await second, await third]).toEqual([2, 2]);
    await vi.waitFor(() => expect(read).toHaveBeenCalledTimes(3));
    finish[2]!();
    expect(await fourth).toBe(3);
  });
});
