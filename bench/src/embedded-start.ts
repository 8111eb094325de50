/*
 * npm run bench:start — what a user feels of `npm start`: the time to ready on a first start (a new
 * data folder: six stores created, the example data loaded; once also on a machine without the
 * pristine cluster the stores are copied from) and on a later one, the memory held
 * at rest and the CPU burnt at rest. Starts the built graph (services/embedded/dist/main.js) as a
 * user does, on a free port and a temporary data folder. Reads the process's own counters from
 * /proc, so it runs on Linux.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../services/embedded/dist/main.js', import.meta.url));
/** The Node flags `npm start` gives the graph (the root package.json's `start`), so this measures what it runs. */
const NODE_FLAGS = await startFlags();
const REST_MS = 10_000;
const TICKS_PER_SECOND = 100;

interface StartMeasure {
  readonly readyMs: number;
  readonly rssMb: number;
  /** Share of one core used over REST_MS with no request. */
  readonly restCpu: number;
}

async function startFlags(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { scripts: { start: string } };
  const command = /node ((?:--\S+ )*)services\/embedded\/dist\/main\.js/.exec(manifest.scripts.start);
  if (!command) throw new Error(`package.json's start script does not run services/embedded/dist/main.js with node: ${manifest.scripts.start}`);
  return command[1]!.split(' ').filter(Boolean);
}

async function cpuTicks(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
  return Number(fields[11]) + Number(fields[12]);
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write('.');
      if (output.includes('Press Ctrl-C')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${String(code)} before it was ready:\n${output.slice(-2_000)}`)));
  });
}

async function measureStart(dataDir: string, fresh: boolean, templateDir: string): Promise<StartMeasure> {
  const began = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, MAIN, '--port', '0', '--data-dir', dataDir, ...(fresh ? ['--fresh'] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ANTQ_PGLITE_TEMPLATE_DIR: templateDir },
  });
  try {
    await waitForReady(child);
    const readyMs = performance.now() - began;
    // Settle: the first long polls and timers are set up right after the banner.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const before = await cpuTicks(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, REST_MS));
    const restCpu = (await cpuTicks(child.pid!)) - before;
    return { readyMs, rssMb: await rssMb(child.pid!), restCpu: restCpu / TICKS_PER_SECOND / (REST_MS / 1_000) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
}

const dataDir = await mkdtemp(join(tmpdir(), 'antq-start-'));
// The pristine cluster the stores start from (see the kit's storage) in a folder of its own, so that
// the very first start on a machine, which makes it, is measured too.
const templateDir = await mkdtemp(join(tmpdir(), 'antq-start-template-'));
try {
  console.error(`Measuring npm start (node ${[...NODE_FLAGS, MAIN].join(' ')}) on ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}; data in ${dataDir}`);
  const firstEver = await measureStart(dataDir, true, templateDir);
  const first = await measureStart(dataDir, true, templateDir);
  const later = await measureStart(dataDir, false, templateDir);
  console.error('');
  const row = (label: string, value: StartMeasure) =>
    `| ${label} | ${(value.readyMs / 1_000).toFixed(1)} s | ${value.rssMb.toFixed(0)} MB | ${(value.restCpu * 100).toFixed(1)} % |`;
  console.log('| start | to ready | RSS at rest | CPU at rest (of one core, over 10 s) |');
  console.log('| --- | --- | --- | --- |');
  console.log(row('first on a machine (the pristine cluster made too)', firstEver));
  console.log(row('first (new data folder)', first));
  console.log(row('later (data folder exists)', later));
  console.log(`load average after: ${loadavg()[0]!.toFixed(2)}`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
  await rm(templateDir, { recursive: true, force: true });
}
