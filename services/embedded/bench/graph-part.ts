// Child process of the change stream benchmark's `--processes` mode: one part of the graph — an
// agency subgraph, the change stream or the gateway — in a process of its own, as production
// runs them (README, "Production mode"): on the embedded stores (PGlite), so that the run compares
// with the one-process graph on the same machine, or with `--postgres` on PostgreSQL, the stream's
// changes through NATS JetStream.
import { loadAreaRegistry } from '@antq/sdk/areas';
import type { Agency } from '@antq/sdk';
import { createStorage, type StorageOptions } from '@antq/subgraph-kit';
import { createNatsBus, createStreamSubgraph, type NatsBusOptions } from '@antq/stream';
import { auditKeyFrom, createAuditLog, createGateway } from '@antq/gateway';
import { randomBytes } from 'node:crypto';
import { startAgencySubgraph } from '../src/agency-factories.js';
import { join } from 'node:path';

/** What the bench asks of a part. */
export type GraphPartCommand =
  | { readonly kind: 'agency'; readonly agency: Agency; readonly signingKey: string; readonly storage: StorageOptions }
  | {
      readonly kind: 'stream';
      readonly agencies: Readonly<Record<string, string>>;
      readonly signingKey: string;
      readonly storage: StorageOptions;
      readonly nats?: Pick<NatsBusOptions, 'servers' | 'stream' | 'subjectPrefix'>;
    }
  | {
      readonly kind: 'gateway';
      readonly supergraph: string;
      readonly signingKey: string;
      readonly identity: { readonly publicKeyPem: string; readonly issuer: string; readonly audience: string };
      readonly audit: StorageOptions;
      /** Where the audit log's checkpoints are written. */
      readonly dataDir: string;
    }
  | { readonly kind: 'cpu' }
  | { readonly kind: 'close' };

export type GraphPartReply =
  | { readonly kind: 'started'; readonly url: string; readonly sdl?: string }
  | { readonly kind: 'cpu'; readonly micros: number }
  | { readonly kind: 'closed' }
  | { readonly kind: 'error'; readonly message: string };

const send = (reply: GraphPartReply) => process.send!(reply);
let close: () => Promise<unknown> = async () => undefined;

async function start(command: Extract<GraphPartCommand, { kind: 'agency' | 'stream' | 'gateway' }>): Promise<GraphPartReply> {
  if (command.kind === 'agency') {
    const subgraph = await startAgencySubgraph(command.agency, { signingKey: command.signingKey, registry: await loadAreaRegistry(), storage: command.storage });
    close = () => subgraph.close();
    return { kind: 'started', url: subgraph.url, sdl: subgraph.sdl };
  }
  if (command.kind === 'stream') {
    const bus = command.nats ? await createNatsBus({ ...command.nats, name: 'antq-stream bench' }) : undefined;
    const stream = await createStreamSubgraph({
      agencies: command.agencies,
      signingKey: command.signingKey,
      registry: await loadAreaRegistry(),
      storage: command.storage,
      port: 0,
      logLevel: 'warn',
      ...(bus ? { bus } : {}),
    });
    close = () => stream.close();
    return { kind: 'started', url: stream.url, sdl: stream.sdl };
  }
  // Audited as the embedded graph's gateway is: a PGlite audit log of its own.
  const auditStorage = await createStorage(command.audit);
  const audit = await createAuditLog(auditStorage, { key: auditKeyFrom(randomBytes(32).toString('base64')), anchors: { dir: join(command.dataDir, 'audit-anchors') } });
  const gateway = await createGateway({
    supergraph: command.supergraph,
    port: 0,
    signingKey: command.signingKey,
    identity: { keys: { kind: 'key', publicKeyPem: command.identity.publicKeyPem }, issuer: command.identity.issuer, audience: command.identity.audience },
    audit,
  });
  close = async () => {
    await gateway.close();
    await audit.close();
    await auditStorage.close();
  };
  return { kind: 'started', url: gateway.url };
}

process.on('message', (command: GraphPartCommand) => {
  void (async () => {
    try {
      if (command.kind === 'cpu') {
        const { user, system } = process.cpuUsage();
        send({ kind: 'cpu', micros: user + system });
      } else if (command.kind === 'close') {
        await close();
        send({ kind: 'closed' });
        process.exit(0);
      } else {
        send(await start(command));
      }
    } catch (error) {
      send({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  })();
});
