import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring links to an artifact, for platforms that fetch the video themselves
 * (Instagram's video_url). The gateway serves `<PUBLIC_LINK_BASE_URL>/<artifactId>` and
 * verifies with the same algorithm (docs/publishing.md):
 *   expires = unix seconds;  sig = hex(HMAC-SHA256(PUBLIC_LINK_SECRET, `${artifactId}.${expires}`))
 *   URL = `${base}/${artifactId}?expires=${expires}&sig=${sig}`
 * Nothing is exported across packages: the link format is the contract, not this code.
 */
export function signArtifactUrl(baseUrl: string, artifactId: string, secret: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1_000);
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(artifactId)}`);
  url.searchParams.set('expires', String(expires));
  url.searchParams.set('sig', artifactSignature(artifactId, expires, secret));
  return url.toString();
}

/** True when `sig` is the signature of (artifactId, expires) and `expires` has not passed. */
export function verifyArtifactSignature(
  artifactId: string,
  expires: string | number,
  sig: string,
  secret: string,
  now = Date.now(),
): boolean {
  const seconds = Number(expires);
  if (!Number.isInteger(seconds) || seconds * 1_000 < now) return false;
  if (!/^[0-9a-f]{64}$/.test(sig)) return false;
  const expected = Buffer.from(artifactSignature(artifactId, seconds, secret), 'hex');
  return timingSafeEqual(expected, Buffer.from(sig, 'hex'));
}

function artifactSignature(artifactId: string, expires: number, secret: string): string {
  return createHmac('sha256', secret).update(`${artifactId}.${expires}`).digest('hex');
}
