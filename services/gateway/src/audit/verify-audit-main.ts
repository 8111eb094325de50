// antq-verify-audit [--data-dir DIR | --database-url URL] [--key-file FILE] [--anchor-dir DIR] [--anchor-nats-url URL]
// — re-checks the gateway's keyed audit chain and its checkpoints.
//
// Environment: ANTQ_DATA_DIR, AUDIT_DATABASE_URL, ANTQ_AUDIT_KEY / ANTQ_AUDIT_KEY_FILE,
// ANTQ_AUDIT_ANCHOR_DIR, ANTQ_AUDIT_ANCHOR_NATS_URL — the same the gateway was started with.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createStorage, type StorageOptions } from '@antq/subgraph-kit';
import type { AuditAnchorOptions } from './audit-anchors.js';
import type { AuditVerification } from './audit-entry.js';
import { auditKeyFromEnv, readAuditKeyFile, type AuditKey } from './audit-key.js';
import { auditLocationsIn, candidateDataDirs } from './audit-locations.js';
import { verifyAuditChain } from './verify-audit-chain.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'database-url': { type: 'string' },
    'key-file': { type: 'string' },
    'anchor-dir': { type: 'string' },
    'anchor-nats-url': { type: 'string' },
  },
});
const env = process.env;

function stop(message: string): never {
  console.error(message);
  process.exit(2);
}

const url = values['database-url'] ?? (values['data-dir'] ? undefined : env.AUDIT_DATABASE_URL);
const dataDir = findDataDir();

function findDataDir(): string | undefined {
  const given = values['data-dir'] ?? env.ANTQ_DATA_DIR;
  if (given) return resolve(given);
  const candidates = candidateDataDirs(env, process.cwd(), dirname(fileURLToPath(import.meta.url)));
  const found = candidates.find((dir) => existsSync(auditLocationsIn(dir).database));
  if (found || url) return found;
  return stop(
    `No audit log found; looked in ${candidates.map((dir) => auditLocationsIn(dir).database).join(', ')}. Pass --data-dir with the data folder of \`npm start\` or of the gateway, or --database-url for PostgreSQL.`,
  );
}

const locations = dataDir ? auditLocationsIn(dataDir) : undefined;
if (!url && !existsSync(locations!.database)) {
  // Opening a missing folder would create an empty store and call it intact.
  stop(`No audit log at ${locations!.database}. Pass --data-dir with the gateway's data folder, or --database-url for PostgreSQL.`);
}

async function findKey(): Promise<AuditKey> {
  if (values['key-file']) return readAuditKeyFile(values['key-file']);
  const fromEnv = await auditKeyFromEnv(env);
  if (fromEnv) return fromEnv;
  if (locations && existsSync(locations.keyFile)) return readAuditKeyFile(locations.keyFile);
  return stop(
    'The audit chain is sealed with a key kept outside its database, and no key was given: set ANTQ_AUDIT_KEY or ANTQ_AUDIT_KEY_FILE ' +
      `(or pass --key-file) to the gateway's audit key${locations ? `; \`npm start\` keeps its key in ${locations.keyFile}` : ''}.`,
  );
}

function findAnchors(): AuditAnchorOptions {
  const natsUrl = values['anchor-nats-url'] ?? env.ANTQ_AUDIT_ANCHOR_NATS_URL;
  const dir = values['anchor-dir'] ?? env.ANTQ_AUDIT_ANCHOR_DIR ?? locations?.anchorDir;
  if (dir && existsSync(dir)) return { dir: resolve(dir), ...(natsUrl ? { natsUrl } : {}) };
  if (natsUrl) return { natsUrl };
  return stop(
    `No checkpoints at ${dir ?? '(no folder given)'}: pass --anchor-dir (or ANTQ_AUDIT_ANCHOR_DIR) with the folder the gateway writes its checkpoints to, ` +
      'or --anchor-nats-url (ANTQ_AUDIT_ANCHOR_NATS_URL). Without them, entries cut off the end of the log cannot be detected.',
  );
}

const key = await findKey().catch((error: unknown) => stop(`The audit key cannot be read: ${(error as Error).message}`));
const anchors = findAnchors();
const options: StorageOptions = url ? { kind: 'postgres', url, poolSize: 1 } : { kind: 'pglite', dataDir: locations!.database };
console.error(
  `Verifying ${url ? 'the audit database at --database-url' : locations!.database} with audit key ${key.id} against checkpoints in ${[anchors.dir, anchors.natsUrl].filter(Boolean).join(' and ')}`,
);
const storage = await createStorage(options);
try {
  // Read-only on purpose: the verifier never migrates or writes the database it judges.
  report(await verifyAuditChain(storage, { key, anchors, onProgress: (checked) => console.error(`checked ${checked} entries…`) }));
} catch (error) {
  const missing = (error as { code?: string }).code === '42P01';
  console.error(
    missing ? "This database has no audit_log table: point the verifier at the gateway's audit database." : `Could not read the audit log: ${(error as Error).message}`,
  );
  process.exitCode = 2;
} finally {
  await storage.close();
}

function report(verdict: AuditVerification): void {
  if (verdict.ok) {
    console.log(`audit chain intact: ${verdict.entries} entries`);
    if (verdict.unkeyedEntries > 0) {
      console.log(
        `entries #1–#${verdict.unkeyedEntries} were written before the audit key (v1, unkeyed SHA-256): the first keyed entry seals them, ` +
          'but whoever could write the database before the switch could have changed them unnoticed',
      );
    }
    if (verdict.latestCheckpoint) {
      console.log(
        `${verdict.checkpoints} checkpoint${verdict.checkpoints === 1 ? ' matches' : 's match'}; the newest covers entries up to #${verdict.latestCheckpoint.seq} (${verdict.latestCheckpoint.at}); entries after it are not yet anchored`,
      );
    }
    return;
  }
  console.error(`audit chain broken at entry #${verdict.firstBadSeq} (${verdict.kind}): ${verdict.reason}`);
  console.error(
    `${verdict.entries} entries before it are intact. Keep the database and the checkpoints as they are (take a copy for investigation), ` +
      `compare entry #${verdict.firstBadSeq} with backups or replicas of the audit log, and report it to the security officer; ` +
      'do not repair the chain by recomputing hashes.',
  );
  process.exitCode = 1;
}
