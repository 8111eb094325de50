import type { Agency, StreamPosition } from '@antq/sdk';
import type { StreamChange } from '@antq/subgraph-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCursorPastTheEnd, OutboxRewoundError, startChangeHub, type ChangeHub, type ChangeHubOptions, type OutboxRewind } from '../src/change-hub.js';
import { changeMark } from '../src/change-mark.js';
import { memoryFeed } from './memory-feed.js';

/** The hub's own order and completeness, on outboxes in memory (the agencies' real outboxes are in fan-out.test.ts). */
describe('the change hub', () => {
  const stops: AbortController[] = [];
  let hub: ChangeHub | undefined;

  afterEach(async () => {
    for (const stop of stops.splice(0)) stop.abort();
    await hub?.close();
  });

  /** The first `count` changes after `after`, as a subscriber reads them. */
  async function take(after: StreamPosition, count: number): Promise<string[]> {
    const stop = new AbortController();
    stops.push(stop);
    const taken: string[] = [];
    for await (const change of hub!.follow(after, stop.signal)) {
      taken.push(`${change.agency}:${change.seq}`);
      // As the stream does when a subscriber leaves: a quiet agency's read ends on the signal.
      if (taken.length === count) {
        stop.abort();
        break;
      }
    }
    return taken;
  }

  const seqs = (agency: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `${agency}:${from + index}`);

  it('hands out every change after a position in order: from the outbox behind its window, then from the window', async () => {
    const police = memoryFeed('police');
    hub = await startChangeHub({ feeds: [police.feed], window: 5, waitMs: 50 });
    const changes: StreamChange[] = [];
    for (let index = 0; index < 12; index++) changes.push(police.append());
    // Once a subscriber from the start has all twelve, the hub holds 8–12 and 1–7 are only in the outbox.
    expect(await take({ police: 0 }, 12)).toEqual(seqs('police', 1, 12));
    expect(await take({ police: 2 }, 10)).toEqual(seqs('police', 3, 12));
    expect(await take({ police: 9 }, 3)).toEqual(seqs('police', 10, 12));
    const live = take({ police: 10 }, 4);
    for (let index = 0; index < 2; index++) police.append();
    expect(await live).toEqual(seqs('police', 11, 14));
    expect(hub.head()).toEqual({ police: 14 });
  });

  it('interleaves the agencies as their changes come, each in its own order, while one of them stays quiet', async () => {
    const police = memoryFeed('police');
    const front = memoryFeed('front');
    hub = await startChangeHub({ feeds: [police.feed, front.feed], waitMs: 50 });
    const following = take(hub.head(), 301);
    for (let index = 0; index < 300; index++) police.append();
    const first = await take({ police: 0 }, 300);
    expect(first).toEqual(seqs('police', 1, 300));
    front.append();
    const all = await following;
    expect(all.filter((change) => change.startsWith('police'))).toEqual(seqs('police', 1, 300));
    expect(all.at(-1)).toBe('front:1');
  });

  const underTest: HubUnderTest = { start: async (options) => (hub = await startChangeHub(options)), take };
  itComparesPositionsWithTheOutboxes(underTest);
  itRepairsAnOutboxThatWentBack(underTest);
});

/** What a reader from `after` gets until the hub stops it with an error (the test's limit otherwise). */
async function readUntilError(hub: ChangeHub, after: StreamPosition): Promise<{ received: string[]; error: unknown }> {
  const received: string[] = [];
  try {
    for await (const change of hub.follow(after, AbortSignal.timeout(10_000))) received.push(`${change.agency}:${change.seq}`);
  } catch (error) {
    return { received, error };
  }
  return { received, error: undefined };
}

/** The first `count` changes after `after`, whole. */
async function takeChanges(hub: ChangeHub, after: StreamPosition, count: number, takes?: ReadonlySet<Agency>): Promise<StreamChange[]> {
  const taken: StreamChange[] = [];
  const stop = new AbortController();
  for await (const change of hub.follow(after, stop.signal, takes)) {
    taken.push(change);
    if (taken.length === count) break;
  }
  stop.abort();
  return taken;
}

/** A hub the tests start (and the suite closes), and a reader taking changes from it. */
interface HubUnderTest {
  start: (options: ChangeHubOptions) => Promise<ChangeHub>;
  take: (after: StreamPosition, count: number) => Promise<string[]>;
}

/** "Now", a position past an outbox's end, an outbox that went back: the hub's head against the outboxes'. */
function itComparesPositionsWithTheOutboxes({ start, take }: HubUnderTest): void {
  it('gives "now" as each agency’s outbox head, and the hub’s own head for an agency that does not answer', async () => {
    const police = memoryFeed('police');
    const front = memoryFeed('front');
    const hub = await start({ feeds: [police.feed, front.feed], waitMs: 50 });
    for (let index = 0; index < 3; index++) police.append();
    for (let index = 0; index < 2; index++) front.append();
    await take({ police: 0, front: 0 }, 5);
    front.setDown(true);
    front.append();
    police.append();
    // With the marks of the changes there: the newest police change read from its outbox, the front's from the hub.
    expect(await hub.now()).toEqual({ position: { police: 4, front: 2 }, marks: { police: changeMark(police.at(4)), front: changeMark(front.at(2)) } });
  });

  it('tells where a position is past the end of an agency’s outbox, judging only the agencies that answer', async () => {
    const police = memoryFeed('police');
    const front = memoryFeed('front');
    const hub = await start({ feeds: [police.feed, front.feed], waitMs: 50 });
    for (let index = 0; index < 3; index++) police.append();
    await take({ police: 0 }, 3);
    const unmarked = (position: StreamPosition) => hub.unfollowable({ position, marks: {} });
    expect(await unmarked({ police: 3, front: 0 })).toEqual([]);
    expect(await unmarked({ police: 1003, front: 7 })).toEqual([
      { agency: 'police', cursor: 1003, head: 3, reason: 'past-the-end' },
      { agency: 'front', cursor: 7, head: 0, reason: 'past-the-end' },
    ]);
    // Up to the outbox's newest change is not past the end, whether the hub has heard of it yet or not.
    front.setDown(true);
    police.append();
    expect(await unmarked({ police: 4, front: 7 })).toEqual([]);
  });

  it('tells a cursor whose mark names a change the outbox no longer holds at its seq (a restore, then writes past it)', async () => {
    const police = memoryFeed('police');
    const hub = await start({ feeds: [police.feed], waitMs: 50 });
    for (let index = 0; index < 3; index++) police.append();
    await take({ police: 0 }, 3);
    const before = { position: { police: 3 }, marks: { police: changeMark(police.at(3)) } };
    expect(await hub.unfollowable(before)).toEqual([]);
    // A seq at or below the outbox's head: only the mark tells this cursor from one taken after the restore.
    police.restore(1);
    for (let index = 0; index < 3; index++) police.append();
    const after = { position: { police: 3 }, marks: { police: changeMark(police.at(3)) } };
    expect(after.marks.police).not.toBe(before.marks.police);
    // A mark other than the hub's copy is judged against the outbox: the hub may not have found the restore yet.
    expect(await hub.unfollowable(after)).toEqual([]);
    // A mark that matches a copy the restore undid is refused once the hub finds it (a reader let in before is stopped then).
    await vi.waitFor(() => expect(hub.markAt('police', 3)).toBe(after.marks.police), { timeout: 5_000 });
    expect(await hub.unfollowable(before)).toEqual([{ agency: 'police', cursor: 3, head: 4, reason: 'changed' }]);
    expect(await hub.unfollowable(after)).toEqual([]);
  });
}

/** An outbox that went back (a store restored from a backup): what the hub keeps, whom it stops, what it carries on. */
function itRepairsAnOutboxThatWentBack({ start, take }: HubUnderTest): void {
  it('follows an outbox that went back (a store restored from a backup) from what it kept, and stops the readers past it', async () => {
    const police = memoryFeed('police');
    const reported: unknown[] = [];
    const rewinds: OutboxRewind[] = [];
    const hub = await start({ feeds: [police.feed], waitMs: 50, onError: (_, error) => reported.push(error), onRewound: async (rewind) => void rewinds.push(rewind) });
    for (let index = 0; index < 5; index++) police.append();
    await take({ police: 0 }, 5);
    const pastTheCut = readUntilError(hub, { police: 5 });
    // A reader taking only the front's changes has received none of the police's undone ones.
    const notTakingPolice = takeChanges(hub, { police: 5 }, 3, new Set(['front']));
    police.restore(2);
    const redone = [police.append(), police.append(), police.append()];
    // Found when the reader next compares what it carried with the outbox (within a second).
    await vi.waitFor(() => expect(rewinds).toEqual([{ agency: 'police', kept: 2, carried: 5 }]), { timeout: 5_000 });
    expect(reported).toEqual([expect.any(OutboxRewoundError)]);
    expect(reported[0]).toMatchObject({ agency: 'police', kept: 2, carried: 5, message: expect.stringContaining('restored from a backup') });
    const stopped = await pastTheCut;
    expect(stopped.received).toEqual([]);
    expect(isCursorPastTheEnd(stopped.error)).toBe(true);
    expect(stopped.error).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining("The police's changes after 2 were undone"),
      details: { reason: 'CURSOR_PAST_THE_END', pastTheEnd: [{ agency: 'police', cursor: 5, head: 2 }] },
    });
    // A reader at the cut gets the changes numbered again, these and not the ones they replace.
    expect(await takeChanges(hub, { police: 2 }, 3)).toEqual(redone);
    expect(await notTakingPolice).toEqual(redone);
    expect(hub.head()).toEqual({ police: 5 });
  });

  it('finds a restored outbox written past what it carried, the agency away meanwhile', async () => {
    const police = memoryFeed('police');
    const reported: unknown[] = [];
    const hub = await start({ feeds: [police.feed], waitMs: 50, onError: (_, error) => reported.push(error) });
    for (let index = 0; index < 5; index++) police.append();
    await take({ police: 0 }, 5);
    const pastTheCut = readUntilError(hub, { police: 5 });
    // The agency goes away, comes back on a backup holding 3 changes, and takes 4 writes before the hub reads again.
    police.setDown(true);
    await vi.waitFor(() => expect(reported).toHaveLength(1));
    police.restore(3);
    const redone = [police.append(), police.append(), police.append(), police.append()];
    police.setDown(false);
    // Changes 6 and 7 of the restored store may reach it before the check finds the restore: it is told all the same.
    const stopped = await pastTheCut;
    expect(stopped.received.every((seq) => seq === 'police:6' || seq === 'police:7')).toBe(true);
    expect(stopped.error).toMatchObject({ details: { pastTheEnd: [{ agency: 'police', head: 3 }] } });
    expect(reported[1]).toMatchObject({ agency: 'police', kept: 3, carried: 5 });
    expect(await takeChanges(hub, { police: 3 }, 4)).toEqual(redone);
  });

  it('finds a restore of changes it never carried, written past where it started', async () => {
    const police = memoryFeed('police');
    for (let index = 0; index < 3; index++) police.append();
    const hub = await start({ feeds: [police.feed], waitMs: 50 });
    const fromTheStart = readUntilError(hub, { police: 3 });
    police.restore(2);
    const redone = [police.append(), police.append()];
    const stopped = await fromTheStart;
    expect(stopped.error).toMatchObject({ details: { pastTheEnd: [{ agency: 'police', head: 2 }] } });
    expect(await takeChanges(hub, { police: 2 }, 2)).toEqual(redone);
  });

  it('finds a restore made after a check and written past where the check stood before the next', async () => {
    const police = memoryFeed('police');
    const hub = await start({ feeds: [police.feed], waitMs: 50 });
    const before = police.pagesReadAtOnce();
    for (let index = 0; index < 3; index++) police.append();
    await take({ police: 0 }, 3);
    // The reader checks the changes it carried against the outbox (within a second).
    await vi.waitFor(() => expect(police.pagesReadAtOnce()).toBeGreaterThan(before), { timeout: 5_000 });
    const pastTheCut = readUntilError(hub, { police: 3 });
    police.restore(2);
    police.append();
    police.append();
    const stopped = await pastTheCut;
    expect(stopped.error).toMatchObject({ details: { pastTheEnd: [{ agency: 'police', head: 2 }] } });
  });
}
