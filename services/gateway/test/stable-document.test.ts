import { readFile } from 'node:fs/promises';
import { parse, type DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createDevelopmentIssuer, createGateway, type DevelopmentIssuer, type Gateway } from '../src/index.js';
import { sameDocument } from '../src/plugins/use-stable-document.js';

const supergraph = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');

/*
 * Access control rebuilds every document before it runs; the gateway runs the parsed one (the
 * parser's cache gives the same object for the same text), so what is kept per document —
 * the plan, the printed text, the audit's analysis — is found again on the next request.
 */

const LOOKUP = 'query One($id: ID!) { policeModel(id: $id) { id name area { code } ...Status } } fragment Status on PoliceModel { status }';

describe('the document an operation runs with', () => {
  let issuer: DevelopmentIssuer;
  let gateway: Gateway;
  const executed: DocumentNode[] = [];
  const probe: GatewayPlugin = {
    onExecute({ args }) {
      executed.push(args.document);
    },
  };

  const post = async (query: string, token: string) => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: { id: 'pm-1' } }),
    });
    return { status: response.status, body: (await response.json()) as { errors?: { extensions: { code: string } }[] } };
  };

  beforeAll(async () => {
    issuer = await createDevelopmentIssuer();
    gateway = await createGateway({
      supergraph,
      signingKey: 'test-signing-key',
      logLevel: false,
      responseCache: false,
      // No subgraph listens: the operation runs and its subgraph call fails, which is enough here.
      limits: { upstreamTimeoutMs: 1_000 },
      identity: { keys: { kind: 'key', publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience },
      plugins: [probe],
    });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('is the same object for the same text, across callers, after access control let it through', async () => {
    const police = await issuer.mint({ agency: 'police', roles: ['analyst'], clearance: 'shared' });
    const front = await issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'shared' });
    for (const token of [police, police, front]) await post(LOOKUP, token);
    expect(executed).toHaveLength(3);
    expect(executed[1]).toBe(executed[0]);
    expect(executed[2]).toBe(executed[0]);
  });

  it('still refuses what access control refuses', async () => {
    const publicCaller = await post('{ policeObservations(first: 1) { totalCount } }', await issuer.mint({ agency: 'front', clearance: 'public' }));
    expect(publicCaller.body.errors?.map((error) => error.extensions.code)).toContain('FORBIDDEN');
  });
});

describe('sameDocument', () => {
  const original = parse(LOOKUP);
  const [operation, fragment] = original.definitions as [never, never];

  it('holds for a shallow copy with copied selection sets', () => {
    const op = operation as { selectionSet: { selections: { selectionSet?: unknown }[] } };
    const copy = {
      ...original,
      definitions: [{ ...op, selectionSet: { ...op.selectionSet, selections: op.selectionSet.selections.map((s) => ({ ...s })) } }, fragment],
    } as unknown as DocumentNode;
    expect(sameDocument(original, copy)).toBe(true);
  });

  it('does not hold once a field is taken out, or a fragment dropped', () => {
    const op = operation as { selectionSet: { selections: { selectionSet: { selections: unknown[] } }[] } };
    const [policeModel] = op.selectionSet.selections;
    const withoutName = { ...policeModel, selectionSet: { ...policeModel!.selectionSet, selections: policeModel!.selectionSet.selections.filter((_, i) => i !== 1) } };
    const fieldOut = { ...original, definitions: [{ ...op, selectionSet: { ...op.selectionSet, selections: [withoutName] } }, fragment] } as unknown as DocumentNode;
    expect(sameDocument(original, fieldOut)).toBe(false);
    expect(sameDocument(original, { ...original, definitions: [operation] })).toBe(false);
  });
});
