import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { createAgencySubgraph, type AgencySubgraph } from '@antq/subgraph-kit';
import { composeSupergraph, createGateway, type Gateway } from '../src/index.js';
import { agencySdl, post } from './two-agency-graph.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const policeMain = join(repoRoot, 'services/police/src/main.ts');

let police: ChildProcess;
let dataDir: string;
let front: AgencySubgraph;
let gateway: Gateway;
const TIMEOUT_MS = 1_500;

/** Starts the police subgraph's main as its own process on a free port; resolves with its URL. */
function startPolice(env: Record<string, string>): Promise<string> {
  // From source with tsx as a loader (no build of the police service needed), in this very
  // process: the tsx CLI would run it in a child, which SIGSTOP on the CLI would not freeze.
  police = spawn(process.execPath, ['--import', 'tsx', '--conditions=@antq/source', policeMain], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    police.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /police subgraph listening on (\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    police.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    police.once('exit', (code) => reject(new Error(`the police subgraph exited with ${code} before it listened:\n${output}`)));
  });
}

beforeAll(async () => {
  const signingKey = randomBytes(32).toString('base64');
  dataDir = await mkdtemp(join(tmpdir(), 'antq-timeout-'));
  const url = await startPolice({ PORT: '0', ANTQ_DATA_DIR: dataDir, ANTQ_SIGNING_KEY: signingKey, LOG_LEVEL: 'silent' });
  front = await createAgencySubgraph({ agency: 'front', typeDefs: await agencySdl('front') }, { signingKey, registry: await loadAreaRegistry(), logLevel: 'silent' });
  const supergraph = composeSupergraph([
    { name: 'police', url, sdl: await agencySdl('police') },
    { name: 'front', url: front.url, sdl: await agencySdl('front') },
  ]);
  gateway = await createGateway({
    supergraph,
    port: 0,
    signingKey,
    identity: { disabled: true },
    responseCache: false,
    limits: { upstreamTimeoutMs: TIMEOUT_MS },
    logLevel: false,
  });
}, 300_000);

afterAll(async () => {
  await gateway?.close();
  await front?.close();
  if (police && police.exitCode === null) {
    police.kill('SIGCONT');
    const exited = new Promise((resolve) => police.once('exit', resolve));
    police.kill('SIGKILL');
    await exited;
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 120_000);

/** Runs `check` while the police process is frozen (SIGSTOP), and thaws it whatever happens. */
async function whileFrozen(check: () => Promise<void>) {
  police.kill('SIGSTOP');
  try {
    await check();
  } finally {
    police.kill('SIGCONT');
  }
}

function expectPoliceTimeout(errors: readonly { message: string; extensions?: Record<string, unknown> }[] | undefined) {
  expect(errors?.length).toBeGreaterThan(0);
  for (const error of errors!) {
    expect(error.extensions).toEqual({ code: 'GATEWAY_TIMEOUT', agency: 'police' });
    expect(error.message).toMatch(/police/);
    expect(error.message).toContain(`${TIMEOUT_MS} ms`);
  }
}

describe('a subgraph that does not answer in time', () => {
  const policeOnly = '{ policeModels(first: 1) { totalCount } }';
  const both = '{ area(code: "28159") { code front { agency } police { agency } } }';

  it('is named in the timeout error of a query it alone answers', async () => {
    expect((await post(gateway.url, policeOnly)).body.errors).toBeUndefined();
    await whileFrozen(async () => {
      const started = Date.now();
      const answer = await post(gateway.url, policeOnly);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 5_000);
      expectPoliceTimeout(answer.body.errors);
    });
    // Once it answers again, so does the gateway.
    expect((await post(gateway.url, policeOnly)).body.errors).toBeUndefined();
  });

  it('is named in the timeout error of its part of a cross-agency query, the rest standing', async () => {
    expect((await post(gateway.url, both)).body.errors).toBeUndefined();
    await whileFrozen(async () => {
      const answer = await post(gateway.url, both);
      expectPoliceTimeout(answer.body.errors);
      expect(answer.body.data).toMatchObject({ area: { code: '28159', front: { agency: 'FRONT' }, police: null } });
    });
  });
});
