// antq-verify-audit [--data-dir DIR | --database-url URL] — re-checks the gateway's audit chain.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createStorage, type StorageOptions } from '@antq/subgraph-kit';
import { verifyAuditChain } from './audit-log.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'database-url': { type: 'string' },
  },
});

const url = values['database-url'] ?? (values['data-dir'] ? undefined : process.env.AUDIT_DATABASE_URL);
const folder = join(resolve(values['data-dir'] ?? '.data/gateway'), 'audit');
if (!url && !existsSync(folder)) {
  // Opening a missing folder would create an empty store and call it intact.
  console.error(`No audit log at ${folder}. Pass --data-dir with the gateway's data folder, or --database-url for PostgreSQL.`);
  process.exit(2);
}
const options: StorageOptions = url ? { kind: 'postgres', url, poolSize: 1 } : { kind: 'pglite', dataDir: folder };
const storage = await createStorage(options);
try {
  // Read-only on purpose: the verifier never migrates or writes the database it judges.
  const verdict = await verifyAuditChain(storage, { onProgress: (checked) => console.error(`checked ${checked} entries…`) });
  if (verdict.ok) {
    console.log(`audit chain intact: ${verdict.entries} entries`);
  } else {
    console.error(`audit chain broken at entry #${verdict.firstBadSeq}: ${verdict.reason}`);
    console.error(
      `${verdict.entries} entries before it are intact. Keep the database as it is (take a copy for investigation), ` +
        `compare entry #${verdict.firstBadSeq} with backups or replicas of the audit log, and report it to the security officer; ` +
        'do not repair the chain by recomputing hashes.',
    );
    process.exitCode = 1;
  }
} catch (error) {
  const missing = (error as { code?: string }).code === '42P01';
  console.error(missing ? 'This database has no audit_log table: point the verifier at the gateway\'s audit database.' : `Could not read the audit log: ${(error as Error).message}`);
  process.exitCode = 2;
} finally {
  await storage.close();
}
