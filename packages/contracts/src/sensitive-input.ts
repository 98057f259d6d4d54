import { z } from 'zod';

/**
 * Inputs a task marks sensitive (`defineTask({ sensitive: ['credentials.token'] })`):
 * each such field is encrypted before the job is written anywhere — the queue message,
 * the job record in EVENTS, the DLQ — and decrypted only inside the worker, just before
 * its handler runs. What every reader outside the worker sees in its place is
 * `REDACTED_VALUE`.
 */

/**
 * A field path: object keys joined by dots (`token`, `credentials.apiKey`). Paths do not
 * reach into arrays; mark the array's parent field instead.
 */
export const SENSITIVE_PATH_PATTERN = /^[A-Za-z_$][A-Za-z0-9_$-]*(\.[A-Za-z_$][A-Za-z0-9_$-]*){0,7}$/;
export const SensitivePath = z.string().regex(SENSITIVE_PATH_PATTERN, 'not a field path (keys joined by dots)');

/** The marker shown instead of a sensitive value by the gateway's REST, SSE and WebSocket answers. */
export const REDACTED_VALUE = '[redacted]';

/**
 * A sensitive value at rest: AES-256-GCM of the value's JSON, with the job id and the
 * field path as additional authenticated data (a ciphertext copied to another job or
 * field does not decrypt). `kid` names the key, so keys can be rotated: new writes use
 * the current key, older ciphertexts still decrypt with a previous key that is
 * configured.
 */
export const EncryptedValue = z
  .object({
    $enc: z.literal('aes-256-gcm'),
    kid: z.string().min(1).max(64),
    /** 12-byte IV, base64. */
    iv: z.string(),
    /** 16-byte GCM tag, base64. */
    tag: z.string(),
    /** Ciphertext, base64. */
    ct: z.string(),
  })
  .strict();
export type EncryptedValue = z.infer<typeof EncryptedValue>;

export function isEncryptedValue(value: unknown): value is EncryptedValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { $enc?: unknown }).$enc === 'aes-256-gcm' &&
    EncryptedValue.safeParse(value).success
  );
}

/**
 * A copy of `value` with every encrypted value replaced by `REDACTED_VALUE`, at any
 * depth: what a view of a job record shows. Values that are not encrypted are kept.
 */
export function redactEncrypted<T>(value: T): T {
  return redact(value, 0) as T;
}

function redact(value: unknown, depth: number): unknown {
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (isEncryptedValue(value)) return REDACTED_VALUE;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = redact(v, depth + 1);
      if (r !== v) changed = true;
      return r;
    });
    return changed ? out : value;
  }
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = redact(v, depth + 1);
    if (r !== v) changed = true;
    out[k] = r;
  }
  return changed ? out : value;
}
