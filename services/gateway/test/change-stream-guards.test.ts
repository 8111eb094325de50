import { describe, expect, it, vi } from 'vitest';
import type { ExecutionResult } from 'graphql';
import { encodeStreamCursor, readStreamCursor, type StreamCursor, type StreamMarks, type StreamPosition } from '@antq/sdk';
import { sharedReads, withoutRepeats } from '../src/change-stream-guards.js';

const event = (agency: 'police' | 'front', seq: number, position: StreamPosition, marks?: StreamMarks): ExecutionResult => ({
  data: { changes: { agency: agency.toUpperCase(), seq, at: encodeStreamCursor(position, marks) } },
});

async function collect(source: ExecutionResult[], from?: StreamPosition, fromMarks: StreamMarks = {}) {
  async function* upstream() {
    yield* source;
  }
  const passed: { agency: string; seq: number; at: StreamPosition; marks: StreamMarks }[] = [];
  const first: StreamCursor | undefined = from && { position: from, marks: fromMarks };
  for await (const result of withoutRepeats(upstream(), { field: 'changes', cursor: 'at' }, first)) {
    const change = (result.data as { changes: { agency: string; seq: number; at: string } }).changes;
    const { position, marks } = readStreamCursor(change.at);
    passed.push({ agency: change.agency, seq: change.seq, at: position, marks });
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

  it('gives each agency of a cursor it mends the mark of the change at its seq', async () => {
    const passed = await collect(
      [
        event('police', 8, { police: 8, front: 3 }, { police: 'p8', front: 'f3' }),
        // Replayed from the first cursor: police behind what was delivered, front ahead.
        event('front', 4, { police: 7, front: 4 }, { police: 'p7', front: 'f4' }),
      ],
      { police: 7, front: 3, youth: 40 },
      { police: 'p7', front: 'f3', youth: 'y40' },
    );
    expect(passed.map(({ at, marks }) => ({ at, marks }))).toEqual([
      { at: { police: 8, front: 3, youth: 40 }, marks: { police: 'p8', front: 'f3', youth: 'y40' } },
      { at: { police: 8, front: 4, youth: 40 }, marks: { police: 'p8', front: 'f4', youth: 'y40' } },
    ]);
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
