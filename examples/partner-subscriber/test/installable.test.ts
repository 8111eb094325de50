import { EventEmitter } from 'node:events';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packWorkspaces, postGraphQL } from '@antq/testing';
import { startEmbeddedGraph, type EmbeddedGraph } from '@antq/embedded';

/**
 * What a partner does with this folder: copy it out of the monorepo, `npm install` (its one
 * package of ours, @antq/client, as the packed tarball npm publish would upload, with the
 * @antq/sdk it depends on), and `npm start` against a gateway — here a whole graph started in this process.
 */
const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const LEFT_OUT = new Set(['node_modules', 'test', 'dist', '.partner-cursor']);
const started = Date.now();
const progress = (text: string) => console.log(`[installable ${((Date.now() - started) / 1000).toFixed(1)} s] ${text}`);

/** The environment of a partner's shell: nothing of the npm run or the vitest process that started this test. */
function partnerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|NODE_OPTIONS$|VITEST|TEST$|INIT_CWD$)/i.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command to its end; rejects with its output when it fails. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = partnerEnv({})): Promise<string> {
  progress(`$ ${command} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output.slice(-4_000)}`))));
  });
}

/**
 * A long-running npm script of the copy, its output collected; stopped as Ctrl-C would, SIGINT to
 * the whole process group (npm then ends by that signal, while the script's node process shuts
 * down on its own). `stop` resolves once every process holding the output pipes has ended.
 */
function startScript(cwd: string, args: string[], env: NodeJS.ProcessEnv) {
  progress(`$ npm ${args.join(' ')}`);
  const child: ChildProcess = spawn('npm', args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  const changed = new EventEmitter();
  child.stdout!.on('data', (chunk: Buffer) => ((output.stdout += chunk.toString()), changed.emit('output')));
  child.stderr!.on('data', (chunk: Buffer) => ((output.stderr += chunk.toString()), changed.emit('output')));
  const closed = new Promise<void>((resolve) => child.on('close', () => (changed.emit('output'), resolve())));
  return {
    output,
    /** Resolves when the output satisfies `check`, checked on each chunk the script writes; rejects after `ms`. */
    until(check: () => boolean, what: string, ms: number): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => (changed.off('output', test), reject(new Error(`timed out waiting for ${what}`))), ms);
        const test = () => {
          if (!check()) return;
          clearTimeout(timer);
          changed.off('output', test);
          resolve();
        };
        changed.on('output', test);
        test();
      });
    },
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGINT');
      await closed;
    },
  };
}

describe('the partner example, copied out of the monorepo', () => {
  let graph: EmbeddedGraph;
  let dataDir: string;
  let copy: string;
  const tokens: Record<string, string> = {};
  const scripts: ReturnType<typeof startScript>[] = [];

  const ask = async <T>(query: string, token: string, variables: Record<string, unknown> = {}) => {
    const response = await postGraphQL<T>(graph.gateway.url, { query, variables }, { headers: { authorization: `Bearer ${token}` } });
    expect(response.errors).toBeUndefined();
    return response.data!;
  };
  const createPoliceModel = async () =>
    (
      await ask<{ createPoliceModel: { id: string } }>('mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', tokens.policeEditor!, {
        input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Camera ${randomUUID()}` },
      })
    ).createPoliceModel.id;

  /** Copies the folder as a partner would, installs it from the registry, builds it. */
  async function install(): Promise<string> {
    const target = join(await mkdtemp(join(tmpdir(), 'antq-partner-copy-')), 'partner-subscriber');
    await cp(exampleDir, target, { recursive: true, filter: (source) => source === exampleDir || !LEFT_OUT.has(basename(source)) });
    progress(`copied to ${target}: ${(await readdir(target)).sort().join(' ')}`);
    const tarballs = await packWorkspaces(['@antq/sdk', '@antq/client'], join(target, '..'));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs.map((packed) => packed.tarball)], target);
    progress('installed');
    await run('npm', ['run', 'build'], target);
    progress('built');
    return target;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'antq-partner-graph-'));
    // The install waits on the network, the graph on the CPU: both at once.
    const graphStarted = startEmbeddedGraph({ dataDir, port: 0 }).then((started) => (progress(`graph up at ${started.gateway.url}`), started));
    const installed = install();
    const [graphResult, installResult] = await Promise.allSettled([graphStarted, installed]);
    if (graphResult.status === 'fulfilled') graph = graphResult.value;
    if (installResult.status === 'fulfilled') copy = installResult.value;
    if (graphResult.status === 'rejected') throw graphResult.reason;
    if (installResult.status === 'rejected') throw installResult.reason;
    tokens.policeEditor = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' });
    tokens.partner = await graph.issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'shared' });
  }, 600_000);

  afterAll(async () => {
    for (const script of scripts) await script.stop();
    await graph?.close();
    await rm(dataDir, { recursive: true, force: true });
    if (copy) await rm(join(copy, '..'), { recursive: true, force: true });
  }, 60_000);

  it('depends on public npm packages and the published @antq/client only, none of the monorepo’s private workspaces', async () => {
    const manifest = JSON.parse(await readFile(join(exampleDir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const names = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})];
    expect(names.filter((name) => name.startsWith('@antq/'))).toEqual(['@antq/client']);
    // Installed from the tarballs: real folders holding a build, not links back into the monorepo.
    for (const name of ['client', 'sdk']) {
      const installed = join(copy, 'node_modules', '@antq', name);
      expect((await lstat(installed)).isSymbolicLink(), name).toBe(false);
      expect((await readdir(installed)).sort(), name).toEqual(expect.arrayContaining(['dist', 'package.json']));
      expect(await readdir(installed), name).not.toContain('src');
    }
    const imported: string[] = [];
    for (const file of await readdir(join(copy, 'dist'))) {
      if (file.endsWith('.js')) imported.push(...[...(await readFile(join(copy, 'dist', file), 'utf8')).matchAll(/from ['"](@antq\/[^'"]+)['"]/g)].map((match) => match[1]!));
    }
    expect(new Set(imported)).toEqual(new Set(['@antq/client']));
  });

  it('`npm start` follows the stream and prints the first change, with the token from the environment only', async () => {
    const env = partnerEnv({ ANTQ_URL: graph.gateway.url, ANTQ_TOKEN: tokens.partner! });
    const partner = startScript(copy, ['start', '--', '--agency', 'POLICE'], env);
    scripts.push(partner);
    // It starts from "now": write until a change written after it subscribed is printed.
    const written: string[] = [];
    await partner.until(() => partner.output.stderr.includes('connected; following changes'), 'the partner to connect', 180_000);
    // A write may land just before the subscription is live upstream: write again each time one is not printed in 10 s.
    for (let attempt = 1; !written.some((id) => partner.output.stdout.includes(id)); attempt++) {
      written.push(await createPoliceModel());
      await partner
        .until(() => written.some((id) => partner.output.stdout.includes(id)), 'the partner to print a change', 10_000)
        .catch((error: unknown) => {
          if (attempt >= 6) throw error;
        });
    }
    const line = partner.output.stdout.split('\n').find((text) => written.some((id) => text.includes(id)))!;
    progress(`printed: ${line}`);
    expect(line.split('\t')).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT/), 'POLICE', 'created', 'security_model', expect.stringMatching(/^police-model-/), '28177']);

    await partner.stop();
    expect(partner.output.stderr).toContain('stopped; the cursor is saved');
    expect(partner.output.stderr).not.toMatch(/failed|Error/);
    expect((await readFile(join(copy, '.partner-cursor'), 'utf8')).trim()).toMatch(/^[A-Za-z0-9_-]+$/);
    // npm prints the script line it runs: the token must not be on it, nor anywhere in the output.
    expect(`${partner.output.stdout}${partner.output.stderr}`).toContain('node dist/main.js');
    expect(`${partner.output.stdout}${partner.output.stderr}`).not.toContain(tokens.partner!);
  }, 240_000);

  it('`npm run webhooks` registers a webhook, verifies its deliveries with verifyWebhook, and removes it on Ctrl-C', async () => {
    const env = partnerEnv({ ANTQ_URL: graph.gateway.url, ANTQ_TOKEN: tokens.partner! });
    const receiver = startScript(copy, ['run', 'webhooks', '--', '--port', '0', '--agency', 'POLICE'], env);
    scripts.push(receiver);
    await receiver.until(() => /webhook \S+ registered/.test(receiver.output.stderr), 'the webhook to be registered', 60_000);
    const webhookId = /webhook (\S+) registered/.exec(receiver.output.stderr)![1]!;
    const id = await createPoliceModel();
    await receiver.until(() => receiver.output.stdout.includes(id), 'the delivery to be printed', 60_000);
    expect(receiver.output.stderr).not.toContain('refused');

    await receiver.stop();
    expect(receiver.output.stderr).toContain(`webhook ${webhookId} removed`);
    expect(receiver.output.stderr).not.toMatch(/could not|Error/);
    const { webhooks } = await ask<{ webhooks: { id: string; active: boolean }[] }>('{ webhooks { id active } }', tokens.partner!);
    expect(webhooks.find((hook) => hook.id === webhookId)).toEqual({ id: webhookId, active: false });
    expect(`${receiver.output.stdout}${receiver.output.stderr}`).not.toContain(tokens.partner!);
  }, 180_000);
});
