import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { loadAreaRegistry } from '@antq/sdk/areas';
import type { Agency } from '@antq/sdk';
import { createStorage, type AgencySubgraph, type Storage } from '@antq/subgraph-kit';
import { ALLOWED_NETWORKS_ENV, createStreamSubgraph, parseAllowedNetworks, type StreamSubgraph } from '@antq/stream';
import {
  auditKeyFromEnv,
  auditLocationsIn,
  composeSupergraph,
  createAuditLog,
  createDevelopmentIssuer,
  createGateway,
  loadOrCreateAuditKeyFile,
  type AuditLog,
  type DevelopmentIssuer,
  type Gateway,
} from '@antq/gateway';
import { DEVELOPMENT_TOKENS, GRAPHIQL_CALLER } from './development-tokens.js';
import { AGENCY_FACTORIES as FACTORIES, startAgencySubgraph } from './agency-factories.js';

export interface EmbeddedGraphOptions {
  /** Where each subgraph keeps its PGlite store and the development issuer its key. */
  readonly dataDir: string;
  /** Start from a clean state: delete the data folder first. */
  readonly fresh?: boolean;
  /** Gateway port; 0 picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /**
   * Host names the graph answers to besides IP addresses and localhost (ANTQ_ALLOWED_HOSTS): its
   * dashboard and GraphiQL hand out development tokens, which a page that rebinds its own name to
   * this machine must not reach.
   */
  readonly allowedHosts?: readonly string[];
  /** Local development only: read tokens without verifying them (ANTQ_AUTH=off). */
  readonly authDisabled?: boolean;
  /** The gateway's response cache (on unless false; ANTQ_RESPONSE_CACHE=false). */
  readonly responseCache?: boolean;
  /** Serve the analysts' dashboard at /dashboard when its build is there (default true). */
  readonly dashboard?: boolean;
  /** Progress lines for a person watching the start. */
  readonly onProgress?: (line: string) => void;
}

export interface EmbeddedGraph extends AsyncDisposable {
  readonly gateway: Gateway;
  readonly subgraphs: Readonly<Record<Agency, AgencySubgraph>>;
  readonly stream: StreamSubgraph;
  readonly issuer: DevelopmentIssuer;
  readonly audit: AuditLog;
  /** The analysts' dashboard, when served (its build exists). */
  readonly dashboardUrl?: string;
  close(): Promise<void>;
}

/**
 * Cả hệ thống trong một tiến trình — the four agency subgraphs on embedded stores with the
 * example data, and the gateway in front of them with the development token issuer.
 */
export async function startEmbeddedGraph(options: EmbeddedGraphOptions): Promise<EmbeddedGraph> {
  const progress = options.onProgress ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  if (options.fresh) {
    progress(`Removing ${dataDir} (--fresh)`);
    await rm(dataDir, { recursive: true, force: true });
  }
  // One secret for this run: the subgraphs accept only what this gateway signs.
  const signingKey = randomBytes(32).toString('base64');
  progress('Loading the national register of administrative units');
  const registry = await loadAreaRegistry();
  const started: Partial<Record<Agency, AgencySubgraph>> = {};
  let auditStorage: Storage | undefined;
  let audit: AuditLog | undefined;
  let stream: StreamSubgraph | undefined;
  try {
    for (const agency of Object.keys(FACTORIES) as Agency[]) {
      progress(`Starting the ${agency} subgraph (data in ${join(dataDir, agency)}, loading the example data)`);
      started[agency] = await startAgencySubgraph(agency, { signingKey, registry, storage: { kind: 'pglite', dataDir: join(dataDir, agency) } });
    }
    const subgraphs = started as Record<Agency, AgencySubgraph>;
    progress(`Starting the change stream (webhooks in ${join(dataDir, 'stream')})`);
    const agencyUrls = Object.fromEntries((Object.keys(subgraphs) as Agency[]).map((agency) => [agency, subgraphs[agency].url]));
    stream = await createStreamSubgraph({
      agencies: agencyUrls,
      signingKey,
      registry,
      storage: { kind: 'pglite', dataDir: join(dataDir, 'stream') },
      port: 0,
      logLevel: 'warn',
      // A partner's receiver on this machine, as in development, and the networks an operator names.
      webhookDestinations: { allowedNetworks: ['127.0.0.0/8', '::1', ...parseAllowedNetworks(process.env[ALLOWED_NETWORKS_ENV])] },
    });
    progress('Composing the supergraph');
    const supergraph = composeSupergraph([
      ...Object.values(subgraphs).map((subgraph) => ({ name: subgraph.agency, url: subgraph.url, sdl: subgraph.sdl })),
      { name: 'stream', url: stream.url, sdl: stream.sdl },
    ]);
    const issuer = await createDevelopmentIssuer({ keyDir: join(dataDir, 'issuer') });
    const places = auditLocationsIn(dataDir);
    const anchorDir = process.env.ANTQ_AUDIT_ANCHOR_DIR ?? places.anchorDir;
    progress(`Opening the audit log (${places.database}; key ${places.keyFile}, checkpoints in ${anchorDir})`);
    // The key lives beside the audit database, not in its folder, as the issuer's key does: made at first start.
    const auditKey = (await auditKeyFromEnv()) ?? (await loadOrCreateAuditKeyFile(places.keyFile));
    auditStorage = await createStorage({ kind: 'pglite', dataDir: places.database });
    audit = await createAuditLog(auditStorage, { key: auditKey, anchors: { dir: anchorDir } });
    const dashboardRoot = options.dashboard === false ? undefined : builtDashboard();
    if (options.dashboard !== false && !dashboardRoot) progress('The dashboard is not built (npm run build -w @antq/dashboard): /dashboard is off');
    progress('Starting the gateway');
    const gateway = await createGateway({
      supergraph,
      port: options.port ?? 4000,
      host: options.host ?? '127.0.0.1',
      allowedHosts: [...(options.allowedHosts ?? []), options.host ?? '127.0.0.1'],
      signingKey,
      // Opens with a police editor's token in the Headers pane, minted for each page load.
      graphiql: { headers: async () => ({ Authorization: `Bearer ${await issuer.mint(GRAPHIQL_CALLER)}` }) },
      introspection: true,
      identity: options.authDisabled ? { disabled: true } : { keys: { kind: 'key', publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience },
      audit,
      ...(dashboardRoot ? { dashboard: { root: dashboardRoot, config: dashboardConfig(issuer) } } : {}),
      ...(options.responseCache === false ? { responseCache: false as const } : {}),
    });
    const openedAudit = audit;
    const close = async () => {
      await gateway.close();
      await openedAudit.close();
      await auditStorage?.close();
      await stream?.close();
      await Promise.all(Object.values(subgraphs).map((subgraph) => subgraph.close()));
    };
    const dashboardUrl = dashboardRoot ? gateway.url.replace(/\/graphql$/, '/dashboard/') : undefined;
    return { gateway, subgraphs, stream: stream!, issuer, audit: openedAudit, ...(dashboardUrl ? { dashboardUrl } : {}), close, [Symbol.asyncDispose]: close };
  } catch (error) {
    await audit?.close();
    await auditStorage?.close();
    await stream?.close();
    await Promise.all(Object.values(started).map((subgraph) => subgraph?.close()));
    throw error;
  }
}

/** The dashboard's static build (services/dashboard/dist), when it has been built. */
function builtDashboard(): string | undefined {
  const root = join(dirname(createRequire(import.meta.url).resolve('@antq/dashboard/package.json')), 'dist');
  return existsSync(join(root, 'index.html')) ? root : undefined;
}

/** How long the dashboard's development tokens are handed out again before new ones are minted (they live 12 h). */
const IDENTITIES_KEPT_MS = 60 * 60 * 1000;

/**
 * The development identities the dashboard's sign-in offers, each with its token. The embedded
 * mode only: a production gateway is started without them. Twelve signatures on every page load
 * would delay the page; one set serves page loads for an hour.
 */
function dashboardConfig(issuer: DevelopmentIssuer): () => Promise<{ developmentIdentities: { label: string; token: string }[] }> {
  let minted: { at: number; identities: Promise<{ label: string; token: string }[]> } | undefined;
  return () => {
    if (!minted || Date.now() - minted.at > IDENTITIES_KEPT_MS) {
      const identities = Promise.all(DEVELOPMENT_TOKENS.map(async ({ label, claims }) => ({ label, token: await issuer.mint(claims) })));
      // A failed mint is not kept: the next page load tries again.
      identities.catch(() => (minted = undefined));
      minted = { at: Date.now(), identities };
    }
    return minted.identities.then((developmentIdentities) => ({ developmentIdentities }));
  };
}
