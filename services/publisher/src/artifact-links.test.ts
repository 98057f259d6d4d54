import { describe, expect, it } from 'vitest';
import { signArtifactUrl, verifyArtifactSignature } from './artifact-links.js';

const secret = 'link-secret-0123456789abcdef';
const id = '0190a0b1-c2d3-7e4f-8a9b-0c1d2e3f4a5b';

describe('signed artifact links', () => {
  it('a link carries expires and sig that verify until it expires', () => {
    const url = new URL(signArtifactUrl('https://gw.example.com/v1/public/artifacts/', id, secret, new Date(2_000_000_000_000)));
    expect(url.pathname).toBe(`/v1/public/artifacts/${id}`);
    expect(url.searchParams.get('expires')).toBe('2000000000');
    const sig = url.searchParams.get('sig') ?? '';
    expect(verifyArtifactSignature(id, '2000000000', sig, secret, 1_999_999_999_000)).toBe(true);
    expect(verifyArtifactSignature(id, '2000000000', sig, secret, 2_000_000_001_000)).toBe(false);
  });
  it('another artifact, a moved expiry or another secret does not verify', () => {
    const url = new URL(signArtifactUrl('https://gw.example.com/a', id, secret, new Date(2_000_000_000_000)));
    const sig = url.searchParams.get('sig') ?? '';
    const now = 1_900_000_000_000;
    expect(verifyArtifactSignature('0190a0b1-0000-7e4f-8a9b-0c1d2e3f4a5b', '2000000000', sig, secret, now)).toBe(false);
    expect(verifyArtifactSignature(id, '2000000001', sig, secret, now)).toBe(false);
    expect(verifyArtifactSignature(id, '2000000000', sig, 'another-secret-0123456789', now)).toBe(false);
    expect(verifyArtifactSignature(id, '2000000000', 'zz', secret, now)).toBe(false);
  });
});
