import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AntqError } from '@antq/sdk';
import { parse, stripIgnoredCharacters } from 'graphql';
import { postGraphQL, postSignedGraphQL, signSubgraphRequest } from '@antq/testing';
import { parseCallerClaims, requireCaller, type Caller } from '../src/identity/caller.js';
import { createMemoryNonceStore, createSignatureVerifier, deriveSubgraphKey, signExecutionRequest, signRequestParams } from '../src/identity/gateway-signature.js';
import { randomKey, startTinySubgraph } from './fixtures/tiny-subgraph.js';

const GATEWAY_ONLY = 'accepts only gateway-signed requests';

function areaCode(): string {
  return String(10_000 + Math.floor(Math.random() * 89_999));
}

describe('gateway signature on HTTP requests', () => {
  it.each([
    ['_service', '{ _service { sdl } }'],
    ['_entities', '{ _entities(representations: [{ __typename: "Widget", id: "1" }]) { __typename } }'],
    ['an ordinary query', '{ tag }'],
  ])('refuses an unsigned %s request with UNAUTHENTICATED and HTTP 401', async (_name, query) => {
    await using subgraph = await startTinySubgraph();
    const res = await postGraphQL(subgraph.url, query);
    expect(res.status).toBe(401);
    expect(res.data).toBeUndefined();
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'MISSING_SIGNATURE' });
    expect(res.errors?.[0]?.message).toContain(GATEWAY_ONLY);
  });

  it('refuses a request signed with another key', async () => {
    await using subgraph = await startTinySubgraph();
    const res = await postSignedGraphQL(subgraph.url, { query: '{ _service { sdl } }', signingKey: randomKey(), audience: 'police' });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INVALID_SIGNATURE' });
    expect(JSON.stringify(res)).not.toContain('type Widget');
  });

  it('refuses a garbage signature', async () => {
    await using subgraph = await startTinySubgraph();
    const res = await postGraphQL(subgraph.url, { query: '{ tag }', extensions: { 'antq-signature': 'not a signature at all!' } });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a signed request whose variables were changed', async () => {
    await using subgraph = await startTinySubgraph();
    const signed = signSubgraphRequest({
      body: { query: 'query($id: ID!) { widget(id: $id) { name } }', variables: { id: randomUUID() } },
      signingKey: subgraph.signingKey,
      audience: 'police',
    });
    const res = await postGraphQL(subgraph.url, { ...signed, variables: { id: randomUUID() } });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.reason).toBe('INVALID_SIGNATURE');
  });

  it('refuses a signed request whose forwarded caller was swapped', async () => {
    await using subgraph = await startTinySubgraph();
    const signed = signSubgraphRequest({
      body: { query: '{ whoami { agency } }' },
      signingKey: subgraph.signingKey,
      audience: 'police',
      caller: { agency: 'youth' },
    });
    const forged = { ...signed, extensions: { ...signed.extensions, jwt: { payload: { sub: 'intruder', agency: 'police', roles: ['admin'] } } } };
    const res = await postGraphQL(subgraph.url, forged);
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.reason).toBe('INVALID_SIGNATURE');
  });

  it('accepts a signed GET request and refuses an unsigned one', async () => {
    await using subgraph = await startTinySubgraph();
    const signed = signSubgraphRequest({ body: { query: '{ tag }' }, signingKey: subgraph.signingKey, audience: 'police' });
    const query = new URLSearchParams({ query: signed.query, extensions: JSON.stringify(signed.extensions) });
    const ok = await fetch(`${subgraph.url}?${query.toString()}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { tag: subgraph.tag } });

    const unsigned = await fetch(`${subgraph.url}?${new URLSearchParams({ query: '{ tag }' }).toString()}`);
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('treats empty variables as none, as Hive does', async () => {
    await using subgraph = await startTinySubgraph();
    const signed = signSubgraphRequest({ body: { query: '{ tag }' }, signingKey: subgraph.signingKey, audience: 'police' });
    const res = await postGraphQL(subgraph.url, { ...signed, variables: {} });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ tag: subgraph.tag });
  });

  it('still refuses a bad signature when unsigned requests are allowed', async () => {
    await using subgraph = await startTinySubgraph({ allowUnsigned: true });
    const unsigned = await postGraphQL(subgraph.url, '{ tag }');
    expect(unsigned.data).toEqual({ tag: subgraph.tag });
    const forged = await postSignedGraphQL(subgraph.url, { query: '{ tag }', signingKey: randomKey(), audience: 'police' });
    expect(forged.status).toBe(401);
  });
});

describe("the gateway's signature of an execution request", () => {
  it('accepts a signature over the canonical form of the document (signed without a printer)', async () => {
    await using subgraph = await startTinySubgraph();
    const query = 'query   Widget($id: ID!)   {\n  widget(id: $id) {\n    id\n    name\n  }\n}';
    const variables = { id: randomUUID() };
    const extensions = signExecutionRequest({ document: parse(query), variables }, { key: deriveSubgraphKey(subgraph.signingKey, 'police'), audience: 'police' });
    const res = await postGraphQL<{ widget: { id: string; name: string } }>(subgraph.url, { query, variables, extensions });
    expect(res.errors).toBeUndefined();
    expect(res.data?.widget).toEqual({ id: variables.id, name: subgraph.widgetName });
  });

  it("signs the document as the transport's printer gives it, when the gateway passes one", async () => {
    await using subgraph = await startTinySubgraph();
    const query = 'query Widget($id: ID!) { widget(id: $id) { id name } }';
    const variables = { id: randomUUID() };
    const sign = () =>
      signExecutionRequest({ document: parse(query), variables }, { key: deriveSubgraphKey(subgraph.signingKey, 'police'), audience: 'police', print: () => query });
    const asPrinted = await postGraphQL<{ widget: { id: string } }>(subgraph.url, { query, variables, extensions: sign() });
    expect(asPrinted.errors).toBeUndefined();
    expect(asPrinted.data?.widget.id).toBe(variables.id);
    // The signature is over that text, not over the canonical form.
    const canonical = await postGraphQL(subgraph.url, { query: stripIgnoredCharacters(query), variables, extensions: sign() });
    expect(canonical.errors?.[0]?.extensions?.reason).toBe('INVALID_SIGNATURE');
  });
});

describe('the verified caller', () => {
  it('reaches the resolvers with every claim', async () => {
    await using subgraph = await startTinySubgraph();
    const subject = `officer-${randomUUID()}`;
    const jurisdiction = areaCode();
    const res = await postSignedGraphQL<{ whoami: Record<string, unknown> }>(subgraph.url, {
      query: '{ whoami { subject agency organisation jurisdiction roles clearance } }',
      signingKey: subgraph.signingKey,
      audience: 'police',
      caller: { sub: subject, agency: 'front', organisation: 'womens_union', jurisdiction, roles: ['editor'], clearance: 'shared' },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.whoami).toEqual({
      subject,
      agency: 'front',
      organisation: 'womens_union',
      jurisdiction,
      roles: ['editor'],
      clearance: 'shared',
    });
  });

  it("defaults the organisation to the agency's own and the clearance to public", async () => {
    await using subgraph = await startTinySubgraph();
    const res = await postSignedGraphQL<{ whoami: Record<string, unknown> }>(subgraph.url, {
      query: '{ whoami { organisation clearance jurisdiction roles } }',
      signingKey: subgraph.signingKey,
      audience: 'police',
      caller: { agency: 'veterans' },
    });
    expect(res.data?.whoami).toEqual({ organisation: 'veterans_association', clearance: 'public', jurisdiction: null, roles: [] });
  });

  it('answers UNAUTHENTICATED from requireCaller when the gateway forwarded no caller', async () => {
    await using subgraph = await startTinySubgraph();
    const res = await postSignedGraphQL(subgraph.url, { query: '{ whoami { subject } tag }', signingKey: subgraph.signingKey, audience: 'police' });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ whoami: null, tag: subgraph.tag });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0]?.path).toEqual(['whoami']);
  });

  it('refuses a signed request whose forwarded claims are not valid', async () => {
    await using subgraph = await startTinySubgraph();
    const res = await postSignedGraphQL(subgraph.url, {
      query: '{ tag }',
      signingKey: subgraph.signingKey,
      audience: 'police',
      caller: { agency: `army-${randomUUID().slice(0, 4)}` },
    });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INVALID_CALLER' });
    expect(res.errors?.[0]?.message).toContain('claim "agency"');
  });
});

describe('parseCallerClaims', () => {
  const now = Date.UTC(2026, 0, 1, 8, 0, 0);
  const exp = now / 1000 + 600;
  it.each([
    [null, 'not an object'],
    [{ agency: 'police', exp }, 'claim "sub"'],
    [{ sub: '', agency: 'police', exp }, 'claim "sub"'],
    [{ sub: 'a', agency: 123, exp }, 'claim "agency"'],
    [{ sub: 'a', agency: 'POLICE', exp }, 'claim "agency"'],
    [{ sub: 'a', agency: 'police', organisation: 'army', exp }, 'claim "organisation"'],
    [{ sub: 'a', agency: 'police', organisation: 'womens_union', exp }, 'claim "organisation"'],
    [{ sub: 'a', agency: 'front', organisation: 'WOMENS_UNION', exp }, 'claim "organisation"'],
    [{ sub: 'a', agency: 'police', roles: 'admin', exp }, 'claim "roles"'],
    [{ sub: 'a', agency: 'police', clearance: 'top-secret', exp }, 'claim "clearance"'],
    [{ sub: 'a', agency: 'police', clearance: 'RESTRICTED', exp }, 'claim "clearance"'],
    [{ sub: 'a', agency: 'police', jurisdiction: 79, exp }, 'claim "jurisdiction"'],
    [{ sub: 'a', agency: 'police', jurisdiction: 'vn', exp }, 'claim "jurisdiction"'],
    [{ sub: 'a', agency: 'police', jurisdiction: '', exp }, 'claim "jurisdiction"'],
    [{ sub: 'a', agency: 'police' }, 'claim "exp"'],
    [{ sub: 'a', agency: 'police', exp: String(exp) }, 'claim "exp"'],
    [{ sub: 'a', agency: 'police', exp: now / 1000 - 31 }, 'expired'],
    [{ sub: 'a', agency: 'police', exp, nbf: now / 1000 + 31 }, 'not valid before'],
  ])('refuses %j', (payload, problem) => {
    const parsed = parseCallerClaims(payload, { now });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toContain(problem);
  });

  it('reads a valid payload, within the clock skew, with the national jurisdiction and the expiry', () => {
    const sub = `officer-${randomUUID()}`;
    const parsed = parseCallerClaims({ sub, agency: 'front', jurisdiction: 'VN', roles: ['admin'], clearance: 'restricted', exp: now / 1000 - 29, nbf: now / 1000 + 29 }, { now });
    expect(parsed).toMatchObject({
      ok: true,
      caller: { subject: sub, agency: 'front', organisation: 'fatherland_front', jurisdiction: 'VN', roles: ['admin'], clearance: 'restricted', expiresAt: now / 1000 - 29 },
    });
    expect(parseCallerClaims({ sub, agency: 'front', exp: now / 1000 - 5 }, { now, clockSkewSeconds: 0 }).ok).toBe(false);
  });
});

describe('caller guards', () => {
  const caller = (overrides: Partial<Caller> = {}): Caller => ({
    subject: `s-${randomUUID()}`,
    agency: 'police',
    organisation: 'police',
    jurisdiction: '79',
    roles: ['editor'],
    clearance: 'shared',
    claims: {},
    ...overrides,
  });
  const codeOf = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(AntqError);
      return (error as AntqError).toExtensions();
    }
    return undefined;
  };

  it('requireCaller returns the caller or throws UNAUTHENTICATED', () => {
    const someone = caller();
    expect(requireCaller({ caller: someone })).toBe(someone);
    expect(codeOf(() => requireCaller({ caller: undefined }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('the signature scheme', () => {
  const key = deriveSubgraphKey(randomKey(), 'police');
  const verifierFor = (options: Partial<Parameters<typeof createSignatureVerifier>[0]> = {}) => createSignatureVerifier({ audience: 'police', audienceKey: key, ...options });

  it('covers the query, operation name, variables and every extension but itself', async () => {
    const verify = verifierFor();
    const params = {
      query: `{ x${randomUUID().slice(0, 4)} }`,
      operationName: 'A',
      variables: { id: randomUUID() },
      extensions: { jwt: { payload: { sub: 's' } }, idempotencyKey: randomUUID() },
    };
    const tampered = [
      (p: typeof params) => ({ ...p, query: '{ y }' }),
      (p: typeof params) => ({ ...p, operationName: 'B' }),
      (p: typeof params) => ({ ...p, variables: { id: 'other' } }),
      (p: typeof params) => ({ ...p, extensions: { ...p.extensions, idempotencyKey: 'other' } }),
      (p: typeof params) => ({ ...p, extensions: { ...p.extensions, added: true } }),
    ];
    for (const change of tampered) {
      const signed = signRequestParams(params, { key, audience: 'police' });
      expect(await verify(change(signed))).toEqual({ ok: false, problem: 'INVALID_SIGNATURE' });
    }
    expect((await verify(signRequestParams(params, { key, audience: 'police' }))).ok).toBe(true);
  });

  it('tells missing, invalid, stale, replayed and misrouted signatures apart', async () => {
    const verify = verifierFor({ maxAgeSeconds: 10, clockSkewSeconds: 2 });
    const params = { query: `{ x${randomUUID().slice(0, 4)} }` };
    expect(await verify(params)).toEqual({ ok: false, problem: 'MISSING_SIGNATURE' });
    const signed = signRequestParams(params, { key, audience: 'police' });
    expect((await verify(signed)).ok).toBe(true);
    expect(await verify(signed)).toEqual({ ok: false, problem: 'REPLAYED_SIGNATURE' });
    expect(await verify(signRequestParams(params, { key, audience: 'police', now: Date.now() - 11_000 }))).toEqual({
      ok: false,
      problem: 'STALE_SIGNATURE',
      detail: expect.stringMatching(/^signed 1[12] s behind this subgraph's clock, which takes 10 s behind and 2 s ahead; .* keep them in sync \(NTP\)$/),
    });
    expect(await verify(signRequestParams(params, { key, audience: 'police', now: Date.now() + 3_000 }))).toMatchObject({ ok: false, problem: 'STALE_SIGNATURE' });
    // A gateway whose clock runs 20 s ahead: every request refused, saying so.
    expect(await verify(signRequestParams(params, { key, audience: 'police', now: Date.now() + 20_000 }))).toEqual({
      ok: false,
      problem: 'STALE_SIGNATURE',
      detail: expect.stringMatching(/^signed (19|20) s ahead of this subgraph's clock/),
    });
    expect((await verify(signRequestParams(params, { key, audience: 'police', now: Date.now() - 9_000 }))).ok).toBe(true);
    const forFront = signRequestParams(params, { key: deriveSubgraphKey(randomKey(), 'front'), audience: 'front' });
    expect(await verify(forFront)).toEqual({ ok: false, problem: 'WRONG_AUDIENCE' });
    // The police key with another audience written in: the audience is signed, so it does not verify either.
    expect(await verify(signRequestParams(params, { key, audience: 'front' }))).toEqual({ ok: false, problem: 'WRONG_AUDIENCE' });
  });

  it('derives a different key per subgraph from one signing key', () => {
    const signingKey = randomKey();
    expect(deriveSubgraphKey(signingKey, 'police').equals(deriveSubgraphKey(signingKey, 'front'))).toBe(false);
    expect(deriveSubgraphKey(signingKey, 'police').equals(deriveSubgraphKey(signingKey, 'police'))).toBe(true);
  });

  it('forgets a nonce only after its window', () => {
    const store = createMemoryNonceStore();
    const nonce = randomUUID();
    expect(store.claim(nonce, Date.now() + 60_000)).toBe(true);
    expect(store.claim(nonce, Date.now() + 60_000)).toBe(false);
    const past = randomUUID();
    expect(store.claim(past, Date.now() - 1)).toBe(true);
    expect(store.claim(past, Date.now() + 60_000)).toBe(true);
  });
});
