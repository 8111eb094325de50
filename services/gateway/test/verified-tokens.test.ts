import { readFile } from 'node:fs/promises';
import { setTimeout as sleepUntil } from 'node:timers/promises';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevelopmentIssuer, createGateway, type DevelopmentIssuer, type Gateway } from '../src/index.js';
import { createVerifiedTokens, type VerifiedJwt } from '../src/identity/verified-tokens.js';

const supergraph = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');

/*
 * Thẻ đã xác thực — the gateway verifies a token once and keeps it, by its exact text, until its
 * exp: a token that differs in any byte is verified from scratch, and a kept token stops
 * working when it expires.
 */

const jwtOf = (token: string, exp: number | undefined, nbf?: number): VerifiedJwt => ({
  payload: { sub: 'officer', ...(exp === undefined ? {} : { exp }), ...(nbf === undefined ? {} : { nbf }) },
  token: { value: token, prefix: 'Bearer' },
});

describe('the verified-token cache', () => {
  it('keeps a token until its exp, never past it, and not longer than maxAgeMs', () => {
    let now = 1_000_000_000_000;
    const tokens = createVerifiedTokens({ now: () => now, maxAgeMs: 60_000 });
    const shortLived = jwtOf('a.b.c', now / 1000 + 10);
    const longLived = jwtOf('d.e.f', now / 1000 + 3600);
    tokens.keep(shortLived);
    tokens.keep(longLived);
    expect(tokens.get('a.b.c')).toBe(shortLived);
    now += 9_999;
    expect(tokens.get('a.b.c')).toBe(shortLived);
    now += 1;
    expect(tokens.get('a.b.c')).toBeUndefined();
    expect(tokens.get('d.e.f')).toBe(longLived);
    now += 50_000;
    expect(tokens.get('d.e.f')).toBeUndefined();
  });

  it('keeps no token without exp, none already expired or not yet valid, and finds only the exact text', () => {
    const now = 1_000_000_000_000;
    const tokens = createVerifiedTokens({ now: () => now });
    tokens.keep(jwtOf('no.exp.here', undefined));
    tokens.keep(jwtOf('gone.a.b', now / 1000 - 1));
    tokens.keep(jwtOf('later.a.b', now / 1000 + 60, now / 1000 + 30));
    tokens.keep(jwtOf('x.y.z', now / 1000 + 60));
    expect(tokens.size).toBe(1);
    expect(tokens.get('x.y.z')).toBeDefined();
    expect(tokens.get('x.y.z ')).toBeUndefined();
    expect(tokens.get('x.y.Z')).toBeUndefined();
  });

  it('holds at most max tokens', () => {
    const tokens = createVerifiedTokens({ max: 3 });
    const exp = Math.floor(Date.now() / 1000) + 600;
    for (let i = 0; i < 10; i += 1) tokens.keep(jwtOf(`t${i}.a.b`, exp));
    expect(tokens.size).toBe(3);
    expect(tokens.get('t9.a.b')).toBeDefined();
    expect(tokens.get('t0.a.b')).toBeUndefined();
  });
});

describe('tokens kept by the gateway', () => {
  let issuer: DevelopmentIssuer;
  let gateway: Gateway;

  const ask = async (token: string) => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] };
    return { status: response.status, code: body.errors?.[0]?.extensions.code, message: body.errors?.[0]?.message, data: body.data };
  };

  beforeAll(async () => {
    issuer = await createDevelopmentIssuer();
    gateway = await createGateway({
      supergraph,
      signingKey: 'test-signing-key',
      logLevel: false,
      responseCache: false,
      // No tolerance of another clock: the token is refused the second after its exp.
      identity: { keys: { kind: 'key', publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience, clockToleranceSeconds: 0 },
    });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('refuses a forged signature or a changed claim on a token it has already accepted', async () => {
    const token = await issuer.mint({ agency: 'police', roles: ['analyst'], clearance: 'shared' });
    expect(await ask(token)).toMatchObject({ status: 200, data: { __typename: 'Query' } });
    expect(await ask(token)).toMatchObject({ status: 200, data: { __typename: 'Query' } });

    const [header, payload, signature] = token.split('.') as [string, string, string];
    // Another signature of the same header and claims: one character of it changed.
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expect(await ask(`${header}.${payload}.${flipped}`)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

    // The accepted signature over claims raised to another agency and clearance.
    const claims = { ...decodeJwt(token), agency: 'front', clearance: 'restricted' };
    const raised = Buffer.from(JSON.stringify(claims)).toString('base64url');
    expect(await ask(`${header}.${raised}.${signature}`)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

    // The accepted token itself still passes.
    expect(await ask(token)).toMatchObject({ status: 200 });
  });

  it('refuses a token it kept once the token has expired', async () => {
    const token = await issuer.mint({ agency: 'youth', roles: ['analyst'], expiresIn: '2s' });
    const { exp } = decodeJwt(token);
    expect(await ask(token)).toMatchObject({ status: 200, data: { __typename: 'Query' } });
    // Until the second after exp (jsonwebtoken compares whole seconds).
    await sleepUntil(Math.max(0, exp! * 1000 + 1000 - Date.now()));
    const refused = await ask(token);
    expect(refused).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(refused.message).toMatch(/expired at/);
  });
});
