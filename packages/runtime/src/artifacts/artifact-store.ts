import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ObjectStore } from '@nats-io/obj';
import { type ArtifactRef, ErrorCode } from '@reelay/contracts';
import { PermanentError } from '../errors.js';
import { newJobId } from '../jobs/new-job-id.js';

export class ArtifactNotFoundError extends PermanentError {
  constructor(id: string) {
    super(`artifact ${id} not found`, { code: ErrorCode.ARTIFACT_NOT_FOUND });
  }
}

/**
 * Media files in the NATS object store, by id. Production may put an S3 bucket behind
 * the same methods; nothing outside this class knows where bytes live.
 *
 * This is the whole store, every project's artifacts: the gateway (which checks the
 * caller's project itself) and operator upkeep use it. Jobs never do: a handler gets
 * `forProject(job.project)` as `ctx.artifacts`.
 */
export class ArtifactStore {
  constructor(private readonly os: ObjectStore) {}

  /** The one door jobs have to artifacts: a view of `project`'s alone. */
  forProject(project: string): ProjectArtifacts {
    return new ProjectArtifacts(this, project);
  }

  async putStream(source: Readable, meta: { name: string; contentType: string; project: string }): Promise<ArtifactRef> {
    const id = newJobId();
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    const web = Readable.toWeb(source.pipe(tap)) as unknown as ReadableStream<Uint8Array>;
    const createdAt = new Date().toISOString();
    await this.os.put(
      {
        name: id,
        description: meta.name,
        metadata: { name: meta.name, contentType: meta.contentType, project: meta.project, createdAt },
      },
      web,
    );
    const ref: ArtifactRef = {
      id,
      name: meta.name,
      size,
      contentType: meta.contentType,
      project: meta.project,
      createdAt,
      sha256: hash.digest('hex'),
    };
    return ref;
  }

  async putFile(filePath: string, meta: { name?: string; contentType?: string; project: string }): Promise<ArtifactRef> {
    await stat(filePath);
    return this.putStream(createReadStream(filePath), {
      name: meta.name ?? path.basename(filePath),
      contentType: meta.contentType ?? contentTypeFor(filePath),
      project: meta.project,
    });
  }

  async info(id: string): Promise<ArtifactRef | undefined> {
    if (!/^[A-Za-z0-9-]+$/.test(id)) return undefined;
    const info = await this.os.info(id);
    if (!info || info.deleted) return undefined;
    const m = info.metadata ?? {};
    return {
      id,
      name: m.name ?? id,
      size: info.size,
      contentType: m.contentType ?? 'application/octet-stream',
      project: m.project ?? 'default',
      createdAt: m.createdAt ?? info.mtime,
    };
  }

  async list(): Promise<ArtifactRef[]> {
    const infos = await this.os.list();
    return infos
      .filter((i) => !i.deleted)
      .map((i) => ({
        id: i.name,
        name: i.metadata?.name ?? i.name,
        size: i.size,
        contentType: i.metadata?.contentType ?? 'application/octet-stream',
        project: i.metadata?.project ?? 'default',
        createdAt: i.metadata?.createdAt ?? i.mtime,
      }));
  }

  async openStream(id: string): Promise<Readable> {
    const result = await this.os.get(id);
    if (!result) throw new ArtifactNotFoundError(id);
    return Readable.fromWeb(result.data as unknown as WebReadableStream<Uint8Array>);
  }

  async getToFile(id: string, filePath: string): Promise<ArtifactRef> {
    const ref = await this.info(id);
    if (!ref) throw new ArtifactNotFoundError(id);
    await pipeline(await this.openStream(id), createWriteStream(filePath));
    return ref;
  }

  async delete(id: string): Promise<void> {
    await this.os.delete(id);
  }
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

  async openStream(id: string): Promise<Readable> {
    await this.own(id);
    return this.store.openStream(id);
  }

  async getToFile(id: string, filePath: string): Promise<ArtifactRef> {
    const ref = await this.own(id);
    await pipeline(await this.store.openStream(id), createWriteStream(filePath));
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
