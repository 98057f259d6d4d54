import type { Readable } from 'node:stream';
import type { ArtifactRef } from '@reelay/contracts';

/**
 * Where an ArtifactStore keeps bytes: the NATS object store (the embedded default) or an
 * S3-compatible bucket (`@reelay/artifacts-s3`, ARTIFACT_STORE=s3). A backend stores and
 * returns objects by id with their metadata, nothing more: ids, hashing and the project
 * checks are the ArtifactStore's, the same over every backend.
 */
export interface ArtifactBackend {
  /** For logs and health: "nats", "s3". */
  readonly kind: string;
  /** True when `put` reports the SHA-256 of what it stored, so the store need not hash the stream too. */
  readonly reportsSha256: boolean;
  /** Stores `body` under `id`; resolves once every byte is stored. Fails (and stores nothing) if `body` fails. */
  put(id: string, body: Readable, meta: StoredArtifactMeta): Promise<{ size?: number; sha256?: string }>;
  /** What is stored under `id`, or undefined. */
  stat(id: string): Promise<StoredArtifact | undefined>;
  list(): Promise<StoredArtifact[]>;
  /** The bytes under `id` (or the inclusive `range` of them), or undefined when there is no such object. */
  open(id: string, range?: ByteRange): Promise<Readable | undefined>;
  delete(id: string): Promise<void>;
  /**
   * A time-limited URL from which a client can fetch the object directly, for backends
   * that have one (S3: a presigned GET). Absent: bytes go through the caller.
   */
  presignedUrl?(id: string, options: { expiresInSec: number; fileName: string; contentType: string }): Promise<string>;
  /**
   * An upload whose parts may arrive in any order (S3: multipart), for a file that goes up
   * while it is still being written, its rewritten head last (ArtifactStore.putGrowingFile).
   * Absent (the NATS object store reads an object's chunks in the order they were
   * written): such a file is stored once it is finished.
   */
  startPartedUpload?(id: string, meta: StoredArtifactMeta): Promise<PartedUpload>;
  /** The size of a parted upload's parts (every one but the last; S3: at least 5 MiB). */
  readonly partBytes?: number;
  /** Releases connections the backend opened itself. */
  close?(): void;
}

/** One object going up in numbered parts; nothing is readable under its id until `complete`. */
export interface PartedUpload {
  /** Stores part `n` (1-based: the object is its parts in number order); a part sent twice keeps the later one. */
  part(n: number, body: Buffer): Promise<void>;
  /** Makes the object of parts 1..`parts` (each sent, every one but the last at least `partBytes` long); any other part sent is dropped. */
  complete(parts: number): Promise<void>;
  /** Drops the parts; the object never appears. */
  abort(): Promise<void>;
}

/** What a backend records with an object. */
export interface StoredArtifactMeta {
  name: string;
  contentType: string;
  project: string;
  createdAt: string;
}

/** An artifact as a backend reads it back: the ref without the upload-time hash. */
export type StoredArtifact = Omit<ArtifactRef, 'sha256'>;

/** Inclusive byte offsets, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}
