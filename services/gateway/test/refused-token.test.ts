import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevelopmentIssuer, createGateway, type DevelopmentIssuer, type Gateway } from '../src/index.js';

const supergraph = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');

interface Answer {
  readonly status: number;
  readonly errors: { message: string; extensions: { code: string } }[] | undefined;
  readonly data: unknown;
}

/**
 * A token the gateway refuses says why: `npm start -- --fresh` deletes the data folder, the
 * development issuer makes a new key, and every token printed before it must be minted again.
 */
describe('a refused token says why', () => {
  let keyDir: string;
  let before: DevelopmentIssuer;
  let issuer: DevelopmentIssuer;
  let gateway: Gateway;

  const ask = async (token: string): Promise<Answer> => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const body = (await response.json()) as Omit<Answer, 'status'>;
    return { status: response.status, errors: body.errors, data: body.data };
  };

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), 'antq-issuer-'));
    before = await createDevelopmentIssuer({ keyDir });
    // What --fresh does to the key: the folder goes, the next start makes a new key.
    await rm(keyDir, { recursive: true, force: true });
    issuer = await createDevelopmentIssuer({ keyDir });
    gateway = await createGateway({
      supergraph,
      signingKey: 'test-signing-key',
      logLevel: false,
      responseCache: false,
      identity: { keys: { kind: 'key', publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await rm(keyDir, { recursive: true, force: true });
  });

  it('accepts a token of the current key', async () => {
    const answer = await ask(await issuer.mint({ agency: 'police', roles: ['analyst'] }));
    expect(answer).toEqual({ status: 200, errors: undefined, data: { __typename: 'Query' } });
  });

  it('names a token signed by a key the graph no longer has, and says to mint a new one', async () => {
    const answer = await ask(await before.mint({ agency: 'youth', roles: ['editor'], jurisdiction: '80' }));
    expect(answer.status).toBe(401);
    expect(answer.errors).toEqual([
      {
        message: expect.stringMatching(/^The bearer token is signed by a key this graph no longer has .*--fresh.*Mint a new one/),
        extensions: { code: 'UNAUTHENTICATED', reason: 'INVALID_TOKEN' },
      },
    ]);
  });

  it('names an expired token with the time it expired', async () => {
    const ago = 60 + Math.floor(Math.random() * 600);
    const answer = await ask(await issuer.mint({ agency: 'front', expiresIn: `-${ago}s` }));
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const expiredAt = /expired at (\S+)\. Mint a new one/.exec(answer.errors?.[0]?.message ?? '')?.[1];
    expect(Math.abs(Date.parse(expiredAt!) - (Date.now() - ago * 1000))).toBeLessThan(30_000);
  });
});
