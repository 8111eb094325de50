import { isAgencyCode } from '@antq/sdk';
import { connect, DeliverPolicy, DiscardPolicy, NatsError, nanos, RetentionPolicy, StorageType, type ConsumerMessages, type JetStreamManager, type NatsConnection } from 'nats';
import type { StreamChange } from '@antq/subgraph-kit';
import type { ChangeBus } from './change-hub.js';

export interface NatsBusOptions {
  /** NATS server(s), e.g. `nats://127.0.0.1:4222` or a comma-separated list. */
  readonly servers: string | readonly string[];
  /** The JetStream stream that carries the changes (default `ANTQ_CHANGES`); created if missing. */
  readonly stream?: string;
  /** Each change goes to `<subjectPrefix>.<agency>` (default `antq.changes`). */
  readonly subjectPrefix?: string;
  /** How long the broker remembers a message id to drop copies (default 2 min). */
  readonly duplicateWindowMs?: number;
  /** How long the stream keeps a change (default 7 days); the agencies' outboxes stay the record. */
  readonly maxAgeMs?: number;
  /** Client name the server shows (default `antq-stream`). */
  readonly name?: string;
  readonly onError?: (error: unknown) => void;
}

export interface NatsBus extends ChangeBus {
  /** The JetStream stream's name and the subject pattern it holds. */
  readonly stream: string;
  readonly subjects: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Stream not found (JetStream API error code 10059). */
const isStreamNotFound = (error: unknown) => error instanceof NatsError && (error.api_error?.err_code === 10059 || error.code === '404');

function decodeChange(data: Uint8Array): StreamChange | undefined {
  const value = JSON.parse(decoder.decode(data)) as Partial<StreamChange>;
  if (typeof value !== 'object' || value === null || typeof value.agency !== 'string' || !isAgencyCode(value.agency)) return undefined;
  if (typeof value.seq !== 'number' || !Number.isInteger(value.seq) || value.seq < 1) return undefined;
  return {
    agency: value.agency,
    seq: value.seq,
    recordKind: String(value.recordKind ?? ''),
    recordId: String(value.recordId ?? ''),
    change: String(value.change ?? ''),
    areaCode: String(value.areaCode ?? ''),
    occurredAt: String(value.occurredAt ?? ''),
  };
}

async function ensureStream(jsm: JetStreamManager, name: string, subjects: string, duplicateWindowMs: number, maxAgeMs: number): Promise<void> {
  const config = {
    subjects: [subjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(duplicateWindowMs),
    max_age: nanos(maxAgeMs),
  };
  try {
    const info = await jsm.streams.info(name);
    if (!info.config.subjects?.includes(subjects)) {
      await jsm.streams.update(name, { ...info.config, subjects: [...(info.config.subjects ?? []), subjects] });
    }
    return;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  try {
    await jsm.streams.add({ name, ...config });
  } catch (error) {
    // Another instance created it between the look-up and the add.
    await jsm.streams.info(name).catch(() => Promise.reject(error));
  }
}

/**
 * Đường truyền NATS — the change bus through NATS JetStream, for several stream instances.
 * Every instance reads the agencies' outboxes and publishes each change to
 * `<prefix>.<agency>` with the message id `<agency>:<seq>:<occurredAt>`: the broker keeps the first
 * copy and drops the others (within the duplicate window), and a change an agency numbers again
 * after its store was restored from a backup is not taken for a copy of the one it replaces. Each
 * instance follows the stream with an ordered consumer from new messages only — the hub reads
 * anything older, and any gap, from the agencies' outboxes itself. A publish the broker drops as a copy is handed to this instance's
 * own handlers too, so a change this instance read is never missing from it (the hub drops copies).
 */
export async function createNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const streamName = options.stream ?? 'ANTQ_CHANGES';
  const prefix = options.subjectPrefix ?? 'antq.changes';
  const subjects = `${prefix}.*`;
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // a reporter's failure must not stop the bus
    }
  };
  const servers =
    typeof options.servers === 'string'
      ? options.servers
          .split(',')
          .map((server) => server.trim())
          .filter(Boolean)
      : [...options.servers];
  const nc: NatsConnection = await connect({ servers, name: options.name ?? 'antq-stream', maxReconnectAttempts: -1, reconnectTimeWait: 1_000 });
  try {
    await ensureStream(await nc.jetstreamManager(), streamName, subjects, options.duplicateWindowMs ?? 120_000, options.maxAgeMs ?? 7 * 24 * 3_600_000);
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw error;
  }
  const js = nc.jetstream();
  const handlers: ((change: StreamChange) => void)[] = [];
  let messages: ConsumerMessages | undefined;
  let consuming: Promise<void> | undefined;
  let closed = false;

  const deliver = (change: StreamChange) => {
    for (const handler of handlers) {
      try {
        handler(change);
      } catch (error) {
        report(error);
      }
    }
  };

  // Connection trouble is reported; the client reconnects on its own (and the ordered consumer resumes).
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'error' || status.type === 'disconnect') report(new Error(`NATS ${status.type}: ${String(status.data)}`));
    }
  })().catch(() => undefined);

  return {
    stream: streamName,
    subjects,

    async publish(change) {
      if (closed) throw new Error('The NATS change bus is closed.');
      const ack = await js.publish(`${prefix}.${change.agency}`, encoder.encode(JSON.stringify(change)), { msgID: `${change.agency}:${change.seq}:${change.occurredAt}` });
      // Another instance published it first: the broker keeps that copy, which this consumer may
      // have started too late to see.
      if (ack.duplicate) deliver(change);
    },

    async subscribe(handler) {
      if (closed) throw new Error('The NATS change bus is closed.');
      handlers.push(handler);
      if (messages) return;
      const consumer = await js.consumers.get(streamName, { filterSubjects: subjects, deliver_policy: DeliverPolicy.New });
      const started = await consumer.consume();
      messages = started;
      consuming = (async () => {
        for await (const message of started) {
          try {
            const change = decodeChange(message.data);
            if (change) deliver(change);
            else report(new Error(`Dropped a message on ${message.subject} that is not a change.`));
          } catch (error) {
            report(error);
          }
        }
      })().catch((error: unknown) => {
        if (!closed) report(error);
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      handlers.length = 0;
      if (messages) {
        messages.stop();
        await consuming;
      }
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
