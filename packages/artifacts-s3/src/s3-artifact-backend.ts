import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ArtifactRef } from '@reelay/contracts';

/**
 * Reelay's artifacts in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, GCS's
 * XML interop): one object per artifact under `<prefix><id>`, the artifact's name,
 * content type, project and creation time in its user metadata (`x-amz-meta-*`).
 * Uploads are multipart (`@aws-sdk/lib-storage`), so a stream of unknown length goes up
 * in parts while it is still being produced; downloads are plain or ranged GETs, and a
 * client can be handed a presigned GET instead of having the bytes proxied.
 *
 * This is a storage backend only: project scoping, ids and hashing live in the runtime's
 * ArtifactStore, which loads this package only when ARTIFACT_STORE=s3 (so a service on
 * the NATS object store never loads the AWS SDK). It does not import the runtime: the
 * runtime type-checks this class against its `ArtifactBackend` interface.
 */

export interface S3ArtifactBackendOptions {
  bucket: string;
  /** Custom endpoint (MinIO, R2, a local server); unset for AWS itself. */
  endpoint?: string;
  region: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key`: MinIO and most local servers want this. */
  forcePathStyle: boolean;
  /** Key prefix inside the bucket, e.g. `reelay/` (empty: the bucket's root). */
  prefix?: string;
  /** Part size for multipart uploads, bytes (S3's minimum is 5 MiB). */
  partSizeBytes?: number;
  /** Parts in flight at once per upload. */
  uploadConcurrency?: number;
  /**
   * Explicit credentials (tests). Unset: the SDK's default chain — AWS_ACCESS_KEY_ID /
   * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE, web identity, instance role.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** An artifact as the bucket records it; the runtime adds the sha256 it computed on upload. */
export type S3StoredArtifact = Omit<ArtifactRef, 'sha256'>;

export interface S3ArtifactMeta {
  name: string;
  contentType: string;
  project: string;
  createdAt: string;
}

/** The runtime's PartedUpload, as this package sees it (it does not import the runtime). */
export interface S3PartedUpload {
  part(n: number, body: Buffer): Promise<void>;
  complete(parts: number): Promise<void>;
  abort(): Promise<void>;
}

/** Inclusive byte offsets, as in an HTTP Range header. */
export interface S3ByteRange {
  start: number;
  end: number;
}

const MIB = 1024 * 1024;
/** HEADs in flight while listing: the listing has no user metadata, each object's HEAD has it. */
const LIST_HEAD_CONCURRENCY = 16;

export class S3ArtifactBackend {
  readonly kind = 's3';
  /** The bucket keeps no SHA-256 of a multipart object that the runtime can read back: it hashes itself. */
  readonly reportsSha256 = false;
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  /** The part size of multipart uploads, ours and lib-storage's. */
  get partBytes(): number {
    return this.partSize;
  }
  private readonly queueSize: number;

  constructor(options: S3ArtifactBackendOptions) {
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Checksums only when an operation requires them: several S3-compatible servers
      // (and older MinIO) refuse the CRC32 trailers SDK 3.729+ sends by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.partSize = Math.max(5 * MIB, options.partSizeBytes ?? 8 * MIB);
    this.queueSize = Math.max(1, options.uploadConcurrency ?? 4);
  }

  /** Streams `body` up as a multipart upload (one PUT when it fits in a part); an error aborts the upload. */
  async put(id: string, body: Readable, meta: S3ArtifactMeta): Promise<{ size?: number }> {
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.key(id),
        Body: body,
        ContentType: meta.contentType,
        Metadata: userMetadata(meta),
      },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    // A failing source stream must fail the upload, not leave it waiting for bytes.
    const failed = new Promise<never>((_, reject) => body.once('error', reject));
    failed.catch(() => {});
    try {
      await Promise.race([upload.done(), failed]);
    } catch (err) {
      await upload.abort().catch(() => {});
      throw err;
    }
    return {};
  }

  /**
   * A multipart upload whose parts the caller sends in any order (the runtime's
   * putGrowingFile sends a file's head last); `complete` lists them in number order.
   */
  async startPartedUpload(id: string, meta: S3ArtifactMeta): Promise<S3PartedUpload> {
    const target = { Bucket: this.bucket, Key: this.key(id) };
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ ...target, ContentType: meta.contentType, Metadata: userMetadata(meta) }),
    );
    const uploadId = created.UploadId;
    if (!uploadId) throw new Error(`the bucket started no multipart upload for ${id}`);
    const etags = new Map<number, string>();
    return {
      part: async (n, body) => {
        const sent = await this.client.send(new UploadPartCommand({ ...target, UploadId: uploadId, PartNumber: n, Body: body }));
        if (!sent.ETag) throw new Error(`the bucket returned no ETag for part ${n} of ${id}`);
        etags.set(n, sent.ETag);
      },
      complete: async (count) => {
        const parts = Array.from({ length: count }, (_, i) => {
          const ETag = etags.get(i + 1);
          if (!ETag) throw new Error(`part ${i + 1} of ${id} was never sent`);
          return { PartNumber: i + 1, ETag };
        });
        await this.client.send(new CompleteMultipartUploadCommand({ ...target, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
      },
      abort: async () => {
        await this.client.send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId }));
      },
    };
  }

  async stat(id: string): Promise<S3StoredArtifact | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(id) }));
      return this.toArtifact(id, head.ContentLength ?? 0, head.ContentType, head.Metadata ?? {}, head.LastModified);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list(): Promise<S3StoredArtifact[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          ...(this.prefix ? { Prefix: this.prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const o of page.Contents ?? []) {
        const id = o.Key?.slice(this.prefix.length);
        if (id && !id.includes('/')) ids.push(id);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const out: S3StoredArtifact[] = [];
    for (let i = 0; i < ids.length; i += LIST_HEAD_CONCURRENCY) {
      const batch = await Promise.all(ids.slice(i, i + LIST_HEAD_CONCURRENCY).map((id) => this.stat(id)));
      for (const a of batch) if (a) out.push(a);
    }
    return out;
  }

  /** The object's bytes, or `range` of them (a ranged GET: nothing before `start` is sent). */
  async open(id: string, range?: S3ByteRange): Promise<Readable | undefined> {
    try {
      const got = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.key(id),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      return got.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async delete(id: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(id) }));
  }

  /**
   * A presigned GET for the object that a client fetches from the bucket itself (Range
   * works there too). The response carries the artifact's content type and file name.
   */
  async presignedUrl(id: string, options: { expiresInSec: number; fileName: string; contentType: string }): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.key(id),
        ResponseContentType: options.contentType,
        ResponseContentDisposition: `inline; filename="${options.fileName.replace(/[^\w.-]/g, '_')}"`,
      }),
      { expiresIn: options.expiresInSec },
    );
  }

  close(): void {
    this.client.destroy();
  }

  private key(id: string): string {
    return `${this.prefix}${id}`;
  }

  private toArtifact(
    id: string,
    size: number,
    contentType: string | undefined,
    metadata: Record<string, string>,
    lastModified: Date | undefined,
  ): S3StoredArtifact {
    const decode = (v: string | undefined) => {
      if (v === undefined) return undefined;
      try {
        return decodeURIComponent(v);
      } catch {
        return v;
      }
    };
    return {
      id,
      name: decode(metadata.name) ?? id,
      size,
      contentType: contentType ?? 'application/octet-stream',
      // As on the NATS object store: an object written without a project is `default`'s.
      project: decode(metadata.project) ?? 'default',
      createdAt: metadata['created-at'] ?? (lastModified ?? new Date(0)).toISOString(),
    };
  }
}

/**
 * The artifact's fields as the object's user metadata. It travels as HTTP headers: only
 * ASCII survives every server, so the name is URI-encoded (an artifact named "día.mp4" is
 * common).
 */
function userMetadata(meta: S3ArtifactMeta): Record<string, string> {
  return { name: encodeURIComponent(meta.name), project: encodeURIComponent(meta.project), 'created-at': meta.createdAt };
}

/** By the SDK's error classes and the HTTP status, never by message text. */
function isNotFound(err: unknown): boolean {
  if (err instanceof NoSuchKey || err instanceof NotFound) return true;
  return err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404;
}
