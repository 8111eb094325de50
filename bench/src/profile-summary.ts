/**
 * Summarises a V8 `.cpuprofile` (node --cpu-prof): self time by package and by function, so
 * "where does the gateway's time go" has an answer in the report.
 */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** `node_modules/@scope/name/...` → `@scope/name`; workspace sources → their folder; else the URL kind. */
export function packageOf(url: string): string {
  if (url === '') return '(native / V8)';
  if (url.startsWith('node:')) return 'node:internal';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const workspace = /\/(packages|services|bench)\/([^/]+)\//.exec(url);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  return url.replace(/^file:\/\//, '').slice(-60);
}

/** Workspace sources by file (`services/gateway/src/plugins/use-audit-log.ts`), packages by name. */
function bucketOf(url: string): string | undefined {
  if (url === '' || url.startsWith('node:')) return undefined;
  const workspace = /\/((?:packages|services|bench)\/[^/]+\/src\/.+)$/.exec(url);
  if (workspace) return workspace[1]!;
  return url.includes('node_modules/') ? packageOf(url) : undefined;
}

/**
 * Inclusive time: a sample counts for every file or package on its stack (once each), so a
 * plugin's share includes what it calls — "the audit plugin costs N % of the busy time".
 */
function inclusiveShares(profile: CpuProfile, selfUs: ReadonlyMap<number, number>): Map<string, number> {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const shares = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    const buckets = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const bucket = bucketOf(byId.get(at)!.callFrame.url);
      if (bucket) buckets.add(bucket);
    }
    for (const bucket of buckets) shares.set(bucket, (shares.get(bucket) ?? 0) + us);
  }
  return shares;
}

export function summariseProfile(profile: CpuProfile, top = 25): string {
  const selfUs = new Map<number, number>();
  for (let index = 0; index < profile.samples.length; index++) {
    const id = profile.samples[index]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  }
  const total = profile.endTime - profile.startTime;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let idle = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const pkg = functionName === '(garbage collector)' ? '(garbage collector)' : functionName === '(program)' ? '(program)' : packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const name = `${functionName || '(anonymous)'}  ${packageOf(url)}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  const lines = [`  profiled ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (idle ${(idle / 1e6).toFixed(1)} s); self time as a share of busy time`];
  lines.push('  by package:');
  for (const [pkg, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`    ${pct(us)}  ${pkg}`);
  lines.push('  inclusive (self + callees), our workspace files and the largest packages:');
  const inclusive = [...inclusiveShares(profile, selfUs)].sort((a, b) => b[1] - a[1]);
  const workspaceFiles = inclusive.filter(([bucket]) => bucket.includes('/src/')).slice(0, 15);
  const packages = inclusive.filter(([bucket]) => !bucket.includes('/src/')).slice(0, 15);
  for (const [bucket, us] of workspaceFiles) lines.push(`    ${pct(us)}  ${bucket}`);
  for (const [bucket, us] of packages) lines.push(`    ${pct(us)}  ${bucket}`);
  lines.push(`  top ${top} functions (self):`);
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`    ${pct(us)}  ${name}`);
  return lines.join('\n');
}

// As a script: summarise the files given.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { readFile } = await import('node:fs/promises');
  for (const file of process.argv.slice(2)) {
    console.log(file);
    console.log(summariseProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, 40));
  }
}
