// Run inside a copy of the repository to which `npm run new-agency -- coastguard …` added a fifth agency:
// starts the whole graph and tries the new agency as its users would, printing what happened as JSON.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postGraphQL } from '@antq/testing';
import { startEmbeddedGraph } from '../../src/index.js';

const dataDir = await mkdtemp(join(tmpdir(), 'antq-fifth-agency-data-'));
const graph = await startEmbeddedGraph({ dataDir, port: 0, responseCache: false });
try {
  const mint = (agency: string, roles: string[], clearance = 'restricted') =>
    graph.issuer.mint({ agency, jurisdiction: '80', roles, clearance } as Parameters<typeof graph.issuer.mint>[0]);
  const editor = await mint('coastguard', ['editor']);
  const admin = await mint('coastguard', ['admin']);
  const policeRestricted = await mint('police', ['analyst']);
  const policeEditor = await mint('police', ['editor']);
  const ask = (token: string, query: string, variables?: Record<string, unknown>) =>
    postGraphQL<Record<string, any>>(graph.gateway.url, { query, ...(variables ? { variables } : {}) }, { headers: { authorization: `Bearer ${token}` } });

  const areaView = await ask(policeRestricted, '{ area(code: "80") { name coastguard { agency models { totalCount } } police { agency } } }');
  const created = await ask(
    editor,
    'mutation { createCoastguardModel(input: { kind: "grassroots_mediation", status: ACTIVE, areaCode: "28159", name: "Tổ hòa giải ven biển" }) { id agency organisation area { code } } }',
  );
  const reported = await ask(
    editor,
    'mutation { reportCoastguardObservation(input: { indicator: "crime_tips_received", areaCode: "28159", period: "2025-09", value: 3 }) { id value } }',
  );
  const observationId = reported.data?.reportCoastguardObservation?.id as string;
  const corrected = await ask(editor, 'mutation ($id: ID!) { correctCoastguardObservation(id: $id, input: { value: 4, note: "late report" }) { revision } }', {
    id: observationId,
  });
  const historyQuery = '{ coastguardObservations(filter: { area: "80" }) { nodes { value history { revision value } } } }';
  const historyBeforeGrant = await ask(policeRestricted, historyQuery);
  const historyOwner = await ask(editor, historyQuery);
  const foreignWrite = await ask(
    policeEditor,
    'mutation { createCoastguardModel(input: { kind: "grassroots_mediation", status: ACTIVE, areaCode: "28159", name: "not ours" }) { id } }',
  );
  const validUntil = new Date(Date.now() + 86_400_000).toISOString();
  const granted = await ask(admin, 'mutation ($until: DateTime!) { grantCoastguardAccess(input: { grantee: POLICE, areaCode: "80", validUntil: $until }) { id active } }', {
    until: validUntil,
  });
  // A grant made through this gateway is in force for its very next operation.
  const historyAfterGrant = await ask(policeRestricted, historyQuery);
  const modelsAfter = await ask(policeRestricted, '{ coastguardModels(filter: { area: "80" }) { totalCount nodes { name } } }');
  console.log(JSON.stringify({ areaView, created, reported, corrected, historyBeforeGrant, historyOwner, foreignWrite, granted, historyAfterGrant, modelsAfter }));
} finally {
  await graph.close();
  await rm(dataDir, { recursive: true, force: true });
}
