import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeStreamCursor, encodeStreamCursor, readStreamCursor } from '@antq/sdk';
import { postGraphQL } from '@antq/testing';
import { startEmbeddedGraph, type EmbeddedGraph } from '../src/index.js';

/** One change as a subscriber receives it. */
interface StreamEvent {
  cursor: string;
  agency: string;
  seq: number;
  recordKind: string;
  recordId: string;
  change: string;
  area: { code: string } | null;
}

const CHANGES = `subscription ($after: String, $filter: ChangeStreamFilter) {
  changes(after: $after, filter: $filter) { cursor agency seq recordKind recordId change area { code } }
}`;

/** The change stream through the gateway, as partner systems use it. */
describe('the change stream', () => {
  let graph: EmbeddedGraph;
  let dataDir: string;
  const clients: Client[] = [];
  const tokens: Record<string, string> = {};

  const { createPoliceModel, createFrontModel, subscribe, until, whenLive } = streamHelpers({ graph: () => graph, clients, tokens });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'antq-stream-'));
    graph = await startEmbeddedGraph({ dataDir, port: 0 });
    tokens.policeEditor = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' });
    tokens.frontEditor = await graph.issuer.mint({ agency: 'front', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' });
    tokens.frontShared = await graph.issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'shared' });
    tokens.policeRestricted = await graph.issuer.mint({ agency: 'police', roles: ['analyst'], clearance: 'restricted' });
    tokens.youthPublic = await graph.issuer.mint({ agency: 'youth', roles: ['analyst'], clearance: 'public' });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await graph?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('carries every agency’s changes in one stream, each with its record, change, owner and cursor', async () => {
    const subscription = subscribe(tokens.frontShared);
    await whenLive(subscription);
    const policeId = await createPoliceModel();
    const frontId = await createFrontModel();
    await until(() => [policeId, frontId].every((id) => subscription.events.some((event) => event.recordId === id)), 'both changes');
    const police = subscription.events.find((event) => event.recordId === policeId)!;
    expect(police).toMatchObject({ agency: 'POLICE', recordKind: 'security_model', change: 'created', area: { code: '28177' } });
    expect(subscription.events.find((event) => event.recordId === frontId)).toMatchObject({ agency: 'FRONT', recordKind: 'security_model' });
    expect(new Set(subscription.events.map((event) => event.cursor)).size).toBe(subscription.events.length);
    subscription.close();
  });

  it('counts a subscription among the requests, leaving it out of the latency histograms and the subgraph calls', async () => {
    const registry = graph.gateway.metricsRegistry!;
    const subscriptions = async () => Number((await registry.metrics()).match(/^graphql_envelop_request\{[^}]*operationType="subscription"[^}]*\} (\d+)$/m)?.[1] ?? 0);
    const before = await subscriptions();
    const subscription = subscribe(tokens.frontShared);
    await whenLive(subscription);
    const policeId = await createPoliceModel();
    await until(() => subscription.events.some((event) => event.recordId === policeId), 'the change');
    subscription.close(); // counted when it ends
    await vi.waitFor(async () => expect(await subscriptions()).toBe(before + 1), { timeout: 10_000 });
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/^graphql_envelop_request_duration_count\{[^}]*operationType="mutation"/m);
    expect(metrics).not.toMatch(/^graphql_envelop_request_duration_count\{[^}]*operationType="subscription"/m);
    expect(metrics).toMatch(/^graphql_gateway_subgraph_execute_duration_count\{[^}]*subgraphName="police"/m);
    expect(metrics).not.toMatch(/^graphql_gateway_subgraph_execute_duration_count\{[^}]*operationType="subscription"/m);
  });

  it('resumes from a cursor with every change missed, once, in each agency’s order', async () => {
    const first = subscribe(tokens.frontShared);
    await whenLive(first);
    const cursor = first.events.at(-1)!.cursor;
    first.close();

    // Written while nobody listens.
    const missed: string[] = [];
    for (let index = 0; index < 6; index++) missed.push(index % 2 === 0 ? await createPoliceModel() : await createFrontModel());

    const resumed = subscribe(tokens.frontShared, { after: cursor });
    await until(() => missed.every((id) => resumed.events.some((event) => event.recordId === id)), 'the missed changes');
    const ids = resumed.events.map((event) => event.recordId);
    expect(ids.slice(0, missed.length).sort()).toEqual([...missed].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const agency of ['POLICE', 'FRONT']) {
      const seqs = resumed.events.filter((event) => event.agency === agency).map((event) => event.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs.every((seq, index) => index === 0 || seq === seqs[index - 1]! + 1)).toBe(true);
    }
    resumed.close();
  });

  it('filters by area subtree following the 2025 lineage, and by agency and kind', async () => {
    const start = subscribe(tokens.frontShared);
    await whenLive(start);
    const cursor = start.events.at(-1)!.cursor;
    start.close();
    const underOldUnit = await createPoliceModel('28168'); // Long Hậu, now part of Cần Giuộc 28159
    const elsewhere = await createPoliceModel('28177');
    const front = await createFrontModel();
    const filtered = subscribe(tokens.frontShared, { after: cursor, filter: { area: '28159', agencies: ['POLICE'], recordKinds: ['security_model'] } });
    const everything = subscribe(tokens.frontShared, { after: cursor });
    await until(() => [underOldUnit, elsewhere, front].every((id) => everything.events.some((event) => event.recordId === id)), 'the unfiltered stream');
    await until(() => filtered.events.some((event) => event.recordId === underOldUnit), 'the change under Long Hậu');
    expect(filtered.events.map((event) => event.recordId)).not.toContain(elsewhere);
    expect(filtered.events.map((event) => event.recordId)).not.toContain(front);
    filtered.close();
    everything.close();
  });

  itGuardsTheStreamAndServesSSE({ graph: () => graph, clients, tokens });
  itStartsWhereTheSubscriberAsks({ graph: () => graph, clients, tokens });
  itEndsASubscriptionWithItsToken({ graph: () => graph, clients, tokens });
  itAuditsSubscriptions({ graph: () => graph, clients, tokens });
});

/** A subscription that reads an agency's data with each change is in the audit log, as every such query is. */
function itAuditsSubscriptions(ctx: StreamContext): void {
  const { subscribe, whenLive } = streamHelpers(ctx);

  it('records a subscription that reads another agency’s data when it starts, with the caller and the owners', async () => {
    const audit = ctx.graph().audit;
    const seen = (await audit.list({ limit: 100_000 })).length;
    const withPoliceView = subscribe(ctx.tokens.frontShared, {}, 'subscription { changes { cursor recordId area { code police { agency } } } }');
    await whenLive(withPoliceView);
    withPoliceView.close();
    const changesOnly = subscribe(ctx.tokens.frontShared);
    await whenLive(changesOnly);
    changesOnly.close();
    await audit.flush();
    const subscriptions = (await audit.list({ after: 0, limit: 100_000 })).slice(seen).filter((entry) => entry.operationType === 'subscription');
    expect(subscriptions).toEqual([
      expect.objectContaining({ agency: 'front', result: 'ok', fields: expect.arrayContaining(['Subscription.changes', 'Area.police']), owners: ['police'], records: [] }),
    ]);
  });
}

interface StreamContext {
  graph: () => EmbeddedGraph;
  clients: Client[];
  tokens: Record<string, string>;
}

/** The helpers the change-stream tests share; the graph is read when they run, as beforeAll starts it. */
function streamHelpers(ctx: StreamContext) {
  const ask = async <T = Record<string, unknown>>(query: string, token: string, variables?: Record<string, unknown>) => {
    const response = await postGraphQL<T>(ctx.graph().gateway.url, { query, ...(variables ? { variables } : {}) }, { headers: { authorization: `Bearer ${token}` } });
    expect(response.errors).toBeUndefined();
    return response.data!;
  };

  const createPoliceModel = async (areaCode = '28177') =>
    (
      await ask<{ createPoliceModel: { id: string } }>('mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', ctx.tokens.policeEditor!, {
        input: { kind: 'security_camera', status: 'ACTIVE', areaCode, name: `Camera ${randomUUID()}` },
      })
    ).createPoliceModel.id;

  const createFrontModel = async () =>
    (
      await ask<{ createFrontModel: { id: string } }>('mutation ($input: SecurityModelInput!) { createFrontModel(input: $input) { id } }', ctx.tokens.frontEditor!, {
        input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Front camera ${randomUUID()}`, organisation: 'FATHERLAND_FRONT' },
      })
    ).createFrontModel.id;

  const designateComplexArea = async () =>
    (
      await ask<{ designateComplexArea: { id: string } }>(
        'mutation ($input: ComplexAreaDesignationInput!) { designateComplexArea(input: $input) { id } }',
        ctx.tokens.policeEditor!,
        {
          input: { areaCode: '28177', list: 'ANTT', problemTypes: ['other'], year: 2031, note: `test ${randomUUID()}` },
        },
      )
    ).designateComplexArea.id;

  /** A graphql-ws subscription to `changes`, its events as a queue. */
  function subscribe(token: string | undefined, variables: Record<string, unknown> = {}, query = CHANGES) {
    const client = createClient({
      url: ctx.graph().gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
    });
    ctx.clients.push(client);
    const events: StreamEvent[] = [];
    const errors: unknown[] = [];
    const dispose = client.subscribe<{ changes: StreamEvent }>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) errors.push(...result.errors);
          if (result.data) events.push(result.data.changes);
        },
        error: (error) => errors.push(error),
        complete: () => undefined,
      },
    );
    return { events, errors, close: () => (dispose(), client.dispose()) };
  }

  async function until(check: () => boolean, what: string, ms = 15_000) {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Writes until the subscription is live (a subscription without a cursor starts from "now"). */
  async function whenLive(subscription: { events: StreamEvent[] }) {
    const deadline = Date.now() + 15_000;
    let last = '';
    while (subscription.events.length === 0) {
      if (Date.now() > deadline) throw new Error('the subscription never went live');
      // Each write's own round trip paces the next: the loop ends at the first event.
      last = await createPoliceModel();
    }
    // Live from some write on: every write after it comes too, the last one last; wait for it.
    await until(() => subscription.events.some((event) => event.recordId === last), 'the last live write');
  }

  return { ask, createPoliceModel, createFrontModel, designateComplexArea, subscribe, until, whenLive };
}

/** Clearance, refusals and SSE: the stream as those who may not read everything see it. */
function itGuardsTheStreamAndServesSSE(ctx: StreamContext): void {
  const { ask, createPoliceModel, designateComplexArea, subscribe, until, whenLive } = streamHelpers(ctx);
  const { subscribeOverSSE, readUntil } = sseHelpers(ctx);

  it('shows a subscriber only changes it may read: restricted and shared records stay with those cleared', async () => {
    const start = subscribe(ctx.tokens.policeRestricted);
    await whenLive(start);
    const cursor = start.events.at(-1)!.cursor;
    start.close();
    const designation = await designateComplexArea();
    const marker = await createPoliceModel();

    const owner = subscribe(ctx.tokens.policeRestricted, { after: cursor });
    const otherAgency = subscribe(ctx.tokens.frontShared, { after: cursor });
    const publicOnly = subscribe(ctx.tokens.youthPublic, { after: cursor });
    for (const subscription of [owner, otherAgency, publicOnly]) await until(() => subscription.events.some((event) => event.recordId === marker), 'the public marker');
    expect(owner.events.map((event) => event.recordId)).toContain(designation);
    expect(otherAgency.events.map((event) => event.recordId)).not.toContain(designation);
    expect(publicOnly.events.map((event) => event.recordId)).not.toContain(designation);
    for (const subscription of [owner, otherAgency, publicOnly]) subscription.close();
  });

  it('refuses an anonymous subscriber and a malformed cursor with typed errors', async () => {
    const anonymous = subscribe(undefined);
    await until(() => anonymous.errors.length > 0, 'the refusal');
    expect(JSON.stringify(anonymous.errors)).toContain('UNAUTHENTICATED');
    const bad = subscribe(ctx.tokens.frontShared, { after: 'not-a-cursor' });
    await until(() => bad.errors.length > 0, 'the refusal');
    expect(JSON.stringify(bad.errors)).toContain('BAD_USER_INPUT');
  });

  it('tells a subscriber why the stream refused its filter, with the stream’s own code and message', async () => {
    const [unknownChange, unknownArea, longArea] = [{ changes: ['create'] }, { area: '99999' }, { area: '9'.repeat(50_000) }].map((filter) =>
      subscribe(ctx.tokens.frontShared, { filter }),
    );
    await until(() => [unknownChange, unknownArea, longArea].every((refused) => refused!.errors.length > 0), 'the refusals');
    const changeIssue = { code: 'BAD_USER_INPUT', issues: [{ path: 'filter.changes' }] };
    expect(unknownChange!.errors[0]).toMatchObject({ message: expect.stringContaining('unknown change "create"; the changes are created, updated'), extensions: changeIssue });
    expect(unknownArea!.errors[0]).toMatchObject({ message: expect.stringContaining('Unknown area code "99999"'), extensions: { code: 'UNKNOWN_AREA', areaCode: '99999' } });
    expect(longArea!.errors[0]).toMatchObject({ message: expect.stringMatching(/^"9{37}…" is not an area code/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(JSON.stringify(longArea!.errors).length).toBeLessThan(1_000);
    for (const refused of [unknownChange, unknownArea, longArea]) refused!.close();
  });

  it('refuses a cursor past the end of an agency’s changes, or at a change its store no longer holds, which would skip changes, for a subscription and a webhook', async () => {
    // A cursor from another graph, or from before the police's store was restored from a backup.
    const { changesCursor } = await ask<{ changesCursor: string }>('{ changesCursor }', ctx.tokens.frontShared!);
    const now = decodeStreamCursor(changesCursor);
    const past = encodeStreamCursor({ ...now, police: now.police! + 1000 });
    const subscription = subscribe(ctx.tokens.frontShared, { after: past });
    await until(() => subscription.errors.length > 0, 'the refusal');
    expect(subscription.errors[0]).toMatchObject({
      message: expect.stringContaining(`the police's position ${now.police! + 1000} is past its newest change, ${now.police}`),
      extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_PAST_THE_END' },
    });
    subscription.close();
    // A cursor at a change the police's store no longer holds (another mark at that seq): refused alike.
    const { position, marks } = readStreamCursor(changesCursor);
    expect(marks.police).toMatch(/^[0-9a-z]+$/);
    const atAnotherChange = encodeStreamCursor(position, { ...marks, police: 'other' });
    const elsewhere = subscribe(ctx.tokens.frontShared, { after: atAnotherChange });
    await until(() => elsewhere.errors.length > 0, 'the refusal of a cursor at another change');
    expect(elsewhere.errors[0]).toMatchObject({
      message: expect.stringContaining(`the police's change ${now.police} is not the one the cursor was given after`),
      extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_PAST_THE_END' },
    });
    elsewhere.close();
    for (const after of [past, atAnotherChange]) {
      const webhook = await postGraphQL(
        ctx.graph().gateway.url,
        { query: 'mutation ($after: String) { registerWebhook(input: { url: "http://127.0.0.1:9/hook", after: $after }) { id } }', variables: { after } },
        { headers: { authorization: `Bearer ${ctx.tokens.frontShared}` } },
      );
      expect(webhook.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_PAST_THE_END' });
    }
    const registered = await ask<{ webhooks: unknown[] }>('{ webhooks { id } }', ctx.tokens.frontShared!);
    expect(registered.webhooks).toEqual([]);
    // The cursor of this moment is not past the end.
    const fromNow = subscribe(ctx.tokens.frontShared, { after: changesCursor });
    const id = await createPoliceModel();
    await until(() => fromNow.events.some((event) => event.recordId === id), 'the change after the cursor');
    fromNow.close();
  });

  it('serves the same stream over SSE', async () => {
    const abort = new AbortController();
    const start = subscribe(ctx.tokens.frontShared);
    await whenLive(start);
    const cursor = start.events.at(-1)!.cursor;
    start.close();
    const id = await createPoliceModel();
    const response = await subscribeOverSSE({ query: CHANGES, variables: { after: cursor } }, abort.signal);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await readUntil(response, id);
    abort.abort();
    expect(text).toContain(id);
  });
}

/** A subscription lasts as long as the token it was made with. */
function itEndsASubscriptionWithItsToken(ctx: StreamContext): void {
  const { subscribe, until } = streamHelpers(ctx);
  const { subscribeOverSSE } = sseHelpers(ctx);

  it('ends a subscription when its token expires, with UNAUTHENTICATED, over graphql-ws and SSE', async () => {
    const token = await ctx.graph().issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'shared', expiresIn: '5s' });
    const exp = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;
    const overWebSocket = subscribe(token);
    const overSSE = await subscribeOverSSE({ query: CHANGES }, AbortSignal.timeout(60_000), token);
    expect(overSSE.status).toBe(200);
    // The whole event stream, to its end: it ends at exp.
    const sseText = new Response(overSSE.body).text();
    await until(() => overWebSocket.errors.length > 0, 'the expiry over graphql-ws', 30_000);
    expect(Date.now()).toBeGreaterThanOrEqual(exp);
    expect(overWebSocket.errors[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' } });
    const text = await sseText;
    expect(text).toContain('"reason":"TOKEN_EXPIRED"');
    expect(text).toMatch(/event: complete/);
    overWebSocket.close();
  }, 60_000);
}

/** Subscriptions over SSE, as the Fatherland Front's analyst (clearance shared). */
function sseHelpers(ctx: StreamContext) {
  const subscribeOverSSE = (request: { query: string; variables?: Record<string, unknown> }, signal: AbortSignal, token = ctx.tokens.frontShared) =>
    fetch(ctx.graph().gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify(request),
      signal,
    });

  /** What the event stream carried up to the first mention of `marker` (or its end). */
  async function readUntil(response: Response, marker: string): Promise<string> {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(marker)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += chunk.value;
    }
    return text;
  }

  return { subscribeOverSSE, readUntil };
}

/** Where a subscription starts: the cursor of this moment, a variable's default, or when the gateway answers. */
function itStartsWhereTheSubscriberAsks(ctx: StreamContext): void {
  const { ask, createPoliceModel, subscribe, until } = streamHelpers(ctx);
  const { subscribeOverSSE, readUntil } = sseHelpers(ctx);

  it('gives the cursor of this moment: a subscription from it carries every change made after it was read, and none before', async () => {
    const before = await createPoliceModel();
    const { changesCursor } = await ask<{ changesCursor: string }>('{ changesCursor }', ctx.tokens.frontShared!);
    const after = await createPoliceModel();
    const subscription = subscribe(ctx.tokens.frontShared, { after: changesCursor });
    await until(() => subscription.events.some((event) => event.recordId === after), 'the change made after the cursor');
    expect(subscription.events.filter((event) => event.agency === 'POLICE').map((event) => event.recordId)).toEqual([after]);
    expect(subscription.events.map((event) => event.recordId)).not.toContain(before);
    subscription.close();
    const anonymous = await postGraphQL(ctx.graph().gateway.url, { query: '{ changesCursor }' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('resumes from a cursor given as the default of the subscription’s variable', async () => {
    const { changesCursor } = await ask<{ changesCursor: string }>('{ changesCursor }', ctx.tokens.frontShared!);
    const id = await createPoliceModel();
    const stop = new AbortController();
    const response = await subscribeOverSSE({ query: `subscription ($after: String = "${changesCursor}") { changes(after: $after) { recordId } }` }, stop.signal);
    const text = await readUntil(response, id);
    stop.abort();
    expect(text).toContain(id);
  });

  it('starts a subscription without a cursor from the moment the gateway answers, however late the stream hears of it', async () => {
    const hub = ctx.graph().stream.hub;
    const follow = hub.follow.bind(hub);
    const stop = new AbortController();
    // A reader of the hub of its own, following from before the write, shows when the hub holds it.
    const probe = follow(hub.head(), stop.signal)[Symbol.asyncIterator]();
    let written!: (id: string) => void;
    const write = new Promise<string>((resolve) => (written = resolve));
    // The stream hears of the subscriber only once the write is in the hub: its own "now" is past it.
    const spy = vi.spyOn(hub, 'follow').mockImplementationOnce(async function* (after, signal) {
      const id = await write;
      for (let next = await probe.next(); !next.done && next.value.recordId !== id; next = await probe.next());
      yield* follow(after, signal);
    });
    try {
      const response = await subscribeOverSSE({ query: 'subscription { changes { recordId } }' }, stop.signal);
      expect(response.status).toBe(200);
      const id = await createPoliceModel();
      written(id);
      expect(await readUntil(response, id)).toContain(id);
      expect(spy).toHaveBeenCalledOnce();
    } finally {
      spy.mockRestore();
      stop.abort();
    }
  });
}
