import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

const secret = 'whsec-unit-0123456789abcdef';
const body = '{"videoId":"abc"}';

describe('webhook signatures', () => {
  it('a signature made now verifies against the same body and secret', () => {
    expect(verifyWebhookSignature(secret, signWebhook(secret, body), body)).toBe(true);
  });
  it('a changed body, another secret or a malformed header does not verify', () => {
    const header = signWebhook(secret, body);
    expect(verifyWebhookSignature(secret, header, '{"videoId":"abd"}')).toBe(false);
    expect(verifyWebhookSignature('other-secret-0123456789', header, body)).toBe(false);
    expect(verifyWebhookSignature(secret, 'v1=deadbeef', body)).toBe(false);
    expect(verifyWebhookSignature(secret, undefined, body)).toBe(false);
  });
  it('a signature older than the tolerance is refused as a replay', () => {
    const header = signWebhook(secret, body, 1_700_000_000);
    expect(verifyWebhookSignature(secret, header, body, 300, 1_700_000_000_000 + 299_000)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, 300, 1_700_000_000_000 + 301_000)).toBe(false);
  });
  it('one matching v1 among several (a rotated secret) is enough', () => {
    const header = signWebhook(secret, body, 1_700_000_000);
    const rotated = `${header},v1=${'0'.repeat(64)}`;
    expect(verifyWebhookSignature(secret, rotated, body, 300, 1_700_000_000_000)).toBe(true);
  });
});
