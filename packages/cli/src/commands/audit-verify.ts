import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../context/cli-error.js';
import { ExitCode } from '../context/exit-codes.js';
import { action } from '../context/run-action.js';

/**
 * The gateway's own verifier of its audit chain (`npm run audit:verify -w @antq/gateway`), found
 * from the folder antq runs in. It reads the gateway's database and audit key, so it ships with
 * the gateway; antq only finds and runs it.
 */
function findVerifier(cwd: string): string | undefined {
  try {
    const gateway = dirname(createRequire(join(cwd, 'package.json')).resolve('@antq/gateway/package.json'));
    const verifier = join(gateway, 'dist', 'verify-audit.js');
    return existsSync(verifier) ? verifier : undefined;
  } catch {
    return undefined;
  }
}

interface AuditOptions {
  readonly databaseUrl?: string;
  readonly keyFile?: string;
  readonly anchorDir?: string;
  readonly anchorNatsUrl?: string;
  readonly dataDir?: string;
}

export function registerAuditVerify(program: Command): void {
  program
    .command('audit')
    .description("The gateway's audit log")
    .command('verify')
    .description("Re-check the gateway's keyed audit chain and its checkpoints (runs the gateway's verifier)")
    .option('--database-url <url>', 'the audit database in PostgreSQL (env AUDIT_DATABASE_URL); default the data folder of npm start')
    .option('--key-file <file>', 'the audit key (env ANTQ_AUDIT_KEY / ANTQ_AUDIT_KEY_FILE)')
    .option('--anchor-dir <dir>', 'the checkpoints folder (env ANTQ_AUDIT_ANCHOR_DIR)')
    .option('--anchor-nats-url <url>', 'checkpoints in NATS (env ANTQ_AUDIT_ANCHOR_NATS_URL)')
    .addHelpText(
      'after',
      `
Exit codes: 0 the chain is intact · 1 it is broken (the entry is named) · 2 no log, key or checkpoints found.

Example (from the repository, after npm start has run):
  npx antq audit verify`,
    )
    .action(
      action<AuditOptions>(async (_args, options) => {
        const verifier = findVerifier(process.cwd());
        if (!verifier) {
          throw new CliError(
            'The audit verifier comes with the gateway (@antq/gateway), which is not installed here: run `npx antq audit verify` in the ANTQ Graph repository after `npm run build` (or `npm run audit:verify -w @antq/gateway` there), with the same environment as the gateway.',
            ExitCode.USAGE,
          );
        }
        const flags = [
          ['--data-dir', options.dataDir],
          ['--database-url', options.databaseUrl],
          ['--key-file', options.keyFile],
          ['--anchor-dir', options.anchorDir],
          ['--anchor-nats-url', options.anchorNatsUrl],
        ].flatMap(([flag, value]) => (value === undefined ? [] : [flag!, value]));
        const child = spawn(process.execPath, [verifier, ...flags], { stdio: 'inherit' });
        const [code] = (await once(child, 'close')) as [number | null];
        return (code ?? ExitCode.FAILED) as ExitCode;
      }),
    );
}
