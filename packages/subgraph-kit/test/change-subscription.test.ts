import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agency } from '@antq/sdk';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import { countingStorage, openSubscriptionSocket, signSubgraphRequest, type SocketMessage, type TestCaller } from '@antq/testing';
import { createAgencySubgraph, type AgencySubgraph } from '../src/agency-subgraph.js';
import { appendChange, outboxMigrations, type Change } from '../src/outbox/index.js';
import { createChangeSubscriptionResolvers, type ChangeEvent } from '../src/outbox/change-subscription.js';
import { createAreaScopes, type AreaScopes } from '../src/records/area-scope.js';
import { accessGrantMigrations, createAccessGrantStore } from '../src/access/access-grants.js';
import type { AgencyContext } from '../src/records/agency-context.js';
import type { Caller } from '../src/identity/caller.js';
import { createStorage, runMigrations, type Storage } from '../src/storage/index.js';

let registry: AreaRegistry;
let scopes: AreaScopes;

beforeAll(async () => {
  registry = await loadAreaRegistry();
  scopes = createAreaScopes(registry);
});

function caller(agency: Agency, clearance = 'shared'): Caller {
  return { subject: `test-${agency}`, agency, organisation: agency as never, jurisdiction: undefined, roles: ['analyst'], clearance: clearance as never, claims: {} };
}

function change(overrides: Partial<Change> = {}): Change {
  return { agency: 'police', recordKind: 'security_model', recordId: `pm-${randomUUID()}`, change: 'created', areaCode: '28177', payload: {}, ...overrides };
}

async function append(storage: Storage, ...changes: Change[]): Promise<string[]> {
  for (const item of changes) await storage.transaction((tx) => appendChange(tx, item));
  return changes.map((item) => item.recordId);
}

type Subscribe = (source: unknown, args: Record<string, unknown>, ctx: AgencyContext) => Promise<AsyncIterableIterator<ChangeEvent>>;

function subscriber(options: { pollIntervalMs?: number; pageSize?: number } = {}): Subscribe {
  const resolvers = createChangeSubscriptionResolvers({ agency: 'police', pollIntervalMs: 20, ...options });
  return (resolvers.Subscription.policeChanges as { subscribe: Subscribe }).subscribe;
}

function context(storage: Storage, who: Caller | undefined = caller('front')): AgencyContext {
  return { agency: 'police', caller: who, storage, registry, scopes } as unknown as AgencyContext;
}

async function take(iterator: AsyncIterator<ChangeEvent>, count: number, ms = 5_000): Promise<ChangeEvent[]> {
  const events: ChangeEvent[] = [];
  const deadline = Date.now() + ms;
  while (events.length < count) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`got ${events.length} of ${count} events`);
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`got ${events.length} of ${count} events`)), left))),
    ]).finally(() => clearTimeout(timer));
    if (result.done) throw new Error('the stream ended');
    events.push(result.value);
  }
  return events;
}

/** Resolves to `nothing` when the iterator yields nothing within `ms`. */
const NOTHING = Symbol('nothing');
function quiet(iterator: AsyncIterator<ChangeEvent>, ms = 300): Promise<unknown> {
  return Promise.race([iterator.next().then((result) => result.value), new Promise((resolve) => setTimeout(() => resolve(NOTHING), ms))]);
}

describe('the change subscription resolver', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await createStorage({ kind: 'pglite' });
    await runMigrations(storage, [...outboxMigrations, ...accessGrantMigrations]);
  });
  afterAll(async () => storage?.close());

  it('replays every row after afterSeq page by page, in order and exactly once, then follows new rows', async () => {
    const before = await append(storage, ...Array.from({ length: 25 }, () => change()));
    const stream = await subscriber({ pageSize: 7 })(undefined, { afterSeq: 0 }, context(storage));
    try {
      const replayed = await take(stream, 25);
      expect(replayed.map((event) => event.recordId)).toEqual(before);
      expect(replayed.map((event) => event.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect(replayed[0]).toMatchObject({ cursor: 'police:1', agency: 'police', recordKind: 'security_model', change: 'created', area: { code: '28177' } });
      const [live] = await append(storage, change());
      const [next] = await take(stream, 1);
      expect(next).toMatchObject({ recordId: live, seq: 26 });
      expect(await quiet(stream)).toBe(NOTHING);
    } finally {
      await stream.return?.();
    }
  });

  it('sends only changes made after it started when afterSeq is left out', async () => {
    await append(storage, change(), change());
    const stream = await subscriber()(undefined, {}, context(storage));
    try {
      const [fresh] = await append(storage, change());
      expect((await take(stream, 1))[0]!.recordId).toBe(fresh);
    } finally {
      await stream.return?.();
    }
  });

  it('filters by area (subtree and predecessors) and by record kind', async () => {
    const stream = await subscriber()(undefined, { afterSeq: 0, area: '80', recordKinds: ['observation'] }, context(storage));
    try {
      const [, , wanted] = await append(
        storage,
        change({ recordKind: 'observation', areaCode: '01' }),
        change({ recordKind: 'security_model', areaCode: '28177' }),
        change({ recordKind: 'observation', areaCode: '28177' }),
      );
      const [event] = await take(stream, 1);
      expect(event!.recordId).toBe(wanted);
      expect(await quiet(stream)).toBe(NOTHING);
    } finally {
      await stream.return?.();
    }
  });

  it("sends access-grant changes to the owning agency's callers only", async () => {
    const afterSeq = Number((await storage.query<{ last_seq: string | number }>('SELECT last_seq FROM outbox_sequence'))[0]!.last_seq);
    const [grant, model] = await append(storage, change({ recordKind: 'access_grant', areaCode: '' }), change());
    const own = await subscriber()(undefined, { afterSeq }, context(storage, caller('police', 'restricted')));
    const other = await subscriber()(undefined, { afterSeq }, context(storage, caller('front')));
    try {
      expect((await take(own, 2)).map((event) => [event.recordId, event.area])).toEqual([
        [grant, null],
        [model, { code: '28177' }],
      ]);
      expect((await take(other, 1)).map((event) => event.recordId)).toEqual([model]);
      expect(await quiet(other)).toBe(NOTHING);
    } finally {
      await Promise.all([own.return?.(), other.return?.()]);
    }
  });

  itShowsRestrictedChangesOnlyToTheCleared(() => storage);
});

describe('the <agency>Changes subscription of an agency subgraph', () => {
  let subgraph: AgencySubgraph;
  const signingKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    subgraph = await createAgencySubgraph({ agency: 'police' }, { signingKey, registry, logLevel: 'silent' });
    await append(subgraph.storage, change(), change({ recordKind: 'access_grant', areaCode: '' }));
  });
  afterAll(async () => subgraph?.close());

  const query = 'subscription ($after: Int) { policeChanges(afterSeq: $after) { cursor seq agency recordKind recordId area { code } } }';
  const subscribe = async (who: TestCaller | undefined): Promise<SocketMessage> => {
    await using socket = await openSubscriptionSocket(subgraph.url);
    await socket.init();
    const id = randomUUID();
    socket.subscribe(id, { ...signSubgraphRequest({ body: { query, variables: { after: 0 } }, signingKey, audience: 'police', ...(who ? { caller: who } : {}) }) });
    return await socket.next();
  };

  it('streams signed subscriptions with the forwarded caller over the websocket', async () => {
    const message = await subscribe({ agency: 'front', clearance: 'shared' });
    expect(message.type, JSON.stringify(message)).toBe('next');
    expect((message.payload as { data: { policeChanges: unknown } }).data.policeChanges).toMatchObject({
      cursor: 'police:1',
      seq: 1,
      agency: 'POLICE',
      recordKind: 'security_model',
      area: { code: '28177' },
    });
  });

  it('applies the field classification when the subscription starts', async () => {
    const anonymous = await subscribe(undefined);
    expect(anonymous.type).toBe('error');
    expect(JSON.stringify(anonymous.payload)).toContain('UNAUTHENTICATED');
    const publicCaller = await subscribe({ agency: 'front', clearance: 'public' });
    expect(publicCaller.type).toBe('error');
    expect(JSON.stringify(publicCaller.payload)).toContain('FORBIDDEN');
  });
});

// Clearance, bad input and leaving; the storage is read inside each test, as beforeAll opens it.
function itShowsRestrictedChangesOnlyToTheCleared(getStorage: () => Storage): void {
  it('sends restricted changes only to cleared callers of the owner, or of an agency it granted access to', async () => {
    const storage = getStorage();
    const grants = createAccessGrantStore('police');
    const afterSeq = Number((await storage.query<{ last_seq: string | number }>('SELECT last_seq FROM outbox_sequence'))[0]!.last_seq);
    const [designation, marker] = await append(storage, change({ recordKind: 'complex_area_designation', areaCode: '28177' }), change());
    const seen = async (reader: Caller) => {
      const stream = await subscriber()(undefined, { afterSeq }, context(storage, reader));
      try {
        const events = await take(stream, 1);
        while (events.at(-1)!.recordId !== marker) events.push(...(await take(stream, 1)));
        return events.map((event) => event.recordId);
      } finally {
        await stream.return?.();
      }
    };
    expect(await seen(caller('police', 'restricted'))).toEqual([designation, marker]);
    expect(await seen(caller('police', 'shared'))).toEqual([marker]);
    expect(await seen(caller('front', 'restricted'))).toEqual([marker]);
    const grant = await storage.transaction((tx) =>
      grants.create(tx, {
        id: `grant-${randomUUID()}`,
        grantee: 'front',
        areaCode: '80',
        validFrom: new Date(Date.now() - 1_000),
        validUntil: new Date(Date.now() + 60_000),
        grantedBy: 'test',
        note: null,
      }),
    );
    expect(await seen(caller('front', 'restricted'))).toEqual([designation, marker]);
    expect(await seen(caller('front', 'shared'))).toEqual([marker]);
    await storage.transaction((tx) => grants.revoke(tx, grant.id, 'test'));
    expect(await seen(caller('front', 'restricted'))).toEqual([marker]);
  });

  it('refuses a negative afterSeq and an unknown area', async () => {
    const storage = getStorage();
    await expect(subscriber()(undefined, { afterSeq: -1 }, context(storage))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(subscriber()(undefined, { area: 'nowhere' }, context(storage))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('stops polling when the subscriber leaves, also while waiting for rows', async () => {
    const storage = getStorage();
    const counting = countingStorage(storage);
    const stream = await subscriber({ pollIntervalMs: 10 })(undefined, {}, context(counting));
    const pending = stream.next();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(counting.count()).toBeGreaterThan(2);
    await stream.return?.();
    expect(await pending).toMatchObject({ done: true });
    const after = counting.count();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(counting.count()).toBe(after);
  });
}
