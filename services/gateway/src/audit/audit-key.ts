import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Khóa kiểm toán — the secret that seals the audit chain. Kept outside the audit database, so
 * whoever can write that database cannot recompute the seals.
 */
export interface AuditKey {
  /** The secret that keys every entry's HMAC. */
  readonly secret: Buffer;
  /** Names the key without revealing it (HMAC of a fixed label): stored with the log and in checkpoints. */
  readonly id: string;
  /** Key of the checkpoints' HMAC, derived (HKDF) so a checkpoint's seal can never pass for an entry's. */
  readonly checkpointSecret: Buffer;
}

const MIN_KEY_LENGTH = 32;

/** An audit key from its text form (e.g. `openssl rand -base64 32`): at least 32 characters. */
export function auditKeyFrom(text: string): AuditKey {
  const trimmed = text.trim();
  if (trimmed.length < MIN_KEY_LENGTH) {
    throw new Error(`The audit key is ${trimmed.length} characters long; use at least ${MIN_KEY_LENGTH} (e.g. the output of \`openssl rand -base64 32\`).`);
  }
  const secret = Buffer.from(trimmed, 'utf8');
  return {
    secret,
    id: createHmac('sha256', secret).update('antq-audit-key-id').digest('hex').slice(0, 16),
    checkpointSecret: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'antq-audit-checkpoint', 32)),
  };
}

/** A random key for one process only: nothing outside it can verify what it seals (tests, benchmarks). */
export function ephemeralAuditKey(): AuditKey {
  return auditKeyFrom(randomBytes(32).toString('base64url'));
}

/**
 * The key from `ANTQ_AUDIT_KEY`, or the file named by `ANTQ_AUDIT_KEY_FILE`; undefined when
 * neither is set.
 */
export async function auditKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<AuditKey | undefined> {
  if (env.ANTQ_AUDIT_KEY) return auditKeyFrom(env.ANTQ_AUDIT_KEY);
  if (env.ANTQ_AUDIT_KEY_FILE) return readAuditKeyFile(env.ANTQ_AUDIT_KEY_FILE);
  return undefined;
}

export async function readAuditKeyFile(file: string): Promise<AuditKey> {
  return auditKeyFrom(await readFile(file, 'utf8'));
}

/**
 * The development key of `npm start`: read from `file`, or made at first start and written
 * there readable by its owner only (0600), as the development token issuer keeps its key.
 */
export async function loadOrCreateAuditKeyFile(file: string): Promise<AuditKey> {
  try {
    return await readAuditKeyFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const text = randomBytes(32).toString('base64url');
  try {
    // 'wx': two processes starting at once must not each write their own key.
    await writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readAuditKeyFile(file);
    throw error;
  }
  return auditKeyFrom(text);
}
