import { readFile } from 'node:fs/promises';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { agencyErrorMask, withShortQuotes } from '../src/agency-errors.js';
import { createGateway, type Gateway } from '../src/index.js';

// GraphQL over HTTP (https://graphql.github.io/graphql-over-http/), where a client can tell:
// the `graphql-http` package's audits, and the rules our Fastify route and response cache must
// not bypass.

const supergraph = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');
const gateways = {} as Record<'cached' | 'uncached', Gateway>;
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

beforeAll(async () => {
  const options = { supergraph, port: 0, signingKey: 'test-signing-key', identity: { disabled: true as const }, logLevel: false as const };
  gateways.cached = await createGateway(options);
  gateways.uncached = await createGateway({ ...options, responseCache: false });
}, 300_000);

afterAll(async () => {
  await Promise.all(Object.values(gateways).map((gateway) => gateway.close()));
}, 120_000);

const post = (gateway: Gateway, body: string, accept = GRAPHQL_RESPONSE) => fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body });

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  expect(body.data ?? null).toBeNull();
  expect(body.errors?.map((error) => error.extensions?.code)).toEqual([code]);
  // What the runtime keeps for itself does not leave it.
  expect(JSON.stringify(body)).not.toMatch(/"(http|originalError|stacktrace)"/);
  return body;
}

describe.each(['cached', 'uncached'] as const)('GraphQL over HTTP, response cache %s', (kind) => {
  it('passes every audit of graphql-http, MUST, SHOULD and MAY', async () => {
    const failed: { name: string; status: string; reason: string }[] = [];
    for (const audit of serverAudits({ url: () => gateways[kind].url, fetchFn: fetch })) {
      const result = await audit.fn();
      if (result.status !== 'ok') failed.push({ name: audit.name, status: result.status, reason: result.reason });
    }
    expect(failed).toEqual([]);
  }, 120_000);

  it('answers 400 to a document that does not parse or validate, to graphql-response+json', async () => {
    await expectError(await post(gateways[kind], JSON.stringify({ query: '{ area(code: ' })), 400, 'GRAPHQL_PARSE_FAILED');
    await expectError(await post(gateways[kind], JSON.stringify({ query: '{ noSuchField }' })), 400, 'GRAPHQL_VALIDATION_FAILED');
    // A legacy application/json client still gets 200, as the spec allows.
    expect((await post(gateways[kind], JSON.stringify({ query: '{ noSuchField }' }), 'application/json')).status).toBe(200);
  });

  it('answers 405 with Allow: POST to a mutation over GET, and runs nothing', async () => {
    const url = `${gateways[kind].url}?query=${encodeURIComponent('mutation { revokePoliceAccessGrant(id: "x") { id } }')}`;
    const response = await fetch(url, { headers: { accept: GRAPHQL_RESPONSE } });
    expect(response.headers.get('allow')).toBe('POST');
    const body = await expectError(response, 405, 'BAD_USER_INPUT');
    expect(body.errors![0]!.message).toMatch(/POST/);
  });

  it('sends a JSON answer whole, with its length', async () => {
    const response = await post(gateways[kind], JSON.stringify({ query: '{ __typename }' }));
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ data: { __typename: 'Query' } });
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(response.headers.get('transfer-encoding')).toBeNull();
  });

  it('answers 415 with a typed error to a body that is not JSON: text, a form', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const response = await fetch(gateways[kind].url, { method: 'POST', headers: { 'content-type': contentType, accept: GRAPHQL_RESPONSE }, body: '{"query":"{ __typename }"}' });
      const body = await expectError(response, 415, 'BAD_USER_INPUT');
      expect(body.errors![0]!.message).toMatch(/application\/json/);
    }
  });

  it('answers 400 to malformed parameters', async () => {
    for (const body of [
      JSON.stringify({ query: '{ __typename }', variables: 'x' }),
      JSON.stringify({ query: '{ __typename }', variables: [1] }),
      JSON.stringify({ query: 42 }),
      JSON.stringify({ query: '{ __typename }', operationName: 7 }),
      JSON.stringify({ query: '{ __typename }', extensions: 'x' }),
      '{ "query": ',
    ]) {
      await expectError(await post(gateways[kind], body), 400, 'BAD_USER_INPUT');
    }
  });

  it('quotes the start of a long value it refuses, not the whole value', async () => {
    const value = 'x'.repeat(200_000);
    const response = await post(gateways[kind], JSON.stringify({ query: 'query ($first: Int) { policeModels(first: $first) { totalCount } }', variables: { first: value } }));
    const text = await response.text();
    // graphql-js quotes the value twice in its message; the answer stays a few hundred bytes.
    expect(text.length).toBeLessThan(1_000);
    const { errors } = JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] };
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(errors[0]!.message).toBe(
      `Variable "$first" got invalid value "${'x'.repeat(60)}…" (200000 characters); Int cannot represent non-integer value: "${'x'.repeat(60)}…" (200000 characters)`,
    );
    // Written in the document instead, the value fails validation, which no error mask sees: the result's own pass cuts it.
    const inline = await post(gateways[kind], JSON.stringify({ query: `{ policeModels(first: "${'x'.repeat(100_000)}") { totalCount } }` }));
    const refused = await expectError(inline, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(refused.errors![0]!.message).toBe(`Int cannot represent non-integer value: "${'x'.repeat(60)}…" (100000 characters)`);
  });
});

describe('a long quoted value in an error message', () => {
  it('is cut to its start, the prose between values kept, short values whole', () => {
    const prose = ' is not an area code: expected 2 digits (province), 3 (district) or 5 (commune), e.g. ';
    expect(withShortQuotes(`"x"${prose}"28159".`)).toBe(`"x"${prose}"28159".`);
    expect(withShortQuotes(`"${'9'.repeat(5_000)}"${prose}"28159".`)).toBe(`"${'9'.repeat(60)}…" (5000 characters)${prose}"28159".`);
    // A value with quotes inside, as JSON writes them, is one value.
    expect(withShortQuotes(`got "${'a\\"'.repeat(100)}" here`)).toBe(`got "${'a\\"'.repeat(20)}…" (300 characters) here`);
  });

  it('is cut in a subgraph’s refusal of a subscription, which the error mask passes on', () => {
    const refusal = { message: `"${'9'.repeat(5_000)}" is not an area code`, extensions: { code: 'BAD_USER_INPUT' } };
    // graphql-ws hands the subgraph's errors on as the list under one error without a message.
    const masked = agencyErrorMask({ upstreamTimeoutMs: 1_000 })(new GraphQLError('', { originalError: [refusal] as unknown as Error }), 'Unexpected error.');
    expect(masked).toBeInstanceOf(GraphQLError);
    expect(masked.message).toBe(`"${'9'.repeat(60)}…" (5000 characters) is not an area code`);
    expect((masked as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('takes one pass over a message that never closes its quote, and bounds what is left', () => {
    const unclosed = `"${'\\"'.repeat(120_000)}`;
    // A regular expression retrying from every later quote took 31 s on this message, past the test's timeout; one pass takes milliseconds.
    const cut = withShortQuotes(unclosed);
    expect(cut).toBe(`${unclosed.slice(0, 2_000)}… (240001 characters in all)`);
  });
});

describe('the response cache', () => {
  it('serves no kept answer in place of these rules', async () => {
    const gateway = gateways.cached;
    const query = '{ __typename }';
    const hits = async () =>
      Number(/^antq_response_cache_requests\{result="hit"\} (\d+)/m.exec(await (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text())?.[1] ?? 0);
    // Kept and served again.
    expect(await (await post(gateway, JSON.stringify({ query }))).json()).toEqual({ data: { __typename: 'Query' } });
    const before = await hits();
    expect(await (await post(gateway, JSON.stringify({ query }))).json()).toEqual({ data: { __typename: 'Query' } });
    expect(await hits()).toBe(before + 1);
    // The same document with malformed parameters, or as a GET mutation, is not that answer.
    await expectError(await post(gateway, JSON.stringify({ query, variables: 'x' })), 400, 'BAD_USER_INPUT');
    const mutation = await fetch(`${gateway.url}?query=${encodeURIComponent(`mutation ${query}`)}`, { headers: { accept: GRAPHQL_RESPONSE } });
    await expectError(mutation, 405, 'BAD_USER_INPUT');
    expect(await hits()).toBe(before + 1);
  });
});
