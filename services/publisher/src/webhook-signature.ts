import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe's scheme (docs/publishing.md):
 *   Reelay-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${body}`)>
 * The timestamp is signed with the body, so a captured delivery cannot be replayed
 * outside the receiver's tolerance. Several v1 entries may appear (secret rotation).
 */
export function signWebhook(secret: string, body: string, timestamp = Math.floor(Date.now() / 1_000)): string {
  return `t=${timestamp},v1=${hmac(secret, `${timestamp}.${body}`)}`;
}

/** What a receiver runs: true when a v1 matches `body` and t is within `toleranceSec` of now. */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  toleranceSec = 300,
  now = Date.now(),
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (Math.abs(now / 1_000 - timestamp) > toleranceSec) return false;
  const expected = Buffer.from(hmac(secret, `${timestamp}.${body}`), 'hex');
  return candidates.some((c) => timingSafeEqual(expected, Buffer.from(c, 'hex')));
}

function hmac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}
