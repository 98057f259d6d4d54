import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
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

/**
 * Writes `data` into `file` as a muxer does: front to back in pieces, with a wait between
 * them, then its first `headBytes` bytes once more (an MP4's index, Matroska's durations)
 * and, with `rewriteAt`, bytes far past the head too. `between` runs after each piece.
 */
async function writeLikeAMuxer(
  file: string,
  data: Buffer,
  options: { headBytes: number; rewriteAt?: number; between?: (written: number) => Promise<void> },
): Promise<void> {
  const piece = 512 * 1024;
  // What is rewritten is first written as zeros, as ffmpeg reserves its index space.
  const rewritten: [number, number][] = [[0, options.headBytes]];
  if (options.rewriteAt !== undefined) rewritten.push([options.rewriteAt, options.rewriteAt + 1000]);
  await writeFile(file, Buffer.alloc(0));
  for (let at = 0; at < data.length; at += piece) {
    const bytes = Buffer.from(data.subarray(at, at + piece));
    for (const [start, end] of rewritten) bytes.fill(0, Math.max(0, start - at), Math.max(0, Math.min(bytes.length, end - at)));
    await appendFile(file, bytes);
    await options.between?.(at + bytes.length);
  }
  const handle = await open(file, 'r+');
  try {
    for (const [start, end] of rewritten) await handle.write(data, start, Math.min(end, data.length) - start, start);
  } finally {
    await handle.close();
  }
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

  describe('a file stored while it is still being written', () => {
    let dir: string;
    // Three and a bit 5 MiB parts: the head, two that can go up while it grows, the rest.
    const output = randomBytes(17 * MIB + 4321);
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-artifact-growing-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    /** Parts the backend was handed, by number, in the order they were sent. */
    function watchParts(): number[] {
      const sent: number[] = [];
      const start = store.backend.startPartedUpload?.bind(store.backend);
      if (start) {
        store.backend.startPartedUpload = async (id, meta) => {
          const upload = await start(id, meta);
          return {
            ...upload,
            part: (n, body) => {
              sent.push(n);
              return upload.part(n, body);
            },
          };
        };
      }
      return sent;
    }

    it(
      backend === 's3'
        ? 'sends what lies past the head while the writer is still writing, the rewritten head and the last part once it is done, and stores the finished file'
        : 'stores the finished file once the writer is done (the object store reads chunks in the order they were written)',
      async () => {
        expect(store.uploadsWhileWriting).toBe(backend === 's3');
        const sent = watchParts();
        const file = path.join(dir, 'grows.mp4');
        let sentBeforeTheEnd = 0;
        const written = writeLikeAMuxer(file, output, {
          headBytes: 40_000,
          // Halfway through the writing, wait (up to 10 s) for a part to have gone up.
          between: async (at) => {
            if (backend !== 's3' || at !== 14 * MIB) return;
            for (let i = 0; i < 200 && sent.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
            sentBeforeTheEnd = sent.length;
          },
        });
        const ref = await store.putGrowingFile(file, written, { name: 'grows.mp4', project: 'alpha', rewritesBelow: 40_000 });
        expect(ref).toMatchObject({
          size: output.length,
          sha256: createHash('sha256').update(output).digest('hex'),
          contentType: 'video/mp4',
        });
        expect((await readAll(await store.openStream(ref.id))).equals(output)).toBe(true);
        expect(await store.info(ref.id)).toMatchObject({ name: 'grows.mp4', size: output.length, project: 'alpha' });
        if (backend === 's3') {
          expect(sentBeforeTheEnd).toBeGreaterThan(0);
          // Parts 2 and 3 as they filled; the head and the short last part (sent together) after.
          expect(sent.slice(0, 2)).toEqual([2, 3]);
          expect([...sent.slice(2)].sort()).toEqual([1, 4]);
        } else expect(sent).toEqual([]);
      },
    );

    it('sends again a part the writer went back to past the head it named, and stores the finished file', async () => {
      const sent = watchParts();
      const file = path.join(dir, 'rewritten.mkv');
      const written = writeLikeAMuxer(file, output, {
        headBytes: 40_000,
        rewriteAt: 7 * MIB,
        // Near the end, wait (up to 10 s) for part 2 to have gone up as first written.
        between: async (at) => {
          if (backend !== 's3' || at !== 16 * MIB) return;
          for (let i = 0; i < 200 && !sent.includes(2); i++) await new Promise((r) => setTimeout(r, 50));
        },
      });
      const ref = await store.putGrowingFile(file, written, { name: 'rewritten.mkv', project: 'alpha', rewritesBelow: 40_000 });
      expect(ref.sha256).toBe(createHash('sha256').update(output).digest('hex'));
      expect((await readAll(await store.openStream(ref.id))).equals(output)).toBe(true);
      // Part 2 holds 7 MiB; it went up as first written, and again as rewritten.
      if (backend === 's3') {
        expect(sent.filter((n) => n === 2).length).toBe(2);
        expect(sent.lastIndexOf(2)).toBeGreaterThan(sent.indexOf(1));
      }
    });

    it('stores nothing when the writer fails, and fails with its error', async () => {
      const before = (await store.list()).length;
      const file = path.join(dir, 'failed.mp4');
      const written = writeLikeAMuxer(file, output, { headBytes: 40_000 }).then(() => {
        throw new Error('ffmpeg exited with code 1');
      });
      await expect(store.putGrowingFile(file, written, { name: 'failed.mp4', project: 'alpha' })).rejects.toThrow(
        'ffmpeg exited with code 1',
      );
      expect((await store.list()).length).toBe(before);
    });

    // Only S3 sends parts while a file grows (the object store has nothing to refuse mid-way).
    if (backend === 's3')
      it("fails with the bucket's error when it refuses a part sent while the file grows, and stores nothing", async () => {
        const before = (await store.list()).length;
        const start = store.backend.startPartedUpload?.bind(store.backend);
        if (!start) throw new Error('the S3 backend sends parts');
        let aborted = false;
        store.backend.startPartedUpload = async (id, meta) => {
          const upload = await start(id, meta);
          return {
            ...upload,
            part: (n, body) => (n === 2 ? Promise.reject(new Error('SlowDown: part 2 refused')) : upload.part(n, body)),
            abort: () => {
              aborted = true;
              return upload.abort();
            },
          };
        };
        const file = path.join(dir, 'refused.mp4');
        const written = writeLikeAMuxer(file, output, { headBytes: 40_000 });
        try {
          await expect(store.putGrowingFile(file, written, { name: 'refused.mp4', project: 'alpha' })).rejects.toThrow(
            'SlowDown: part 2 refused',
          );
        } finally {
          store.backend.startPartedUpload = start;
        }
        await written;
        expect(aborted).toBe(true);
        expect((await store.list()).length).toBe(before);
      });

    it('stores a file that never grew past its head as one ordinary upload', async () => {
      const small = output.subarray(0, 3 * MIB);
      const file = path.join(dir, 'small.mp4');
      const ref = await store.putGrowingFile(file, writeLikeAMuxer(file, small, { headBytes: 40_000 }), { project: 'alpha' });
      expect(ref).toMatchObject({ name: 'small.mp4', size: small.length });
      expect((await readAll(await store.openStream(ref.id))).equals(small)).toBe(true);
    });
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
