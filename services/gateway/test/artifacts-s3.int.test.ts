import { S3ArtifactBackend } from '@reelay/artifacts-s3';
import { type LocalS3Server, startLocalS3Server } from '@reelay/artifacts-s3/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signArtifactLink } from '../src/artifacts/signed-links.js';
import { ALPHA_KEY, BETA_READER_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';

const LINK_SECRET = 'link-secret-0123456789abcdef0123';

/** The gateway on ARTIFACT_STORE=s3, against a real S3-compatible server: uploads go to the bucket, downloads redirect to it. */
describe('artifacts over HTTP on the S3 backend', () => {
  let s3: LocalS3Server;
  let g: GatewayFixture;
  const bytes = new Uint8Array(20_000).map((_, i) => i % 251);
  let id: string;

  beforeAll(async () => {
    s3 = await startLocalS3Server();
    g = await startGateway({ ...s3.env, ARTIFACT_MAX_BYTES: '50000', PUBLIC_LINK_SECRET: LINK_SECRET });
    const up = await g.call('/v1/artifacts?project=alpha&name=clip%20one.mp4', {
      method: 'POST',
      body: bytes,
      key: ALPHA_KEY,
      headers: { 'content-type': 'video/mp4' },
    });
    expect(up.status).toBe(201);
    id = (await up.json()).id;
  });
  afterAll(async () => {
    await g?.close();
    await s3?.close();
  });

  it('redirects a download to a presigned link on the bucket, which serves the bytes, ranges and the file name', async () => {
    const res = await g.call(`/v1/artifacts/${id}`, { key: ALPHA_KEY, redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location') ?? '';
    expect(location.startsWith(`${s3.endpoint}/${s3.bucket}/${id}?`)).toBe(true);
    expect(location).toMatch(/X-Amz-Expires=300&/);
    // Fetched with no key: the link is the permission, for a few minutes.
    const whole = await fetch(location);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('content-disposition')).toBe('inline; filename="clip_one.mp4"');
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const part = await g.call(`/v1/artifacts/${id}`, { key: ALPHA_KEY, headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(100, 200));
  });

  it("keeps the project check: another project's key and no key get no link", async () => {
    const other = await g.call(`/v1/artifacts/${id}`, { key: BETA_READER_KEY, redirect: 'manual' });
    expect(other.status).toBe(404);
    expect(other.headers.get('location')).toBeNull();
    expect((await g.call(`/v1/artifacts/${id}`, { key: null, redirect: 'manual' })).status).toBe(401);
  });

  it('redirects a valid signed link and refuses a forged one', async () => {
    const expires = Math.floor(Date.now() / 1000) + 600;
    const good = await g.call(`/v1/artifacts/${id}?expires=${expires}&sig=${signArtifactLink(LINK_SECRET, id, expires)}`, {
      key: null,
      redirect: 'manual',
    });
    expect(good.status).toBe(302);
    expect(new Uint8Array(await (await fetch(good.headers.get('location') ?? '')).arrayBuffer())).toEqual(bytes);
    const forged = await g.call(`/v1/artifacts/${id}?expires=${expires}&sig=${'0'.repeat(64)}`, { key: null, redirect: 'manual' });
    expect(forged.status).toBe(403);
  });

  it('cuts off an upload over ARTIFACT_MAX_BYTES with 413 and leaves nothing in the bucket', async () => {
    const before = await bucketKeys();
    // Streamed without a Content-Length, so only the running count can catch it.
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 8; i++) c.enqueue(new Uint8Array(10_000));
        c.close();
      },
    });
    const res = await g.call('/v1/artifacts?project=alpha&name=big.bin', {
      method: 'POST',
      body,
      key: ALPHA_KEY,
      headers: { 'content-type': 'application/octet-stream' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await bucketKeys()).toEqual(before);
  });

  /** What the bucket holds, read straight from it. */
  async function bucketKeys(): Promise<string[]> {
    const bucket = new S3ArtifactBackend({
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    try {
      return (await bucket.list()).map((a) => a.id).sort();
    } finally {
      bucket.close();
    }
  }
});
