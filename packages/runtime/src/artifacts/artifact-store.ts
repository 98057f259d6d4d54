import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '@nats-io/obj';
import { type ArtifactRef, ErrorCode } from '@reelay/contracts';
import { PermanentError } from '../errors.js';
import { newJobId } from '../jobs/new-job-id.js';
import type { ArtifactBackend, ByteRange } from './artifact-backend.js';
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

/** Ids are ours (newJobId); anything else is no artifact, and never reaches a backend's key or subject. */
const ARTIFACT_ID = /^[A-Za-z0-9-]{1,64}$/;

function isBackend(x: ArtifactBackend | ObjectStore): x is ArtifactBackend {
  return typeof (x as ArtifactBackend).stat === 'function' && typeof (x as ArtifactBackend).reportsSha256 === 'boolean';
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
