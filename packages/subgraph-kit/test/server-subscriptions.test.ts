import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openSubscriptionSocket, signSubgraphRequest, type SocketMessage, type SubscriptionSocket, type TestCaller } from '@antq/testing';
import { createSubgraphLogger } from '../src/server/subgraph-logger.js';
import { randomKey, startTinySubgraph, TICK_TOPIC } from './fixtures/tiny-subgraph.js';

type TinySubgraph = Awaited<ReturnType<typeof startTinySubgraph>>;

function signedPayload(subgraph: TinySubgraph, body: { query: string; variables?: Record<string, unknown>; operationName?: string }, caller?: TestCaller): Record<string, unknown> {
  return { ...signSubgraphRequest({ body, signingKey: subgraph.signingKey, audience: 'police', ...(caller ? { caller } : {}) }) };
}

/** Publishes ticks until the subscription `id` yields one (the subscription may still be starting). */
async function nextTick(subgraph: TinySubgraph, socket: SubscriptionSocket, id: string): Promise<SocketMessage> {
  const label = randomUUID();
  const timer = setInterval(() => {
    void subgraph.app.graphql.pubsub.publish({ topic: TICK_TOPIC, payload: { label } });
  }, 20);
  try {
    const message = await socket.next();
    expect(message).toMatchObject({ id });
    return message;
  } finally {
    clearInterval(timer);
  }
}

async function expectRefused(socket: SubscriptionSocket, id: string, code: string): Promise<SocketMessage> {
  const message = await socket.next();
  expect(message.type).toBe('error');
  expect(message.id).toBe(id);
  const errors = message.payload as Array<{ message: string; extensions?: { code?: string } }>;
  expect(errors[0]?.extensions?.code, JSON.stringify(message)).toBe(code);
  return message;
}

describe('subscriptions over the websocket', () => {
  it('runs a signed, valid subscription with the verified caller in its context', async () => {
    await using subgraph = await startTinySubgraph({ subscription: true });
    await using socket = await openSubscriptionSocket(subgraph.url);
    await socket.init();
    const id = randomUUID();
    const prefix = `p-${randomUUID().slice(0, 6)}-`;
    const subject = `officer-${randomUUID()}`;
    socket.subscribe(
      id,
      signedPayload(subgraph, { query: 'subscription($p: String!) { ticked(prefix: $p) { label subject } }', variables: { p: prefix } }, { sub: subject, agency: 'police' }),
    );
    const message = await nextTick(subgraph, socket, id);
    expect(message.type).toBe('next');
    const tick = (message.payload as { data: { ticked: { label: string; subject: string } } }).data.ticked;
    expect(tick.label.startsWith(prefix)).toBe(true);
    expect(tick.subject).toBe(subject);
  });

  it('refuses a subscription document that does not validate against the schema, and keeps the connection', async () => {
    await using subgraph = await startTinySubgraph({ subscription: true });
    await using socket = await openSubscriptionSocket(subgraph.url);
    await socket.init();
    const field = `nope${randomUUID().slice(0, 6)}`;
    const bad = randomUUID();
    socket.subscribe(bad, signedPayload(subgraph, { query: `subscription { ticked(prefix: "x") { ${field} } }` }));
    const refused = await expectRefused(socket, bad, 'GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(refused.payload)).toContain(field);

    const missingArgument = randomUUID();
    socket.subscribe(missingArgument, signedPayload(subgraph, { query: 'subscription { ticked { label } }' }));
    await expectRefused(socket, missingArgument, 'GRAPHQL_VALIDATION_FAILED');

    const good = randomUUID();
    socket.subscribe(good, signedPayload(subgraph, { query: 'subscription { ticked(prefix: "ok") { label } }' }));
    expect((await nextTick(subgraph, socket, good)).type).toBe('next');
  });

  it('refuses a subscription that does not parse with GRAPHQL_PARSE_FAILED', async () => {
    await using subgraph = await startTinySubgraph({ subscription: true });
    await using socket = await openSubscriptionSocket(subgraph.url);
    await socket.init();
    const id = randomUUID();
    socket.subscribe(id, signedPayload(subgraph, { query: 'subscription { ticked(' }));
    await expectRefused(socket, id, 'GRAPHQL_PARSE_FAILED');
  });

  it('refuses unsigned and wrongly signed subscriptions with UNAUTHENTICATED', async () => {
    await using subgraph = await startTinySubgraph({ subscription: true });
    await using socket = await openSubscriptionSocket(subgraph.url);
    await socket.init();
    const unsigned = randomUUID();
    socket.subscribe(unsigned, { query: 'subscription { ticked(prefix: "x") { label } }' });
    const refused = await expectRefused(socket, unsigned, 'UNAUTHENTICATED');
    expect(JSON.stringify(refused.payload)).toContain('accepts only gateway-signed requests');

    const forged = randomUUID();
    socket.subscribe(
      forged,
      signSubgraphRequest({ body: { query: 'subscription { ticked(prefix: "x") { label } }' }, signingKey: randomKey(), audience: 'police' }) as unknown as Record<string, unknown>,
    );
    await expectRefused(socket, forged, 'UNAUTHENTICATED');
  });

  it('refuses bad variables with BAD_USER_INPUT and queries over the websocket', async () => {
    await using subgraph = await startTinySubgraph({ subscription: true });
    await using socket = await openSubscriptionSocket(subgraph.url);
    await socket.init();
    const badVariables = randomUUID();
    socket.subscribe(badVariables, signedPayload(subgraph, { query: 'subscription($p: String!) { ticked(prefix: $p) { label } }' }));
    await expectRefused(socket, badVariables, 'BAD_USER_INPUT');

    const query = randomUUID();
    socket.subscribe(query, signedPayload(subgraph, { query: '{ tag }' }));
    await expectRefused(socket, query, 'BAD_USER_INPUT');
  });

  it('refuses a subscription deeper than the limit with QUERY_TOO_COMPLEX', async () => {
    await using subgraph = await startTinySubgraph({ subscription: true, queryDepth: 1 });
    await using socket = await openSubscriptionSocket(subgraph.url);
    await socket.init();
    const id = randomUUID();
    socket.subscribe(id, signedPayload(subgraph, { query: 'subscription { ticked(prefix: "x") { label } }' }));
    await expectRefused(socket, id, 'QUERY_TOO_COMPLEX');
  });

  it('masks an unexpected error of a subscription source', async () => {
    await using subgraph = await startTinySubgraph({ subscription: true });
    await using socket = await openSubscriptionSocket(subgraph.url);
    await socket.init();
    const id = randomUUID();
    socket.subscribe(id, signedPayload(subgraph, { query: 'subscription { failing { label } }' }));
    const refused = await expectRefused(socket, id, 'INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(refused)).not.toContain('secret broker password');
  });

  itLogsRefusalsAsClientErrors();
});

/** A refusal is the caller's business: an info line with its code, where a failure stays an error. */
function itLogsRefusalsAsClientErrors(): void {
  it('logs a subscription its resolver refused on an info line, and a failing one as an error', async () => {
    const lines: { level: number; msg: string }[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
        done();
      },
    });
    await using subgraph = await startTinySubgraph({ subscription: true, logger: createSubgraphLogger({ name: 'police', destination }) });
    await using socket = await openSubscriptionSocket(subgraph.url);
    await socket.init();
    const refused = randomUUID();
    const prefix = `p-${randomUUID().slice(0, 6)}`;
    socket.subscribe(refused, signedPayload(subgraph, { query: 'subscription ($p: String!) { refusing(prefix: $p) { label } }', variables: { p: prefix } }));
    await expectRefused(socket, refused, 'BAD_USER_INPUT');
    const failing = randomUUID();
    socket.subscribe(failing, signedPayload(subgraph, { query: 'subscription { failing { label } }' }));
    await expectRefused(socket, failing, 'INTERNAL_SERVER_ERROR');
    const about = (text: string) => lines.filter((line) => JSON.stringify(line).includes(text));
    expect(about(prefix).map((line) => [line.level, line.msg])).toEqual([[30, `BAD_USER_INPUT: Check the name: no ticks start with ${prefix}.`]]);
    expect(about('secret broker password').map((line) => line.level)).toContain(50);
  });
}
