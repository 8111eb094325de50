import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect, NatsError, RetentionPolicy, StorageType, type JetStreamManager, type NatsConnection } from 'nats';
import type { AuditKey } from './audit-key.js';

/**
 * Mốc neo — a signed statement of the chain's head at one moment, kept where the audit
 * database's writer cannot rewrite it. A log shorter than a checkpoint, or with another entry
 * at a checkpoint's place, was truncated or rewritten.
 */
export interface AuditCheckpoint {
  /** Entries in the log (seq starts at 1 with no gaps, so it equals `seq`). */
  readonly count: number;
  /** The head entry's seq and hash. */
  readonly seq: number;
  readonly hash: string;
  /** ISO 8601. */
  readonly at: string;
  /** The audit key's id, and the first entry sealed with it (earlier ones are unkeyed v1 entries). */
  readonly keyId: string;
  readonly keyedFrom: number;
}

export interface SignedCheckpoint extends AuditCheckpoint {
  readonly mac: string;
}

/** Where checkpoints go: an append-only folder, and optionally a NATS JetStream stream. */
export interface AuditAnchorOptions {
  /** Folder of the append-only JSON-lines checkpoint files (`ANTQ_AUDIT_ANCHOR_DIR`). */
  readonly dir?: string;
  /** NATS server(s) whose JetStream keeps a copy of every checkpoint (`ANTQ_AUDIT_ANCHOR_NATS_URL`). */
  readonly natsUrl?: string;
  /** JetStream stream (default `ANTQ_AUDIT_ANCHORS`), created with deny_delete and deny_purge. */
  readonly natsStream?: string;
}

export const ANCHOR_FILE = 'audit-checkpoints.jsonl';
const NATS_STREAM = 'ANTQ_AUDIT_ANCHORS';
// One subject per stream: two streams may not share a subject.
const subjectOf = (stream: string) => `antq.audit-anchors.${stream}`;

// Fixed field order: the MAC covers exactly these fields, whatever order a JSON reader keeps.
const sealedText = (c: AuditCheckpoint) => JSON.stringify({ v: 1, count: c.count, seq: c.seq, hash: c.hash, at: c.at, keyId: c.keyId, keyedFrom: c.keyedFrom });

/**
 * Seals a checkpoint with HMAC-SHA256 under a key derived from the audit key. Not Ed25519: the
 * auditor needs the audit key to check the entries anyway, so a public key would let nobody check
 * more, and one secret is less to keep and rotate.
 */
export function signCheckpoint(key: AuditKey, checkpoint: AuditCheckpoint): SignedCheckpoint {
  return { ...checkpoint, mac: createHmac('sha256', key.checkpointSecret).update(sealedText(checkpoint)).digest('hex') };
}

export function checkpointSealIsValid(key: AuditKey, checkpoint: SignedCheckpoint): boolean {
  const expected = Buffer.from(signCheckpoint(key, checkpoint).mac, 'hex');
  const actual = Buffer.from(String(checkpoint.mac), 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export interface CheckpointSink {
  /** Resolves once the checkpoint is on disk (and acknowledged by JetStream when configured). */
  write(checkpoint: SignedCheckpoint): Promise<void>;
  close(): Promise<void>;
}

/** Opens the anchors for appending; the folder is created (0700) when missing. */
export async function openCheckpointSink(options: AuditAnchorOptions): Promise<CheckpointSink> {
  let file: FileHandle | undefined;
  let nats: NatsConnection | undefined;
  try {
    if (options.dir) {
      await mkdir(options.dir, { recursive: true, mode: 0o700 });
      // 'a': every write goes to the end, whatever else holds the file open.
      file = await open(join(options.dir, ANCHOR_FILE), 'a', 0o600);
    }
    if (options.natsUrl) {
      nats = await connect({ servers: options.natsUrl.split(','), name: 'antq-gateway-audit' });
      await ensureAnchorStream(await nats.jetstreamManager(), options.natsStream ?? NATS_STREAM);
    }
  } catch (error) {
    await file?.close();
    await nats?.close();
    throw error;
  }
  const js = nats?.jetstream();
  const subject = subjectOf(options.natsStream ?? NATS_STREAM);
  return {
    async write(checkpoint) {
      const line = `${JSON.stringify(checkpoint)}\n`;
      if (file) {
        // One write call per line: concurrent appenders never interleave inside a line.
        await file.write(line);
        await file.datasync();
      }
      if (js) await js.publish(subject, new TextEncoder().encode(line));
    },
    async close() {
      await file?.close();
      await nats?.drain();
    },
  };
}

const isStreamNotFound = (error: unknown) => error instanceof NatsError && (error.api_error?.err_code === 10059 || error.code === '404');

async function ensureAnchorStream(jsm: JetStreamManager, name: string): Promise<void> {
  try {
    const info = await jsm.streams.info(name);
    if (!info.config.deny_delete || !info.config.deny_purge) {
      throw new Error(`The JetStream stream ${name} allows deleting or purging messages; recreate it with deny_delete and deny_purge, or name another stream.`);
    }
    return;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  await jsm.streams.add({
    name,
    subjects: [subjectOf(name)],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    deny_delete: true,
    deny_purge: true,
  });
}

/** One checkpoint as read back, or why a stored line is not one. */
export interface ReadCheckpoint {
  /** "file:line" or "nats STREAM #seq". */
  readonly source: string;
  readonly checkpoint?: SignedCheckpoint;
  readonly problem?: string;
}

function parseCheckpoint(text: string): SignedCheckpoint | undefined {
  try {
    const value = JSON.parse(text) as Partial<SignedCheckpoint>;
    const whole = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
    if (!whole(value.count) || !whole(value.seq) || !whole(value.keyedFrom)) return undefined;
    if (typeof value.hash !== 'string' || typeof value.at !== 'string' || typeof value.keyId !== 'string' || typeof value.mac !== 'string') return undefined;
    return value as SignedCheckpoint;
  } catch {
    return undefined;
  }
}

/** Every checkpoint in the folder (all `*.jsonl` files, so rotated files count) and the stream. */
export async function* readCheckpoints(options: AuditAnchorOptions): AsyncGenerator<ReadCheckpoint> {
  if (options.dir) {
    const files = (await readdir(options.dir)).filter((name) => name.endsWith('.jsonl')).sort();
    for (const name of files) yield* readCheckpointFile(join(options.dir, name));
  }
  if (options.natsUrl) yield* readNatsCheckpoints(options.natsUrl, options.natsStream ?? NATS_STREAM);
}

async function* readCheckpointFile(path: string): AsyncGenerator<ReadCheckpoint> {
  let number = 0;
  let unreadable: ReadCheckpoint | undefined;
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    number += 1;
    if (unreadable) yield unreadable;
    unreadable = undefined;
    if (line.trim() === '') continue;
    const checkpoint = parseCheckpoint(line);
    if (checkpoint) yield { source: `${path}:${number}`, checkpoint };
    else unreadable = { source: `${path}:${number}`, problem: 'is not a checkpoint' };
  }
  // A last line cut short by a crash mid-write is no evidence of anything; one followed by a newline is.
  if (unreadable && (await endsWithNewline(path))) yield unreadable;
}

async function endsWithNewline(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

async function* readNatsCheckpoints(url: string, stream: string): AsyncGenerator<ReadCheckpoint> {
  const nats = await connect({ servers: url.split(','), name: 'antq-verify-audit' });
  try {
    const info = await (await nats.jetstreamManager()).streams.info(stream).catch((error: unknown) => {
      if (isStreamNotFound(error)) throw new Error(`NATS at ${url} has no stream ${stream}: point ANTQ_AUDIT_ANCHOR_NATS_URL at the server the gateway anchors to.`);
      throw error;
    });
    if (info.state.messages === 0) return;
    // An ordered consumer reads the stream from its start, without leaving a durable consumer behind.
    const consumer = await nats.jetstream().consumers.get(stream);
    const messages = await consumer.consume();
    try {
      for await (const message of messages) {
        const checkpoint = parseCheckpoint(new TextDecoder().decode(message.data));
        const source = `nats ${stream} #${message.seq}`;
        yield checkpoint ? { source, checkpoint } : { source, problem: 'is not a checkpoint' };
        if (message.seq >= info.state.last_seq) break;
      }
    } finally {
      await messages.close();
    }
  } finally {
    await nats.close();
  }
}
