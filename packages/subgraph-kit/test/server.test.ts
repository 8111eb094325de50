import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { postSignedGraphQL } from '@antq/testing';
import { createSubgraphServer } from '../src/server/create-subgraph-server.js';
import { failures, randomKey, startTinySubgraph, tinyResolvers, tinySdl } from './fixtures/tiny-subgraph.js';

/** A pino logger whose lines the test can read. */
function capturingLogger(): { logger: pino.Logger; lines: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines: () => chunks.join('') };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('createSubgraphServer', () => {
  it('serves its SDL through _service when the gateway signed the request', async () => {
    await using subgraph = await startTinySubgraph();
    const res = await postSignedGraphQL<{ _service: { sdl: string } }>(subgraph.url, {
      query: '{ _service { sdl } }',
      signingKey: subgraph.signingKey,
      audience: 'police',
    });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data?._service.sdl).toContain('type Widget');
    expect(res.data?._service.sdl).toContain('@key(fields: "id")');
    expect(res.data?._service.sdl).toContain('scalar Vnd');
  });

  it('resolves entities for the gateway', async () => {
    await using subgraph = await startTinySubgraph();
    const id = randomUUID();
    const res = await postSignedGraphQL<{ _entities: Array<{ id: string; name: string }> }>(subgraph.url, {
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Widget { id name } } }',
      variables: { r: [{ __typename: 'Widget', id }] },
      signingKey: subgraph.signingKey,
      audience: 'police',
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities).toEqual([{ id, name: subgraph.widgetName }]);
  });

  it('passes what the context hook builds to the resolvers', async () => {
    await using subgraph = await startTinySubgraph();
    const res = await postSignedGraphQL<{ tag: string }>(subgraph.url, { query: '{ tag }', signingKey: subgraph.signingKey, audience: 'police' });
    expect(res.data?.tag).toBe(subgraph.tag);
  });

  it('answers liveness and readiness, and reports not ready when the ready hook fails', async () => {
    let healthy = true;
    await using subgraph = await startTinySubgraph({
      ready: async () => {
        if (!healthy) throw new Error(`database ${randomUUID()} is down`);
      },
    });
    const base = subgraph.url.replace(/\/graphql$/, '');
    expect(await getJson(`${base}/health`)).toEqual({ status: 200, body: { status: 'ok', agency: 'police' } });
    expect(await getJson(`${base}/readiness`)).toEqual({ status: 200, body: { status: 'ready', agency: 'police' } });
    healthy = false;
    const notReady = await getJson(`${base}/readiness`);
    expect(notReady.status).toBe(503);
    expect(JSON.stringify(notReady.body)).not.toContain('database');
  });

  it('counts a ready hook that hangs as not ready', async () => {
    await using subgraph = await startTinySubgraph({ ready: () => new Promise(() => {}), readinessTimeoutMs: 50 });
    const res = await getJson(subgraph.url.replace(/\/graphql$/, '/readiness'));
    expect(res.status).toBe(503);
  });

  it('closes at the end of an `await using` block and runs the onClose hooks, last first', async () => {
    const order: string[] = [];
    let url = '';
    {
      await using subgraph = await startTinySubgraph({
        onClose: [() => void order.push('first'), async () => void order.push('second')],
      });
      url = subgraph.url;
      const res = await postSignedGraphQL(url, { query: '{ __typename }', signingKey: subgraph.signingKey, audience: 'police' });
      expect(res.data).toEqual({ __typename: 'Query' });
    }
    expect(order).toEqual(['second', 'first']);
    await expect(fetch(url, { method: 'POST' })).rejects.toThrow();
  });

  it('can be closed twice', async () => {
    let closes = 0;
    const subgraph = await startTinySubgraph({ onClose: () => void (closes += 1) });
    await subgraph.close();
    await subgraph.close();
    await subgraph[Symbol.asyncDispose]();
    expect(closes).toBe(1);
  });

  itRefusesToStartWhenMisconfigured();
});

describe('scalars', () => {
  it('round-trips Vnd, Date and DateTime and refuses amounts that are not whole safe numbers', async () => {
    await using subgraph = await startTinySubgraph();
    const amount = 1_000_000 + Math.floor(Math.random() * 1_000_000);
    const ok = await postSignedGraphQL<{ echoAmount: number; echoDate: string; echoTime: string }>(subgraph.url, {
      query: 'query($a: Vnd!, $d: Date!, $t: DateTime!) { echoAmount(amount: $a) echoDate(date: $d) echoTime(at: $t) }',
      variables: { a: amount, d: '2025-07-01', t: '2025-07-01T08:00:00+07:00' },
      signingKey: subgraph.signingKey,
      audience: 'police',
    });
    expect(ok.errors).toBeUndefined();
    expect(ok.data).toEqual({ echoAmount: amount, echoDate: '2025-07-01', echoTime: '2025-07-01T08:00:00+07:00' });
    // Years below 100 are dates too (Date.UTC would read 0099 as 1999).
    for (const date of ['0099-12-31', '0001-01-01']) {
      const early = await postSignedGraphQL(subgraph.url, {
        query: 'query($d: Date!) { echoDate(date: $d) }',
        variables: { d: date },
        signingKey: subgraph.signingKey,
        audience: 'police',
      });
      expect(early.data, date).toEqual({ echoDate: date });
    }

    for (const [name, value] of [
      ['Vnd', 1.5],
      ['Vnd', 2 ** 53],
      ['Date', '2025-02-30'],
      ['DateTime', '2025-07-01 08:00'],
    ] as const) {
      const variable = name === 'Vnd' ? 'amount' : name === 'Date' ? 'date' : 'at';
      const field = name === 'Vnd' ? 'echoAmount' : name === 'Date' ? 'echoDate' : 'echoTime';
      const res = await postSignedGraphQL(subgraph.url, {
        query: `query($v: ${name}!) { ${field}(${variable}: $v) }`,
        variables: { v: value },
        signingKey: subgraph.signingKey,
        audience: 'police',
      });
      expect(res.status, `${name} ${String(value)}`).toBe(400);
      expect(res.errors?.[0]?.extensions?.code, `${name} ${String(value)}`).toBe('BAD_USER_INPUT');
    }

    const literal = await postSignedGraphQL(subgraph.url, { query: '{ echoAmount(amount: 1.25) }', signingKey: subgraph.signingKey, audience: 'police' });
    expect(literal.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('errors', () => {
  it('masks an unexpected error: generic message, INTERNAL_SERVER_ERROR, no stack, logged with its stack', async () => {
    const { logger, lines } = capturingLogger();
    await using subgraph = await startTinySubgraph({ logger });
    // Twice: the second run goes through the JIT-compiled query (jit: 1).
    for (let run = 0; run < 3; run += 1) {
      const res = await postSignedGraphQL(subgraph.url, { query: '{ unexpected tag }', signingKey: subgraph.signingKey, audience: 'police' });
      expect(res.status).toBe(200);
      expect(res.data).toEqual({ unexpected: null, tag: subgraph.tag });
      expect(res.errors).toHaveLength(1);
      expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(res.errors?.[0]?.path).toEqual(['unexpected']);
      const body = JSON.stringify(res);
      expect(body).not.toContain('secret db password');
      expect(body).not.toMatch(/stack|\.ts:\d+/);
    }
    expect(lines()).toContain('secret db password');
    expect(lines()).toMatch(/tiny-subgraph\.ts:\d+/);
  });

  it('keeps a deliberate error with its code and data', async () => {
    await using subgraph = await startTinySubgraph();
    const id = randomUUID();
    for (let run = 0; run < 2; run += 1) {
      const res = await postSignedGraphQL(subgraph.url, {
        query: 'query($id: ID!) { deliberate(id: $id) }',
        variables: { id },
        signingKey: subgraph.signingKey,
        audience: 'police',
      });
      expect(res.errors?.[0]).toMatchObject({
        message: expect.stringContaining(id),
        path: ['deliberate'],
        extensions: { code: 'NOT_FOUND', kind: 'Widget', id },
      });
    }
  });

  it('turns an SDK AntqError into its code and details', async () => {
    await using subgraph = await startTinySubgraph();
    const code = `79${Math.floor(Math.random() * 1000)}`;
    for (let run = 0; run < 2; run += 1) {
      const res = await postSignedGraphQL(subgraph.url, {
        query: 'query($c: String!) { sdkFailure(code: $c) }',
        variables: { c: code },
        signingKey: subgraph.signingKey,
        audience: 'police',
      });
      expect(res.errors?.[0]).toMatchObject({
        message: `Unknown area code "${code}".`,
        path: ['sdkFailure'],
        extensions: { code: 'UNKNOWN_AREA', areaCode: code },
      });
    }
  });

  it.each([
    ['unknownArea', (detail: string) => ({ code: 'UNKNOWN_AREA', areaCode: detail })],
    ['badUserInput', (detail: string) => ({ code: 'BAD_USER_INPUT', issues: [{ path: 'name', message: detail }] })],
    ['notOwningAgency', (detail: string) => ({ code: 'NOT_OWNING_AGENCY', owner: 'police', callerAgency: 'youth', kind: 'PoliceModel', id: detail })],
    ['forbidden', () => ({ code: 'FORBIDDEN', requiredRoles: ['editor'] })],
    ['unauthenticated', () => ({ code: 'UNAUTHENTICATED' })],
    ['notFound', (detail: string) => ({ code: 'NOT_FOUND', kind: 'Widget', id: detail })],
    ['conflict', (detail: string) => ({ code: 'CONFLICT', revision: detail })],
  ])('sends the %s error with its code and data', async (kind, extensions) => {
    await using subgraph = await startTinySubgraph();
    const detail = randomUUID();
    const res = await postSignedGraphQL(subgraph.url, {
      query: 'query($k: String!, $d: String!) { fail(kind: $k, detail: $d) }',
      variables: { k: kind, d: detail },
      signingKey: subgraph.signingKey,
      audience: 'police',
    });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ fail: null });
    expect(res.errors?.[0]?.extensions).toEqual(extensions(detail));
    expect(res.errors?.[0]?.message).toBe(failures[kind]?.(detail).message);
  });

  itAnswersBadRequestsWithTheirCodes();
});

// The 'errors' cases about requests that do not run: parse, validation, limits, bodies, the context hook.
function itAnswersBadRequestsWithTheirCodes(): void {
  it('answers a syntax error with GRAPHQL_PARSE_FAILED and HTTP 400', async () => {
    await using subgraph = await startTinySubgraph();
    const res = await postSignedGraphQL(subgraph.url, { query: '{ tag ', signingKey: subgraph.signingKey, audience: 'police' });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/^Syntax Error/);
    expect(res.errors?.[0]?.locations?.[0]).toMatchObject({ line: 1 });
  });

  it('answers a validation error with GRAPHQL_VALIDATION_FAILED and HTTP 400, every time', async () => {
    await using subgraph = await startTinySubgraph();
    const field = `missing${randomUUID().slice(0, 8)}`;
    // The second request is answered from mercurius's cache of failed documents.
    for (let run = 0; run < 2; run += 1) {
      const res = await postSignedGraphQL(subgraph.url, { query: `{ ${field} }`, signingKey: subgraph.signingKey, audience: 'police' });
      expect(res.status).toBe(400);
      expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.errors?.[0]?.message).toContain(field);
    }
  });

  it('answers a missing variable with BAD_USER_INPUT', async () => {
    await using subgraph = await startTinySubgraph();
    const res = await postSignedGraphQL(subgraph.url, { query: 'query($id: ID!) { deliberate(id: $id) }', signingKey: subgraph.signingKey, audience: 'police' });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses an operation deeper than the limit with QUERY_TOO_COMPLEX', async () => {
    await using subgraph = await startTinySubgraph({ queryDepth: 3 });
    const shallow = await postSignedGraphQL(subgraph.url, { query: '{ nested { child { value } } }', signingKey: subgraph.signingKey, audience: 'police' });
    expect(shallow.errors).toBeUndefined();
    const deep = await postSignedGraphQL(subgraph.url, {
      query: '{ nested { child { child { child { value } } } } }',
      signingKey: subgraph.signingKey,
      audience: 'police',
    });
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxDepth: 3 });
  });

  it('refuses a body over the limit with PAYLOAD_TOO_LARGE and HTTP 413', async () => {
    await using subgraph = await startTinySubgraph({ bodyLimit: 2_048 });
    const res = await postSignedGraphQL(subgraph.url, {
      query: `{ tag } # ${'x'.repeat(4_096)}`,
      signingKey: subgraph.signingKey,
      audience: 'police',
    });
    expect(res.status).toBe(413);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: 2_048 });
  });

  it('answers a body that is not JSON with BAD_USER_INPUT', async () => {
    await using subgraph = await startTinySubgraph();
    const response = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('masks an error thrown by the context hook', async () => {
    const { logger, lines } = capturingLogger();
    await using subgraph = await startTinySubgraph({
      logger,
      context: () => {
        throw new Error('secret connection string');
      },
    });
    const res = await postSignedGraphQL(subgraph.url, { query: '{ tag }', signingKey: subgraph.signingKey, audience: 'police' });
    expect(res.status).toBe(500);
    expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(res)).not.toContain('secret connection string');
    expect(lines()).toContain('secret connection string');
  });
}

// The 'createSubgraphServer' cases about starting with a bad configuration, and the unsigned warning.
function itRefusesToStartWhenMisconfigured(): void {
  it('refuses to start without a signing key, naming what to set', async () => {
    await expect(createSubgraphServer({ agency: 'youth', typeDefs: tinySdl, resolvers: tinyResolvers('x'), logLevel: 'silent' })).rejects.toMatchObject({
      code: 'ANTQ_ERR_INVALID_OPTS',
      message: expect.stringContaining('signingKey'),
    });
  });

  it('refuses to start with an SDL that does not build, and still runs the onClose hooks', async () => {
    let closed = false;
    await expect(
      createSubgraphServer({
        agency: 'front',
        typeDefs: 'type Query { broken: Missing }',
        resolvers: {},
        signingKey: randomKey(),
        logLevel: 'silent',
        onClose: () => void (closed = true),
      }),
    ).rejects.toMatchObject({ code: 'ANTQ_ERR_INVALID_OPTS' });
    expect(closed).toBe(true);
  });

  it('warns loudly when it accepts unsigned requests', async () => {
    const { logger, lines } = capturingLogger();
    await using subgraph = await createSubgraphServer({
      agency: 'veterans',
      typeDefs: tinySdl,
      resolvers: tinyResolvers('x'),
      allowUnsigned: true,
      logger,
    });
    expect(lines()).toContain('allowUnsigned is ON');
    const res = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });
}
