// Builds what `npm start` and `npm run token` run (turbo, cached), with progress on stderr only,
// so stdout stays free for what the command prints (the token of `npm run -s token`).
// A first build takes minutes on a 2-core machine; later ones are turbo cache hits (a second or two).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

// `--unless-built <file>`: nothing to do when that file exists (`npm run token` answers at once
// instead of waiting for turbo to hash the workspace; `npm start` and `npm run build` rebuild it).
// `--filter <turbo filter>`: what to build (default the embedded graph and what it needs; `npm run antq` builds the CLI).
const { values } = parseArgs({ options: { 'unless-built': { type: 'string' }, filter: { type: 'string', default: '@antq/embedded...' } } });
if (values['unless-built'] && existsSync(values['unless-built'])) process.exit(0);

const FIRST_BUILD = 'about 1–5 min on a 2-core machine';
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const say = (line) => process.stderr.write(`${line}\n`);

const turbo = spawn(
  process.platform === 'win32' ? 'npx.cmd' : 'npx',
  ['--no-install', 'turbo', 'run', 'build', `--filter=${values.filter}`, '--output-logs=new-only', '--log-prefix=task'],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0', TURBO_NO_UPDATE_NOTIFIER: '1' } },
);

// Lines of packages built this time, printed only if the build fails.
const output = new Map();
let building = 0;
const TASK_LINE = /^(@antq\/[\w-]+):build: (.*)$/;
createInterface({ input: turbo.stdout }).on('line', (line) => {
  const task = TASK_LINE.exec(line);
  if (!task) return;
  const [, name, text] = task;
  if (/cache miss, executing|cache bypass/.test(text)) {
    if (building++ === 0) say(`Building the graph's packages (first start: ${FIRST_BUILD}; later starts reuse the build)…`);
    say(`  building ${name} (${seconds()})`);
    output.set(name, []);
  } else {
    output.get(name)?.push(text);
  }
});

turbo.on('close', (code) => {
  if (code === 0) {
    if (building > 0) say(`Built ${building} package${building === 1 ? '' : 's'} in ${seconds()}.`);
    return;
  }
  for (const [name, lines] of output) {
    if (lines.length > 0) say(`\n--- ${name}\n${lines.join('\n')}`);
  }
  say(`\nThe build failed (turbo exit code ${code}); the output above says where. Fix it, or run npm run build to see everything.`);
  process.exit(code ?? 1);
});
