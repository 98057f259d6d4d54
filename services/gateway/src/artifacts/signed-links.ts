import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring artifact links for platforms that fetch media themselves (Instagram's
 * `video_url`): `/v1/artifacts/<id>?expires=<unix seconds>&sig=<hex HMAC-SHA256 of
 * "<id>.<expires>" with PUBLIC_LINK_SECRET>`. The publisher signs with the same rule.
 */
export function signArtifactLink(secret: string, artifactId: string, expiresAtSec: number): string {
  return createHmac('sha256', secret).update(`${artifactId}.${expiresAtSec}`).digest('hex');
}

export function verifyArtifactLink(secret: string, artifactId: string, expires: string, sig: string, nowSec = Date.now() / 1000): boolean {
  const expiresAt = Number(expires);
  if (!Number.isInteger(expiresAt) || expiresAt < nowSec) return false;
  const expected = Buffer.from(signArtifactLink(secret, artifactId, expiresAt), 'hex');
  const given = Buffer.from(sig, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
