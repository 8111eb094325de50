import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionResult } from 'graphql';
import { withoutRepeats } from '../src/change-stream-guards.js';
import { untilTokenExpires } from '../src/plugins/use-token-lifetime.js';

/** An upstream subscription the test feeds by hand; it records whether it was ended. */
function upstream() {
  const waiting: ((result: IteratorResult<ExecutionResult>) => void)[] = [];
  const queued: ExecutionResult[] = [];
  const state = { ended: false };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next: () => {
      const result = queued.shift();
      if (result) return Promise.resolve({ value: result, done: false });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return: () => {
      state.ended = true;
      for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  const push = (seq: number) => {
    const result = { data: { changes: { agency: 'police', seq } } };
    const resolve = waiting.shift();
    if (resolve) resolve({ value: result, done: false });
    else queued.push(result);
  };
  return { iterator, push, state };
}

/** Fake timers from a fixed moment for each test of the describe it is called in. */
function withFakeClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-12-04T10:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

const seqOf = (result: ExecutionResult) => (result.data as { changes: { seq: number } }).changes.seq;

describe('a subscription ends when the token it was made with expires', () => {
  withFakeClock();

  it('passes events until the token’s exp, then one UNAUTHENTICATED error, ends, and ends the upstream', async () => {
    const source = upstream();
    const until = Date.now() + 60_000;
    const stream = untilTokenExpires(source.iterator, until);
    source.push(1);
    source.push(2);
    expect(seqOf((await stream.next()).value as ExecutionResult)).toBe(1);
    expect(seqOf((await stream.next()).value as ExecutionResult)).toBe(2);
    // Nothing comes; the wait in progress is woken at exp.
    const waiting = stream.next();
    await vi.advanceTimersByTimeAsync(60_000);
    const expired = (await waiting).value as ExecutionResult;
    expect(expired.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED', expiredAt: '2026-12-04T10:01:00.000Z' });
    expect((await stream.next()).done).toBe(true);
    expect(source.state.ended).toBe(true);
  });

  it('passes nothing that arrives after exp, even before its timer has run', async () => {
    const source = upstream();
    const until = Date.now() + 1_000;
    const stream = untilTokenExpires(source.iterator, until);
    const waiting = stream.next();
    vi.setSystemTime(until + 1);
    source.push(3);
    expect(((await waiting).value as ExecutionResult).errors?.[0]?.extensions?.reason).toBe('TOKEN_EXPIRED');
    expect((await stream.next()).done).toBe(true);
  });

  it('expires a subscriber that was not waiting when exp came, and holds a token of more than 25 days', async () => {
    const source = upstream();
    const day = 86_400_000;
    const stream = untilTokenExpires(source.iterator, Date.now() + 30 * day);
    source.push(4);
    expect(seqOf((await stream.next()).value as ExecutionResult)).toBe(4);
    // Past Node's longest timer (24.8 days) the deadline is re-armed, not fired early.
    await vi.advanceTimersByTimeAsync(29 * day);
    source.push(5);
    expect(seqOf((await stream.next()).value as ExecutionResult)).toBe(5);
    await vi.advanceTimersByTimeAsync(day);
    expect(((await stream.next()).value as ExecutionResult).errors?.[0]?.extensions?.reason).toBe('TOKEN_EXPIRED');
  });

  it('ends the upstream at once when the subscriber leaves a quiet stream, its wait answered as done', async () => {
    const source = upstream();
    const stream = untilTokenExpires(source.iterator, Date.now() + 60_000);
    const waiting = stream.next();
    await stream.return!();
    expect(source.state.ended).toBe(true);
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ends the upstream when the subscriber leaves first', async () => {
    const source = upstream();
    const stream = untilTokenExpires(source.iterator, Date.now() + 60_000);
    source.push(6);
    await stream.next();
    await stream.return!();
    expect(source.state.ended).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the token’s lifetime under the change stream guard', () => {
  withFakeClock();

  it('under the change stream guard, drops repeats and still ends at exp, as one layer with one timer', async () => {
    const source = upstream();
    const until = Date.now() + 60_000;
    const stream = withoutRepeats(untilTokenExpires(source.iterator, until), { field: 'changes' });
    expect(vi.getTimerCount()).toBe(1);
    for (const seq of [1, 1, 2]) source.push(seq);
    expect(seqOf((await stream.next()).value as ExecutionResult)).toBe(1);
    expect(seqOf((await stream.next()).value as ExecutionResult)).toBe(2);
    const waiting = stream.next();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(((await waiting).value as ExecutionResult).errors?.[0]?.extensions?.reason).toBe('TOKEN_EXPIRED');
    expect((await stream.next()).done).toBe(true);
    expect(source.state.ended).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('over a lifetime already read, stays a layer of its own and keeps both', async () => {
    const source = upstream();
    const lifetime = untilTokenExpires(source.iterator, Date.now() + 60_000);
    source.push(1);
    expect(seqOf((await lifetime.next()).value as ExecutionResult)).toBe(1);
    const stream = withoutRepeats(lifetime, { field: 'changes' });
    for (const seq of [2, 2, 3]) source.push(seq);
    expect(seqOf((await stream.next()).value as ExecutionResult)).toBe(2);
    expect(seqOf((await stream.next()).value as ExecutionResult)).toBe(3);
    await stream.return!();
    expect(source.state.ended).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('over a lifetime that has ended, passes nothing more: the expiry is not given twice', async () => {
    const source = upstream();
    const until = Date.now() + 1_000;
    const lifetime = untilTokenExpires(source.iterator, until);
    const waiting = lifetime.next();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(((await waiting).value as ExecutionResult).errors?.[0]?.extensions?.reason).toBe('TOKEN_EXPIRED');
    const stream = withoutRepeats(lifetime, { field: 'changes' });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});
