import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ErrorCode, type EncryptedValue, isEncryptedValue } from '@reelay/contracts';
import { PermanentError, ReelayError } from '../errors.js';

/**
 * Encryption at rest for the input fields a task marks sensitive (its definition's
 * `sensitive` paths): AES-256-GCM from node:crypto, a fresh 96-bit IV per value, the
 * job id and the field path as additional authenticated data. The key comes from
 * configuration (REELAY_ENCRYPTION_KEY, 32 bytes as base64 or hex); its id — a
 * fingerprint, never the key — travels with every ciphertext, so a key can be rotated:
 * the new key encrypts, and the old one, kept in REELAY_ENCRYPTION_PREVIOUS_KEYS, still
 * decrypts what was written before.
 *
 * The gateway seals at submit; only a worker opens, right before the handler runs.
 */
export class EncryptionKeyMissingError extends ReelayError {
  constructor(type: string) {
    super(
      ErrorCode.ENCRYPTION_KEY_MISSING,
      `task ${type} marks input fields sensitive, but no REELAY_ENCRYPTION_KEY is configured here to encrypt them`,
      { retryable: false },
    );
  }
}

export class DecryptionError extends PermanentError {
  constructor(message: string) {
    super(message, { code: ErrorCode.DECRYPTION_FAILED });
  }
}

const ALGORITHM = 'aes-256-gcm';

export interface InputCipherKeys {
  /** The key new values are sealed with: 32 bytes, base64 or hex. */
  key?: string | undefined;
  /** Keys that only open values sealed before a rotation. */
  previousKeys?: readonly string[] | undefined;
}

export class InputCipher {
  private constructor(
    private readonly current: { id: string; key: Buffer } | undefined,
    private readonly byId: ReadonlyMap<string, Buffer>,
  ) {}

  /** Throws on a key that is not 32 bytes; with no keys at all, a cipher that can neither seal nor open. */
  static fromKeys(keys: InputCipherKeys): InputCipher {
    const byId = new Map<string, Buffer>();
    const current = keys.key ? parseKey(keys.key, 'REELAY_ENCRYPTION_KEY') : undefined;
    if (current) byId.set(current.id, current.key);
    for (const [i, raw] of (keys.previousKeys ?? []).entries()) {
      const k = parseKey(raw, `REELAY_ENCRYPTION_PREVIOUS_KEYS[${i}]`);
      if (!byId.has(k.id)) byId.set(k.id, k.key);
    }
    return new InputCipher(current, byId);
  }

  /** The id of the key new values are sealed with; undefined when none is configured. */
  get keyId(): string | undefined {
    return this.current?.id;
  }

  /**
   * A copy of `input` with the value at each path sealed. A path that is absent is
   * skipped; a value that is sealed already (a requeue of a dead job) is kept as it is.
   */
  seal(input: unknown, paths: readonly string[], context: { jobId: string; type: string }): unknown {
    if (paths.length === 0 || typeof input !== 'object' || input === null) return input;
    if (!this.current) throw new EncryptionKeyMissingError(context.type);
    const { id, key } = this.current;
    let out: unknown = input;
    for (const path of paths) {
      out = updateAt(out, path.split('.'), (value) => {
        if (value === undefined || isEncryptedValue(value)) return value;
        const iv = randomBytes(12);
        const cipher = createCipheriv(ALGORITHM, key, iv);
        cipher.setAAD(aad(context.jobId, path));
        const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
        const sealed: EncryptedValue = {
          $enc: ALGORITHM,
          kid: id,
          iv: iv.toString('base64'),
          tag: cipher.getAuthTag().toString('base64'),
          ct: ct.toString('base64'),
        };
        return sealed;
      });
    }
    return out;
  }

  /** A copy of `input` with every sealed value, wherever it is, opened. Throws DecryptionError. */
  open(input: unknown, jobId: string): unknown {
    return this.openAt(input, [], jobId, 0);
  }

  private openAt(value: unknown, path: string[], jobId: string, depth: number): unknown {
    if (depth > 64 || typeof value !== 'object' || value === null) return value;
    if (isEncryptedValue(value)) return this.openOne(value, path.join('.'), jobId);
    if (Array.isArray(value)) return value;
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const opened = this.openAt(v, [...path, k], jobId, depth + 1);
      if (opened !== v) {
        out ??= { ...(value as Record<string, unknown>) };
        out[k] = opened;
      }
    }
    return out ?? value;
  }

  private openOne(sealed: EncryptedValue, path: string, jobId: string): unknown {
    const key = this.byId.get(sealed.kid);
    if (!key) {
      throw new DecryptionError(
        `input field ${path} is sealed with key ${sealed.kid}, which this worker does not have (REELAY_ENCRYPTION_KEY / REELAY_ENCRYPTION_PREVIOUS_KEYS)`,
      );
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(aad(jobId, path));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
      return JSON.parse(plain.toString('utf8'));
    } catch {
      // GCM refuses a changed ciphertext, tag, job id or path alike; say which field, not why.
      throw new DecryptionError(`input field ${path} does not decrypt with key ${sealed.kid} (altered, or sealed for another job)`);
    }
  }
}

function aad(jobId: string, path: string): Buffer {
  return Buffer.from(`reelay:${jobId}:${path}`, 'utf8');
}

/** `k` + 16 hex digits of a hash of the key: names the key, reveals nothing of it. */
export function keyId(key: Buffer): string {
  return `k${createHash('sha256').update('reelay-encryption-key-id').update(key).digest('hex').slice(0, 16)}`;
}

function keyBytes(raw: string): Buffer {
  const text = raw.trim();
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}

/** Whether `raw` is a usable key: 32 bytes as hex or base64 (what config parsing checks). */
export function isEncryptionKey(raw: string): boolean {
  return keyBytes(raw).length === 32;
}

function parseKey(raw: string, name: string): { id: string; key: Buffer } {
  const key = keyBytes(raw);
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes, as base64 (44 characters) or hex (64 characters)`);
  return { id: keyId(key), key };
}

/** A copy of `obj` with the value at `keys` replaced by `change(value)`; objects on the way are copied, not changed. */
function updateAt(obj: unknown, keys: string[], change: (value: unknown) => unknown): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return obj;
  const [head, ...rest] = keys as [string, ...string[]];
  const current = (obj as Record<string, unknown>)[head];
  const next = rest.length === 0 ? change(current) : updateAt(current, rest, change);
  if (next === current) return obj;
  return { ...(obj as Record<string, unknown>), [head]: next };
}

/** Whether any value in `input`, at any depth, is sealed: a cheap check before opening. */
export function containsSealed(input: unknown, depth = 0): boolean {
  if (depth > 64 || typeof input !== 'object' || input === null) return false;
  if (isEncryptedValue(input)) return true;
  for (const v of Array.isArray(input) ? input : Object.values(input)) if (containsSealed(v, depth + 1)) return true;
  return false;
}
