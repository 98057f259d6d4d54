/**
 * @reelay/artifacts-s3 — artifact storage on an S3-compatible bucket for the Reelay
 * runtime (ARTIFACT_STORE=s3). Not a general S3 client: see
 * docs/decisions/0010-s3-artifact-storage.md.
 */
export {
  type S3ArtifactBackendOptions,
  type S3ArtifactMeta,
  type S3ByteRange,
  type S3PartedUpload,
  type S3StoredArtifact,
  S3ArtifactBackend,
} from './s3-artifact-backend.js';
