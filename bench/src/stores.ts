/** Where the agencies keep their data in a run. */
import type { Agency } from '@antq/sdk';
import { createStorage, type StorageOptions } from '@antq/subgraph-kit';
import { AGENCIES } from './dataset.js';
import type { TargetKind } from './gateway-host.js';
import { argv, log, option, settings, type Storages } from './options.js';

/** Our gateways that keep an audit log: on PostgreSQL each gets a fresh database of its own, as production runs it. */
const AUDITED: readonly TargetKind[] = ['ours', 'ours-uncached', 'ours-no-metrics'];

/**
 * Where the agencies keep their data: PGlite in memory in each subgraph process (quick mode,
 * the embedded mode's engine), or one PostgreSQL database per agency on the server of
 * `--database-url` (full mode: the national dataset is ~16 million observations), created if
 * missing and kept between runs (`--fresh` drops them first). With PostgreSQL the monolith
 * opens the very same databases, and our gateways write their audit log to databases of their own
 * (`antq_bench_audit_<target>`, emptied at every run).
 */
export async function prepareStores(mode: 'quick' | 'full'): Promise<Storages> {
  const url = option('database-url') ?? process.env.ANTQ_BENCH_DATABASE_URL;
  if (!url) {
    if (mode === 'full' && !argv.includes('--pglite')) {
      throw new Error(
        'The full mode needs PostgreSQL: pass --database-url postgres://user@host:port/postgres (a role that may CREATE DATABASE), ' +
          'or ANTQ_BENCH_DATABASE_URL. --pglite runs it on in-memory PGlite anyway (needs much memory and patience). See BENCHMARKS.md.',
      );
    }
    return { options: Object.fromEntries(AGENCIES.map((agency) => [agency, { kind: 'pglite' }])) as Record<Agency, StorageOptions>, shared: false };
  }
  const admin = await createStorage({ kind: 'postgres', url, poolSize: 1 });
  const options = {} as Record<Agency, StorageOptions>;
  const audit: Partial<Record<TargetKind, StorageOptions>> = {};
  const databaseUrl = (database: string) => {
    const target = new URL(url);
    target.pathname = `/${database}`;
    return target.href;
  };
  try {
    for (const agency of AGENCIES) {
      const database = `antq_bench_${agency}`;
      if (argv.includes('--fresh')) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.length === 0) await admin.query(`CREATE DATABASE ${database}`);
      options[agency] = { kind: 'postgres', url: databaseUrl(database), poolSize: 10 };
    }
    for (const kind of AUDITED.filter((target) => settings.targets.includes(target))) {
      const database = `antq_bench_audit_${kind.replaceAll('-', '_')}`;
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${database}`);
      audit[kind] = { kind: 'postgres', url: databaseUrl(database), poolSize: 10 };
    }
  } finally {
    await admin.close();
  }
  log(`Stores: PostgreSQL databases antq_bench_{${AGENCIES.join(',')}} on ${new URL(url).host}; audit logs in antq_bench_audit_{${Object.keys(audit).join(',')}}`);
  return { options, shared: true, audit };
}
