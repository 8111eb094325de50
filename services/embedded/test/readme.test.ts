import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_TOKENS, startEmbeddedGraph, type EmbeddedGraph } from '../src/index.js';

/**
 * The README, walked: every fenced ```graphql and ```sh block of README.md runs, in order, against
 * the graph as `npm start` starts it (startEmbeddedGraph, a temporary data folder, a free port).
 *
 * - A graphql block says who asks on its first line: `# as: <agency> <role>` takes the token
 *   `npm start` prints for that caller (editor, admin, analyst — see development-tokens.ts);
 *   `# as: anyone` sends none. A block without the line fails the walk. Queries and mutations are
 *   POSTed; a subscription is followed over SSE while the README's own report-a-figure block is
 *   run again (for a year not reported yet), and must deliver that change.
 * - A `"<…>"` in a block is a placeholder the reader fills from an earlier answer; PLACEHOLDERS
 *   says from which. An undeclared one fails the walk.
 * - An sh block runs in bash (`set -euo pipefail`) from the repository root, with
 *   `127.0.0.1:4000` replaced by the test graph's address and ANTQ_DATA_DIR set to its data folder
 *   (so `npm run token` signs with its key). It must exit 0 and print no GraphQL errors.
 * - Blocks that cannot run here are in NOT_WALKED with the reason; any other block is walked.
 */

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

interface Block {
  readonly lang: 'graphql' | 'sh';
  readonly text: string;
  /** 1-based line of the opening fence, for the test's name. */
  readonly line: number;
}

const NOT_WALKED: readonly { readonly contains: string; readonly reason: string }[] = [
  { contains: 'npm ci && npm start', reason: 'installs, then starts a graph that runs until Ctrl-C on port 4000 — this test starts the same graph on a free port' },
  {
    contains: '# One PostgreSQL database per agency',
    reason: 'production mode: six processes on PostgreSQL and NATS — services/gateway/test/production-start.test.ts runs exactly this',
  },
  { contains: 'npm run new-agency', reason: 'adds an agency to the repository — services/embedded/test/fifth-agency.test.ts runs it in a copy' },
  { contains: 'extend type CoastguardModel', reason: "an agency's own contract file, not an operation — packages/subgraph-kit/test/agency-contract.test.ts serves such a field" },
];

function readmeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/^```(graphql|sh)\n([\s\S]*?)^```$/gm)) {
    blocks.push({ lang: match[1] as Block['lang'], text: match[2]!, line: markdown.slice(0, match.index).split('\n').length });
  }
  return blocks;
}

interface WalkState {
  grantId?: string;
  cursor?: string;
  updatedAt?: string;
  seq?: number;
}

/** Where each placeholder of the README comes from. */
const PLACEHOLDERS: Readonly<Record<string, (state: WalkState) => string | undefined>> = {
  '<id of a grant listed above>': (state) => state.grantId,
  '<cursor of the last event you handled>': (state) => state.cursor,
  '<updatedAt read above>': (state) => state.updatedAt,
};

function fillPlaceholders(text: string, state: WalkState): string {
  return text.replace(/"(<[^">]+>)"/g, (_whole, name: string) => {
    const fill = PLACEHOLDERS[name];
    if (!fill) throw new Error(`The README has a placeholder ${name} the walk does not know: add it to PLACEHOLDERS with where its value comes from.`);
    const value = fill(state);
    if (value === undefined) throw new Error(`Placeholder ${name}: no earlier block of the README gave a value for it.`);
    return JSON.stringify(value);
  });
}

const walked = readmeBlocks(readme).filter((block) => !NOT_WALKED.some((skip) => block.text.includes(skip.contains)));

describe('every example of the README runs as written against npm start', () => {
  let dataDir: string;
  let graph: EmbeddedGraph;
  const state: WalkState = {};

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'antq-readme-'));
    graph = await startEmbeddedGraph({ dataDir, port: 0, host: '127.0.0.1' });
  }, 600_000);
  afterAll(async () => {
    await graph?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const { post, subscribe } = readmeWalker(() => graph, state);

  function runShell(block: Block): Promise<{ code: number; stdout: string; stderr: string }> {
    const address = new URL(graph.gateway.url).host;
    const script = block.text.replaceAll('127.0.0.1:4000', address);
    return new Promise((resolve) => {
      execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd: repoRoot, env: { ...process.env, ANTQ_DATA_DIR: dataDir } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  it('walks at least the blocks it knows of, and skips only those it names', () => {
    expect(walked.length).toBeGreaterThanOrEqual(8);
    for (const skip of NOT_WALKED) expect(readme, `NOT_WALKED names a block the README no longer has: ${skip.contains}`).toContain(skip.contains);
  });

  it.each(walked.map((block) => [`${block.lang} block at README line ${block.line}`, block] as const))(
    '%s',
    async (_name, block) => {
      if (block.lang === 'sh') {
        const result = await runShell(block);
        expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, stderr: '' });
        expect(result.stdout).not.toContain('"errors"');
        if (block.text.includes('npm run -s antq')) {
          // The analysts' commands print tables and CSV: each must have answered with the unit or rows asked for.
          expect(result.stdout).toContain('Cần Giuộc');
          expect(result.stdout).toContain('Xã Long Hậu');
        } else {
          for (const line of result.stdout.split('\n').filter(Boolean)) expect(line).toMatch(/^([\w-]+\.[\w-]+\.[\w-]+|\{"data":.*)$/);
        }
        return;
      }
      if (/^\s*subscription\b/m.test(block.text)) {
        const event = await subscribe(block);
        expect(event.cursor).toEqual(expect.any(String));
        if (state.seq !== undefined) expect(event.seq).toBeGreaterThan(state.seq);
        state.cursor = event.cursor;
        state.seq = event.seq;
        return;
      }
      const { data } = await post(block);
      expect(data).toBeTruthy();
      const grants = data!.policeAccessGrants as { id: string; active: boolean }[] | undefined;
      if (grants) {
        expect(grants.length).toBeGreaterThan(0);
        state.grantId = grants.find((grant) => grant.active)?.id;
      }
      const read = data!.policeModel as { updatedAt: string } | undefined;
      if (read) state.updatedAt = read.updatedAt;
      const updated = data!.updatePoliceModel as { updatedAt: string } | undefined;
      if (updated) expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(state.updatedAt!));
      const revoked = data!.revokePoliceAccessGrant as { id: string; active: boolean; revokedAt: string } | undefined;
      if (revoked) expect(revoked).toMatchObject({ id: state.grantId, active: false, revokedAt: expect.any(String) });
    },
    180_000,
  );
});

/** How the walk posts and subscribes as a README block's caller; the graph is read when a block runs, as beforeAll starts it. */
function readmeWalker(graph: () => EmbeddedGraph, state: WalkState) {
  async function tokenFor(block: Block): Promise<string | undefined> {
    const as = /^#\s*as:\s*(.+)$/m.exec(block.text)?.[1]?.trim();
    if (!as) throw new Error(`README line ${block.line}: say who runs this block with a first line "# as: <agency> <role>" (or "# as: anyone").`);
    if (as === 'anyone') return undefined;
    const [agency, role] = as.split(/\s+/);
    const printed = DEVELOPMENT_TOKENS.find(({ claims }) => claims.agency === agency && claims.roles?.includes(role!));
    if (!printed) throw new Error(`README line ${block.line}: "# as: ${as}" is not a caller npm start prints a token for.`);
    return graph().issuer.mint(printed.claims);
  }

  async function post(block: Block): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
    const token = await tokenFor(block);
    const response = await fetch(graph().gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: fillPlaceholders(block.text, state) }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    expect(body.errors, `README line ${block.line}`).toBeUndefined();
    expect(response.status).toBe(200);
    return body;
  }

  /** Years no block has reported a figure for: the same figure reported twice is a CONFLICT. */
  let freshYear = 1950;

  /**
   * Follows a subscription over SSE until its first event, reporting the README's figure — for a
   * year not reported yet, so that it is a new figure each time — as soon as the answer's headers
   * come: as the README says, a subscription without a cursor starts then.
   */
  async function subscribe(block: Block): Promise<{ cursor: string; seq: number }> {
    const token = await tokenFor(block);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 90_000);
    try {
      const response = await fetch(graph().gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query: fillPlaceholders(block.text, state) }),
        signal: abort.signal,
      });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      const trigger = walked.find((candidate) => candidate.text.includes('reportPoliceObservation'));
      if (!trigger) throw new Error('The README has no report-a-figure block to feed the subscription examples.');
      await post({ ...trigger, text: trigger.text.replace(/period: "\d{4}"/, `period: "${(freshYear += 1)}"`) });
      let buffer = '';
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`README line ${block.line}: the stream ended without an event.`);
        buffer += chunk.value;
        const data = /^data: (.+)$/m.exec(buffer)?.[1];
        if (!data) continue;
        const payload = JSON.parse(data) as { data?: { changes: { cursor: string; seq: number } }; errors?: unknown[] };
        expect(payload.errors, `README line ${block.line}`).toBeUndefined();
        return payload.data!.changes;
      }
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  }

  return { post, subscribe };
}
