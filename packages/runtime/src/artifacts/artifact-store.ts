import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectStore } from '@nats-io/obj';
import { type ArtifactRef, ErrorCode } from '@reelay/contracts';
import { PermanentError } from '../errors.js';
import { newJobId } from '../jobs/new-job-id.js';
import type { ArtifactBackend, ByteRange, PartedUpload, StoredArtifactMeta } from './artifact-backend.js';
import { NatsArtifactBackend } from './nats-artifact-backend.js';

export class ArtifactNotFoundError extends PermanentError {
  constructor(id: string) {
    super(`artifact ${id} not found`, { code: ErrorCode.ARTIFACT_NOT_FOUND });
  }
}

/**
 * Media files by id, over a backend: the NATS object store (the embedded default) or an
 * S3-compatible bucket (`openArtifactStore` picks by ARTIFACT_STORE). Nothing outside
 * this class and its backends knows where bytes live.
 *
 * This is the whole store, every project's artifacts: the gateway (which checks the
 * caller's project itself) and operator upkeep use it. Jobs never do: a handler gets
 * `forProject(job.project)` as `ctx.artifacts`.
 */
export class ArtifactStore {
  readonly backend: ArtifactBackend;

  /** A bare ObjectStore means the NATS backend (what tests and older callers pass). */
  constructor(backend: ArtifactBackend | ObjectStore) {
    this.backend = isBackend(backend) ? backend : new NatsArtifactBackend(backend);
  }

  /** The one door jobs have to artifacts: a view of `project`'s alone. */
  forProject(project: string): ProjectArtifacts {
    return new ProjectArtifacts(this, project);
  }

  async putStream(source: Readable, meta: { name: string; contentType: string; project: string }): Promise<ArtifactRef> {
    const id = newJobId();
    const hash = this.backend.reportsSha256 ? undefined : createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash?.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    // A source that fails must fail the put (pipe alone would leave the backend waiting).
    source.once('error', (err) => tap.destroy(err));
    const createdAt = new Date().toISOString();
    const stored = await this.backend.put(id, source.pipe(tap), {
      name: meta.name,
      contentType: meta.contentType,
      project: meta.project,
      createdAt,
    });
    const sha256 = stored.sha256 ?? hash?.digest('hex');
    return { id, name: meta.name, size, contentType: meta.contentType, project: meta.project, createdAt, ...(sha256 ? { sha256 } : {}) };
  }

  async putFile(filePath: string, meta: { name?: string; contentType?: string; project: string }): Promise<ArtifactRef> {
    await stat(filePath);
    return this.putStream(createReadStream(filePath, { highWaterMark: 1024 * 1024 }), {
      name: meta.name ?? path.basename(filePath),
      contentType: meta.contentType ?? contentTypeFor(filePath),
      project: meta.project,
    });
  }

  /** True when putGrowingFile sends a file up while it is being written (the backend takes parts out of order). */
  get uploadsWhileWriting(): boolean {
    return this.backend.startPartedUpload !== undefined;
  }

  /**
   * Stores a file that another process is still writing (ffmpeg's output), finished once
   * `written` resolves; `written` rejecting stores nothing and rejects with its error.
   *
   * On a backend that takes parts out of order (S3 multipart) the file goes up as it
   * grows: everything past the head (its first `rewritesBelow` bytes, at least one part)
   * in parts as they fill, the head once the writer is done — a muxer rewrites its head
   * last (an MP4's reserved index, Matroska's durations and seek table). The finished file
   * is then read once, part by part, for its hash and to check each part against what was
   * sent: the last part, and any the writer went back to, are sent again, so a writer that
   * rewrote more than it said costs time, never a wrong object. Elsewhere, and for a file
   * that never grew past its head, it is stored once finished, as putFile does.
   */
  async putGrowingFile(filePath: string, written: Promise<unknown>, meta: GrowingFileMeta & { project: string }): Promise<ArtifactRef> {
    const startParted = this.backend.startPartedUpload?.bind(this.backend);
    if (!startParted) {
      await written;
      return this.putFile(filePath, meta);
    }
    const id = newJobId();
    const stored: StoredArtifactMeta = {
      name: meta.name ?? path.basename(filePath),
      contentType: meta.contentType ?? contentTypeFor(filePath),
      project: meta.project,
      createdAt: new Date().toISOString(),
    };
    let finished = false;
    const settled = written.then(
      () => {
        finished = true;
      },
      () => {
        finished = true;
      },
    );
    let upload: PartedUpload | undefined;
    const sent = new Map<number, string>();
    const send = async (n: number, body: Buffer) => {
      upload ??= await startParted(id, stored);
      sent.set(n, sha256Of(body));
      await upload.part(n, body);
      meta.onPartSent?.({ part: n, bytes: body.length, whileWriting: !finished });
    };
    // The head is one part at least, so every part after it can be S3's full size.
    const partBytes = this.backend.partBytes ?? DEFAULT_PART_BYTES;
    const headBytes = Math.max(partBytes, Math.ceil((meta.rewritesBelow ?? 0) / partBytes) * partBytes);
    let file: FileHandle | undefined;
    try {
      // The parts past the head, each once the writer has gone past its end.
      let offset = headBytes;
      let part = 2;
      for (;;) {
        const done = finished;
        file ??= await open(filePath, 'r').catch(() => undefined);
        const size = file ? (await file.stat()).size : 0;
        if (file && size - offset >= partBytes) {
          await send(part++, await readRange(file, offset, partBytes));
          offset += partBytes;
        } else if (done) break;
        else await Promise.race([settled, sleep(GROWTH_POLL_MS)]);
      }
      await written;
      if (!upload || !file) return await this.putFile(filePath, meta);
      // The finished file, part by part: its hash, and every part that is not what was sent.
      const { size } = await file.stat();
      const all = createHash('sha256');
      const head = await readRange(file, 0, Math.min(headBytes, size));
      all.update(head);
      // What is sent again goes up while the rest is read, the head with it (S3 takes parts
      // in any order and at once); usually the last part alone, so little is held.
      const resent: Promise<void>[] = [];
      const resend = (n: number, body: Buffer) => {
        const sending = send(n, body);
        // Awaited below; a failure while the rest is still read must not go unhandled.
        sending.catch(() => undefined);
        resent.push(sending);
      };
      resend(1, head);
      let parts = 1;
      for (let at = head.length; at < size; at += partBytes) {
        const body = await readRange(file, at, Math.min(partBytes, size - at));
        all.update(body);
        parts++;
        if (sent.get(parts) !== sha256Of(body)) resend(parts, body);
      }
      await Promise.all(resent);
      await upload.complete(parts);
      return { id, ...stored, size, sha256: all.digest('hex') };
    } catch (err) {
      await upload?.abort().catch(() => undefined);
      throw err;
    } finally {
      await file?.close();
    }
  }

  async info(id: string): Promise<ArtifactRef | undefined> {
    if (!ARTIFACT_ID.test(id)) return undefined;
    return this.backend.stat(id);
  }

  list(): Promise<ArtifactRef[]> {
    return this.backend.list();
  }

  /** The artifact's bytes, or the inclusive `range` of them. */
  async openStream(id: string, range?: ByteRange): Promise<Readable> {
    const stream = ARTIFACT_ID.test(id) ? await this.backend.open(id, range) : undefined;
    if (!stream) throw new ArtifactNotFoundError(id);
    return stream;
  }

  /** Writes the artifact to `filePath`; `signal` stops the read and the write part-way (the promise then rejects). */
  async getToFile(id: string, filePath: string, options: { signal?: AbortSignal } = {}): Promise<ArtifactRef> {
    const ref = await this.info(id);
    if (!ref) throw new ArtifactNotFoundError(id);
    await pipeline(await this.openStream(id), createWriteStream(filePath), options);
    return ref;
  }

  /**
   * A URL a client can fetch the artifact from directly for `expiresInSec` (S3: a
   * presigned GET), or undefined when the backend has none and bytes must be proxied.
   * The caller has already checked the artifact is the client's to read.
   */
  async directDownloadUrl(ref: ArtifactRef, expiresInSec: number): Promise<string | undefined> {
    if (!this.backend.presignedUrl) return undefined;
    return this.backend.presignedUrl(ref.id, { expiresInSec, fileName: ref.name, contentType: ref.contentType });
  }

  async delete(id: string): Promise<void> {
    if (!ARTIFACT_ID.test(id)) return;
    await this.backend.delete(id);
  }

  close(): void {
    this.backend.close?.();
  }
}

/** How often putGrowingFile looks at the size of a file being written. */
const GROWTH_POLL_MS = 100;
/** S3's minimum part, for a backend that does not say its own. */
const DEFAULT_PART_BYTES = 5 * 1024 * 1024;

/** Up to `length` bytes of an open file from `start` (fewer only where the file ends first). */
export async function readRange(file: FileHandle, start: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let at = 0;
  while (at < length) {
    const { bytesRead } = await file.read(buffer, at, length - at, start + at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  return buffer.subarray(0, at);
}

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Ids are ours (newJobId); anything else is no artifact, and never reaches a backend's key or subject. */
const ARTIFACT_ID = /^[A-Za-z0-9-]{1,64}$/;

function isBackend(x: ArtifactBackend | ObjectStore): x is ArtifactBackend {
  return typeof (x as ArtifactBackend).stat === 'function' && typeof (x as ArtifactBackend).reportsSha256 === 'boolean';
}

/** What putGrowingFile is told besides the name and type. */
export interface GrowingFileMeta {
  name?: string;
  contentType?: string;
  /** Bytes at the front the writer rewrites once done: sent last. */
  rewritesBelow?: number;
  /** Called after each part is sent, with whether the writer was still writing (for logs and tests). */
  onPartSent?: (sent: { part: number; bytes: number; whileWriting: boolean }) => void;
}

/** What a write names; the project comes from the view, never from the caller. */
export interface ArtifactMeta {
  name: string;
  contentType: string;
}

/**
 * One project's artifacts, with the store's methods. An artifact of another project is
 * answered exactly as one that does not exist (ARTIFACT_NOT_FOUND, a permanent error),
 * so a job cannot read, copy, delete — or learn of — what it does not own; every write
 * is stamped with this project, whatever a caller puts in `meta`. Handlers get this as
 * `ctx.artifacts` and never pass a project by hand.
 */
export class ProjectArtifacts {
  constructor(
    private readonly store: ArtifactStore,
    readonly project: string,
  ) {}

  putStream(source: Readable, meta: ArtifactMeta): Promise<ArtifactRef> {
    return this.store.putStream(source, { name: meta.name, contentType: meta.contentType, project: this.project });
  }

  putFile(filePath: string, meta: Partial<ArtifactMeta> = {}): Promise<ArtifactRef> {
    return this.store.putFile(filePath, { name: meta.name, contentType: meta.contentType, project: this.project });
  }

  /** See ArtifactStore.putGrowingFile. */
  putGrowingFile(filePath: string, written: Promise<unknown>, meta: GrowingFileMeta = {}): Promise<ArtifactRef> {
    return this.store.putGrowingFile(filePath, written, { ...meta, project: this.project });
  }

  get uploadsWhileWriting(): boolean {
    return this.store.uploadsWhileWriting;
  }

  async info(id: string): Promise<ArtifactRef | undefined> {
    const ref = await this.store.info(id);
    return ref?.project === this.project ? ref : undefined;
  }

  async list(): Promise<ArtifactRef[]> {
    return (await this.store.list()).filter((ref) => ref.project === this.project);
  }

  async openStream(id: string, range?: ByteRange): Promise<Readable> {
    await this.own(id);
    return this.store.openStream(id, range);
  }

  async getToFile(id: string, filePath: string, options: { signal?: AbortSignal } = {}): Promise<ArtifactRef> {
    const ref = await this.own(id);
    await pipeline(await this.store.openStream(id), createWriteStream(filePath), options);
    return ref;
  }

  async delete(id: string): Promise<void> {
    await this.own(id);
    await this.store.delete(id);
  }

  private async own(id: string): Promise<ArtifactRef> {
    const ref = await this.info(id);
    if (!ref) throw new ArtifactNotFoundError(id);
    return ref;
  }
}

const types: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.mov': 'video/quicktime',
  '.wav': 'audio/wav',
  '.opus': 'audio/ogg',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.srt': 'application/x-subrip',
  '.vtt': 'text/vtt',
  '.json': 'application/json',
  '.txt': 'text/plain',
};
export function contentTypeFor(filePath: string): string {
  return types[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}
