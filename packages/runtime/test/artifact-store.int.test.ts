import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { S3ArtifactBackend } from '@reelay/artifacts-s3';
import { startLocalS3Server } from '@reelay/artifacts-s3/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../src/artifacts/artifact-store.js';
import type { NatsArtifactBackend } from '../src/artifacts/nats-artifact-backend.js';
import { openArtifactStore } from '../src/artifacts/open-artifact-store.js';
import { parseEnv } from '../src/config/parse-env.js';
import { RuntimeEnv } from '../src/config/runtime-config.js';
import { ConfigError } from '../src/errors.js';
import { BACKENDS, type BackendFixture, startBackend } from './artifact-backends.js';

const MIB = 1024 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Chunks as a producer (ffmpeg, an upload) hands them over: no length known up front. */
function chunked(data: Buffer, size = 256 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    })(),
  );
}

/** The same storage behaviour on every backend; the S3 one against a real S3-compatible server. */
describe.each(BACKENDS)('the artifact store (%s backend)', (backend) => {
  let fixture: BackendFixture;
  let store: ArtifactStore;
  // Over two 5 MiB parts: on S3 this is a multipart upload of three parts.
  const big = randomBytes(11 * MIB + 12_345);

  beforeAll(async () => {
    fixture = await startBackend(backend);
    store = fixture.store;
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('stores a stream of unknown length and gives back the same bytes, size, hash and metadata', async () => {
    const ref = await store.putStream(chunked(big), { name: 'día 1.mp4', contentType: 'video/mp4', project: 'alpha' });
    expect(ref).toMatchObject({ size: big.length, sha256: createHash('sha256').update(big).digest('hex'), project: 'alpha' });
    expect(await store.info(ref.id)).toEqual({
      id: ref.id,
      name: 'día 1.mp4',
      size: big.length,
      contentType: 'video/mp4',
      project: 'alpha',
      createdAt: ref.createdAt,
    });
    expect((await readAll(await store.openStream(ref.id))).equals(big)).toBe(true);
  });

  it('reads a byte range without the bytes around it', async () => {
    const ref = await store.putStream(chunked(big), { name: 'r.bin', contentType: 'application/octet-stream', project: 'alpha' });
    for (const [start, end] of [
      [0, 9],
      [5 * MIB - 10, 5 * MIB + 10],
      [big.length - 100, big.length - 1],
    ] as const) {
      const got = await readAll(await store.openStream(ref.id, { start, end }));
      expect(got.equals(big.subarray(start, end + 1))).toBe(true);
    }
  });

  it('reads ranges right when two uploads went in side by side (their chunks interleaved in the store), and a range of the whole file', async () => {
    const other = randomBytes(3 * MIB + 7);
    // Small chunks from both producers, taking turns: the backend receives them interleaved.
    const [a, b] = await Promise.all([
      store.putStream(chunked(big, 64 * 1024), { name: 'a.bin', contentType: 'application/octet-stream', project: 'alpha' }),
      store.putStream(chunked(other, 64 * 1024), { name: 'b.bin', contentType: 'application/octet-stream', project: 'alpha' }),
    ]);
    for (const [start, end] of [
      [0, big.length - 1],
      [1, 200_000],
      [4 * MIB + 3, 9 * MIB],
      [big.length - 1, big.length - 1],
    ] as const) {
      expect((await readAll(await store.openStream(a.id, { start, end }))).equals(big.subarray(start, end + 1)), `${start}-${end}`).toBe(
        true,
      );
    }
    expect((await readAll(await store.openStream(b.id, { start: MIB, end: other.length - 1 }))).equals(other.subarray(MIB))).toBe(true);
  });

  it('stops a download to a file part-way when its signal aborts, and downloads it whole after', async () => {
    const ref = await store.putStream(chunked(big), { name: 'stop.bin', contentType: 'application/octet-stream', project: 'alpha' });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-artifact-stop-'));
    try {
      const stop = new AbortController();
      const download = store.getToFile(ref.id, path.join(dir, 'part.bin'), { signal: stop.signal });
      stop.abort();
      await expect(download).rejects.toMatchObject({ name: 'AbortError' });
      expect((await stat(path.join(dir, 'part.bin')).catch(() => ({ size: 0 }))).size).toBeLessThan(big.length);
      await store.getToFile(ref.id, path.join(dir, 'whole.bin'));
      expect((await readFile(path.join(dir, 'whole.bin'))).equals(big)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stores an empty artifact', async () => {
    const ref = await store.putStream(Readable.from([]), { name: 'empty.txt', contentType: 'text/plain', project: 'alpha' });
    expect(ref.size).toBe(0);
    expect(await store.info(ref.id)).toMatchObject({ size: 0 });
    expect((await readAll(await store.openStream(ref.id))).length).toBe(0);
  });

  it('fails the put when the source fails, and lists nothing for it', async () => {
    const before = (await store.list()).length;
    const source = new Readable({ read() {} });
    source.push(randomBytes(6 * MIB));
    setTimeout(() => source.destroy(new Error('source broke')), 50);
    await expect(
      store.putStream(source, { name: 'broken.bin', contentType: 'application/octet-stream', project: 'alpha' }),
    ).rejects.toThrow();
    expect((await store.list()).length).toBe(before);
  });

  it('answers not found for ids that are not ours, without reaching the backend with them', async () => {
    for (const id of ['no-such-artifact', '../../etc/passwd', 'a/b', '*', '>', '']) {
      expect(await store.info(id)).toBeUndefined();
      await expect(store.openStream(id)).rejects.toMatchObject({ code: 'ARTIFACT_NOT_FOUND', retryable: false });
    }
  });

  it('lists what it holds and forgets what it deletes', async () => {
    const ref = await store.putStream(Readable.from([Buffer.from('list me')]), {
      name: 'l.txt',
      contentType: 'text/plain',
      project: 'beta',
    });
    expect((await store.list()).find((a) => a.id === ref.id)).toMatchObject({ name: 'l.txt', project: 'beta', size: 7 });
    await store.delete(ref.id);
    expect(await store.info(ref.id)).toBeUndefined();
    expect((await store.list()).map((a) => a.id)).not.toContain(ref.id);
    await expect(store.openStream(ref.id)).rejects.toMatchObject({ code: 'ARTIFACT_NOT_FOUND' });
  });

  it(
    backend === 's3'
      ? 'hands out a presigned link that downloads (and ranges) without credentials, and refuses a tampered one'
      : 'has no direct link: bytes go through the caller',
    async () => {
      const ref = await store.putStream(Readable.from([Buffer.from('presigned bytes')]), {
        name: 'p.txt',
        contentType: 'text/plain',
        project: 'alpha',
      });
      const url = await store.directDownloadUrl(ref, 60);
      if (backend === 'nats') {
        expect(url).toBeUndefined();
        return;
      }
      expect(url).toMatch(/X-Amz-Signature=/);
      const whole = await fetch(url as string);
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-type')).toBe('text/plain');
      expect(whole.headers.get('content-disposition')).toBe('inline; filename="p.txt"');
      expect(await whole.text()).toBe('presigned bytes');
      const part = await fetch(url as string, { headers: { range: 'bytes=10-14' } });
      expect(part.status).toBe(206);
      expect(await part.text()).toBe('bytes');
      const tampered = (url as string).replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
      expect((await fetch(tampered)).status).toBe(403);
    },
  );
});

describe('the local S3 server the S3 suite runs against', () => {
  it('checks signatures like S3: a client with the wrong secret can neither list nor write', async () => {
    const s3 = await startLocalS3Server();
    const wrong = new S3ArtifactBackend({
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.credentials.accessKeyId, secretAccessKey: 'not-the-secret' },
    });
    try {
      await expect(wrong.list()).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
      const meta = { name: 'x', contentType: 'text/plain', project: 'p', createdAt: new Date().toISOString() };
      await expect(wrong.put('x', Readable.from([Buffer.from('x')]), meta)).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    } finally {
      wrong.close();
      await s3.close();
    }
  });
});

describe('choosing the artifact backend by configuration', () => {
  it('refuses ARTIFACT_STORE=s3 without a bucket, naming the variable', async () => {
    const config = parseEnv(RuntimeEnv, { ARTIFACT_STORE: 's3' });
    const err = await openArtifactStore({} as never, config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([expect.stringMatching(/^S3_BUCKET: required when ARTIFACT_STORE=s3/)]);
  });

  it('refuses an unknown backend and a part size under S3’s 5 MiB minimum', () => {
    expect(() => parseEnv(RuntimeEnv, { ARTIFACT_STORE: 'ftp' })).toThrow(/ARTIFACT_STORE/);
    expect(() => parseEnv(RuntimeEnv, { ARTIFACT_STORE: 's3', S3_BUCKET: 'b', S3_UPLOAD_PART_BYTES: '1024' })).toThrow(
      /S3_UPLOAD_PART_BYTES/,
    );
  });
});

describe('the NATS backend’s object layout', () => {
  let fixture: BackendFixture;
  beforeAll(async () => {
    fixture = await startBackend('nats');
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('stores new objects in 1 MiB chunks, one message each, and reads ranges across them', async () => {
    const data = randomBytes(3 * MIB + 5);
    const ref = await fixture.store.putStream(chunked(data, 64 * 1024), {
      name: 'c.bin',
      contentType: 'application/octet-stream',
      project: 'alpha',
    });
    const info = await (fixture.store.backend as NatsArtifactBackend).os.info(ref.id);
    expect(info).toMatchObject({ chunks: 4, size: data.length, options: { max_chunk_size: MIB } });
    const got = await readAll(await fixture.store.openStream(ref.id, { start: MIB - 3, end: 2 * MIB + 3 }));
    expect(got.equals(data.subarray(MIB - 3, 2 * MIB + 4))).toBe(true);
  });
});
